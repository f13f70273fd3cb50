// The name of a signal as people know it, for messages about a process that
// a plugin took down (a plugin's probe, a worker).
#pragma once

#include <string>

namespace bakeoff {

// "SIGSEGV" for 11, ... ("signal N" when unnamed).
std::string signal_name(int sig);

}  // namespace bakeoff
