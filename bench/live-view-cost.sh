#!/usr/bin/env bash
# The cost of the live view's server gauges: alternating runs of `perflab load`
# with the live view (under `script`, a terminal) and without it (--json to a
# pipe), PAIRS times each, against the running lab. Prints each pair and the
# mean and median of the goodput ratio.
# Usage: bash bench/live-view-cost.sh [PAIRS] [DURATION]   (lab up first: `perflab up --stage 6`)
set -euo pipefail
pairs=${1:-6}
duration=${2:-10}
bin=${PERFLAB:-perflab}
command -v script >/dev/null || { echo "needs script(1) (util-linux)" >&2; exit 2; }
ratios=()
for i in $(seq "$pairs"); do
  off=$("$bin" load --duration "$duration" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["goodput_rps"])')
  on=$(script -qec "$bin load --duration $duration" /dev/null | tr '\r' '\n' \
       | sed -n 's/^ *goodput *\([0-9.]*\) 2xx\/s.*/\1/p' | tail -1)
  [ -n "$on" ] || { echo "no goodput in the live run's summary" >&2; exit 1; }
  r=$(python3 -c "print(f'{$on/$off:.4f}')")
  ratios+=("$r")
  echo "pair $i: without live view $off 2xx/s, with it $on 2xx/s, ratio $r"
done
python3 - "${ratios[@]}" <<'PY'
import statistics, sys
r = [float(x) for x in sys.argv[1:]]
print(f"live view / no live view goodput: mean {statistics.mean(r):.4f}, median {statistics.median(r):.4f} over {len(r)} pairs")
PY

# The same cost as CPU, with the lab idle: busy CPU-seconds of this whole machine
# (/proc/stat) over DURATION seconds of nothing, of the live view's gauge loop
# (`perflab dev gauges`), and of a full probe every second (`perflab probe
# --watch`, which the live view ran before it had its own loop).
# After the load runs the lab holds ~30k TIME_WAIT sockets for a minute, which
# makes any full probe (its `ss` listing) dearer: let them go first.
sleep 65
busy() { awk '/^cpu /{print $2+$3+$4+$7+$8}' /proc/stat; }
hz=$(getconf CLK_TCK)
cpu_of() { local b a; b=$(busy); "$@" >/dev/null 2>&1 || true; a=$(busy); python3 -c "print(f'{($a-$b)/$hz:.2f}')"; }
idle=$(cpu_of sleep "$duration")
gauges=$(cpu_of "$bin" dev gauges --seconds "$duration")
full=$(cpu_of timeout -s INT "$duration" "$bin" probe --watch --json)
echo "busy CPU-seconds over ${duration} s (the machine has $((2 * duration))): idle $idle, gauge loop $gauges, full probe every second $full"
