#!/usr/bin/env bash
# The upstream keep-alive pool of the last stage, by size: the stage's start (no
# pool) and `keepalive K` for each K, measured in rounds (every size once a
# round, so that a machine that drifts affects them all alike), each run from a
# freshly started lab and a settled server. Per size: goodput, p50, p99, the
# requests abandoned at the client's timeout, the connections the server opened
# (TcpActiveOpens) and its CPU per request. Writes bench/results/pool.json (its
# `figures` are what the lessons quote as {{pool:keepalive_8.p99_ms}}) and
# bench/results/pool.md.
#
#   bash bench/pool.sh [ROUNDS]          (5 by default)
#   SIZES="0 2 4 8" bash bench/pool.sh 3
#
# Uses its own lab (PERFLAB_LAB=pool), removed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-5}"
sizes="${SIZES:-0 2 4 8 10 16 64}"
for v in "$rounds" $sizes; do
  case "$v" in
    ''|*[!0-9]*) echo "pool: ROUNDS and SIZES must be whole numbers, not ${v:-nothing}" >&2; exit 2 ;;
  esac
done
source bench/lib.sh
whole_in "pool: ROUNDS" "$rounds" 1 20
own_lab pool
last=$(( $(grep -c "^\[\[stage\]\]" containers/stages.toml) - 1 ))
: >"$work/runs.jsonl"
for r in $(seq 1 "$rounds"); do
  for k in $sizes; do
    echo "pool: round $r of $rounds, keepalive $k" >&2
    "$bin" down >/dev/null
    # The start of the last stage, with the pool of this size.
    "$bin" up --stage "$last" --set "upstream_keepalive=$k" >/dev/null
    "$bin" load --settle --json >"$work/run.json" 2>/dev/null
    python3 - "$work/run.json" "$k" "$r" >>"$work/runs.jsonl" <<'PY'
import json, sys
print(json.dumps({"keepalive": int(sys.argv[2]), "round": int(sys.argv[3]), "report": json.load(open(sys.argv[1]))}))
PY
  done
done
"$bin" down >/dev/null
python3 - "$work/runs.jsonl" "$rounds" <<'PY'
import datetime, json, os, platform, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
rounds = int(sys.argv[2])
sizes = sorted({r["keepalive"] for r in rows})
def figs(rep):
    d = rep.get("deltas") or {}
    return {
        "goodput": rep["goodput_rps"],
        "p50_ms": rep["latency_ms"]["p50"],
        "p99_ms": rep["latency_ms"]["p99"],
        "request_timeouts": rep["errors"].get("request_timeout", 0),
        "active_opens": (d.get("tcp") or {}).get("active_opens"),
    }
table, figures = [], {}
for k in sizes:
    runs = [figs(r["report"]) for r in rows if r["keepalive"] == k]
    med = {f: statistics.median([x[f] for x in runs if x[f] is not None]) for f in runs[0]}
    name = "none" if k == 0 else f"keepalive_{k}"
    for f, v in med.items():
        figures[f"{name}.{f}"] = v
    figures[f"{name}.goodput_min"] = min(x["goodput"] for x in runs)
    figures[f"{name}.goodput_max"] = max(x["goodput"] for x in runs)
    figures[f"{name}.request_timeouts_max"] = max(x["request_timeouts"] for x in runs)
    table.append((k, runs, med))
out = {"format": 1, "command": f"bash bench/pool.sh {rounds}", "rounds": rounds,
       "date": datetime.date.today().isoformat(), "machine": f"{os.cpu_count()} cores, Linux {platform.release()}",
       "runs": rows and [{"keepalive": r["keepalive"], "round": r["round"], **figs(r["report"])} for r in rows],
       "figures": figures}
json.dump(out, open("bench/results/pool.json", "w"), indent=1)
md = [f"# The upstream keep-alive pool by size: `bash bench/pool.sh {rounds}`", "",
      f"The start of the last stage (tcp_tw_reuse fixed, `fastcgi_keep_conn on`), with `keepalive K` per nginx worker; "
      f"{rounds} rounds, every size once a round, each run from a fresh lab and a settled server. {out['machine']}, {out['date']}. Medians; goodput with its range.", "",
      "| pool | goodput (2xx/s) | p50 ms | p99 ms | request timeouts (max) | connections opened |", "|---|---|---|---|---|---|"]
for k, runs, med in table:
    g = [x["goodput"] for x in runs]
    md.append("| {} | {:.0f} ({:.0f}–{:.0f}) | {:.0f} | {:.0f} | {:.0f} ({:.0f}) | {} |".format(
        "none" if k == 0 else f"keepalive {k}", med["goodput"], min(g), max(g), med["p50_ms"], med["p99_ms"],
        med["request_timeouts"], max(x["request_timeouts"] for x in runs),
        "–" if med["active_opens"] is None else f"{med['active_opens']:.0f}"))
open("bench/results/pool.md", "w").write("\n".join(md) + "\n")
print("\n".join(md))
PY
