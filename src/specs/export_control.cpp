#include "specs/export_control.h"

#include "core/name_table.h"

#include "specs/text_util.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>

namespace bakeoff::specs {

std::string Date::str() const { return fmt::format("{:04}-{:02}-{:02}", year, month, day); }

std::optional<Date> parse_date(std::string_view t) {
    if (t.size() != 10 || t[4] != '-' || t[7] != '-') return std::nullopt;
    for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
        if (t[i] < '0' || t[i] > '9') return std::nullopt;
    auto num = [&](std::size_t pos, std::size_t len) {
        int v = 0;
        for (std::size_t i = pos; i < pos + len; ++i) v = v * 10 + (t[i] - '0');
        return v;
    };
    Date d{num(0, 4), num(5, 2), num(8, 2)};
    static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (d.month < 1 || d.month > 12 || d.day < 1 || d.day > kDays[d.month - 1]) return std::nullopt;
    const bool leap = (d.year % 4 == 0 && d.year % 100 != 0) || d.year % 400 == 0;
    if (d.month == 2 && d.day == 29 && !leap) return std::nullopt;
    return d;
}

namespace {

constexpr std::array<RuleChange, 9> kHistory{{
    {{2022, 10, 7}, "7 Oct 2022",
     "87 FR 62186, \"Implementation of Additional Export Controls: Certain Advanced Computing and "
     "Semiconductor Manufacturing Items...\"",
     "New 3A090: >= 600 GB/s aggregate bidirectional I/O and bit length x TOPS >= 4800. A800/H800 (400 GB/s) "
     "were designed under it."},
    {{2023, 11, 17}, "17 Nov 2023", "88 FR 73458 (25 Oct 2023), FR Doc 2023-23055, AC/S IFR",
     "Interconnect test removed; TPP/PD thresholds (3A090.a, 3A090.b); License Exception NAC; scope widened to "
     "D:1/D:4/D:5 (excluding A:5/A:6) and D:5/Macau-headquartered firms."},
    {{2024, 4, 4}, "4 Apr 2024", "89 FR 23876, FR Doc 2024-07004", "Corrections; NAC/ACA split."},
    {{2024, 12, 2}, "2 Dec 2024", "89 FR 96790, FR Doc 2024-28270",
     "New 3A090.c: HBM with memory bandwidth density > 2 GB/s/mm^2 (all HBM then in production); License "
     "Exception HBM only below 3.3 GB/s/mm^2."},
    {{2025, 1, 15}, "15 Jan 2025", "90 FR 4544, FR Doc 2025-00636, AI Diffusion IFR",
     "Worldwide licensing tiers for 3A090.a; BIS announced on 13 May 2025 it would not enforce it and would "
     "rescind it."},
    {{2025, 1, 16}, "16 Jan 2025", "FR Doc 2025-00711, foundry due-diligence rule",
     "Note 1 to 3A090.a: \"applicable advanced logic ICs\" presumed 3A090.a unless an approved/authorized designer "
     "attests, or the packaged IC has an aggregated approximated transistor count < 30 billion, or has no HBM and "
     "< 35 billion (2027) / < 40 billion (2029 onward)."},
    {{2025, 4, 9}, "9/14 Apr 2025",
     "Licence requirement notified to NVIDIA (NVIDIA Form 8-K, 15 Apr 2025)",
     "Licence required for H20 to China (incl. HK, Macau) and D:5, and for any IC reaching the H20's memory "
     "bandwidth, interconnect bandwidth or their combination. Not a published rule."},
    {{2025, 5, 13}, "13 May 2025", "BIS guidance",
     "Use of Huawei Ascend 910B/910C/910D anywhere may violate the EAR (General Prohibition 10)."},
    {{2026, 1, 15}, "15 Jan 2026", "91 FR 1684, FR Doc 2026-00789, final rule",
     "China/Macau licence review for exports from the US moves to case-by-case for commodities with TPP < 21,000 "
     "and total DRAM bandwidth < 6,500 GB/s (e.g. H200, MI325X), subject to certifications (US supply, foundry "
     "capacity, security, US third-party testing, volume cap of 50 % of US shipments). Reexports/in-country "
     "transfers stay presumption of denial."},
}};

// Comparisons tolerate rounding in the last bits (PD is a quotient).
bool at_least(double x, double t) { return x >= t * (1 - 1e-12); }

std::string num(double v) { return fmt::format("{}", v); }
std::string num1(double v) { return fmt::format("{:.1f}", v); }
std::string pd_text(double v) { return fmt::format("{:.2f}", v); }

// The figures a rule compares.
enum Metric { kTpp, kPd, kIo, kMem, kMetrics };
constexpr std::string_view kMetricLabel[kMetrics] = {"TPP", "PD", "interconnect", "memory bandwidth"};
constexpr std::string_view kMetricColumn[kMetrics] = {"the dense peaks", "die_area_mm2", "interconnect_gbs",
                                                      "memory_bandwidth_gbs"};
using Figures = std::array<std::optional<double>, kMetrics>;

std::string value_text(Metric m, double v) {
    if (m == kPd) return pd_text(v);
    if (m == kIo || m == kMem) return num(v) + " GB/s";
    return num(v);
}

struct Bound {
    Metric metric;
    std::optional<double> min, max;
};
std::vector<Bound> bounds(const ExportRule& r) {
    std::vector<Bound> b;
    auto add = [&](Metric m, std::optional<double> lo, std::optional<double> hi) {
        if (lo || hi) b.push_back({m, lo, hi});
    };
    add(kTpp, r.tpp_min, r.tpp_max);
    add(kPd, r.pd_min, r.pd_max);
    add(kIo, r.io_min_gbs, std::nullopt);
    add(kMem, r.memory_bw_min_gbs, r.memory_bw_max_gbs);
    return b;
}

enum class Tri { no, yes, maybe };
Tri holds(const Bound& b, const Figures& f) {
    const auto& v = f[b.metric];
    if (!v) return Tri::maybe;
    if (b.min && !at_least(*v, *b.min)) return Tri::no;
    if (b.max && at_least(*v, *b.max)) return Tri::no;
    return Tri::yes;
}
Tri holds(const ExportRule& r, const Figures& f) {
    Tri t = Tri::yes;
    for (const auto& b : bounds(r)) {
        const Tri h = holds(b, f);
        if (h == Tri::no) return Tri::no;
        if (h == Tri::maybe) t = Tri::maybe;
    }
    return t;
}
// "2400 <= TPP 3000 < 4800", "PD 6.40 >= 5.92", "memory bandwidth 6000 GB/s < 6500".
std::string met_text(const Bound& b, double v) {
    const std::string x = std::string(kMetricLabel[b.metric]) + " " + value_text(b.metric, v);
    if (b.min && b.max) return fmt::format("{} <= {} < {}", num(*b.min), x, num(*b.max));
    if (b.min) return fmt::format("{} >= {}", x, num(*b.min));
    return fmt::format("{} < {}", x, num(*b.max));
}
// "TPP < 2400", "PD >= 5.92", "interconnect < 600 GB/s".
std::string failed_text(const Bound& b, double v) {
    const std::string unit = (b.metric == kIo || b.metric == kMem) ? " GB/s" : "";
    if (b.min && !at_least(v, *b.min)) return fmt::format("{} < {}{}", kMetricLabel[b.metric], num(*b.min), unit);
    return fmt::format("{} >= {}{}", kMetricLabel[b.metric], num(*b.max), unit);
}
std::string joined(const std::vector<std::string>& v, std::string_view sep) {
    std::string s;
    for (std::size_t i = 0; i < v.size(); ++i) s += (i ? std::string(sep) : "") + v[i];
    return s;
}
std::string name_of(const ExportRule& r) { return r.clause.empty() ? r.band : r.clause; }

Band band_of(std::string_view label) {
    if (label == "3A090.a") return Band::a;
    if (label == "3A090.b") return Band::b;
    if (label == "3A090") return Band::listed_2022;
    return Band::unknown;
}

struct Decision {
    Band band;
    std::string clause;
    std::string reason;
};

// The band rows of one rule, evaluated in order: the first criterion met decides,
// unless an earlier one could not be evaluated (then unknown).
Decision decide(const std::vector<const ExportRule*>& rows, const Figures& f, std::string_view below_label) {
    if (!f[kTpp]) return {Band::unknown, "", "no dense peak figure, so TPP is unknown"};
    const double t = *f[kTpp];
    std::vector<const ExportRule*> maybe;
    for (const ExportRule* r : rows) {
        const Tri h = holds(*r, f);
        if (h == Tri::yes && maybe.empty()) {
            std::vector<std::string> met;
            for (const auto& b : bounds(*r)) met.push_back(met_text(b, *f[b.metric]));
            return {band_of(r->band), r->clause, name_of(*r) + ": " + joined(met, " and ")};
        }
        if (h == Tri::yes) break;
        if (h == Tri::maybe) maybe.push_back(r);
    }
    if (maybe.empty()) {
        bool tpp_fails_all = true;
        std::optional<double> lowest;
        std::vector<std::string> why;
        std::vector<std::string> figs;
        std::array<bool, kMetrics> used{};
        for (const ExportRule* r : rows)
            for (const auto& b : bounds(*r)) {
                used[b.metric] = true;
                if (b.metric == kTpp && b.min) lowest = lowest ? std::min(*lowest, *b.min) : *b.min;
            }
        for (const ExportRule* r : rows) {
            bool tpp_failed = false;
            for (const auto& b : bounds(*r))
                if (holds(b, f) == Tri::no) {
                    tpp_failed = b.metric == kTpp;
                    why.push_back(failed_text(b, *f[b.metric]) + " (" + name_of(*r) + ")");
                    break;
                }
            tpp_fails_all = tpp_fails_all && tpp_failed;
        }
        if (tpp_fails_all && lowest)
            return {Band::below, "", fmt::format("TPP {} < {}: below every criterion", num(t), num(*lowest))};
        for (int m = 0; m < kMetrics; ++m)
            if (used[m] && f[m]) figs.push_back(std::string(kMetricLabel[m]) + " " + value_text(Metric(m), *f[m]));
        return {Band::below, "", joined(figs, " and ") + " meet no criterion: " + joined(why, ", ")};
    }
    // Undecided: say which figure decides and, for PD, at which die areas the band changes.
    const ExportRule& first = *maybe.front();
    std::vector<std::string> known;
    Metric missing = kPd;
    for (const auto& b : bounds(first)) {
        if (holds(b, f) == Tri::maybe) missing = b.metric;
        else known.push_back(met_text(b, *f[b.metric]));
    }
    std::string r = (known.empty() ? std::string("") : joined(known, " and ") + ", so ") +
                    std::string(kMetricLabel[missing]) + " decides and " + std::string(kMetricColumn[missing]) +
                    " is unknown";
    if (missing == kPd) {
        std::vector<std::string> areas;
        std::vector<std::string> bands_seen;
        for (const ExportRule* m : maybe) {
            if (!m->pd_min || std::find(bands_seen.begin(), bands_seen.end(), m->band) != bands_seen.end()) continue;
            bands_seen.push_back(m->band);
            areas.push_back(fmt::format("{} ({}) if {}<= {} mm2", m->band, name_of(*m),
                                        areas.empty() ? "applicable die area " : "", num1(t / *m->pd_min)));
        }
        if (!areas.empty()) r += "; " + joined(areas, ", ") + ", else " + std::string(below_label);
    }
    return {Band::unknown, "", r};
}

// Thresholds of one axis that lie within the margin of `v`.
void near_notes(Metric m, std::optional<double> v, const std::vector<double>& ts, std::vector<std::string>& out) {
    if (!v) return;
    for (double t : ts)
        if (std::fabs(*v / t - 1) <= kNearMargin)
            out.push_back(fmt::format("{} {} within {}% of {}", m == kMem ? "DRAM GB/s" : kMetricLabel[m],
                                      m == kPd ? pd_text(*v) : num(*v), static_cast<int>(kNearMargin * 100), t));
}
std::vector<double> thresholds(const std::vector<const ExportRule*>& rows, Metric m) {
    std::vector<double> ts;
    for (const ExportRule* r : rows)
        for (const auto& b : bounds(*r))
            if (b.metric == m)
                for (const auto& x : {b.min, b.max})
                    if (x && std::find(ts.begin(), ts.end(), *x) == ts.end()) ts.push_back(*x);
    std::sort(ts.begin(), ts.end());
    return ts;
}

const std::vector<std::string_view> kRuleColumns = {
    "rule",    "effective", "kind",       "band",              "clause",            "tpp_min", "tpp_max", "pd_min",
    "pd_max", "io_min_gbs", "memory_bw_min_gbs", "memory_bw_max_gbs", "vendor", "note", "source"};

}  // namespace

std::string ExportRule::rule_set() const { return rule + " (effective " + effective.str() + ")"; }

ExportRules ExportRules::parse(std::string_view csv_text, std::string origin) {
    const auto records = parse_csv(csv_text, origin);
    if (records.empty()) throw ParseError(origin, 1, 1, "empty file (expected a header line)");
    const auto& header = records.front().fields;
    if (header.size() != kRuleColumns.size())
        throw ParseError(origin, 1, 1, "expected the " + std::to_string(kRuleColumns.size()) + " columns " +
                                           joined(std::vector<std::string>(kRuleColumns.begin(), kRuleColumns.end()), ","));
    for (std::size_t i = 0; i < header.size(); ++i)
        if (header[i].value != kRuleColumns[i])
            throw ParseError(origin, header[i].line, header[i].column,
                             "expected column '" + std::string(kRuleColumns[i]) + "', found '" + header[i].value + "'");
    ExportRules out;
    for (std::size_t n = 1; n < records.size(); ++n) {
        const auto& rec = records[n];
        if (rec.fields.size() != kRuleColumns.size())
            throw ParseError(origin, rec.line, rec.end_column,
                             "expected " + std::to_string(kRuleColumns.size()) + " fields, found " +
                                 std::to_string(rec.fields.size()));
        auto cell = [&](std::size_t i) -> const CsvField& { return rec.fields[i]; };
        auto fail = [&](std::size_t i, const std::string& msg) {
            throw ParseError(origin, cell(i).line, cell(i).column, std::string(kRuleColumns[i]) + ": " + msg);
        };
        auto number = [&](std::size_t i) -> std::optional<double> {
            if (cell(i).value.empty()) return std::nullopt;
            const auto v = parse_number(cell(i).value);
            if (!v || *v <= 0) fail(i, "'" + cell(i).value + "' is not a number > 0");
            return v;
        };
        ExportRule r;
        r.line = rec.line;
        r.rule = cell(0).value;
        if (r.rule.empty()) fail(0, "required, but empty");
        const auto d = parse_date(cell(1).value);
        if (!d) fail(1, "'" + cell(1).value + "' is not a date (YYYY-MM-DD)");
        r.effective = *d;
        const std::string& kind = cell(2).value;
        if (kind == "band") r.kind = RuleKind::band;
        else if (kind == "ceiling") r.kind = RuleKind::ceiling;
        else if (kind == "notice") r.kind = RuleKind::notice;
        else fail(2, "'" + kind + "' is not one of: band, ceiling, notice");
        r.band = cell(3).value;
        r.clause = cell(4).value;
        r.tpp_min = number(5), r.tpp_max = number(6), r.pd_min = number(7), r.pd_max = number(8);
        r.io_min_gbs = number(9), r.memory_bw_min_gbs = number(10), r.memory_bw_max_gbs = number(11);
        r.vendor = cell(12).value;
        r.note = cell(13).value;
        r.source = cell(14).value;
        if (r.source.empty()) fail(14, "required, but empty");
        if (bounds(r).empty()) fail(5, "a rule row needs at least one threshold");
        if (r.kind == RuleKind::band && band_of(r.band) == Band::unknown)
            fail(3, "'" + r.band + "' is not one of: 3A090, 3A090.a, 3A090.b");
        if (r.kind != RuleKind::band && r.note.empty()) fail(13, "a " + kind + " row needs the note it draws");
        out.rules_.push_back(std::move(r));
    }
    return out;
}

const ExportRules& ExportRules::embedded() {
    static const ExportRules rules = parse(embedded_export_rules_csv(), std::string(kEmbeddedRulesOrigin));
    return rules;
}

std::vector<const ExportRule*> ExportRules::bands_in_force(Date as_of) const {
    std::optional<Date> newest;
    for (const auto& r : rules_)
        if (r.kind == RuleKind::band && r.effective <= as_of && (!newest || r.effective > *newest))
            newest = r.effective;
    std::vector<const ExportRule*> out;
    if (newest)
        for (const auto& r : rules_)
            if (r.kind == RuleKind::band && r.effective == *newest) out.push_back(&r);
    return out;
}

const ExportRule* ExportRules::ceiling_in_force(Date as_of) const {
    const ExportRule* best = nullptr;
    for (const auto& r : rules_)
        if (r.kind == RuleKind::ceiling && r.effective <= as_of && (!best || r.effective >= best->effective))
            best = &r;
    return best;
}

std::vector<const ExportRule*> ExportRules::notices_in_force(Date as_of) const {
    std::vector<const ExportRule*> out;
    for (const auto& r : rules_)
        if (r.kind == RuleKind::notice && r.effective <= as_of) out.push_back(&r);
    return out;
}

std::optional<Date> ExportRules::first_band_date() const {
    std::optional<Date> d;
    for (const auto& r : rules_)
        if (r.kind == RuleKind::band && (!d || r.effective < *d)) d = r.effective;
    return d;
}

std::span<const RuleChange> rule_history() { return kHistory; }

Date latest_rule_date() {
    Date d{};
    for (const auto& r : kHistory) d = std::max(d, r.effective);
    return d;
}

constexpr NameEntry<Band> kBandNames[] = {
    {Band::a, "3A090.a"},
    {Band::b, "3A090.b"},
    {Band::listed_2022, "3A090"},
    {Band::below, "below"},
    {Band::unknown, "unknown"},
    {Band::not_in_force, "none"},
};

std::string_view to_string(Band b) { return name_of(kBandNames, b, "?"); }

Tpp compute_tpp(const Chip& chip) {
    Tpp r;
    for (const auto& d : peak_dtypes()) {
        const auto& v = chip.*(d.member);
        if (!v) {
            r.missing.push_back(d.name);
            continue;
        }
        // Bit lengths are powers of two, so the product is exact.
        const TppTerm term{d.name, *v, d.bits, *v * d.bits};
        r.terms.push_back(term);
        if (!r.basis || term.tpp > r.basis->tpp) r.basis = term;
    }
    if (r.basis) r.value = r.basis->tpp;
    return r;
}

std::optional<double> performance_density(const Chip& chip) {
    const auto tpp = compute_tpp(chip).value;
    if (!tpp || !chip.die_area_mm2) return std::nullopt;
    return *tpp / *chip.die_area_mm2;
}

Classification classify(const Chip& chip, Date as_of) { return classify(chip, as_of, ExportRules::embedded()); }

Classification classify(const Chip& chip, Date as_of, const ExportRules& rules) {
    Classification c;
    c.as_of = as_of;
    const Tpp tpp = compute_tpp(chip);
    c.tpp = tpp.value;
    c.pd = performance_density(chip);
    const Figures figs{c.tpp, c.pd, chip.interconnect_gbs, chip.memory_bandwidth_gbs};

    const auto rows = rules.bands_in_force(as_of);
    if (rows.empty()) {
        c.band = Band::not_in_force;
        c.label = "none";
        c.rule_set = "none";
        const auto first = rules.first_band_date();
        c.reason = first ? "3A090 took effect on " + first->str() : "no export-control rule in the table";
        return c;
    }
    c.rule_set = rows.front()->rule_set();
    std::vector<std::string> bands;
    for (const ExportRule* r : rows)
        if (std::find(bands.begin(), bands.end(), r->band) == bands.end()) bands.push_back(r->band);
    const std::string below_label = bands.size() > 1 ? "below both" : "below";

    const Decision d = decide(rows, figs, below_label);
    std::vector<std::string> near;
    if (d.band != Band::unknown) {
        // Sensitive: scaling the figures the rule uses by 1 -/+ the margin, independently, changes the band.
        std::vector<Metric> used;
        for (int m = 0; m < kMetrics; ++m)
            if (figs[m] && !thresholds(rows, Metric(m)).empty()) used.push_back(Metric(m));
        bool sensitive = false;
        for (std::size_t mask = 0; mask < (std::size_t{1} << (2 * used.size())) && !sensitive; ++mask) {
            Figures s = figs;
            for (std::size_t i = 0; i < used.size(); ++i) {
                const std::size_t pick = (mask >> (2 * i)) & 3;
                if (pick == 3) continue;  // unscaled
                *s[used[i]] *= pick == 0 ? 1 - kNearMargin : pick == 1 ? 1 + kNearMargin : 1;
            }
            if (decide(rows, s, below_label).band != d.band) sensitive = true;
        }
        if (sensitive)
            for (Metric m : used) near_notes(m, figs[m], thresholds(rows, m), near);
    }
    c.band = d.band;
    c.clause = d.clause;
    c.reason = d.reason;
    c.label = c.band == Band::below ? below_label : std::string(to_string(c.band));

    // Uncertainty.
    switch (chip.confidence) {
        case Confidence::vendor_datasheet: break;
        case Confidence::vendor_announcement:
            c.notes.push_back("figures from a vendor announcement, not a vendor datasheet");
            break;
        case Confidence::press_report: c.notes.push_back("figures from press reports, not a vendor datasheet"); break;
        case Confidence::third_party_estimate:
            c.notes.push_back("figures are third-party estimates (method in the source)");
            break;
    }
    if (!near.empty()) c.notes.push_back("near a threshold: " + joined(near, ", "));
    c.uncertain = chip.confidence != Confidence::vendor_datasheet || !near.empty();
    const bool in_3a090 = c.band == Band::a || c.band == Band::b || c.band == Band::listed_2022;
    if (c.tpp && !tpp.missing.empty() && c.band != Band::a && c.band != Band::listed_2022) {
        // A precision without a figure can only raise TPP, so a lower band rests on it.
        std::vector<std::string> missing(tpp.missing.begin(), tpp.missing.end());
        c.notes.push_back("TPP counts published precisions only (none for " + joined(missing, ", ") +
                          "); a missing one could only raise it");
        if (c.band == Band::below || c.band == Band::b) c.uncertain = true;
    }

    // Later dated changes that concern this chip: notices (one line per note), then ceilings.
    if (!in_3a090) {
        std::vector<std::pair<std::string, std::vector<std::string>>> hits;
        for (const ExportRule* r : rules.notices_in_force(as_of)) {
            if (!r->vendor.empty() && !iequals(chip.vendor, r->vendor)) continue;
            if (holds(*r, figs) != Tri::yes) continue;
            auto it = std::find_if(hits.begin(), hits.end(), [&](const auto& h) { return h.first == r->note; });
            if (it == hits.end()) it = hits.insert(hits.end(), {r->note, {}});
            for (const auto& b : bounds(*r)) it->second.push_back(met_text(b, *figs[b.metric]));
        }
        for (const auto& [note, what] : hits) c.notes.push_back(note + ": " + joined(what, ", "));
    }
    if (as_of >= kAscendGuidance2025 && iequals(chip.vendor, "Huawei") &&
        (icontains(chip.name, "910B") || icontains(chip.name, "910C") || icontains(chip.name, "910D")))
        c.notes.push_back("BIS guidance of 13 May 2025: use of Ascend 910B/910C/910D anywhere may violate the EAR "
                          "(General Prohibition 10)");
    const ExportRule* ceiling = rules.ceiling_in_force(as_of);
    if (ceiling && (c.band == Band::a || c.band == Band::b)) {
        const std::string what = ceiling->note + " (" + ceiling->rule + ", effective " + ceiling->effective.str();
        const Tri h = holds(*ceiling, figs);
        std::vector<std::string> parts;
        for (const auto& b : bounds(*ceiling)) {
            if (!figs[b.metric]) continue;
            const Tri bh = holds(b, figs);
            if (h == Tri::yes || bh == Tri::no) parts.push_back(bh == Tri::yes ? met_text(b, *figs[b.metric])
                                                                                : std::string(kMetricLabel[b.metric]) +
                                                                                      " " +
                                                                                      value_text(b.metric, *figs[b.metric]));
        }
        if (h == Tri::yes) {
            c.within_2026_ceiling = true;
            c.notes.push_back("inside the ceiling of " + what + "): " + joined(parts, ", "));
        } else if (h == Tri::no) {
            c.within_2026_ceiling = false;
            std::vector<std::string> limits;
            for (const auto& b : bounds(*ceiling))
                limits.push_back(fmt::format("{} < {}{}", kMetricLabel[b.metric], num(*b.max),
                                             b.metric == kMem ? " GB/s" : ""));
            c.notes.push_back("above the ceiling of " + what + "; " + joined(limits, " and ") + "): " +
                              joined(parts, ", "));
        } else {
            std::vector<std::string> unknown;
            for (const auto& b : bounds(*ceiling))
                if (!figs[b.metric]) unknown.emplace_back(kMetricLabel[b.metric]);
            c.notes.push_back("ceiling of " + what + "): " + joined(unknown, ", ") + " unknown");
        }
        std::vector<std::string> near_ceiling;
        for (const auto& b : bounds(*ceiling))
            near_notes(b.metric, figs[b.metric], thresholds({ceiling}, b.metric), near_ceiling);
        for (auto& n : near_ceiling)
            c.notes.push_back(fmt::format("near the {} ceiling: {}", ceiling->effective.year, n));
    }
    return c;
}

}  // namespace bakeoff::specs
