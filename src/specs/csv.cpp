#include "specs/csv.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

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
    std::ifstream in(path, std::ios::binary);
    if (!in) throw ParseError(path, 0, 0, std::string("cannot open: ") + std::strerror(errno));
    std::ostringstream ss;
    ss << in.rdbuf();
    if (in.bad()) throw ParseError(path, 0, 0, "read error");
    return ss.str();
}

std::string csv_escape(std::string_view field) {
    if (field.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(field);
    std::string out = "\"";
    for (char c : field) {
        if (c == '"') out += '"';
        out += c;
    }
    out += '"';
    return out;
}

}  // namespace bakeoff::specs
