#include "results/results_file.h"

#include "results/atomic_write.h"

#include "core/input_file.h"

#include <fmt/format.h>

#include <cstring>
#include <utility>

namespace bakeoff {

namespace {
// Results files nest a few levels; copying and printing a JSON value recurse
// once per level, so a hostile file nested a million deep would overflow the stack.
constexpr std::size_t kMaxNesting = 100;

// Where the text first opens more than kMaxNesting arrays or objects (a
// 0-based offset), or npos. Brackets inside strings do not count.
std::size_t too_deep_at(const std::string& text) {
    std::size_t depth = 0;
    bool in_string = false, escaped = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (in_string) {
            if (escaped) escaped = false;
            else if (c == '\\') escaped = true;
            else if (c == '"') in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            if (++depth > kMaxNesting) return i;
        } else if ((c == ']' || c == '}') && depth > 0) {
            --depth;
        }
    }
    return std::string::npos;
}

// 1-based line and column of a 0-based offset.
std::pair<std::size_t, std::size_t> line_column(const std::string& text, std::size_t offset) {
    std::size_t line = 1, col = 1;
    for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
        if (text[i] == '\n') {
            ++line;
            col = 1;
        } else {
            ++col;
        }
    }
    return {line, col};
}
}

nlohmann::json to_json(const ResultsFile& f) {
    nlohmann::json doc = f.header;
    doc["records"] = nlohmann::json::array();
    for (const auto& r : f.records) doc["records"].push_back(to_json(r));
    return doc;
}

void write_json_atomic(const std::filesystem::path& path, const nlohmann::json& doc) {
    // Text that is not UTF-8 (a device name from a driver, a path) is written
    // with U+FFFD in its place rather than throwing away the whole file.
    write_text_atomic(path, doc.dump(1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
}

nlohmann::json to_json_with_digest(const ResultsFile& f) {
    nlohmann::json doc = to_json(f);
    try {
        (void)doc.dump();
    } catch (const nlohmann::json::type_error&) {
        // A string that is not UTF-8: digest the text as the file will hold it (U+FFFD in its place).
        doc = nlohmann::json::parse(doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    }
    doc["digest"] = results_digest(doc);
    return doc;
}

void write_results(const std::filesystem::path& path, const ResultsFile& f) {
    write_json_atomic(path, to_json_with_digest(f));
}

nlohmann::json read_json_file(const std::filesystem::path& path) {
    const std::string name = path.string();
    std::string text;
    try {
        text = read_input_file(path);
    } catch (const InputFileError& e) {
        throw InputError(fmt::format("{}: {}", name, e.what()));
    }
    if (text.empty()) throw InputError(fmt::format("{}: empty file, not JSON", name));
    if (const std::size_t at = too_deep_at(text); at != std::string::npos) {
        const auto [line, col] = line_column(text, at);
        throw InputError(fmt::format("{}: arrays and objects nested more than {} deep at line {}, column {}", name,
                                     kMaxNesting, line, col));
    }
    try {
        return nlohmann::json::parse(text);
    } catch (const nlohmann::json::parse_error& e) {
        // e.byte is the 1-based offset where parsing stopped; say line and column.
        const auto [line, col] = line_column(text, e.byte > 0 ? e.byte - 1 : 0);
        std::string what = e.byte >= text.size() ? "unexpected end of file (truncated?)" : "malformed JSON";
        throw InputError(fmt::format("{}: not valid JSON: {} at line {}, column {}", name, what, line, col));
    } catch (const nlohmann::json::exception& e) {
        // A number too large for a double ("1e999"): the library's message
        // without its "[json.exception...]" prefix.
        std::string why = e.what();
        if (auto end = why.find("] "); why.starts_with("[json.exception") && end != std::string::npos)
            why.erase(0, end + 2);
        throw InputError(fmt::format("{}: not valid JSON: {}", name, why));
    }
}

ResultsFile read_results(const std::filesystem::path& path) {
    return results_from_json(read_json_file(path), path.string());
}

ResultsFile results_from_json(nlohmann::json doc, const std::string& name) {
    if (!doc.is_object()) throw InputError(fmt::format("{}: not a bakeoff results file (top level is not an object)", name));
    if (!doc.contains("schema") || doc["schema"] != kResultsSchema)
        throw InputError(fmt::format("{}: not a bakeoff results file (no \"schema\": \"{}\")", name, kResultsSchema));
    if (!doc.contains("schema_version") || !doc["schema_version"].is_number_integer())
        throw InputError(fmt::format("{}: missing schema_version", name));
    // Compared as written: a huge version must not wrap around to a supported one.
    if (doc["schema_version"] != kResultsSchemaVersion)
        throw InputError(fmt::format("{}: schema version {} is not supported (this bakeoff reads version {})", name,
                                     doc["schema_version"].dump(), kResultsSchemaVersion));
    if (!doc.contains("records") || !doc["records"].is_array())
        throw InputError(fmt::format("{}: missing the \"records\" array", name));
    ResultsFile f;
    f.digest = check_digest(doc);
    std::size_t i = 0;
    for (const auto& rj : doc["records"]) {
        try {
            f.records.push_back(record_from_json(rj));
        } catch (const std::exception& e) {
            std::string id = rj.is_object() && rj.contains("id") && rj["id"].is_string() ? rj["id"].get<std::string>() : "?";
            throw InputError(fmt::format("{}: record {} ({}): {}", name, i, id, e.what()));
        }
        ++i;
    }
    doc.erase("records");
    f.header = std::move(doc);
    return f;
}

}  // namespace bakeoff
