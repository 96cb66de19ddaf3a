#!/usr/bin/env bash
# Installs what `make` needs on a fresh Debian machine and does nothing when it is all there:
# the Debian packages listed in scripts/debian-packages.txt, and a Swift toolchain on PATH
# (/opt/swift/usr/bin is used when `swift` is not on PATH already).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v swift >/dev/null 2>&1 && [ ! -x /opt/swift/usr/bin/swift ]; then
  echo "bootstrap: no Swift toolchain found (looked on PATH and in /opt/swift/usr/bin)." >&2
  echo "bootstrap: install Swift 6 from swift.org and run make again." >&2
  exit 1
fi

missing=()
while read -r package _; do
  case "$package" in ""|\#*) continue ;; esac
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done < scripts/debian-packages.txt

if [ ${#missing[@]} -gt 0 ]; then
  echo "bootstrap: installing Debian packages: ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

