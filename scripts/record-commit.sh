#!/usr/bin/env bash
# Records the commit being built in Sources/CBuildInfo/commit.h, for `otpbridge --version`.
# The file is rewritten only when the commit changes, so an unchanged tree rebuilds nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
commit=unknown
if git rev-parse --git-dir >/dev/null 2>&1; then
  commit=$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
  git diff --quiet HEAD -- 2>/dev/null || commit="$commit-dirty"
fi
header=Sources/CBuildInfo/commit.h
line="#define OTPBRIDGE_COMMIT \"$commit\""
[ -f "$header" ] && [ "$(cat "$header")" = "$line" ] && exit 0
echo "$line" > "$header"
