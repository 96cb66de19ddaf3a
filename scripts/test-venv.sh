#!/usr/bin/env bash
# Makes .build/test-venv, the Python environment of scripts/test-requirements.txt that the tests'
# independent checks run in (docs/interop.md), with Debian's python3 (python3-venv). `make test`
# runs it; `make build` and `make demo` do not need it. It does nothing when the environment has the
# same requirements and its packages import; otherwise it builds a new one beside it and swaps it
# in only once every package installed, so a failed install (no network) keeps the old one.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=.build/test-venv
check="import pass_import, pskc, nacl, argon2, cryptography, pykeepass, pyzipper, selenium"
if cmp -s scripts/test-requirements.txt "$venv/requirements.txt" 2>/dev/null \
  && "$venv/bin/python" -c "$check" 2>/dev/null; then
  exit 0
fi
echo "test-venv: installing scripts/test-requirements.txt into $venv (from PyPI)"
mkdir -p .build
rm -rf "$venv.new"
/usr/bin/python3 -m venv "$venv.new"
if ! "$venv.new/bin/pip" install --quiet --disable-pip-version-check --retries 2 --timeout 30 \
  -r scripts/test-requirements.txt; then
  rm -rf "$venv.new"
  echo "test-venv: could not install the test requirements (is PyPI reachable?)" >&2
  exit 1
fi
cp scripts/test-requirements.txt "$venv.new/requirements.txt"
rm -rf "$venv"
mv "$venv.new" "$venv"
