#include "cli/compare_inputs.h"

#include "cli/options.h"
#include "results/results_file.h"
#include "specs/chip_db.h"

#include <fmt/format.h>

#include <map>

namespace bakeoff::cli {

void add_compare_input_options(CLI::App* sub, CompareInputArgs& a) {
    sub->add_option("files", a.files, "Results files (JSON); each device of each file is a column");
    sub->add_option("--db", a.db, "Read runs from this registry too (bakeoff db); each run is a file labelled run-N");
    auto& f = a.db_filter;
    sub->add_option("--run", f.runs, "With --db: only these runs (bakeoff db ls); repeatable")->needs("--db");
    sub->add_option("--workload", f.workload, "With --db: only this workload")->needs("--db");
    sub->add_option("--dtype", f.dtype, "With --db: only this dtype")->needs("--db");
    sub->add_option("--device", f.device, "With --db: only devices whose name or model contains this text")->needs("--db");
    sub->add_option("--host", f.host, "With --db: only records measured on this host")->needs("--db");
    sub->add_option("--baseline", a.baseline,
                    "The column the others are compared with: a results file (added when not listed) or a column "
                    "label; default the first column");
    add_chips_option(sub, a.chips_file);
    sub->add_option("--chip", a.chip_overrides,
                    "COLUMN=CHIP_ID: the chip a column's device is (column label or device name), when its name "
                    "does not match one chip of the database");
}

void refuse_output_among_inputs(const std::string& out, const CompareInputArgs& a) {
    if (out.empty()) return;
    std::vector<std::string> inputs = with_baseline_file(a.files, a.baseline);
    if (!a.chips_file.empty()) inputs.push_back(a.chips_file);
    if (!a.db.empty()) inputs.push_back(a.db);
    for (const auto& in : inputs)
        if (same_file(out, in))
            throw UsageError(fmt::format("--out: '{}' is also an input ('{}'); writing it would destroy it", out, in));
}

std::vector<InputFile> read_compare_inputs(const CompareInputArgs& a) {
    if (a.files.empty() && a.db.empty()) throw UsageError("name results files, or a registry with --db");
    std::vector<InputFile> inputs = read_inputs(with_baseline_file(a.files, a.baseline));
    if (a.db.empty()) return inputs;
    const registry::Registry reg(a.db, false);
    auto runs = reg.load(a.db_filter);
    if (runs.empty()) throw std::runtime_error(fmt::format("{}: no record matches the filter", a.db));
    for (auto& r : runs) inputs.push_back({fmt::format("run-{}", r.info.run), std::move(r.results)});
    return inputs;
}

int with_comparison(const CompareInputArgs& a, const std::string& command,
                    const std::function<void(const Comparison&)>& use) {
    CompareOptions o;
    o.baseline = a.baseline;
    for (const auto& s : a.chip_overrides) {
        auto eq = s.rfind('=');
        if (eq == std::string::npos || eq == 0 || eq + 1 == s.size())
            throw UsageError(fmt::format("--chip: expected COLUMN=CHIP_ID, got '{}' (see 'bakeoff {} --help')", s, command));
        o.chip_overrides[s.substr(0, eq)] = s.substr(eq + 1);
    }
    // A database or results file that cannot be read, or an output file that
    // cannot be written, is a failure (exit 1, from run_guarded).
    const specs::ChipDatabase db = specs::ChipDatabase::load(a.chips_file);
    o.chips = &db;
    Comparison c;
    try {
        c = build_comparison(read_compare_inputs(a), o);
    } catch (const std::invalid_argument& e) {  // a baseline or --chip naming no column
        throw UsageError(fmt::format("{} (see 'bakeoff {} --help')", e.what(), command));
    }
    use(c);
    return 0;
}

}  // namespace bakeoff::cli
