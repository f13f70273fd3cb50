// Report section: a roofline per device column (docs/report.md, "Roofline").
#include "report/compare_claims.h"
#include "report/format.h"
#include "report/html_sections.h"
#include "report/html_util.h"
#include "report/svg_roofline.h"

#include <fmt/format.h>

#include <map>

namespace bakeoff::html {

namespace {

struct RooflineBuild {
    svg::Roofline chart;
    std::vector<std::vector<std::string>> roof_rows;   // table: roof, kind, value, unit, from
    std::vector<std::vector<std::string>> point_rows;  // table: case, FLOP/byte, GFLOP/s, CI
};

RooflineBuild build(const Comparison& c, std::size_t col_index) {
    const CompareColumn& col = c.columns[col_index];
    RooflineBuild b;
    b.chart.title = "Roofline of " + col.label + " (" + col.device_name + ")";

    // Measured: the best membw figure (memory roof) and the best GEMM per dtype (compute roofs).
    const Record* best_mem = nullptr;
    bool best_mem_cached = true;
    std::map<std::string, const Record*> best_gemm;
    std::vector<std::string> dtype_order;
    for (const auto& row : c.rows) {
        const Record* r = row.cells[col_index].record;
        if (!r || !r->value()) continue;
        const double v = *r->value() * r->metric.scale / 1e9;  // GB/s or GFLOP/s
        if (r->metric.basis == "bytes") {
            const bool cached = r->cache_resident();
            // A figure from arrays past the caches beats any cache-resident one.
            const double best = best_mem ? *best_mem->value() * best_mem->metric.scale / 1e9 : 0;
            if (!best_mem || (best_mem_cached && !cached) || (cached == best_mem_cached && v > best)) {
                best_mem = r;
                best_mem_cached = cached;
            }
        } else if (r->metric.basis == "flops" && r->work.bytes > 0 && r->work.flops > 0) {
            const double intensity = r->work.flops / r->work.bytes;
            const auto& s = *r->stats;
            const double k = r->metric.scale / 1e9;
            b.chart.points.push_back({intensity, v, r->dtype, r->path,
                                      fmt::format("{}: {} {} at {} FLOP/byte", row.key.text(), format_figure(v),
                                                  r->metric.unit, format_figure(intensity))});
            b.point_rows.push_back({row.key.text(), format_figure(intensity), format_figure(v),
                                    format_figure(s.ci_low * k) + " – " + format_figure(s.ci_high * k)});
            if (!best_gemm.count(r->dtype)) dtype_order.push_back(r->dtype);
            const Record*& best = best_gemm[r->dtype];
            if (!best || v > *best->value() * best->metric.scale / 1e9) best = r;
        }
    }
    const specs::Chip* chip = col.chip.chip;
    const std::string chip_name = chip ? chip->id : "";
    auto add_memory = [&](double gbs, const std::string& kind, const std::string& what, const std::string& from) {
        b.chart.memory.push_back({"", gbs, kind, fmt::format("{} {} GB/s", what, format_figure(gbs))});
        b.roof_rows.push_back({"memory", kind, format_figure(gbs), "GB/s", from});
    };
    if (best_mem) {
        const double v = *best_mem->value() * best_mem->metric.scale / 1e9;
        add_memory(v, "measured", best_mem_cached ? "measured (cache-resident)" : "measured",
                   best_mem->workload + "/" + best_mem->dtype + "/" + best_mem->size_label + "/" + best_mem->path +
                       (best_mem_cached ? " — arrays fit in cache: not a memory figure" : ""));
    }
    if (col.device.is_object() && col.device.contains("peak_mem_gbs") && col.device["peak_mem_gbs"].is_number() &&
        col.device["peak_mem_gbs"].get<double>() > 0)
        add_memory(col.device["peak_mem_gbs"].get<double>(), "estimate", "device peak", "results file: device peak_mem_gbs");
    if (chip)
        if (auto gbs = specs::claimed_bandwidth_gbs(*chip))
            add_memory(*gbs, "claimed", "claimed", "chip database: " + chip_name);

    // Compute roofs: measured per dtype, then the device's own peaks, then the claims.
    std::vector<std::string> dtypes = dtype_order;
    nlohmann::json peaks = nlohmann::json::object();
    if (col.device.is_object() && col.device.contains("peak_gflops") && col.device["peak_gflops"].is_object())
        peaks = col.device["peak_gflops"];
    for (const auto& d : dtypes) {
        const Record* r = best_gemm[d];
        const double v = *r->value() * r->metric.scale / 1e9;
        b.chart.compute.push_back({d, v, "measured", fmt::format("{} measured {}", d, format_figure(v))});
        b.roof_rows.push_back({d, "measured", format_figure(v), r->metric.unit, r->id});
    }
    for (const auto& d : dtypes) {
        if (peaks.contains(d) && peaks[d].is_number() && peaks[d].get<double>() > 0) {
            const double v = peaks[d].get<double>();
            b.chart.compute.push_back({d, v, "estimate", fmt::format("{} device peak {}", d, format_figure(v))});
            b.roof_rows.push_back({d, "estimate", format_figure(v), "GFLOP/s", "results file: device peak_gflops"});
        }
        if (chip)
            if (auto t = specs::claimed_peak(*chip, d)) {
                const double v = *t * 1000;
                b.chart.compute.push_back({d, v, "claimed", fmt::format("{} claimed {}", d, format_figure(v))});
                b.roof_rows.push_back({d, "claimed", format_figure(v), "GFLOP/s", "chip database: " + chip_name});
            }
    }
    return b;
}

}  // namespace

std::string roofline_section(const Comparison& c) {
    std::string o = section_open(
        "roofline", "Roofline",
        "Per device: attainable throughput = min(bandwidth × intensity, compute roof), on log-log axes. "
        "Arithmetic intensity of a GEMM record = work.flops / work.bytes. Solid roofs are the best "
        "measured figures; dashed, the device's own peak from the results file (an estimate); dotted, "
        "the vendor's claim from the chip database.");
    for (std::size_t i = 0; i < c.columns.size(); ++i) {
        RooflineBuild b = build(c, i);
        o += "<figure class=\"roofline-figure\"><h3>" + escape(c.columns[i].label) + " — " +
             escape(c.columns[i].device_name) + "</h3>\n";
        if (b.chart.points.empty() && b.chart.memory.empty()) {
            o += "<p class=\"none\">No GEMM or memory-bandwidth figure for this device.</p></figure>\n";
            continue;
        }
        o += roofline_svg(b.chart);
        o += "<figcaption>Roofline of " + escape(c.columns[i].label) + ": points are GEMM records (filled: vendor "
             "path, hollow: portable path).</figcaption></figure>\n";
        o += table({"Roofs", {"roof", "kind", "value", "unit", "from"}, b.roof_rows, {false, false, true, false, false}});
        if (!b.point_rows.empty())
            o += table({"GEMM points", {"case", "FLOP/byte", "GFLOP/s", "95 % CI"}, b.point_rows, {false, true, true, true}});
    }
    return o + "</section>\n";
}

}  // namespace bakeoff::html
