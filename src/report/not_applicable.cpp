#include "report/not_applicable.h"

#include <fmt/format.h>

#include <algorithm>

namespace bakeoff {
namespace {

void add_distinct(std::vector<std::string>& v, const std::string& s) {
    if (!s.empty() && std::find(v.begin(), v.end(), s) == v.end()) v.push_back(s);
}

std::string joined(const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
    return s;
}

}  // namespace

bool LeftOut::take(const Record& r) {
    if (r.status != RecordStatus::not_applicable) return false;
    ++count_;
    add_distinct(workloads_, r.workload);
    add_distinct(devices_, r.device_id);
    // The reason's first clause is the why ("the device is the host"); the rest details it.
    add_distinct(reasons_, r.reason.substr(0, r.reason.find(':')));
    return true;
}

std::string LeftOut::line() const {
    if (count_ == 0) return {};
    return fmt::format("{} {} not applicable, left out: {} on {} ({}); the results file keeps {} with status n/a",
                       count_, count_ == 1 ? "case" : "cases", joined(workloads_), joined(devices_), joined(reasons_),
                       count_ == 1 ? "it" : "them");
}

}  // namespace bakeoff
