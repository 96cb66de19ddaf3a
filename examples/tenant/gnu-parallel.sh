#!/bin/sh
# One tenant in 4 shards on this machine or, with parallel's --sshlogin, on 4 machines that share
# the folder. {#} counts from 1, --shard from 0. --resume makes a re-run continue each shard.
# Usage: examples/tenant/gnu-parallel.sh MANIFEST OUT
set -u
manifest=$1 out=$2 shards=4
seq 0 $((shards - 1)) | parallel --line-buffer --tag \
  otpbridge tenant migrate "$manifest" --to otpauth --jobs 1 --shard {}/$shards --out "$out/shard-{}" --resume
# Exit code 5 from a shard means some of its users failed: the merged report says which.
otpbridge tenant merge "$out"/shard-*/report.json -o "$out/merged.json"
