// The ParseError a parser of the chip database's files throws for `text`; a
// test failure (and an empty error) when it throws none.
#pragma once

#include "specs/csv.h"

#include <gtest/gtest.h>

#include <string_view>

namespace bakeoff::specs::test_support {

template <class Parse>
ParseError expect_parse_error(std::string_view text, Parse&& parse) {
    try {
        parse(text);
    } catch (const ParseError& e) {
        return e;
    }
    ADD_FAILURE() << "no error for:\n" << text;
    return ParseError("", 0, 0, "");
}

}  // namespace bakeoff::specs::test_support
