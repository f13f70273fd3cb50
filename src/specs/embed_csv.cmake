# cmake -DINPUT=chips.csv -DOUTPUT=chips_embedded.cpp [-DFUNCTION=embedded_chips_csv]
#       [-DHEADER=specs/chip_db.h] -P embed_csv.cmake
# Writes a C++ source that defines bakeoff::specs::<FUNCTION>() returning the
# file's text. The bytes are written as hex, so any character in the CSV is safe.
if(NOT INPUT OR NOT OUTPUT)
  message(FATAL_ERROR "embed_csv.cmake needs -DINPUT=... and -DOUTPUT=...")
endif()
if(NOT FUNCTION)
  set(FUNCTION embedded_chips_csv)
endif()
if(NOT HEADER)
  set(HEADER specs/chip_db.h)
endif()
get_filename_component(_name "${INPUT}" NAME)
file(READ "${INPUT}" _hex HEX)
string(LENGTH "${_hex}" _hexlen)
math(EXPR _size "${_hexlen} / 2")
# Two hex digits per byte -> "0xNN," with a line break every 16 bytes.
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," _bytes "${_hex}")
string(REGEX REPLACE "((0x[0-9a-f][0-9a-f],){16})" "\\1\n    " _bytes "${_bytes}")
file(WRITE "${OUTPUT}"
"// Generated from data/${_name} by src/specs/embed_csv.cmake. Do not edit.
#include \"${HEADER}\"

namespace bakeoff::specs {
namespace {
constexpr unsigned char kCsv[] = {
    ${_bytes}0x00};
}  // namespace

std::string_view ${FUNCTION}() { return std::string_view(reinterpret_cast<const char*>(kCsv), ${_size}); }

}  // namespace bakeoff::specs
")
