# Sourced by the benches that need a private nginx on 127.0.0.1: `need` installs a missing tool from Debian's packages, and
# `start_local_nginx` starts nginx with its own config in a temporary directory
# $T (a free port in 18080-18180, `worker_processes auto`, `access_log off`, a
# 33-byte static file), sets $URL, and stops it and removes $T on exit, whatever
# happens (trap).

need() { # command, Debian package
    command -v "$1" >/dev/null 2>&1 && return
    echo "installing $2 (for $1)" >&2
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo=sudo
    $sudo apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$2" >/dev/null
}
need nginx nginx-light
need jq jq
[ -x /usr/bin/time ] || need /usr/bin/time time

start_local_nginx() {
    T=$(mktemp -d /tmp/perflab-bench.XXXXXX)
    NGINX_PID=""
    cleanup() {
        if [ -n "$NGINX_PID" ]; then kill "$NGINX_PID" 2>/dev/null || true; wait "$NGINX_PID" 2>/dev/null || true; fi
        rm -rf "$T"
    }
    trap cleanup EXIT INT TERM

    PORT=""
    for p in $(seq 18080 18180); do
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then PORT=$p; break; fi
    done
    [ -n "$PORT" ] || { echo "no free port in 18080-18180" >&2; exit 1; }

    mkdir -p "$T/www" "$T/tmp"
    printf 'hello from the perflab benchmark\n' >"$T/www/index.html"
    cat >"$T/nginx.conf" <<CONF
worker_processes auto;
daemon off;
pid $T/nginx.pid;
error_log $T/error.log warn;
worker_rlimit_nofile 65536;
events { worker_connections 16384; }
http {
    access_log off;
    client_body_temp_path $T/tmp/body;
    proxy_temp_path $T/tmp/proxy;
    fastcgi_temp_path $T/tmp/fastcgi;
    uwsgi_temp_path $T/tmp/uwsgi;
    scgi_temp_path $T/tmp/scgi;
    server {
        listen 127.0.0.1:$PORT backlog=65535;
        location / { root $T/www; }
    }
}
CONF
    nginx -p "$T" -c "$T/nginx.conf" &
    NGINX_PID=$!
    URL="http://127.0.0.1:$PORT/"
    for _ in $(seq 50); do
        (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break
        sleep 0.1
    done
}
