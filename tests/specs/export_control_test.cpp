// TPP, performance density and the ECCN 3A090 band, each expectation worked out
// by hand from the figures in data/chips.csv and the rule in chips-sources.md:
//   TPP = max over precisions of dense TFLOPS/TOPS x bit length;  PD = TPP / die mm2
//   a.1 TPP >= 4800; a.2 TPP >= 1600 and PD >= 5.92;
//   b.1 2400 <= TPP < 4800 and 1.6 <= PD < 5.92; b.2 TPP >= 1600 and 3.2 <= PD < 5.92.
#include "specs/export_control.h"

#include <gtest/gtest.h>

#include <algorithm>

using namespace bakeoff::specs;

namespace {

const Chip& chip(const char* id) {
    const Chip* c = ChipDatabase::embedded().find(id);
    if (!c) throw std::runtime_error(std::string("no chip ") + id);
    return *c;
}

bool has_note(const Classification& c, const std::string& text) {
    return std::any_of(c.notes.begin(), c.notes.end(),
                       [&](const std::string& n) { return n.find(text) != std::string::npos; });
}

}  // namespace

TEST(ExportControl, H100Sxm) {
    // fp64 67x64=4288, fp32 67x32=2144, tf32 494.5x32=15824, bf16/fp16 989.5x16=15832, fp8/int8 1979x8=15832.
    const Tpp t = compute_tpp(chip("h100-sxm5-80gb"));
    ASSERT_TRUE(t.value);
    EXPECT_DOUBLE_EQ(*t.value, 15832);
    EXPECT_EQ(t.terms.size(), 7u);
    EXPECT_EQ(t.basis->dtype, "bf16");  // first of the tied maxima in column order
    EXPECT_DOUBLE_EQ(*performance_density(chip("h100-sxm5-80gb")), 15832.0 / 814);  // 19.45
    const auto c = classify(chip("h100-sxm5-80gb"));
    EXPECT_EQ(c.band, Band::a);
    EXPECT_EQ(c.label, "3A090.a");
    EXPECT_EQ(c.clause, "a.1");
    EXPECT_FALSE(c.uncertain);  // vendor datasheet, 3.3x the threshold
}

TEST(ExportControl, H20BelowBothByTheRule) {
    // fp16/bf16 148x16=2368, fp8/int8 296x8=2368, tf32 74x32=2368, fp32 44x32=1408, fp64 1x64=64.
    const Chip& h20 = chip("h20");
    EXPECT_DOUBLE_EQ(*compute_tpp(h20).value, 2368);
    EXPECT_DOUBLE_EQ(*performance_density(h20), 2368.0 / 814);  // 2.91
    const auto c = classify(h20);
    // 2368 < 4800 (a.1); PD 2.91 < 5.92 (a.2); 2368 < 2400 (b.1); PD 2.91 < 3.2 (b.2).
    EXPECT_EQ(c.band, Band::below);
    EXPECT_EQ(c.label, "below both");
    EXPECT_TRUE(c.clause.empty());
    EXPECT_NE(c.reason.find("TPP < 2400 (b.1)"), std::string::npos) << c.reason;
    // Press-reported, and 10 % more TPP and PD (2604.8, 3.2) would reach b.1: uncertain.
    EXPECT_TRUE(c.uncertain);
    EXPECT_TRUE(has_note(c, "press reports"));
    EXPECT_TRUE(has_note(c, "TPP 2368 within 10% of 2400"));
    // Its 4000 GB/s and 900 GB/s are the levels of the April 2025 licence requirement.
    EXPECT_TRUE(has_note(c, "memory bandwidth 4000 GB/s >= 4000"));
    EXPECT_TRUE(has_note(c, "interconnect 900 GB/s >= 900"));
    EXPECT_FALSE(has_note(classify(h20, Date{2025, 4, 8}), "Apr 2025"));
}

TEST(ExportControl, A100NearTheThreshold) {
    // int8 624x8 = fp16 312x16 = tf32 156x32 = 4992 >= 4800; PD 4992/826 = 6.04.
    const auto c = classify(chip("a100-sxm4-80gb"));
    EXPECT_DOUBLE_EQ(*c.tpp, 4992);
    EXPECT_DOUBLE_EQ(*c.pd, 4992.0 / 826);
    EXPECT_EQ(c.band, Band::a);
    EXPECT_EQ(c.clause, "a.1");
    // 0.9 x 4992 = 4492.8 < 4800 and 0.9 x 6.04 = 5.44 < 5.92 would make it b.1: near.
    EXPECT_TRUE(c.uncertain);
    EXPECT_TRUE(has_note(c, "TPP 4992 within 10% of 4800"));
    EXPECT_TRUE(has_note(c, "PD 6.04 within 10% of 5.92"));
}

TEST(ExportControl, Ascend910B) {
    // 910B2: fp16 376x16 = 6016 (fp32 99x32 = 3168); PD 6016/665.61 = 9.04 -> a.1.
    const auto b2 = classify(chip("ascend-910b2"));
    EXPECT_DOUBLE_EQ(*b2.tpp, 6016);
    EXPECT_DOUBLE_EQ(*b2.pd, 6016 / 665.61);
    EXPECT_EQ(b2.band, Band::a);
    EXPECT_EQ(b2.clause, "a.1");
    EXPECT_TRUE(has_note(b2, "General Prohibition 10"));
    // 910B3: 313x16 = 5008; PD 7.52. Within 10 % of 4800, but at 0.9x TPP (4507) PD 0.9x7.52 = 6.77
    // still meets a.2, so the band does not depend on it: not near.
    const auto b3 = classify(chip("ascend-910b3"));
    EXPECT_DOUBLE_EQ(*b3.tpp, 5008);
    EXPECT_EQ(b3.band, Band::a);
    EXPECT_FALSE(b3.uncertain);
    // 910B4: 280x16 = 560x8 = 4480 < 4800, and its die area is empty in the CSV: unknown.
    const auto b4 = classify(chip("ascend-910b4"));
    EXPECT_DOUBLE_EQ(*b4.tpp, 4480);
    EXPECT_FALSE(b4.pd);
    EXPECT_EQ(b4.band, Band::unknown);
    EXPECT_EQ(b4.label, "unknown");
    // a.2 needs PD >= 5.92: area <= 4480/5.92 = 756.8; b.1 needs PD >= 1.6: area <= 4480/1.6 = 2800.
    EXPECT_NE(b4.reason.find("756.8 mm2"), std::string::npos) << b4.reason;
    EXPECT_NE(b4.reason.find("3A090.b (b.1) if <= 2800.0 mm2"), std::string::npos) << b4.reason;
}

TEST(ExportControl, FigureMissingGivesUnknown) {
    EXPECT_EQ(classify(chip("mlu590")).band, Band::unknown);  // no peak at all
    EXPECT_FALSE(compute_tpp(chip("mlu590")).value);
    // MTT S4000: tf32 50x32 = bf16 100x16 = int8 200x8 = 1600, no die area.
    const auto s4000 = classify(chip("mtt-s4000"));
    EXPECT_DOUBLE_EQ(*s4000.tpp, 1600);
    EXPECT_EQ(s4000.band, Band::unknown);
    // Below 2400 only b.2 is open: PD >= 3.2 -> area <= 1600/3.2 = 500.
    EXPECT_NE(s4000.reason.find("3A090.b (b.2) if <= 500.0 mm2"), std::string::npos) << s4000.reason;
}

TEST(ExportControl, L20IncludesTheFp32Term) {
    // bf16 119.5x16 = fp8 239x8 = 1912, but fp32/tf32 59.8x32 = 1913.6 is larger; PD 1913.6/609 = 3.14 < 3.2.
    const auto c = classify(chip("l20-48gb"));
    EXPECT_DOUBLE_EQ(*c.tpp, 59.8 * 32);
    EXPECT_EQ(compute_tpp(chip("l20-48gb")).basis->dtype, "fp32");
    EXPECT_EQ(c.band, Band::below);
    EXPECT_TRUE(has_note(c, "PD 3.14 within 10% of 3.2"));
    EXPECT_TRUE(has_note(c, "none for fp64"));  // fp64 not published: TPP from published precisions only
}

TEST(ExportControl, Cpus) {
    // EPYC 9654: fp64 3.69x64 = 236.16 > fp32 7.37x32 = 235.84; < 1600: below, estimate.
    const auto epyc = classify(chip("epyc-9654"));
    EXPECT_DOUBLE_EQ(*epyc.tpp, 3.69 * 64);
    EXPECT_EQ(epyc.band, Band::below);
    EXPECT_TRUE(epyc.uncertain);
    EXPECT_TRUE(has_note(epyc, "estimates"));
}

TEST(ExportControl, RulesOf2022) {
    const Date d{2023, 1, 1};
    // A100: TPP 4992 >= 4800 and I/O 600 >= 600 GB/s.
    EXPECT_EQ(classify(chip("a100-sxm4-80gb"), d).band, Band::listed_2022);
    EXPECT_EQ(classify(chip("h100-sxm5-80gb"), d).label, "3A090");
    // H800: same TPP as H100 but 400 GB/s < 600: outside the 2022 test, inside the 2023 one.
    EXPECT_EQ(classify(chip("h800-sxm5-80gb"), d).band, Band::below);
    EXPECT_EQ(classify(chip("h800-sxm5-80gb")).band, Band::a);
    // L40S: TPP 5864 (fp8 733x8) but no interconnect figure (PCIe only, left empty): unknown.
    EXPECT_EQ(classify(chip("l40s"), d).band, Band::unknown);
    EXPECT_EQ(classify(chip("h100-sxm5-80gb"), Date{2022, 10, 6}).band, Band::not_in_force);
    EXPECT_EQ(classify(chip("h100-sxm5-80gb"), Date{2023, 11, 17}).rule_set, "88 FR 73458 (effective 2023-11-17)");
}

TEST(ExportControl, CaseByCaseCeilingOf2026) {
    // TPP < 21000 and DRAM bandwidth < 6500 GB/s.
    const auto mi325 = classify(chip("mi325x"));  // fp8 2614.9x8 = 20919.2, 6000 GB/s
    ASSERT_TRUE(mi325.within_2026_ceiling);
    EXPECT_TRUE(*mi325.within_2026_ceiling);
    EXPECT_TRUE(has_note(mi325, "near the 2026 ceiling: TPP 20919.2 within 10% of 21000"));
    EXPECT_TRUE(*classify(chip("h200-sxm-141gb")).within_2026_ceiling);  // 15832, 4800 GB/s
    EXPECT_FALSE(*classify(chip("b200")).within_2026_ceiling);           // 4500x8 = 36000, 7700 GB/s
    EXPECT_FALSE(classify(chip("mi325x"), Date{2026, 1, 14}).within_2026_ceiling.has_value());
    EXPECT_FALSE(classify(chip("h20")).within_2026_ceiling.has_value());  // not 3A090
}

TEST(ExportControl, BandsFromSyntheticFigures) {
    // Exercise each clause with figures chosen by hand.
    Chip c;
    c.id = "t";
    c.fp16_tflops = 200;  // TPP 3200
    c.die_area_mm2 = 500;  // PD 6.4 -> a.2
    EXPECT_EQ(classify(c).clause, "a.2");
    c.die_area_mm2 = 1000;  // PD 3.2 -> b.1 (TPP >= 2400, PD >= 1.6)
    EXPECT_EQ(classify(c).clause, "b.1");
    c.fp16_tflops = 125;    // TPP 2000 < 2400, PD 2.0 < 3.2 -> below
    EXPECT_EQ(classify(c).band, Band::below);
    c.die_area_mm2 = 600;   // PD 3.33 -> b.2
    EXPECT_EQ(classify(c).clause, "b.2");
    c.fp16_tflops = 99;     // TPP 1584 < 1600 -> below whatever the area
    c.die_area_mm2 = 1;
    EXPECT_EQ(classify(c).band, Band::below);
    c.fp16_tflops = 100;    // TPP exactly 1600 counts (>=)
    EXPECT_EQ(classify(c).clause, "a.2");
}

TEST(ExportControl, Dates) {
    EXPECT_EQ(parse_date("2026-01-15"), (Date{2026, 1, 15}));
    EXPECT_FALSE(parse_date("2026-02-30"));
    EXPECT_FALSE(parse_date("2025-02-29"));
    EXPECT_TRUE(parse_date("2024-02-29"));
    EXPECT_FALSE(parse_date("15 Jan 2026"));
    EXPECT_EQ(latest_rule_date(), (Date{2026, 1, 15}));
    EXPECT_EQ(rule_history().size(), 9u);
}

TEST(ExportControl, Fp4CountsInTppForB300) {
    // b300 row: fp64 1.25x64=80, fp32 75x32=2400, tf32 1100x32=35200, bf16/fp16 2250x16=36000,
    // fp8 4500x8=36000, int8 150x8=1200, fp4 14000x4=56000 -> TPP 56000 from fp4.
    const Chip& b300 = chip("b300");
    const Tpp t = compute_tpp(b300);
    ASSERT_TRUE(t.value);
    EXPECT_DOUBLE_EQ(*t.value, 14000.0 * 4);
    EXPECT_EQ(t.basis->dtype, "fp4");
    EXPECT_EQ(t.basis->bits, 4);
    EXPECT_EQ(t.terms.size(), 8u);
    // Without FP4 the rule's maximum would be understated by about a third of the true value.
    EXPECT_DOUBLE_EQ(36000.0 / *t.value, 36000.0 / 56000);
    const auto c = classify(b300);
    EXPECT_EQ(c.band, Band::a);
    EXPECT_FALSE(*c.within_2026_ceiling);  // 56000 >= 21000
    // B200: fp4 9000x4 = 36000 ties bf16 2250x16; the basis stays the wider format.
    EXPECT_EQ(compute_tpp(chip("b200")).basis->dtype, "bf16");
    // Ascend 910C: TPP on the package figures (752x16), not per device.
    EXPECT_DOUBLE_EQ(*compute_tpp(chip("ascend-910c")).value, 752.0 * 16);
}

TEST(ExportControl, RulesAreDatedData) {
    const ExportRules& rules = ExportRules::embedded();
    ASSERT_FALSE(rules.rules().empty());
    // The 2022 rule and the 2023 bands, each in force from its date.
    EXPECT_EQ(rules.bands_in_force(Date{2022, 10, 6}).size(), 0u);
    const auto r2022 = rules.bands_in_force(Date{2022, 10, 7});
    ASSERT_EQ(r2022.size(), 1u);
    EXPECT_EQ(r2022[0]->effective, kRule2022);
    EXPECT_EQ(r2022[0]->tpp_min, 4800);
    EXPECT_EQ(r2022[0]->io_min_gbs, 600);
    const auto r2023 = rules.bands_in_force(Date{2023, 11, 17});
    ASSERT_EQ(r2023.size(), 4u);
    EXPECT_EQ(r2023[0]->effective, kRule2023);
    EXPECT_EQ(r2023[3]->clause, "b.2");
    EXPECT_EQ(r2023[3]->pd_min, 3.2);
    EXPECT_EQ(rules.ceiling_in_force(Date{2026, 1, 14}), nullptr);
    ASSERT_NE(rules.ceiling_in_force(kRule2026), nullptr);
    EXPECT_EQ(rules.ceiling_in_force(kRule2026)->tpp_max, 21000);
    EXPECT_EQ(rules.ceiling_in_force(kRule2026)->memory_bw_max_gbs, 6500);
    EXPECT_EQ(rules.notices_in_force(kH20Notice2025).size(), 2u);
    for (const auto& r : rules.rules()) EXPECT_FALSE(r.source.empty()) << r.line;
}

TEST(ExportControl, ClassifyUsesTheRuleInForceOnTheDate) {
    // Under the 2023 rule, as published (chips-sources.md): H20 below both, A100 3A090.a (a.1).
    const Date d2023{2024, 1, 1};
    const auto h20 = classify(chip("h20"), d2023);
    EXPECT_EQ(h20.band, Band::below);
    EXPECT_EQ(h20.label, "below both");
    EXPECT_EQ(h20.rule_set, "88 FR 73458 (effective 2023-11-17)");
    const auto a100 = classify(chip("a100-sxm4-80gb"), d2023);
    EXPECT_EQ(a100.band, Band::a);
    EXPECT_EQ(a100.clause, "a.1");
    // Before 7 Oct 2022: no rule.
    const auto none = classify(chip("a100-sxm4-80gb"), Date{2022, 10, 6});
    EXPECT_EQ(none.band, Band::not_in_force);
    EXPECT_EQ(none.label, "none");
    EXPECT_EQ(none.reason, "3A090 took effect on 2022-10-07");
    // A table with a later (made-up) band rule replaces the earlier ones from its date.
    const std::string header = "rule,effective,kind,band,clause,tpp_min,tpp_max,pd_min,pd_max,io_min_gbs,"
                               "memory_bw_min_gbs,memory_bw_max_gbs,vendor,note,source\n";
    const auto custom = ExportRules::parse(header + "Old,2020-01-01,band,3A090,,1000,,,,,,,,,s\n"
                                                    "New,2030-01-01,band,3A090.a,x.1,100000,,,,,,,,,s\n",
                                           "rules.csv");
    EXPECT_EQ(classify(chip("h20"), Date{2025, 1, 1}, custom).band, Band::listed_2022);  // 2368 >= 1000
    const auto later = classify(chip("h20"), Date{2030, 1, 1}, custom);
    EXPECT_EQ(later.band, Band::below);
    EXPECT_EQ(later.rule_set, "New (effective 2030-01-01)");
    try {
        ExportRules::parse(header + "X,2020-13-01,band,3A090,,1,,,,,,,,,s\n", "rules.csv");
        ADD_FAILURE();
    } catch (const ParseError& e) {
        EXPECT_EQ(e.line(), 2u);
        EXPECT_NE(e.message().find("effective: '2020-13-01' is not a date"), std::string::npos) << e.message();
    }
}

TEST(ExportControl, EveryShippedRowParsesAndClassifies) {
    const auto& db = ChipDatabase::embedded();
    ASSERT_GE(db.chips().size(), 51u);
    for (const Chip& c : db.chips())
        for (const Date d : {Date{2022, 1, 1}, Date{2023, 1, 1}, Date{2024, 1, 1}, latest_rule_date()}) {
            const auto k = classify(c, d);
            EXPECT_FALSE(k.label.empty()) << c.id;
            EXPECT_FALSE(k.rule_set.empty()) << c.id;
            EXPECT_FALSE(k.reason.empty()) << c.id;
            if (k.band == Band::a || k.band == Band::b || k.band == Band::listed_2022) {
                EXPECT_TRUE(k.tpp) << c.id;
            }
        }
    // Spot checks of new rows against figures worked by hand.
    EXPECT_DOUBLE_EQ(*classify(chip("trainium2")).tpp, 667.0 * 32);  // TF32 counted at 32 bits
    EXPECT_FALSE(*classify(chip("trainium2")).within_2026_ceiling);  // 21344 >= 21000
    EXPECT_DOUBLE_EQ(*classify(chip("gaudi3-oam")).tpp, 1835.0 * 16);
    EXPECT_EQ(classify(chip("hygon-bw1000")).band, Band::unknown);   // no figures at all
}
