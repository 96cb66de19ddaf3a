#!/usr/bin/env bash
# Writes the man page, .build/man/otpbridge.1: swift-argument-parser's generate-manual plugin
# makes it from the commands themselves (their help, options and discussion), and this adds an
# EXAMPLES section from the examples each command's --help ends with. Then checks that groff
# renders it without a warning. Uses the debug build (`make build`), so it takes seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
swift package generate-manual --configuration debug >/dev/null
bin=.build/debug/otpbridge
mkdir -p .build/man
page=.build/man/otpbridge.1
# generate-manual separates the paragraphs of a discussion with empty lines, which mdoc wants as .Pp.
sed 's/^$/.Pp/' .build/plugins/GenerateManual/outputs/otpbridge/otpbridge.1 > "$page"
{
  echo ".Sh EXAMPLES"
  for command in formats inspect convert codes verify audit "tenant migrate" "tenant merge" version; do
    # shellcheck disable=SC2086 # the words of the command, split on purpose
    "$bin" $command --help | awk '
      /^EXAMPLES:$/ { shown = 1; next }
      !shown { next }
      /^  # / { sub(/^  # /, ""); print ".Pp"; print $0 ":"; next }
      /^  \$ / { sub(/^  \$ /, ""); print ".Dl " $0 }'
  done
} >> "$page"
warnings=$(groff -mandoc -Tutf8 -ww -z "$page" 2>&1 || true)
if [ -n "$warnings" ]; then
  echo "man-page: groff warns about $page:" >&2
  echo "$warnings" >&2
  exit 1
fi
echo "man-page: wrote $page"
