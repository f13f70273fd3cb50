// User-supplied prices (bakeoff never ships or guesses prices).
//
// A prices file is CSV with a header line. Columns (any order):
//   chip                 required: a chip id of the database in use
//   price_usd            purchase price of one unit (card/module/socket), USD
//   price_per_hour_usd   rental price of one unit per hour, USD
//   source               optional: where the price comes from, and when
// Each row needs at least one of the two prices; a price is a number > 0 with no
// currency sign or thousands separator; empty = unknown. Unknown columns,
// duplicate chips and chips missing from the database are errors.
#pragma once

#include "specs/chip_db.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bakeoff::specs {

struct Price {
    std::string chip_id;
    std::optional<double> price_usd;
    std::optional<double> price_per_hour_usd;
    std::string source;
    std::size_t line = 0;
};

class PriceList {
public:
    PriceList() = default;
    // Throws ParseError (file:line:column). When `db` is given, every chip id
    // must exist in it (compared case-insensitively; stored as the db's id).
    static PriceList parse(std::string_view csv_text, std::string origin, const ChipDatabase* db = nullptr);
    static PriceList load_file(const std::string& path, const ChipDatabase* db = nullptr);

    const std::vector<Price>& prices() const { return prices_; }
    const Price* find(std::string_view chip_id) const;  // case-insensitive
    bool empty() const { return prices_.empty(); }

private:
    std::vector<Price> prices_;
};

}  // namespace bakeoff::specs
