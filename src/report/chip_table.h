// Tables of chips for `bakeoff chips`: which columns, in which order, filtered
// and sorted how, and rendering as an aligned terminal table, CSV, JSON or
// Markdown. Unknown values are "-" in tables, empty in CSV, null in JSON.
#pragma once

#include "specs/chip_db.h"
#include "specs/export_control.h"
#include "specs/prices.h"

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace bakeoff::specs {

enum class OutputFormat { table, csv, json, markdown };
std::optional<OutputFormat> parse_output_format(std::string_view name);

struct Column {
    std::string key;      // machine name: CSV header and JSON key
    std::string header;   // for people: table and Markdown header
    bool numeric = false;
    bool detail = false;  // long text: a line under the table (table/Markdown), a column (CSV/JSON)
    std::string empty_text = "-";  // what table/Markdown show for an empty cell
};
struct Cell {
    std::string text;               // text columns ("" = unknown)
    std::optional<double> number;   // numeric columns (nullopt = unknown)
    int decimals = -1;              // display decimals; -1 = as stored (shortest exact text)
};
struct Table {
    std::vector<std::string> title;  // lines above the table (table/Markdown only)
    std::vector<Column> columns;
    std::vector<std::vector<Cell>> rows;
};

std::string render(const Table& table, OutputFormat format);

enum class ChipView { specs, export_control, efficiency };

struct TableOptions {
    ChipView view = ChipView::specs;
    std::string dtype = "bf16";        // precision of the efficiency columns
    const PriceList* prices = nullptr; // adds per-dollar columns to the efficiency view
    Date as_of = latest_rule_date();   // export-control rules
};

// A usage error in table options (unknown sort key, vendor, dtype...).
class UsageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// The keys --sort accepts with these options.
std::vector<std::string> sort_keys(const TableOptions& options);

// Chips whose vendor equals one of `vendors` (case-insensitive; empty = all) and
// whose id or name matches `filter` (glob if it holds * or ?, else substring;
// case-insensitive; empty = all). Throws UsageError for a vendor not in the db.
std::vector<const Chip*> select_chips(const ChipDatabase& db, const std::vector<std::string>& vendors,
                                      std::string_view filter);

// Stable sort: numbers largest first, text A-Z; unknown values always last.
// `reverse` flips the order of known values. Throws UsageError for an unknown key.
void sort_chips(std::vector<const Chip*>& chips, std::string_view key, const TableOptions& options,
                bool reverse = false);

Table build_chip_table(const std::vector<const Chip*>& chips, const TableOptions& options);

// Every field of one chip, with units, its source and confidence, and the
// derived figures with their formulas.
Table build_chip_details(const Chip& chip, const TableOptions& options);
std::string render_chip_details(const Chip& chip, const TableOptions& options, OutputFormat format);

}  // namespace bakeoff::specs
