"""The table of bench/storm.sh, from bench/results/storm.json: per stage and
variant the goodput of each run and its max/min, how the seconds split between
the two regimes, and what longer runs would buy (a block bootstrap of the
per-second series). Writes bench/results/storm.md.

    python3 bench/storm-table.py        (bench/storm.sh calls it)
"""
import json
import random
import statistics

BLOCK = 4  # seconds: about how long one regime lasts, so blocks keep that shape
DRAWS = 2000  # bootstrap sets of five runs per window
WINDOWS = (10, 20, 30, 60, 120, 300)

data = json.load(open("bench/results/storm.json"))
runs = data["runs"]


def inner(series):
    """The first and last seconds are partial (ramp-up, the run's end)."""
    return series[1:-1] if len(series) > 2 else series


def spread(xs):
    return (max(xs) + 1) / (min(xs) + 1)


def share_within(seconds, window, rng):
    """Share of bootstrap sets of five `window`-second runs with max/min <= 1.5."""
    blocks = [seconds[i:i + BLOCK] for i in range(0, len(seconds) - BLOCK + 1)]
    ok = 0
    for _ in range(DRAWS):
        means = []
        for _ in range(5):
            s = []
            while len(s) < window:
                s += rng.choice(blocks)
            means.append(statistics.fmean(s[:window]))
        ok += spread(means) <= 1.5
    return ok / DRAWS


out = ["# The 51-port states: goodput second by second", "",
       f"`{data['command']}`: stages 2, 3 and 4's starts by `perflab up --stage N`, {data['rounds']} rounds of "
       f"settled {data['seconds']} s runs, the two variants alternating. \"shipped\" is nginx as perflab renders it; "
       "\"close502\" adds only that a 502 closes the client's keep-alive connection. The socket columns are the "
       "largest count among samples taken every 0.5 s while the run and its settle lasted (nginx's connections to "
       "127.0.0.1:9000, and php-fpm's accept queue).", "",
       "| stage | variant | goodput of each run (2xx/s) | max/min | seconds below 2000 2xx | seconds above 8000 2xx "
       "| 502s a run (median) | CLOSE-WAIT max | SYN-SENT max | php-fpm queue max |",
       "|---|---|---|---|---|---|---|---|---|---|"]
for n in (2, 3, 4):
    for v in ("shipped", "close502"):
        rs = [r for r in runs if r["stage"] == n and r["variant"] == v]
        if not rs:
            continue
        g = [r["goodput"] for r in rs]
        sec = [s for r in rs for s in inner(r["per_second_2xx"])]
        low = sum(1 for s in sec if s < 2000)
        high = sum(1 for s in sec if s > 8000)
        e502 = statistics.median(r["status"].get("502", 0) for r in rs)
        out.append(f"| {n} | {v} | {', '.join(f'{x:.0f}' for x in g)} | {spread(g):.2f} | {low} of {len(sec)} "
                   f"| {high} of {len(sec)} | {e502:.0f} | {max(r['max_close_wait'] for r in rs)} "
                   f"| {max(r['max_syn_sent'] for r in rs)} | {max(r['max_fpm_queue'] for r in rs)} |")

rng = random.Random(11)
out += ["", "## What longer runs would buy (shipped)", "",
        f"Five runs of a W-second window drawn from the measured seconds of each stage's shipped runs, "
        f"in blocks of {BLOCK} s ({DRAWS} draws, seed 11): the share of such sets whose max/min of goodput is at "
        "most 1.5.", "",
        "| stage | " + " | ".join(f"{w} s" for w in WINDOWS) + " |",
        "|---|" + "---|" * len(WINDOWS)]
for n in (2, 3, 4):
    sec = [s for r in runs if r["stage"] == n and r["variant"] == "shipped" for s in inner(r["per_second_2xx"])]
    if len(sec) > BLOCK:
        out.append(f"| {n} | " + " | ".join(f"{share_within(sec, w, rng):.2f}" for w in WINDOWS) + " |")

out += ["", "## Per-second 2xx of every run", ""]
for r in runs:
    out.append(f"- stage {r['stage']}, round {r['round']}, {r['variant']}: "
               + " ".join(str(s) for s in r["per_second_2xx"]))
open("bench/results/storm.md", "w").write("\n".join(out) + "\n")
print("\n".join(out))
