// bakeoff compare A.json B.json ...: one row per case, one column per device of
// each file, medians with their 95 % CIs, ratios to a baseline with a verdict
// that is a win or a loss only when the difference is clear (docs/report.md).
#include "cli/commands.h"
#include "cli/compare_inputs.h"
#include "results/atomic_write.h"
#include "report/compare_format.h"

#include <fmt/format.h>

#include <memory>

namespace bakeoff::cli {

namespace {
struct CompareArgs {
    CompareInputArgs in;
    std::string format = "table";
    std::string out;
};
}  // namespace

Subcommand add_compare_command(CLI::App& parent) {
    auto a = std::make_shared<CompareArgs>();
    auto* sub = parent.add_subcommand("compare", "Compare results files: medians with 95 % CIs, ratios to a baseline, ties");
    add_compare_input_options(sub, a->in);
    sub->add_option("--format", a->format, "Output format")
        ->check(CLI::IsMember({"table", "markdown", "csv", "json"}))
        ->capture_default_str();
    sub->add_option("-o,--out", a->out, "Write to this file (atomically) instead of standard output");
    return {sub, [a]() {
                return with_comparison(a->in, "compare", [&](const Comparison& c) {
                    // --format is checked by CLI11 against the same names.
                    const std::string text = render_comparison(c, *parse_compare_format(a->format));
                    if (a->out.empty())
                        fmt::print("{}", text);
                    else
                        write_text_atomic(a->out, text);
                });
            }};
}

}  // namespace bakeoff::cli
