#!/usr/bin/env bash
# The measured table every figure of the lessons comes from: `perflab run --auto
# --json` N times in a row (each from a fresh lab, removed afterwards), then per
# stage and side the median, min and max of goodput, p99, the symptom's growth
# and the flame-graph share, and every run's verdict. Writes
# bench/results/course-repeat.json (read by the lessons' {{...}} placeholders and
# by the verdicts' noise bands) and bench/results/course-repeat.md (for people).
#
#   bash bench/course-repeat.sh 5
#
# Uses its own lab (PERFLAB_LAB=repeat) and state directory, so a course in
# progress is not touched. Needs a Docker Engine (scripts/engine.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
runs="${1:-5}"
whole_in "course-repeat: N" "$runs" 1 50
own_lab repeat
for i in $(seq 1 "$runs"); do
  echo "course-repeat: run $i of $runs" >&2
  # A run whose stages did not all behave still goes into the table: it is data.
  "$bin" run --auto --json >"$work/run-$i.json" || echo "course-repeat: run $i did not pass" >&2
done
python3 - "$runs" "$work" <<'PY'
import json, os, platform, statistics, sys, datetime
runs, work = int(sys.argv[1]), sys.argv[2]
reports = [json.load(open(os.path.join(work, f"run-{i}.json"))) for i in range(1, runs + 1)]

def stat(values):
    values = [v for v in values if v is not None]
    if not values:
        return None
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}

def run_figures(r, when):
    """Request timeouts and the percent of requests without a 2xx, of the stage's run `when`."""
    run = next((x for x in r.get("runs", []) if x["when"] == when), None)
    if run is None:
        return None, None
    statuses = {int(k): v for k, v in run["status_counts"].items()}
    ok = sum(v for k, v in statuses.items() if 200 <= k < 300)
    total = sum(statuses.values()) + sum(run["errors"].values())
    return run["errors"].get("request_timeout", 0), (100.0 * (total - ok) / total if total else 0.0)

stages = []
for n in range(len(reports[0]["stages"])):
    rows = [r["stages"][n] for r in reports]
    first = rows[0]
    def side(when, key_goodput, key_p99, symptom_key, flame_key):
        extra = [run_figures(r, when) for r in rows]
        return {
            "goodput": stat([r.get(key_goodput) for r in rows]),
            "p99_ms": stat([r.get(key_p99) for r in rows]),
            "symptom": stat([(r.get("symptom") or {}).get(symptom_key) for r in rows]),
            # The lessons quote the share in percent.
            "flame_share": stat([None if r.get(flame_key) is None else 100 * r[flame_key] for r in rows]),
            "request_timeouts": stat([t for t, _ in extra]),
            "error_pct": stat([e for _, e in extra]),
        }
    has_fix = first.get("goodput_after") is not None
    stages.append({
        "stage": first["stage"],
        "name": first["name"],
        "symptom_field": (first.get("symptom") or {}).get("field"),
        "headline": (first.get("verdict") or {}).get("field"),
        "before": side("before", "goodput_before", "p99_before_ms", "before", "flame_before"),
        "after": side("after", "goodput_after", "p99_after_ms", "after", "flame_after") if has_fix else None,
        "verdicts": [(r.get("verdict") or {}).get("outcome") for r in rows],
        "headline_runs": [{"before": (r.get("verdict") or {}).get("before"), "after": (r.get("verdict") or {}).get("after"),
                           "band": (r.get("verdict") or {}).get("band")} for r in rows],
        "passed": [all([(r.get("check") or {}).get("passed", True),
                        (r.get("symptom") or {}).get("grew", True),
                        (r.get("symptom") or {}).get("flat_after", True)]) for r in rows],
    })
cpu = os.cpu_count()
table = {
    "format": 1,
    "command": f"bash bench/course-repeat.sh {runs}",
    "runs": runs,
    "date": datetime.date.today().isoformat(),
    "machine": f"{cpu} cores, Linux {platform.release()}",
    "provisional": False,
    "stages": stages,
}
os.makedirs("bench/results", exist_ok=True)
with open("bench/results/course-repeat.json", "w") as f:
    json.dump(table, f, indent=2)
    f.write("\n")

def fmt(s, key, digits=0):
    v = (s or {}).get(key)
    if not v:
        return "–"
    f = lambda x: f"{x:.{digits}f}"
    return f"{f(v['median'])} ({f(v['min'])}–{f(v['max'])})"

lines = [
    f"# The measured course: `{table['command']}`",
    "",
    f"{runs} runs of `perflab run --auto` on {table['machine']}, {table['date']}. Each cell: median (min–max).",
    "",
    "| stage | goodput before | goodput after | p99 ms before | p99 ms after | request timeouts before | after | errors % before | after | symptom | growth before | growth after | passed |",
    "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
]
for s in stages:
    b, a = s["before"], s["after"]
    flame = (s["symptom_field"] or "").startswith("flame")
    lines.append("| {} {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |".format(
        s["stage"], s["name"], fmt(b, "goodput"), fmt(a, "goodput"), fmt(b, "p99_ms"), fmt(a, "p99_ms"),
        fmt(b, "request_timeouts"), fmt(a, "request_timeouts"), fmt(b, "error_pct", 1), fmt(a, "error_pct", 1),
        s["symptom_field"] or "–", fmt(b, "symptom", 3 if flame else 0), fmt(a, "symptom", 3 if flame else 0),
        sum(s["passed"]),
    ))
lines += ["", "The headline verdict of each stage, run by run: the figure the lesson names, before → after (every run after the fix), against the band a difference had to exceed.", "",
          "| stage | headline | " + " | ".join(f"run {i}" for i in range(1, runs + 1)) + " |",
          "|---|---|" + "---|" * runs]
for s in stages:
    if not s["headline"]:
        continue
    cells = []
    for h, v in zip(s["headline_runs"], s["verdicts"]):
        after = ", ".join(f"{x:.0f}" for x in (h["after"] or []))
        cells.append(f"{(h['before'] or 0):.0f} → {after} (band {(h['band'] or 0):.2f}): {v}")
    lines.append(f"| {s['stage']} {s['name']} | {s['headline']} | " + " | ".join(cells) + " |")
lines += ["", "Every run, goodput before → after (2xx/s):", ""]
for i, r in enumerate(reports, 1):
    cells = [f"{s['stage']}: {s['goodput_before']:.0f}" + (f" → {s['goodput_after']:.0f}" if s.get("goodput_after") is not None else "") for s in r["stages"]]
    lines.append(f"- run {i} ({'passed' if r['passed'] else 'NOT passed'}, {r['duration_s']:.0f} s): " + "; ".join(cells))
with open("bench/results/course-repeat.md", "w") as f:
    f.write("\n".join(lines) + "\n")
print("\n".join(lines))
PY
python3 bench/felt.py >/dev/null
