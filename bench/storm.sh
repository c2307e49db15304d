#!/usr/bin/env bash
# Why goodput of the 51-port states (stages 2, 3 and 4's starts) does not repeat:
# per-second goodput inside settled runs, and the upstream sockets seen during
# them, with nginx as perflab renders it ("shipped") and with one change
# ("close502": a 502 closes the client's keep-alive connection, as nginx itself
# does after a 500). The variants alternate within each round. Writes
# bench/results/storm.json, then bench/storm-table.py makes bench/results/storm.md
# from it (with a block bootstrap: what longer runs would buy).
#
#   bash bench/storm.sh [ROUNDS [SECONDS]]      (defaults 3 and 20)
#
# The close502 variant is an experiment, not a lab setting: it edits the
# rendered config inside this script's own lab (PERFLAB_LAB=storm), which is
# removed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-3}" secs="${2:-20}"
for v in "$rounds" "$secs"; do
  case "$v" in
    ''|*[!0-9]*) echo "storm: ROUNDS and SECONDS must be whole numbers, not ${v:-nothing}" >&2; exit 2 ;;
  esac
done
if [ "$rounds" -lt 1 ] || [ "$rounds" -gt 20 ]; then echo "storm: ROUNDS must be from 1 to 20, not $rounds" >&2; exit 2; fi
if [ "$secs" -lt 5 ] || [ "$secs" -gt 120 ]; then echo "storm: SECONDS must be from 5 to 120, not $secs" >&2; exit 2; fi
command -v nsenter >/dev/null || { echo "storm: needs nsenter (util-linux) to read the server's sockets" >&2; exit 2; }
cargo build --release --locked -q
bin="$PWD/target/release/perflab"
work=$(mktemp -d)
export PERFLAB_LAB=storm PERFLAB_STATE_DIR="$work/state"
cleanup() { "$bin" down >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT
nginx=storm-nginx
: >"$work/runs.jsonl"

# The upstream sockets (nginx -> 127.0.0.1:9000) by state, and php-fpm's accept
# queue, once every 0.5 s while the run lasts: the largest of each.
sample() {
  local pid=$1 load=$2 out=$3
  : >"$out"
  while kill -0 "$load" 2>/dev/null; do
    nsenter -t "$pid" -n ss -Htan dst 127.0.0.1:9000 |
      awk -v q="$(nsenter -t "$pid" -n ss -Hltn sport = :9000 | awk '{print $2}')" \
        '{c[$1]++} END {printf "%d %d %d %d\n", c["ESTAB"], c["CLOSE-WAIT"], c["SYN-SENT"], q}' >>"$out"
    sleep 0.5
  done
}

for n in 2 3 4; do
  "$bin" down >/dev/null
  "$bin" up --stage "$n" >/dev/null
  pid=$(docker inspect -f '{{.State.Pid}}' "$nginx")
  docker exec "$nginx" cp /etc/perflab/nginx.conf /tmp/shipped.conf
  # close502: the PHP location hands a 502 to a named location that answers it
  # with keep-alive off, so nginx sends "Connection: close" and closes.
  docker exec "$nginx" sh -c "sed -e 's|fastcgi_pass \(.*\);|fastcgi_pass \1;\n            error_page 502 = @closing;|' \
    -e 's|^        location / {|        location @closing { keepalive_timeout 0; return 502; }\n        location / {|' \
    /tmp/shipped.conf > /tmp/close502.conf"
  for r in $(seq 1 "$rounds"); do
    for v in shipped close502; do
      echo "storm: stage $n, round $r of $rounds, $v" >&2
      docker exec "$nginx" sh -c "cat /tmp/$v.conf > /etc/perflab/nginx.conf && nginx -t -q && nginx -s reload" 2>/dev/null
      sleep 1
      docker exec "$nginx" sh -c ': > /var/log/nginx/access.log'
      "$bin" load --settle -d "${secs}s" --json >"$work/load.json" 2>/dev/null &
      load=$!
      sample "$pid" "$load" "$work/sockets.txt" &
      sampler=$!
      wait "$load"
      wait "$sampler" || true
      sleep 2 # nginx flushes its access log buffer every second
      # The 2xx of every second from the first to the last logged one, a second
      # with none included as 0 (the day in the key keeps a run over midnight in order).
      docker exec "$nginx" awk '$9 ~ /^2/ {split($4, t, ":"); k = substr(t[1], 2, 2) * 86400 + t[2] * 3600 + t[3] * 60 + t[4]
          c[k]++; if (lo == "" || k < lo) lo = k; if (k > hi) hi = k}
        END {if (lo != "") for (k = lo; k <= hi; k++) print c[k] + 0}' /var/log/nginx/access.log >"$work/seconds.txt"
      python3 - "$n" "$r" "$v" "$work" >>"$work/runs.jsonl" <<'PY'
import json, sys
n, r, v, work = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
load = json.load(open(f"{work}/load.json"))
seconds = [int(l) for l in open(f"{work}/seconds.txt") if l.strip()]
socks = [list(map(int, l.split())) for l in open(f"{work}/sockets.txt") if l.strip()]
col = lambda i: max((s[i] for s in socks), default=0)
print(json.dumps({"stage": n, "round": r, "variant": v, "goodput": load["goodput_rps"],
                  "status": load["status_counts"], "p99_ms": load["latency_ms"]["p99"],
                  "per_second_2xx": seconds, "samples": len(socks),
                  "max_estab": col(0), "max_close_wait": col(1), "max_syn_sent": col(2),
                  "max_fpm_queue": col(3)}))
PY
    done
  done
done
"$bin" down >/dev/null

python3 - "$rounds" "$secs" "$work/runs.jsonl" <<'PY'
import json, sys
rounds, secs, path = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
runs = [json.loads(l) for l in open(path)]
json.dump({"format": 1, "command": f"bash bench/storm.sh {rounds} {secs}", "rounds": rounds,
           "seconds": secs, "runs": runs}, open("bench/results/storm.json", "w"), indent=2)
PY
python3 bench/storm-table.py
