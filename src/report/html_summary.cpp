// Report sections: the devices compared and the provenance of each file.
#include "report/compare_format.h"
#include "report/format.h"
#include "report/html_sections.h"
#include "report/html_util.h"

#include <fmt/format.h>

namespace bakeoff::html {

std::string json_text(const nlohmann::json& j) {
    if (j.is_null()) return "";
    if (j.is_string()) return j.get<std::string>();
    if (j.is_boolean()) return j.get<bool>() ? "yes" : "no";
    if (j.is_number_float()) return format_figure(j.get<double>());
    if (j.is_number()) return j.dump();
    std::string o;
    if (j.is_array()) {
        for (const auto& v : j) o += (o.empty() ? "" : ", ") + json_text(v);
        return o;
    }
    for (const auto& [k, v] : j.items()) o += (o.empty() ? "" : ", ") + k + " " + json_text(v);
    return o;
}

std::string json_field(const nlohmann::json& j, const char* key) {
    return j.is_object() && j.contains(key) ? json_text(j[key]) : "";
}

namespace {
std::string peaks_text(const nlohmann::json& d) {
    std::string o;
    if (d.is_object() && d.contains("peak_gflops") && d["peak_gflops"].is_object())
        for (const auto& [k, v] : d["peak_gflops"].items())
            if (v.is_number()) o += (o.empty() ? "" : ", ") + k + " " + format_figure(v.get<double>());
    return o.empty() ? "" : o + " GFLOP/s";
}
}  // namespace

std::string devices_section(const Comparison& c) {
    std::string o = section_open("devices", "Devices", "One column of the comparison per device of each results file.");
    o += "<div class=\"cards\">\n";
    for (std::size_t i = 0; i < c.columns.size(); ++i) {
        const CompareColumn& col = c.columns[i];
        const nlohmann::json& d = col.device;
        const nlohmann::json& h = c.inputs[col.file].results.header;
        std::string mem;
        if (d.is_object() && d.contains("memory_bytes") && d["memory_bytes"].is_number_unsigned())
            mem = format_gib(d["memory_bytes"].get<std::uint64_t>());
        std::string backend = col.backend;
        if (auto v = json_field(d, "backend_version"); !v.empty()) {
            backend += ' ';
            backend += v;
        }
        o += "<div class=\"card\"><h3><span class=\"swatch s" + std::to_string(i % 8) + "\"></span>" +
             escape(col.label) + (i == c.baseline ? " <small>(baseline)</small>" : "") + "</h3>\n";
        o += definition_list({
            {"device", col.device_name},
            {"id", col.device_id},
            {"vendor", json_field(d, "vendor")},
            {"kind", json_field(d, "kind")},
            {"backend", backend},
            {"backend origin", json_field(d, "backend_origin")},
            {"driver", json_field(d, "driver_version")},
            {"libraries", json_field(d, "library_versions")},
            {"memory", mem},
            {"compute units", json_field(d, "compute_units")},
            {"clock (MHz)", json_field(d, "clock_mhz")},
            {"device peak", peaks_text(d)},
            {"peak memory bandwidth", json_field(d, "peak_mem_gbs").empty() ? "" : json_field(d, "peak_mem_gbs") + " GB/s"},
            {"peak basis", json_field(d, "peak_basis")},
            {"chip (database)", chip_text(col)},
            {"date", json_field(h, "created_utc")},
            {"file", c.inputs[col.file].path},
            {"coverage", coverage_text(c.coverage[i])},
        });
        o += "</div>\n";
    }
    return o + "</div></section>\n";
}

std::string provenance_section(const Comparison& c) {
    std::string o = section_open("provenance", "Provenance") + "<div class=\"cards\">\n";
    for (const auto& in : c.inputs) {
        const auto& h = in.results.header;
        const nlohmann::json tool = h.contains("tool") ? h["tool"] : nlohmann::json::object();
        const nlohmann::json host = h.contains("host") ? h["host"] : nlohmann::json::object();
        std::string cmd;
        if (h.contains("command_line") && h["command_line"].is_array())
            for (const auto& a : h["command_line"]) {
                if (!cmd.empty()) cmd += ' ';
                cmd += json_text(a);
            }
        auto flag = [&](const char* k) { return h.contains(k) && h[k].is_boolean() && h[k].get<bool>(); };
        std::string state = flag("complete") ? "complete" : "incomplete";
        if (flag("interrupted")) state += ", interrupted";
        std::string build = json_field(tool, "build_type");
        if (auto comp = json_field(tool, "compiler"); !comp.empty()) build += (build.empty() ? "" : ", ") + comp;
        o += "<div class=\"card\"><h3>" + escape(in.path) + "</h3>\n";
        o += definition_list({
            {"tool", json_field(tool, "name") + " " + json_field(tool, "version")},
            {"commit", json_field(tool, "commit")},
            {"build", build},
            {"host", json_field(host, "hostname")},
            {"os", json_field(host, "os")},
            {"kernel", json_field(host, "kernel")},
            {"machine", json_field(host, "machine")},
            {"cpu", json_field(host, "cpu")},
            {"command line", cmd},
            {"created (UTC)", json_field(h, "created_utc")},
            {"suite", json_field(h, "suite")},
            {"seed", json_field(h, "seed")},
            {"state", state},
            {"records", std::to_string(in.results.records.size())},
        });
        o += "</div>\n";
    }
    return o + "</div></section>\n";
}

}  // namespace bakeoff::html
