#include "registry/leaderboard.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <utility>

namespace bakeoff::registry {

namespace {

bool counts(const FlatRow& r, const std::string& workload, const std::string& dtype) {
    return r.workload == workload && (dtype.empty() || r.dtype == dtype) && r.status == "ok" && r.value &&
           std::isfinite(*r.value) && !r.cache_resident;
}

bool better(const FlatRow& a, const FlatRow& b) {  // a's figure beats b's
    return a.lower_is_better ? *a.value < *b.value : *a.value > *b.value;
}

}  // namespace

bool figures_agree(double a, double b) {
    return std::fabs(a - b) <= kAgreement * std::max(std::fabs(a), std::fabs(b));
}

std::vector<LeaderboardEntry> leaderboard(const std::vector<FlatRow>& rows, const std::string& workload,
                                          const std::string& dtype) {
    std::map<std::string, const FlatRow*> best;
    for (const auto& r : rows) {
        if (!counts(r, workload, dtype)) continue;
        const FlatRow*& b = best[r.model];
        if (!b || better(r, *b)) b = &r;
    }
    std::vector<LeaderboardEntry> out;
    for (const auto& [model, b] : best) {
        LeaderboardEntry e;
        e.model = model;
        e.best = *b;
        // One figure per independent run (host, date): the best of that run's records of the case.
        std::map<std::pair<std::string, std::string>, const FlatRow*> per_run;
        for (const auto& r : rows) {
            if (!counts(r, workload, dtype) || r.model != model || r.case_id != b->case_id ||
                r.tool_major != b->tool_major)
                continue;
            const FlatRow*& p = per_run[{r.host, r.date}];
            if (!p || better(r, *p)) p = &r;
        }
        double lo = *b->value, hi = *b->value;
        for (const auto& [key, r] : per_run) {
            ++e.runs;
            if (figures_agree(*r->value, *b->value)) ++e.agree;
            lo = std::min(lo, *r->value);
            hi = std::max(hi, *r->value);
        }
        e.spread_percent = hi != 0 ? 100.0 * (hi - lo) / std::fabs(hi) : 0;
        e.reproduced = e.agree >= kReproducedRuns;
        out.push_back(std::move(e));
    }
    std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return better(a.best, b.best); });
    return out;
}

}  // namespace bakeoff::registry
