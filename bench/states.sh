#!/usr/bin/env bash
# Each stage's start state reached by `perflab up --stage N`, measured N times
# from a settled start (`perflab load --settle`), against the same state reached
# by the course's progression (the before-runs of bench/results/course-repeat.json):
# spread (max/min) and medians side by side. Then stage 5's start loaded three
# times in a row without settling, to show what `perflab load` says of the
# leftovers. Writes bench/results/states.json and bench/results/states.md.
#
#   bash bench/states.sh 5      (after bash bench/course-repeat.sh 5)
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-5}"
case "$runs" in
  ''|*[!0-9]*) echo "states: N must be a whole number from 2 to 50, not ${runs:-nothing}" >&2; exit 2 ;;
esac
if [ "$runs" -lt 2 ] || [ "$runs" -gt 50 ]; then
  echo "states: N must be from 2 to 50, not $runs" >&2; exit 2
fi
[ -f bench/results/course-repeat.json ] || { echo "states: run bash bench/course-repeat.sh first" >&2; exit 2; }
cargo build --release --locked -q
bin="$PWD/target/release/perflab"
work=$(mktemp -d)
export PERFLAB_LAB=states PERFLAB_STATE_DIR="$work/state"
cleanup() { "$bin" down >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT
for n in 0 1 2 3 4 5 6; do
  "$bin" down >/dev/null
  "$bin" up --stage "$n" >/dev/null
  for i in $(seq 1 "$runs"); do
    echo "states: stage $n, settled run $i of $runs" >&2
    "$bin" load --settle --json >"$work/up-$n-$i.json" 2>/dev/null
  done
done
"$bin" down >/dev/null
"$bin" up --stage 5 >/dev/null
for i in 1 2 3; do
  echo "states: stage 5, unsettled run $i of 3" >&2
  "$bin" load --json >"$work/plain-5-$i.json" 2>"$work/plain-5-$i.err"
done
python3 - "$runs" "$work" <<'PY'
import json, os, statistics, sys
runs, work = int(sys.argv[1]), sys.argv[2]
course = json.load(open("bench/results/course-repeat.json"))
prog = {s["stage"]: s["before"]["goodput"] for s in course["stages"]}
rows = []
for n in range(7):
    g = [json.load(open(os.path.join(work, f"up-{n}-{i}.json")))["goodput_rps"] for i in range(1, runs + 1)]
    med = statistics.median(g)
    p = prog.get(n)
    spread = (max(g) + 1) / (min(g) + 1)
    agree = None if not p else abs(med - p["median"]) <= 0.25 * max(med, p["median"], 1)
    rows.append({"stage": n, "up": g, "median": med, "spread": spread,
                 "progression_median": p["median"] if p else None, "within_25pct": agree})
plain = []
for i in range(1, 4):
    r = json.load(open(os.path.join(work, f"plain-5-{i}.json")))
    warn = [l.strip() for l in open(os.path.join(work, f"plain-5-{i}.err")) if "TIME_WAIT" in l or "still serving" in l]
    plain.append({"run": i, "goodput": r["goodput_rps"], "request_timeouts": r["errors"].get("request_timeout", 0), "said": warn})
json.dump({"format": 1, "command": f"bash bench/states.sh {runs}", "runs": runs, "stages": rows, "stage5_unsettled": plain},
          open("bench/results/states.json", "w"), indent=2)
out = [f"# Start states: `bash bench/states.sh {runs}`", "",
       f"`perflab up --stage N`, then {runs} × `perflab load --settle`; the progression's median is the course's before-run (bench/results/course-repeat.json).", "",
       "| stage | up: goodput of each run | median | max/min | progression median | within 25 % |", "|---|---|---|---|---|---|"]
for r in rows:
    out.append("| {} | {} | {:.0f} | {:.2f} | {} | {} |".format(r["stage"], ", ".join(f"{x:.0f}" for x in r["up"]), r["median"], r["spread"],
               "–" if r["progression_median"] is None else f"{r['progression_median']:.0f}",
               {None: "–", True: "yes", False: "NO"}[r["within_25pct"]]))
out += ["", "Stage 5's start, three `perflab load` in a row without `--settle`:", ""]
for p in plain:
    out.append(f"- run {p['run']}: {p['goodput']:.0f} 2xx/s, {p['request_timeouts']} request timeouts; said: {' / '.join(p['said']) or 'nothing'}")
open("bench/results/states.md", "w").write("\n".join(out) + "\n")
print("\n".join(out))
PY
