#!/usr/bin/env bash
# Builds what bench/gpu_check.sh runs on a GPU machine, and packs it with the
# run-time libraries that machine lacks.
#
# The GPU machine has the CUDA toolkit (driver, cuBLASLt) and PyTorch, but
# none of the Debian libraries bakeoff links (fmt, OpenBLAS, hwloc, oneDNN, the
# OpenCL ICD loader ...) and no network. This script
#   1. builds the cuda-check preset (CMakePresets.json: Release, sm_90, only
#      the bakeoff binary and the CUDA plugin; no OpenCL plugin, MPI, NCCL,
#      tests or bench programs) into build/cuda-check;
#   2. copies the binary, the plugin and every library ldd lists for them,
#      except glibc, the C++ runtime and CUDA's own libraries (the GPU
#      machine's are used), into one archive: build/gpu-pack/bakeoff.tar.xz
#      (xz: OpenBLAS and oneDNN alone are 76 MB unpacked);
#   3. checks that the working tree that travels (tracked and untracked files
#      git does not ignore) plus the pack stays under the 64 MiB a GPU call
#      carries.
# Then: carry build/gpu-pack and run `bench/gpu_check.sh OUTDIR` there.
# Usage: bench/pack_gpu_check.sh        (JOBS=N for the build's parallelism)
# Exit status 0 when the pack is ready, 1 otherwise (the reason on stderr).
set -euo pipefail
cd "$(dirname "$0")/.."
pack=build/gpu-pack
limit=$((64 * 1024 * 1024))

cmake --preset cuda-check >/dev/null
cmake --build --preset cuda-check -j "${JOBS:-2}" >/dev/null
bin=build/cuda-check/bakeoff
plugin=build/cuda-check/plugins/libbakeoff_cuda.so
[[ -x $bin && -f $plugin ]] || { echo "pack_gpu_check: the build made no $bin or $plugin" >&2; exit 1; }

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/bakeoff/plugins" "$stage/bakeoff/lib"
cp "$bin" "$stage/bakeoff/"
cp "$plugin" "$stage/bakeoff/plugins/"
# A library ldd cannot find would fail there too: refuse now.
if ldd "$bin" "$plugin" | grep -q "not found"; then
  echo "pack_gpu_check: ldd finds no $(ldd "$bin" "$plugin" | grep "not found" | head -1)" >&2
  exit 1
fi
ldd "$bin" "$plugin" | awk '$2 == "=>" && $3 ~ /^\// {print $1, $3}' | sort -u |
  while read -r name path; do
    case "$name" in
      linux-vdso* | ld-linux* | libc.so* | libm.so* | libpthread.so* | libdl.so* | librt.so* | libstdc++.so* | libgcc_s.so*) ;;
      libcuda.so* | libcudart* | libcublas* | libnccl* | libcudnn* | libnvidia*) ;;
      *) cp -L "$path" "$stage/bakeoff/lib/$name" ;;
    esac
  done

mkdir -p "$pack"
rm -f "$pack/bakeoff.tar.xz"
tar -C "$stage" -cf - bakeoff | xz -6 -T"${JOBS:-2}" >"$pack/bakeoff.tar.xz"

pack_bytes=$(stat -c %s "$pack/bakeoff.tar.xz")
tree_bytes=$({ git ls-files -z; git ls-files -z --others --exclude-standard; } | xargs -0 -r stat -c %s 2>/dev/null |
  awk '{s += $1} END {print s + 0}')
total=$((pack_bytes + tree_bytes))
mib() { awk -v b="$1" 'BEGIN { printf "%.1f MiB", b / 1048576 }'; }
echo "pack_gpu_check: $pack/bakeoff.tar.xz $(mib "$pack_bytes") (libraries: $(ls "$stage/bakeoff/lib" | tr '\n' ' '));" \
  "tree $(mib "$tree_bytes"); together $(mib "$total") of $(mib "$limit")"
if ((total > limit)); then
  echo "pack_gpu_check: the tree and the pack are over the 64 MiB a GPU call carries" >&2
  exit 1
fi
