#!/usr/bin/env python3
"""bench/order.sh's judge: from the measured states, for each page variant and
each candidate order of the stages, what every fix moves that a user feels
(goodput, p99, request timeouts, the error rate) against the noise of the runs,
and which evidence is loudest where each stage starts. Writes
bench/results/order.json and bench/results/order.md.

    python3 bench/order.py RUNS.jsonl RUNS SECONDS SECONDS_LONG
"""
import datetime
import json
import os
import platform
import statistics
import sys

# The candidate orders: the seed's chapter, and the two with the port range
# right after conntrack. A stage is (name, state at its start, state after its fix).
TAIL = [("flame graph", "flame", "flame+reuse"), ("beyond the seed", "flame+reuse", "pool")]
ORDERS = {
    "seed": [("conntrack", "all", "ct"), ("workers", "ct", "ct+workers"),
             ("listen queues", "ct+workers", "ct+workers+listen"), ("ports", "ct+workers+listen", "four")] + TAIL,
    "ports, workers, listen": [("conntrack", "all", "ct"), ("ports", "ct", "ct+ports"),
                               ("workers", "ct+ports", "ct+ports+workers"),
                               ("listen queues", "ct+ports+workers", "four")] + TAIL,
    "ports, listen, workers": [("conntrack", "all", "ct"), ("ports", "ct", "ct+ports"),
                               ("listen queues", "ct+ports", "ct+ports+listen"),
                               ("workers", "ct+ports+listen", "four")] + TAIL,
}
# The order the course takes, and why (order.md says it under its table).
CHOSEN = "ports, listen, workers"
# What a user feels, and which way a fix should move it.
FELT = [("goodput", "higher"), ("p99_ms", "lower"), ("request_timeouts", "lower"), ("error_rate", "lower")]
# The counters a learner can watch grow, and the fault each points at.
COUNTERS = [
    ("conntrack.drops", "conntrack", lambda d: d.get("conntrack", {}).get("drops")),
    ("nginx 502 (errno 99)", "ports", lambda d: d.get("nginx", {}).get("eaddrnotavail")),
    ("nginx 499", "workers or listen queues", lambda d: d.get("nginx", {}).get("status_counts", {}).get("499")),
    ("php-fpm max_children warnings", "workers", lambda d: d.get("phpfpm", {}).get("max_children_warnings")),
    ("tcp.listen_overflows", "listen queues", lambda d: d.get("tcp", {}).get("listen_overflows")),
    ("tcp.syn_retrans", "listen queues", lambda d: d.get("tcp", {}).get("syn_retrans")),
    ("TIME_WAIT on nginx's ports", "flame graph", lambda d: d.get("tcp", {}).get("time_wait_ephemeral")),
]
# The one state between the conntrack fix and the port range's: two regimes.
STORM = "ct"


def figures(report):
    errors = report.get("errors", {})
    statuses = report.get("status_counts", {})
    ok = sum(n for code, n in statuses.items() if 200 <= int(code) < 300)
    total = sum(statuses.values()) + sum(errors.values())
    return {
        "goodput": report["goodput_rps"],
        "p99_ms": report["latency_ms"]["p99"],
        "request_timeouts": errors.get("request_timeout", 0),
        "error_rate": (total - ok) / total if total else 0.0,
    }


def spread(values):
    return (max(values) + 1) / (min(values) + 1)


def summary(values):
    return {"runs": values, "median": statistics.median(values), "min": min(values),
            "max": max(values), "spread": spread(values)}


def moved(before, after, expect):
    """Beyond the noise: every run after the fix is better than every run before."""
    if expect == "higher":
        return min(after["runs"]) > max(before["runs"])
    return max(after["runs"]) < min(before["runs"])


def main():
    path, runs, secs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    long = int(sys.argv[4]) if len(sys.argv) > 4 else secs
    rows = [json.loads(line) for line in open(path)]
    measured = {}
    for r in rows:
        key = (r["wait_us"], r["state"])
        m = measured.setdefault(key, {"reports": [], "seed": None})
        if "report" in r:
            m["reports"].append(r["report"])
        else:
            m["seed"] = r["seed"]
    states = {}
    for (w, s), m in measured.items():
        figs = [figures(rep) for rep in m["reports"]]
        counters = {}
        for name, fault, get in COUNTERS:
            vals = [get(rep.get("deltas") or {}) or 0 for rep in m["reports"]]
            counters[name] = {"fault": fault, "median": statistics.median(vals)}
        states.setdefault(str(w), {})[s] = {
            "felt": {f: summary([x[f] for x in figs]) for f, _ in FELT},
            "counters": counters,
            "seed": m["seed"],
        }
    verdicts = {}
    for w, by_state in states.items():
        for name, stages in ORDERS.items():
            out = []
            for stage, before, after in stages:
                b, a = by_state.get(before), by_state.get(after)
                if not b or not a:
                    continue
                moves = {}
                for f, expect in FELT:
                    fb, fa = b["felt"][f], a["felt"][f]
                    moves[f] = {"before": fb["median"], "after": fa["median"],
                                "beyond_noise": moved(fb, fa, expect)}
                loud = sorted(b["counters"].items(), key=lambda kv: -kv[1]["median"])
                out.append({
                    "stage": stage, "before": before, "after": after, "moves": moves,
                    "felt_beyond_noise": [f for f, m in moves.items() if m["beyond_noise"]],
                    "loudest": [(k, v["fault"], v["median"]) for k, v in loud if v["median"] > 0][:3],
                    "start_spread": b["felt"]["goodput"]["spread"],
                })
            verdicts.setdefault(w, {})[name] = out
    table = {
        "format": 1, "command": f"bash bench/order.sh {runs}", "runs": runs, "seconds": secs, "seconds_long": long, "chosen": CHOSEN,
        "date": datetime.date.today().isoformat(),
        "machine": f"{os.cpu_count()} cores, Linux {platform.release()}",
        "states": states, "orders": verdicts,
    }
    os.makedirs("bench/results", exist_ok=True)
    json.dump(table, open("bench/results/order.json", "w"), indent=1)
    open("bench/results/order.md", "w").write(markdown(table))
    print(markdown(table))


def num(x):
    return f"{x:.0f}" if abs(x) >= 10 or x == 0 else f"{x:.2f}"


def markdown(t):
    out = [f"# The order of the stages, measured: `{t['command']}`", "",
           f"{t['runs']} settled runs of {t['seconds']} s per state ({t.get('seconds_long', t['seconds'])} s from the flame-graph stage's start on, as that stage measures), {t['machine']}, {t['date']}. "
           "A fix moves a figure *beyond the noise* when every run after it is better than every run before it.", ""]
    for w, by_state in sorted(t["states"].items(), key=lambda kv: int(kv[0])):
        out += [f"## The page waits {int(w) / 1000:g} ms on its backend", "",
                "| state | goodput of each run (2xx/s) | max/min | p99 ms | request timeouts | error rate | loudest counters (median growth a run) | the seed's commands |",
                "|---|---|---|---|---|---|---|---|"]
        for s, st in by_state.items():
            g = st["felt"]["goodput"]
            loud = sorted(((k, v["median"]) for k, v in st["counters"].items() if v["median"] > 0), key=lambda kv: -kv[1])[:3]
            seed = st["seed"] or {}
            seen = [f"{k} {v}" for k, v in seed.items() if k != "listen_mid_run" and v]
            q = seed.get("listen_mid_run") or {}
            seen += [f":{p} Recv-Q {v['recv_q']} Send-Q {v['send_q']}" for p, v in sorted(q.items())]
            out.append("| {} | {} | {:.2f}{} | {} | {} | {:.3f} | {} | {} |".format(
                s, ", ".join(num(x) for x in g["runs"]), g["spread"], " (storm)" if s == STORM else "",
                num(st["felt"]["p99_ms"]["median"]), num(st["felt"]["request_timeouts"]["median"]),
                st["felt"]["error_rate"]["median"],
                "; ".join(f"{k} {num(v)}" for k, v in loud) or "–", "; ".join(seen) or "–"))
        out.append("")
        for name, stages in t["orders"][w].items():
            title = f"### Order: conntrack, {name}" if name != "seed" else "### Order: the seed's chapter"
            if name == t.get("chosen"):
                title += " (the course's order)"
            out += [title, "",
                    "| stage | goodput before → after | p99 ms | request timeouts | error rate | beyond the noise | loudest at its start |",
                    "|---|---|---|---|---|---|---|"]
            for st in stages:
                m = st["moves"]
                cell = lambda f: "{} → {}".format(num(m[f]["before"]), num(m[f]["after"]))
                rate = "{:.3f} → {:.3f}".format(m["error_rate"]["before"], m["error_rate"]["after"])
                out.append("| {} | {} | {} | {} | {} | {} | {} |".format(
                    st["stage"], cell("goodput"), cell("p99_ms"), cell("request_timeouts"), rate,
                    ", ".join(st["felt_beyond_noise"]) or "**nothing**",
                    "; ".join(f"{k} ({fault})" for k, fault, _ in st["loudest"]) or "–"))
            out.append("")
            if name == t.get("chosen"):
                out += chosen_summary(stages) + [""]
    return "\n".join(out) + "\n"


def chosen_summary(stages):
    """For the course's order: whether each stage's own fault is among the loudest
    counters at its start, and whether its fix moves what a user feels."""
    lines = []
    for st in stages:
        own = [k for k, fault, _ in st["loudest"] if st["stage"] in fault]
        felt = ", ".join(st["felt_beyond_noise"]) or "nothing beyond the noise"
        where = (f"its own evidence ({own[0]}) is among the loudest at its start" if own
                 else "its own evidence is not among the three loudest counters at its start")
        lines.append(f"- {st['stage']}: {where}; its fix moves {felt}.")
    return ["The course's order, stage by stage:", ""] + lines


if __name__ == "__main__":
    main()
