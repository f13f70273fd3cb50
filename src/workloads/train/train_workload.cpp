#include "workloads/train/train_workload.h"

#include "workloads/train/train_case.h"
#include "workloads/train/train_config.h"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

namespace bakeoff {

using train::TrainShape;

namespace {
TrainShape shape_of(const CaseSpec& c) { return train::train_shape_from_params(c.params); }
}  // namespace

std::string TrainStepWorkload::description() const {
    return "training step (forward, backward, AdamW) of a small decoder on a synthetic task; tokens/s, MFU";
}

MetricDef TrainStepWorkload::metric(const CaseSpec&) const { return {"throughput", "tokens/s", "items", 1.0}; }

CaseSpec TrainStepWorkload::make_case(const std::string& preset, std::int64_t batch, bk_path path) {
    auto s = train::train_preset(preset);
    if (!s) throw std::invalid_argument(fmt::format("train.step: unknown preset '{}'", preset));
    s->batch = batch;
    CaseSpec c{.workload = "train.step",
               .dtype = BK_F32,
               .path = path,
               .size = batch,
               .size_label = fmt::format("{}-b{}", preset, batch),
               .params = train::train_params(*s)};
    c.params["dtype"] = "fp32";
    c.params["tokens_per_step"] = s->tokens();
    c.params["params_total"] = train::train_param_count(*s);
    c.params["params_n"] = train::train_nonembedding_params(*s);
    c.params["n_counts"] = "every parameter but the input embedding table";
    c.params["mfu"] = "percent_of_peak: peak tokens/s = the device's fp32 peak / (6 N)";
    c.params["loss_threshold"] = s->loss_threshold();
    c.params["task"] = "x[t+1] = (a x[t] + c) mod vocab, a and c from the seed";
    c.params["path_applies_to"] = "the GEMMs; the other ops run on the portable path";
    return c;
}

std::vector<CaseSpec> TrainStepWorkload::cases(Suite suite, const DeviceInfo&, const CaseChoice& choice) const {
    std::vector<std::int64_t> batches;
    std::vector<bk_path> paths{BK_PATH_VENDOR};
    switch (suite) {
        case Suite::smoke:
        case Suite::quick:
        case Suite::collective: return {};
        case Suite::standard: batches = {8}; break;
        case Suite::full:
            batches = {4, 8, 16};
            paths.push_back(BK_PATH_PORTABLE);
            break;
    }
    if (!choice.sizes.empty()) batches = choice.sizes;
    if (!choice.allows(BK_F32))
        return {};  // fp32 only
    std::vector<CaseSpec> out;
    for (std::int64_t b : batches)
        for (bk_path p : paths) out.push_back(make_case("small", b, p));
    return out;
}

WorkCounts TrainStepWorkload::counts(const CaseSpec& c) const {
    const TrainShape s = shape_of(c);
    WorkCounts w;
    w.flops = train::train_step_flops(s);
    // Parameter traffic at least: read in the forward and the backward, the
    // gradient written, AdamW reading p, g, m, v and writing p, m, v (f32).
    w.bytes = 40.0 * double(train::train_param_count(s));
    w.items = double(s.tokens());
    return w;
}

std::uint64_t TrainStepWorkload::device_bytes(const CaseSpec& c) const {
    const TrainShape s = shape_of(c);
    const auto T = std::uint64_t(s.tokens()), D = std::uint64_t(s.dim), F = std::uint64_t(s.ffn);
    const auto V = std::uint64_t(s.vocab), L = std::uint64_t(s.layers);
    std::uint64_t elems = 4 * std::uint64_t(train::train_param_count(s));  // value, gradient, m, v
    elems += L * (8 * T * D + 3 * T * F);                                  // kept activations
    elems += 17 * T * D + 3 * T * F + 2 * T * V + 2 * T;                   // temporaries, logits, loss, ones
    elems += 2 * train::DeviceModel::kBatchPool * T;                       // the batch pool (int32)
    return elems * 4;
}

std::vector<bk_op_desc> TrainStepWorkload::ops(const CaseSpec& c) const { return train::train_ops(shape_of(c), c.path); }

double TrainStepWorkload::peak(const CaseSpec& c, const DeviceInfo& device) const {
    const double gflops = device.props.peak_gflops[BK_F32];
    const double per_token = 6.0 * double(train::train_nonembedding_params(shape_of(c)));
    return gflops > 0 ? gflops * 1e9 / per_token : 0.0;
}

std::unique_ptr<CaseInstance> TrainStepWorkload::prepare(Device& device, const CaseSpec& c, std::uint64_t seed) const {
    if (c.dtype != BK_F32) throw std::invalid_argument("train.step: fp32 only");
    return train::make_train_case(device, shape_of(c), c.path, seed);
}

}  // namespace bakeoff
