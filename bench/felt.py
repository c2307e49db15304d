"""What each fix of the measured course moves that a user feels, against the noise.

Reads bench/results/course-repeat.json (bash bench/course-repeat.sh N) and appends
to bench/results/course-repeat.md, per stage with a fix, each figure a user feels:
goodput (higher is better), p99, request timeouts and the error rate (lower is
better), and whether the fix moved it *beyond the noise*: every run after the fix
better than every run before it (the same rule as bench/results/order.md). A stage
passes when at least one such figure moved; the stage's own counter does not count.

    python3 bench/felt.py        (course-repeat.sh runs it at its end)
"""
import json

import order  # bench/order.py: the rule "beyond the noise"

FELT = [  # key in the table, what the note calls it, higher is better
    ("goodput", "goodput", True),
    ("p99_ms", "p99", False),
    ("request_timeouts", "request timeouts", False),
    ("error_pct", "error rate", False),
]

table = json.load(open("bench/results/course-repeat.json"))
runs = table["runs"]


def moved(before, after, higher):
    """Beyond the noise, by bench/order.py's rule, on the table's min and max of each side."""
    if not before or not after:
        return None
    runs = lambda side: {"runs": [side["min"], side["max"]]}
    return order.moved(runs(before), runs(after), "higher" if higher else "lower")


lines = [
    "",
    "What each fix moves that a user feels, in all "
    f"{runs} runs: a figure moved *beyond the noise* when every run after the fix is better than every run "
    "before it (min after > max before for goodput; max after < min before for p99, request timeouts and "
    "the error rate). The stage's own counter is left out.",
    "",
    "| stage | " + " | ".join(name for _, name, _ in FELT) + " | a felt figure moved |",
    "|---|" + "---|" * (len(FELT) + 1),
]
every = True
for s in table["stages"]:
    if s["after"] is None:
        continue
    cells, any_moved = [], False
    for key, _, higher in FELT:
        b, a = s["before"].get(key), s["after"].get(key)
        m = moved(b, a, higher)
        any_moved |= bool(m)
        d = 1 if key == "error_pct" else 0
        cells.append("–" if m is None else f"{b['min']:.{d}f}–{b['max']:.{d}f} → {a['min']:.{d}f}–{a['max']:.{d}f}"
                     + (" **moved**" if m else ""))
    every &= any_moved
    lines.append(f"| {s['stage']} {s['name']} | " + " | ".join(cells) + f" | {'yes' if any_moved else 'NO'} |")
lines += ["", "Every fix moved a felt figure beyond the noise." if every
          else "Some fix moved no felt figure beyond the noise (NO above)."]
with open("bench/results/course-repeat.md", "a") as f:
    f.write("\n".join(lines) + "\n")
print("\n".join(lines))
