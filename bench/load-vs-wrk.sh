#!/usr/bin/env bash
# perflab's load generator against wrk, on a private nginx on 127.0.0.1.
#
# Runs wrk and `perflab load` alternately, RUNS times each, with the same
# connections and duration, in keep-alive and in close mode, at each count of
# CONNS; prints per case the ratio of perflab's requests/s to wrk's (medians) and
# each client's CPU seconds per 1000 requests, and perflab's peak RSS.
# nginx and both clients share the machine's cores, so a client that spends less
# CPU leaves more for nginx: the ratio measures efficiency as much as speed.
#
# Env: DURATION (s, default 5), RUNS (3), CONNS ("100 1000"), MODES ("keepalive close"),
#      MIN_RATIO (0.9: the script fails if any case is below it),
#      BASE (another perflab binary, e.g. an older commit's: run in turn with the
#      other two, its ratio to wrk printed beside, so that a change to the load
#      path is compared side by side in one run).
set -euo pipefail

DURATION=${DURATION:-5}
RUNS=${RUNS:-3}
CONNS=${CONNS:-"100 1000"}
MODES=${MODES:-"keepalive close"}
MIN_RATIO=${MIN_RATIO:-0.9}
CORES=$(nproc)
ROOT=$(cd "$(dirname "$0")/.." && pwd)

need() { # command, Debian package
    command -v "$1" >/dev/null 2>&1 && return
    echo "installing $2 (for $1)" >&2
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo=sudo
    $sudo apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$2" >/dev/null
}
need nginx nginx-light
need wrk wrk
[ -x /usr/bin/time ] || need /usr/bin/time time

# 1000 connections a client plus nginx's side: raise the open-files limit.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt 4096 ]; then
    echo "the open-files limit is $(ulimit -n); raise the hard limit to at least 4096" >&2
    exit 1
fi

T=$(mktemp -d /tmp/perflab-bench.XXXXXX)
NGINX_PID=""
cleanup() {
    if [ -n "$NGINX_PID" ]; then kill "$NGINX_PID" 2>/dev/null || true; wait "$NGINX_PID" 2>/dev/null || true; fi
    rm -rf "$T"
}
trap cleanup EXIT INT TERM

PORT=""
for p in $(seq 18080 18180); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then PORT=$p; break; fi
done
[ -n "$PORT" ] || { echo "no free port in 18080-18180" >&2; exit 1; }

mkdir -p "$T/www" "$T/tmp"
printf 'hello from the perflab benchmark\n' >"$T/www/index.html"
cat >"$T/nginx.conf" <<CONF
worker_processes auto;
daemon off;
pid $T/nginx.pid;
error_log $T/error.log warn;
worker_rlimit_nofile 65536;
events { worker_connections 16384; }
http {
    access_log off;
    client_body_temp_path $T/tmp/body;
    proxy_temp_path $T/tmp/proxy;
    fastcgi_temp_path $T/tmp/fastcgi;
    uwsgi_temp_path $T/tmp/uwsgi;
    scgi_temp_path $T/tmp/scgi;
    server {
        listen 127.0.0.1:$PORT backlog=65535;
        location / { root $T/www; }
    }
}
CONF
nginx -p "$T" -c "$T/nginx.conf" &
NGINX_PID=$!
URL="http://127.0.0.1:$PORT/"
for _ in $(seq 50); do
    (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break
    sleep 0.1
done

echo "building perflab (release)" >&2
(cd "$ROOT" && cargo build --release --quiet)
PERFLAB="$ROOT/target/release/perflab"

# Runs one client under /usr/bin/time; prints "requests rps cpu_seconds max_rss_kb".
run_wrk() { # conns mode
    local hdr=()
    [ "$2" = close ] && hdr=(-H "Connection: close")
    /usr/bin/time -f "%U %S %M" -o "$T/time" \
        wrk -t"$CORES" -c"$1" -d"${DURATION}s" --timeout 2s "${hdr[@]}" "$URL" >"$T/out" 2>&1
    local req rps
    req=$(awk '/requests in/ {print $1}' "$T/out")
    rps=$(awk '/^Requests\/sec/ {print $2}' "$T/out")
    awk -v r="$req" -v q="$rps" '{print r, q, $1 + $2, $3}' "$T/time"
}
run_perflab() { # conns mode [binary]
    local flag=()
    [ "$2" = close ] && flag=(--close)
    /usr/bin/time -f "%U %S %M" -o "$T/time" \
        "${3:-$PERFLAB}" load --url "$URL" -c "$1" -d "${DURATION}s" --timeout 2s "${flag[@]}" --json >"$T/out" 2>"$T/err"
    local req rps
    req=$(jq -r .requests "$T/out")
    rps=$(jq -r .total_rps "$T/out")
    local errs; errs=$(jq -c .errors "$T/out")
    [ "$errs" = "{}" ] || echo "  perflab errors: $errs" >&2
    awk -v r="$req" -v q="$rps" '{print r, q, $1 + $2, $3}' "$T/time"
}
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

if [ -n "${BASE:-}" ]; then
    [ -x "$BASE" ] || { echo "BASE=$BASE is not an executable perflab" >&2; exit 1; }
    echo "base binary: $BASE (run in turn with wrk and this tree's perflab)" >&2
fi
printf '%-18s %12s %12s %7s %16s %16s %9s' case "wrk req/s" "perflab req/s" ratio "wrk CPU s/1k" "perflab CPU s/1k" "RSS MB"
[ -n "${BASE:-}" ] && printf ' %12s %10s %14s' "base req/s" "base ratio" "base CPU s/1k"
echo
status=0
peak_rss=0
for c in $CONNS; do
    for mode in $MODES; do
        : >"$T/wrk.runs"; : >"$T/pl.runs"; : >"$T/base.runs"
        for i in $(seq "$RUNS"); do
            echo "  $mode c=$c run $i/$RUNS" >&2
            run_wrk "$c" "$mode" >>"$T/wrk.runs"
            run_perflab "$c" "$mode" >>"$T/pl.runs"
            if [ -n "${BASE:-}" ]; then run_perflab "$c" "$mode" "$BASE" >>"$T/base.runs"; fi
        done
        w_rps=$(awk '{print $2}' "$T/wrk.runs" | median)
        p_rps=$(awk '{print $2}' "$T/pl.runs" | median)
        w_cpu=$(awk '{printf "%.4f\n", $3 / ($1 / 1000)}' "$T/wrk.runs" | median)
        p_cpu=$(awk '{printf "%.4f\n", $3 / ($1 / 1000)}' "$T/pl.runs" | median)
        p_rss=$(awk 'BEGIN {m = 0} $4 > m {m = $4} END {print m}' "$T/pl.runs")
        [ "$c" -ge 1000 ] && [ "$p_rss" -gt "$peak_rss" ] && peak_rss=$p_rss
        ratio=$(awk -v a="$p_rps" -v b="$w_rps" 'BEGIN {printf "%.2f", (b > 0 ? a / b : 0)}')
        printf '%-18s %12.0f %12.0f %7s %16s %16s %9.1f' "$mode c=$c" "$w_rps" "$p_rps" "$ratio" "$w_cpu" "$p_cpu" \
            "$(awk -v k="$p_rss" 'BEGIN {print k / 1024}')"
        if [ -n "${BASE:-}" ]; then
            b_rps=$(awk '{print $2}' "$T/base.runs" | median)
            b_cpu=$(awk '{printf "%.4f\n", $3 / ($1 / 1000)}' "$T/base.runs" | median)
            printf ' %12.0f %10s %14s' "$b_rps" "$(awk -v a="$b_rps" -v b="$w_rps" 'BEGIN {printf "%.2f", (b > 0 ? a / b : 0)}')" "$b_cpu"
        fi
        echo
        if awk -v r="$ratio" -v m="$MIN_RATIO" 'BEGIN {exit !(r < m)}'; then
            echo "  below the required ratio $MIN_RATIO" >&2
            status=1
        fi
    done
done
if [ "$peak_rss" -gt 0 ]; then
    echo "perflab peak RSS at 1000 connections: $(awk -v k="$peak_rss" 'BEGIN {printf "%.1f", k / 1024}') MB (target < 50 MB)"
fi
echo "($CORES cores shared by nginx and the client; ${DURATION}s runs, median of $RUNS)"
exit $status
