// Progress of a long run on the terminal: what is running, how many are left,
// elapsed time. Silent when stderr is not a terminal (pipes, CI logs).
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

namespace bakeoff::cli {

class Progress {
public:
    Progress(std::size_t total, bool enabled);
    void start(std::size_t index, const std::string& what);
    void done(const std::string& outcome);
    void finish();

private:
    std::size_t total_;
    bool enabled_;
    std::size_t index_ = 0;
    std::string what_;
    std::chrono::steady_clock::time_point t0_;
};

// True when stderr is a terminal.
bool stderr_is_terminal();

}  // namespace bakeoff::cli
