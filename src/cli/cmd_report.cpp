// bakeoff report FILES... -o report.html: one self-contained HTML report
// (inline CSS and SVG, no script, opens offline). docs/report.md.
#include "cli/commands.h"
#include "report/atomic_write.h"
#include "report/compare.h"
#include "report/html_report.h"
#include "specs/chip_db.h"

#include <bakeoff/build_info.h>
#include <fmt/chrono.h>
#include <fmt/format.h>

#include <chrono>
#include <map>
#include <memory>

namespace bakeoff::cli {

namespace {
struct ReportArgs {
    std::vector<std::string> files;
    std::string out;
    std::string baseline;
    std::string title = "bakeoff report";
    std::string chips_file;
    std::vector<std::string> chip_overrides;
};
}  // namespace

Subcommand add_report_command(CLI::App& parent) {
    auto a = std::make_shared<ReportArgs>();
    auto* sub = parent.add_subcommand("report", "Write a self-contained HTML report (charts and tables) of results files");
    sub->add_option("files", a->files, "Results files (JSON); each device of each file is a column")->required();
    sub->add_option("-o,--out", a->out, "The HTML file to write (atomically)")->required();
    sub->add_option("--baseline", a->baseline,
                    "The column ratios are taken against: a results file (added when not listed) or a column label; "
                    "default the first column");
    sub->add_option("--title", a->title, "The report's title");
    sub->add_option("--chips", a->chips_file,
                    "Chip database for claimed figures (CSV, format of data/chips.csv) instead of the built-in one");
    sub->add_option("--chip", a->chip_overrides,
                    "COLUMN=CHIP_ID: the chip a column's device is (column label or device name)");
    return {sub, [a]() {
                CompareOptions o;
                o.baseline = a->baseline;
                for (const auto& s : a->chip_overrides) {
                    auto eq = s.rfind('=');
                    if (eq == std::string::npos || eq == 0 || eq + 1 == s.size()) {
                        fmt::print(stderr, "bakeoff: --chip: expected COLUMN=CHIP_ID, got '{}' (see 'bakeoff report --help')\n", s);
                        return 2;
                    }
                    o.chip_overrides[s.substr(0, eq)] = s.substr(eq + 1);
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
                    ReportOptions ro;
                    ro.title = a->title;
                    ro.generated_utc = fmt::format("{:%Y-%m-%dT%H:%M:%SZ}",
                                                   std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()));
                    ro.tool_version = std::string("bakeoff ") + BAKEOFF_VERSION + " (" + BAKEOFF_GIT_COMMIT + ")";
                    write_text_atomic(a->out, render_report_html(c, ro));
                } catch (const InputError& e) {
                    fmt::print(stderr, "bakeoff: {}\n", e.what());
                    return 1;
                } catch (const std::invalid_argument& e) {
                    fmt::print(stderr, "bakeoff: {} (see 'bakeoff report --help')\n", e.what());
                    return 2;
                }
                fmt::print("wrote {}\n", a->out);
                return 0;
            }};
}

}  // namespace bakeoff::cli
