// bakeoff run: the flags, then the steps of a cluster::RunSession (select,
// start, open the results file, run the cases and the collectives, finish;
// src/cluster/run_session.h), then the summary table. The session runs each
// case in a worker process per device (--no-isolation: in this process) and
// rewrites the results file after every case, so nothing finished is lost.
#include "cli/commands.h"
#include "cli/default_registry.h"
#include "cli/options.h"
#include "cli/progress.h"
#include "cli/selection_options.h"
#include "core/terminal_text.h"
#include "cluster/run_session.h"
#include "harness/interrupt.h"
#include "report/claims.h"
#include "report/format.h"
#include "report/headline.h"
#include "report/run_summary.h"

#include <fmt/format.h>

#include <cctype>
#include <cstdlib>
#include <memory>
#include <string>

namespace bakeoff::cli {

namespace {

struct RunArgs {
    cluster::RunConfig config;
    Format format = Format::text;  // of the summary table
    bool quiet = false;
    std::string vendor_lib;        // --vendor-lib: handed to the backends as BAKEOFF_VENDOR_LIB
};

// The steps of the session, in order; each throws UsageError (exit 2) for a
// value that cannot be used, anything else is exit 1.
int run_steps(cluster::RunSession& s, const RunArgs& a) {
    s.select();
    auto notes = s.notes();
    // With no case to run, the last note (or a line saying so) is the usage error.
    if (s.plan().empty() && notes.empty())
        notes.push_back(fmt::format("the filters select no case (see 'bakeoff list --suite {}')",
                                    a.config.selection.suite.empty() ? "quick" : a.config.selection.suite));
    for (std::size_t i = 0; i < notes.size(); ++i) {
        if (s.plan().empty() && i + 1 == notes.size()) throw UsageError(notes[i]);
        fmt::print(stderr, "bakeoff: {}\n", notes[i]);
    }
    if (auto code = s.start()) return *code;
    s.open_results();

    Progress progress(s.plan().size(), !a.quiet && stderr_is_terminal());
    s.run_cases({.started = [&](std::size_t i, const PlannedCase& p) {
                     progress.start(i, fmt::format("{} on {}", p.spec.id(), p.device.id()));
                 },
                 .finished = [&](Record& r) {
                     r.claim = claim_json(r, s.chip_match(r.device_id), s.prices());
                     progress.done(r.value() ? fmt::format("{} {}", format_figure(*r.value()), r.metric.unit)
                                             : std::string(record_status_name(r.status)));
                 }});
    s.run_collectives();
    s.finish();
    if (!s.is_root()) return s.failed() ? 1 : 0;  // rank 0 reports for every rank
    progress.finish();

    const auto& used = s.used_devices();
    fmt::print("{}", run_summary(s.records(), {.show_device = used.size() > 1, .format = a.format}));
    // The lines for people follow the table; under CSV or JSON they go to
    // stderr so that standard output is only the table a program reads.
    std::FILE* said = a.format == Format::csv || a.format == Format::json ? stderr : stdout;
    for (const auto& d : used) {
        // A plugin's and a chip database's words: through the terminal filter.
        if (d.props.peak_basis[0]) fmt::print(said, "\npeak of {}", terminal_safe(d.id() + ": " + d.props.peak_basis));
        const auto& m = s.chip_match(d.id());
        fmt::print(said, "\nchip of {}",
                   terminal_safe(d.id() + ": " + (m.chip ? m.chip->vendor + " " + m.chip->name + " (" + m.reason + ")" : m.reason)));
    }
    // Last, the figures a person reads first (text where the table is for programs).
    if (const Table h = headline_table(s.records()); !h.rows.empty() || !h.notes.empty()) {
        std::string text = render(h, said == stderr ? Format::text : a.format);
        while (!text.empty() && text.back() == '\n') text.pop_back();
        fmt::print(said, "\n\n{}", text);
    }
    fmt::print(said, "\n\nresults: {} ({} records, seed {})\n", s.out(), s.records().size(), a.config.seed);
    if (s.interrupted()) {
        fmt::print(stderr, "bakeoff: interrupted by signal {}; {} finished records kept in {}\n", interrupt_signal(),
                   s.records().size() - 1, s.out());
        return 128 + interrupt_signal();
    }
    return s.failed() ? 1 : 0;
}

int run(RunArgs& a) {
    // Backends read it where they choose a vendor library (in workers too,
    // which inherit the environment); host.environment records it.
    if (!a.vendor_lib.empty()) ::setenv("BAKEOFF_VENDOR_LIB", a.vendor_lib.c_str(), 1);
    auto reg = load_default_registry();
    for (const auto& r : reg->refused())
        fmt::print(stderr, "bakeoff: plugin refused: {}\n", terminal_safe(r.origin + ": " + r.reason));
    a.config.stop = &install_interrupt_handlers();
    cluster::RunSession session(a.config, *reg);
    return run_steps(session, a);  // run_guarded: UsageError exits 2, anything else 1
}

}  // namespace

Subcommand add_run_command(CLI::App& parent) {
    auto a = std::make_shared<RunArgs>();
    auto& c = a->config;
    c.selection.suite = "quick";
    auto* sub = parent.add_subcommand("run", "Run a suite of workloads on the devices found");
    add_selection_options(*sub, c.selection);
    sub->add_option("--seed", c.seed, "Seed of every random input")->check(unsigned_64())->capture_default_str();
    add_out_option(sub, c.out, "Results file (default bakeoff-<UTC time>.json)");
    add_format_option(sub, a->format);
    sub->add_option("--time-budget", c.time_budget_s, "Seconds of timed samples per case (default by suite)")
        ->check(finite_in(0.0, 86400.0));
    sub->add_option("--target-ci", c.target_ci_percent,
                    "Stop sampling once the median's 95 % CI half-width is within this % (0: use the whole budget)")
        ->check(finite_in(0.0, 100.0))
        ->capture_default_str();
    sub->add_option("--chip", c.chip_overrides,
                    "Chip database id for claimed vs measured: ID for every device, or DEVICE=ID (see 'bakeoff chips')")
        ->delimiter(',');
    add_chips_option(sub, c.chips_file);
    sub->add_option("--prices", c.prices_file, "CSV of chip prices for per-dollar figures (docs/chips.md)");
    sub->add_option("--model,--weights", c.selection.weights,
                    "A model for the llm.* workloads: a Hugging Face folder (config.json + safetensors, sharded or "
                    "not), a .safetensors file with config.json beside it, or a .gguf file (default: random weights "
                    "from the seed; docs/models.md)");
    add_serve_options(*sub, c.selection.serve);
    sub->add_flag("--quiet", a->quiet, "No progress output");
    sub->add_option("--vendor-lib", a->vendor_lib,
                    "Run the vendor path through this library where a backend has several for a type "
                    "(OpenBLAS, oneDNN); default: chosen by capability (docs/methodology.md)")
        ->check([](const std::string& v) {
            for (char ch : v)
                if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '-' && ch != '_' && ch != '.')
                    return std::string("a library name is letters, digits, '-', '_' or '.'");
            return std::string();
        });
    cluster::add_run_options(*sub, c.cluster);
    sub->add_option("--case-timeout", c.case_timeout_s,
                    "Seconds a case may take before its worker is killed and the case fails "
                    "(default 120 + 20 x the time budget)")
        ->check(finite_in(0.0, 1e7));
    sub->add_flag("--no-isolation", c.no_isolation,
                  "Run cases in this process, not in a worker per device (debugging; a crashing plugin ends the run)");
    return {sub, [a]() {
                a->config.command_line = command_line();
                return run(*a);
            }};
}

}  // namespace bakeoff::cli
