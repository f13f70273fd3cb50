// bakeoff chips: the chip-specification database — tables of published
// figures, one chip in full, US export-control metrics, efficiency per watt and
// per dollar. Data and formulas: docs/chips.md, docs/export-control.md.
#include "cli/commands.h"
#include "cli/options.h"
#include "report/chip_table.h"
#include "specs/chip_db.h"
#include "specs/chip_query.h"
#include "specs/export_control.h"
#include "specs/prices.h"

#include <fmt/format.h>

#include <cstdio>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace bakeoff::cli {

namespace {

struct ChipsOptions {
    std::string chips_file;
    std::vector<std::string> vendors;
    std::string filter;
    std::string sort;
    bool reverse = false;
    Format format = Format::text;
    bool export_control = false;
    std::string as_of;
    bool efficiency = false;
    std::string dtype = "bf16";
    std::string prices_file;
    std::string show_id;
    std::vector<std::string> compare;  // --compare A,B,...
};

int run_chips(const ChipsOptions& o, bool show) {
    using namespace bakeoff::specs;
    if (o.export_control && (o.efficiency || !o.prices_file.empty()) && !show)
        throw UsageError("--export-control cannot be combined with --efficiency or --prices");
    if (!o.compare.empty()) {
        if (show) throw UsageError("--compare cannot be combined with 'show'");
        if (o.export_control || o.efficiency || !o.prices_file.empty() || !o.sort.empty() || !o.vendors.empty() ||
            !o.filter.empty())
            throw UsageError("--compare lists the chips it names: it cannot be combined with --vendor, --filter, "
                             "--sort, --export-control, --efficiency or --prices");
    }

    TableOptions opt;
    opt.dtype = o.dtype;
    if (!o.as_of.empty()) {
        const auto d = parse_date(o.as_of);
        if (!d) throw UsageError("--as-of: '" + o.as_of + "' is not a date (YYYY-MM-DD)");
        opt.as_of = *d;
    }
    if (o.export_control) opt.view = ChipView::export_control;
    else if (o.efficiency || !o.prices_file.empty()) opt.view = ChipView::efficiency;

    // The table options' own checks (sort key, vendor, dtype) are usage errors too.
    try {
        const ChipDatabase db = ChipDatabase::load(o.chips_file);
        std::optional<PriceList> prices;
        if (!o.prices_file.empty()) {
            prices = PriceList::load_file(o.prices_file, &db);
            opt.prices = &*prices;
        }

        if (show) {
            const auto found = db.lookup(o.show_id);  // id or plain name, any case
            if (!found.chip) throw UsageError(found.error);
            fmt::print("{}", render_chip_details(*found.chip, opt, o.format));
            std::fflush(stdout);
            return 0;
        }

        if (!o.compare.empty()) {
            fmt::print("{}", render(build_chip_comparison(compare_chips(db, o.compare)), o.format));
            std::fflush(stdout);
            return 0;
        }

        auto chips = select_chips(db, o.vendors, o.filter);
        if (opt.prices) {  // the per-dollar view lists the chips the user priced
            std::vector<const Chip*> priced;
            for (const Chip* c : chips)
                if (opt.prices->find(c->id)) priced.push_back(c);
            chips = std::move(priced);
        }
        if (!o.sort.empty()) sort_chips(chips, o.sort, opt, o.reverse);
        opt.drop_unknown_fp4 = o.format == Format::text || o.format == Format::markdown;
        fmt::print("{}", render(build_chip_table(chips, opt), o.format));
        std::fflush(stdout);
        return 0;
    } catch (const std::invalid_argument& e) {
        throw UsageError(e.what());
    } catch (const UnknownChipError& e) {  // --compare naming a chip the database lacks
        throw UsageError(e.what());
    }
}

}  // namespace

Subcommand add_chips_command(CLI::App& parent) {
    auto o = std::make_shared<ChipsOptions>();
    auto* sub = parent.add_subcommand(
        "chips", "Published chip specifications: table, one chip in full, export-control metrics, efficiency");
    add_chips_option(sub, o->chips_file);
    sub->add_option("--vendor", o->vendors, "Only chips of this vendor (case-insensitive; repeat or comma-separate)")
        ->delimiter(',');
    sub->add_option("--filter", o->filter, "Only chips whose id or name contains this text, or matches this glob (* ?)");
    sub->add_option("--sort", o->sort,
                    "Sort by this field (a column key as in --format csv, e.g. bf16_tflops, tpp, year); "
                    "numbers largest first, text A-Z, unknown last");
    sub->add_flag("--reverse", o->reverse, "Reverse the --sort order (unknown values stay last)");
    sub->add_option("--compare", o->compare,
                    "Chips side by side (ids or plain names, comma-separated): each claimed figure, its ratio to "
                    "the first chip's, and each chip's confidence")
        ->delimiter(',');
    add_format_option(sub, o->format);
    sub->add_flag("--export-control", o->export_control,
                  "Show TPP, performance density and the US ECCN 3A090 band of each chip");
    sub->add_option("--as-of", o->as_of,
                    "Apply the export-control rules in force on this date (YYYY-MM-DD; default: all changes listed)");
    sub->add_flag("--efficiency", o->efficiency, "Show claimed peak and bandwidth per watt (and per dollar with --prices)");
    sub->add_option("--dtype", o->dtype, "Precision of the efficiency columns: fp64 fp32 tf32 bf16 fp16 fp8 int8 fp4")
        ->capture_default_str();
    sub->add_option("--prices", o->prices_file,
                    "CSV of user prices (chip,price_usd,price_per_hour_usd,source) for per-dollar figures; "
                    "see docs/chips.md");

    auto* show = sub->add_subcommand("show", "Every field of one chip, its source and confidence, derived figures with formulas");
    show->add_option("id", o->show_id, "Chip id or plain name, any case (see 'bakeoff chips')")->required();
    show->fallthrough();  // options of `chips` may follow `show ID`

    return {sub, [o, show]() { return run_chips(*o, show->parsed()); }};
}

}  // namespace bakeoff::cli
