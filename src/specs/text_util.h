// Small text helpers shared by the specs module.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace bakeoff::specs {

std::string to_lower(std::string_view s);                 // ASCII only
bool iequals(std::string_view a, std::string_view b);     // ASCII case-insensitive
bool icontains(std::string_view haystack, std::string_view needle);
// Whole-string glob match, ASCII case-insensitive: '*' any run, '?' one byte.
bool glob_match(std::string_view pattern, std::string_view text);
// Levenshtein distance (insert, delete, substitute one byte), ASCII case-insensitive.
std::size_t edit_distance(std::string_view a, std::string_view b);
bool has_glob_chars(std::string_view s);
// Strict decimal number: digits with optional fraction and exponent, no sign,
// no spaces, no units, finite. nullopt if `s` is anything else.
std::optional<double> parse_number(std::string_view s);

}  // namespace bakeoff::specs
