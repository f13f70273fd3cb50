// The Pareto frontier on hand-made points, the serving chart drawn from it,
// and llm.serve records read as its points.
#include "compare_fixtures.h"

#include "report/pareto.h"
#include "report/pareto_chart.h"
#include "report/serving.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace bakeoff;
using namespace bakeoff::testing;

namespace {

ParetoPoint pt(double x, double y) {
    ParetoPoint p;
    p.x = x;
    p.y = y;
    return p;
}

std::vector<bool> frontier_of(std::vector<ParetoPoint> pts) {
    mark_pareto_frontier(pts);
    std::vector<bool> out;
    for (const auto& p : pts) out.push_back(p.on_frontier);
    return out;
}

std::size_t count(const std::string& hay, const std::string& needle) {
    std::size_t n = 0;
    for (auto p = hay.find(needle); p != std::string::npos; p = hay.find(needle, p + 1)) ++n;
    return n;
}

}  // namespace

TEST(ParetoFrontier, DominatedPointsAreOff) {
    // x = tok/s/user, y = tok/s/device: a concurrency sweep trades one for the other.
    const std::vector<ParetoPoint> pts = {
        pt(50, 100), pt(40, 300), pt(20, 500), pt(35, 250),  // (35, 250) is beaten by (40, 300) on both
        pt(10, 480),                                     // beaten by (20, 500)
    };
    EXPECT_EQ(frontier_of(pts), (std::vector<bool>{true, true, true, false, false}));
}

TEST(ParetoFrontier, BetterOnOneAxisAndEqualOnTheOtherDominates) {
    EXPECT_EQ(frontier_of({pt(10, 100), pt(10, 90), pt(12, 90)}), (std::vector<bool>{true, false, true}));
    EXPECT_TRUE(dominates(pt(10, 100), pt(10, 90)));
    EXPECT_FALSE(dominates(pt(10, 100), pt(12, 90)));
}

TEST(ParetoFrontier, EqualPointsBothStayOn) {
    EXPECT_EQ(frontier_of({pt(10, 100), pt(10, 100), pt(5, 50)}), (std::vector<bool>{true, true, false}));
    EXPECT_FALSE(dominates(pt(10, 100), pt(10, 100)));
}

TEST(ParetoFrontier, SinglePointIsTheFrontier) {
    EXPECT_EQ(frontier_of({pt(3, 7)}), std::vector<bool>{true});
    EXPECT_TRUE(frontier_of({}).empty());
}

TEST(ParetoFrontier, PathRunsByInteractivity) {
    std::vector<ParetoPoint> pts = {pt(50, 100), pt(20, 500), pt(35, 250), pt(40, 300), pt(20, 400)};
    mark_pareto_frontier(pts);
    EXPECT_EQ(frontier_path(pts), (std::vector<std::size_t>{1, 3, 0}));
}

TEST(ParetoChart, NoPointsNoChart) {
    svg::ParetoChart c;
    EXPECT_EQ(svg::pareto_svg(c), "");
    c.series.push_back({"empty", {}});
    EXPECT_EQ(svg::pareto_svg(c), "");
    c.series.back().points.push_back({std::nan(""), 3, "c1", "", false});  // cannot be placed
    EXPECT_EQ(svg::pareto_svg(c), "");
}

TEST(ParetoChart, FrontierLineFaintDominatedPointsLabelsAndAxes) {
    svg::ParetoChart c;
    c.series.push_back({"dev <b>A</b>", {{50, 100, "c1", "", false}, {35, 250, "c8", "", false}, {40, 300, "c4", "", false}}});
    c.series.push_back({"dev B", {{30, 200, "2 req/s", "", false}}});
    const std::string s = svg::pareto_svg(c);
    EXPECT_NE(s.find("class=\"chart pareto\""), std::string::npos);
    EXPECT_EQ(count(s, "<polyline class=\"frontier\""), 2u);
    EXPECT_EQ(count(s, "class=\"point frontier\""), 3u);
    EXPECT_EQ(count(s, "class=\"point dominated\""), 1u);
    EXPECT_NE(s.find("opacity=\"0.35\""), std::string::npos);
    for (const char* label : {">c1<", ">c4<", ">c8<", ">2 req/s<"}) EXPECT_NE(s.find(label), std::string::npos) << label;
    EXPECT_NE(s.find("output tokens/s per user (tok/s/user"), std::string::npos);
    EXPECT_NE(s.find("output tokens/s per device (tok/s)"), std::string::npos);
    EXPECT_NE(s.find("dev &lt;b&gt;A&lt;/b&gt;"), std::string::npos);
    EXPECT_EQ(s.find("<b>"), std::string::npos);
}

TEST(ServingPoints, ReadFromRecordsAndGroupedWithTheirFrontier) {
    const TestDevice d{"cpu:0", "Alpha", "cpu"};
    std::vector<Record> rs = {
        make_serving_record(d, "tiny", "chat", 4, 0, {400, 402, 398}, 40),
        make_serving_record(d, "tiny", "chat", 1, 0, {100, 101, 99}, 50),
        make_serving_record(d, "tiny", "chat", 8, 0, {380, 381, 379}, 30),  // dominated by c4
        make_serving_record(d, "tiny", "summarize", 0, 2.5, {90, 91, 89}, 20, false),
    };
    rs.push_back(make_record(d, "gemm", "fp32", "vendor", 64, {1, 2, 3}));  // not a serving record
    Record failed = make_serving_record(d, "tiny", "chat", 16, 0, {1, 1, 1}, 1);
    failed.status = RecordStatus::failed;
    failed.stats.reset();
    rs.push_back(failed);
    Record no_user = make_serving_record(d, "tiny", "chat", 32, 0, {1, 1, 1}, 1);
    no_user.params["measured"]["serving"].erase("tokens_per_s_per_user");
    rs.push_back(no_user);

    std::vector<ServingPoint> pts;
    for (const auto& r : rs)
        if (auto p = serving_point(r, "a.json")) pts.push_back(*p);
    ASSERT_EQ(pts.size(), 4u);
    EXPECT_DOUBLE_EQ(pts[0].per_device, 400);
    EXPECT_NEAR(pts[0].per_user, 40, 1e-9);
    EXPECT_EQ(pts[0].load_label(), "c4");
    EXPECT_EQ(pts[3].load_label(), "2.5 req/s");
    // TTFT {120, 150, 210} ms: p99 at rank 1.98 of 2.
    EXPECT_NEAR(*pts[0].ttft_p99_ms, 150 + 0.98 * 60, 1e-9);
    EXPECT_FALSE(pts[3].ttft_p50_ms.has_value());

    const auto series = group_serving_points(pts);
    ASSERT_EQ(series.size(), 2u);
    EXPECT_EQ(series[0].name(), "a.json · tiny · chat");
    ASSERT_EQ(series[0].points.size(), 3u);
    EXPECT_EQ(series[0].points[0].load_label(), "c1");  // sorted by concurrency
    EXPECT_EQ(series[0].points[2].load_label(), "c8");
    EXPECT_TRUE(series[0].points[0].on_frontier);
    EXPECT_TRUE(series[0].points[1].on_frontier);
    EXPECT_FALSE(series[0].points[2].on_frontier);
    EXPECT_TRUE(series[1].points[0].on_frontier);  // alone in its series

    const Table t = serving_table(series, true);
    ASSERT_EQ(t.rows.size(), 4u);
    EXPECT_EQ(t.rows[2].back().text, "no");
    EXPECT_EQ(t.rows[3][6].text, "—");  // no TTFT in that record
}
