#include "cli/selection_options.h"

namespace bakeoff::cli {

void add_device_options(CLI::App& cmd, SelectionArgs& a) {
    cmd.add_option("--device", a.devices, "Backends or device ids (cpu, opencl:0, 'opencl:*'); repeat or comma-separate")
        ->delimiter(',');
    cmd.add_option("--backend", a.backends, "Only these backends' devices (cpu, opencl, cuda); repeat or comma-separate")
        ->delimiter(',');
}

void add_selection_options(CLI::App& cmd, SelectionArgs& a) {
    auto* suite = cmd.add_option("--suite", a.suite,
                                 "smoke (seconds), quick (< 1 min), standard (< 10 min), full, collective (across MPI "
                                 "ranks: docs/collectives.md)")
                      ->check(CLI::IsMember({"smoke", "quick", "standard", "full", "collective"}));
    if (!a.suite.empty()) suite->capture_default_str();
    cmd.add_option("--workload", a.workloads, "Workload ids or globs (gemm, membw.*); repeat or comma-separate")
        ->delimiter(',');
    cmd.add_option("--dtype", a.dtypes, "Element types (fp64, fp32, bf16, int8, ...)")->delimiter(',');
    cmd.add_option("--size", a.sizes,
                   "Sizes replacing the suite's: n (square) or MxNxK[nt] for gemm, bytes per array for membw (256MiB)")
        ->delimiter(',');
    cmd.add_option("--path", a.paths, "vendor (the platform library) or portable (bakeoff's kernel)")->delimiter(',');
    add_device_options(cmd, a);
}

}  // namespace bakeoff::cli
