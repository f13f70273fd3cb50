// Fuzz target: results files. read_results() must either accept the file or
// throw InputError; a file it accepts must then go through everything
// `bakeoff validate`, `bakeoff compare` (every format) and `bakeoff report` do
// with it without crashing or throwing anything but their documented errors.
#include "fuzz_input_file.h"

#include "report/compare.h"
#include "report/compare_format.h"
#include "report/html_report.h"
#include "results/results_file.h"
#include "results/validate.h"
#include "specs/chip_db.h"

#include <cstdint>
#include <cstdlib>
#include <cstdio>

using namespace bakeoff;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string& path = fuzz::write_input(data, size, "-results.json");
    ResultsFile f;
    try {
        f = read_results(path);
    } catch (const InputError&) {
        return 0;
    }
    (void)check_consistency(f);

    static const specs::ChipDatabase& db = specs::ChipDatabase::embedded();
    // One file alone, and the file against itself (a baseline and a second
    // column: differences, verdicts and ratios get computed).
    for (int copies : {1, 2}) {
        std::vector<InputFile> inputs;
        for (int i = 0; i < copies; ++i) inputs.push_back({i == 0 ? "a.json" : "b.json", f});
        CompareOptions o;
        o.chips = &db;
        Comparison c = build_comparison(std::move(inputs), o);
        for (auto fmt : {Format::text, Format::markdown, Format::csv, Format::json})
            (void)render_comparison(c, fmt);
        ReportOptions ro;
        ro.generated_utc = "2025-01-01T00:00:00Z";
        ro.tool_version = "bakeoff fuzz";
        (void)render_report_html(c, ro);
    }
    return 0;
}
