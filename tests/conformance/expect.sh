#!/usr/bin/env bash
# expect.sh RC REGEX CMD...: runs CMD, passes when it exits with RC and its
# output (stdout and stderr) matches the extended regex REGEX ('' = anything).
set -u
want_rc=$1 regex=$2
shift 2
out=$("$@" 2>&1)
rc=$?
printf '%s\n' "$out"
if [ "$rc" != "$want_rc" ]; then
  echo "expect.sh: exit status $rc, expected $want_rc: $*" >&2
  exit 1
fi
if [ -n "$regex" ] && ! printf '%s\n' "$out" | grep -Eq -- "$regex"; then
  echo "expect.sh: output does not match /$regex/" >&2
  exit 1
fi
exit 0
