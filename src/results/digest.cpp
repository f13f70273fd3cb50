#include "results/digest.h"

#include <openssl/evp.h>

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <vector>

namespace bakeoff {

namespace {

void append_string(const std::string& s, std::string& out) {
    out += fmt::format("s{}:", s.size());
    out += s;
}

bool is_hex_digest(const nlohmann::json& j) {
    if (!j.is_string()) return false;
    const auto& s = j.get_ref<const std::string&>();
    return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
               return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
           });
}

std::string record_label(const nlohmann::json& rec, std::size_t i) {
    if (rec.is_object() && rec.contains("id") && rec["id"].is_string())
        return fmt::format("record {} ({})", i, rec["id"].get<std::string>());
    return fmt::format("record {}", i);
}

struct Parts {
    std::string header;
    std::vector<std::string> records;
    std::string file;
};

Parts digest_parts(const nlohmann::json& doc) {
    Parts p;
    std::string h;
    // The header is every top-level field but "records" and "digest"; the
    // object's keys are visited in the canonical (sorted) order already.
    h += '{';
    for (auto it = doc.begin(); it != doc.end(); ++it) {
        if (it.key() == "records" || it.key() == "digest") continue;
        append_string(it.key(), h);
        append_canonical(it.value(), h);
    }
    h += '}';
    p.header = sha256_hex(h);
    std::string all = p.header + "\n";
    if (doc.contains("records") && doc["records"].is_array())
        for (const auto& r : doc["records"]) {
            p.records.push_back(sha256_hex(canonical(r)));
            all += p.records.back() + "\n";
        }
    p.file = sha256_hex(all);
    return p;
}

}  // namespace

void append_canonical(const nlohmann::json& v, std::string& out) {
    using value_t = nlohmann::json::value_t;
    switch (v.type()) {
        case value_t::null:
        case value_t::discarded: out += 'n'; return;
        case value_t::boolean: out += v.get<bool>() ? 't' : 'f'; return;
        case value_t::number_integer: out += fmt::format("i{};", v.get<std::int64_t>()); return;
        case value_t::number_unsigned: out += fmt::format("i{};", v.get<std::uint64_t>()); return;
        case value_t::number_float: {
            const double d = v.get<double>();
            if (!std::isfinite(d)) {
                out += 'n';  // the writer prints a non-finite double as null
                return;
            }
            out += fmt::format("d{:016x}", std::bit_cast<std::uint64_t>(d));
            return;
        }
        case value_t::string: append_string(v.get_ref<const std::string&>(), out); return;
        case value_t::array:
            out += '[';
            for (const auto& e : v) append_canonical(e, out);
            out += ']';
            return;
        case value_t::object:
            // nlohmann::json keeps an object's keys in a std::map: ascending
            // byte order, which is the canonical order.
            out += '{';
            for (auto it = v.begin(); it != v.end(); ++it) {
                append_string(it.key(), out);
                append_canonical(it.value(), out);
            }
            out += '}';
            return;
        case value_t::binary: throw std::invalid_argument("canonical form: binary values are not JSON");
    }
}

std::string canonical(const nlohmann::json& v) {
    std::string out;
    append_canonical(v, out);
    return out;
}

std::string sha256_hex(std::string_view bytes) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (EVP_Digest(bytes.data(), bytes.size(), md, &len, EVP_sha256(), nullptr) != 1 || len != 32)
        throw std::runtime_error("SHA-256 failed (OpenSSL libcrypto)");
    std::string hex;
    hex.reserve(64);
    for (unsigned int i = 0; i < len; ++i) hex += fmt::format("{:02x}", md[i]);
    return hex;
}

nlohmann::json results_digest(const nlohmann::json& doc) {
    const Parts p = digest_parts(doc);
    return {{"algorithm", kDigestAlgorithm},
            {"canonical", kCanonicalForm},
            {"header", p.header},
            {"records", p.records},
            {"file", p.file}};
}

DigestCheck check_digest(const nlohmann::json& doc) {
    DigestCheck c;
    if (!doc.is_object()) {
        c.state = DigestCheck::State::differs;
        c.problem = "digest: the document is not a JSON object";
        return c;
    }
    const Parts p = digest_parts(doc);
    c.file = p.file;
    if (!doc.contains("digest")) {
        c.state = DigestCheck::State::absent;
        return c;
    }
    c.state = DigestCheck::State::differs;
    const auto& d = doc["digest"];
    if (!d.is_object()) {
        c.problem = "digest: not an object";
        return c;
    }
    if (!d.contains("algorithm") || d["algorithm"] != kDigestAlgorithm) {
        c.problem = fmt::format("digest: algorithm {} is not \"{}\"", d.contains("algorithm") ? d["algorithm"].dump() : "missing",
                                kDigestAlgorithm);
        return c;
    }
    if (!d.contains("canonical") || d["canonical"] != kCanonicalForm) {
        c.problem = fmt::format("digest: canonical form {} is not \"{}\"",
                                d.contains("canonical") ? d["canonical"].dump() : "missing", kCanonicalForm);
        return c;
    }
    const bool records_ok = d.contains("records") && d["records"].is_array() &&
                            std::all_of(d["records"].begin(), d["records"].end(), is_hex_digest);
    if (!d.contains("header") || !is_hex_digest(d["header"]) || !records_ok || !d.contains("file") ||
        !is_hex_digest(d["file"])) {
        c.problem = "digest: 'header', 'records' and 'file' must be SHA-256 digests in lowercase hex";
        return c;
    }
    if (d["header"] != p.header) {
        c.problem = "digest: the header differs from its digest (a header field was changed after writing)";
        return c;
    }
    const auto& written = d["records"];
    const auto& records = doc.contains("records") && doc["records"].is_array() ? doc["records"] : nlohmann::json::array();
    for (std::size_t i = 0; i < p.records.size() && i < written.size(); ++i) {
        if (written[i] == p.records[i]) continue;
        const std::string what = record_label(records[i], i);
        for (std::size_t j = 0; j < written.size(); ++j)
            if (written[j] == p.records[i]) {
                c.problem = fmt::format("digest: {} is unchanged but was written at position {} (records reordered)",
                                        what, j);
                return c;
            }
        c.problem = fmt::format("digest: {} differs from its digest (changed after writing)", what);
        return c;
    }
    if (written.size() != p.records.size()) {
        c.problem = fmt::format("digest: written over {} records, the file has {} (records {})", written.size(),
                                p.records.size(), written.size() > p.records.size() ? "removed" : "added");
        return c;
    }
    if (d["file"] != p.file) {
        c.problem = "digest: 'file' is not the digest of the header and record digests";
        return c;
    }
    c.state = DigestCheck::State::matches;
    return c;
}

}  // namespace bakeoff
