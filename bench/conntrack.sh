#!/usr/bin/env bash
# What the conntrack stage's full table costs the kernel: the host's
# unreclaimable slab memory (/proc/meminfo SUnreclaim) with the lab at the start
# of stage 1 (the server's table filled to the global limit) against the lab one
# stage later (no fill), ROUNDS times; per entry, the difference over the entries
# the fill added. Writes bench/results/conntrack.json (its `figures` are what
# the lessons quote as {{conntrack:kb_per_entry}}) and bench/results/conntrack.md.
#
#   bash bench/conntrack.sh [ROUNDS]     (3 by default)
#
# Reads the host's /proc, so it measures a Linux host whose kernel runs the lab
# (Docker Engine on Linux). Uses its own lab (PERFLAB_LAB=ctmem), removed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
rounds="${1:-3}"
whole_in "conntrack: ROUNDS" "$rounds" 1 10
own_lab ctmem
sunreclaim() { sync; sleep 2; awk '/^SUnreclaim:/ {print $2}' /proc/meminfo; }
count() { "$bin" shell -- cat /proc/sys/net/netfilter/nf_conntrack_count; }
: >"$work/rounds.txt"
for r in $(seq 1 "$rounds"); do
  echo "conntrack: round $r of $rounds" >&2
  "$bin" down >/dev/null
  "$bin" up --stage 1 --set conntrack_fill=false >/dev/null
  empty_kb=$(sunreclaim); empty_n=$(count)
  "$bin" down >/dev/null
  "$bin" up --stage 1 >/dev/null
  full_kb=$(sunreclaim); full_n=$(count)
  echo "$empty_kb $empty_n $full_kb $full_n" >>"$work/rounds.txt"
done
"$bin" down >/dev/null
python3 - "$work/rounds.txt" "$rounds" <<'PY'
import datetime, json, os, platform, statistics, sys
rows = [list(map(int, l.split())) for l in open(sys.argv[1]) if l.strip()]
rounds = int(sys.argv[2])
per = [(full - empty) / (fn - en) for empty, en, full, fn in rows]
mb = [(full - empty) / 1024 for empty, en, full, fn in rows]
entries = statistics.median([fn - en for _, en, _, fn in rows])
figures = {"entries": entries, "kernel_mb": statistics.median(mb), "kb_per_entry": statistics.median(per)}
out = {"format": 1, "command": f"bash bench/conntrack.sh {rounds}", "rounds": rounds,
       "date": datetime.date.today().isoformat(), "machine": f"{os.cpu_count()} cores, Linux {platform.release()}",
       "runs": [{"empty_kb": e, "empty_entries": en, "full_kb": f, "full_entries": fn} for e, en, f, fn in rows],
       "figures": figures}
json.dump(out, open("bench/results/conntrack.json", "w"), indent=1)
md = [f"# What a full conntrack table costs: `bash bench/conntrack.sh {rounds}`", "",
      f"The host's SUnreclaim with the lab at stage 1's start (table filled) against the same lab without the fill. {out['machine']}, {out['date']}.", "",
      "| round | entries added | kernel memory (MB) | per entry (KB) |", "|---|---|---|---|"]
for i, ((e, en, f, fn), p, m) in enumerate(zip(rows, per, mb), 1):
    md.append(f"| {i} | {fn - en} | {m:.0f} | {p:.2f} |")
md += ["", f"Median: {figures['entries']:.0f} entries, {figures['kernel_mb']:.0f} MB, {figures['kb_per_entry']:.2f} KB an entry."]
open("bench/results/conntrack.md", "w").write("\n".join(md) + "\n")
print("\n".join(md))
PY
