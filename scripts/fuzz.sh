#!/usr/bin/env bash
# Builds and runs every libFuzzer target in Fuzz/ for the given seconds each (make fuzz SECONDS=N;
# FUZZ_READERS="aegis raivo" picks some).
# Seeds: ../shared/vectors, examples/ and the bad-input corpus, sorted to each reader by extension.
# Findings (crash-*, leak-*, slow-unit-*, timeout-*) land in .build/fuzz/<reader>/artifacts; the
# script exits 1 if any target found one. Turn each into a regression test (docs/fuzzing.md).
set -uo pipefail
seconds=${1:-30}
root=$(cd "$(dirname "$0")/.." && pwd)
vectors=${OTPBRIDGE_VECTORS:-$root/../shared/vectors}
bin=$root/Fuzz/.build/debug
work=$root/.build/fuzz
failed=()

seed_files() {
  # The seeds that suit one reader: by file extension, plus every bad input named for it.
  local reader=$1 pattern
  case $reader in
    qr) pattern='\.(png|jpe?g)$' ;;
    raivo|1pux) pattern='\.(zip|1pux)$|Raivo' ;;
    ms-authenticator) pattern='\.(sqlite|db)$' ;;
    pskc) pattern='\.(pskc|xml)$' ;;
    otpauth|google-migration|ente) pattern='\.txt$' ;;
    *-csv) pattern='\.csv$' ;;
    *) pattern='\.(json|2fas|aes|bin)$' ;;
  esac
  find "$vectors" "$root/examples" "$root/Tests/CLITests/BadInputs" "$root/Tests/QRTests/Fixtures" -type f -size -2M 2>/dev/null |
    grep -E "$pattern" | grep -v expectations.json
}

# Built one product at a time: a plain `swift build` would also link the main package's executables
# with the fuzzer runtime, which wants LLVMFuzzerTestOneInput. lld, because gold crashes on
# libFuzzer's objects (internal error in format_file_lineno).
readers=(${FUZZ_READERS:-$(ls "$root/Fuzz/Targets")})
for reader in "${readers[@]}"; do
  swift build --package-path "$root/Fuzz" --product "fuzz-$reader" -Xswiftc -sanitize=fuzzer,address -Xswiftc -use-ld=lld 2>&1 |
    grep -E "error|Compiling|Build of" | grep -v "^\[" || true
done

for reader in "${readers[@]}"; do
  target=$bin/fuzz-$reader
  corpus=$work/$reader/corpus
  artifacts=$work/$reader/artifacts
  mkdir -p "$corpus" "$artifacts"
  seed_files "$reader" | while read -r file; do cp -n "$file" "$corpus/" 2>/dev/null; done
  echo "== $reader: $seconds s"
  # -rss_limit_mb: no input may grow the process past 2 GiB; -timeout: none may take over 1 s (a
  # slow input is a finding). detect_leaks is on with ASan on Linux.
  if ! ASAN_OPTIONS=detect_leaks=1 "$target" "$corpus" -max_total_time="$seconds" -timeout=1 -rss_limit_mb=2048 \
    -max_len=65536 -artifact_prefix="$artifacts/" -print_final_stats=1 >"$work/$reader/log" 2>&1; then
    failed+=("$reader")
    grep -E "ERROR|SUMMARY|Test unit written" "$work/$reader/log" | head -5
  fi
  grep -E "stat::number_of_executed_units|stat::peak_rss_mb" "$work/$reader/log" | tr '\n' ' '
  echo
done

if ((${#failed[@]})); then
  echo "fuzzing found problems in: ${failed[*]} (see .build/fuzz/<reader>/log and artifacts)"
  exit 1
fi
echo "no crash, leak, timeout or memory blow-up found"
