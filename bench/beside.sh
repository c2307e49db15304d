#!/usr/bin/env bash
# Load beside the lab against load from the host (PERFLAB_LOAD_FROM=host), side by side at the start of
# the last stage: N runs of each (default 3), alternated host, beside, host, ...,
# each from a settled start (`perflab load --settle`), the standard load. Prints
# every run and the ratio of the mean goodputs (beside / host), with each side's
# spread; writes bench/results/beside.json and bench/results/beside.md.
#
#   bash bench/beside.sh        (3 runs each)
#   bash bench/beside.sh 5
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-3}"
case "$runs" in
  ''|*[!0-9]*) echo "beside: N must be a whole number from 1 to 20, not ${runs:-nothing}" >&2; exit 2 ;;
esac
if [ "$runs" -lt 1 ] || [ "$runs" -gt 20 ]; then
  echo "beside: N must be from 1 to 20, not $runs" >&2; exit 2
fi
nice -n 19 cargo build --release --locked -q
bin="$PWD/target/release/perflab"
work=$(mktemp -d)
export PERFLAB_LAB=bench-beside PERFLAB_STATE_DIR="$work/state"
cleanup() { "$bin" down >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT
"$bin" down >/dev/null
"$bin" up --stage 6 >/dev/null
for i in $(seq 1 "$runs"); do
  for from in host beside; do
    echo "beside: run $i of $runs from $from" >&2
    t0=$(date +%s.%N)
    PERFLAB_LOAD_FROM="$from" "$bin" load --settle --json >"$work/$from-$i.json" 2>/dev/null
    t1=$(date +%s.%N)
    awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.2f\n", b - a}' >"$work/$from-$i.wall"
  done
done
python3 - "$runs" "$work" <<'PY'
import json, os, statistics, sys
runs, work = int(sys.argv[1]), sys.argv[2]
side = {}
for frm in ("host", "beside"):
    rs = [json.load(open(os.path.join(work, f"{frm}-{i}.json"))) for i in range(1, runs + 1)]
    side[frm] = {
        "goodput": [round(r["goodput_rps"], 1) for r in rs],
        "p99_ms": [r["latency_ms"]["p99"] for r in rs],
        "errors": [sum(r["errors"].values()) for r in rs],
        "wall_s": [float(open(os.path.join(work, f"{frm}-{i}.wall")).read()) for i in range(1, runs + 1)],
    }
mean = {k: statistics.mean(v["goodput"]) for k, v in side.items()}
spread = {k: max(v["goodput"]) / max(min(v["goodput"]), 1) for k, v in side.items()}
ratio = mean["beside"] / max(mean["host"], 1)
out = {"format": 1, "command": f"bash bench/beside.sh {runs}", "stage": 6, "runs": runs,
       "host": side["host"], "beside": side["beside"], "mean": mean,
       "spread_max_over_min": spread, "ratio_beside_over_host": ratio}
json.dump(out, open("bench/results/beside.json", "w"), indent=2)
lines = [
    "# Load beside the lab against load from the host",
    "",
    f"`bash bench/beside.sh {runs}`: stage 6's start, the standard load (1000 connections, 10 s, keep-alive),",
    "each run settled first, host and beside alternated.",
    "",
    "| run | host 2xx/s | beside 2xx/s | host p99 ms | beside p99 ms | host whole command s | beside whole command s |",
    "|---|---|---|---|---|---|---|",
]
for i in range(runs):
    lines.append(f"| {i + 1} | {side['host']['goodput'][i]:.0f} | {side['beside']['goodput'][i]:.0f} | "
                 f"{side['host']['p99_ms'][i]:.0f} | {side['beside']['p99_ms'][i]:.0f} | "
                 f"{side['host']['wall_s'][i]:.1f} | {side['beside']['wall_s'][i]:.1f} |")
lines += [
    "",
    f"Mean goodput: host {mean['host']:.0f}, beside {mean['beside']:.0f} 2xx/s; ratio beside / host **{ratio:.2f}**.",
    f"Spread (max/min) of each side's runs: host {spread['host']:.2f}, beside {spread['beside']:.2f}.",
    f"The whole `perflab load --settle` (settling, the evidence before and after, the 10 s run): median "
    f"{statistics.median(side['host']['wall_s']):.1f} s from the host, {statistics.median(side['beside']['wall_s']):.1f} s beside "
    "(the container's start and the program's copy, once per lab, are in the beside side).",
    "",
]
open("bench/results/beside.md", "w").write("\n".join(lines))
print("\n".join(lines))
PY
