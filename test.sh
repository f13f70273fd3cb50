#!/usr/bin/env bash
# Sets up (Debian packages), builds, and runs the whole test suite with ctest.
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup.sh
scripts/build.sh release
ctest --preset release -j "$(nproc)" --timeout 600
