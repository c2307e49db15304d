#!/bin/sh
# Waits for perflab to write the stage's config, then runs php-fpm in the foreground
# from /etc/php/8.2/fpm/php-fpm.conf (a link to perflab's rendering), which includes
# the pool in /etc/php/8.2/fpm/pool.d/www.conf. It logs to /var/log/php8.2-fpm.log
# (low volume: warnings at most once a second), which is also passed whole to the
# container's stderr, for `docker logs`.
set -e
while [ ! -f /etc/perflab/ready ]; do sleep 0.05; done
mkdir -p /run/php
touch /var/log/php8.2-fpm.log
tail -n 0 -F /var/log/php8.2-fpm.log >&2 &
exec php-fpm8.2 --nodaemonize
