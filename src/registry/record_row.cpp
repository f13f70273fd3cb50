#include "registry/record_row.h"

#include <fmt/format.h>

#include <cctype>

namespace bakeoff::registry {

namespace {
std::string text_field(const nlohmann::json& j, const char* key) {
    return j.is_object() && j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : std::string();
}
}  // namespace

int major_version(const std::string& version) {
    std::size_t i = 0;
    int major = 0;
    while (i < version.size() && i < 6 && std::isdigit(static_cast<unsigned char>(version[i])))
        major = major * 10 + (version[i++] - '0');
    return i == 0 ? -1 : major;
}

std::string case_id_of(const Record& r) {
    const std::string suffix = "@" + r.device_id;
    if (r.id.size() > suffix.size() && r.id.ends_with(suffix)) return r.id.substr(0, r.id.size() - suffix.size());
    return r.id;
}

std::string device_model(const Record& r) {
    const std::string chip = text_field(r.claim, "chip");
    return chip.empty() ? r.device_name : chip;
}

RunRow run_row(const ResultsFile& f, const std::string& source) {
    const auto& h = f.header;
    RunRow row;
    RunInfo& i = row.info;
    i.digest = f.digest.file;
    i.digest_written = f.digest.state == DigestCheck::State::matches;
    i.source = source;
    i.created_utc = text_field(h, "created_utc");
    i.host = h.contains("host") ? text_field(h["host"], "hostname") : "";
    const nlohmann::json tool = h.contains("tool") ? h["tool"] : nlohmann::json::object();
    i.tool_version = text_field(tool, "version");
    i.tool_commit = text_field(tool, "commit");
    i.tool_major = major_version(i.tool_version);
    i.suite = text_field(h, "suite");
    if (h.contains("devices") && h["devices"].is_array())
        for (const auto& d : h["devices"]) {
            if (!i.devices.empty()) i.devices += "; ";
            i.devices += text_field(d, "name");
        }
    i.complete = h.contains("complete") && h["complete"].is_boolean() && h["complete"].get<bool>();
    i.records = static_cast<std::int64_t>(f.records.size());
    return row;
}

void insert_run(Connection& c, const RunRow& run, const std::string& document, const std::string& added_utc) {
    const RunInfo& i = run.info;
    c.prepare("INSERT INTO runs (digest, digest_written, added_utc, source, created_utc, host, tool_version, tool_major, "
              "tool_commit, suite, devices, complete, document) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .bind(1, i.digest)
        .bind(2, std::int64_t(i.digest_written))
        .bind(3, added_utc)
        .bind(4, i.source)
        .bind(5, i.created_utc)
        .bind(6, i.host)
        .bind(7, i.tool_version)
        .bind(8, std::int64_t(i.tool_major))
        .bind(9, i.tool_commit)
        .bind(10, i.suite)
        .bind(11, i.devices)
        .bind(12, std::int64_t(i.complete))
        .bind(13, document)
        .run();
}

void insert_record(Connection& c, std::int64_t run, std::size_t position, const ResultsFile& f, const RunRow& row) {
    const Record& r = f.records[position];
    const auto& written = f.header.contains("digest") ? f.header["digest"] : nlohmann::json();
    const std::string digest = written.is_object() && written.contains("records") && written["records"].is_array() &&
                                       position < written["records"].size()
                                   ? written["records"][position].get<std::string>()
                                   : std::string();
    // Figures are stored in the record's own unit.
    std::optional<double> lo, hi;
    if (r.stats) {
        lo = r.stats->ci_low;
        hi = r.stats->ci_high;
    }
    c.prepare("INSERT INTO records (run, position, id, case_id, workload, dtype, size, size_label, path, device, model, "
              "chip, backend, host, status, reason, value, ci_low, ci_high, unit, lower_is_better, percent_of_claim, "
              "samples, cache_resident, params, digest) "
              "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .bind(1, run)
        .bind(2, std::int64_t(position))
        .bind(3, r.id)
        .bind(4, case_id_of(r))
        .bind(5, r.workload)
        .bind(6, r.dtype)
        .bind(7, r.size)
        .bind(8, r.size_label)
        .bind(9, r.path)
        .bind(10, r.device_name)
        .bind(11, device_model(r))
        .bind(12, text_field(r.claim, "chip"))
        .bind(13, r.backend)
        .bind(14, r.host.empty() ? row.info.host : r.host)
        .bind(15, record_status_name(r.status))
        .bind(16, r.reason)
        .bind(17, r.value())
        .bind(18, lo)
        .bind(19, hi)
        .bind(20, r.metric.unit)
        .bind(21, std::int64_t(r.metric.lower_is_better))
        .bind(22, r.percent_of_claim())
        .bind(23, std::int64_t(r.samples_s.size()))
        .bind(24, std::int64_t(r.cache_resident()))
        .bind(25, r.params.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace))
        .bind(26, digest)
        .run();
}

FlatRow read_flat_row(const Statement& s) {
    FlatRow r;
    int i = 0;
    r.run = s.integer(i++);
    r.position = s.integer(i++);
    r.created_utc = s.text(i++);
    r.date = s.text(i++);
    r.host = s.text(i++);
    r.tool_version = s.text(i++);
    r.tool_major = static_cast<int>(s.integer(i++));
    r.suite = s.text(i++);
    r.id = s.text(i++);
    r.case_id = s.text(i++);
    r.workload = s.text(i++);
    r.dtype = s.text(i++);
    r.size = s.integer(i++);
    r.size_label = s.text(i++);
    r.path = s.text(i++);
    r.device = s.text(i++);
    r.model = s.text(i++);
    r.chip = s.text(i++);
    r.backend = s.text(i++);
    r.status = s.text(i++);
    r.reason = s.text(i++);
    r.value = s.optional_real(i++);
    r.ci_low = s.optional_real(i++);
    r.ci_high = s.optional_real(i++);
    r.unit = s.text(i++);
    r.lower_is_better = s.integer(i++) != 0;
    r.percent_of_claim = s.optional_real(i++);
    r.samples = s.integer(i++);
    r.cache_resident = s.integer(i++) != 0;
    const std::string params = s.text(i++);
    r.params = nlohmann::json::parse(params, nullptr, false);
    if (r.params.is_discarded()) r.params = nlohmann::json::object();
    return r;
}

}  // namespace bakeoff::registry
