#include "harness/selection.h"

#include "workloads/sizes.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>

namespace bakeoff {

namespace {

// "a", "a and b", "a, b and c".
std::string join_and(const std::vector<std::string>& v) {
    std::string o;
    for (std::size_t i = 0; i < v.size(); ++i) o += (i == 0 ? "" : i + 1 == v.size() ? " and " : ", ") + v[i];
    return o;
}

std::string join_comma(const std::vector<std::string>& v) {
    std::string o;
    for (const auto& s : v) o += (o.empty() ? "" : ", ") + s;
    return o;
}

// The --dtype types a workload named in --workload has no case in, one line
// per group of workloads with the same answer, saying which types they do run.
// Workloads selected by default stay quiet: most types suit only some of them.
std::vector<std::string> missing_dtype_notes(Suite suite, const std::vector<DeviceInfo>& devices,
                                             const SuiteFilter& f) {
    std::vector<std::string> notes;
    if (f.dtypes.empty() || f.workloads.empty() || devices.empty()) return notes;
    const DeviceInfo& dev = devices.front();
    struct Group {
        std::vector<bk_dtype> missing, offered;
        std::vector<std::string> ids;
    };
    std::vector<Group> groups;
    for (const auto& w : all_workloads()) {
        auto named = [&](const std::string& g) { return workload_matches(g, w->id()); };
        if (std::none_of(f.workloads.begin(), f.workloads.end(), named)) continue;
        std::vector<bk_dtype> offered, missing;
        for (bk_dtype t : all_dtypes())
            if (!w->cases(suite, dev, CaseChoice{f.sizes, {t}, f.weights, f.shapes, f.serve, f.paths}).empty()) offered.push_back(t);
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

}  // namespace

bool SelectionArgs::selects_cases() const {
    return !suite.empty() || !workloads.empty() || !dtypes.empty() || !sizes.empty() || !paths.empty() ||
           !weights.empty();
}

Suite selected_suite(const SelectionArgs& a) {
    if (a.suite.empty()) return Suite::quick;
    auto s = parse_suite(a.suite);
    if (!s) throw UsageError(fmt::format("--suite: unknown suite '{}' (smoke, quick, standard, full, collective)", a.suite));
    return *s;
}

SuiteFilter case_filter(const SelectionArgs& a) {
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
    f.serve = a.serve;
    if (!a.weights.empty()) {
        std::error_code ec;
        if (!std::filesystem::is_regular_file(a.weights, ec) && !std::filesystem::is_directory(a.weights, ec))
            throw UsageError(fmt::format("--model: '{}' is neither a model file nor a model folder", a.weights));
        f.weights = std::filesystem::absolute(a.weights).string();
    }
    return f;
}

DeviceSelection select_devices(const PluginRegistry& reg, const std::vector<std::string>& devices,
                               const std::vector<std::string>& backends) {
    for (const auto& b : backends)
        if (!reg.find(b)) {
            std::vector<std::string> names;
            for (const auto& l : reg.backends()) names.push_back(l->name);
            throw UsageError(fmt::format("--backend: unknown backend '{}' (loaded: {})", b, join_comma(names)));
        }
    const auto all = reg.devices();
    std::vector<std::string> ids;
    for (const auto& d : all) ids.push_back(d.id());
    for (const auto& p : devices) {
        if (std::any_of(all.begin(), all.end(), [&](const DeviceInfo& d) { return device_matches(d, p); })) continue;
        // A backend that loaded without devices says why ("no CUDA driver").
        std::string why;
        for (const auto& b : reg.backends())
            if (b->name == p && b->device_count == 0) why = fmt::format("backend {}: {}; ", b->name, b->no_device_reason);
        throw UsageError(fmt::format("--device: unknown device '{}': no device matches it ({}devices here: {}; see "
                                     "'bakeoff devices')",
                                     p, why, ids.empty() ? "none" : join_comma(ids)));
    }
    DeviceSelection out;
    for (const auto& d : all) {
        const bool backend_ok =
            backends.empty() || std::find(backends.begin(), backends.end(), d.backend->name) != backends.end();
        const bool device_ok = devices.empty() || std::any_of(devices.begin(), devices.end(),
                                                              [&](const std::string& p) { return device_matches(d, p); });
        if (backend_ok && device_ok) out.devices.push_back(d);
    }
    if (!out.devices.empty()) return out;
    if (!devices.empty())  // each matched some device, none of them on a --backend given
        throw UsageError(fmt::format("--device: no device of backend {} matches {}", join_comma(backends),
                                     join_comma(devices)));
    // A backend whose hardware is absent here (no GPU, no driver).
    std::vector<std::string> reasons;
    for (const auto& b : backends)
        if (const Backend* l = reg.find(b); l && l->device_count == 0)
            reasons.push_back(fmt::format("backend {}: {}", l->name, l->no_device_reason));
    out.none_because = join_comma(reasons);
    return out;
}

Selection select_cases(const SelectionArgs& a, const PluginRegistry& reg) {
    Selection s;
    s.suite = selected_suite(a);
    s.filter = case_filter(a);
    s.devices = select_devices(reg, a.devices, a.backends);
    s.plan = plan_suite(s.suite, s.devices.devices, s.filter);
    s.notes = missing_dtype_notes(s.suite, s.devices.devices, s.filter);
    return s;
}

}  // namespace bakeoff
