// A call that must throw std::invalid_argument whose message names something.
#pragma once

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace bktest {

// f() throws std::invalid_argument with `needle` in its message; `what` says
// what was wrongly accepted when it does not throw.
template <class F>
void expect_invalid_argument_naming(F&& f, const std::string& needle, const std::string& what) {
    try {
        f();
        FAIL() << what;
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    }
}

}  // namespace bktest
