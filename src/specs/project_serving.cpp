#include "specs/project_serving.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace bakeoff::specs {

ServeResult project_serving(const ServeInput& in, const ProjectTarget& target) {
    ServeResult r;
    const ModelShape& m = in.model;
    r.weight_bytes_total = m.total_params * in.weight_bytes;
    if (auto e = m.kv_elements_per_token()) r.kv_bytes_per_token = *e * in.kv_bytes;
    const std::string no_kv = "no KV-cache geometry for the model (--layers --kv-heads --head-dim)";
    const double kv_total = r.kv_bytes_per_token ? in.batch * in.context * *r.kv_bytes_per_token : 0;
    if (r.kv_bytes_per_token) r.memory_needed_bytes = Quantity::of(r.weight_bytes_total + kv_total);
    else r.memory_needed_bytes = Quantity::unknown(no_kv);

    const Quantity cap = target.capacity_gb;
    std::optional<double> needed_devices;
    if (r.memory_needed_bytes && cap)
        needed_devices = std::max(1.0, std::ceil(*r.memory_needed_bytes.value / (*cap.value * 1e9)));

    if (in.devices) {
        r.devices = Quantity::of(*in.devices);
        if (!needed_devices) r.fits = "unknown: " + (r.memory_needed_bytes ? cap.missing : no_kv);
        else if (*needed_devices <= *in.devices) r.fits = "yes";
        else r.fits = fmt::format("no (needs {})", *needed_devices);
    } else if (needed_devices) {
        r.devices = Quantity::of(*needed_devices);
        r.devices_from_capacity = true;
        r.fits = "yes";
    } else {
        r.devices = Quantity::unknown(r.memory_needed_bytes ? cap.missing : no_kv);
        r.fits = "unknown: " + r.devices.missing;
    }

    if (r.kv_bytes_per_token)
        r.bytes_per_step = Quantity::of(std::min(m.total_params, in.batch * m.active_params) * in.weight_bytes + kv_total);
    else
        r.bytes_per_step = Quantity::unknown(no_kv);

    const Quantity bw = target.bandwidth_gbs();
    const Quantity peak = target.peak_tflops();
    auto fail = [](Quantity& q, const std::string& why) { q = Quantity::unknown(why); };

    if (!r.devices) fail(r.prefill_tokens_s, r.devices.missing);
    else if (!peak) fail(r.prefill_tokens_s, peak.missing);
    else r.prefill_tokens_s = Quantity::of(*r.devices.value * *peak.value * 1e12 / (2.0 * m.active_params));

    if (!r.devices) fail(r.decode_tokens_s, r.devices.missing);
    else if (!r.bytes_per_step) fail(r.decode_tokens_s, r.bytes_per_step.missing);
    else if (!bw) fail(r.decode_tokens_s, bw.missing);
    else {
        double rate = in.batch * *r.devices.value * *bw.value * 1e9 / *r.bytes_per_step.value;
        r.decode_bound = "memory";
        if (r.prefill_tokens_s && *r.prefill_tokens_s.value < rate) {  // compute caps decode too
            rate = *r.prefill_tokens_s.value;
            r.decode_bound = "compute";
        }
        r.decode_tokens_s = Quantity::of(rate);
    }
    if (r.decode_tokens_s) r.decode_tokens_s_per_seq = Quantity::of(*r.decode_tokens_s.value / in.batch);
    else fail(r.decode_tokens_s_per_seq, r.decode_tokens_s.missing);
    return r;
}

}  // namespace bakeoff::specs
