#include "specs/export_control.h"

#include "specs/text_util.h"

#include <fmt/format.h>

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

struct Decision {
    Band band;
    std::string clause;
    std::string reason;
};

Decision decide_2023(std::optional<double> tpp, std::optional<double> pd) {
    using namespace threshold;
    if (!tpp) return {Band::unknown, "", "no dense peak figure, so TPP is unknown"};
    const double t = *tpp;
    if (at_least(t, a1_tpp)) return {Band::a, "a.1", fmt::format("a.1: TPP {} >= {}", num(t), a1_tpp)};
    if (!at_least(t, a2_tpp))
        return {Band::below, "", fmt::format("TPP {} < {}: below every criterion", num(t), a2_tpp)};
    if (!pd) {
        // The decision rests on the die area: say where the boundaries fall.
        std::string r = fmt::format("TPP {} is between {} and {}, so PD decides and the die area is unknown; "
                                    "3A090.a (a.2) if applicable die area <= {} mm2",
                                    num(t), a2_tpp, a1_tpp, num1(t / a2_pd));
        const double b_area = at_least(t, b1_tpp) ? t / b1_pd : t / b2_pd;
        r += fmt::format(", 3A090.b ({}) if <= {} mm2, else below both", at_least(t, b1_tpp) ? "b.1" : "b.2",
                         num1(b_area));
        return {Band::unknown, "", r};
    }
    const double p = *pd;
    if (at_least(p, a2_pd))
        return {Band::a, "a.2", fmt::format("a.2: TPP {} >= {} and PD {} >= {}", num(t), a2_tpp, pd_text(p), a2_pd)};
    if (at_least(t, b1_tpp) && at_least(p, b1_pd))
        return {Band::b, "b.1",
                fmt::format("b.1: {} <= TPP {} < {} and {} <= PD {} < {}", b1_tpp, num(t), a1_tpp, b1_pd, pd_text(p),
                            a2_pd)};
    if (at_least(p, b2_pd))
        return {Band::b, "b.2",
                fmt::format("b.2: TPP {} >= {} and {} <= PD {} < {}", num(t), b2_tpp, b2_pd, pd_text(p), a2_pd)};
    std::string r = fmt::format("TPP {} and PD {} meet no criterion: ", num(t), pd_text(p));
    if (!at_least(t, b1_tpp))
        r += fmt::format("TPP < {} (b.1), ", b1_tpp);
    else
        r += fmt::format("PD < {} (b.1), ", b1_pd);
    r += fmt::format("PD < {} (b.2), PD < {} (a.2)", b2_pd, a2_pd);
    return {Band::below, "", r};
}

Decision decide_2022(std::optional<double> tpp, std::optional<double> io) {
    using namespace threshold;
    if (!tpp) return {Band::unknown, "", "no dense peak figure, so TPP is unknown"};
    if (!at_least(*tpp, r2022_tpp))
        return {Band::below, "", fmt::format("TPP {} < {}", num(*tpp), r2022_tpp)};
    if (!io)
        return {Band::unknown, "",
                fmt::format("TPP {} >= {}, so the I/O rate decides and interconnect_gbs is unknown", num(*tpp),
                            r2022_tpp)};
    if (at_least(*io, r2022_io_gbs))
        return {Band::listed_2022, "",
                fmt::format("TPP {} >= {} and I/O {} GB/s >= {} GB/s", num(*tpp), r2022_tpp, num(*io), r2022_io_gbs)};
    return {Band::below, "",
            fmt::format("TPP {} >= {} but I/O {} GB/s < {} GB/s", num(*tpp), r2022_tpp, num(*io), r2022_io_gbs)};
}

// Thresholds of one axis that lie within the margin of `v`.
void near_notes(std::string_view what, std::optional<double> v, std::initializer_list<double> ts,
                std::vector<std::string>& out, bool is_pd) {
    if (!v) return;
    for (double t : ts)
        if (std::fabs(*v / t - 1) <= kNearMargin)
            out.push_back(fmt::format("{} {} within {}% of {}", what, is_pd ? pd_text(*v) : num(*v),
                                      static_cast<int>(kNearMargin * 100), t));
}

}  // namespace

std::span<const RuleChange> rule_history() { return kHistory; }

Date latest_rule_date() {
    Date d{};
    for (const auto& r : kHistory) d = std::max(d, r.effective);
    return d;
}

std::string_view to_string(Band b) {
    switch (b) {
        case Band::a: return "3A090.a";
        case Band::b: return "3A090.b";
        case Band::listed_2022: return "3A090";
        case Band::below: return "below";
        case Band::unknown: return "unknown";
        case Band::not_in_force: return "none";
    }
    return "?";
}

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

Classification classify(const Chip& chip, Date as_of) {
    Classification c;
    c.as_of = as_of;
    const Tpp tpp = compute_tpp(chip);
    c.tpp = tpp.value;
    c.pd = performance_density(chip);

    if (as_of < kRule2022) {
        c.band = Band::not_in_force;
        c.label = "none";
        c.rule_set = "none";
        c.reason = "3A090 took effect on " + kRule2022.str();
        return c;
    }

    const bool rules_2022 = as_of < kRule2023;
    std::vector<std::string> near;
    Decision d;
    if (rules_2022) {
        c.rule_set = "87 FR 62186 (effective 2022-10-07)";
        const auto io = chip.interconnect_gbs;
        d = decide_2022(c.tpp, io);
        if (d.band != Band::unknown) {
            bool sensitive = false;
            for (double ft : {1 - kNearMargin, 1 + kNearMargin})
                for (double fi : {1 - kNearMargin, 1 + kNearMargin}) {
                    auto s = [](std::optional<double> v, double f) { return v ? std::optional(*v * f) : v; };
                    if (decide_2022(s(c.tpp, ft), s(io, fi)).band != d.band) sensitive = true;
                }
            if (sensitive) {
                near_notes("TPP", c.tpp, {threshold::r2022_tpp}, near, false);
                near_notes("I/O GB/s", io, {threshold::r2022_io_gbs}, near, false);
            }
        }
    } else {
        c.rule_set = "88 FR 73458 (effective 2023-11-17)";
        d = decide_2023(c.tpp, c.pd);
        if (d.band != Band::unknown) {
            bool sensitive = false;
            for (double ft : {1 - kNearMargin, 1 + kNearMargin})
                for (double fp : {1 - kNearMargin, 1 + kNearMargin}) {
                    auto s = [](std::optional<double> v, double f) { return v ? std::optional(*v * f) : v; };
                    if (decide_2023(s(c.tpp, ft), s(c.pd, fp)).band != d.band) sensitive = true;
                }
            if (sensitive) {
                using namespace threshold;
                near_notes("TPP", c.tpp, {a2_tpp, b1_tpp, a1_tpp}, near, false);
                near_notes("PD", c.pd, {b1_pd, b2_pd, a2_pd}, near, true);
            }
        }
    }
    c.band = d.band;
    c.clause = d.clause;
    c.reason = d.reason;
    if (c.band == Band::below) c.label = rules_2022 ? "below" : "below both";
    else c.label = std::string(to_string(c.band));

    // Uncertainty.
    if (chip.confidence == Confidence::press_report)
        c.notes.push_back("figures from press reports, not a vendor datasheet");
    else if (chip.confidence == Confidence::estimate)
        c.notes.push_back("figures are estimates (method in the source)");
    if (!near.empty()) {
        std::string s = "near a threshold: ";
        for (std::size_t i = 0; i < near.size(); ++i) s += (i ? ", " : "") + near[i];
        c.notes.push_back(s);
    }
    c.uncertain = chip.confidence != Confidence::vendor_datasheet || !near.empty();
    const bool in_3a090 = c.band == Band::a || c.band == Band::b || c.band == Band::listed_2022;
    if (c.tpp && !tpp.missing.empty() && c.band != Band::a && c.band != Band::listed_2022) {
        // A precision without a figure can only raise TPP, so a lower band rests on it.
        std::string s = "TPP counts published precisions only (none for ";
        for (std::size_t i = 0; i < tpp.missing.size(); ++i) s += (i ? ", " : "") + std::string(tpp.missing[i]);
        c.notes.push_back(s + "); a missing one could only raise it");
        if (c.band == Band::below || c.band == Band::b) c.uncertain = true;
    }

    // Later dated changes that concern this chip.
    if (as_of >= kH20Notice2025 && iequals(chip.vendor, "NVIDIA") && !in_3a090) {
        std::vector<std::string> hits;
        if (chip.memory_bandwidth_gbs && at_least(*chip.memory_bandwidth_gbs, threshold::h20_memory_gbs))
            hits.push_back(fmt::format("memory bandwidth {} GB/s >= {}", num(*chip.memory_bandwidth_gbs),
                                       threshold::h20_memory_gbs));
        if (chip.interconnect_gbs && at_least(*chip.interconnect_gbs, threshold::h20_interconnect_gbs))
            hits.push_back(fmt::format("interconnect {} GB/s >= {}", num(*chip.interconnect_gbs),
                                       threshold::h20_interconnect_gbs));
        if (!hits.empty()) {
            std::string s = "reaches the H20 level named in the licence requirement notified to NVIDIA in Apr 2025 "
                            "(not a published rule): ";
            for (std::size_t i = 0; i < hits.size(); ++i) s += (i ? ", " : "") + hits[i];
            c.notes.push_back(s);
        }
    }
    if (as_of >= kAscendGuidance2025 && iequals(chip.vendor, "Huawei") &&
        (icontains(chip.name, "910B") || icontains(chip.name, "910C") || icontains(chip.name, "910D")))
        c.notes.push_back("BIS guidance of 13 May 2025: use of Ascend 910B/910C/910D anywhere may violate the EAR "
                          "(General Prohibition 10)");
    if (as_of >= kRule2026 && (c.band == Band::a || c.band == Band::b)) {
        using namespace threshold;
        const auto bw = chip.memory_bandwidth_gbs;
        if (!at_least(*c.tpp, r2026_tpp) && bw && !at_least(*bw, r2026_dram_gbs)) {
            c.within_2026_ceiling = true;
            c.notes.push_back(fmt::format("inside the 15 Jan 2026 case-by-case ceiling for China/Macau (TPP {} < {}, "
                                          "DRAM bandwidth {} GB/s < {})",
                                          num(*c.tpp), r2026_tpp, num(*bw), r2026_dram_gbs));
        } else if (at_least(*c.tpp, r2026_tpp) || (bw && at_least(*bw, r2026_dram_gbs))) {
            c.within_2026_ceiling = false;
            c.notes.push_back(fmt::format("above the 15 Jan 2026 case-by-case ceiling (TPP < {} and DRAM bandwidth "
                                          "< {} GB/s): {}",
                                          r2026_tpp, r2026_dram_gbs,
                                          at_least(*c.tpp, r2026_tpp) ? "TPP " + num(*c.tpp)
                                                                      : "bandwidth " + num(*bw) + " GB/s"));
        } else {
            c.notes.push_back("2026 case-by-case ceiling: memory bandwidth unknown");
        }
        std::vector<std::string> near26;
        near_notes("TPP", c.tpp, {r2026_tpp}, near26, false);
        near_notes("DRAM GB/s", bw, {r2026_dram_gbs}, near26, false);
        for (auto& n : near26) c.notes.push_back("near the 2026 ceiling: " + n);
    }
    return c;
}

}  // namespace bakeoff::specs
