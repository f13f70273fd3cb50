#!/usr/bin/env bash
# Builds the fuzz targets with clang, libFuzzer, AddressSanitizer and
# UndefinedBehaviorSanitizer in build/fuzz and runs each for SECONDS (default
# 60) from its seed corpus. docs/fuzzing.md.
#
#   fuzz/run.sh [SECONDS] [TARGET...]      e.g. fuzz/run.sh 600 results sizes
#
# New inputs that add coverage go to build/fuzz/corpus/<target> (the seeds
# under fuzz/corpus/ are only read); a crash, leak, hang (-timeout) or
# out-of-memory (-rss_limit_mb) stops that target and leaves the input in
# build/fuzz/artifacts/<target>/. The exit status is non-zero if any target failed.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
build="$root/build/fuzz"
seconds="${1:-60}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(results registry safetensors chips_csv prices_csv sizes worker_protocol gguf hf_config)

cc="${CC:-clang}"
cxx="${CXX:-clang++}"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER="$cc" -DCMAKE_CXX_COMPILER="$cxx" \
  -DBAKEOFF_FUZZ=ON -DBAKEOFF_BUILD_TESTS=OFF -DBAKEOFF_BUILD_BENCH=OFF -DBAKEOFF_WITH_MPI=OFF \
  -DCMAKE_DISABLE_FIND_PACKAGE_CUDAToolkit=ON >/dev/null
jobs="$(nproc 2>/dev/null || echo 2)"
cmake --build "$build" -j"$jobs" --target $(printf 'fuzz_%s ' "${targets[@]}")

status=0
for t in "${targets[@]}"; do
  corpus="$build/corpus/$t"
  artifacts="$build/artifacts/$t/"
  mkdir -p "$corpus" "$artifacts"
  echo "== fuzz_$t: ${seconds} s"
  # Only the process's own temporary files: the harnesses write their input
  # to $TMPDIR/bakeoff-fuzz-<pid>*.
  tmp="$(mktemp -d)"
  if ! TMPDIR="$tmp" "$build/fuzz/fuzz_$t" "$corpus" "$here/corpus/$t" \
      -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
      -artifact_prefix="$artifacts" -print_final_stats=1; then
    echo "fuzz_$t: FAILED (input in $artifacts)"
    status=1
  fi
  rm -rf "$tmp"
done
exit $status
