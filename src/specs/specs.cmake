# Embeds data/chips.csv and data/export_rules.csv into bakeoff_specs at build
# time. Included by src/CMakeLists.txt after target bakeoff_specs is defined.
#
# Each CSV is turned into a C++ byte array by embed_csv.cmake; the custom
# command re-runs whenever the CSV (or the script) changes, so editing the data
# and rebuilding is all it takes.
function(bakeoff_embed_csv name function header)
  get_filename_component(_csv ${CMAKE_CURRENT_LIST_DIR}/../../data/${name}.csv ABSOLUTE)
  set(_out ${CMAKE_BINARY_DIR}/generated/bakeoff/${name}_embedded.cpp)
  add_custom_command(
    OUTPUT ${_out}
    COMMAND ${CMAKE_COMMAND} -DINPUT=${_csv} -DOUTPUT=${_out} -DFUNCTION=${function} -DHEADER=${header}
            -P ${CMAKE_CURRENT_LIST_DIR}/embed_csv.cmake
    DEPENDS ${_csv} ${CMAKE_CURRENT_LIST_DIR}/embed_csv.cmake
    COMMENT "Embedding data/${name}.csv"
    VERBATIM)
  target_sources(bakeoff_specs PRIVATE ${_out})
endfunction()

bakeoff_embed_csv(chips embedded_chips_csv specs/chip_db.h)
bakeoff_embed_csv(export_rules embedded_export_rules_csv specs/export_control.h)
