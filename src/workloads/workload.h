// A workload is defined once: its cases, what each moves and computes, the
// inputs, the reference and the tolerance. Backends only run the ops it asks
// for; the harness (src/harness/runner.h) times them and derives the metric.
#pragma once

#include "workloads/sizes.h"

#include "results/metric.h"

#include "core/backend.h"
#include "core/dtype.h"

#include <bakeoff/backend_abi.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace bakeoff {

// `collective` holds the cross-rank workloads (run under an MPI launcher).
enum class Suite { smoke, quick, standard, full, collective };
std::string_view suite_name(Suite s);
std::optional<Suite> parse_suite(std::string_view name);

// The serving load asked for (llm.serve, docs/serving.md); zero or empty
// means the suite's choice.
struct ServeChoice {
    std::string profile;                   // chat, summarize, reason ("" = the suite's)
    std::int64_t isl = 0, osl = 0;         // input/output lengths, replacing the profile's
    std::int64_t requests = 0;             // measured requests per run
    std::vector<std::int64_t> concurrency; // closed loop, one case each
    std::vector<double> rates;             // open loop (Poisson), requests/s, one case each
    double slo_ttft_ms = 0, slo_tpot_ms = 0;
    std::int64_t kv_blocks = 0;            // the paged cache's blocks (0: enough for every request in flight)
};

// What the user asked for explicitly; an empty list means "the suite's choice".
struct CaseChoice {
    std::vector<std::int64_t> sizes;
    std::vector<bk_dtype> dtypes;
    std::string weights;  // --weights: a safetensors checkpoint for the llm.* workloads ("" = random)
    std::vector<GemmShape> shapes;  // --size MxNxK[nt]: gemm shapes (only gemm reads them)
    ServeChoice serve;              // llm.serve's load
    std::vector<bk_path> paths;     // --path (llm.serve makes only these; others are filtered after)

    // Whether --dtype selects t: it names t, or names no dtype at all.
    bool allows(bk_dtype t) const { return dtypes.empty() || std::find(dtypes.begin(), dtypes.end(), t) != dtypes.end(); }
};

// One point of a workload's parameter space.
struct CaseSpec {
    std::string workload;    // "membw.triad", "gemm"
    bk_dtype dtype = BK_F32;
    bk_path path = BK_PATH_PORTABLE;
    std::int64_t size = 0;   // the workload's size parameter (see its docs)
    std::string size_label;  // how the size is shown: "64MiB", "4096"
    nlohmann::json params;   // every parameter, as written to the results file

    std::string id() const;  // "gemm/fp32/4096/vendor"
};

// A case prepared on one device: buffers allocated, inputs uploaded.
class CaseInstance {
public:
    virtual ~CaseInstance() = default;
    // Fill every output with NaN (or an impossible value) so a run that writes
    // nothing cannot pass verification.
    virtual void poison() = 0;
    // Launch the op(s) of one run on the stream (asynchronously).
    virtual void run(Stream& stream) = 0;
    // Check the outputs of the last run against the reference.
    virtual Verification verify() = 0;
    // Descriptor of the main op, for op_info.
    virtual bk_op_desc main_op() const = 0;
    // Facts the run measured besides its time (the load imbalance of a MoE
    // routing, a time to first token), read after verify() and written to
    // the record as params.measured. Empty by default.
    virtual nlohmann::json measured() const { return nlohmann::json::object(); }
};

class Workload {
public:
    virtual ~Workload() = default;
    virtual std::string id() const = 0;           // "membw.triad"
    virtual std::string description() const = 0;  // one line for `bakeoff list`
    virtual MetricDef metric(const CaseSpec& c) const = 0;
    // The cases a suite runs on a device; explicit sizes and dtypes replace
    // the suite's (dtypes the workload has no variant for are left out).
    virtual std::vector<CaseSpec> cases(Suite suite, const DeviceInfo& device, const CaseChoice& choice) const = 0;
    virtual WorkCounts counts(const CaseSpec& c) const = 0;
    // Device memory the case allocates, checked against free memory first.
    virtual std::uint64_t device_bytes(const CaseSpec& c) const = 0;
    // The ops the case launches; a backend must support all of them.
    virtual std::vector<bk_op_desc> ops(const CaseSpec& c) const = 0;
    // The device's theoretical peak for this metric, 0 when unknown.
    virtual double peak(const CaseSpec& c, const DeviceInfo& device) const = 0;
    virtual std::unique_ptr<CaseInstance> prepare(Device& device, const CaseSpec& c,
                                                  std::uint64_t seed) const = 0;
    // Choices the case makes by what this device can run (supports(), never
    // a timing): written into c.params["adapted"] (and nowhere else: the
    // rest of params is the case asked for) before the record is made, so
    // the record says what ran (llm.*: a quantized type without a kernel
    // here is dequantized at load). Strings in c.params["adapted"]["notes"]
    // become the record's warnings, shown next to the figure. Default: none.
    virtual void adapt(CaseSpec& c, Device& device) const {
        (void)c;
        (void)device;
    }
    // Why the workload means nothing on this device (a host-device copy where
    // the device is the host), "" when it applies: such cases are recorded
    // `n/a`, not `unsupported`, since nothing is missing.
    virtual std::string not_applicable(const DeviceInfo& device) const { return {}; }
};

// Reading a case's parameters back (a results file, a worker's case): the
// integer `key` of p, which must be present and positive, or the number `key`;
// otherwise std::invalid_argument "<who> case parameters: '<key>' ...".
std::int64_t positive_param(const nlohmann::json& p, const char* key, std::string_view who);
double number_param(const nlohmann::json& p, const char* key, std::string_view who);

// Declares, in a workload class, the overrides of every Workload member but
// id(), for the workloads that define them all out of line: the interface is
// then spelled once, here, instead of once per workload header.
#define BAKEOFF_WORKLOAD_OVERRIDES                                                                                \
    std::string description() const override;                                                                   \
    MetricDef metric(const CaseSpec& c) const override;                                                          \
    std::vector<CaseSpec> cases(Suite suite, const DeviceInfo& device, const CaseChoice& choice) const override; \
    WorkCounts counts(const CaseSpec& c) const override;                                                         \
    std::uint64_t device_bytes(const CaseSpec& c) const override;                                                \
    std::vector<bk_op_desc> ops(const CaseSpec& c) const override;                                               \
    double peak(const CaseSpec& c, const DeviceInfo& device) const override;                                     \
    std::unique_ptr<CaseInstance> prepare(Device& device, const CaseSpec& c, std::uint64_t seed) const override

// Every workload bakeoff knows, in listing order.
const std::vector<std::unique_ptr<Workload>>& all_workloads();
const Workload* find_workload(const std::string& id);

}  // namespace bakeoff
