// CSV (RFC 4180): a header of column keys, one line per row, every column
// (detail ones too); numbers as their shortest exact text, unknown cells
// empty. The lines for people (title, notes) are left out: programs read this.
#include "report/output.h"

namespace bakeoff {

std::string csv_field(std::string_view s) {
    if (s.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(s);
    std::string o = "\"";
    for (char ch : s) {
        if (ch == '"') o += '"';
        o += ch;
    }
    return o + "\"";
}

std::string render_csv(const Table& t) {
    std::string out;
    for (std::size_t i = 0; i < t.columns.size(); ++i) out += (i ? "," : "") + csv_field(t.columns[i].name());
    out += "\n";
    for (const auto& r : t.rows) {
        for (std::size_t i = 0; i < t.columns.size(); ++i) {
            if (i) out += ",";
            if (i >= r.size()) continue;
            switch (r[i].kind) {
                case Cell::Kind::text: out += csv_field(r[i].text); break;
                case Cell::Kind::number: out += shortest_number(r[i].number); break;
                case Cell::Kind::unknown: break;
            }
        }
        out += "\n";
    }
    return out;
}

}  // namespace bakeoff
