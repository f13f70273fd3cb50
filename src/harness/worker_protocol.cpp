#include "harness/worker_protocol.h"

#include "core/dtype.h"

#include <stdexcept>

namespace bakeoff {

nlohmann::json case_request_to_json(const CaseRequest& r) {
    return {
        {"workload", r.spec.workload},
        {"dtype", std::string(dtype_name(r.spec.dtype))},
        {"path", std::string(path_name(r.spec.path))},
        {"size", r.spec.size},
        {"size_label", r.spec.size_label},
        {"params", r.spec.params},
        {"options",
         {{"time_budget_s", r.options.time_budget_s},
          {"min_samples", r.options.min_samples},
          {"max_samples", r.options.max_samples},
          {"target_rel_ci", r.options.target_rel_ci}}},
    };
}

CaseRequest case_request_from_json(const nlohmann::json& j) {
    try {
        CaseRequest r;
        r.spec.workload = j.at("workload").get<std::string>();
        const auto dtype = parse_dtype(j.at("dtype").get<std::string>());
        const auto path = parse_path(j.at("path").get<std::string>());
        if (!dtype || !path) throw std::runtime_error("unknown dtype or path");
        r.spec.dtype = *dtype;
        r.spec.path = *path;
        r.spec.size = j.at("size").get<std::int64_t>();
        r.spec.size_label = j.at("size_label").get<std::string>();
        r.spec.params = j.at("params");
        const auto& o = j.at("options");
        r.options.time_budget_s = o.at("time_budget_s").get<double>();
        r.options.min_samples = o.at("min_samples").get<std::size_t>();
        r.options.max_samples = o.at("max_samples").get<std::size_t>();
        r.options.target_rel_ci = o.at("target_rel_ci").get<double>();
        return r;
    } catch (const nlohmann::json::exception& e) {
        throw std::runtime_error(std::string("bad case request: ") + e.what());
    }
}

}  // namespace bakeoff
