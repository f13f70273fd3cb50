#include "report/html_util.h"

namespace bakeoff::html {

std::string escape(std::string_view s) {
    std::string o;
    o.reserve(s.size() + s.size() / 8);
    for (char ch : s) {
        const unsigned char u = static_cast<unsigned char>(ch);
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
    for (std::size_t i = 0; i < t.header.size(); ++i) o += "<th" + cls(i) + ">" + escape(t.header[i]) + "</th>";
    o += "</tr></thead><tbody>\n";
    for (const auto& r : t.rows) {
        o += "<tr>";
        for (std::size_t i = 0; i < r.size(); ++i) o += "<td" + cls(i) + ">" + escape(r[i]) + "</td>";
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
        if (!v.empty()) o += "<dt>" + escape(k) + "</dt><dd>" + escape(v) + "</dd>";
    return o + "</dl>\n";
}

}  // namespace bakeoff::html
