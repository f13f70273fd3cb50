#!/usr/bin/env bash
# Sets up (Debian packages), builds, and runs the quick suite on this machine.
# Extra arguments go to `bakeoff run`, e.g. ./run.sh --suite standard --out my.json
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup.sh
scripts/build.sh release
exec build/release/bakeoff run --suite quick "$@"
