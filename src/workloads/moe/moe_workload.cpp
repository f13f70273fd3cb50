#include "workloads/moe/moe_workload.h"

#include "workloads/moe/moe_case.h"
#include "workloads/moe/moe_config.h"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

namespace bakeoff {

using moe::MoeShape;

namespace {
MoeShape shape_of(const CaseSpec& c) { return moe::moe_shape_from_params(c.params); }

bool has_variant(bk_dtype t) { return t == BK_F32 || t == BK_BF16; }
}  // namespace

std::string MoeWorkload::description() const {
    return "DeepSeek-V3-style MoE layer: sigmoid top-k router, routed SwiGLU experts, shared expert; tokens/s";
}

MetricDef MoeWorkload::metric(const CaseSpec&) const { return {"throughput", "tokens/s", "items", 1.0}; }

CaseSpec MoeWorkload::make_case(const std::string& preset, std::int64_t tokens, bk_dtype dtype, bk_path path) {
    auto s = moe::moe_preset(preset);
    if (!s) throw std::invalid_argument(fmt::format("moe: unknown preset '{}'", preset));
    s->tokens = tokens;
    CaseSpec c{.workload = "moe",
               .dtype = dtype,
               .path = path,
               .size = tokens,
               .size_label = fmt::format("{}-{}", preset, tokens),
               .params = moe::moe_params(*s)};
    c.params["dtype"] = dtype_name(dtype);
    c.params["weight_dtype"] = dtype_name(dtype);
    c.params["activation_dtype"] = "fp32";
    c.params["path_applies_to"] = "the GEMMs; the other ops run on the portable path";
    c.params["routing_lists"] = "built on the host from the downloaded routing, inside the timed step";
    c.params["mfu"] = "percent_of_peak: peak tokens/s = the device's peak for the dtype / FLOPs per token";
    return c;
}

std::vector<CaseSpec> MoeWorkload::cases(Suite suite, const DeviceInfo&, const CaseChoice& choice) const {
    std::vector<std::pair<std::string, std::int64_t>> points;
    switch (suite) {
        case Suite::smoke:
        case Suite::quick:
        case Suite::collective: return {};
        case Suite::standard: points = {{"small", 1024}}; break;
        case Suite::full:
            for (std::int64_t t : {256, 1024, 4096}) points.push_back({"small", t});
            for (std::int64_t t : {256, 1024, 4096}) points.push_back({"v3-layer", t});
            break;
    }
    if (!choice.sizes.empty()) {
        // Explicit sizes are token counts for each preset the suite runs.
        std::vector<std::string> presets;
        for (const auto& [p, t] : points)
            if (std::find(presets.begin(), presets.end(), p) == presets.end()) presets.push_back(p);
        points.clear();
        for (const auto& p : presets)
            for (std::int64_t t : choice.sizes) points.push_back({p, t});
    }
    std::vector<bk_dtype> dtypes{BK_F32, BK_BF16};
    if (!choice.dtypes.empty()) {
        dtypes.clear();
        for (bk_dtype t : choice.dtypes)
            if (has_variant(t)) dtypes.push_back(t);
    }
    std::vector<CaseSpec> out;
    for (bk_dtype t : dtypes)
        for (const auto& [preset, tokens] : points)
            for (bk_path p : {BK_PATH_VENDOR, BK_PATH_PORTABLE}) out.push_back(make_case(preset, tokens, t, p));
    return out;
}

WorkCounts MoeWorkload::counts(const CaseSpec& c) const {
    const MoeShape s = shape_of(c);
    WorkCounts w;
    w.flops = moe::moe_flops(s).total();
    w.bytes = moe::moe_bytes(s, dtype_size(c.dtype));
    w.items = double(s.tokens);
    return w;
}

std::uint64_t MoeWorkload::device_bytes(const CaseSpec& c) const {
    return moe::moe_device_bytes(shape_of(c), dtype_size(c.dtype));
}

std::vector<bk_op_desc> MoeWorkload::ops(const CaseSpec& c) const { return moe::moe_ops(shape_of(c), c.dtype, c.path); }

double MoeWorkload::peak(const CaseSpec& c, const DeviceInfo& device) const {
    // tokens/s at the device's matrix peak: a MoE layer is GEMMs and nothing
    // else at this count, so percent of peak is its model-FLOPs utilisation.
    const double gflops = device.props.peak_gflops[c.dtype];
    const MoeShape s = shape_of(c);
    const double per_token = moe::moe_flops(s).total() / double(s.tokens);
    return gflops > 0 && per_token > 0 ? gflops * 1e9 / per_token : 0.0;
}

std::unique_ptr<CaseInstance> MoeWorkload::prepare(Device& device, const CaseSpec& c, std::uint64_t seed) const {
    if (!has_variant(c.dtype))
        throw std::invalid_argument(fmt::format("moe: no {} variant (fp32 and bf16 only)", dtype_name(c.dtype)));
    return moe::make_moe_case(device, shape_of(c), c.dtype, c.path, seed);
}

}  // namespace bakeoff
