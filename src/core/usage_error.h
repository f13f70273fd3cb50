// The one usage-error type: a value the user gave that is not one, or names
// nothing here (a flag's value, a filter, a chip id). Any layer may throw it;
// the command prints it as one line naming the flag and exits 2 (anything
// else is a failure, exit 1: src/cli/options.h).
#pragma once

#include <stdexcept>

namespace bakeoff {

struct UsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

}  // namespace bakeoff
