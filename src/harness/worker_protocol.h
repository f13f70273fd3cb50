// What the supervisor (`bakeoff run`) and a worker (`bakeoff worker`) say to
// each other over pipes, one JSON object per line: the supervisor sends a case
// request, the worker answers with the case's Record (report/record.h).
#pragma once

#include "harness/runner.h"
#include "workloads/workload.h"

#include <nlohmann/json.hpp>

#include <string>

namespace bakeoff {

struct CaseRequest {
    CaseSpec spec;
    RunOptions options;  // `stop` is not sent: the worker has its own
};

nlohmann::json case_request_to_json(const CaseRequest& r);
// Throws std::runtime_error naming the bad field.
CaseRequest case_request_from_json(const nlohmann::json& j);

}  // namespace bakeoff
