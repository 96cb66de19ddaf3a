#!/usr/bin/env bash
# make scale-check (issue 21): a tenant run on a real scheduler. Starts a one-node Slurm cluster on
# this machine (Debian's slurm-wlm and munge, installed when missing, run as root with their state
# in a temporary folder and on ports of their own), makes a tenant of USERS users (plain otpauth
# exports and encrypted Aegis vaults, a few users failing), submits it with
# examples/scale-out/slurm/submit.sh as a 4-task job array with the merge as a dependent job, and
# checks that the merged report and every user's files are those of one unsharded run. Stops
# everything it started, however it ends. Needs root (slurmd runs the tasks).
#   scripts/scale-check.sh   (OTPBRIDGE_BIN picks the binary; USERS=2000 by default; SCALE_CHECK_KEEP=1
#                             keeps the temporary folder, with Slurm's logs, for a look)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
binary=${OTPBRIDGE_BIN:-$root/.build/debug/otpbridge}
users=${USERS:-2000}
encrypted_every=20 # every 20th user has an encrypted Aegis vault (its scrypt is the cost)
shards=4
started=$(date +%s)

say() { echo "scale-check: $*"; }
fail() {
  echo "scale-check: FAILED: $*" >&2
  exit 1
}

[ "$(id -u)" -eq 0 ] || fail "run as root: slurmd starts the tasks as the submitting user and needs root to do so"
[ -x "$binary" ] || fail "no $binary: build first (make build)"
if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
  say "installing Debian's slurm-wlm and munge"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends slurm-wlm munge >/dev/null
fi

work=$(mktemp -d /tmp/otpbridge-scale-check-XXXXXX)
chmod 700 "$work"
stop() {
  set +e
  # Jobs first (their step daemons outlive slurmd otherwise), then the daemons.
  if [ -n "${SLURM_CONF:-}" ] && [ -f "$SLURM_CONF" ]; then
    scancel --quiet --full --user=root 2>/dev/null
    for _ in $(seq 20); do
      squeue --noheader 2>/dev/null | grep -q . || break
      sleep 0.5
    done
  fi
  for daemon in slurmd slurmctld munged; do
    [ -f "$work/$daemon.pid" ] && kill "$(cat "$work/$daemon.pid")" 2>/dev/null
  done
  sleep 1
  for daemon in slurmd slurmctld munged; do
    [ -f "$work/$daemon.pid" ] && kill -9 "$(cat "$work/$daemon.pid")" 2>/dev/null
  done
  if [ -n "${SCALE_CHECK_KEEP:-}" ]; then echo "scale-check: kept $work" >&2; else rm -rf "$work"; fi
}
trap stop EXIT
trap 'exit 130' INT TERM

# munge, with its key, socket and files in $work (not the system's /etc/munge or /run/munge).
dd if=/dev/urandom of="$work/munge.key" bs=1024 count=1 status=none
chmod 400 "$work/munge.key"
munged --force --key-file="$work/munge.key" --socket="$work/munge.socket" --pid-file="$work/munged.pid" \
  --log-file="$work/munged.log" --seed-file="$work/munged.seed" 2>"$work/munged.err" ||
  fail "munged did not start: $(cat "$work/munged.err" "$work/munged.log" 2>/dev/null | tail -3)"

# Slurm: one node, this machine, every core; ports away from a Slurm the machine may run already.
host=$(hostname -s)
port=$((20000 + RANDOM % 20000))
mkdir -p "$work/state" "$work/spool" "$work/logs"
export SLURM_CONF="$work/slurm.conf"
cat >"$SLURM_CONF" <<CONF
ClusterName=otpbridge-check
SlurmctldHost=$host
SlurmctldPort=$port
SlurmdPort=$((port + 1))
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$work/munge.socket
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
NodeName=$host CPUs=$(nproc) State=UNKNOWN
PartitionName=check Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
slurmctld -f "$SLURM_CONF" || fail "slurmctld did not start: $(tail -3 "$work/slurmctld.log")"
slurmd -f "$SLURM_CONF" -N "$host" || fail "slurmd did not start: $(tail -3 "$work/slurmd.log")"
for _ in $(seq 60); do
  state=$(sinfo --noheader --nodes="$host" --format=%t 2>/dev/null || true)
  [ "$state" = "idle" ] && break
  sleep 1
done
[ "$state" = "idle" ] || fail "the node is '$state', not idle: $(tail -3 "$work/slurmd.log")"
say "Slurm $(sinfo --version | cut -d' ' -f2) is up on $host ($(nproc) cores)"

# The tenant: small otpauth lists, and every ${encrypted_every}th user an encrypted Aegis vault
# (password in a 0600 file the manifest names); three users fail (a missing export, a wrong password, a row without inputs).
tenant="$work/tenant"
mkdir -p "$tenant/exports" "$tenant/secrets"
chmod 700 "$tenant/secrets"
printf 'correct horse battery staple\n' >"$tenant/secrets/vault-password.txt"
printf 'not the password\n' >"$tenant/secrets/wrong-password.txt"
chmod 600 "$tenant/secrets"/*.txt
"$binary" convert examples/otpauth/accounts.txt --to aegis --new-password-file "$tenant/secrets/vault-password.txt" \
  -o "$tenant/exports/vault.json" --allow-lossy --quiet
manifest="$tenant/manifest.csv"
{
  echo "user,inputs,password_file"
  for index in $(seq 1 "$users"); do
    id="user$index@example.org"
    if [ "$index" -eq 7 ]; then
      echo "$id,exports/missing.txt,"
    elif [ "$index" -eq 40 ]; then
      echo "$id,exports/vault.json,secrets/wrong-password.txt"
    elif [ "$index" -eq 41 ]; then
      echo "$id,,"
    elif [ $((index % encrypted_every)) -eq 0 ]; then
      echo "$id,exports/vault.json,secrets/vault-password.txt"
    else
      printf 'otpauth://totp/Example:%s?secret=%s&issuer=Example\n' "$id" \
        "$(printf '%s' "$id" | sha256sum | cut -c1-32 | tr '0-9a-f' 'A-P')" >"$tenant/exports/user$index.txt"
      echo "$id,exports/user$index.txt,"
    fi
  done
} >"$manifest"

# The sharded run, as an admin would submit it.
shared="$work/shared"
ids=$(MANIFEST="$manifest" SHARED_OUT="$shared" SHARDS=$shards TARGET=otpauth OTPBRIDGE="$binary" \
  LOCAL_SCRATCH="$work/scratch" examples/scale-out/slurm/submit.sh --chdir="$work/logs")
array=${ids% *}
merge=${ids#* }
say "submitted the $shards-task array $array and the merge $merge"
submitted=$(date +%s)
while squeue --noheader --jobs="$array,$merge" 2>/dev/null | grep -q .; do
  [ $(($(date +%s) - submitted)) -lt 1200 ] || fail "the jobs did not end in 20 minutes: $(squeue)"
  sleep 2
done
sharded=$(($(date +%s) - submitted))
[ -f "$shared/merged.json" ] || fail "no merged report: $(tail -5 "$work"/logs/*.log)"
for index in $(seq 0 $((shards - 1))); do
  [ -f "$shared/shard-$index/report.json" ] || fail "shard $index wrote no report: $(tail -5 "$work"/logs/otpbridge-tenant-*_"$index".log)"
done
say "the array and the merge ended in ${sharded} s"

# The same tenant in one run on this machine.
whole="$work/whole"
unsharded_start=$(date +%s)
set +e
"$binary" tenant migrate "$manifest" --to otpauth --jobs "$(nproc)" --out "$whole" --quiet 2>"$work/logs/unsharded.log"
code=$?
set -e
[ "$code" -eq 5 ] || fail "the unsharded run exited $code, not 5 (three users fail)"
unsharded=$(($(date +%s) - unsharded_start))

# The merged report is the unsharded one (users in manifest order, the same summary), and every
# user's converted file and findings are byte for byte the same.
python3 - "$shared/merged.json" "$whole/report.json" "$users" <<'PY'
import json, sys
merged, whole, users = json.load(open(sys.argv[1])), json.load(open(sys.argv[2])), int(sys.argv[3])
assert merged["shards"] == ["0/4", "1/4", "2/4", "3/4"], merged["shards"]
assert len(whole["users"]) == users, len(whole["users"])
assert merged["users"] == whole["users"], "the merged users differ from the unsharded run's"
assert merged["summary"] == whole["summary"], (merged["summary"], whole["summary"])
failed = [u["user"] for u in whole["users"] if u["status"] == "failed"]
assert failed == ["user7@example.org", "user40@example.org", "user41@example.org"], failed
PY
compared=0
while IFS= read -r -d '' file; do
  relative=${file#"$whole"/}
  matches=("$shared"/shard-*/"$relative")
  [ ${#matches[@]} -eq 1 ] && [ -f "${matches[0]}" ] || fail "$relative is in no shard or in several"
  cmp -s "$file" "${matches[0]}" || fail "$relative differs between the sharded and the unsharded run"
  compared=$((compared + 1))
done < <(find "$whole/users" -type f -print0)
in_shards=$(find "$shared"/shard-*/users -type f | wc -l)
[ "$in_shards" -eq "$compared" ] || fail "the shards hold $in_shards user files, the unsharded run $compared"
[ "$compared" -eq $(((users - 3) * 2)) ] || fail "$compared user files, expected $(((users - 3) * 2))"

say "PASSED: $users users ($((users / encrypted_every)) encrypted) in $shards Slurm shards (${sharded} s with the merge) equal one run (${unsharded} s): the merged report and $compared files; $(($(date +%s) - started)) s in all"
