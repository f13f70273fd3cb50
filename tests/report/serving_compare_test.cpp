// `bakeoff compare` on llm.serve records: the frontier table after the main
// one (text, Markdown, the command itself), the loads in JSON, and nothing
// of it without serving records.
#include "compare_fixtures.h"

#include "report/compare.h"
#include "report/compare_format.h"
#include "report/serving.h"

#include <gtest/gtest.h>

#include <sys/wait.h>

#include <cstdlib>

using namespace bakeoff;
using namespace bakeoff::testing;
namespace fs = std::filesystem;

namespace {

const std::string kHostileModel = "m\x1b[31m<script>x</script>";

struct Files {
    fs::path dir, a, b;
};

Files write_serving(const std::string& tag, bool serving) {
    Files f{temp_dir(tag), {}, {}};
    const TestDevice a{"cpu:0", "Alpha", "cpu"}, b{"cpu:0", "Beta", "cpu"};
    std::vector<Record> ra = {make_record(a, "gemm", "fp32", "vendor", 64, spread(100, 1, 6))};
    std::vector<Record> rb = {make_record(b, "gemm", "fp32", "vendor", 64, spread(120, 1, 6))};
    if (serving) {
        ra.push_back(make_serving_record(a, "tiny", "chat", 1, 0, spread(100, 1, 6), 50));
        ra.push_back(make_serving_record(a, "tiny", "chat", 4, 0, spread(400, 1, 6), 40));
        ra.push_back(make_serving_record(a, "tiny", "chat", 8, 0, spread(380, 1, 6), 30));  // dominated by c4
        rb.push_back(make_serving_record(b, kHostileModel, "chat", 0, 2, spread(300, 1, 6), 45));
    }
    f.a = f.dir / "a.json";
    f.b = f.dir / "b.json";
    write_results(f.a, make_file({a}, ra));
    write_results(f.b, make_file({b}, rb));
    return f;
}

Comparison compare(const Files& f) { return build_comparison(read_inputs({f.a.string(), f.b.string()}), {}); }

// The line of `text` holding `needle` (and nothing of the next line).
std::string line_with(const std::string& text, const std::string& needle) {
    const auto at = text.find(needle);
    if (at == std::string::npos) return "";
    const auto start = text.rfind('\n', at) + 1;
    return text.substr(start, text.find('\n', at) - start);
}

}  // namespace

TEST(CompareServing, TextTableMarksTheFrontier) {
    const std::string out = render_comparison(compare(write_serving("cmp-serve", true)), Format::text);
    const auto at = out.find("serving (llm.serve)");
    ASSERT_NE(at, std::string::npos) << out;
    const std::string table = out.substr(at);
    for (const char* h : {"device", "load", "tok/s/device", "tok/s/user", "frontier"})
        EXPECT_NE(table.find(h), std::string::npos) << h;
    const std::string c1 = line_with(table, " c1 "), c4 = line_with(table, " c4 "), c8 = line_with(table, " c8 ");
    EXPECT_NE(c1.find("a.json"), std::string::npos) << c1;
    EXPECT_TRUE(c1.ends_with("yes")) << c1;
    EXPECT_TRUE(c4.ends_with("yes")) << c4;
    EXPECT_TRUE(c8.ends_with("no")) << c8;
    EXPECT_NE(c4.find("400.0"), std::string::npos) << c4;
    EXPECT_NE(c4.find("40.00"), std::string::npos) << c4;
    const std::string rate = line_with(table, "2 req/s");
    EXPECT_NE(rate.find("b.json"), std::string::npos) << rate;
    EXPECT_TRUE(rate.ends_with("yes")) << rate;
    // A terminal escape in a model name is neutralised like every other string.
    EXPECT_EQ(out.find('\x1b'), std::string::npos);
}

TEST(CompareServing, MarkdownAndJson) {
    const Comparison c = compare(write_serving("cmp-serve-md", true));
    const std::string md = render_comparison(c, Format::markdown);
    EXPECT_NE(md.find("serving (llm.serve)"), std::string::npos);
    EXPECT_NE(md.find("\\<script\\>"), std::string::npos);
    EXPECT_EQ(md.find("<script>"), std::string::npos);
    const auto doc = nlohmann::json::parse(render_comparison(c, Format::json));
    ASSERT_TRUE(doc.contains("serving"));
    ASSERT_EQ(doc["serving"].size(), 4u);
    EXPECT_EQ(doc["serving"][2]["concurrency"], 8);
    EXPECT_EQ(doc["serving"][2]["on_frontier"], false);
    EXPECT_EQ(doc["serving"][3]["request_rate"], 2.0);
    EXPECT_EQ(doc["serving"][3]["on_frontier"], true);
}

TEST(CompareServing, NothingWithoutServingRecords) {
    const Comparison c = compare(write_serving("cmp-plain", false));
    EXPECT_EQ(render_comparison(c, Format::text).find("serving"), std::string::npos);
    EXPECT_FALSE(nlohmann::json::parse(render_comparison(c, Format::json)).contains("serving"));
}

TEST(CompareServing, TheCommandPrintsTheFrontier) {
    const Files f = write_serving("cmp-serve-cli", true);
    const fs::path out = f.dir / "out.txt";
    const std::string cmd = "'" BAKEOFF_BINARY_PATH "' compare '" + f.a.string() + "' '" + f.b.string() + "' >'" +
                            out.string() + "' 2>&1 </dev/null";
    const int status = std::system(cmd.c_str());
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0) << slurp(out);
    const std::string text = slurp(out);
    EXPECT_NE(text.find("serving (llm.serve)"), std::string::npos) << text;
    EXPECT_TRUE(line_with(text, " c8 ").ends_with("no")) << text;
}

TEST(CompareServing, MistypedServingFieldsAreNoPointAndNoCrash) {
    const TestDevice d{"cpu:0", "Alpha", "cpu"};
    std::vector<Record> rs;
    for (int i = 0; i < 5; ++i) rs.push_back(make_serving_record(d, "tiny", "chat", i + 1, 0, spread(100, 1, 6), 10));
    rs[0].params["measured"]["serving"]["tokens_per_s_per_user"] = "fast";
    rs[1].params["measured"]["serving"] = nlohmann::json::array({1, 2});
    rs[2].params["measured"]["serving"]["tokens_per_s_per_user"] = -3.0;
    rs[3].params["concurrency"] = "four";        // the load is unknown, the point stays
    rs[3].params["model"] = nlohmann::json::object({{"x", 1}});
    rs[4].params["measured"]["serving"]["ttft_ms"] = "slow";  // latencies unknown, the point stays
    std::vector<ServingPoint> pts;
    for (const auto& r : rs)
        if (auto p = serving_point(r, "a.json")) pts.push_back(*p);
    ASSERT_EQ(pts.size(), 2u);
    EXPECT_EQ(pts[0].load_label(), "");
    EXPECT_EQ(pts[0].model, "");
    EXPECT_FALSE(pts[1].ttft_p50_ms.has_value());
    // Through a file: validate refuses such figures (they no longer match
    // their raw times), naming the serving field, before compare sees them.
    const fs::path dir = temp_dir("cmp-serve-bad");
    write_results(dir / "bad.json", make_file({d}, rs));
    try {
        build_comparison(read_inputs({(dir / "bad.json").string()}), {});
        FAIL() << "a file with malformed serving figures was read";
    } catch (const std::exception& e) {
        EXPECT_NE(std::string(e.what()).find("serving"), std::string::npos) << e.what();
    }
}
