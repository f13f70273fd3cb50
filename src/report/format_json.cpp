// JSON: an array with one object per row, keyed by column key in column
// order; numbers as numbers, unknown cells null. Invalid UTF-8 is replaced,
// not thrown on: cells may come from untrusted files.
#include "report/output.h"

#include <nlohmann/json.hpp>

namespace bakeoff {

std::string render_json(const Table& t) {
    using J = nlohmann::ordered_json;
    J arr = J::array();
    for (const auto& r : t.rows) {
        J o = J::object();
        for (std::size_t i = 0; i < t.columns.size(); ++i) {
            const Cell c = i < r.size() ? r[i] : Cell();
            switch (c.kind) {
                case Cell::Kind::text: o[t.columns[i].name()] = c.text; break;
                case Cell::Kind::number: o[t.columns[i].name()] = c.number; break;
                case Cell::Kind::unknown: o[t.columns[i].name()] = nullptr; break;
            }
        }
        arr.push_back(std::move(o));
    }
    return arr.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace bakeoff
