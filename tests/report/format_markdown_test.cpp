// The Markdown format: a GitHub table, '|' escaped, right alignment as "---:".
#include "report/output_fixture.h"

#include <gtest/gtest.h>

using namespace bakeoff;

TEST(FormatMarkdown, TableWithEscapesDetailsAndNotes) {
    EXPECT_EQ(render_markdown(testing_support::sample_table()),
              "Figures in GB/s.\n"
              "\n"
              "| name | GB/s |\n"
              "| --- | ---: |\n"
              "| a\\|b, \"c\" | 1234.5 |\n"
              "| é | - |\n"
              "\n"
              "- **a\\|b, \"c\"**: note: long text\n"
              "\n"
              "[1] a note\n");
}

TEST(FormatMarkdown, LineBreaksInCellsAreFlattened) {
    Table t;
    t.columns = {"a"};
    t.rows = {{"one\ntwo"}};
    EXPECT_EQ(render(t, Format::markdown), "| a |\n| --- |\n| one two |\n");
}
