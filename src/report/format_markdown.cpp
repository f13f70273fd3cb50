// Markdown: a GitHub table ("---:" right-aligns), '|' escaped and line breaks
// flattened inside cells; detail columns as a list under it.
#include "report/output.h"

namespace bakeoff {

namespace {

std::string escape(const std::string& s) {
    std::string o;
    for (char c : s) {
        if (c == '|') o += "\\|";
        else if (c == '\n') o += ' ';
        else o += c;
    }
    return o;
}

}  // namespace

std::string render_markdown(const Table& t) {
    std::vector<std::size_t> grid, details;
    for (std::size_t i = 0; i < t.columns.size(); ++i) (t.columns[i].detail ? details : grid).push_back(i);
    auto text = [](const std::vector<Cell>& r, std::size_t i) { return i < r.size() ? r[i].text : std::string(); };

    std::string out;
    for (const auto& line : t.title) out += line + "\n";
    if (!t.title.empty()) out += "\n";
    out += "|";
    for (auto i : grid) out += " " + escape(t.columns[i].header) + " |";
    out += "\n|";
    for (auto i : grid) out += t.columns[i].align == Align::right ? " ---: |" : " --- |";
    out += "\n";
    for (const auto& r : t.rows) {
        out += "|";
        for (auto i : grid) out += " " + escape(text(r, i)) + " |";
        out += "\n";
    }

    bool first = true;
    for (const auto& r : t.rows) {
        std::string parts;
        for (auto i : details)
            if (i < r.size() && r[i].kind != Cell::Kind::unknown && !r[i].text.empty())
                parts += (parts.empty() ? "" : "; ") + escape(t.columns[i].header + ": " + r[i].text);
        if (parts.empty()) continue;
        if (first) out += "\n";
        first = false;
        out += "- **" + escape(grid.empty() ? std::string() : text(r, grid[0])) + "**: " + parts + "\n";
    }

    if (!t.notes.empty()) out += "\n";
    for (const auto& n : t.notes) out += n + "\n";
    return out;
}

}  // namespace bakeoff
