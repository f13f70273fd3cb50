// HTML building blocks for the report. Everything that comes from a results
// file is untrusted: it goes through html_escape, in text and attributes
// alike (inline SVG included), so markup in a device name shows as text.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace bakeoff::html {

// & < > " ' become entities; control characters other than tab, newline and
// carriage return, and the bidirectional embeddings, overrides and isolates
// (U+202A..U+202E, U+2066..U+2069), become U+FFFD. Safe in element text and
// in quoted attributes.
std::string escape(std::string_view s);

// A <table> with a header row; every cell is escaped and isolated in <bdi>. `numeric` marks the
// columns shown right-aligned (class "num").
struct TableSpec {
    std::string caption;  // "" = none
    std::vector<std::string> header;
    std::vector<std::vector<std::string>> rows;
    std::vector<bool> numeric;
    std::string css_class = "data";
};
std::string table(const TableSpec& t);

// The opening of a report section: <section id> and its <h2> title (both
// escaped), then `intro`, trusted HTML, as a <p> (none when empty).
std::string section_open(std::string_view id, std::string_view title, std::string_view intro = "");

// <dl> of name / value pairs, both escaped, values in <bdi>; pairs with an empty value are left out.
std::string definition_list(const std::vector<std::pair<std::string, std::string>>& items);

}  // namespace bakeoff::html
