#include "report/output.h"

#include <fmt/format.h>

#include <charconv>

namespace bakeoff {

namespace {

struct FormatDef {
    Format format;
    std::string_view name;
    std::string_view alias;  // an older spelling some command accepted; kept so no command line breaks
    std::string (*render)(const Table&);
};

// The formats, in the order help text lists them.
constexpr FormatDef kFormats[] = {
    {Format::text, "text", "table", render_text},
    {Format::markdown, "markdown", "md", render_markdown},
    {Format::csv, "csv", "", render_csv},
    {Format::json, "json", "", render_json},
};

const FormatDef& def(Format f) {
    for (const auto& d : kFormats)
        if (d.format == f) return d;
    return kFormats[0];
}

}  // namespace

std::optional<Format> parse_format(std::string_view name) {
    for (const auto& d : kFormats)
        if (name == d.name || (!d.alias.empty() && name == d.alias)) return d.format;
    return std::nullopt;
}

std::string_view format_name(Format f) { return def(f).name; }

std::string format_choices() {
    std::string s;
    for (const auto& d : kFormats) {
        if (!s.empty()) s += ", ";
        s += d.name;
        if (!d.alias.empty()) s += fmt::format(" (or {})", d.alias);
    }
    return s;
}

std::string render(const Table& t, Format f) { return def(f).render(t); }

std::string shortest_number(double v) {
    char buf[64];
    const auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, v);
    return ec == std::errc() ? std::string(buf, ptr) : fmt::format("{}", v);
}

}  // namespace bakeoff
