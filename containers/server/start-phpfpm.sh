#!/bin/sh
# Waits for perflab to write the stage's config, then runs php-fpm in the foreground.
# Its log (low volume: warnings at most once a second) goes both to the container's
# stderr, for `docker logs`, and to /var/log/perflab/php-fpm.log, for the lab prompt.
set -e
while [ ! -f /etc/perflab/ready ]; do sleep 0.05; done
mkdir -p /var/log/perflab
rm -f /run/php-fpm.log.fifo
mkfifo /run/php-fpm.log.fifo
tee -a /var/log/perflab/php-fpm.log </run/php-fpm.log.fifo >&2 &
exec php-fpm8.2 --nodaemonize --fpm-config /etc/perflab/php-fpm.conf 2>/run/php-fpm.log.fifo
