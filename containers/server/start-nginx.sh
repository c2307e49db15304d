#!/bin/sh
# Waits for perflab to write the stage's config, then runs nginx in the foreground.
set -e
while [ ! -f /etc/perflab/ready ]; do sleep 0.05; done
mkdir -p /var/log/perflab
exec nginx -c /etc/perflab/nginx.conf -g 'daemon off;'
