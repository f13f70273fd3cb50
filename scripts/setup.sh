#!/usr/bin/env bash
# Installs what bakeoff needs to build and test, from Debian's packages.
# Idempotent and quiet: when everything is present it prints nothing and
# touches nothing.
set -euo pipefail

packages=(
  build-essential cmake pkg-config git
  libopenblas-pthread-dev libdnnl-dev
  nlohmann-json3-dev libcli11-dev libfmt-dev libhwloc-dev
  libgtest-dev
  libssl-dev  # libcrypto: the results file's SHA-256 digest
  libsqlite3-dev  # the results registry (bakeoff db)
  pocl-opencl-icd ocl-icd-opencl-dev opencl-headers clinfo
  libclblast1  # the OpenCL vendor GEMM (dlopened: the plugin builds and runs without it)
  openmpi-bin libopenmpi-dev  # collectives across ranks (mpirun), tests/cluster
  chromium  # headless, for the HTML report tests (tests/report)
)
if [ "${BAKEOFF_SETUP_EXTRA:-}" != "" ]; then
  # shellcheck disable=SC2206
  packages+=(${BAKEOFF_SETUP_EXTRA})
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "setup: installing ${missing[*]}" >&2
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null; then sudo="sudo"; else
    echo "setup: need root (or sudo) to install: ${missing[*]}" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
