#!/usr/bin/env bash
# The runs of BENCHMARKS.md "Primary and edges": the same steady meeting of
# 5,000 participants on one embedded node, then on a primary and two edges
# around a throw-away redis-server, at a 200 ms tick with 50 upvotes/s and
# at the defaults with 200 upvotes/s; then votes within 10 s on the
# cluster at VOTERS (default 1,000, 5,000 and 10,000: the p99 chart's
# cluster line, scripts/figures/cluster.tsv), and BIG=1 adds the check of
# BENCHMARKS.md's model: 18,000 voters within 20 s, 9,000 on each edge.
# TRIBUNE_BIN=/path runs another build's servers (the generator stays this
# tree's). Loopback only; about 10 minutes (15 with BIG=1).
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
command -v redis-server >/dev/null || { echo "bench-cluster: needs redis-server" >&2; exit 1; }
db=$(mktemp -d)
rport=6390
redis-server --port "$rport" --save '' --appendonly no >/dev/null 2>&1 &
redis=$!
trap 'kill $redis 2>/dev/null; rm -rf "$db"' EXIT
sleep 1
redis_url=redis://127.0.0.1:$rport

cpu() { awk '{printf "%.1f s", ($14+$15)/100}' "/proc/$1/stat"; }
rss() { awk '/VmHWM/{printf "%.0f MiB", $2/1024}' "/proc/$1/status"; }
publishes() { redis-cli -p "$rport" info commandstats | sed -n 's/^cmdstat_publish:calls=\([0-9]*\),.*/\1/p'; }
steady() { "$gen" load -participants 5000 -scenario steady -questions 1 -duration 20s "$@" 2>&1 | grep -v '^load: conn'; }

embedded() { # upvotes, then serve flags
  local up=$1
  shift
  rm -f "$db"/e.db*
  "$bin" serve -addr 127.0.0.1:18091 -db "$db/e.db" -log-level warn "$@" >/dev/null 2>&1 &
  local p=$!
  sleep 1
  echo "=== embedded, upvotes $up, $* (load average $(cut -d' ' -f1-3 /proc/loadavg))"
  steady -url http://127.0.0.1:18091 -pid "$p" -upvotes "$up"
  echo "server: cpu $(cpu $p), peak $(rss $p)"
  kill "$p"
  wait "$p" 2>/dev/null
  sleep 3
}

ulimit -n 20000 2>/dev/null || echo "bench-cluster: cannot raise the file limit" >&2
out=$db/out

# start_cluster serve flags: a primary and two edges; pids in $p $a $b.
start_cluster() {
  redis-cli -p "$rport" flushall >/dev/null
  redis-cli -p "$rport" config resetstat >/dev/null
  rm -f "$db"/p.db*
  "$bin" serve -role primary -redis "$redis_url" -db "$db/p.db" -addr 127.0.0.1:18092 -log-level warn "$@" >/dev/null 2>&1 &
  p=$!
  sleep 1
  "$bin" serve -role edge -redis "$redis_url" -addr 127.0.0.1:18093 -node-id edge-a -log-level warn "$@" >/dev/null 2>&1 &
  a=$!
  "$bin" serve -role edge -redis "$redis_url" -addr 127.0.0.1:18094 -node-id edge-b -log-level warn "$@" >/dev/null 2>&1 &
  b=$!
  sleep 2
}

stop_cluster() {
  echo "primary: cpu $(cpu $p), peak $(rss $p); edge-a: cpu $(cpu $a), peak $(rss $a); edge-b: cpu $(cpu $b), peak $(rss $b)"
  kill "$p" "$a" "$b"
  wait "$p" "$a" "$b" 2>/dev/null
  sleep 3
}

vote() { # participants, window
  start_cluster
  echo "=== primary + 2 edges, $1 voters within $2 (load average $(cut -d' ' -f1-3 /proc/loadavg))"
  "$gen" load -participants "$1" -window "$2" -url http://127.0.0.1:18093,http://127.0.0.1:18094 2>&1 | grep -v '^load: conn' | tee "$out"
  stop_cluster
  [ "$2" = 10s ] && printf 'primary + 2 edges\t%s\t%s\n' "$1" "$(sed -n 's/^propagation: .*p99 \([0-9.]*\) ms.*/\1/p' "$out")" >>"$tsv"
}

cluster() { # upvotes, then serve flags
  local up=$1
  shift
  start_cluster "$@"
  echo "=== primary + 2 edges, upvotes $up, $* (load average $(cut -d' ' -f1-3 /proc/loadavg))"
  # PUBLISH calls over 10 s of the steady phase.
  ( sleep 12; n0=$(publishes); sleep 10; echo "redis: $(( ($(publishes) - n0) / 10 )) PUBLISH/s" ) &
  local sampler=$!
  steady -url http://127.0.0.1:18093,http://127.0.0.1:18094 -upvotes "$up"
  wait "$sampler"
  stop_cluster
}

embedded 50 -tick 200ms
cluster 50 -tick 200ms
embedded 200
cluster 200
mkdir -p scripts/figures
tsv=scripts/figures/cluster.tsv
: >"$tsv"
for n in ${VOTERS:-1000 5000 10000}; do
  vote "$n" 10s
done
if [ "${BIG:-0}" = 1 ]; then
  vote 18000 20s
fi
scripts/bench-charts.sh
