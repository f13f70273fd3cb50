// Telemetry while the timed samples run: a thread reads the device's
// telemetry every period (25 ms by default), and the readings are summarized
// when it stops: average power, energy (from the device's energy counter
// when both ends have it, else power integrated over time), min/max core
// clock, max temperature, the union of throttle reasons, the sample count.
// summarize_telemetry() is the arithmetic alone, for tests.
#pragma once

#include <bakeoff/backend_abi.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace bakeoff {

struct TelemetryReading {
    double t_s = 0;  // seconds since the sampler started
    bk_telemetry tel{};
};

struct TelemetrySummary {
    std::size_t samples = 0;
    double duration_s = 0;                 // first to last reading
    std::optional<double> average_power_w; // mean of the power readings, else energy / duration
    std::optional<double> energy_j;        // over duration_s
    std::string energy_source;             // "counter" or "integrated power"
    std::optional<double> core_clock_mhz_min, core_clock_mhz_max;
    std::optional<double> mem_clock_mhz_min, mem_clock_mhz_max;
    std::optional<double> temperature_c_max;
    std::optional<std::uint64_t> throttle_reasons;  // union over readings
    std::optional<bk_telemetry> last;               // the last reading
};

// Readings in time order. Energy from the counter needs a valid energy
// reading at two different times with a counter that did not go backwards;
// otherwise power is integrated by the trapezoid rule over the power readings.
TelemetrySummary summarize_telemetry(const std::vector<TelemetryReading>& readings);

// The record's "telemetry" object: the end-of-case fields documented in
// docs/results-schema.md plus the summary's; `device_s_per_run` (the mean
// device time of one timed run) and the work count per run with its unit
// give energy_per_run_j and joules per unit of work.
nlohmann::json telemetry_summary_json(const TelemetrySummary& s, double device_s_per_run, double work_per_run,
                                      const std::string& work_unit);

class TelemetrySampler {
public:
    using ReadFn = std::function<std::optional<bk_telemetry>()>;
    explicit TelemetrySampler(ReadFn read, std::chrono::milliseconds period = std::chrono::milliseconds(25));
    ~TelemetrySampler();
    TelemetrySampler(const TelemetrySampler&) = delete;
    TelemetrySampler& operator=(const TelemetrySampler&) = delete;

    // Takes a reading now, then one every period on a thread.
    void start();
    // Takes a last reading, stops the thread and summarizes.
    TelemetrySummary stop();

private:
    void take();
    void loop();

    ReadFn read_;
    std::chrono::milliseconds period_;
    std::chrono::steady_clock::time_point t0_;
    std::mutex mu_;
    std::condition_variable cv_;
    bool stopping_ = false;
    std::thread thread_;
    std::vector<TelemetryReading> readings_;
};

}  // namespace bakeoff
