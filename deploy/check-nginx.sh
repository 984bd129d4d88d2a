#!/usr/bin/env bash
# Check deploy/nginx/*.conf with `nginx -t` without installing them: a
# throwaway nginx.conf in a temporary directory includes the site with a
# self-signed certificate and local paths. Needs nginx and openssl.
#   deploy/check-nginx.sh            # syntax and semantics check (nginx -t)
#   deploy/check-nginx.sh --serve PORT_HTTPS UPSTREAM_PORT
#                                    # also run it in the foreground (Ctrl-C stops)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
command -v nginx >/dev/null || { echo "nginx is not installed" >&2; exit 1; }

openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=ecoute.example.org" \
    -keyout "$work/key.pem" -out "$work/cert.pem" >/dev/null 2>&1
mkdir -p "$work/snippets" "$work/logs"
cp "$here/nginx/ecoute-proxy.conf" "$work/snippets/"
https_port="${2:-8443}"
upstream_port="${3:-8000}"
sed -e "s#/etc/letsencrypt/live/ecoute.example.org/fullchain.pem#$work/cert.pem#" \
    -e "s#/etc/letsencrypt/live/ecoute.example.org/privkey.pem#$work/key.pem#" \
    -e "s#/etc/nginx/snippets/#$work/snippets/#g" \
    -e "s#/var/log/nginx/#$work/logs/#g" \
    -e "s#/srv/ecoute/#$root/#g" \
    -e "s#listen 443 ssl http2;#listen $https_port ssl http2;#" \
    -e "s#listen \[::\]:443 ssl http2;##" \
    -e "s#listen 80;#listen $((https_port + 1));#" \
    -e "s#listen \[::\]:80;##" \
    -e "s#server 127.0.0.1:8000#server 127.0.0.1:$upstream_port#" \
    "$here/nginx/ecoute.conf" > "$work/site.conf"
cat > "$work/nginx.conf" <<CONF
worker_processes 1;
pid $work/nginx.pid;
error_log $work/logs/error.log;
events { worker_connections 1024; }
http {
    include /etc/nginx/mime.types;
    client_body_temp_path $work/body;
    proxy_temp_path $work/proxy;
    fastcgi_temp_path $work/fastcgi;
    uwsgi_temp_path $work/uwsgi;
    scgi_temp_path $work/scgi;
    access_log $work/logs/access.log;
    include $here/nginx/ecoute-log-format.conf;
    include $work/site.conf;
}
CONF
nginx -t -c "$work/nginx.conf" -p "$work"
if [ "${1:-}" = "--serve" ]; then
    nginx -c "$work/nginx.conf" -p "$work" -g "daemon off;" &
    nginx_pid=$!
    trap 'kill -QUIT "$nginx_pid" 2>/dev/null; wait "$nginx_pid"; rm -rf "$work"' TERM INT EXIT
    wait "$nginx_pid"
fi
