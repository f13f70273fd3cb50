// bakeoff report FILES... -o report.html: one self-contained HTML report
// (inline CSS and SVG, no script, opens offline), the scoreboard first. docs/report.md.
#include "cli/commands.h"
#include "cli/compare_inputs.h"
#include "cli/options.h"
#include "core/host_info.h"
#include "results/atomic_write.h"
#include "report/html_report.h"
#include "specs/prices.h"

#include <bakeoff/build_info.h>
#include <fmt/format.h>

#include <memory>

namespace bakeoff::cli {

namespace {
struct ReportArgs {
    CompareInputArgs in;
    std::string out;
    std::string title = "bakeoff report";
    std::string prices_file;
};
}  // namespace

Subcommand add_report_command(CLI::App& parent) {
    auto a = std::make_shared<ReportArgs>();
    auto* sub = parent.add_subcommand("report", "Write a self-contained HTML report (charts and tables) of results files");
    add_compare_input_options(sub, a->in);
    add_out_option(sub, a->out, "The HTML file to write (atomically)")->required();
    sub->add_option("--title", a->title, "The report's title");
    sub->add_option("--prices", a->prices_file,
                    "CSV of chip prices for the scoreboard's per-dollar figures (docs/chips.md)");
    return {sub, [a]() {
                refuse_output_among_inputs(a->out, a->in);
                if (!a->prices_file.empty() && same_file(a->out, a->prices_file))
                    throw UsageError(fmt::format("--out: '{}' is also the prices file; writing it would destroy it", a->out));
                // Read before anything is written: a bad prices file is one line, exit 1, no report.
                const specs::PriceList prices =
                    a->prices_file.empty() ? specs::PriceList() : specs::PriceList::load_file(a->prices_file);
                int rc = with_comparison(a->in, "report", [&](const Comparison& c) {
                    ReportOptions ro;
                    ro.title = a->title;
                    ro.prices = a->prices_file.empty() ? nullptr : &prices;
                    ro.generated_utc = utc_now();
                    ro.tool_version = std::string("bakeoff ") + BAKEOFF_VERSION + " (" + BAKEOFF_GIT_COMMIT + ")";
                    write_text_atomic(a->out, render_report_html(c, ro));
                });
                if (rc == 0) fmt::print("wrote {}\n", a->out);
                return rc;
            }};
}

}  // namespace bakeoff::cli
