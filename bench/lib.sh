# Sourced by the bench scripts: a whole-number argument checked against its
# range, and a lab of the script's own, run by a copy of the release build (so
# that a build during the runs cannot change the binary under them) and removed
# when the script ends, however it ends.

# whole_in WHAT VALUE MIN MAX: exits 2 with a message naming the value and the range.
whole_in() {
  case "$2" in
    ''|*[!0-9]*) echo "$1 must be a whole number from $3 to $4, not ${2:-nothing}" >&2; exit 2 ;;
  esac
  if [ "$2" -lt "$3" ] || [ "$2" -gt "$4" ]; then
    echo "$1 must be from $3 to $4, not $2" >&2; exit 2
  fi
}

# own_lab NAME: sets $work (a fresh folder), $bin (the copied build) and the
# lab's PERFLAB_LAB and PERFLAB_STATE_DIR.
own_lab() {
  cargo build --release --locked -q
  work=$(mktemp -d)
  bin="$work/perflab"
  cp target/release/perflab "$bin"
  export PERFLAB_LAB="$1" PERFLAB_STATE_DIR="$work/state"
  trap own_lab_down EXIT
}

# The lab removed and the host put back; if `down` cannot do it (the lab still in
# use by a run this script started, say), the state folder with its host journal
# is kept and named, never deleted with the journal in it.
own_lab_down() {
  if "$bin" down >/dev/null 2>&1; then
    rm -rf "$work"
  else
    echo "perflab down failed: the lab's state and host journal are kept in $work/state;" \
      "run PERFLAB_LAB=$PERFLAB_LAB PERFLAB_STATE_DIR=$work/state perflab down" >&2
  fi
}
