// bakeoff compare A.json B.json ...: one row per case, one column per device of
// each file, medians with their 95 % CIs, ratios to a baseline with a verdict
// that is a win or a loss only when the difference is clear (docs/report.md).
#include "cli/commands.h"
#include "cli/compare_inputs.h"
#include "cli/options.h"
#include "results/atomic_write.h"
#include "report/compare_format.h"

#include <fmt/format.h>

#include <memory>

namespace bakeoff::cli {

namespace {
struct CompareArgs {
    CompareInputArgs in;
    Format format = Format::text;
    std::string out;
};
}  // namespace

Subcommand add_compare_command(CLI::App& parent) {
    auto a = std::make_shared<CompareArgs>();
    auto* sub = parent.add_subcommand("compare", "Compare results files: medians with 95 % CIs, ratios to a baseline, ties");
    add_compare_input_options(sub, a->in);
    add_format_option(sub, a->format);
    add_out_option(sub, a->out, "Write to this file (atomically) instead of standard output");
    return {sub, [a]() {
                refuse_output_among_inputs(a->out, a->in);
                return with_comparison(a->in, "compare", [&](const Comparison& c) {
                    const std::string text = render_comparison(c, a->format);
                    if (a->out.empty())
                        fmt::print("{}", text);
                    else
                        write_text_atomic(a->out, text);
                });
            }};
}

}  // namespace bakeoff::cli
