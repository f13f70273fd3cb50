#include "specs/prices.h"

#include "specs/text_util.h"

#include <map>

namespace bakeoff::specs {

PriceList PriceList::parse(std::string_view csv_text, std::string origin, const ChipDatabase* db) {
    const auto records = parse_csv(csv_text, origin);
    if (records.empty()) throw ParseError(origin, 1, 1, "empty file (expected the header chip,price_usd,...)");
    static constexpr std::string_view kColumns[] = {"chip", "price_usd", "price_per_hour_usd", "source"};

    const CsvRecord& header = records.front();
    std::map<std::string, std::size_t> col;
    for (std::size_t i = 0; i < header.fields.size(); ++i) {
        const CsvField& f = header.fields[i];
        bool known = false;
        for (auto k : kColumns) known = known || f.value == k;
        if (!known)
            throw ParseError(origin, f.line, f.column,
                             "unknown column '" + f.value + "' (known: chip, price_usd, price_per_hour_usd, source)");
        if (col.count(f.value)) throw ParseError(origin, f.line, f.column, "column '" + f.value + "' appears twice");
        col[f.value] = i;
    }
    if (!col.count("chip")) throw ParseError(origin, header.line, header.end_column, "missing required column 'chip'");
    if (!col.count("price_usd") && !col.count("price_per_hour_usd"))
        throw ParseError(origin, header.line, header.end_column,
                         "needs a price_usd or price_per_hour_usd column");

    PriceList list;
    std::map<std::string, std::size_t> seen;
    for (std::size_t r = 1; r < records.size(); ++r) {
        const CsvRecord& rec = records[r];
        const std::size_t n = header.fields.size();
        if (rec.fields.size() < n)
            throw ParseError(origin, rec.line, rec.end_column,
                             "expected " + std::to_string(n) + " fields, found " + std::to_string(rec.fields.size()));
        if (rec.fields.size() > n)
            throw ParseError(origin, rec.fields[n].line, rec.fields[n].column,
                             "expected " + std::to_string(n) + " fields, found " + std::to_string(rec.fields.size()));
        Price p;
        p.line = rec.line;
        const CsvField& chip = rec.fields[col["chip"]];
        if (chip.value.empty()) throw ParseError(origin, chip.line, chip.column, "chip: required, but empty");
        p.chip_id = chip.value;
        if (db) {
            const auto found = db->lookup(chip.value);
            const Chip* c = found.chip;
            if (!c) {
                std::string hint;
                for (const auto& id : found.suggestions) hint += (hint.empty() ? "; did you mean " : ", ") + id;
                throw ParseError(origin, chip.line, chip.column,
                                 "chip: no chip with id '" + chip.value + "' in " + db->origin() +
                                     (hint.empty() ? "" : hint + "?"));
            }
            p.chip_id = c->id;
        }
        const std::string key = to_lower(p.chip_id);
        if (auto it = seen.find(key); it != seen.end())
            throw ParseError(origin, chip.line, chip.column,
                             "chip: '" + chip.value + "' priced twice (first on line " + std::to_string(it->second) +
                                 ")");
        seen[key] = rec.line;

        auto read_price = [&](const char* name, std::optional<double>& out) {
            auto it = col.find(name);
            if (it == col.end()) return;
            const CsvField& f = rec.fields[it->second];
            if (f.value.empty()) return;
            const auto v = parse_number(f.value);
            if (!v)
                throw ParseError(origin, f.line, f.column,
                                 std::string(name) + ": '" + f.value +
                                     "' is not a number (plain digits such as 25000 or 2.49: no currency sign, "
                                     "thousands separator or spaces)");
            if (*v <= 0)
                throw ParseError(origin, f.line, f.column,
                                 std::string(name) + ": '" + f.value + "' must be greater than 0");
            out = *v;
        };
        read_price("price_usd", p.price_usd);
        read_price("price_per_hour_usd", p.price_per_hour_usd);
        if (!p.price_usd && !p.price_per_hour_usd)
            throw ParseError(origin, rec.line, 1, "row gives neither price_usd nor price_per_hour_usd");
        if (auto it = col.find("source"); it != col.end()) p.source = rec.fields[it->second].value;
        list.prices_.push_back(std::move(p));
    }
    return list;
}

PriceList PriceList::load_file(const std::string& path, const ChipDatabase* db) {
    return parse(read_text_file(path), path, db);
}

const Price* PriceList::find(std::string_view chip_id) const {
    for (const auto& p : prices_)
        if (iequals(p.chip_id, chip_id)) return &p;
    return nullptr;
}

}  // namespace bakeoff::specs
