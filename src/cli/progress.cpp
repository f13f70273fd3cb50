#include "cli/progress.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>

namespace bakeoff::cli {

bool stderr_is_terminal() { return isatty(fileno(stderr)) != 0; }

Progress::Progress(std::size_t total, bool enabled)
    : total_(total), enabled_(enabled), t0_(std::chrono::steady_clock::now()) {}

void Progress::start(std::size_t index, const std::string& what) {
    index_ = index;
    what_ = what;
    if (!enabled_) return;
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0_).count();
    fmt::print(stderr, "\r\033[K[{}/{}, {:.0f} s] {}", index + 1, total_, s, what);
    std::fflush(stderr);
}

void Progress::done(const std::string& outcome) {
    if (!enabled_) return;
    fmt::print(stderr, "\r\033[K[{}/{}] {}  {}\n", index_ + 1, total_, what_, outcome);
    std::fflush(stderr);
}

void Progress::finish() {
    if (!enabled_) return;
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0_).count();
    fmt::print(stderr, "\r\033[K{} cases in {:.1f} s\n", total_, s);
}

}  // namespace bakeoff::cli
