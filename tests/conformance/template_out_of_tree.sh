#!/usr/bin/env bash
# Builds examples/backend-template the way a vendor would: out of tree, against
# the header `cmake --install` puts in <prefix>/include, found through
# CMAKE_PREFIX_PATH; then runs `bakeoff conformance --backend template` on it.
# usage: template_out_of_tree.sh BUILD_DIR BAKEOFF_BINARY SOURCE_DIR
set -eu
build=$1 bakeoff=$2 src=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
t0=$(date +%s%N)
cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
test -f "$tmp/prefix/include/bakeoff/backend_abi.h"
cmake -S "$src/examples/backend-template" -B "$tmp/build" -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_PREFIX_PATH="$tmp/prefix" >/dev/null
cmake --build "$tmp/build" >/dev/null
t1=$(date +%s%N)
echo "install + configure + build of the template: $(( (t1 - t0) / 1000000 )) ms"
test -f "$tmp/build/libbakeoff_template.so"
BAKEOFF_PLUGIN_PATH="$tmp/build" "$bakeoff" conformance --backend template
