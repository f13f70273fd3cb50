// Fuzz target: the prices file alone (`--prices FILE` of run, chips and
// project), against the built-in chip database and without one. It must
// accept the text or throw ParseError; a list that parses is then looked up
// and priced the way the efficiency columns do.
#include "specs/chip_db.h"
#include "specs/csv.h"
#include "specs/prices.h"

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string_view>

using namespace bakeoff::specs;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    for (const ChipDatabase* db : {&ChipDatabase::embedded(), static_cast<const ChipDatabase*>(nullptr)}) {
        std::optional<PriceList> prices;
        try {
            prices = PriceList::parse(text, "fuzz-prices.csv", db);
        } catch (const ParseError&) {
            continue;
        }
        for (const Price& p : prices->prices()) {
            // The reader promises prices > 0 and finite, and finds what it stored.
            for (const auto& v : {p.price_usd, p.price_per_hour_usd})
                if (v && !(*v > 0 && std::isfinite(*v))) std::abort();
            if (prices->find(p.chip_id) == nullptr) std::abort();
        }
    }
    return 0;
}
