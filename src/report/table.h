// Aligned text tables for the terminal, and the same rows as Markdown.
#pragma once

#include <string>
#include <vector>

namespace bakeoff {

struct Table {
    std::vector<std::string> header;
    std::vector<std::vector<std::string>> rows;
    std::vector<bool> right_align;  // per column; numbers read best right-aligned

    // Columns padded to their widest cell (UTF-8 aware), two spaces apart, a rule under the header.
    std::string to_text() const;
    std::string to_markdown() const;
};

// Display width of a UTF-8 string (code points; enough for the text bakeoff prints).
std::size_t display_width(const std::string& s);

// The first `points` code points of UTF-8 text s, never cutting a sequence.
std::string utf8_prefix(const std::string& s, std::size_t points);

}  // namespace bakeoff
