// Per-watt and per-dollar figures, and the strict prices file.
#include "specs/efficiency.h"
#include "specs/prices.h"

#include "expect_parse_error.h"

#include <gtest/gtest.h>

using namespace bakeoff::specs;

namespace {
const ChipDatabase& db() { return ChipDatabase::embedded(); }

ParseError price_error(std::string_view text) {
    return bakeoff::specs::test_support::expect_parse_error(text, [](std::string_view t) { PriceList::parse(std::string(t), "prices.csv", &db()); });
}
}  // namespace

TEST(Efficiency, PerWatt) {
    const Chip& h100 = *db().find("h100-sxm5-80gb");
    EXPECT_DOUBLE_EQ(*claimed_peak_per_watt(h100, "bf16"), 989.5 / 700);
    EXPECT_DOUBLE_EQ(*claimed_bandwidth_per_watt(h100), 3350.0 / 700);
    EXPECT_DOUBLE_EQ(*per_watt(798.0, 650.0), 798.0 / 650);  // a measured figure over measured power
    // Ascend 910B4 has no TDP in the CSV; the L20 no fp64 figure.
    EXPECT_FALSE(claimed_peak_per_watt(*db().find("ascend-910b4"), "fp16"));
    EXPECT_FALSE(claimed_peak_per_watt(*db().find("l20-48gb"), "fp64"));
    EXPECT_FALSE(per_watt(1.0, 0.0));
    EXPECT_FALSE(per_watt(std::nullopt, 10.0));
}

TEST(Efficiency, PerDollar) {
    EXPECT_DOUBLE_EQ(*per_kusd(989.5, 25000.0), 989.5 / 25);
    EXPECT_DOUBLE_EQ(*per_usd_hour(989.5, 2.5), 989.5 / 2.5);
    EXPECT_FALSE(per_kusd(989.5, std::nullopt));
    EXPECT_FALSE(per_usd_hour(std::nullopt, 2.0));
}

TEST(Prices, ParsesAndResolvesIds) {
    const auto p = PriceList::parse(
        "chip,price_usd,price_per_hour_usd,source\n"
        "H100-SXM5-80GB,25000,2.5,\"quote, March 2026\"\n"
        "l40s,,1.1,cloud list price\n",
        "prices.csv", &db());
    ASSERT_EQ(p.prices().size(), 2u);
    const Price* h = p.find("h100-sxm5-80gb");
    ASSERT_NE(h, nullptr);
    EXPECT_EQ(h->chip_id, "h100-sxm5-80gb");  // stored as the database spells it
    EXPECT_EQ(h->price_usd, 25000);
    EXPECT_EQ(h->price_per_hour_usd, 2.5);
    EXPECT_EQ(h->source, "quote, March 2026");
    EXPECT_FALSE(p.find("l40s")->price_usd);  // empty = unknown
    EXPECT_EQ(p.find("h20"), nullptr);
    // Column order is free and source optional.
    const auto q = PriceList::parse("price_per_hour_usd,chip\n3,h20\n", "q.csv", &db());
    EXPECT_EQ(q.find("h20")->price_per_hour_usd, 3);
}

TEST(Prices, StrictErrors) {
    const std::string h = "chip,price_usd,price_per_hour_usd\n";
    // "$25,000" quoted: the field starts at column 16 of line 2.
    auto e = price_error(h + "h100-sxm5-80gb,\"$25,000\",\n");
    EXPECT_EQ(e.line(), 2u);
    EXPECT_EQ(e.column(), 16u);
    EXPECT_NE(e.message().find("price_usd: '$25,000' is not a number"), std::string::npos) << e.what();
    e = price_error(h + "h100-sxm5-80gb,0,\n");
    EXPECT_NE(e.message().find("must be greater than 0"), std::string::npos);
    e = price_error(h + "h999,100,\n");
    EXPECT_EQ(e.column(), 1u);
    EXPECT_NE(e.message().find("no chip with id 'h999'"), std::string::npos);
    e = price_error(h + "h20,100,\nh20,200,\n");
    EXPECT_EQ(e.line(), 3u);
    EXPECT_NE(e.message().find("priced twice (first on line 2)"), std::string::npos);
    e = price_error(h + "h20,,\n");
    EXPECT_NE(e.message().find("neither price_usd nor price_per_hour_usd"), std::string::npos);
    e = price_error(h + "h20,1,2,3\n");  // the extra field "3" is at column 9
    EXPECT_EQ(e.column(), 9u);
    e = price_error("chip,price_eur\nh20,1\n");
    EXPECT_EQ(e.line(), 1u);
    EXPECT_EQ(e.column(), 6u);
    e = price_error("source,price_usd\nx,1\n");
    EXPECT_NE(e.message().find("missing required column 'chip'"), std::string::npos);
    e = price_error("chip,source\nh20,x\n");
    EXPECT_NE(e.message().find("needs a price_usd or price_per_hour_usd column"), std::string::npos);
}
