// What the supervisor (`bakeoff run`) and a worker (`bakeoff worker`) say to
// each other over pipes, one JSON object per line: the supervisor sends a case
// request, the worker answers with the case's Record (report/record.h).
//
// The worker runs plugin code, which can find and write to any descriptor
// of its process, the answer pipe included. So the supervisor gives each
// worker a secret first (a random token, its first line on stdin, read
// before any plugin is loaded), every answer line starts with it, and an
// answer is taken only when it also is the record of the case asked: same
// id, workload, dtype, path, size, device and parameters. Anything else is a
// protocol violation and fails the case.
#pragma once

#include "harness/runner.h"
#include "results/record.h"
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

// A fresh secret for one worker: 32 hex digits from the kernel's random source.
std::string new_worker_token();

// The worker's answer: "<token> <record as JSON>", no newline.
std::string answer_line(const std::string& token, const Record& r);

// The record in an answer line to the case `spec` on device `device_id`.
// Throws std::runtime_error saying what is wrong (token, JSON, another case).
Record read_answer(const std::string& line, const std::string& token, const CaseSpec& spec,
                   const std::string& device_id);

}  // namespace bakeoff
