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
source bench/lib.sh
runs="${1:-5}"
whole_in "states: N" "$runs" 2 50
[ -f bench/results/course-repeat.json ] || { echo "states: run bash bench/course-repeat.sh first" >&2; exit 2; }
own_lab states
for n in 0 1 2 3 4 5 6; do
  "$bin" down >/dev/null
  "$bin" up --stage "$n" >/dev/null
  for i in $(seq 1 "$runs"); do
    echo "states: stage $n, settled run $i of $runs" >&2
    # As long as the course's runs of that stage ([observe] seconds: the flame
    # graph's 30 s), so that the two medians compare.
    d=10s; [ "$n" = 5 ] && d=30s
    "$bin" load --settle --json -d "$d" >"$work/up-$n-$i.json" 2>/dev/null
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
# The one storm state: the ports stage's start, two regimes flapping.
storm = next(s["stage"] for s in course["stages"] if s["name"] == "ports")
rows = []
for n in range(7):
    reports = [json.load(open(os.path.join(work, f"up-{n}-{i}.json"))) for i in range(1, runs + 1)]
    g = [r["goodput_rps"] for r in reports]
    med = statistics.median(g)
    p = prog.get(n)
    spread = (max(g) + 1) / (min(g) + 1)
    agree = None if not p else abs(med - p["median"]) <= 0.25 * max(med, p["median"], 1)
    steady = None if med <= 100 else spread <= 1.5
    rows.append({"stage": n, "up": g, "median": med, "spread": spread, "storm": n == storm,
                 "steady_1_5": steady, "series": [r.get("goodput_series", []) for r in reports],
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
       "Above 100 2xx/s a start state should repeat within max/min 1.5, and its median lie within 25 % of the course's; the storm state (the ports stage's start) is exempt from both, and its per-second series is below.", "",
       "| stage | up: goodput of each run | median | max/min | max/min ≤ 1.5 | progression median | within 25 % |", "|---|---|---|---|---|---|---|"]
yes = {None: "–", True: "yes", False: "NO"}
for r in rows:
    mark = " (storm: exempt)" if r["storm"] else ""
    out.append("| {} | {} | {:.0f} | {:.2f} | {}{} | {} | {}{} |".format(r["stage"], ", ".join(f"{x:.0f}" for x in r["up"]), r["median"], r["spread"],
               yes[r["steady_1_5"]], mark,
               "–" if r["progression_median"] is None else f"{r['progression_median']:.0f}",
               yes[r["within_25pct"]], mark))
for r in rows:
    if r["storm"]:
        out += ["", f"The storm state (stage {r['stage']}'s start), 2xx of each second of each run:", ""]
        out += [f"- run {i}: {' '.join(str(v) for v in s)}" for i, s in enumerate(r["series"], 1)]
out += ["", "Stage 5's start, three `perflab load` in a row without `--settle`:", ""]
for p in plain:
    out.append(f"- run {p['run']}: {p['goodput']:.0f} 2xx/s, {p['request_timeouts']} request timeouts; said: {' / '.join(p['said']) or 'nothing'}")
open("bench/results/states.md", "w").write("\n".join(out) + "\n")
print("\n".join(out))
PY
