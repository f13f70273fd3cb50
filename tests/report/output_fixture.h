// One small table the format tests render: a right-aligned number column, an
// unknown cell, text that needs quoting or escaping, a UTF-8 cell, and a
// detail column.
#pragma once

#include "report/output.h"

namespace bakeoff::testing_support {

inline Table sample_table() {
    Table t;
    t.title = {"Figures in GB/s."};
    t.columns = {{"name", Align::left, "id"}, {"GB/s", Align::right, "gbs"}, {"note", Align::left, "note", true}};
    t.rows = {{"a|b, \"c\"", Cell::of_number(1234.5, "1234.5"), "long text"},
              {"é", Cell::unknown("-"), Cell::unknown("")}};
    t.notes = {"[1] a note"};
    return t;
}

}  // namespace bakeoff::testing_support
