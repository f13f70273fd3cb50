// Hand-made results files for the registry tests: the compare fixtures'
// records, with a claim that names the chip (the device model) and a host
// and a date of the test's choosing.
#pragma once

#include "report/compare_fixtures.h"
#include "results/results_file.h"

#include <string>
#include <vector>

namespace bakeoff::testing {

// A file of one device with a membw.triad and a gemm/fp32 record at the given figures.
inline ResultsFile registry_file(const std::string& host, const std::string& date, double triad_gbs, double gemm_gflops,
                                 const std::string& device_name = "Test CPU", const std::string& chip = "",
                                 const std::string& version = "0.1.0") {
    const TestDevice d{"cpu:0", device_name, "cpu"};
    std::vector<Record> rs = {make_record(d, "membw.triad", "fp64", "portable", 268435456, spread(triad_gbs, 1, 8)),
                              make_record(d, "gemm", "fp32", "vendor", 1024, spread(gemm_gflops, 5, 8))};
    if (!chip.empty())
        for (auto& r : rs) r.claim = {{"chip", chip}};
    ResultsFile f = make_file({d}, std::move(rs), host);
    f.header["created_utc"] = date + "T10:00:00Z";
    f.header["tool"]["version"] = version;
    return f;
}

}  // namespace bakeoff::testing
