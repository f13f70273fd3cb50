#include "report/project_table.h"

#include "report/output.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <set>

namespace bakeoff::specs {

ProjectionCell cell(const Quantity& q) { return {q.value, {}, q.value ? std::string() : q.missing}; }
ProjectionCell cell(double v) { return {v, {}, {}}; }
ProjectionCell cell(std::string text) { return {std::nullopt, std::move(text), {}}; }

namespace {

std::string format_number(double v, int decimals) {
    if (decimals == -2) {  // three significant digits, scientific when large or small
        if (v != 0 && (std::fabs(v) >= 1e6 || std::fabs(v) < 1e-3)) return fmt::format("{:.2e}", v);
        const int mag = v == 0 ? 0 : int(std::floor(std::log10(std::fabs(v))));
        return fmt::format("{:.{}f}", v, std::max(0, 2 - mag));
    }
    // Thousands separators keep large counts readable.
    std::string s = fmt::format("{:.{}f}", v, std::max(0, decimals));
    const auto dot = s.find('.');
    std::size_t end = dot == std::string::npos ? s.size() : dot;
    const std::size_t begin = s[0] == '-' ? 1 : 0;
    for (std::ptrdiff_t i = std::ptrdiff_t(end) - 3; i > std::ptrdiff_t(begin); i -= 3) s.insert(std::size_t(i), ",");
    return s;
}

// The rows as the shared table; for people the assumptions above it and the
// notes below (a list in Markdown). An unknown number reads "unknown: <why>"
// once per row and reason, "-" after; CSV and JSON carry it as empty/null.
Table projection_table(const Projection& p, bool markdown) {
    Table t;
    for (const auto& a : p.assumptions) t.title.push_back((markdown ? "- " : "") + a);
    for (const auto& n : p.notes) t.notes.push_back((markdown ? "- " : "") + n);
    for (const auto& c : p.columns) t.columns.emplace_back(c.header, c.decimals != -1 ? Align::right : Align::left, c.key);
    for (const auto& row : p.rows) {
        std::vector<Cell> cells;
        std::set<std::string> said;
        for (std::size_t i = 0; i < p.columns.size() && i < row.size(); ++i) {
            const auto& c = row[i];
            if (p.columns[i].decimals == -1) cells.push_back(c.text.empty() ? Cell::unknown() : Cell(c.text));
            else if (c.number) cells.push_back(Cell::of_number(*c.number, format_number(*c.number, p.columns[i].decimals)));
            else if (!c.missing.empty() && said.insert(c.missing).second) cells.push_back(Cell::unknown("unknown: " + c.missing));
            else cells.push_back(Cell::unknown());
        }
        t.rows.push_back(std::move(cells));
    }
    return t;
}

std::string render_json(const Projection& p) {
    using J = nlohmann::ordered_json;
    J doc = J::object();
    doc["projection"] = p.kind;
    doc["assumptions"] = p.assumptions;
    J rows = J::array();
    for (const auto& row : p.rows) {
        J o = J::object();
        std::vector<std::string> missing;
        for (std::size_t i = 0; i < p.columns.size() && i < row.size(); ++i) {
            const auto& c = row[i];
            const auto& key = p.columns[i].key;
            if (p.columns[i].decimals == -1) o[key] = c.text.empty() ? J() : J(c.text);
            else o[key] = c.number ? J(*c.number) : J();
            if (!c.number && !c.missing.empty() &&
                std::find(missing.begin(), missing.end(), c.missing) == missing.end())
                missing.push_back(c.missing);
        }
        o["missing"] = missing;
        rows.push_back(std::move(o));
    }
    doc["rows"] = std::move(rows);
    doc["notes"] = p.notes;
    return doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace

std::string render_projection(const Projection& p, Format format) {
    switch (format) {
        // A document, not an array of rows: the assumptions belong with the figures.
        case Format::json: return render_json(p);
        default: return render(projection_table(p, format == Format::markdown), format);
    }
}

}  // namespace bakeoff::specs
