#include "cli/compare_inputs.h"

#include "results/results_file.h"
#include "specs/chip_db.h"

#include <fmt/format.h>

#include <map>

namespace bakeoff::cli {

void add_compare_input_options(CLI::App* sub, CompareInputArgs& a) {
    sub->add_option("files", a.files, "Results files (JSON); each device of each file is a column")->required();
    sub->add_option("--baseline", a.baseline,
                    "The column the others are compared with: a results file (added when not listed) or a column "
                    "label; default the first column");
    sub->add_option("--chips", a.chips_file,
                    "Chip database for claimed figures (CSV, format of data/chips.csv) instead of the built-in one");
    sub->add_option("--chip", a.chip_overrides,
                    "COLUMN=CHIP_ID: the chip a column's device is (column label or device name), when its name "
                    "does not match one chip of the database");
}

int with_comparison(const CompareInputArgs& a, const std::string& command,
                    const std::function<void(const Comparison&)>& use) {
    CompareOptions o;
    o.baseline = a.baseline;
    for (const auto& s : a.chip_overrides) {
        auto eq = s.rfind('=');
        if (eq == std::string::npos || eq == 0 || eq + 1 == s.size()) {
            fmt::print(stderr, "bakeoff: --chip: expected COLUMN=CHIP_ID, got '{}' (see 'bakeoff {} --help')\n", s,
                       command);
            return 2;
        }
        o.chip_overrides[s.substr(0, eq)] = s.substr(eq + 1);
    }
    specs::ChipDatabase db;
    try {
        db = specs::ChipDatabase::load(a.chips_file);
    } catch (const std::exception& e) {
        fmt::print(stderr, "bakeoff: {}\n", e.what());
        return 1;
    }
    o.chips = &db;
    try {
        use(build_comparison(read_inputs(with_baseline_file(a.files, a.baseline)), o));
    } catch (const InputError& e) {
        fmt::print(stderr, "bakeoff: {}\n", e.what());
        return 1;
    } catch (const std::invalid_argument& e) {
        fmt::print(stderr, "bakeoff: {} (see 'bakeoff {} --help')\n", e.what(), command);
        return 2;
    } catch (const std::runtime_error& e) {  // an output file that cannot be written
        fmt::print(stderr, "bakeoff: {}\n", e.what());
        return 1;
    }
    return 0;
}

}  // namespace bakeoff::cli
