#!/usr/bin/env bash
# Redraws the charts of BENCHMARKS.md from the figures the bench scripts
# wrote in scripts/figures/*.tsv (series<TAB>x<TAB>y lines).
set -u
cd "$(dirname "$0")/.."
f=scripts/figures
chart() { go run ./scripts/chart "$@"; }
if [ -f "$f/single-node.tsv" ] || [ -f "$f/cluster.tsv" ]; then
  cat "$f"/single-node.tsv "$f"/cluster.tsv 2>/dev/null |
    chart -title "A vote within 10 s: p99 from a ballot to every screen" -x "participants" -y "p99 (ms)" -target 250 >"$f/p99-participants.svg"
fi
if [ -f "$f/broadcast.tsv" ]; then
  chart -bars -title "Broadcast: highest rate with none lost and p99 <= 250 ms" -x "subscribers" -y "distinct messages per second" <"$f/broadcast.tsv" >"$f/broadcast.svg"
fi
ls -l "$f"/*.svg 2>/dev/null
