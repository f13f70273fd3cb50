#include "results/validate.h"

#include <fmt/format.h>

#include <cmath>
#include <set>

namespace bakeoff {

namespace {

// Figures are written with 17 significant digits; anything beyond rounding is an edit.
bool same(double a, double b) { return std::fabs(a - b) <= 1e-9 * std::max(std::fabs(a), std::fabs(b)) + 1e-300; }

void check_header(const nlohmann::json& h, std::vector<std::string>& out) {
    for (const char* key : {"tool", "host", "devices", "created_utc", "seed", "command_line", "complete"})
        if (!h.contains(key)) out.push_back(fmt::format("header: missing field '{}'", key));
    if (h.contains("devices") && !h["devices"].is_array()) out.push_back("header: 'devices' must be an array");
    // An MPI run lists its ranks: rank numbers 0..n-1, each with a host.
    if (h.contains("ranks")) {
        if (!h["ranks"].is_array()) {
            out.push_back("header: 'ranks' must be an array");
        } else {
            for (std::size_t i = 0; i < h["ranks"].size(); ++i) {
                const auto& e = h["ranks"][i];
                if (!e.is_object() || !e.contains("rank") || e["rank"] != i || !e.contains("host") || !e["host"].is_string())
                    out.push_back(fmt::format("header: ranks[{}] must be {{\"rank\": {}, \"host\": ...}}", i, i));
            }
        }
    }
}

void check_record(const Record& r, std::vector<std::string>& out) {
    auto bad = [&](const std::string& what) { out.push_back(fmt::format("record {}: {}", r.id, what)); };
    for (double t : r.samples_s)
        if (!(t > 0) || !std::isfinite(t)) {
            bad(fmt::format("sample {} s is not a positive time", t));
            return;
        }
    if (basis_count(r.work, r.metric.basis) < 0) bad(fmt::format("unknown metric basis '{}'", r.metric.basis));
    if (!(r.metric.scale > 0)) bad("metric scale must be positive");
    if (r.rank && *r.rank < 0) bad(fmt::format("rank {} is negative", *r.rank));

    switch (r.status) {
        case RecordStatus::ok: {
            if (!r.verification || !r.verification->ok) bad("status ok but verification did not pass");
            if (r.verification && !(r.verification->error <= r.verification->tolerance))
                bad(fmt::format("status ok but error {} exceeds tolerance {}", r.verification->error,
                                r.verification->tolerance));
            if (r.samples_s.empty()) {
                bad("status ok without samples");
                return;
            }
            if (!r.stats) {
                bad("status ok without statistics");
                return;
            }
            const auto values = metric_values(r.metric, r.work, r.samples_s);
            const Statistics s = compute_statistics(values);
            const Statistics& w = *r.stats;
            if (w.n != s.n) bad(fmt::format("statistics.n is {} but there are {} samples", w.n, s.n));
            const std::pair<const char*, std::pair<double, double>> fields[] = {
                {"median", {w.median, s.median}}, {"min", {w.min, s.min}},       {"max", {w.max, s.max}},
                {"mean", {w.mean, s.mean}},       {"stddev", {w.stddev, s.stddev}}, {"cv", {w.cv, s.cv}},
                {"ci95_low", {w.ci_low, s.ci_low}}, {"ci95_high", {w.ci_high, s.ci_high}},
                {"ci_coverage", {w.ci_coverage, s.ci_coverage}}};
            if (auto pc = r.percent_of_claim()) {
                const auto& c = r.claim;
                if (!c.contains("claimed") || !c["claimed"].is_number() || !(c["claimed"].get<double>() > 0))
                    bad("claim.percent without a positive claim.claimed");
                else if (!same(*pc, 100.0 * s.median / c["claimed"].get<double>()))
                    bad(fmt::format("claim.percent is {} but the median and the claim give {}", *pc,
                                    100.0 * s.median / c["claimed"].get<double>()));
            }
            for (const auto& [name, pair] : fields)
                if (!same(pair.first, pair.second))
                    bad(fmt::format("{} is {} but the samples give {}: the figures do not match the raw samples", name,
                                    pair.first, pair.second));
            break;
        }
        case RecordStatus::failed:
            if (r.stats) bad("a failed record must not carry a figure");
            if (r.reason.empty()) bad("a failed record must say why");
            break;
        case RecordStatus::unsupported:
        case RecordStatus::skipped:
        case RecordStatus::not_applicable:
            if (r.stats) bad(fmt::format("a {} record must not carry a figure", record_status_name(r.status)));
            if (r.reason.empty()) bad(fmt::format("a {} record must say why", record_status_name(r.status)));
            break;
    }
}

}  // namespace

std::vector<std::string> check_consistency(const ResultsFile& f) {
    std::vector<std::string> out;
    check_header(f.header, out);
    std::set<std::string> ids;
    for (const auto& r : f.records) {
        if (!ids.insert(r.id).second) out.push_back(fmt::format("record {}: id appears more than once", r.id));
        check_record(r, out);
    }
    return out;
}

}  // namespace bakeoff
