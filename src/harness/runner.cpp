#include "harness/runner.h"

#include "core/host_info.h"
#include "numeric/rng.h"
#include "numeric/statistics.h"
#include "harness/telemetry_sampler.h"
#include "workloads/sizes.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <sstream>

namespace bakeoff {

namespace {
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// op_info text: the implementation on the first lines, "warning: ..." lines apart.
void split_op_info(const std::string& info, Record& r) {
    std::istringstream in(info);
    std::string line, impl;
    while (std::getline(in, line)) {
        if (line.rfind("warning: ", 0) == 0) r.warnings.push_back(line.substr(9));
        else if (!line.empty()) impl += (impl.empty() ? "" : "; ") + line;
    }
    r.implementation = impl;
}

// "GFLOP", "GB", "item": the unit of work_per_run the energy is divided by.
std::string work_unit(const MetricDef& m) {
    if (m.basis == "items") return "item";
    const char* prefix = m.scale == 1e9 ? "G" : m.scale == 1e6 ? "M" : m.scale == 1e3 ? "k" : "";
    if (m.basis == "flops") return std::string(prefix) + (m.unit == "GOP/s" ? "OP" : "FLOP");
    if (m.basis == "bytes") return std::string(prefix) + "B";
    return "item";
}
}  // namespace

std::string timer_inconsistency(double device_s, double host_s) {
    // The host bracket [record start, run, record stop, sync] holds the timed
    // work, so the device cannot have taken longer (5 % + 50 us for clock
    // granularity); and once the bracket is long enough for launch overheads
    // not to matter, the device time cannot be a small part of it either.
    const bool too_slow = device_s > host_s * 1.05 + 50e-6;
    const bool too_fast = host_s >= 0.020 && device_s < 0.3 * host_s;
    if (!too_slow && !too_fast) return {};
    return fmt::format("timer inconsistent: device says {:.3g} s, host measured {:.3g} s", device_s, host_s);
}

std::string above_peak(double median, double peak, const std::string& unit) {
    if (!(peak > 0) || !(median > 1.10 * peak)) return {};
    return fmt::format("faster than the device's theoretical peak ({:.4g} {}): timer or work count wrong", peak, unit);
}

StoppingRule::StoppingRule(double target_rel_ci, std::size_t min_samples)
    : target_(target_rel_ci), next_check_(std::max<std::size_t>(min_samples, 1)) {}

bool StoppingRule::add(double value) {
    values_.add(value);
    const std::size_t n = values_.size();
    if (n < next_check_) return false;
    next_check_ = n + (n < 64 ? 1 : n / 32);
    ++checks_;
    return stats::relative_ci_halfwidth_sorted(values_.sorted()) <= target_;
}

Record make_record(const Workload& w, const CaseSpec& c, const DeviceInfo& d, std::uint64_t seed) {
    Record r;
    r.id = c.id() + "@" + d.id();
    r.workload = c.workload;
    r.dtype = std::string(dtype_name(c.dtype));
    r.path = std::string(path_name(c.path));
    r.size = c.size;
    r.size_label = c.size_label;
    r.params = c.params;
    r.device_id = d.id();
    r.device_name = d.props.name;
    r.backend = d.backend->name;
    r.seed = seed;
    r.work = w.counts(c);
    r.metric = w.metric(c);
    r.peak = w.peak(c, d);
    if (r.peak > 0) r.peak_basis = d.props.peak_basis;
    r.telemetry = {{"available", false}, {"reason", "not run"}};
    return r;
}

std::string memory_refusal(const Workload& w, const CaseSpec& c, const DeviceInfo& d, std::uint64_t host_available) {
    const std::uint64_t dev_bytes = w.device_bytes(c);
    const bool host_is_device = d.is_host();
    // The workload keeps host copies of inputs and outputs about as large as
    // the device buffers; on a CPU both live in the same memory.
    const std::uint64_t host_bytes = dev_bytes + (host_is_device ? dev_bytes : 0);
    const std::uint64_t dev_free = host_is_device ? host_available : d.props.memory_free_bytes;
    if (dev_free > 0 && !host_is_device && double(dev_bytes) > 0.9 * double(dev_free))
        return fmt::format("needs {:.2f} GiB of device memory, {:.2f} GiB free", double(dev_bytes) / (1 << 30),
                           double(dev_free) / (1 << 30));
    if (host_available > 0 && double(host_bytes) > 0.9 * double(host_available))
        return fmt::format("needs {:.2f} GiB of memory, {:.2f} GiB available", double(host_bytes) / (1 << 30),
                           double(host_available) / (1 << 30));
    return {};
}

Record run_case(Device& device, const Workload& w, const CaseSpec& asked, std::uint64_t run_seed, const RunOptions& o) {
    const auto t_case = Clock::now();
    const std::uint64_t seed = derive_seed(run_seed, asked.id());
    // The workload's choices by this device's capabilities land in the record.
    CaseSpec c = asked;
    try {
        w.adapt(c, device);
    } catch (const std::exception& e) {
        Record r = make_record(w, asked, device.info(), seed);
        r.status = RecordStatus::failed;
        r.reason = e.what();
        r.wall_s = seconds_since(t_case);
        return r;
    }
    Record r = make_record(w, c, device.info(), seed);
    // What the workload changed for this device is shown next to the figure.
    if (const auto a = c.params.find("adapted"); a != c.params.end() && a->is_object())
        if (const auto n = a->find("notes"); n != a->end() && n->is_array())
            for (const auto& note : *n)
                if (note.is_string()) r.warnings.push_back(note.get<std::string>());
    auto finish = [&](RecordStatus st, std::string reason) {
        r.status = st;
        r.reason = std::move(reason);
        r.wall_s = seconds_since(t_case);
        return r;
    };

    if (auto why = w.not_applicable(device.info()); !why.empty()) return finish(RecordStatus::not_applicable, why);
    for (const auto& op : w.ops(c)) {
        std::string why;
        if (!device.supports(op, &why)) return finish(RecordStatus::unsupported, why);
    }
    if (auto why = memory_refusal(w, c, device.info(), host_available_memory()); !why.empty())
        return finish(RecordStatus::skipped, why);

    try {
        auto inst = w.prepare(device, c, seed);
        Stream stream(device);
        Event start(device), stop(device);

        // Warm-up: untimed for the statistics, but its wall time (which holds
        // one-off costs such as kernel compilation or primitive creation) is kept.
        inst->poison();
        const auto t_first = Clock::now();
        inst->run(stream);
        stream.sync();
        r.first_call_s = seconds_since(t_first);
        split_op_info(device.op_info(inst->main_op()), r);

        TelemetrySampler sampler([&device] { return device.telemetry(); });
        sampler.start();
        const auto t_samples = Clock::now();
        const double count = basis_count(r.work, r.metric.basis);
        StoppingRule rule(o.target_rel_ci, o.min_samples);
        while (true) {
            if (o.stop && o.stop->load()) return finish(RecordStatus::skipped, "interrupted");
            inst->poison();
            const auto t_host = Clock::now();
            start.record(stream);
            inst->run(stream);
            stop.record(stream);
            stream.sync();
            const double host_s = seconds_since(t_host);
            const double s = Event::elapsed_ms(start, stop) / 1e3;
            if (!(s > 0)) return finish(RecordStatus::failed, fmt::format("the backend's timer gave {} s for a run", s));
            if (auto why = timer_inconsistency(s, host_s); !why.empty()) return finish(RecordStatus::failed, why);
            r.samples_s.push_back(s);
            const bool tight = rule.add(metric_value(r.metric, count, s));
            const std::size_t n = r.samples_s.size();
            if (n >= o.max_samples) break;
            if (n < o.min_samples) continue;
            if (tight) break;
            if (seconds_since(t_samples) >= o.time_budget_s) break;
        }
        const TelemetrySummary tel = sampler.stop();
        double mean_s = 0;
        for (double x : r.samples_s) mean_s += x / double(r.samples_s.size());
        r.telemetry = telemetry_summary_json(tel, mean_s, r.metric.basis == "items" ? count : count / r.metric.scale,
                                             work_unit(r.metric));

        r.verification = inst->verify();
        if (auto m = inst->measured(); m.is_object() && !m.empty()) r.params["measured"] = std::move(m);
        if (!r.verification->ok)
            return finish(RecordStatus::failed, "verification failed: " + r.verification->detail);
        r.stats = compute_statistics(metric_values(r.metric, r.work, r.samples_s));
        if (auto why = above_peak(r.stats->median, r.peak, r.metric.unit); !why.empty()) {
            r.stats.reset();
            return finish(RecordStatus::failed, why);
        }
        return finish(RecordStatus::ok, "");
    } catch (const BackendError& e) {
        // A capability the case needs and the backend lacks (host buffers).
        if (e.status() == BK_UNSUPPORTED) return finish(RecordStatus::unsupported, e.what());
        return finish(RecordStatus::failed, e.what());
    } catch (const std::exception& e) {
        return finish(RecordStatus::failed, e.what());
    }
}

}  // namespace bakeoff
