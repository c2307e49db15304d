#!/usr/bin/env bash
# The storm under open-loop arrivals. The storm state is the course's state after
# conntrack is fixed and before the ports are: every other fault of stage 0 in
# place (`perflab up --stage 0 --set conntrack_fill=false`). Closed loop, it flaps
# between a regime of fast 502s and a flowing one. Is that the clients' doing
# (closed-loop clients send again at once after a fast 502) or the server's?
#
# In its own lab (PERFLAB_LAB=stormrate, removed at the end) the script measures
# the state closed loop with the standard load (`perflab load --settle --json`:
# 1000 connections, 10 s) RUNS times, then open loop with `--rate` (on up to the
# same 1000 connections) at two rates taken from those runs, alternating, RUNS
# times each:
#   - "rate=total":   the mean total response rate (any status) the closed-loop
#                     runs got: the same offered load as the closed-loop clients sent;
#   - "rate=goodput": the mean goodput (2xx/s) they got: what the server delivered,
#                     offered steadily.
# Writes bench/results/storm-rate.json (every run's `perflab load --json`, less the
# server's deltas: goodput, total rate, late requests, p99 corrected and
# uncorrected, per-second goodput), then bench/storm-rate-table.py makes
# bench/results/storm-rate.md from it.
#
#   bash bench/storm-rate.sh [RUNS]      (default 5)
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-5}"
case "$runs" in
  ''|*[!0-9]*) echo "storm-rate: RUNS must be a whole number from 2 to 20, not ${runs:-nothing}" >&2; exit 2 ;;
esac
if [ "$runs" -lt 2 ] || [ "$runs" -gt 20 ]; then echo "storm-rate: RUNS must be from 2 to 20, not $runs" >&2; exit 2; fi
command -v jq >/dev/null || { echo "storm-rate: needs jq" >&2; exit 2; }
# PERFLAB: a built perflab to use instead of building this tree.
bin=${PERFLAB:-}
if [ -z "$bin" ]; then
  nice -n 19 cargo build --release --locked -q
  bin="$PWD/target/release/perflab"
fi
work=$(mktemp -d)
export PERFLAB_LAB=stormrate PERFLAB_STATE_DIR="$work/state"
cleanup() { "$bin" down >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT
: >"$work/runs.jsonl"

# One settled run of the standard load; its JSON tagged with mode, rate and round.
measure() { # mode round [rate]
  local mode=$1 round=$2 rate=${3:-}
  echo "storm-rate: $mode${rate:+ ($rate/s)}, run $round of $runs" >&2
  if [ -n "$rate" ]; then
    "$bin" load --settle --json --rate "$rate" >"$work/load.json" 2>/dev/null
  else
    "$bin" load --settle --json >"$work/load.json" 2>/dev/null
  fi
  jq -c --arg mode "$mode" --argjson round "$round" 'del(.deltas) + {mode: $mode, round: $round}' \
    "$work/load.json" >>"$work/runs.jsonl"
}

"$bin" down >/dev/null
"$bin" up --stage 0 --set conntrack_fill=false >/dev/null
for i in $(seq 1 "$runs"); do measure closed "$i"; done
total=$(jq -s '[.[] | select(.mode == "closed") | .total_rps] | add / length | round' "$work/runs.jsonl")
goodput=$(jq -s '[.[] | select(.mode == "closed") | .goodput_rps] | add / length | round' "$work/runs.jsonl")
echo "storm-rate: closed loop gave $total responses/s and $goodput 2xx/s on average" >&2
for i in $(seq 1 "$runs"); do
  measure rate=total "$i" "$total"
  measure rate=goodput "$i" "$goodput"
done
"$bin" down >/dev/null

python3 - "$runs" "$work/runs.jsonl" <<'PY'
import json, sys
runs_n, path = int(sys.argv[1]), sys.argv[2]
runs = [json.loads(l) for l in open(path)]
json.dump({"format": 1, "command": f"bash bench/storm-rate.sh {runs_n}",
           "state": "perflab up --stage 0 --set conntrack_fill=false",
           "runs": runs}, open("bench/results/storm-rate.json", "w"), indent=2)
PY
python3 bench/storm-rate-table.py
