#!/usr/bin/env bash
# Which order of the stages follows the evidence: every state that a candidate
# order starts a stage in (or ends its last fix in), measured RUNS times from a
# settled start, for each page variant (the page's wait on its backend, WAITS in
# microseconds). For each state: goodput, p99, request timeouts, the error rate,
# the server's counters over the run, and what the seed's commands show after
# the last run (`docker logs` of both containers, `ss -ltn` under load, dmesg).
# bench/order.py then judges, for every candidate order, what each fix moves
# against the noise, and writes bench/results/order.{json,md}.
#
#   bash bench/order.sh [RUNS]                 (5 by default)
#   WAITS="0 2000" SECONDS_EACH=10 bash bench/order.sh 5
#   STATES="ct+ports four" bash bench/order.sh 2      (some states only)
#
# Each state is started with `perflab up --stage 0 --set KNOB=VALUE ...` in this
# script's own lab (PERFLAB_LAB=order), which is removed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-5}"
secs="${SECONDS_EACH:-10}"
# The states from the flame-graph stage's start on are measured as that stage is:
# longer runs, for TIME_WAIT on nginx's ports to build up (its [observe] seconds).
long="${SECONDS_LONG:-30}"
waits="${WAITS:-0 2000}"
for v in "$runs" "$secs" "$long" $waits; do
  case "$v" in
    ''|*[!0-9]*) echo "order: RUNS, SECONDS_EACH and WAITS must be whole numbers, not ${v:-nothing}" >&2; exit 2 ;;
  esac
done
if [ "$runs" -lt 2 ] || [ "$runs" -gt 20 ]; then echo "order: RUNS must be from 2 to 20, not $runs" >&2; exit 2; fi
for v in "$secs" "$long"; do
  if [ "$v" -lt 5 ] || [ "$v" -gt 60 ]; then echo "order: SECONDS_EACH and SECONDS_LONG must be from 5 to 60, not $v" >&2; exit 2; fi
done
cargo build --release --locked -q
bin="$PWD/target/release/perflab"
work=$(mktemp -d)
export PERFLAB_LAB=order PERFLAB_STATE_DIR="$work/state"
cleanup() { "$bin" down >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT

# The states, as knobs set on top of the start of stage 0 (everything mistuned).
ct="conntrack_fill=false"
ports="ip_local_port_range=10000 65535"
workers="pm_max_children=20"
listen="nginx_backlog=8192 phpfpm_backlog=8192 somaxconn=65536"
declare -A states=(
  [all]=""
  [ct]="$ct"
  [ct+workers]="$ct $workers"
  [ct+workers+listen]="$ct $workers $listen"
  [ct+ports]="$ct $ports"
  [ct+ports+workers]="$ct $ports $workers"
  [ct+ports+listen]="$ct $ports $listen"
  [four]="$ct $ports $workers $listen"
  [flame]="$ct $ports $workers $listen fastcgi_keep_conn=true"
  [flame+reuse]="$ct $ports $workers $listen fastcgi_keep_conn=true tcp_tw_reuse=1"
  [pool]="$ct $ports $workers $listen fastcgi_keep_conn=true tcp_tw_reuse=1 upstream_keepalive=2"
)
read -r -a order <<<"${STATES:-all ct ct+workers ct+workers+listen ct+ports ct+ports+workers ct+ports+listen four flame flame+reuse pool}"
for s in "${order[@]}"; do
  [ -n "${states[$s]+set}" ] || { echo "order: no state $s: the states are ${!states[*]}" >&2; exit 2; }
done

# `--set` arguments from a state's knobs (the port range is the one value with a space).
set_args() {
  local knobs="${1//10000 65535/10000_65535}" k
  for k in $knobs; do printf -- '--set\0%s\0' "${k//10000_65535/10000 65535}"; done
}

: >"$work/runs.jsonl"
for w in $waits; do
  for s in "${order[@]}"; do
    "$bin" down >/dev/null
    mapfile -d '' args < <(set_args "${states[$s]} backend_wait_us=$w")
    "$bin" up --stage 0 "${args[@]}" >/dev/null
    case "$s" in flame|flame+reuse|pool) d="$long" ;; *) d="$secs" ;; esac
    for i in $(seq 1 "$runs"); do
      echo "order: wait ${w} us, state $s, run $i of $runs" >&2
      out="$work/run.json"
      if [ "$i" = "$runs" ]; then
        # The seed's `ss -ltn` in the middle of the last run.
        ( sleep $((d / 2)); "$bin" shell -- ss -Hltn >"$work/ss.txt" 2>/dev/null || true ) &
        sampler=$!
      fi
      "$bin" load --settle --json -d "${d}s" >"$out" 2>/dev/null
      [ "$i" = "$runs" ] && wait "$sampler"
      python3 - "$out" "$w" "$s" "$i" >>"$work/runs.jsonl" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
print(json.dumps({"wait_us": int(sys.argv[2]), "state": sys.argv[3], "run": int(sys.argv[4]), "report": r}))
PY
    done
    # What the seed's commands show after the runs.
    docker logs "$PERFLAB_LAB-nginx" --tail 20 >"$work/nginx.log" 2>&1 || true
    docker logs "$PERFLAB_LAB-phpfpm" --tail 5 >"$work/phpfpm.log" 2>&1 || true
    "$bin" shell -- sh -c 'dmesg | tail -n 20' >"$work/dmesg.txt" 2>/dev/null || true
    python3 - "$work" "$w" "$s" >>"$work/runs.jsonl" <<'PY'
import json, os, re, sys
work, w, s = sys.argv[1], int(sys.argv[2]), sys.argv[3]
read = lambda f: open(os.path.join(work, f), errors="replace").read()
nginx, fpm, dmesg = read("nginx.log"), read("phpfpm.log"), read("dmesg.txt")
listen = {}
for line in read("ss.txt").splitlines():
    f = line.split()
    if len(f) >= 4 and f[0] == "LISTEN" and f[3].rsplit(":", 1)[-1] in ("80", "9000"):
        listen[f[3].rsplit(":", 1)[-1]] = {"recv_q": int(f[1]), "send_q": int(f[2])}
seen = {
    "nginx_499": len(re.findall(r'" 499 ', nginx)),
    "nginx_502": len(re.findall(r'" 502 ', nginx)),
    "nginx_errno99": len(re.findall(r"\(99: Cannot assign requested address\)", nginx)),
    "phpfpm_max_children": len(re.findall(r"server reached (pm\.)?max_children setting", fpm)),
    "dmesg_table_full": len(re.findall(r"nf_conntrack: table full", dmesg)),
    "listen_mid_run": listen,
}
print(json.dumps({"wait_us": w, "state": s, "seed": seen}))
PY
  done
done
python3 bench/order.py "$work/runs.jsonl" "$runs" "$secs" "$long"
