#include "report/run_summary.h"
#include "results/sample_results.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>

using namespace bakeoff;
using bakeoff::testing::sample_file;

TEST(RunSummary, TextTableIsAlignedAndNotesExplainFailures) {
    auto f = sample_file();
    f.records[0].warnings = {"OPENBLAS_CORETYPE=Haswell forces AVX2 kernels"};
    const std::string text = run_summary(f.records, {});
    // Header, rule, two rows, blank line, two notes.
    EXPECT_NE(text.find("median"), std::string::npos);
    EXPECT_NE(text.find("FAILED"), std::string::npos);
    EXPECT_NE(text.find("[1] membw.triad fp64 1MiB portable on cpu:0: warning: OPENBLAS_CORETYPE"), std::string::npos);
    EXPECT_NE(text.find("failed: verification failed"), std::string::npos);
    // Aligned: the "median" column starts at the same offset in the header and under it.
    std::istringstream in(text);
    std::string header, rule, row1, row2;
    std::getline(in, header);
    std::getline(in, rule);
    std::getline(in, row1);
    std::getline(in, row2);
    const auto col = header.find("95% CI");
    ASSERT_NE(col, std::string::npos);
    EXPECT_EQ(row1.substr(col, 1), "[");
    // % of peak: the median over 100 GB/s.
    EXPECT_NE(row1.find(" %"), std::string::npos);
}

TEST(RunSummary, MarkdownEscapesPipes) {
    auto f = sample_file();
    f.records[0].size_label = "1|2";
    const std::string md = run_summary(f.records, {.show_device = true, .format = Format::markdown});
    EXPECT_NE(md.find("1\\|2"), std::string::npos) << md;
    EXPECT_EQ(md.rfind("| workload | dtype | size | path | device |", 0), 0u);
    EXPECT_NE(md.find("| ---: |"), std::string::npos);
}
