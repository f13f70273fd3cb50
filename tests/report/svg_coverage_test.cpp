// The coverage matrix's column headers: long device names are cut into two
// lines by code points, so multi-byte UTF-8 names never split mid-sequence.
#include <gtest/gtest.h>

#include <regex>
#include <string>
#include <vector>

#include "report/svg_coverage.h"
#include "report/table.h"

namespace bakeoff {
namespace {

bool valid_utf8(const std::string& s) {
    for (std::size_t i = 0; i < s.size();) {
        const unsigned char c = static_cast<unsigned char>(s[i]);
        const std::size_t len = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
        if (len == 0 || i + len > s.size()) return false;
        for (std::size_t j = 1; j < len; ++j)
            if ((static_cast<unsigned char>(s[i + j]) & 0xC0) != 0x80) return false;
        i += len;
    }
    return true;
}

std::vector<std::string> column_label_texts(const std::string& svg) {
    std::vector<std::string> out;
    const std::regex re("<text[^>]*class=\"column-label\"[^>]*>([^<]*)</text>");
    for (auto it = std::sregex_iterator(svg.begin(), svg.end(), re); it != std::sregex_iterator(); ++it)
        out.push_back((*it)[1].str());
    return out;
}

TEST(Utf8Prefix, CountsCodePointsAndNeverCutsASequence) {
    const std::string s = "a\xC3\xA9\xE2\x82\xAC" "b";  // a é € b
    EXPECT_EQ(utf8_prefix(s, 0), "");
    EXPECT_EQ(utf8_prefix(s, 1), "a");
    EXPECT_EQ(utf8_prefix(s, 2), "a\xC3\xA9");
    EXPECT_EQ(utf8_prefix(s, 3), "a\xC3\xA9\xE2\x82\xAC");
    EXPECT_EQ(utf8_prefix(s, 4), s);
    EXPECT_EQ(utf8_prefix(s, 99), s);
}

TEST(CoverageSvg, LongMultiByteColumnLabelsSplitOnWholeCodePoints) {
    // 2-, 3- and 4-byte characters, long enough for two lines and an ellipsis,
    // at every alignment against the cut.
    for (const std::string ch : {"\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x9A\x80"})
        for (int lead = 0; lead < 4; ++lead) {
            std::string label(static_cast<std::size_t>(lead), 'x');
            for (int i = 0; i < 60; ++i) label += ch;
            svg::CoverageMatrix m;
            m.title = "t";
            m.row_labels = {"gemm · fp32 · vendor"};
            m.column_labels = {label};
            m.cells = {{svg::CoverageCounts{1, 0, 0, 0, 0}}};
            const std::vector<std::string> lines = column_label_texts(svg::coverage_svg(m));
            ASSERT_EQ(lines.size(), 2u) << "lead " << lead;
            for (const auto& l : lines) EXPECT_TRUE(valid_utf8(l)) << "lead " << lead << ": " << l;
            // The two lines are the label's start, in order, the second marked as cut.
            const std::string ellipsis = "\xE2\x80\xA6";
            ASSERT_GE(lines[1].size(), ellipsis.size());
            EXPECT_EQ(lines[1].substr(lines[1].size() - ellipsis.size()), ellipsis);
            const std::string shown = lines[0] + lines[1].substr(0, lines[1].size() - ellipsis.size());
            EXPECT_EQ(label.compare(0, shown.size(), shown), 0);
            EXPECT_EQ(display_width(lines[0]), display_width(lines[1]) - 1);  // equal halves, plus the ellipsis
        }
}

TEST(CoverageSvg, ShortLabelStaysOnOneLine) {
    svg::CoverageMatrix m;
    m.title = "t";
    m.row_labels = {"triad · fp64 · portable"};
    m.column_labels = {"cpu:0 \xC3\xA9"};
    m.cells = {{svg::CoverageCounts{1, 0, 0, 0, 0}}};
    const std::vector<std::string> lines = column_label_texts(svg::coverage_svg(m));
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_EQ(lines[0], "cpu:0 \xC3\xA9");
}

}  // namespace
}  // namespace bakeoff
