// The text format: aligned by display width, numbers right, no trailing
// spaces, detail columns under the grid, title above and notes below.
#include "report/output_fixture.h"

#include <gtest/gtest.h>

using namespace bakeoff;

TEST(FormatText, AlignedUtf8AwareWithDetailsAndNotes) {
    EXPECT_EQ(render_text(testing_support::sample_table()),
              "Figures in GB/s.\n"
              "\n"
              "name        GB/s\n"
              "--------  ------\n"
              "a|b, \"c\"  1234.5\n"
              "é              -\n"
              "\n"
              "a|b, \"c\": note: long text\n"
              "\n"
              "[1] a note\n");
    EXPECT_EQ(render(testing_support::sample_table(), Format::text), render_text(testing_support::sample_table()));
}

TEST(FormatText, BareTableHasNoBlankLines) {
    Table t;
    t.columns = {"a", {"b", Align::right}};
    t.rows = {{"x"}};  // a short row reads as empty cells
    EXPECT_EQ(render_text(t), "a  b\n-  -\nx\n");
}

TEST(FormatText, DisplayWidthCountsCodePoints) {
    EXPECT_EQ(display_width("abc"), 3u);
    EXPECT_EQ(display_width("é—≈"), 3u);
    EXPECT_EQ(display_width(""), 0u);
}
