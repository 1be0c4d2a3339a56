#!/usr/bin/env bash
# The load runs of BENCHMARKS.md ("Single node"), each against a fresh
# server on a temporary database, twice. Loopback only; about 5 minutes.
# Run it on a quiet machine: the generator shares the cores with the server.
set -u
cd "$(dirname "$0")/.."
bin=${TRIBUNE_BIN:-/tmp/tribune-bench}
go build -o "$bin" ./cmd/tribune || exit 1
db=$(mktemp -d)
trap 'rm -rf "$db"' EXIT
addr=127.0.0.1:18090

run() {
  rm -f "$db"/load.db*
  "$bin" serve -addr "$addr" -db "$db/load.db" -log-level warn >/dev/null 2>&1 &
  local pid=$!
  sleep 1
  echo "=== tribune load $* (load average $(cut -d' ' -f1-3 /proc/loadavg))"
  "$bin" load -url "http://$addr" -pid "$pid" "$@" 2>&1 | grep -v '^load: conn'
  # The server's own view of acknowledgement times.
  curl -s "http://$addr/metrics" | grep -E '^tribune_ack_seconds_(bucket\{le="0.0(1|5)"\}|count)|^tribune_commit_seconds_(sum|count)'
  kill "$pid"
  wait "$pid" 2>/dev/null
  sleep 3
}

for _ in 1 2; do
  run -participants 10000 -window 10s
  run -participants 5000 -scenario steady -upvotes 200 -questions 1 -duration 20s
  run -participants 2000 -scenario steady -upvotes 2000 -duration 15s
done
run -participants 5000 -scenario idle -duration 15s
