// The one table every command prints: columns with an alignment, rows of
// cells, and lines for people above and below the grid. It holds no format:
// report/output.h renders it as text, Markdown, CSV or JSON, one file each.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bakeoff {

enum class Align { left, right };

struct Column {
    std::string header;        // for people: the text and Markdown header
    Align align = Align::left;  // numbers read best right-aligned
    std::string key;           // for programs: the CSV header and JSON key; empty = the header
    bool detail = false;       // long text: a block under the grid (text, Markdown), a column (CSV, JSON)

    Column() = default;
    Column(std::string h, Align a = Align::left, std::string k = {}, bool d = false)
        : header(std::move(h)), align(a), key(std::move(k)), detail(d) {}
    Column(const char* h) : header(h) {}
    const std::string& name() const { return key.empty() ? header : key; }
};

// What a cell shows people (`text`), and what programs get: the text, a
// number, or nothing (unknown: empty in CSV, null in JSON).
struct Cell {
    enum class Kind { text, number, unknown };
    std::string text;
    Kind kind = Kind::text;
    double number = 0;

    Cell() = default;
    Cell(std::string s) : text(std::move(s)) {}
    Cell(const char* s) : text(s) {}
    static Cell of_number(double v, std::string shown) {
        Cell c(std::move(shown));
        c.kind = Kind::number;
        c.number = v;
        return c;
    }
    static Cell unknown(std::string shown = "-") {
        Cell c(std::move(shown));
        c.kind = Kind::unknown;
        return c;
    }
};

struct Table {
    std::vector<std::string> title;  // lines above the grid, then a blank line (text, Markdown only)
    std::vector<Column> columns;
    std::vector<std::vector<Cell>> rows;  // a short row reads as empty cells
    std::vector<std::string> notes;  // lines below the grid, after a blank line (text, Markdown only)
};

// Display width of UTF-8 text in terminal columns: one per code point, enough
// for the text bakeoff prints. The only such function: tables and SVG labels use it.
std::size_t display_width(std::string_view s);

// The first `points` code points of UTF-8 text s, never cutting a sequence.
std::string utf8_prefix(const std::string& s, std::size_t points);

}  // namespace bakeoff
