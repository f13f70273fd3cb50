#include "specs/csv.h"

#include "core/input_file.h"

#include <cstdio>
#include <cstring>

namespace bakeoff::specs {

namespace {

std::string format_error(const std::string& file, std::size_t line, std::size_t column,
                         const std::string& message) {
    if (line == 0) return file + ": " + message;
    return file + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " + message;
}

// Walks the text one byte at a time, keeping line and column (in code points).
class Cursor {
public:
    explicit Cursor(std::string_view text) : text_(text) {}
    bool done() const { return pos_ >= text_.size(); }
    char peek(std::size_t ahead = 0) const {
        return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : '\0';
    }
    bool has(std::size_t ahead) const { return pos_ + ahead < text_.size(); }
    void advance() {
        const auto c = static_cast<unsigned char>(text_[pos_++]);
        if (c == '\n') {
            ++line_;
            column_ = 1;
        } else if ((c & 0xC0) != 0x80) {  // a UTF-8 continuation byte is not a new column
            ++column_;
        }
    }
    std::size_t line() const { return line_; }
    std::size_t column() const { return column_; }
    std::size_t pos() const { return pos_; }
    void skip(std::size_t n) { pos_ += n; }

private:
    std::string_view text_;
    std::size_t pos_ = 0;
    std::size_t line_ = 1;
    std::size_t column_ = 1;
};

// Length of the well-formed UTF-8 sequence at text[pos] (1 to 4), or 0 when
// the bytes there are not one: a stray continuation byte, a truncated
// sequence, an overlong form, a surrogate or a code point above U+10FFFF.
std::size_t utf8_sequence(std::string_view text, std::size_t pos) {
    const auto byte = [&](std::size_t i) { return pos + i < text.size() ? static_cast<unsigned char>(text[pos + i]) : 0u; };
    const unsigned b0 = byte(0);
    if (b0 < 0x80) return 1;
    std::size_t n = 0;
    unsigned lo = 0x80, hi = 0xBF;  // allowed range of the second byte
    if (b0 >= 0xC2 && b0 <= 0xDF) n = 2;
    else if (b0 >= 0xE0 && b0 <= 0xEF) {
        n = 3;
        if (b0 == 0xE0) lo = 0xA0;  // overlong
        if (b0 == 0xED) hi = 0x9F;  // surrogates
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        n = 4;
        if (b0 == 0xF0) lo = 0x90;  // overlong
        if (b0 == 0xF4) hi = 0x8F;  // above U+10FFFF
    } else {
        return 0;
    }
    if (byte(1) < lo || byte(1) > hi) return 0;
    for (std::size_t i = 2; i < n; ++i)
        if (byte(i) < 0x80 || byte(i) > 0xBF) return 0;
    return n;
}

bool only_line_breaks(std::string_view rest) {
    for (char c : rest)
        if (c != '\n' && c != '\r') return false;
    return true;
}

}  // namespace

ParseError::ParseError(std::string file, std::size_t line, std::size_t column, std::string message)
    : std::runtime_error(format_error(file, line, column, message)),
      file_(std::move(file)),
      line_(line),
      column_(column),
      message_(std::move(message)) {}

std::vector<CsvRecord> parse_csv(std::string_view text, const std::string& origin) {
    std::vector<CsvRecord> records;
    Cursor cur(text);
    if (text.substr(0, 3) == "\xEF\xBB\xBF") cur.skip(3);  // byte-order mark

    auto fail = [&](std::size_t line, std::size_t column, const std::string& msg) -> void {
        throw ParseError(origin, line, column, msg);
    };
    // The text must be UTF-8: every field ends up in tables, JSON and HTML.
    for (std::size_t i = 0; i < text.size();) {
        const std::size_t n = utf8_sequence(text, i);
        if (n == 0) {
            Cursor at(text);
            if (text.substr(0, 3) == "\xEF\xBB\xBF") at.skip(3);
            while (at.pos() < i) at.advance();
            char hex[8];
            std::snprintf(hex, sizeof hex, "0x%02X", static_cast<unsigned char>(text[i]));
            fail(at.line(), at.column(), std::string("invalid UTF-8 (byte ") + hex + "): the file must be UTF-8 text");
        }
        i += n;
    }
    auto at_line_end = [&]() {
        return cur.peek() == '\n' || (cur.peek() == '\r' && cur.peek(1) == '\n');
    };
    auto consume_line_end = [&]() {
        if (cur.peek() == '\r') cur.advance();
        cur.advance();  // '\n'
    };

    while (!cur.done()) {
        if (at_line_end()) {
            if (only_line_breaks(text.substr(cur.pos()))) break;  // blank lines at the end
            fail(cur.line(), cur.column(), "empty line");
        }
        CsvRecord rec;
        rec.line = cur.line();
        for (;;) {  // one field per iteration
            CsvField field;
            field.line = cur.line();
            field.column = cur.column();
            if (cur.peek() == '"' && !cur.done()) {
                field.quoted = true;
                cur.advance();
                for (;;) {
                    if (cur.done())
                        fail(field.line, field.column, "quoted field is not closed");
                    const char c = cur.peek();
                    if (c == '"') {
                        if (cur.peek(1) == '"' && cur.has(1)) {
                            field.value.push_back('"');
                            cur.advance();
                            cur.advance();
                            continue;
                        }
                        cur.advance();  // closing quote
                        break;
                    }
                    if (c == '\0') fail(cur.line(), cur.column(), "NUL byte in file");
                    if (c == '\r' && cur.peek(1) != '\n')
                        fail(cur.line(), cur.column(), "carriage return without line feed");
                    field.value.push_back(c);
                    cur.advance();
                }
                if (!cur.done() && cur.peek() != ',' && !at_line_end())
                    fail(cur.line(), cur.column(),
                         "unexpected character after closing quote (expected ',' or end of line)");
            } else {
                while (!cur.done() && cur.peek() != ',' && !at_line_end()) {
                    const char c = cur.peek();
                    if (c == '"')
                        fail(cur.line(), cur.column(),
                             "quote inside an unquoted field (quote the whole field and double the quote)");
                    if (c == '\0') fail(cur.line(), cur.column(), "NUL byte in file");
                    if (c == '\r') fail(cur.line(), cur.column(), "carriage return without line feed");
                    field.value.push_back(c);
                    cur.advance();
                }
            }
            rec.fields.push_back(std::move(field));
            if (!cur.done() && cur.peek() == ',') {
                cur.advance();
                continue;
            }
            break;
        }
        rec.end_column = cur.column();
        records.push_back(std::move(rec));
        if (!cur.done()) consume_line_end();
    }
    return records;
}

std::string read_text_file(const std::string& path) {
    try {
        return read_input_file(path);  // the limits and file-type checks of every user file
    } catch (const InputFileError& e) {
        throw ParseError(path, 0, 0, e.what());
    }
}

}  // namespace bakeoff::specs
