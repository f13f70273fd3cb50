#include "harness/worker_protocol.h"

#include "core/dtype.h"

#include <fmt/format.h>
#include <sys/random.h>

#include <cerrno>
#include <cstring>
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

std::string new_worker_token() {
    unsigned char bytes[16];
    std::size_t got = 0;
    while (got < sizeof bytes) {
        const ssize_t n = ::getrandom(bytes + got, sizeof bytes - got, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) throw std::runtime_error(fmt::format("getrandom: {}", std::strerror(errno)));
        got += std::size_t(n);
    }
    std::string hex;
    for (unsigned char b : bytes) hex += fmt::format("{:02x}", b);
    return hex;
}

std::string answer_line(const std::string& token, const Record& r) {
    // Non-UTF-8 text from a plugin becomes U+FFFD rather than no answer at all.
    return token + " " + to_json(r).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Record read_answer(const std::string& line, const std::string& token, const CaseSpec& spec,
                   const std::string& device_id) {
    if (token.empty() || line.size() <= token.size() || line.compare(0, token.size(), token) != 0 ||
        line[token.size()] != ' ')
        throw std::runtime_error("an answer without the worker's token (written by plugin code?)");
    Record r;
    try {
        r = record_from_json(nlohmann::json::parse(line.begin() + std::ptrdiff_t(token.size()) + 1, line.end()));
    } catch (const std::exception& e) {
        throw std::runtime_error(fmt::format("an unreadable record: {}", e.what()));
    }
    const std::string want_id = spec.id() + "@" + device_id;
    if (r.id != want_id) throw std::runtime_error(fmt::format("a record for '{}', not '{}'", r.id, want_id));
    if (r.device_id != device_id || r.workload != spec.workload || r.dtype != dtype_name(spec.dtype) ||
        r.path != path_name(spec.path) || r.size != spec.size)
        throw std::runtime_error(fmt::format("a record whose device or case differs from '{}'", want_id));
    // The worker adds only what it measured (params.measured) and what the
    // workload chose by the device's capabilities (params.adapted,
    // Workload::adapt) to the case's parameters.
    nlohmann::json params = r.params;
    if (params.is_object()) {
        params.erase("measured");
        params.erase("adapted");
    }
    if (params != spec.params) throw std::runtime_error(fmt::format("a record for '{}' with other parameters", want_id));
    return r;
}

}  // namespace bakeoff
