// Which vendor library runs a GEMM type when more than one covers it (on x86,
// OpenBLAS and oneDNN both run fp32). The choice is by capability, never by
// timing both inside the run (that would be tuning the benchmark to itself):
//   1. BAKEOFF_VENDOR_LIB (bakeoff run --vendor-lib NAME) names one: that one,
//      or none when it cannot run the case (the record says why);
//   2. otherwise, among the libraries that run the case, those not in
//      fallback (lib_fallback.h); all of them when every one is;
//   3. among those, the library made by the CPU's vendor (oneDNN on Intel);
//   4. otherwise the first in the backend's default order.
// Pure: the candidates' states come from the caller, so tests can fake them.
#pragma once

#include <string>
#include <vector>

namespace bk_cpu {

struct LibCandidate {
    std::string name;         // "OpenBLAS"
    std::string maker;        // the CPU vendor the library is made for ("Intel"); "" when none
    std::string unsupported;  // "" when the library runs the case; otherwise why not
    std::string fallback;     // "" or why the library runs below the CPU (lib_fallback.h)
};

struct LibChoice {
    int index = -1;   // into the candidates; -1 when none runs the case
    std::string why;  // which and why, for the record; why none when index is -1
};

LibChoice choose_library(const std::vector<LibCandidate>& in_default_order, const std::string& cpu_vendor,
                         const std::string& forced);

// BAKEOFF_VENDOR_LIB from the environment, "" when unset.
std::string forced_vendor_library();

}  // namespace bk_cpu
