#!/usr/bin/env bash
# Broadcast, side by side: Tribune and Centrifugo v6 on this machine. For
# each audience, the highest publish rate at which every message reaches
# every subscriber (none lost) with p99 <= P99_MAX_MS, searched for each
# server in alternation (tribune, centrifugo, tribune, ...) so that both
# see the same machine. One publisher, ~100-byte timestamped texts: Tribune's
# moderator announcing, Centrifugo's client-side publish into one channel
# (`tribune load -scenario broadcast`, cmd/tribune/load_broadcast.go).
# Every run gets a fresh server; the generator runs in a process of its own.
#
# Loopback only. Bounded: runs of DURATION, at most STEPS per server and
# audience, no run started past BUDGET seconds; under 25 minutes with the
# defaults. Not part of scripts/test.sh. A quick check:
#
#   AUDIENCES=1000 DURATION=5s STEPS=3 scripts/bench-broadcast.sh
#
# Centrifugo is not in this repository; build it with
#   GOBIN=/opt/centrifugo-bin go install github.com/centrifugal/centrifugo/v6@v6.9.1
set -u
# A load test is thousands of newcomers at once: no per-meeting limit
# (tribune serve -joins-per-minute; binaries before it ignore this).
export TRIBUNE_JOINS_PER_MINUTE=-1
cd "$(dirname "$0")/.."
# The generator is always this tree's; the server is too unless
# TRIBUNE_BIN names another build.
gen=/tmp/tribune-bench
bin=${TRIBUNE_BIN:-$gen}
centrifugo=${CENTRIFUGO_BIN:-/opt/centrifugo-bin/centrifugo}
audiences=${AUDIENCES:-1000 5000 10000}
duration=${DURATION:-10s}
steps=${STEPS:-6}                 # runs per server and audience
budget=${BUDGET:-1380}            # seconds after which no run starts
p99max=${P99_MAX_MS:-250}
first=${FIRST_DELIVERIES:-100000} # the first rate tried: this many deliveries/s over the audience
maxrate=${MAX_RATE:-20000}
tport=${TRIBUNE_PORT:-18095}
cport=${CENTRIFUGO_PORT:-18096}

[ -x "$centrifugo" ] || { echo "bench-broadcast: no centrifugo at $centrifugo (CENTRIFUGO_BIN)" >&2; exit 1; }
go build -o "$gen" ./cmd/tribune || exit 1
dir=$(mktemp -d)
server=
trap '[ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$dir"' EXIT

secret=$(head -c 24 /dev/urandom | base64 | tr -d '/+=')
cat >"$dir/centrifugo.json" <<EOF
{
  "http_server": {"address": "127.0.0.1", "port": $cport},
  "log": {"level": "error"},
  "engine": {"type": "memory"},
  "health": {"enabled": true},
  "usage_stats": {"disabled": true},
  "http_api": {"key": "$(head -c 24 /dev/urandom | base64 | tr -d '/+=')"},
  "client": {
    "token": {"hmac_secret_key": "$secret"},
    "allowed_origins": ["http://127.0.0.1:$cport"]
  },
  "channel": {
    "without_namespace": {
      "allow_subscribe_for_client": true,
      "allow_publish_for_subscriber": true
    }
  }
}
EOF

# start SERVER: a fresh server, its pid in $server, its URL for the
# generator in $url, once it answers its health check.
start() {
  case $1 in
  tribune)
    rm -f "$dir"/t.db*
    "$bin" serve -addr "127.0.0.1:$tport" -db "$dir/t.db" -log-level warn >/dev/null 2>"$dir/tribune.log" &
    server=$!
    url=http://127.0.0.1:$tport
    health=$url/healthz
    ;;
  centrifugo)
    "$centrifugo" -c "$dir/centrifugo.json" >"$dir/centrifugo.log" 2>&1 &
    server=$!
    url=ws://127.0.0.1:$cport/connection/websocket
    health=http://127.0.0.1:$cport/health
    ;;
  esac
  for _ in $(seq 50); do
    curl -sf -o /dev/null "$health" && return 0
    sleep 0.2
  done
  echo "bench-broadcast: $1 did not start:" >&2
  cat "$dir/$1.log" >&2
  exit 1
}

stop() {
  kill "$server" 2>/dev/null
  wait "$server" 2>/dev/null
  server=
  sleep 2
}

# field NAME: a value of the generator's "broadcast:" line in $line.
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$line"; }

# measure SERVER AUDIENCE RATE: one run; sets $line, returns 0 if it met
# the target.
measure() {
  local s=$1 aud=$2 rate=$3
  start "$s"
  echo "=== $s, $aud subscribers, $rate msgs/s for $duration (load average $(cut -d' ' -f1-3 /proc/loadavg))"
  timeout 600 "$gen" load -scenario broadcast -target "$s" -url "$url" -secret "$secret" -pid "$server" \
    -participants "$aud" -rate "$rate" -duration "$duration" -settle 20s >"$dir/out" 2>&1
  grep -v '^load: conn' "$dir/out"
  stop
  line=$(grep '^broadcast:' "$dir/out")
  [ -n "$line" ] && [ "$(field lost)" = 0 ] && [ "$(field refused)" = 0 ] &&
    awk -v p="$(field p99_ms)" -v m="$p99max" 'BEGIN { exit !(p <= m) }'
}

# The chart's figures: the highest rate that held, by server and audience.
mkdir -p scripts/figures
tsv=scripts/figures/broadcast.tsv
# Keep the figures of the audiences this run does not measure.
touch "$tsv"
for aud in $audiences; do
  awk -F'\t' -v a="$aud" '$2 != a' "$tsv" >"$tsv.new" && mv "$tsv.new" "$tsv"
done
declare -A lo hi runs p99 dps finished
servers="tribune centrifugo"
table=()
for aud in $audiences; do
  start_rate=$(( first / aud > 0 ? first / aud : 1 ))
  for s in $servers; do lo[$s]=0 hi[$s]=0 runs[$s]=0 p99[$s]=- dps[$s]=- finished[$s]=; done
  while :; do
    ran=
    for s in $servers; do
      [ -n "${finished[$s]}" ] && continue
      if (( SECONDS > budget )); then
        echo "bench-broadcast: over the budget of $budget s, $s at $aud stops here" >&2
        finished[$s]=cut
        continue
      fi
      # Double from the first rate while it holds, halve while it does
      # not, then halve the gap until it is within an eighth.
      if (( hi[$s] == 0 )); then
        rate=$(( lo[$s] > 0 ? lo[$s] * 2 : start_rate ))
      elif (( lo[$s] == 0 )); then
        rate=$(( hi[$s] / 2 ))
      else
        rate=$(( (lo[$s] + hi[$s]) / 2 ))
      fi
      if measure "$s" "$aud" "$rate"; then
        lo[$s]=$rate p99[$s]=$(field p99_ms) dps[$s]=$(field deliveries_per_s)
      else
        hi[$s]=$rate
      fi
      ran=1
      runs[$s]=$(( runs[$s] + 1 ))
      if (( runs[$s] >= steps || lo[$s] >= maxrate || (hi[$s] > 0 && (hi[$s] - lo[$s]) * 8 <= lo[$s]) ||
        (hi[$s] > 0 && hi[$s] <= 1) || (hi[$s] > 0 && hi[$s] - lo[$s] <= 1) )); then
        finished[$s]=1
      fi
    done
    [ -z "$ran" ] && break
  done
  row="$aud"
  for s in $servers; do
    best=${lo[$s]}
    if (( lo[$s] == 0 && hi[$s] > 0 )); then
      best="<${hi[$s]}" # not even the lowest rate tried
    elif [ "${finished[$s]}" = cut ] || (( hi[$s] == 0 )); then
      best+='+' # the search stopped before a rate failed: at least this much
    fi
    row+=" $best ${p99[$s]} ${dps[$s]}"
  done
  for s in $servers; do printf '%s\t%s\t%s\n' "$s" "$aud" "${lo[$s]}" >>"$tsv"; done
  table+=("$row $(awk -v t="${lo[tribune]}" -v c="${lo[centrifugo]}" 'BEGIN { if (c > 0) printf "%.2f", t / c; else print "-" }')")
done

echo
echo "Highest rate with none lost and p99 <= $p99max ms, runs of $duration
('+': the search stopped before a rate failed; '<': even the lowest rate tried failed):"
printf '%-9s | %-12s %-10s %-13s | %-12s %-10s %-13s | %s\n' audience "tribune/s" "p99 ms" "deliveries/s" "centrifugo/s" "p99 ms" "deliveries/s" "tribune/centrifugo"
for row in "${table[@]}"; do
  # shellcheck disable=SC2086
  printf '%-9s | %-12s %-10s %-13s | %-12s %-10s %-13s | %s\n' $row
done
scripts/bench-charts.sh
