// bakeoff conformance [--backend NAME] [--device ID] [--format FORMAT]:
// every op x dtype x path a backend claims, on small, odd and edge shapes,
// against a host fp64 reference (src/conformance). Devices are selected as for
// run and list (harness/selection.h). Exit 0 when nothing failed, 1 on any
// failure or error, 2 for an unknown backend or device.
#include "cli/commands.h"
#include "cli/default_registry.h"
#include "cli/options.h"
#include "cli/progress.h"
#include "cli/selection_options.h"
#include "conformance/conformance.h"
#include "report/output.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <map>
#include <memory>
#include <set>
#include <utility>

namespace bakeoff::cli {

namespace {

struct Options {
    SelectionArgs selection;  // --backend, --device
    Format format = Format::text;
    std::uint64_t seed = 42;
};

struct DeviceRun {
    DeviceInfo info;
    std::vector<conformance::CaseResult> results;
    std::string open_error;  // the device could not be opened
};

// One cell of the coverage table: how the cases of (op, dtype, path) ended.
std::string cell(const std::vector<const conformance::CaseResult*>& cases) {
    int pass = 0, fail = 0, unsup = 0, err = 0;
    for (const auto* c : cases) {
        switch (c->outcome) {
            case conformance::Outcome::pass: ++pass; break;
            case conformance::Outcome::fail: ++fail; break;
            case conformance::Outcome::unsupported: ++unsup; break;
            case conformance::Outcome::error: ++err; break;
        }
    }
    const int n = int(cases.size());
    if (unsup == n) return "unsupported";
    if (pass == n) return fmt::format("pass {}", n);
    std::vector<std::string> parts;
    if (fail) parts.push_back(fmt::format("FAIL {}", fail));
    if (err) parts.push_back(fmt::format("error {}", err));
    if (pass) parts.push_back(fmt::format("pass {}", pass));
    if (unsup) parts.push_back(fmt::format("unsupp. {}", unsup));
    std::string s;
    for (const auto& p : parts) s += (s.empty() ? "" : ", ") + p;
    return s;
}

void print_table(const DeviceRun& run, Format format) {
    // Markdown: a heading, so the table below starts a block of its own.
    fmt::print("{}{} ({}, backend {} {})\n{}", format == Format::markdown ? "### " : "", run.info.id(), run.info.props.name, run.info.backend->name,
               run.info.backend->table->version ? run.info.backend->table->version : "",
               format == Format::markdown ? "\n" : "");
    if (!run.open_error.empty()) {
        fmt::print("  error: {}\n\n", run.open_error);
        return;
    }
    // Coverage: op x dtype rows, one column per path, in planned order.
    std::vector<std::pair<std::string, std::string>> rows;
    std::map<std::tuple<std::string, std::string, std::string>, std::vector<const conformance::CaseResult*>> groups;
    for (const auto& r : run.results) {
        const auto row = std::make_pair(r.op, r.dtype);
        if (std::find(rows.begin(), rows.end(), row) == rows.end()) rows.push_back(row);
        groups[{r.op, r.dtype, r.path}].push_back(&r);
    }
    Table t;
    t.columns = {"op", "dtype", "vendor", "portable"};
    for (const auto& [op, dt] : rows)
        t.rows.push_back({op, dt, cell(groups[{op, dt, "vendor"}]), cell(groups[{op, dt, "portable"}])});
    fmt::print("{}", render(t, format));

    const auto s = conformance::summarize(run.results);
    fmt::print("{}: tests:{} passed:{} failed:{} errors:{} unsupported:{}\n", run.info.id(), run.results.size(),
               s.passed, s.failed, s.errors, s.unsupported);
    for (const auto& r : run.results) {
        if (r.outcome == conformance::Outcome::fail)
            fmt::print("  FAIL {}: error {:.3g} > tolerance {:.3g}: {}\n", r.id(), r.error, r.tolerance, r.detail);
        else if (r.outcome == conformance::Outcome::error)
            fmt::print("  ERROR {}: {}\n", r.id(), r.detail);
    }
    // Unsupported is a result: one line per (op, dtype, path) and reason.
    std::set<std::string> seen;
    for (const auto& r : run.results) {
        if (r.outcome != conformance::Outcome::unsupported) continue;
        const std::string line = fmt::format("{} {} {}: {}", r.op, r.dtype, r.path, r.detail);
        if (seen.insert(line).second) fmt::print("  unsupported {}\n", line);
    }
    fmt::print("\n");
}

// CSV: one line per case of every device, the same fields as the JSON cases.
Table case_table(const std::vector<DeviceRun>& runs) {
    Table t;
    t.columns = {"device", "op", "dtype", "path", "shape", "outcome", "error", "tolerance", "detail"};
    for (const auto& run : runs) {
        if (!run.open_error.empty()) t.rows.push_back({run.info.id(), "", "", "", "", "error", "", "", run.open_error});
        for (const auto& r : run.results) {
            const bool measured = r.outcome == conformance::Outcome::pass || r.outcome == conformance::Outcome::fail;
            t.rows.push_back({run.info.id(), r.op, r.dtype, r.path, r.shape,
                              std::string(conformance::outcome_name(r.outcome)),
                              measured && std::isfinite(r.error) ? Cell::of_number(r.error, "") : Cell::unknown(""),
                              measured ? Cell::of_number(r.tolerance, "") : Cell::unknown(""), r.detail});
        }
    }
    return t;
}

nlohmann::json to_json(const DeviceRun& run) {
    nlohmann::json j = {{"device", run.info.id()},
                        {"name", run.info.props.name},
                        {"backend", run.info.backend->name},
                        {"backend_version", run.info.backend->table->version ? run.info.backend->table->version : ""}};
    if (!run.open_error.empty()) j["error"] = run.open_error;
    const auto s = conformance::summarize(run.results);
    j["summary"] = {{"tests", run.results.size()}, {"passed", s.passed},   {"failed", s.failed},
                    {"errors", s.errors},          {"unsupported", s.unsupported}};
    j["cases"] = nlohmann::json::array();
    for (const auto& r : run.results) {
        nlohmann::json c = {{"op", r.op},     {"dtype", r.dtype}, {"path", r.path},
                            {"shape", r.shape}, {"outcome", conformance::outcome_name(r.outcome)}};
        if (r.outcome == conformance::Outcome::pass || r.outcome == conformance::Outcome::fail) {
            c["error"] = std::isfinite(r.error) ? nlohmann::json(r.error) : nlohmann::json(nullptr);
            c["tolerance"] = r.tolerance;
        }
        if (!r.detail.empty()) c["detail"] = r.detail;
        j["cases"].push_back(std::move(c));
    }
    return j;
}

}  // namespace

Subcommand add_conformance_command(CLI::App& parent) {
    auto o = std::make_shared<Options>();
    auto* sub = parent.add_subcommand(
        "conformance", "Check every op, dtype and path a backend supports on odd and edge shapes against fp64");
    add_device_options(*sub, o->selection);
    add_format_option(sub, o->format);
    sub->add_option("--seed", o->seed, "Seed of the random inputs")->check(unsigned_64());
    return {sub, [o]() {
                auto reg = load_default_registry();
                for (const auto& r : reg->refused()) fmt::print(stderr, "bakeoff: plugin refused: {}: {}\n", r.origin, r.reason);
                // An unknown backend or device: UsageError, exit 2.
                const DeviceSelection selected = select_devices(*reg, o->selection.devices, o->selection.backends);
                if (selected.devices.empty()) {
                    // A backend whose hardware is absent here (no GPU, no
                    // driver) is skipped, not failed: nothing was found wrong.
                    fmt::print(stderr, "bakeoff: conformance: skipped: no devices to test{}\n",
                               selected.none_because.empty() ? "" : " (" + selected.none_because + ")");
                    return 0;
                }

                std::vector<DeviceRun> runs;
                for (const auto& info : selected.devices) {
                    DeviceRun run{info, {}, {}};
                    try {
                        Device dev(info);
                        const auto ops = conformance::planned_ops();
                        Progress progress(ops.size(), stderr_is_terminal());
                        run.results = conformance::run_device(dev, o->seed, [&](std::size_t done, std::size_t total) {
                            if (done < total) progress.start(done, fmt::format("{} conformance", info.id()));
                        });
                        progress.finish();
                    } catch (const std::exception& e) {
                        run.open_error = e.what();
                    }
                    runs.push_back(std::move(run));
                }

                int rc = 0;
                for (const auto& run : runs) {
                    const auto s = conformance::summarize(run.results);
                    if (s.failed || s.errors || !run.open_error.empty()) rc = 1;
                }
                if (o->format == Format::json) {
                    nlohmann::json j = {{"devices", nlohmann::json::array()}};
                    for (const auto& run : runs) j["devices"].push_back(to_json(run));
                    j["ok"] = rc == 0;
                    fmt::print("{}\n", j.dump(2));
                } else if (o->format == Format::csv) {
                    fmt::print("{}", render_csv(case_table(runs)));
                } else {
                    for (const auto& run : runs) print_table(run, o->format);
                    fmt::print("conformance: {}\n", rc == 0 ? "ok" : "FAILED");
                }
                return rc;
            }};
}

}  // namespace bakeoff::cli
