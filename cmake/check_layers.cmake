# Fails when an #include runs up a layer, across to a peer layer, or when a
# vendor's header is named outside its backend folder.
#
#   cmake -DROOT=<source dir> -P cmake/check_layers.cmake
#
# Run before every build (target bakeoff_check_layers) and as a test. The
# layers and what each may use are drawn in docs/architecture.md; this table
# is the rule. A file in src/<layer>/ may include "<other>/..." only when
# <other> has a lower rank; layers of equal rank are peers and may not include
# each other. Backends and the examples see only <bakeoff/...> and their own
# folder; the command (src/cli) may include the built-in CPU backend's entry.

set(_rank_numeric 0)
set(_rank_core 1)
set(_rank_results 2)
set(_rank_nn 3)
set(_rank_specs 3)
set(_rank_registry 3)
set(_rank_workloads 4)
set(_rank_harness 5)
set(_rank_cluster 6)
set(_rank_conformance 6)
set(_rank_report 7)
set(_rank_cli 8)
set(_layers numeric core results nn specs registry workloads harness cluster conformance report cli)

# Vendor headers: the regex of the #include and the one folder allowed to name it.
set(_vendor_rules
  "cuda|cublas|cudnn|nccl|nvml|nvrtc|curand|cufft|cusparse|cusolver\;backends/cuda/"
  "CL/|clblast\;backends/opencl/"
  "cblas|openblas|dnnl|oneapi/dnnl\;backends/cpu/")

if(NOT ROOT)
  message(FATAL_ERROR "check_layers: pass -DROOT=<source dir>")
endif()

set(_errors "")

file(GLOB_RECURSE _src_files RELATIVE ${ROOT} ${ROOT}/src/*.h ${ROOT}/src/*.cpp)
foreach(_f ${_src_files})
  string(REGEX MATCH "^src/([a-z_]+)/" _m "${_f}")
  set(_layer "${CMAKE_MATCH_1}")
  if(NOT DEFINED _rank_${_layer})
    string(APPEND _errors "${_f}: folder src/${_layer} is in no layer (add it to cmake/check_layers.cmake)\n")
    continue()
  endif()
  file(STRINGS ${ROOT}/${_f} _incs REGEX "^[ \t]*#[ \t]*include[ \t]*\"[a-z_]+/")
  foreach(_inc ${_incs})
    string(REGEX MATCH "\"([a-z_]+)/[^\"]*\"" _m2 "${_inc}")
    set(_target "${CMAKE_MATCH_1}")
    string(REPLACE "\"" "" _what "${_m2}")
    if(_target STREQUAL _layer)
      continue()
    endif()
    if(_layer STREQUAL "cli" AND _target STREQUAL "cpu")
      continue()  # the built-in CPU backend's entry point
    endif()
    if(NOT DEFINED _rank_${_target})
      string(APPEND _errors "${_f}: includes ${_what}, which is in no layer\n")
    elseif(NOT _rank_${_target} LESS _rank_${_layer})
      string(APPEND _errors "${_f}: includes ${_what}: layer '${_layer}' may not use '${_target}' (same or higher layer)\n")
    endif()
  endforeach()
endforeach()

# Backends, the plugin SDK and the example see only the ABI and their own folder.
file(GLOB_RECURSE _plugin_files RELATIVE ${ROOT}
  ${ROOT}/backends/*.h ${ROOT}/backends/*.cpp ${ROOT}/backends/*.c ${ROOT}/backends/*.cu
  ${ROOT}/examples/*.h ${ROOT}/examples/*.c ${ROOT}/examples/*.cpp ${ROOT}/include/*.h)
foreach(_f ${_plugin_files})
  file(STRINGS ${ROOT}/${_f} _incs REGEX "^[ \t]*#[ \t]*include[ \t]*\"[a-z_]+/")
  foreach(_inc ${_incs})
    string(REGEX MATCH "\"([a-z_]+)/[^\"]*\"" _m2 "${_inc}")
    if(NOT CMAKE_MATCH_1 STREQUAL "bakeoff")
      string(APPEND _errors "${_f}: includes ${_m2}: a backend sees only <bakeoff/...> (the ABI and plugin SDK) and its own folder\n")
    endif()
  endforeach()
endforeach()

# Vendor headers only inside their backend's folder.
file(GLOB_RECURSE _all_files RELATIVE ${ROOT}
  ${ROOT}/src/*.h ${ROOT}/src/*.cpp ${ROOT}/include/*.h
  ${ROOT}/backends/*.h ${ROOT}/backends/*.cpp ${ROOT}/backends/*.c ${ROOT}/backends/*.cu)
foreach(_f ${_all_files})
  file(STRINGS ${ROOT}/${_f} _incs REGEX "^[ \t]*#[ \t]*include[ \t]*<")
  foreach(_inc ${_incs})
    foreach(_rule ${_vendor_rules})
      list(GET _rule 0 _re)
      list(GET _rule 1 _home)
      if(_inc MATCHES "<(${_re})" AND NOT _f MATCHES "^${_home}")
        string(STRIP "${_inc}" _shown)
        string(APPEND _errors "${_f}: ${_shown}: a vendor header belongs in ${_home} only\n")
      endif()
    endforeach()
  endforeach()
endforeach()

if(_errors)
  # One unwrapped line per break (FATAL_ERROR would re-wrap the text).
  message(NOTICE "${_errors}")
  message(FATAL_ERROR "check_layers: includes above break the layering (docs/architecture.md)")
endif()
list(LENGTH _src_files _n)
message(STATUS "check_layers: ${_n} files in src/ include one way down")
