#include "harness/telemetry_sampler.h"

#include <algorithm>
#include <cmath>

namespace bakeoff {

TelemetrySummary summarize_telemetry(const std::vector<TelemetryReading>& r) {
    TelemetrySummary s;
    s.samples = r.size();
    if (r.empty()) return s;
    s.duration_s = r.back().t_s - r.front().t_s;
    s.last = r.back().tel;
    double power_sum = 0;
    std::size_t power_n = 0;
    const TelemetryReading* first_energy = nullptr;
    const TelemetryReading* last_energy = nullptr;
    auto minmax = [](std::optional<double>& lo, std::optional<double>& hi, double v) {
        lo = lo ? std::min(*lo, v) : v;
        hi = hi ? std::max(*hi, v) : v;
    };
    for (const auto& x : r) {
        const auto& t = x.tel;
        if (t.valid_mask & BK_TEL_POWER) {
            power_sum += t.power_w;
            ++power_n;
        }
        if (t.valid_mask & BK_TEL_ENERGY) {
            if (!first_energy) first_energy = &x;
            last_energy = &x;
        }
        if (t.valid_mask & BK_TEL_CORE_CLOCK) minmax(s.core_clock_mhz_min, s.core_clock_mhz_max, t.core_clock_mhz);
        if (t.valid_mask & BK_TEL_MEM_CLOCK) minmax(s.mem_clock_mhz_min, s.mem_clock_mhz_max, t.mem_clock_mhz);
        if (t.valid_mask & BK_TEL_TEMPERATURE)
            s.temperature_c_max = s.temperature_c_max ? std::max(*s.temperature_c_max, t.temperature_c) : t.temperature_c;
        if (t.valid_mask & BK_TEL_THROTTLE) s.throttle_reasons = s.throttle_reasons.value_or(0) | t.throttle_reasons;
    }
    if (power_n) s.average_power_w = power_sum / double(power_n);
    if (first_energy && last_energy && last_energy->t_s > first_energy->t_s &&
        last_energy->tel.energy_j >= first_energy->tel.energy_j) {
        s.energy_j = last_energy->tel.energy_j - first_energy->tel.energy_j;
        s.energy_source = "counter";
        if (!s.average_power_w) s.average_power_w = *s.energy_j / (last_energy->t_s - first_energy->t_s);
    } else if (power_n >= 2) {
        double e = 0;
        const TelemetryReading* prev = nullptr;
        for (const auto& x : r) {
            if (!(x.tel.valid_mask & BK_TEL_POWER)) continue;
            if (prev) e += 0.5 * (prev->tel.power_w + x.tel.power_w) * (x.t_s - prev->t_s);
            prev = &x;
        }
        s.energy_j = e;
        s.energy_source = "integrated power";
    }
    return s;
}

nlohmann::json telemetry_summary_json(const TelemetrySummary& s, double device_s_per_run, double work_per_run,
                                      const std::string& work_unit) {
    if (!s.last) return {{"available", false}, {"reason", "the backend reports no telemetry"}};
    nlohmann::json t = {{"available", true}, {"samples", s.samples}, {"duration_s", s.duration_s}};
    const bk_telemetry& e = *s.last;
    if (s.energy_j) {
        t["energy_j"] = *s.energy_j;
        t["energy_source"] = s.energy_source;
    }
    if (s.average_power_w) {
        t["average_power_w"] = *s.average_power_w;
        // The device's average power over one run's device time: energy a run
        // costs, and per unit of work.
        if (device_s_per_run > 0) {
            const double per_run = *s.average_power_w * device_s_per_run;
            t["energy_per_run_j"] = per_run;
            if (work_per_run > 0) {
                t["joules_per_unit"] = per_run / work_per_run;
                t["joules_per_unit_unit"] = "J/" + work_unit;
            }
        }
    }
    if (e.valid_mask & BK_TEL_POWER) t["power_w_end"] = e.power_w;
    if (e.valid_mask & BK_TEL_CORE_CLOCK) t["core_clock_mhz_end"] = e.core_clock_mhz;
    if (e.valid_mask & BK_TEL_MEM_CLOCK) t["mem_clock_mhz_end"] = e.mem_clock_mhz;
    if (e.valid_mask & BK_TEL_TEMPERATURE) t["temperature_c_end"] = e.temperature_c;
    if (e.valid_mask & BK_TEL_THROTTLE) t["throttle_reasons_end"] = e.throttle_reasons;
    if (s.core_clock_mhz_min) {
        t["core_clock_mhz_min"] = *s.core_clock_mhz_min;
        t["core_clock_mhz_max"] = *s.core_clock_mhz_max;
    }
    if (s.mem_clock_mhz_min) {
        t["mem_clock_mhz_min"] = *s.mem_clock_mhz_min;
        t["mem_clock_mhz_max"] = *s.mem_clock_mhz_max;
    }
    if (s.temperature_c_max) t["temperature_c_max"] = *s.temperature_c_max;
    if (s.throttle_reasons) t["throttle_reasons"] = *s.throttle_reasons;
    return t;
}

TelemetrySampler::TelemetrySampler(ReadFn read, std::chrono::milliseconds period)
    : read_(std::move(read)), period_(period) {}

TelemetrySampler::~TelemetrySampler() {
    {
        std::lock_guard<std::mutex> lock(mu_);
        stopping_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void TelemetrySampler::take() {
    std::optional<bk_telemetry> t;
    try {
        t = read_();
    } catch (...) {
        // A failing read is a missing reading, not a failed case.
    }
    if (!t) return;
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0_).count();
    std::lock_guard<std::mutex> lock(mu_);
    readings_.push_back({s, *t});
}

void TelemetrySampler::loop() {
    std::unique_lock<std::mutex> lock(mu_);
    while (!stopping_) {
        if (cv_.wait_for(lock, period_, [&] { return stopping_; })) break;
        lock.unlock();
        take();
        lock.lock();
    }
}

void TelemetrySampler::start() {
    t0_ = std::chrono::steady_clock::now();
    take();
    thread_ = std::thread([this] { loop(); });
}

TelemetrySummary TelemetrySampler::stop() {
    {
        std::lock_guard<std::mutex> lock(mu_);
        stopping_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
    take();
    std::lock_guard<std::mutex> lock(mu_);
    return summarize_telemetry(readings_);
}

}  // namespace bakeoff
