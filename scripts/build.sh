#!/usr/bin/env bash
# Configures and builds one CMake preset (default: release) into build/<preset>.
# Quiet when it works; on a failure, shows the compiler's output.
set -euo pipefail
cd "$(dirname "$0")/.."
preset="${1:-release}"
mkdir -p build
log="build/$preset.log"
if ! { cmake --preset "$preset" && cmake --build --preset "$preset" -j "$(nproc)"; } >"$log" 2>&1; then
  grep -E -A5 "error|Error" "$log" | head -80 >&2 || tail -50 "$log" >&2
  echo "build: failed; full log in $log" >&2
  exit 1
fi
