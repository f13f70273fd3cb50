// Tables of chips for `bakeoff chips`: which columns, in which order, filtered
// and sorted how, as the shared Table (report/output.h renders it in every
// format). Unknown values are "-" in tables, empty in CSV, null in JSON.
// Bad options (unknown sort key, vendor, dtype) throw std::invalid_argument:
// the command turns that into its usage error.
#pragma once

#include "report/output.h"
#include "report/table.h"
#include "specs/chip_db.h"
#include "specs/chip_query.h"
#include "specs/export_control.h"
#include "specs/prices.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bakeoff::specs {

enum class ChipView { specs, export_control, efficiency };

struct TableOptions {
    ChipView view = ChipView::specs;
    std::string dtype = "bf16";        // precision of the efficiency columns
    const PriceList* prices = nullptr; // adds per-dollar columns to the efficiency view
    Date as_of = latest_rule_date();   // export-control rules
    // Text and Markdown: leave out the FP4 column when no listed chip has an
    // FP4 figure (the grid is wide); CSV and JSON keep every column.
    bool drop_unknown_fp4 = false;
};

// The keys --sort accepts with these options.
std::vector<std::string> sort_keys(const TableOptions& options);

// Chips whose vendor equals one of `vendors` (case-insensitive; empty = all) and
// whose id or name matches `filter` (glob if it holds * or ?, else substring;
// case-insensitive; empty = all). Throws std::invalid_argument for a vendor not in the db.
std::vector<const Chip*> select_chips(const ChipDatabase& db, const std::vector<std::string>& vendors,
                                      std::string_view filter);

// Stable sort: numbers largest first, text A-Z; unknown values always last.
// `reverse` flips the order of known values. Throws std::invalid_argument for an unknown key.
void sort_chips(std::vector<const Chip*>& chips, std::string_view key, const TableOptions& options,
                bool reverse = false);

Table build_chip_table(const std::vector<const Chip*>& chips, const TableOptions& options);

// Chips side by side (`bakeoff chips --compare A,B`): a row of each chip's
// confidence, then one row per claimed figure any of them has (field, unit,
// each chip's value, each later chip's ratio to the first chip).
Table build_chip_comparison(const ChipComparison& comparison);

// Every field of one chip, with units, its source and confidence, and the
// derived figures with their formulas.
Table build_chip_details(const Chip& chip, const TableOptions& options);
// Text: a list rather than a grid (the notes are long); JSON: every field and
// the derived figures as one object; Markdown and CSV: the field/value table.
std::string render_chip_details(const Chip& chip, const TableOptions& options, Format format);

}  // namespace bakeoff::specs
