// The output formats every command offers, and the renderers of a Table in
// each. One Format enum and one parser, so `--format` accepts the same
// spellings everywhere (src/cli/options.h adds the flag).
//
// Adding a format: a value below, its names in output.cpp's table, and one
// render_<name>(const Table&) in its own format_<name>.cpp with an output test
// in tests/report/.
#pragma once

#include "report/table.h"

#include <optional>
#include <string>
#include <string_view>

namespace bakeoff {

enum class Format { text, markdown, csv, json };

// "text" or "table", "markdown" or "md", "csv", "json"; nullopt for anything else.
std::optional<Format> parse_format(std::string_view name);
std::string_view format_name(Format f);  // the canonical spelling: text, markdown, csv, json
// Every accepted spelling, for help text and error messages: "text (or table), markdown (or md), csv, json".
std::string format_choices();

// The table in the format.
std::string render(const Table& t, Format f);

// One per format, each in its own file.
std::string render_text(const Table& t);      // format_text.cpp: aligned columns, UTF-8 aware
std::string render_markdown(const Table& t);  // format_markdown.cpp: a GitHub table
std::string render_csv(const Table& t);       // format_csv.cpp: RFC 4180, keys as the header
std::string render_json(const Table& t);      // format_json.cpp: an array of objects keyed by column

// One CSV field, quoted per RFC 4180 when it holds a comma, quote or line break.
std::string csv_field(std::string_view s);

// A number's shortest text that reads back to the same double ("989.5", "1e-05").
std::string shortest_number(double v);

}  // namespace bakeoff
