#!/usr/bin/env bash
# Load test of the bridge's /js-sdk (warm ticket) against a bare net/http
# handler, both with wrk -t2 -c64 over loopback in the same run, then the
# /userinfo run of bridgeload. Not run in CI (it needs wrk and quiet cores);
# results go into BENCHMARKS.md by hand.
#
#   bench/wrk.sh                       # 3 rounds of 10 s per server
#   ROUNDS=5 DURATION=20s bench/wrk.sh
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)"; exit 2; }
DURATION="${DURATION:-10s}"
tmp=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT

export GOTOOLCHAIN=local
go build -o "$tmp/bridge" ./examples/taxcloud-bridge
go build -o "$tmp/bare" ./bench/bare
go build -o "$tmp/bridgeload" ./bench/bridgeload

"$tmp/bare" -listen 127.0.0.1:18081 & pids+=($!)
LISTEN_ADDR=127.0.0.1:18080 "$tmp/bridge" -demo >"$tmp/demo.txt" 2>"$tmp/bridge.log" & pids+=($!)
for _ in $(seq 100); do
  curl -fs http://127.0.0.1:18080/healthz >/dev/null 2>&1 && curl -fs http://127.0.0.1:18081/ >/dev/null 2>&1 && break
  sleep 0.1
done
# A freshly signed /js-sdk URL (valid for the signing window, 300 s).
jsurl=$(curl -fs http://127.0.0.1:18080/demo | sed -n "s/^curl '\(.*\/js-sdk?.*\)'$/\1/p")
[ -n "$jsurl" ] || { echo "no /js-sdk URL from the demo"; exit 1; }
curl -fs "$jsurl" | grep -q '"code":"0000"' || { echo "warm-up /js-sdk call failed"; exit 1; }

# The machine is shared and noisy: alternate the two servers for ROUNDS
# rounds and compare medians, so that a slow moment hits both alike.
ROUNDS="${ROUNDS:-3}"
bare_rps=(); bridge_rps=()
for r in $(seq "$ROUNDS"); do
  echo "== round $r: bare net/http handler"
  wrk -t2 -c64 -d"$DURATION" --latency http://127.0.0.1:18081/ | tee "$tmp/bare.txt"
  echo "== round $r: bridge /js-sdk (warm ticket)"
  wrk -t2 -c64 -d"$DURATION" --latency "$jsurl" | tee "$tmp/bridge.txt"
  bare_rps+=("$(awk '/Requests\/sec/ {print $2}' "$tmp/bare.txt")")
  bridge_rps+=("$(awk '/Requests\/sec/ {print $2}' "$tmp/bridge.txt")")
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
bare=$(median "${bare_rps[@]}")
bridge=$(median "${bridge_rps[@]}")
echo
echo "bare    req/s per round: ${bare_rps[*]}"
echo "/js-sdk req/s per round: ${bridge_rps[*]}"
awk -v a="$bridge" -v b="$bare" 'BEGIN { printf "/js-sdk: median %.0f req/s = %.1f%% of the bare handler (median %.0f req/s)\n", a, 100*a/b, b }'
# Every answer must have been a success: the access log counts them.
echo "non-0000 answers during the run: $(grep -c '"result":"[1-9]' "$tmp/bridge.log" || true)"

echo
echo "== bridge /userinfo against wecomtest"
"$tmp/bridgeload" -bridge "$tmp/bridge" -n 10000 -c 64
