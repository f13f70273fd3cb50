// bakeoff run: expand a suite into cases, run each (src/harness/runner.h) in
// a worker process per device (src/harness/isolation.h; --no-isolation runs
// them in this process), // rewrite the results file atomically after every case so nothing finished is
// ever lost, and end with the summary table.
#include "cli/commands.h"
#include "cli/default_registry.h"
#include "cli/options.h"
#include "cli/progress.h"
#include "cluster/session.h"
#include "core/host_info.h"
#include "harness/interrupt.h"
#include "harness/isolation.h"
#include "harness/worker_process.h"
#include "harness/runner.h"
#include "harness/suite.h"
#include "report/claims.h"
#include "report/format.h"
#include "results/results_file.h"
#include "results/results_header.h"
#include "report/run_summary.h"
#include "specs/chip_db.h"
#include "specs/device_match.h"
#include "specs/prices.h"
#include "workloads/sizes.h"

#include <fmt/format.h>

#include <algorithm>
#include <ctime>
#include <filesystem>
#include <map>
#include <memory>

namespace bakeoff::cli {

namespace {

struct RunArgs {
    std::string suite = "quick";
    std::vector<std::string> workloads, dtypes, sizes, paths, devices;
    std::uint64_t seed = 42;
    std::string out;
    Format format = Format::text;  // of the summary table
    double time_budget = 0;
    double target_ci_percent = 2.0;
    bool quiet = false;
    bool no_isolation = false;
    double case_timeout = 0;  // 0: default_case_timeout(budget)
    std::vector<std::string> chip_overrides;  // "ID" for every device, or "DEVICE=ID"
    std::string chips_file, prices_file;
    std::string weights;
    cluster::Options cluster;  // --rank-timeout (under MPI)
    std::vector<std::string> argv;
};

SuiteFilter make_filter(const RunArgs& a) {
    SuiteFilter f;
    f.workloads = a.workloads;
    for (const auto& w : a.workloads) {
        bool any = false;
        for (const auto& wl : all_workloads()) any = any || workload_matches(w, wl->id());
        if (!any) throw UsageError(fmt::format("--workload: no workload matches '{}' (see 'bakeoff list')", w));
    }
    for (const auto& d : a.dtypes) {
        auto t = parse_dtype(d);
        if (!t) throw UsageError(fmt::format("--dtype: unknown dtype '{}' (fp64, fp32, tf32, bf16, fp16, fp8, int8)", d));
        f.dtypes.push_back(*t);
    }
    for (const auto& s : a.sizes) {
        if (s.find('x') != std::string::npos) {
            auto shape = parse_gemm_shape(s);
            if (!shape)
                throw UsageError(fmt::format(
                    "--size: '{}' is not a gemm shape MxNxK (each 1..1048576), optionally followed by nn or nt "
                    "(e.g. 128x8192x2048nt)",
                    s));
            f.shapes.push_back(*shape);
            continue;
        }
        auto v = parse_size(s);
        if (!v) throw UsageError(fmt::format("--size: '{}' is not a positive size (e.g. 4096, 256MiB)", s));
        f.sizes.push_back(*v);
    }
    // A shape means nothing to other workloads; without this they would run
    // their suite's sizes as if --size had not been given.
    if (!f.shapes.empty() &&
        (f.workloads.empty() || std::any_of(f.workloads.begin(), f.workloads.end(),
                                            [](const std::string& w) { return w != "gemm"; })))
        throw UsageError(fmt::format("--size: '{}' is a gemm shape; it needs --workload gemm (and no other workload)",
                                     format_gemm_shape(f.shapes.front())));
    for (const auto& p : a.paths) {
        auto v = parse_path(p);
        if (!v) throw UsageError(fmt::format("--path: unknown path '{}' (vendor, portable)", p));
        f.paths.push_back(*v);
    }
    f.devices = a.devices;
    if (!a.weights.empty()) {
        std::error_code ec;
        if (!std::filesystem::is_regular_file(a.weights, ec))
            throw UsageError(fmt::format("--weights: '{}' is not a readable file", a.weights));
        f.weights = std::filesystem::absolute(a.weights).string();
    }
    return f;
}

// "a", "a and b", "a, b and c".
std::string join_and(const std::vector<std::string>& v) {
    std::string o;
    for (std::size_t i = 0; i < v.size(); ++i) o += (i == 0 ? "" : i + 1 == v.size() ? " and " : ", ") + v[i];
    return o;
}

// The --dtype types a workload named in --workload has no case in, one line
// per group of workloads with the same answer, saying which types they do run,
// so a type is never dropped without a word. Workloads selected by default
// stay quiet: most types suit only some of them.
std::vector<std::string> missing_dtype_notes(Suite suite, const std::vector<DeviceInfo>& devices,
                                             const SuiteFilter& f) {
    std::vector<std::string> notes;
    if (f.dtypes.empty() || f.workloads.empty()) return notes;
    const DeviceInfo* dev = nullptr;
    for (const auto& d : devices) {
        auto matches = [&](const std::string& p) { return device_matches(d, p); };
        if (f.devices.empty() || std::any_of(f.devices.begin(), f.devices.end(), matches)) {
            dev = &d;
            break;
        }
    }
    if (!dev) return notes;
    struct Group {
        std::vector<bk_dtype> missing, offered;
        std::vector<std::string> ids;
    };
    std::vector<Group> groups;
    for (const auto& w : all_workloads()) {
        auto named = [&](const std::string& g) { return workload_matches(g, w->id()); };
        if (std::none_of(f.workloads.begin(), f.workloads.end(), named)) continue;
        std::vector<bk_dtype> offered, missing;
        for (int t = 0; t < BK_DTYPE_COUNT; ++t)
            if (!w->cases(suite, *dev, CaseChoice{f.sizes, {bk_dtype(t)}, f.weights, f.shapes}).empty())
                offered.push_back(bk_dtype(t));
        if (offered.empty()) continue;  // nothing in this suite, whatever the type
        for (bk_dtype t : f.dtypes)
            if (std::find(offered.begin(), offered.end(), t) == offered.end() &&
                std::find(missing.begin(), missing.end(), t) == missing.end())
                missing.push_back(t);
        if (missing.empty()) continue;
        auto same = [&](const Group& x) { return x.missing == missing && x.offered == offered; };
        auto g = std::find_if(groups.begin(), groups.end(), same);
        if (g == groups.end())
            groups.push_back({missing, offered, {w->id()}});
        else
            g->ids.push_back(w->id());
    }
    auto names = [](const std::vector<bk_dtype>& ts, const char* sep) {
        std::string o;
        for (bk_dtype t : ts) o += (o.empty() ? "" : sep) + std::string(dtype_name(t));
        return o;
    };
    for (const auto& g : groups) {
        const bool one = g.ids.size() == 1;
        notes.push_back(fmt::format("--dtype {}: {} {} no {} case ({} {})", names(g.missing, ","), join_and(g.ids),
                                    one ? "has" : "have", names(g.missing, " or "), one ? "it runs" : "they run",
                                    names(g.offered, ", ")));
    }
    return notes;
}

int run(RunArgs& a) {
    const SuiteFilter filter = make_filter(a);  // throws UsageError
    const Suite suite = *parse_suite(a.suite);
    auto reg = load_default_registry();
    for (const auto& r : reg->refused()) fmt::print(stderr, "bakeoff: plugin refused: {}: {}\n", r.origin, r.reason);
    const auto devices = reg->devices();
    for (const auto& d : a.devices) {
        bool any = false;
        for (const auto& dev : devices) any = any || device_matches(dev, d);
        if (!any) {
            // A backend that loaded without devices says why ("no CUDA driver").
            std::string why;
            for (const auto& b : reg->backends())
                if (b->name == d && b->device_count == 0) why = fmt::format(" (backend {}: {})", b->name, b->no_device_reason);
            throw UsageError(fmt::format("--device: no device matches '{}'{} (see 'bakeoff devices')", d, why));
        }
    }
    auto plan = plan_suite(suite, devices, filter);
    auto notes = missing_dtype_notes(suite, devices, filter);
    // With no case to run, the last note (or a line saying so) is the usage error.
    std::optional<std::string> nothing_to_run;
    if (plan.empty()) {
        nothing_to_run = notes.empty() ? fmt::format("the filters select no case (see 'bakeoff list --suite {}')", a.suite)
                                       : notes.back();
        if (!notes.empty()) notes.pop_back();
    }
    for (const auto& n : notes) fmt::print(stderr, "bakeoff: {}\n", n);
    if (nothing_to_run) throw UsageError(*nothing_to_run);
    // Under mpirun/srun: MPI starts here; every rank keeps its share of the
    // devices and the collective cases run across ranks after them.
    cluster::Session cluster(a.argv, a.cluster);
    if (auto code = cluster.failed_start()) return *code;
    cluster.split_plan(plan, suite == Suite::collective || !a.workloads.empty());

    // Which chip each device is, for claimed vs measured.
    specs::ChipDatabase db;
    std::optional<specs::PriceList> prices;
    try {
        db = specs::ChipDatabase::load(a.chips_file);
        if (!a.prices_file.empty()) prices = specs::PriceList::load_file(a.prices_file, &db);
    } catch (const std::exception& e) {
        fmt::print(stderr, "bakeoff: {}\n", e.what());
        return 1;
    }
    std::map<std::string, specs::DeviceMatch> matches;
    for (const auto& d : devices) {
        std::string override_id;
        for (const auto& o : a.chip_overrides) {
            auto eq = o.find('=');
            if (eq == std::string::npos) override_id = o;
            else if (device_matches(d, o.substr(0, eq))) override_id = o.substr(eq + 1);
        }
        auto m = specs::match_device(db, d.props.name, override_id);
        if (m.status == specs::MatchStatus::unknown_override) throw UsageError("--chip: " + m.reason);
        matches.emplace(d.id(), std::move(m));
    }

    RunOptions opts;
    opts.time_budget_s = a.time_budget > 0 ? a.time_budget : default_time_budget(suite);
    opts.target_rel_ci = a.target_ci_percent / 100.0;
    opts.stop = &install_interrupt_handlers();

    std::vector<DeviceInfo> used;
    for (const auto& d : devices)
        for (const auto& p : plan)
            if (p.device.id() == d.id()) {
                used.push_back(d);
                break;
            }
    ResultsFile file;
    file.header = results_header(used, a.argv, a.seed, a.suite);
    file.header["isolation"] = a.no_isolation ? "in-process" : "worker process per device";
    file.header["worker_environment"] = a.no_isolation ? std::vector<std::string>{} : worker_environment();
    const std::string out = a.out.empty() ? utc_now("bakeoff-%Y%m%d-%H%M%S.json") : a.out;
    try {
        cluster.write(out, file);  // fail now, not after an hour of measuring
    } catch (const std::exception& e) {
        throw UsageError(fmt::format("--out: {}", e.what()));
    }

    std::optional<IsolatedRunner> isolated;
    if (!a.no_isolation)
        isolated.emplace(std::vector<std::string>{"/proc/self/exe", "worker"}, a.seed,
                         a.case_timeout > 0 ? a.case_timeout : default_case_timeout(opts.time_budget_s));

    Progress progress(plan.size(), !a.quiet && stderr_is_terminal());
    std::vector<std::unique_ptr<Device>> open;
    auto device_for = [&](const DeviceInfo& info) -> Device& {
        for (auto& d : open)
            if (d->info().id() == info.id()) return *d;
        open.push_back(std::make_unique<Device>(info));
        return *open.back();
    };
    bool failed = false;
    for (std::size_t i = 0; i < plan.size(); ++i) {
        const auto& p = plan[i];
        progress.start(i, fmt::format("{} on {}", p.spec.id(), p.device.id()));
        Record r;
        if (isolated) {
            r = isolated->run(*p.workload, p.spec, p.device, opts);
        } else try {
            r = run_case(device_for(p.device), *p.workload, p.spec, a.seed, opts);
        } catch (const std::exception& e) {  // the device itself failed to open
            r = make_record(*p.workload, p.spec, p.device, a.seed);
            r.status = RecordStatus::failed;
            r.reason = e.what();
        }
        r.claim = claim_json(r, matches.at(p.device.id()), prices ? &*prices : nullptr);
        failed = failed || r.status == RecordStatus::failed;
        progress.done(r.value() ? fmt::format("{} {}", format_figure(*r.value()), r.metric.unit)
                                : std::string(record_status_name(r.status)));
        file.records.push_back(std::move(r));
        if (opts.stop->load()) break;
        try {
            cluster.write(out, file);
        } catch (const std::exception& e) {
            fmt::print(stderr, "bakeoff: {}\n", e.what());
            return 1;
        }
    }
    try {
        const double case_timeout = a.case_timeout > 0 ? a.case_timeout : default_case_timeout(opts.time_budget_s);
        failed = cluster.run_collectives(file, out, opts, a.seed, case_timeout) || failed;
    } catch (const std::exception& e) {
        fmt::print(stderr, "bakeoff: {}\n", e.what());
        return 1;
    }
    const bool interrupted = opts.stop->load();
    file.header["complete"] = !interrupted;
    file.header["interrupted"] = interrupted;
    try {
        cluster.write(out, file);
    } catch (const std::exception& e) {
        fmt::print(stderr, "bakeoff: {}\n", e.what());
        return 1;
    }
    if (!cluster.is_root()) return failed ? 1 : 0;  // rank 0 reports for every rank
    progress.finish();

    fmt::print("{}", run_summary(file.records, {.show_device = used.size() > 1, .format = a.format}));
    // The lines for people follow the table; under CSV or JSON they go to
    // stderr so that standard output is only the table a program reads.
    std::FILE* said = a.format == Format::csv || a.format == Format::json ? stderr : stdout;
    for (const auto& d : used) {
        if (d.props.peak_basis[0]) fmt::print(said, "\npeak of {}: {}", d.id(), d.props.peak_basis);
        const auto& m = matches.at(d.id());
        fmt::print(said, "\nchip of {}: {}", d.id(), m.chip ? m.chip->vendor + " " + m.chip->name + " (" + m.reason + ")" : m.reason);
    }
    fmt::print(said, "\n\nresults: {} ({} records, seed {})\n", out, file.records.size(), a.seed);
    if (interrupted) {
        fmt::print(stderr, "bakeoff: interrupted by signal {}; {} finished records kept in {}\n", interrupt_signal(),
                   file.records.size() - 1, out);
        return 128 + interrupt_signal();
    }
    return failed ? 1 : 0;
}

}  // namespace

Subcommand add_run_command(CLI::App& parent) {
    auto a = std::make_shared<RunArgs>();
    auto* sub = parent.add_subcommand("run", "Run a suite of workloads on the devices found");
    sub->add_option("--suite", a->suite, "smoke (seconds), quick (< 1 min), standard (< 10 min), full, collective (across MPI ranks: docs/collectives.md)")
        ->check(CLI::IsMember({"smoke", "quick", "standard", "full", "collective"}))
        ->capture_default_str();
    sub->add_option("--workload", a->workloads, "Workload ids or globs (gemm, membw.*); repeat or comma-separate")
        ->delimiter(',');
    sub->add_option("--dtype", a->dtypes, "Element types (fp64, fp32, bf16, int8, ...)")->delimiter(',');
    sub->add_option("--size", a->sizes, "Sizes replacing the suite's: n (square) or MxNxK[nt] for gemm, bytes per array for membw (256MiB)")
        ->delimiter(',');
    sub->add_option("--path", a->paths, "vendor (the platform library) or portable (bakeoff's kernel)")->delimiter(',');
    sub->add_option("--device", a->devices, "Backends or device ids (cpu, opencl:0, 'opencl:*')")->delimiter(',');
    sub->add_option("--seed", a->seed, "Seed of every random input")->capture_default_str();
    add_out_option(sub, a->out, "Results file (default bakeoff-<UTC time>.json)");
    add_format_option(sub, a->format);
    sub->add_option("--time-budget", a->time_budget, "Seconds of timed samples per case (default by suite)")
        ->check(CLI::Range(0.0, 86400.0));
    sub->add_option("--target-ci", a->target_ci_percent,
                    "Stop sampling once the median's 95 % CI half-width is within this % (0: use the whole budget)")
        ->check(CLI::Range(0.0, 100.0))
        ->capture_default_str();
    sub->add_option("--chip", a->chip_overrides,
                    "Chip database id for claimed vs measured: ID for every device, or DEVICE=ID (see 'bakeoff chips')")
        ->delimiter(',');
    add_chips_option(sub, a->chips_file);
    sub->add_option("--prices", a->prices_file, "CSV of chip prices for per-dollar figures (docs/chips.md)");
    sub->add_option("--weights", a->weights,
                    "A Llama-shaped safetensors checkpoint for llm.* workloads (default: random weights from the seed)");
    sub->add_flag("--quiet", a->quiet, "No progress output");
    cluster::add_run_options(*sub, a->cluster);
    sub->add_option("--case-timeout", a->case_timeout,
                    "Seconds a case may take before its worker is killed and the case fails "
                    "(default 120 + 20 x the time budget)")
        ->check(CLI::Range(0.0, 1e7));
    sub->add_flag("--no-isolation", a->no_isolation,
                  "Run cases in this process, not in a worker per device (debugging; a crashing plugin ends the run)");
    return {sub, [a]() {
                a->argv = command_line();
                return run(*a);
            }};
}

}  // namespace bakeoff::cli
