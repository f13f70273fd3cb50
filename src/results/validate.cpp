#include "results/validate.h"

#include "results/serving_check.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <set>

namespace bakeoff {

namespace {

// Figures are written with 17 significant digits; anything beyond rounding is
// an edit (same_figure, results/metric.h).

// Collective records are measured by all ranks together: their device
// (mpi:host, mpi:<backend>) is the job's, not one of `devices`.
bool collective(const Record& r) { return r.workload.starts_with("collective.") && r.device_id.starts_with("mpi:"); }

// The ids of the header's devices; problems with the list go to `out`.
std::set<std::string> check_header(const nlohmann::json& h, const std::vector<Record>& records,
                                   std::vector<std::string>& out) {
    for (const char* key : {"tool", "host", "devices", "created_utc", "seed", "command_line", "complete"})
        if (!h.contains(key)) out.push_back(fmt::format("header: missing field '{}'", key));
    // The run's seed is a 64-bit unsigned integer: 1e30 or -1 cannot have seeded anything.
    if (h.contains("seed") && !h["seed"].is_number_unsigned() &&
        !(h["seed"].is_number_integer() && h["seed"].get<std::int64_t>() >= 0))
        out.push_back(fmt::format("header: seed {} is not an integer from 0 to 2^64 - 1", h["seed"].dump()));
    std::set<std::string> ids;
    if (h.contains("devices") && !h["devices"].is_array()) out.push_back("header: 'devices' must be an array");
    if (h.contains("devices") && h["devices"].is_array()) {
        for (std::size_t i = 0; i < h["devices"].size(); ++i) {
            const auto& d = h["devices"][i];
            if (!d.is_object() || !d.contains("id") || !d["id"].is_string() || d["id"].get<std::string>().empty())
                out.push_back(fmt::format("header: devices[{}] has no id", i));
            else if (!ids.insert(d["id"].get<std::string>()).second)
                out.push_back(fmt::format("header: device {} is listed twice", d["id"].get<std::string>()));
        }
        const bool only_collectives = !records.empty() && std::all_of(records.begin(), records.end(), collective);
        if (h["devices"].empty() && !only_collectives) out.push_back("header: 'devices' is empty: a run lists the devices it used");
    }
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
    return ids;
}

void check_record(const Record& r, const std::set<std::string>& devices, std::vector<std::string>& out) {
    auto bad = [&](const std::string& what) { out.push_back(fmt::format("record {}: {}", r.id, what)); };
    if (r.size < 0) bad(fmt::format("size {} is negative", r.size));
    if (!collective(r) && !devices.contains(r.device_id))
        bad(fmt::format("device {} is not one of the file's devices", r.device_id));

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
                else if (!same_figure(*pc, 100.0 * s.median / c["claimed"].get<double>()))
                    bad(fmt::format("claim.percent is {} but the median and the claim give {}", *pc,
                                    100.0 * s.median / c["claimed"].get<double>()));
            }
            for (const auto& [name, pair] : fields)
                if (!same_figure(pair.first, pair.second))
                    bad(fmt::format("{} is {} but the samples give {}: the figures do not match the raw samples", name,
                                    pair.first, pair.second));
            if (auto why = check_serving_figures(r.params); !why.empty()) bad(why);
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
    const std::set<std::string> devices = check_header(f.header, f.records, out);
    std::set<std::string> ids;
    for (const auto& r : f.records) {
        if (!ids.insert(r.id).second) out.push_back(fmt::format("record {}: id appears more than once", r.id));
        check_record(r, devices, out);
    }
    // Last: a hand-edited figure is named above by what no longer matches its samples.
    if (f.digest.state == DigestCheck::State::differs) out.push_back(f.digest.problem);
    return out;
}

ResultsFile read_validated_results(const std::filesystem::path& path) {
    ResultsFile f = read_results(path);
    const auto problems = check_consistency(f);
    if (!problems.empty())
        throw InputError(fmt::format("{}: fails validation ({} problem{}, the first: {}); 'bakeoff validate {}' lists them",
                                     path.string(), problems.size(), problems.size() == 1 ? "" : "s", problems[0],
                                     path.string()));
    return f;
}

}  // namespace bakeoff
