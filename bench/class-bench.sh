#!/usr/bin/env bash
# The class server under load: events a second it stores with many learners
# posting batches at once, and its memory with that class. A benchmark, not a
# test: it prints figures and fails only if something does not run.
#
#   bash bench/class-bench.sh                 # 100 learners, 10 s, batches of 1, 10 and 50
#   LEARNERS=200 SECONDS_EACH=20 bash bench/class-bench.sh
set -euo pipefail
cd "$(dirname "$0")/.."

LEARNERS="${LEARNERS:-100}"
SECONDS_EACH="${SECONDS_EACH:-10}"
BATCHES="${BATCHES:-1 10 50}"

cargo build --release --quiet
BIN=target/release/perflab
STATE=$(mktemp -d /tmp/perflab-class-bench.XXXXXX)
OUT="$STATE/serve.out"
SERVER=""
cleanup() {
  if [ -n "$SERVER" ]; then kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; fi
  rm -rf "$STATE"
}
trap cleanup EXIT

PERFLAB_STATE_DIR="$STATE" NO_COLOR=1 "$BIN" class serve --bind 127.0.0.1:0 --title bench >"$OUT" 2>/dev/null &
SERVER=$!
for _ in $(seq 1 100); do grep -q '^instructor URL' "$OUT" 2>/dev/null && break; sleep 0.1; done
JOIN=$(sed -n 's/^join URL: //p' "$OUT" | head -n1)
[ -n "$JOIN" ] || { echo "class-bench: the server printed no join URL" >&2; exit 1; }
rss() { awk -v k="$1:" '$1 == k {print $2 / 1024 " MiB"}' "/proc/$SERVER/status"; }
echo "class-bench: server pid $SERVER, $(nproc) cores, RSS at start $(rss VmRSS)"

for b in $BATCHES; do
  # Each run joins its own learners: the class grows by LEARNERS a run.
  NO_COLOR=1 "$BIN" class bench --url "$JOIN" --learners "$LEARNERS" --seconds "$SECONDS_EACH" --batch "$b"
  echo "  server RSS after it: $(rss VmRSS) (peak so far $(rss VmHWM))"
done
LEARNED=$(sqlite3 "$STATE/class.sqlite" 'SELECT count(*) FROM learners' 2>/dev/null || echo "?")
EVENTS=$(sqlite3 "$STATE/class.sqlite" 'SELECT count(*) FROM events' 2>/dev/null || echo "?")
echo "class-bench: server RSS now $(rss VmRSS), peak $(rss VmHWM); class of $LEARNED learners, $EVENTS events"
echo "class-bench: database $(du -h "$STATE/class.sqlite" | cut -f1) (+ WAL $(du -h "$STATE/class.sqlite-wal" 2>/dev/null | cut -f1 || echo 0))"
