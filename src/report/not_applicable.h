// Cases that mean nothing on their device (status n/a: a host-device copy
// where the device is the host) stay in the results file but are left out of
// tables, charts and coverage counts; each table says in one line how many
// were left out and why.
#pragma once

#include "results/record.h"

#include <cstddef>
#include <string>
#include <vector>

namespace bakeoff {

class LeftOut {
public:
    // Counts r when it is n/a and returns true: the caller then leaves it out.
    bool take(const Record& r);
    std::size_t count() const { return count_; }
    // "" when nothing was left out; otherwise one line for people.
    std::string line() const;

private:
    std::size_t count_ = 0;
    std::vector<std::string> workloads_, devices_, reasons_;  // distinct, in order of appearance
};

}  // namespace bakeoff
