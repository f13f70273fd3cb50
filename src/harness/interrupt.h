// SIGINT / SIGTERM during a run: the handler only sets a flag; the runner
// abandons the current case, and the command writes what finished and exits
// non-zero.
#pragma once

#include <atomic>

namespace bakeoff {

// Installs the handlers (once) and returns the flag they set.
const std::atomic<bool>& install_interrupt_handlers();
// The signal that set the flag, 0 if none.
int interrupt_signal();

}  // namespace bakeoff
