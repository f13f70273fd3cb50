// bakeoff compare A.json B.json ...: one row per case, one column per device of
// each file, medians with their 95 % CIs, ratios to a baseline with a verdict
// that is a win or a loss only when the difference is clear (docs/report.md).
#include "cli/commands.h"
#include "report/atomic_write.h"
#include "report/compare.h"
#include "report/compare_format.h"
#include "specs/chip_db.h"

#include <fmt/format.h>

#include <map>
#include <memory>

namespace bakeoff::cli {

namespace {

struct CompareArgs {
    std::vector<std::string> files;
    std::string baseline;
    std::string format = "table";
    std::string out;
    std::string chips_file;
    std::vector<std::string> chip_overrides;  // LABEL=ID
};

// Splits "KEY=ID" at the last '='; throws CLI::ValidationError naming the flag.
std::map<std::string, std::string> parse_overrides(const std::vector<std::string>& items) {
    std::map<std::string, std::string> m;
    for (const auto& s : items) {
        auto eq = s.rfind('=');
        if (eq == std::string::npos || eq == 0 || eq + 1 == s.size())
            throw CLI::ValidationError("--chip", "expected COLUMN=CHIP_ID, got '" + s + "'");
        m[s.substr(0, eq)] = s.substr(eq + 1);
    }
    return m;
}

}  // namespace

Subcommand add_compare_command(CLI::App& parent) {
    auto a = std::make_shared<CompareArgs>();
    auto* sub = parent.add_subcommand("compare", "Compare results files: medians with 95 % CIs, ratios to a baseline, ties");
    sub->add_option("files", a->files, "Results files (JSON); each device of each file is a column")->required();
    sub->add_option("--baseline", a->baseline,
                    "The column the others are compared with: a results file (added when not listed) or a column "
                    "label; default the first column");
    sub->add_option("--format", a->format, "Output format")
        ->check(CLI::IsMember({"table", "markdown", "csv", "json"}))
        ->capture_default_str();
    sub->add_option("-o,--out", a->out, "Write to this file (atomically) instead of standard output");
    sub->add_option("--chips", a->chips_file,
                    "Chip database for % of claim (CSV, format of data/chips.csv) instead of the built-in one");
    sub->add_option("--chip", a->chip_overrides,
                    "COLUMN=CHIP_ID: the chip a column's device is (column label or device name), when its name "
                    "does not match one chip of the database");
    return {sub, [a]() {
                const auto format = parse_compare_format(a->format);
                CompareOptions o;
                o.baseline = a->baseline;
                try {
                    o.chip_overrides = parse_overrides(a->chip_overrides);
                } catch (const CLI::ValidationError& e) {
                    fmt::print(stderr, "bakeoff: {} (see 'bakeoff compare --help')\n", e.what());
                    return 2;
                }
                specs::ChipDatabase db;
                try {
                    db = specs::ChipDatabase::load(a->chips_file);
                } catch (const std::exception& e) {
                    fmt::print(stderr, "bakeoff: {}\n", e.what());
                    return 1;
                }
                o.chips = &db;
                try {
                    Comparison c = build_comparison(read_inputs(with_baseline_file(a->files, a->baseline)), o);
                    const std::string text = render_comparison(c, *format);
                    if (a->out.empty())
                        fmt::print("{}", text);
                    else
                        write_text_atomic(a->out, text);
                } catch (const InputError& e) {
                    fmt::print(stderr, "bakeoff: {}\n", e.what());
                    return 1;
                } catch (const std::invalid_argument& e) {
                    fmt::print(stderr, "bakeoff: {} (see 'bakeoff compare --help')\n", e.what());
                    return 2;
                }
                return 0;
            }};
}

}  // namespace bakeoff::cli
