// The evidence in a results file: a SHA-256 digest over a canonical form of
// the header and of every record (raw samples included), so an edit made
// after the run is noticed and named. docs/registry.md, "The digest".
//
// The canonical form of a JSON value (bakeoff-canonical-1), byte by byte:
//   null "n", true "t", false "f";
//   an integer "i" + its decimal digits + ";" ("i-42;");
//   a fraction (any number written with '.' or an exponent) "d" + the 16
//     lowercase hex digits of its IEEE-754 binary64 bits, big-endian;
//   a string "s" + its UTF-8 byte count in decimal + ":" + the bytes;
//   an array "[" + each element's form + "]";
//   an object "{" + each key's (string) form then its value's form, keys in
//     ascending order of their UTF-8 bytes, + "}".
// Bit patterns rather than decimal text: two JSON libraries agree on the
// double they parse, not on the shortest text that prints it.
//
// The "digest" object of a file:
//   header  = sha256(canonical(document without "records" and "digest"))
//   records = [sha256(canonical(record)) for each record, in order]
//   file    = sha256 of the ASCII text: header, then each record digest,
//             each followed by "\n"
// all as lowercase hex.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace bakeoff {

inline constexpr const char* kDigestAlgorithm = "sha256";
inline constexpr const char* kCanonicalForm = "bakeoff-canonical-1";

// Appends the canonical form of `v` to `out`. A non-finite double (the writer
// prints it as null) is written as null.
void append_canonical(const nlohmann::json& v, std::string& out);
std::string canonical(const nlohmann::json& v);

// Lowercase hex SHA-256 (OpenSSL's libcrypto).
std::string sha256_hex(std::string_view bytes);

// The "digest" object for a whole document (its own "digest" field, if any, is ignored).
nlohmann::json results_digest(const nlohmann::json& doc);

// What a read found about a file's digest.
struct DigestCheck {
    enum class State { not_checked, absent, matches, differs };
    State state = State::not_checked;
    std::string problem;  // differs: one line naming the first part that differs
    std::string file;     // the digest recomputed over the document (hex), whatever the state
};

// Recomputes the digest of `doc` (a whole results document) and compares it
// with the one written in it. The first difference named: a malformed digest
// object, the header, then the first record by position (a record found at
// another position is named as moved), then the record count, then `file`.
DigestCheck check_digest(const nlohmann::json& doc);

}  // namespace bakeoff
