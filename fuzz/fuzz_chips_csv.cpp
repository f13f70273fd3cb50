// Fuzz target: the CSV reader, the chip database (`--chips FILE`) and the
// prices file (`--prices FILE`). Each must either accept the text or throw
// ParseError; a database that parses must then go through what `bakeoff chips`
// and claimed-vs-measured matching do with it.
#include "specs/chip_db.h"
#include "report/chip_table.h"
#include "specs/csv.h"
#include "specs/device_match.h"
#include "specs/prices.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

using namespace bakeoff;
using namespace bakeoff::specs;

namespace {

void exercise_database(const ChipDatabase& db, const PriceList* prices) {
    for (const Chip& c : db.chips()) {
        for (const auto& f : chip_fields()) {
            (void)field_text(c, f.name);
            (void)numeric_field(c, f.name);
        }
        for (const auto& d : peak_dtypes()) (void)claimed_peak(c, d.name);
        (void)db.find(c.id);
    }
    for (std::string_view name : {"NVIDIA H100 80GB HBM3", "cpu", "AMD Instinct MI300X", ""})
        (void)match_device(db, name);
    if (!db.chips().empty()) (void)match_device(db, "x", db.chips().front().id);

    std::vector<const Chip*> all = select_chips(db, {}, "");
    for (ChipView view : {ChipView::specs, ChipView::export_control, ChipView::efficiency}) {
        TableOptions o;
        o.view = view;
        o.prices = prices;
        for (const auto& key : sort_keys(o)) sort_chips(all, key, o);
        const Table t = build_chip_table(all, o);
        for (Format f : {Format::text, Format::csv, Format::json, Format::markdown})
            (void)render(t, f);
        if (!all.empty())
            for (Format f : {Format::text, Format::markdown, Format::csv, Format::json})
                (void)render_chip_details(*all.front(), o, f);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        const auto records = parse_csv(text, "fuzz.csv");
        for (const auto& r : records)
            for (const auto& f : r.fields)
                if (f.line < r.line || f.column == 0) std::abort();
    } catch (const ParseError&) {
    }

    std::optional<ChipDatabase> db;
    try {
        db = ChipDatabase::parse(text, "fuzz.csv");
    } catch (const ParseError&) {
    }

    // The same text as a prices file, against the built-in database and alone.
    std::optional<PriceList> prices;
    try {
        prices = PriceList::parse(text, "fuzz.csv", &ChipDatabase::embedded());
    } catch (const ParseError&) {
    }
    try {
        (void)PriceList::parse(text, "fuzz.csv", nullptr);
    } catch (const ParseError&) {
    }
    if (db) exercise_database(*db, nullptr);
    if (prices) exercise_database(ChipDatabase::embedded(), &*prices);
    return 0;
}
