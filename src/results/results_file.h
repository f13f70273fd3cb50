// Reading and writing results files. Writes are atomic: the JSON goes to a
// temporary file in the same folder, is flushed to disk, and is renamed over
// the target, so a reader (or a crash) never sees half a file.
#pragma once

#include "results/digest.h"
#include "results/record.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace bakeoff {

inline constexpr const char* kResultsSchema = "bakeoff-results";
inline constexpr int kResultsSchemaVersion = 1;

// A problem with an input file; what() is one line naming the file.
class InputError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct ResultsFile {
    nlohmann::json header = nlohmann::json::object();  // everything except "records"
    std::vector<Record> records;
    // What read_results() found about the file's digest (not_checked for a
    // file built in memory). The header keeps the written "digest" object.
    DigestCheck digest;
};

// The whole document: header fields plus "records".
nlohmann::json to_json(const ResultsFile& f);

// Atomic write; throws std::runtime_error naming the file on failure.
void write_json_atomic(const std::filesystem::path& path, const nlohmann::json& doc);
// Writes the document with a fresh "digest" (results/digest.h) over what is
// written: text that is not UTF-8 is replaced first, as the file will hold it.
void write_results(const std::filesystem::path& path, const ResultsFile& f);
// The document write_results() writes: to_json(f) with its digest.
nlohmann::json to_json_with_digest(const ResultsFile& f);

// Parses a JSON file (at most 256 MiB); throws InputError("FILE: what is wrong").
nlohmann::json read_json_file(const std::filesystem::path& path);
// Reads and checks the structure of a results file; throws InputError naming
// the file and, for a bad record, its index and id.
ResultsFile read_results(const std::filesystem::path& path);
// The same checks on a document already parsed; `name` names it in errors.
ResultsFile results_from_json(nlohmann::json doc, const std::string& name);

}  // namespace bakeoff
