#include "report/html_util.h"

namespace bakeoff::html {

std::string escape(std::string_view s) {
    std::string o;
    o.reserve(s.size() + s.size() / 8);
    for (std::size_t i = 0; i < s.size(); ++i) {
        const char ch = s[i];
        const unsigned char u = static_cast<unsigned char>(ch);
        // A bidirectional embedding, override or isolate (U+202A..U+202E,
        // U+2066..U+2069) from a results file would reorder the text after
        // it, up to the end of its cell: shown as U+FFFD instead.
        if (u == 0xE2 && i + 2 < s.size()) {
            const unsigned char b1 = static_cast<unsigned char>(s[i + 1]), b2 = static_cast<unsigned char>(s[i + 2]);
            if ((b1 == 0x80 && b2 >= 0xAA && b2 <= 0xAE) || (b1 == 0x81 && b2 >= 0xA6 && b2 <= 0xA9)) {
                o += "\xEF\xBF\xBD";
                i += 2;
                continue;
            }
        }
        switch (ch) {
            case '&': o += "&amp;"; break;
            case '<': o += "&lt;"; break;
            case '>': o += "&gt;"; break;
            case '"': o += "&quot;"; break;
            case '\'': o += "&#39;"; break;
            default:
                if ((u < 0x20 && ch != '\t' && ch != '\n' && ch != '\r') || u == 0x7f)
                    o += "\xEF\xBF\xBD";  // U+FFFD
                else
                    o += ch;
        }
    }
    return o;
}

std::string table(const TableSpec& t) {
    std::string o = "<table class=\"" + escape(t.css_class) + "\">";
    if (!t.caption.empty()) o += "<caption>" + escape(t.caption) + "</caption>";
    auto cls = [&](std::size_t i) {
        return i < t.numeric.size() && t.numeric[i] ? std::string(" class=\"num\"") : std::string();
    };
    o += "<thead><tr>";
    // <bdi>: a cell's text, a device name in Arabic or Hebrew say, keeps its
    // own direction without reordering what is around it.
    for (std::size_t i = 0; i < t.header.size(); ++i)
        o += "<th" + cls(i) + "><bdi>" + escape(t.header[i]) + "</bdi></th>";
    o += "</tr></thead><tbody>\n";
    for (const auto& r : t.rows) {
        o += "<tr>";
        for (std::size_t i = 0; i < r.size(); ++i) o += "<td" + cls(i) + "><bdi>" + escape(r[i]) + "</bdi></td>";
        o += "</tr>\n";
    }
    return o + "</tbody></table>\n";
}

std::string section_open(std::string_view id, std::string_view title, std::string_view intro) {
    std::string o = "<section id=\"" + escape(id) + "\"><h2>" + escape(title) + "</h2>\n";
    if (!intro.empty()) o += "<p>" + std::string(intro) + "</p>\n";
    return o;
}

std::string definition_list(const std::vector<std::pair<std::string, std::string>>& items) {
    std::string o = "<dl>";
    for (const auto& [k, v] : items)
        if (!v.empty()) o += "<dt>" + escape(k) + "</dt><dd><bdi>" + escape(v) + "</bdi></dd>";
    return o + "</dl>\n";
}

}  // namespace bakeoff::html
