# cmake -DINPUT=chips.csv -DOUTPUT=chips_embedded.cpp -P embed_csv.cmake
# Writes a C++ source that defines bakeoff::specs::embedded_chips_csv().
# The bytes are written as hex, so any character in the CSV is safe.
if(NOT INPUT OR NOT OUTPUT)
  message(FATAL_ERROR "embed_csv.cmake needs -DINPUT=... and -DOUTPUT=...")
endif()
file(READ "${INPUT}" _hex HEX)
string(LENGTH "${_hex}" _hexlen)
math(EXPR _size "${_hexlen} / 2")
# Two hex digits per byte -> "0xNN," with a line break every 16 bytes.
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," _bytes "${_hex}")
string(REGEX REPLACE "((0x[0-9a-f][0-9a-f],){16})" "\\1\n    " _bytes "${_bytes}")
file(WRITE "${OUTPUT}"
"// Generated from data/chips.csv by src/specs/embed_csv.cmake. Do not edit.
#include \"specs/chip_db.h\"

namespace bakeoff::specs {
namespace {
constexpr unsigned char kChipsCsv[] = {
    ${_bytes}0x00};
}  // namespace

std::string_view embedded_chips_csv() { return std::string_view(reinterpret_cast<const char*>(kChipsCsv), ${_size}); }

}  // namespace bakeoff::specs
")
