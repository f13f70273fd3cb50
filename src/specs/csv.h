// A small, strict CSV reader (RFC 4180 style) that remembers where every field
// starts, so that callers can report errors as file:line:column.
//
// Accepted: fields separated by ',', records ended by LF or CRLF, fields quoted
// with '"' (a quoted field may hold commas, newlines and doubled quotes ""),
// an optional UTF-8 byte-order mark, blank lines at the very end of the file.
// Rejected (ParseError): a quote inside an unquoted field, text after a closing
// quote, an unterminated quoted field, a blank line before the last record, a
// bare CR, a NUL byte, bytes that are not UTF-8. Columns count characters
// (UTF-8 code points), from 1.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace bakeoff::specs {

// A malformed input file. what() is "FILE:LINE:COLUMN: MESSAGE" (or
// "FILE: MESSAGE" when line is 0, e.g. a file that cannot be opened).
class ParseError : public std::runtime_error {
public:
    ParseError(std::string file, std::size_t line, std::size_t column, std::string message);
    const std::string& file() const { return file_; }
    std::size_t line() const { return line_; }
    std::size_t column() const { return column_; }
    const std::string& message() const { return message_; }

private:
    std::string file_;
    std::size_t line_;
    std::size_t column_;
    std::string message_;
};

struct CsvField {
    std::string value;
    std::size_t line = 0;    // where the field starts (its opening quote if quoted)
    std::size_t column = 0;
    bool quoted = false;
};

struct CsvRecord {
    std::vector<CsvField> fields;
    std::size_t line = 0;        // line the record starts on
    std::size_t end_column = 0;  // column just past the record's last character
};

// Parses the whole text. `origin` names the input in errors (a path, or
// "<embedded data/chips.csv>").
std::vector<CsvRecord> parse_csv(std::string_view text, const std::string& origin);

// Reads a file into a string; throws ParseError(path, 0, 0, reason) when it cannot.
std::string read_text_file(const std::string& path);

}  // namespace bakeoff::specs
