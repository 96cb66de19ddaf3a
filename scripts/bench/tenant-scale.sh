#!/usr/bin/env bash
# The whole `otpbridge tenant migrate` command on a generated tenant, timed, with its peak memory
# (GNU time's maximum resident set size): the figures of docs/tenant.md, "Throughput and memory".
#   scripts/bench/tenant-scale.sh USERS plain|encrypted JOBS [--shard I/N]
# plain: each user one otpauth list of 2 TOTP accounts; encrypted: each user an Aegis vault
# encrypted with Aegis's own scrypt cost (N = 2^15), one file shared by all (its key derivation is
# the work). Target: otpauth. Uses the release binary (.build-release; OTPBRIDGE_BIN overrides).
# Prints one line: users, kind, jobs, seconds, users/s, peak MiB. The tenant is made once per size
# and kind in /tmp and kept for the next run; the run's folder is removed.
set -euo pipefail
cd "$(dirname "$0")/../.."
users=$1 kind=$2 jobs=$3
shift 3
binary=${OTPBRIDGE_BIN:-$PWD/.build-release/release/otpbridge}
[ -x "$binary" ] || {
  echo "no $binary: swift build -c release --scratch-path .build-release --product otpbridge" >&2
  exit 1
}
tenant=/tmp/otpbridge-tenant-scale-$kind-$users
if [ ! -f "$tenant/manifest.csv" ]; then
  rm -rf "$tenant"
  mkdir -p "$tenant/exports"
  printf 'correct horse battery staple\n' >"$tenant/password.txt"
  if [ "$kind" = encrypted ]; then
    "$binary" convert examples/otpauth/accounts.txt --to aegis --new-password-file "$tenant/password.txt" \
      -o "$tenant/exports/vault.json" --allow-lossy --quiet
  fi
  python3 - "$tenant" "$users" "$kind" <<'PY'
import base64, hashlib, os, sys
tenant, users, kind = sys.argv[1], int(sys.argv[2]), sys.argv[3]
with open(os.path.join(tenant, "manifest.csv"), "w") as manifest:
    manifest.write("user,inputs,password_file\n")
    for index in range(users):
        user = f"user{index}@example.org"
        if kind == "encrypted":
            manifest.write(f"{user},exports/vault.json,password.txt\n")
            continue
        folder = os.path.join(tenant, "exports", str(index // 1000))
        os.makedirs(folder, exist_ok=True)
        lines = []
        for account in range(2):
            secret = base64.b32encode(hashlib.sha256(f"{user}/{account}".encode()).digest()[:20]).decode()
            lines.append(f"otpauth://totp/Example{account}:{user}?secret={secret}&issuer=Example{account}\n")
        with open(os.path.join(folder, f"{index}.txt"), "w") as export:
            export.writelines(lines)
        manifest.write(f"{user},exports/{index // 1000}/{index}.txt,\n")
PY
fi
out=$(mktemp -d /tmp/otpbridge-tenant-scale-run-XXXXXX)
trap 'rm -rf "$out"' EXIT
start=$(date +%s.%N)
set +e
/usr/bin/time -f '%M' -o "$out.rss" "$binary" tenant migrate "$tenant/manifest.csv" --to otpauth --jobs "$jobs" \
  --out "$out/run" --quiet "$@" >/dev/null 2>"$out.err"
code=$?
set -e
end=$(date +%s.%N)
[ "$code" -eq 0 ] || {
  echo "tenant migrate exited $code: $(tail -3 "$out.err")" >&2
  exit 1
}
done=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['summary']['done'])" "$out/run/report.json")
python3 - "$users" "$kind" "$jobs" "$start" "$end" "$(cat "$out.rss")" "$done" <<'PY'
import sys
users, kind, jobs, start, end, rss, done = sys.argv[1:]
seconds = float(end) - float(start)
print(f"{int(users):>9,} users  {kind:<9}  jobs {jobs}  {seconds:8.1f} s  {int(done) / seconds:7.1f} users/s  peak {int(rss) / 1024:6.1f} MiB  ({int(done):,} done)")
PY
rm -f "$out.rss" "$out.err"
