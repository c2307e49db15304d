#!/bin/sh
# perflab: `dmesg` inside the lab's server. The kernel log is the host's, and the
# server may not read it (it has no CAP_SYSLOG, on purpose). `perflab shell` copies
# it in through perflab's host helper when it starts and every 10 s while it is
# attached; this prints that copy, after a first line (on stderr, so that it shows
# above a pipe) saying when it was copied. It never clears or changes anything.
copy=/var/log/perflab/host-dmesg.log
for a in "$@"; do
  case "$a" in
    --clear|--read-clear|--console-off|--console-on|--console-level*|-[!-]*[cCDEn]*|-[cCDEn]*)
      echo "dmesg: perflab shows a copy of the host's kernel log here and never clears or changes it ($a refused)" >&2
      exit 1 ;;
    -w|--follow|-W|--follow-new)
      echo "dmesg: this is a copy refreshed every 10 s, it cannot be followed ($a refused): run dmesg again" >&2
      exit 1 ;;
  esac
done
if [ ! -s "$copy" ]; then
  echo "dmesg: no copy of the host's kernel log here yet: \`perflab shell\` makes one when it starts (at the lab prompt of \`perflab\`, dmesg reads the host's directly)" >&2
  exit 1
fi
status=$(head -n 1 "$copy")
at=$(date -r "$copy" '+%H:%M:%S %Z')
case "$status" in
  ok) echo "dmesg: the host's kernel log, as perflab copied it into the server at $at (\`perflab shell\` copies it every 10 s)" >&2 ;;
  *) echo "dmesg: perflab could not copy the host's kernel log at $at: ${status#failed: }" >&2; exit 1 ;;
esac
[ $# -eq 0 ] || echo "dmesg: options are not applied to the copy: $*" >&2
tail -n +2 "$copy"
