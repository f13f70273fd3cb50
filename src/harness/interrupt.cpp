#include "harness/interrupt.h"

#include <csignal>

namespace bakeoff {

namespace {
std::atomic<bool> g_stop{false};
std::atomic<int> g_signal{0};

extern "C" void on_signal(int sig) {
    g_signal.store(sig);
    g_stop.store(true);
}
}  // namespace

const std::atomic<bool>& install_interrupt_handlers() {
    static const bool installed = [] {
        struct sigaction sa{};
        sa.sa_handler = on_signal;
        sigemptyset(&sa.sa_mask);
        sigaction(SIGINT, &sa, nullptr);
        sigaction(SIGTERM, &sa, nullptr);
        return true;
    }();
    (void)installed;
    return g_stop;
}

int interrupt_signal() { return g_signal.load(); }

}  // namespace bakeoff
