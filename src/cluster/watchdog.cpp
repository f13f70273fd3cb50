#include "cluster/watchdog.h"

#include <fmt/format.h>

namespace bakeoff::cluster {

Watchdog::Watchdog(std::function<void(const std::string&)> on_expiry)
    : on_expiry_(std::move(on_expiry)), thread_([this] { loop(); }) {}

Watchdog::~Watchdog() {
    {
        std::lock_guard lock(mu_);
        quit_ = true;
    }
    cv_.notify_all();
    thread_.join();
}

void Watchdog::arm(const std::string& what, double timeout_s) {
    {
        std::lock_guard lock(mu_);
        armed_ = true;
        what_ = what;
        timeout_s_ = timeout_s;
        deadline_ = std::chrono::steady_clock::now() +
                    std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(timeout_s));
    }
    cv_.notify_all();
}

void Watchdog::disarm() {
    {
        std::lock_guard lock(mu_);
        armed_ = false;
    }
    cv_.notify_all();
}

void Watchdog::loop() {
    std::unique_lock lock(mu_);
    for (;;) {
        if (quit_) return;
        if (!armed_) {
            cv_.wait(lock);
            continue;
        }
        if (cv_.wait_until(lock, deadline_) == std::cv_status::timeout && armed_ && !quit_ &&
            std::chrono::steady_clock::now() >= deadline_) {
            const std::string line = fmt::format("{} did not finish within {:g} s", what_, timeout_s_);
            lock.unlock();
            on_expiry_(line);
            return;
        }
    }
}

}  // namespace bakeoff::cluster
