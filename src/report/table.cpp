#include "report/table.h"

#include <algorithm>

namespace bakeoff {

std::size_t display_width(const std::string& s) {
    std::size_t w = 0;
    for (unsigned char c : s)
        if ((c & 0xC0) != 0x80) ++w;
    return w;
}

std::string utf8_prefix(const std::string& s, std::size_t points) {
    std::size_t seen = 0, i = 0;
    for (; i < s.size(); ++i)
        if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80 && seen++ == points) break;
    return s.substr(0, i);
}

namespace {
std::vector<std::size_t> widths(const Table& t) {
    std::vector<std::size_t> w(t.header.size(), 0);
    for (std::size_t i = 0; i < t.header.size(); ++i) w[i] = display_width(t.header[i]);
    for (const auto& r : t.rows)
        for (std::size_t i = 0; i < r.size() && i < w.size(); ++i) w[i] = std::max(w[i], display_width(r[i]));
    return w;
}

std::string pad(const std::string& s, std::size_t width, bool right) {
    std::string fill(width - std::min(width, display_width(s)), ' ');
    return right ? fill + s : s + fill;
}
}  // namespace

std::string Table::to_text() const {
    const auto w = widths(*this);
    auto line = [&](const std::vector<std::string>& cells) {
        std::string out;
        for (std::size_t i = 0; i < w.size(); ++i) {
            const std::string cell = i < cells.size() ? cells[i] : "";
            const bool right = i < right_align.size() && right_align[i];
            out += pad(cell, w[i], right);
            if (i + 1 < w.size()) out += "  ";
        }
        while (!out.empty() && out.back() == ' ') out.pop_back();
        return out + "\n";
    };
    std::string out = line(header);
    std::string rule;
    for (std::size_t i = 0; i < w.size(); ++i) rule += std::string(w[i], '-') + (i + 1 < w.size() ? "  " : "");
    out += rule + "\n";
    for (const auto& r : rows) out += line(r);
    return out;
}

std::string Table::to_markdown() const {
    auto esc = [](const std::string& s) {
        std::string o;
        for (char c : s) {
            if (c == '|') o += "\\|";
            else if (c == '\n') o += ' ';
            else o += c;
        }
        return o;
    };
    std::string out = "|";
    for (const auto& h : header) out += " " + esc(h) + " |";
    out += "\n|";
    for (std::size_t i = 0; i < header.size(); ++i)
        out += (i < right_align.size() && right_align[i]) ? " ---: |" : " --- |";
    out += "\n";
    for (const auto& r : rows) {
        out += "|";
        for (std::size_t i = 0; i < header.size(); ++i) out += " " + esc(i < r.size() ? r[i] : "") + " |";
        out += "\n";
    }
    return out;
}

}  // namespace bakeoff
