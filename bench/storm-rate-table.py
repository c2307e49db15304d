"""bench/results/storm-rate.md from bench/results/storm-rate.json (bench/storm-rate.sh),
and the `figures` the ports lesson quotes as {{storm_rate:goodput.goodput}}, written back
into the JSON: per mode (closed, total, goodput) the median goodput, its min and max,
the rate asked, the median 5xx share and p99, and the seconds in the storm regime."""
import json
import statistics

STORM = 500  # 2xx in a second: below it, the storm regime; well below the state with the ports fixed (ct+ports in bench/results/order.md).

data = json.load(open("bench/results/storm-rate.json"))
runs = data["runs"]
n = max(r["round"] for r in runs)


def whole(r):
    """The whole seconds of the window (a last, partial second left out)."""
    s = r["goodput_series"]
    return s[:-1] if len(s) > 1 and r["duration_s"] % 1 > 1e-6 else s


def fivexx_share(r):
    all_ = sum(r["status_counts"].values())
    bad = sum(v for k, v in r["status_counts"].items() if k.startswith("5"))
    return 100 * bad / all_ if all_ else 0


def storm(target):
    """The storm threshold of a mode: open loop asked for fewer than STORM a
    second, half the rate asked."""
    return STORM if target is None else min(STORM, target / 2)


def of_mode(mode):
    """A mode's runs, the rate it asked (none closed loop) and all its whole seconds."""
    rs = [r for r in runs if r["mode"] == mode]
    target = rs[0]["rate"]["target"] if "rate" in rs[0] else None
    return rs, target, [s for r in rs for s in whole(r)]


def row(mode):
    rs, target, secs = of_mode(mode)
    g = [r["goodput_rps"] for r in rs]
    un = [r.get("latency_uncorrected_ms", r["latency_ms"])["p99"] for r in rs]
    f0 = lambda xs: ", ".join(f"{x:.0f}" for x in xs)
    below_half = f"{sum(s < target / 2 for s in secs)} of {len(secs)}" if target else "—"
    return (
        f"| {mode} | {target or '—'} | {f0(g)} | {max(g) / min(g):.2f} | {f0(r['total_rps'] for r in rs)} | "
        f"{f0(fivexx_share(r) for r in rs)} | {f0(sum(r['errors'].values()) for r in rs)} | "
        f"{f0(r['rate']['late'] for r in rs) if target else '—'} | {f0(r['latency_ms']['p99'] for r in rs)} | "
        f"{f0(un)} | {min(secs)}–{max(secs)} | {sum(s < storm(target) for s in secs)} of {len(secs)} | {below_half} |"
    )


out = [
    "# The storm under open-loop arrivals",
    "",
    f"`{data['command']}`: the storm state (`{data['state']}`: conntrack fixed, every other fault of "
    "stage 0 in place) in its own lab. Closed loop: the standard `perflab load --settle` (1000 connections, "
    f"10 s), {n} runs. Then open loop, `perflab load --settle --rate R` on up to the same 1000 connections, "
    "at R = the closed-loop runs' mean total response rate (rate=total: the load the closed-loop clients "
    "offered) and at R = their mean goodput (rate=goodput: what the server delivered), alternating, "
    f"{n} runs each. In the open-loop runs p99 is measured from each request's intended time (corrected) "
    "and the uncorrected p99 from when it was sent; closed loop the two are the same. Seconds are the "
    f"whole seconds of the windows; a second with fewer than {STORM} 2xx (open loop: or fewer than half the rate asked, if that is less) is in the storm regime "
    "(well below what the same state serves once the ports are fixed: state ct+ports in bench/results/order.md).",
    "",
    "| mode | rate asked (req/s) | goodput of each run (2xx/s) | max/min | all responses of each run (/s) "
    "| 5xx share % | requests with no response | late | p99 ms | p99 uncorrected ms | 2xx a second, min–max "
    f"| seconds below {STORM} 2xx | seconds below half the rate asked |",
    "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
]
out += [row(m) for m in ("closed", "rate=total", "rate=goodput")]


def figures(mode):
    rs, target, secs = of_mode(mode)
    g = [r["goodput_rps"] for r in rs]
    key = mode.removeprefix("rate=")
    return {
        f"{key}.rate": target,
        f"{key}.goodput": statistics.median(g),
        f"{key}.goodput_min": min(g),
        f"{key}.goodput_max": max(g),
        f"{key}.fivexx_pct": statistics.median(fivexx_share(r) for r in rs),
        f"{key}.fivexx_pct_min": min(fivexx_share(r) for r in rs),
        f"{key}.fivexx_pct_max": max(fivexx_share(r) for r in rs),
        f"{key}.p99_ms": statistics.median(r["latency_ms"]["p99"] for r in rs),
        f"{key}.storm_seconds": sum(s < storm(target) for s in secs),
        f"{key}.seconds": len(secs),
    }


data["figures"] = {k: v for m in ("closed", "rate=total", "rate=goodput") for k, v in figures(m).items()}
json.dump(data, open("bench/results/storm-rate.json", "w"), indent=2)
out += ["", "## Per-second 2xx of every run", ""]
for r in runs:
    tag = r["mode"] + (f" ({r['rate']['target']}/s)" if "rate" in r else "")
    out.append(f"- {tag}, run {r['round']}: " + " ".join(str(s) for s in r["goodput_series"]))
open("bench/results/storm-rate.md", "w").write("\n".join(out) + "\n")
print("\n".join(out))
