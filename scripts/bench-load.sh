#!/usr/bin/env bash
# The load runs of BENCHMARKS.md ("Single node"), each against a fresh
# server on a temporary database. Loopback only; about 10 minutes. Run it on
# a quiet machine: the generator shares the cores with the server (each in
# a process of its own: 15,000 connections need both file tables).
#
#   RUNS=2          how many times each run is made
#   VOTERS="1000 5000 10000 15000"   audiences of the vote run
#   BEFORE=/path    also run this other tribune binary's server, alternating
#                   with this tree's (before/after tables); the generator
#                   is this tree's for both
#   TRIBUNE_BIN=/path  the server to measure instead of this tree's
#
# It ends by writing scripts/figures/single-node.tsv (vote p99 by audience)
# and redrawing scripts/figures/p99-participants.svg (bench-charts.sh).
set -u
# A load test is thousands of newcomers at once: no per-meeting limit
# (tribune serve -joins-per-minute; binaries before it ignore this).
export TRIBUNE_JOINS_PER_MINUTE=-1
cd "$(dirname "$0")/.."
# The generator is always this tree's; the server is too unless
# TRIBUNE_BIN names another build (an earlier commit's, for before/after
# figures measured by the same generator).
gen=/tmp/tribune-bench
go build -o "$gen" ./cmd/tribune || exit 1
bin=${TRIBUNE_BIN:-$gen}
runs=${RUNS:-2}
voters=${VOTERS:-1000 5000 10000 15000}
db=$(mktemp -d)
trap 'rm -rf "$db"' EXIT
addr=127.0.0.1:18090
ulimit -n 20000 2>/dev/null || echo "bench-load: cannot raise the file limit: 15,000 connections will fail" >&2
tsv=scripts/figures/single-node.tsv
mkdir -p scripts/figures
out=$db/out

run() { # binary, then load flags
  local b=$1
  shift
  rm -f "$db"/load.db*
  "$b" serve -addr "$addr" -db "$db/load.db" -log-level warn >/dev/null 2>&1 &
  local pid=$!
  sleep 1
  echo "=== $(basename "$b") load $* (load average $(cut -d' ' -f1-3 /proc/loadavg))"
  "$gen" load -url "http://$addr" -pid "$pid" "$@" 2>&1 | grep -v '^load: conn' | tee "$out"
  # The server's own view: acknowledgement times and patches sent.
  curl -s "http://$addr/metrics" | grep -E '^tribune_ack_seconds_(bucket\{le="0.0(1|5)"\}|count)|^tribune_commit_seconds_(sum|count)|^tribune_patches_total\{role="participant"\}'
  kill "$pid"
  wait "$pid" 2>/dev/null
  sleep 3
}

# p99 of the last run's propagation, in ms.
p99() { sed -n 's/^propagation: .*p99 \([0-9.]*\) ms.*/\1/p' "$out"; }

binaries=("$bin")
[ -n "${BEFORE:-}" ] && binaries=("$BEFORE" "$bin")
: >"$tsv.new"
for _ in $(seq "$runs"); do
  for n in $voters; do
    for b in "${binaries[@]}"; do
      run "$b" -participants "$n" -window 10s
      [ "$b" = "$bin" ] && printf 'one node\t%s\t%s\n' "$n" "$(p99)" >>"$tsv.new"
    done
  done
  for b in "${binaries[@]}"; do
    run "$b" -participants 5000 -scenario steady -upvotes 200 -questions 1 -duration 20s
    run "$b" -participants 2000 -scenario steady -upvotes 2000 -duration 15s
  done
done
for b in "${binaries[@]}"; do
  run "$b" -participants 5000 -scenario idle -duration 15s
done
# The best of the runs at each audience is what the chart shows; every run
# is in the log above.
sort -t$'\t' -k2,2n -k3,3n "$tsv.new" | awk -F'\t' '!seen[$2]++' >"$tsv" && rm -f "$tsv.new"
scripts/bench-charts.sh
