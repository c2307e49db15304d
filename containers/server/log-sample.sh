#!/bin/sh
# A sample of nginx's logs for the container's output, so that `docker logs`
# shows what the seed shows (the 499s, the 502s, `(99: Cannot assign requested
# address)`) without sending every request through Docker's log driver (stage 4
# fails 50 000 requests a second). Each second passes at most the first error
# line read in it and the first access line of each non-2xx status (a 499 is not
# hidden behind the 502s); 2xx lines are never passed. The full logs stay in
# the files.
tail -q -n 0 -F /var/log/nginx/access.log /var/log/nginx/error.log 2>/dev/null | awk '
  # An error line starts with its date (2026/11/26 04:41:00 [error] ...);
  # an access line ends with "status bytes request_time".
  /^[0-9][0-9][0-9][0-9]\/[0-9][0-9]\/[0-9][0-9] / {
    now = systime(); if (now != err_at) { err_at = now; print; fflush() }
    next
  }
  NF >= 3 && $(NF - 2) ~ /^[1345][0-9][0-9]$/ {
    now = systime(); s = $(NF - 2)
    if (now != at[s]) { at[s] = now; print; fflush() }
  }'
