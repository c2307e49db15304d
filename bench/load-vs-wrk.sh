#!/usr/bin/env bash
# perflab's load generator against wrk and oha, on a private nginx on 127.0.0.1.
#
# Runs wrk, `perflab load` and oha in turn, RUNS times each, with the same
# connections and duration, in keep-alive and in close mode, at each count of
# CONNS; prints per case and client the median requests/s, its ratio to wrk's,
# the client's CPU time per 1000 requests (user + system, /usr/bin/time) and its
# peak RSS (maxRSS, the largest of the runs). nginx and the clients share the
# machine's cores, so a client that spends less CPU leaves more for nginx: the
# ratio measures efficiency as much as speed.
#
# Env: DURATION (s, default 5), RUNS (3), CONNS ("100 1000 10000"),
#      MODES ("keepalive close"),
#      MIN_RATIO (0.9: the script fails if perflab/wrk is below it in any case),
#      BASE (another perflab binary, e.g. an older commit's: run in turn with the
#      others, so that a change to the load path is compared side by side in one run),
#      OHA_DIR (where `cargo install oha` puts oha; default ~/.cache/perflab-bench/oha;
#      oha is skipped, with a message, if it cannot be built),
#      PERFLAB (a built perflab to use instead of building this tree).
set -euo pipefail

DURATION=${DURATION:-5}
RUNS=${RUNS:-3}
CONNS=${CONNS:-"100 1000 10000"}
MODES=${MODES:-"keepalive close"}
MIN_RATIO=${MIN_RATIO:-0.9}
CORES=$(nproc)
ROOT=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=bench/local-nginx.sh
. "$ROOT/bench/local-nginx.sh"

need wrk wrk

# oha from crates.io, built once into a directory of its own.
OHA_DIR=${OHA_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/perflab-bench/oha}
OHA="$OHA_DIR/bin/oha"
if [ ! -x "$OHA" ]; then
    mkdir -p "$(dirname "$OHA_DIR")"
    echo "building oha with cargo install into $OHA_DIR (once; several minutes)" >&2
    if ! nice -n 19 cargo install oha --locked --quiet --root "$OHA_DIR" >"$OHA_DIR.log" 2>&1; then
        echo "oha could not be built (see $OHA_DIR.log): skipping oha" >&2
        OHA=""
    fi
fi

# The largest count of connections a client plus nginx's side: raise the open-files limit.
most=0
for c in $CONNS; do [ "$c" -gt "$most" ] && most=$c; done
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt $((most + 1000)) ]; then
    echo "the open-files limit is $(ulimit -n); raise the hard limit to at least $((most + 1000))" >&2
    exit 1
fi

start_local_nginx

if [ -z "${PERFLAB:-}" ]; then
    echo "building perflab (release)" >&2
    (cd "$ROOT" && nice -n 19 cargo build --release --locked --quiet)
    PERFLAB="$ROOT/target/release/perflab"
fi

# Each runs one client under /usr/bin/time; prints "requests rps cpu_seconds max_rss_kb".
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
run_oha() { # conns mode
    local flag=()
    [ "$2" = close ] && flag=(--disable-keepalive)
    /usr/bin/time -f "%U %S %M" -o "$T/time" \
        "$OHA" -z "${DURATION}s" -c "$1" -t 2s --no-tui --output-format json "${flag[@]}" "$URL" >"$T/out" 2>"$T/err"
    # Responses counted like wrk's: any status, within the duration.
    local req rps
    req=$(jq '[.statusCodeDistribution[]] | add // 0' "$T/out")
    rps=$(jq -r --argjson n "$req" '$n / .summary.total' "$T/out")
    awk -v r="$req" -v q="$rps" '{print r, q, $1 + $2, $3}' "$T/time"
}
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

clients="wrk perflab"
[ -n "$OHA" ] && clients="$clients oha"
if [ -n "${BASE:-}" ]; then
    [ -x "$BASE" ] || { echo "BASE=$BASE is not an executable perflab" >&2; exit 1; }
    echo "base binary: $BASE (run in turn with the others)" >&2
    clients="$clients base"
fi
run_client() { # client conns mode
    case $1 in
        wrk) run_wrk "$2" "$3" ;;
        perflab) run_perflab "$2" "$3" ;;
        oha) run_oha "$2" "$3" ;;
        base) run_perflab "$2" "$3" "$BASE" ;;
    esac
}

printf '%-18s %-8s %12s %12s %14s %10s\n' case client "req/s" "ratio to wrk" "CPU ms/1k req" "maxRSS MB"
status=0
for c in $CONNS; do
    for mode in $MODES; do
        for client in $clients; do : >"$T/$client.runs"; done
        for i in $(seq "$RUNS"); do
            for client in $clients; do
                echo "  $mode c=$c run $i/$RUNS: $client" >&2
                run_client "$client" "$c" "$mode" >>"$T/$client.runs"
            done
        done
        w_rps=$(awk '{print $2}' "$T/wrk.runs" | median)
        for client in $clients; do
            rps=$(awk '{print $2}' "$T/$client.runs" | median)
            cpu=$(awk '{printf "%.4f\n", ($1 > 0 ? $3 / ($1 / 1000) * 1000 : 0)}' "$T/$client.runs" | median)
            rss=$(awk 'BEGIN {m = 0} $4 > m {m = $4} END {printf "%.1f", m / 1024}' "$T/$client.runs")
            ratio=$(awk -v a="$rps" -v b="$w_rps" 'BEGIN {printf "%.2f", (b > 0 ? a / b : 0)}')
            printf '%-18s %-8s %12.0f %12s %14.2f %10s\n' "$mode c=$c" "$client" "$rps" "$ratio" "$cpu" "$rss"
            if [ "$client" = perflab ] && awk -v r="$ratio" -v m="$MIN_RATIO" 'BEGIN {exit !(r < m)}'; then
                echo "  perflab/wrk below the required ratio $MIN_RATIO" >&2
                status=1
            fi
        done
    done
done
echo "($CORES cores shared by nginx and the client; ${DURATION}s runs, median of $RUNS; maxRSS the largest run)"
exit $status
