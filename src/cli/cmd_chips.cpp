// bakeoff chips: the chip-specification database — tables of published
// figures, one chip in full, US export-control metrics, efficiency per watt and
// per dollar. Data and formulas: docs/chips.md, docs/export-control.md.
#include "cli/commands.h"
#include "specs/chip_db.h"
#include "report/chip_table.h"
#include "specs/export_control.h"
#include "specs/prices.h"

#include <fmt/format.h>

#include <cstdio>
#include <memory>
#include <optional>
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
    std::string format = "table";
    bool export_control = false;
    std::string as_of;
    bool efficiency = false;
    std::string dtype = "bf16";
    std::string prices_file;
    std::string show_id;
};

int usage_error(const std::string& message) {
    fmt::print(stderr, "bakeoff: {}\n", message);
    return 2;
}

int run_chips(const ChipsOptions& o, bool show) {
    using namespace bakeoff::specs;
    const auto format = parse_output_format(o.format);
    if (!format) return usage_error("--format: unknown format '" + o.format + "' (table, csv, json, markdown)");
    if (o.export_control && (o.efficiency || !o.prices_file.empty()) && !show)
        return usage_error("--export-control cannot be combined with --efficiency or --prices");

    TableOptions opt;
    opt.dtype = o.dtype;
    if (!o.as_of.empty()) {
        const auto d = parse_date(o.as_of);
        if (!d) return usage_error("--as-of: '" + o.as_of + "' is not a date (YYYY-MM-DD)");
        opt.as_of = *d;
    }
    if (o.export_control) opt.view = ChipView::export_control;
    else if (o.efficiency || !o.prices_file.empty()) opt.view = ChipView::efficiency;

    try {
        const ChipDatabase db = ChipDatabase::load(o.chips_file);
        std::optional<PriceList> prices;
        if (!o.prices_file.empty()) {
            prices = PriceList::load_file(o.prices_file, &db);
            opt.prices = &*prices;
        }

        if (show) {
            const Chip* chip = db.find(o.show_id);
            if (!chip) {
                std::string similar;
                for (const Chip* c : select_chips(db, {}, o.show_id)) similar += (similar.empty() ? "" : ", ") + c->id;
                return usage_error("unknown chip id '" + o.show_id + "' in " + db.origin() +
                                   (similar.empty() ? std::string(" (list them with 'bakeoff chips')")
                                                    : " (did you mean: " + similar + "?)"));
            }
            fmt::print("{}", render_chip_details(*chip, opt, *format));
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
        fmt::print("{}", render(build_chip_table(chips, opt), *format));
        std::fflush(stdout);
        return 0;
    } catch (const UsageError& e) {
        return usage_error(e.what());
    } catch (const ParseError& e) {
        fmt::print(stderr, "bakeoff: {}\n", e.what());
        return 1;
    }
}

}  // namespace

Subcommand add_chips_command(CLI::App& parent) {
    auto o = std::make_shared<ChipsOptions>();
    auto* sub = parent.add_subcommand(
        "chips", "Published chip specifications: table, one chip in full, export-control metrics, efficiency");
    sub->add_option("--chips", o->chips_file, "Use this chip database (CSV, format of data/chips.csv) instead of the built-in one");
    sub->add_option("--vendor", o->vendors, "Only chips of this vendor (case-insensitive; repeat or comma-separate)")
        ->delimiter(',');
    sub->add_option("--filter", o->filter, "Only chips whose id or name contains this text, or matches this glob (* ?)");
    sub->add_option("--sort", o->sort,
                    "Sort by this field (a column key as in --format csv, e.g. bf16_tflops, tpp, year); "
                    "numbers largest first, text A-Z, unknown last");
    sub->add_flag("--reverse", o->reverse, "Reverse the --sort order (unknown values stay last)");
    sub->add_option("--format", o->format, "Output format")
        ->check(CLI::IsMember({"table", "csv", "json", "markdown"}))
        ->capture_default_str();
    sub->add_flag("--export-control", o->export_control,
                  "Show TPP, performance density and the US ECCN 3A090 band of each chip");
    sub->add_option("--as-of", o->as_of,
                    "Apply the export-control rules in force on this date (YYYY-MM-DD; default: all changes listed)");
    sub->add_flag("--efficiency", o->efficiency, "Show claimed peak and bandwidth per watt (and per dollar with --prices)");
    sub->add_option("--dtype", o->dtype, "Precision of the efficiency columns: fp64 fp32 tf32 bf16 fp16 fp8 int8")
        ->capture_default_str();
    sub->add_option("--prices", o->prices_file,
                    "CSV of user prices (chip,price_usd,price_per_hour_usd,source) for per-dollar figures; "
                    "see docs/chips.md");

    auto* show = sub->add_subcommand("show", "Every field of one chip, its source and confidence, derived figures with formulas");
    show->add_option("id", o->show_id, "Chip id (see 'bakeoff chips')")->required();
    show->fallthrough();  // options of `chips` may follow `show ID`

    return {sub, [o, show]() { return run_chips(*o, show->parsed()); }};
}

}  // namespace bakeoff::cli
