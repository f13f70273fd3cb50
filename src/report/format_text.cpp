// Text: columns padded to their widest cell (UTF-8 aware), two spaces apart, a
// rule under the header, no trailing spaces; detail columns as a block per row
// under the grid.
#include "report/output.h"

#include "core/terminal_text.h"

#include <algorithm>

namespace bakeoff {

namespace {

std::string pad(const std::string& s, std::size_t width, Align align) {
    const std::string fill(width - std::min(width, display_width(s)), ' ');
    return align == Align::right ? fill + s : s + fill;
}

const Cell& cell_at(const std::vector<Cell>& row, std::size_t i) {
    static const Cell empty;
    return i < row.size() ? row[i] : empty;
}

}  // namespace

std::string render_text(const Table& t) {
    std::vector<std::size_t> grid, details;
    for (std::size_t i = 0; i < t.columns.size(); ++i) (t.columns[i].detail ? details : grid).push_back(i);
    std::vector<std::size_t> width(t.columns.size(), 0);
    for (auto i : grid) {
        width[i] = display_width(t.columns[i].header);
        for (const auto& r : t.rows) width[i] = std::max(width[i], display_width(cell_at(r, i).text));
    }

    std::string out;
    for (const auto& line : t.title) out += line + "\n";
    if (!t.title.empty()) out += "\n";
    auto line = [&](auto&& text_of) {
        std::string l;
        for (std::size_t k = 0; k < grid.size(); ++k) {
            if (k) l += "  ";
            l += pad(text_of(grid[k]), width[grid[k]], t.columns[grid[k]].align);
        }
        while (!l.empty() && l.back() == ' ') l.pop_back();
        out += l + "\n";
    };
    line([&](std::size_t i) { return t.columns[i].header; });
    line([&](std::size_t i) { return std::string(width[i], '-'); });
    for (const auto& r : t.rows) line([&](std::size_t i) { return cell_at(r, i).text; });

    // Detail columns: "ID: header: text", further ones indented under it.
    bool first = true;
    for (const auto& r : t.rows) {
        std::vector<std::string> parts;
        for (auto i : details)
            if (cell_at(r, i).kind != Cell::Kind::unknown && !cell_at(r, i).text.empty())
                parts.push_back(t.columns[i].header + ": " + cell_at(r, i).text);
        if (parts.empty()) continue;
        if (first) out += "\n";
        first = false;
        const std::string id = grid.empty() ? std::string() : cell_at(r, grid[0]).text;
        for (std::size_t k = 0; k < parts.size(); ++k)
            out += (k ? std::string(id.size() + 2, ' ') : id + ": ") + parts[k] + "\n";
    }

    if (!t.notes.empty()) out += "\n";
    for (const auto& n : t.notes) out += n + "\n";
    return terminal_safe(out);  // cells hold names from plugins and results files
}

}  // namespace bakeoff
