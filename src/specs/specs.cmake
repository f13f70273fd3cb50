# Embeds data/chips.csv into bakeoff_specs at build time. Included by
# src/CMakeLists.txt after target bakeoff_specs is defined.
#
# The CSV is turned into a C++ byte array by embed_csv.cmake; the custom
# command re-runs whenever the CSV (or the script) changes, so editing
# data/chips.csv and rebuilding is all it takes.
get_filename_component(BAKEOFF_CHIPS_CSV ${CMAKE_CURRENT_LIST_DIR}/../../data/chips.csv ABSOLUTE)
set(BAKEOFF_CHIPS_EMBEDDED ${CMAKE_BINARY_DIR}/generated/bakeoff/chips_embedded.cpp)

add_custom_command(
  OUTPUT ${BAKEOFF_CHIPS_EMBEDDED}
  COMMAND ${CMAKE_COMMAND} -DINPUT=${BAKEOFF_CHIPS_CSV} -DOUTPUT=${BAKEOFF_CHIPS_EMBEDDED}
          -P ${CMAKE_CURRENT_LIST_DIR}/embed_csv.cmake
  DEPENDS ${BAKEOFF_CHIPS_CSV} ${CMAKE_CURRENT_LIST_DIR}/embed_csv.cmake
  COMMENT "Embedding data/chips.csv"
  VERBATIM)

target_sources(bakeoff_specs PRIVATE ${BAKEOFF_CHIPS_EMBEDDED})
