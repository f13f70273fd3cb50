#!/usr/bin/env bash
# Sets up (Debian packages), builds, runs the quick suite on this machine, then
# ends in the answer: the run goes into the results database and report.html
# (scoreboard first) is written beside it. Extra arguments go to `bakeoff run`,
# e.g. ./run.sh --suite standard --out my.json. Paths are relative to this folder.
#   BAKEOFF_DB   the database (default bakeoff.db); report.html is written beside it
# Exit status: the run's. A run that fails part-way still keeps (and reports)
# the cases it finished.
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup.sh
scripts/build.sh release
bakeoff=build/release/bakeoff

# The results file: the user's --out / -o (last one wins, as for `bakeoff run`), else a new one under results/.
out=""
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  case "${args[i]}" in
    --) break ;;
    --out | -o) if ((i + 1 < ${#args[@]})); then out="${args[i + 1]}"; ((++i)); fi ;;
    --out=*) out="${args[i]#--out=}" ;;
    -o=*) out="${args[i]#-o=}" ;;
    -o?*) out="${args[i]#-o}" ;;
  esac
done
if [[ -z "$out" ]]; then
  mkdir -p results
  out="results/run-$(date -u +%Y%m%dT%H%M%SZ).json"
  args+=(--out "$out")
fi

rc=0
"$bakeoff" run --suite quick "${args[@]}" || rc=$?

if [[ ! -s "$out" ]]; then
  echo "run.sh: no results file at $out; nothing to add or report" >&2
  exit "$rc"
fi

db="${BAKEOFF_DB:-bakeoff.db}"
report="$(dirname "$db")/report.html"
mkdir -p "$(dirname "$db")"
echo
if "$bakeoff" db add --db "$db" "$out"; then
  echo "database: $db (this run added; see 'bakeoff db ls --db $db')"
else
  echo "run.sh: the run was not added to $db (the line above says why)" >&2
fi
if "$bakeoff" report "$out" -o "$report" >/dev/null; then
  echo "results:  $out"
  echo "report:   $report (open it in a browser; the scoreboard comes first)"
else
  echo "results:  $out"
  echo "run.sh: the report could not be written (the line above says why)" >&2
fi
exit "$rc"
