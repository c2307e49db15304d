#!/bin/sh
# Waits for perflab to write the stage's config, then runs nginx in the foreground
# from /etc/nginx/nginx.conf (a link to perflab's rendering). nginx logs every
# request to /var/log/nginx/access.log and its errors to /var/log/nginx/error.log;
# log-sample.sh passes a sample of both to the container's output (`docker logs`).
set -e
while [ ! -f /etc/perflab/ready ]; do sleep 0.05; done
mkdir -p /var/log/nginx /var/log/perflab
touch /var/log/nginx/access.log /var/log/nginx/error.log
/usr/local/bin/log-sample.sh &
exec nginx -g 'daemon off;'
