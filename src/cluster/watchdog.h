// A deadline on a step that blocks inside MPI (a measured collective, a
// device library's communicator set-up): a thread that, unless the step is
// disarmed in time, prints one line naming this rank, its host and the step,
// and aborts the whole job. Blocking MPI calls cannot time out on their own;
// without this a rank that died or hung would hold the others forever.
#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace bakeoff::cluster {

class Watchdog {
public:
    // on_expiry gets the line to print; it must not return (it aborts).
    explicit Watchdog(std::function<void(const std::string&)> on_expiry);
    ~Watchdog();
    Watchdog(const Watchdog&) = delete;
    Watchdog& operator=(const Watchdog&) = delete;

    // Starts (or restarts) the clock for `what`: expiry after timeout_s.
    void arm(const std::string& what, double timeout_s);
    void disarm();

private:
    void loop();
    std::function<void(const std::string&)> on_expiry_;
    std::mutex mu_;
    std::condition_variable cv_;
    bool armed_ = false, quit_ = false;
    std::string what_;
    double timeout_s_ = 0;
    std::chrono::steady_clock::time_point deadline_;
    std::thread thread_;
};

// Disarms on scope exit.
class Armed {
public:
    Armed(Watchdog& w, const std::string& what, double timeout_s) : w_(w) { w_.arm(what, timeout_s); }
    ~Armed() { w_.disarm(); }
    Armed(const Armed&) = delete;
    Armed& operator=(const Armed&) = delete;

private:
    Watchdog& w_;
};

}  // namespace bakeoff::cluster
