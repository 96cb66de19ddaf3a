#!/bin/sh
# Queues a tenant on Slurm: an array of SHARDS tasks (tenant.sbatch), then the merge
# (merge.sbatch) as a job that starts when every task has ended, however it ended.
#   MANIFEST=/shared/tenant/manifest.csv SHARED_OUT=/shared/tenant/out SHARDS=16 \
#     examples/scale-out/slurm/submit.sh [more sbatch options, e.g. --partition=batch]
# Prints the two job ids. Watch with `squeue --me`; the merged report is SHARED_OUT/merged.html.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
: "${MANIFEST:?}" "${SHARED_OUT:?}"
shards=${SHARDS:-4}
mkdir -p -m 700 "$SHARED_OUT"
array=$(sbatch --parsable --export=ALL --array=0-$((shards - 1)) "$@" "$here/tenant.sbatch")
merge=$(sbatch --parsable --export=ALL --dependency=afterany:"$array" "$@" "$here/merge.sbatch")
echo "$array $merge"
