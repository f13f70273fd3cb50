#include "report/scoreboard.h"

#include "report/compare_claims.h"
#include "report/serving.h"
#include "specs/efficiency.h"

#include <algorithm>
#include <array>
#include <map>

namespace bakeoff {

namespace {

// Families whose best figure over sizes is the device's figure (peak
// bandwidth, peak GEMM rate): their figures are not split by size.
bool best_over_sizes(const std::string& family) {
    static constexpr std::array<std::string_view, 5> k = {"membw", "gemm", "collective", "latency", "transfer"};
    return std::find(k.begin(), k.end(), family) != k.end();
}

std::string param_text(const Record& r, const char* key) {
    if (!r.params.is_object() || !r.params.contains(key)) return "";
    const auto& v = r.params[key];
    return v.is_string() ? v.get<std::string>() : v.is_number() ? v.dump() : "";
}

std::string figure_label(const Record& r, const std::string& family) {
    std::string l = r.workload + " " + r.dtype;
    if (family == kServingWorkload) {
        for (const char* k : {"model", "profile"})
            if (auto v = param_text(r, k); !v.empty()) l += " " + v;
    } else if (best_over_sizes(family)) {
        if (r.cache_resident()) l += " (in cache)";
    } else {
        l += " " + r.size_label;
    }
    return l;
}

// Where the family stands on the scoreboard: the order people ask about, then the rest as they come.
std::size_t family_rank(const std::string& f) {
    static constexpr std::array<std::string_view, 8> k = {"membw", "gemm",  "attention",  "llm",
                                                          "moe",   "train", "collective", "llm.serve"};
    return std::size_t(std::find(k.begin(), k.end(), f) - k.begin());
}

std::optional<double> claim_number(const Record& r, const char* key) {
    if (!r.claim.is_object() || !r.claim.contains(key) || !r.claim[key].is_number()) return std::nullopt;
    return r.claim[key].get<double>();
}

void add_efficiency(ScoreEntry& e, const CompareColumn& col, const specs::PriceList* prices) {
    const Record& r = *e.record;
    const specs::Chip* chip = col.chip.chip;
    e.percent_of_claim = percent_of_claim(chip, r);
    if (r.metric.lower_is_better) return;  // a latency per watt or per dollar means nothing
    e.per_watt = claim_number(r, "per_watt");
    if (!e.per_watt && chip) e.per_watt = specs::measured_per_watt(r.value(), *chip);
    e.per_kusd = claim_number(r, "per_kusd");
    e.per_usd_hour = claim_number(r, "per_usd_hour");
    if (prices && chip)
        if (const specs::Price* p = prices->find(chip->id)) {
            if (!e.per_kusd) e.per_kusd = specs::per_kusd(r.value(), p->price_usd);
            if (!e.per_usd_hour) e.per_usd_hour = specs::per_usd_hour(r.value(), p->price_per_hour_usd);
        }
}

bool better(const Record& a, const Record& b) {
    return a.metric.lower_is_better ? *a.value() < *b.value() : *a.value() > *b.value();
}

void rank(ScoreFigure& f, const Comparison& c, const std::map<std::size_t, const Record*>& best,
          const specs::PriceList* prices) {
    for (const auto& [col, r] : best) {
        ScoreEntry e;
        e.column = col;
        e.record = r;
        f.ranked.push_back(std::move(e));
    }
    std::stable_sort(f.ranked.begin(), f.ranked.end(),
                     [](const ScoreEntry& a, const ScoreEntry& b) { return better(*a.record, *b.record); });
    const Record* base = best.count(c.baseline) ? best.at(c.baseline) : nullptr;
    for (std::size_t i = 0; i < f.ranked.size(); ++i) {
        ScoreEntry& e = f.ranked[i];
        // The tie rule decides whether this device is clearly behind the one above.
        if (i > 0 && compare_records(*f.ranked[i - 1].record, *e.record).verdict == Verdict::tie) {
            e.rank = f.ranked[i - 1].rank;
            e.shares_rank = true;
        } else {
            e.rank = int(i) + 1;
        }
        if (base && e.column != c.baseline) e.vs_baseline = compare_records(*base, *e.record);
        add_efficiency(e, c.columns[e.column], prices);
    }
}

bool shown(const ScoreFamily& f, std::size_t column, const std::string& text) {
    for (const auto& fig : f.figures)
        for (const auto& e : fig.ranked)
            if (e.column == column && std::find(e.record->warnings.begin(), e.record->warnings.end(), text) !=
                                          e.record->warnings.end())
                return true;
    return false;
}

void collect_other_warnings(ScoreFamily& f, const Comparison& c) {
    for (std::size_t i = 0; i < c.columns.size(); ++i)
        for (const auto& r : c.inputs[c.columns[i].file].results.records) {
            if (r.device_id != c.columns[i].device_id || workload_family(r.workload) != f.name) continue;
            for (const auto& w : r.warnings) {
                const bool known = shown(f, i, w) || std::any_of(f.other_warnings.begin(), f.other_warnings.end(),
                                                                 [&](const UnrankedWarning& u) {
                                                                     return u.column == i && u.text == w;
                                                                 });
                if (!known) f.other_warnings.push_back({i, &r, w});
            }
        }
}

}  // namespace

std::string workload_family(std::string_view workload) {
    if (workload == kServingWorkload) return std::string(workload);
    return std::string(workload.substr(0, workload.find('.')));
}

Scoreboard build_scoreboard(const Comparison& c, const specs::PriceList* prices) {
    struct Building {
        std::string family;
        ScoreFigure figure;
        std::map<std::size_t, const Record*> best;      // per column
        std::map<std::size_t, std::string> not_ok;       // per column: the status of its first record without a figure
    };
    std::vector<Building> figures;
    // From the files' records rather than the rows: every serving load counts, whatever its size label.
    for (std::size_t i = 0; i < c.columns.size(); ++i) {
        const CompareColumn& col = c.columns[i];
        for (const auto& r : c.inputs[col.file].results.records) {
            if (r.device_id != col.device_id || r.status == RecordStatus::not_applicable) continue;
            const std::string family = workload_family(r.workload);
            const std::string label = figure_label(r, family);
            auto it = std::find_if(figures.begin(), figures.end(), [&](const Building& b) { return b.figure.label == label; });
            if (it == figures.end()) {
                it = figures.insert(figures.end(), Building{family, {}, {}, {}});
                it->figure.label = label;
                it->figure.unit = r.metric.unit;
                it->figure.lower_is_better = r.metric.lower_is_better;
            }
            if (r.status == RecordStatus::ok && r.value() && r.stats) {
                const Record*& b = it->best[i];
                if (!b || better(r, *b)) b = &r;
            } else if (!it->not_ok.count(i)) {
                it->not_ok[i] = std::string(record_status_name(r.status));
            }
        }
    }
    Scoreboard sb;
    for (auto& b : figures) {
        rank(b.figure, c, b.best, prices);
        for (const auto& [col, status] : b.not_ok)
            if (!b.best.count(col)) b.figure.without_figure.emplace_back(col, status);
        auto fam = std::find_if(sb.families.begin(), sb.families.end(),
                                [&](const ScoreFamily& f) { return f.name == b.family; });
        if (fam == sb.families.end()) fam = sb.families.insert(sb.families.end(), ScoreFamily{b.family, {}, {}});
        fam->figures.push_back(std::move(b.figure));
    }
    for (auto& fam : sb.families) collect_other_warnings(fam, c);
    std::stable_sort(sb.families.begin(), sb.families.end(), [](const ScoreFamily& a, const ScoreFamily& b) {
        return family_rank(a.name) < family_rank(b.name);
    });
    return sb;
}

}  // namespace bakeoff
