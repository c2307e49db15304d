#!/usr/bin/env bash
# Does `perflab load --rate R` keep its rate? Against a private nginx on
# 127.0.0.1, each rate of RATES for DURATION seconds, RUNS times: the rate
# asked for, the rate achieved (requests started a second within the window) and
# their difference, the responses a second, the late and never-sent requests, the
# connections it opened (of at most CONNS), both p99s and the client's CPU time
# per 1000 requests. Fails when any run's achieved rate is more than MAX_OFF_PCT
# percent away from its target.
#
# First, in the same run, what the machine serves at all: perflab in closed loop
# and wrk, each with the same CONNS for DURATION seconds (RUNS times, the best
# kept). A target above that cannot be kept by any client; the table says so.
#
# Env: RATES ("1000 10000 50000"), DURATION (s, 5), RUNS (1), CONNS (1000),
#      MAX_OFF_PCT (1), PERFLAB (a built perflab to use instead of building this tree).
set -euo pipefail

RATES=${RATES:-"1000 10000 50000"}
DURATION=${DURATION:-5}
RUNS=${RUNS:-1}
CONNS=${CONNS:-1000}
MAX_OFF_PCT=${MAX_OFF_PCT:-1}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=bench/local-nginx.sh
. "$ROOT/bench/local-nginx.sh"

ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
start_local_nginx
if [ -z "${PERFLAB:-}" ]; then
    echo "building perflab (release)" >&2
    (cd "$ROOT" && nice -n 19 cargo build --release --locked --quiet)
    PERFLAB="$ROOT/target/release/perflab"
fi

need wrk wrk
capacity=0
for i in $(seq "$RUNS"); do
    echo "  capacity, run $i of $RUNS" >&2
    "$PERFLAB" load --url "$URL" -c "$CONNS" -d "${DURATION}s" --timeout 2s --json >"$T/out" 2>"$T/err"
    closed=$(jq -r .total_rps "$T/out")
    wrk -t"$(nproc)" -c"$CONNS" -d"${DURATION}s" --timeout 2s "$URL" >"$T/wrk" 2>&1
    w=$(awk '/^Requests\/sec/ {print $2}' "$T/wrk")
    echo "closed loop, $CONNS connections, run $i: perflab $closed requests/s, wrk $w requests/s"
    capacity=$(awk -v a="$capacity" -v b="$closed" -v c="$w" 'BEGIN {m = a; if (b > m) m = b; if (c > m) m = c; printf "%.0f", m}')
done
echo "what this machine serves (the best of those): $capacity requests/s"
echo

printf '%9s %4s %12s %8s %12s %7s %7s %9s %12s %15s %14s\n' target run achieved "off %" "responses/s" late unsent connects "p99 ms" "uncorr. p99 ms" "CPU ms/1k req"
status=0
for rate in $RATES; do
    for i in $(seq "$RUNS"); do
        echo "  rate $rate, run $i of $RUNS" >&2
        /usr/bin/time -f "%U %S" -o "$T/time" \
            "$PERFLAB" load --url "$URL" --rate "$rate" -c "$CONNS" -d "${DURATION}s" --timeout 2s --json >"$T/out" 2>"$T/err"
        errs=$(jq -c .errors "$T/out")
        [ "$errs" = "{}" ] || echo "  errors: $errs" >&2
        read -r achieved total late unsent connects p99 up99 requests < <(jq -r \
            '[.rate.achieved, .total_rps, .rate.late, .rate.unsent, .connects, .latency_ms.p99, .latency_uncorrected_ms.p99, .requests] | @tsv' "$T/out")
        off=$(awk -v a="$achieved" -v t="$rate" 'BEGIN {printf "%+.3f", (a / t - 1) * 100}')
        cpu=$(awk -v n="$requests" '{printf "%.2f", (n > 0 ? ($1 + $2) / n * 1e6 : 0)}' "$T/time")
        printf '%9s %4s %12.1f %8s %12.1f %7s %7s %9s %12.2f %15.2f %14s\n' \
            "$rate" "$i" "$achieved" "$off" "$total" "$late" "$unsent" "$connects" "$p99" "$up99" "$cpu"
        if awk -v o="$off" -v m="$MAX_OFF_PCT" 'BEGIN {exit !(o > m || o < -m)}'; then
            if [ "$rate" -gt "$capacity" ]; then
                echo "  achieved rate more than $MAX_OFF_PCT % away from $rate, which is above what this machine serves closed loop ($capacity/s)" >&2
            else
                echo "  achieved rate more than $MAX_OFF_PCT % away from $rate" >&2
            fi
            status=1
        fi
    done
done
echo "($(nproc) cores shared by nginx and the client; ${DURATION}s runs, up to $CONNS connections)"
exit $status
