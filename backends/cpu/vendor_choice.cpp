#include "vendor_choice.h"

#include <cctype>
#include <cstdlib>

namespace bk_cpu {
namespace {

bool same_name(const std::string& a, const std::string& b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
            return false;
    return true;
}

std::string names(const std::vector<LibCandidate>& c) {
    std::string s;
    for (const auto& x : c) s += (s.empty() ? "" : ", ") + x.name;
    return s;
}

}  // namespace

std::string forced_vendor_library() {
    const char* v = std::getenv("BAKEOFF_VENDOR_LIB");
    return v ? v : "";
}

LibChoice choose_library(const std::vector<LibCandidate>& c, const std::string& cpu_vendor,
                         const std::string& forced) {
    LibChoice out;
    if (!forced.empty()) {
        for (std::size_t i = 0; i < c.size(); ++i) {
            if (!same_name(c[i].name, forced)) continue;
            if (!c[i].unsupported.empty()) {
                out.why = "--vendor-lib " + forced + ": " + c[i].unsupported;
                return out;
            }
            out.index = static_cast<int>(i);
            out.why = c[i].name + ", forced by --vendor-lib (BAKEOFF_VENDOR_LIB=" + forced + ")";
            return out;
        }
        out.why = "--vendor-lib " + forced + " names none of the libraries for this case here (" + names(c) + ")";
        return out;
    }
    std::vector<std::size_t> runs, sound;
    for (std::size_t i = 0; i < c.size(); ++i) {
        if (!c[i].unsupported.empty()) continue;
        runs.push_back(i);
        if (c[i].fallback.empty()) sound.push_back(i);
    }
    if (runs.empty()) {
        for (const auto& x : c) out.why += (out.why.empty() ? "" : "; ") + x.unsupported;
        return out;
    }
    if (runs.size() == 1) {
        out.index = static_cast<int>(runs[0]);
        out.why = c[runs[0]].name + (c.size() == 1 ? ", the only vendor library for this case here"
                                                   : ", the only one of " + names(c) + " that runs this case");
        return out;
    }
    const bool all_fall_back = sound.empty();
    const std::vector<std::size_t>& pool = all_fall_back ? runs : sound;
    std::size_t pick = pool[0];
    bool by_maker = false;
    for (std::size_t i : pool)
        if (!cpu_vendor.empty() && c[i].maker == cpu_vendor) {
            pick = i;
            by_maker = true;
            break;
        }
    out.index = static_cast<int>(pick);
    out.why = c[pick].name + (by_maker ? ", made for " + cpu_vendor + " CPUs" : ", first in the default order");
    if (all_fall_back) out.why += " (every library here runs below the CPU)";
    for (std::size_t i : runs)
        if (i != pick && !c[i].fallback.empty() && !all_fall_back) out.why += "; not " + c[i].name + ", which runs below the CPU";
    return out;
}

}  // namespace bk_cpu
