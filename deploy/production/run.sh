#!/usr/bin/env bash
# The local stack with production settings, as a city would run it: nginx (TLS with a locally
# made self-signed certificate, request size limit, X-Forwarded-For/Proto set by the proxy) in
# front of gunicorn, a Celery worker and Celery beat, all under supervisord, which restarts
# any of them that dies.
#
#   deploy/production/run.sh foreground   start and stay attached (Ctrl-C stops everything)
#   deploy/production/run.sh start        start in the background; returns once https answers
#   deploy/production/run.sh check        every page type must answer 200 over https
#   deploy/production/run.sh status       supervisorctl status
#   deploy/production/run.sh stop         stop everything it started
#   deploy/production/run.sh env          print the environment the processes get
#
# It listens on 127.0.0.1 only (ports chosen once, kept in $CIVIC311_RUN_DIR/ports.env; set
# CIVIC311_HTTPS_PORT / CIVIC311_HTTP_PORT / CIVIC311_GUNICORN_PORT to choose). Everything it
# writes (certificate, static files, logs, mail) is under $CIVIC311_RUN_DIR (.local/production).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
STATE="${CIVIC311_STATE_DIR:-$ROOT/.local}"
export CIVIC311_RUN_DIR="${CIVIC311_RUN_DIR:-$STATE/production}"
RUN_DIR="$CIVIC311_RUN_DIR"
CONF="$ROOT/deploy/production/supervisord.conf"
VENV="$ROOT/.venv/bin"

log() { printf '[production] %s\n' "$*" >&2; }
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port_from() {
  local port="$1"
  while port_in_use "$port"; do port=$((port + 1)); done
  echo "$port"
}

choose_ports() {
  mkdir -p "$RUN_DIR"
  if [ -f "$RUN_DIR/ports.env" ]; then
    # shellcheck disable=SC1091
    . "$RUN_DIR/ports.env"
  fi
  HTTPS_PORT="${CIVIC311_HTTPS_PORT:-${HTTPS_PORT:-$(free_port_from 8443)}}"
  HTTP_PORT="${CIVIC311_HTTP_PORT:-${HTTP_PORT:-$(free_port_from 8088)}}"
  GUNICORN_PORT="${CIVIC311_GUNICORN_PORT:-${GUNICORN_PORT:-$(free_port_from 8101)}}"
  printf 'HTTPS_PORT=%s\nHTTP_PORT=%s\nGUNICORN_PORT=%s\n' \
    "$HTTPS_PORT" "$HTTP_PORT" "$GUNICORN_PORT" >"$RUN_DIR/ports.env"
}

secret_key() {
  mkdir -p "$STATE/secrets"
  chmod 700 "$STATE/secrets"
  [ -s "$STATE/secrets/django_secret_key" ] ||
    head -c 48 /dev/urandom | base64 | tr -d '\n' >"$STATE/secrets/django_secret_key"
  cat "$STATE/secrets/django_secret_key"
}

load_env() {
  choose_ports
  eval "$(bash "$ROOT/deploy/local/stack.sh" env)"
  export CIVIC311_ENV=production
  DJANGO_SECRET_KEY="$(secret_key)"
  export DJANGO_SECRET_KEY
  export DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost"
  export DJANGO_CSRF_TRUSTED_ORIGINS="https://127.0.0.1:$HTTPS_PORT,https://localhost:$HTTPS_PORT"
  export CIVIC311_PUBLIC_URL="https://127.0.0.1:$HTTPS_PORT"
  export CIVIC311_TRUSTED_PROXIES=1  # nginx sets X-Forwarded-For
  export DJANGO_STATIC_ROOT="$RUN_DIR/static"
  export GUNICORN_BIND="127.0.0.1:$GUNICORN_PORT"
  export WEB_CONCURRENCY="${WEB_CONCURRENCY:-2}"
  # A queue of its own, so a `make run` worker on the same Redis never takes its tasks.
  export CELERY_TASK_DEFAULT_QUEUE="${CELERY_TASK_DEFAULT_QUEUE:-civic311-production}"
  # No mail server here: write messages to files unless one is configured.
  export DJANGO_EMAIL_BACKEND="${DJANGO_EMAIL_BACKEND:-django.core.mail.backends.filebased.EmailBackend}"
  export DJANGO_EMAIL_FILE_PATH="${DJANGO_EMAIL_FILE_PATH:-$RUN_DIR/mail}"
  export CIVIC311_SMS_FILE="${CIVIC311_SMS_FILE:-$RUN_DIR/sms.log}"
  export PYTHONPATH="$ROOT/backend:$ROOT"
  export HTTPS_PORT HTTP_PORT GUNICORN_PORT
}

certificate() {
  mkdir -p "$RUN_DIR/tls"
  [ -s "$RUN_DIR/tls/cert.pem" ] && return 0
  log "making a self-signed certificate for 127.0.0.1 and localhost"
  openssl req -x509 -newkey rsa:2048 -nodes -days 365 -subj "/CN=localhost" \
    -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" \
    -keyout "$RUN_DIR/tls/key.pem" -out "$RUN_DIR/tls/cert.pem" 2>/dev/null
  chmod 600 "$RUN_DIR/tls/key.pem"
}

nginx_conf() {
  local dir max_body max_report_body
  for dir in log nginx/body nginx/proxy nginx/fastcgi nginx/uwsgi nginx/scgi mail; do
    mkdir -p "$RUN_DIR/$dir"
  done
  chmod -R 1777 "$RUN_DIR/nginx"  # nginx workers run as an unprivileged user
  max_body="${CIVIC311_MAX_BODY_BYTES:-1048576}"
  max_report_body="${CIVIC311_MAX_REPORT_BODY_BYTES:-67108864}"
  sed -e "s#@RUN_DIR@#$RUN_DIR#g" -e "s#@HTTPS_PORT@#$HTTPS_PORT#g" \
    -e "s#@HTTP_PORT@#$HTTP_PORT#g" -e "s#@GUNICORN_PORT@#$GUNICORN_PORT#g" \
    -e "s#@MAX_BODY@#$max_body#g" -e "s#@MAX_REPORT_BODY@#$max_report_body#g" \
    "$ROOT/deploy/production/nginx.conf.template" >"$RUN_DIR/nginx.conf"
  /usr/sbin/nginx -t -q -c "$RUN_DIR/nginx.conf"
}

prepare() {
  bash "$ROOT/deploy/local/stack.sh" all
  load_env
  "$VENV/python" "$ROOT/manage.py" migrate --no-input -v 0
  "$VENV/python" "$ROOT/manage.py" collectstatic --no-input -v 0
  certificate
  nginx_conf
}

running() {
  [ -f "$RUN_DIR/supervisord.pid" ] && kill -0 "$(cat "$RUN_DIR/supervisord.pid")" 2>/dev/null
}

wait_until_up() {
  local i
  for i in $(seq 1 90); do
    if curl -k -s -f -o /dev/null --max-time 2 "https://127.0.0.1:$HTTPS_PORT/healthz/live"; then
      log "up on https://127.0.0.1:$HTTPS_PORT (http://127.0.0.1:$HTTP_PORT redirects)"
      return 0
    fi
    sleep 1
  done
  log "did not answer within 90 s; logs in $RUN_DIR/log"
  return 1
}

cmd_check() {
  load_env
  local base="https://127.0.0.1:$HTTPS_PORT" failed=0 path code static
  static="$(cd "$RUN_DIR/static" && ls admin/css/base.*.css | head -1)"
  for path in / /admin/login/ /api/docs/ /api/schema/ /open311/v2/discovery.xml \
    /open311/v2/services.json /open311/v2/requests.json /healthz /healthz/live \
    "/static/$static" /static/vendor/ol-7.2.2/ol.js; do
    code="$(curl -k -s -o /dev/null --max-time 20 -w '%{http_code}' "$base$path")"
    printf '%s %s\n' "$code" "$path"
    [ "$code" = 200 ] || failed=1
  done
  code="$(curl -s -o /dev/null --max-time 5 -w '%{http_code}' "http://127.0.0.1:$HTTP_PORT/")"
  printf '%s %s\n' "$code" "http:// redirects to https"
  [ "$code" = 301 ] || failed=1
  return "$failed"
}

case "${1:-}" in
  foreground)
    prepare
    running && { log "already running (deploy/production/run.sh stop first)"; exit 1; }
    log "starting on https://127.0.0.1:$HTTPS_PORT; Ctrl-C stops everything"
    SUPERVISOR_NODAEMON=true exec "$VENV/supervisord" -c "$CONF"
    ;;
  start)
    prepare
    if running; then log "already running"; else
      SUPERVISOR_NODAEMON=false "$VENV/supervisord" -c "$CONF"
    fi
    wait_until_up
    ;;
  check) cmd_check ;;
  status) load_env; SUPERVISOR_NODAEMON=false "$VENV/supervisorctl" -c "$CONF" status ;;
  stop)
    load_env
    if running; then
      SUPERVISOR_NODAEMON=false "$VENV/supervisorctl" -c "$CONF" shutdown >/dev/null
      for _ in $(seq 1 60); do running || break; sleep 0.5; done
      log "stopped"
    fi
    ;;
  env) load_env; env | grep -E '^(CIVIC311_|DJANGO_|DATABASE_URL|REDIS_URL|GUNICORN_|WEB_|CELERY_|HTTPS?_PORT)' | sed 's/^/export /' ;;
  *) sed -n '2,17p' "$0"; exit 2 ;;
esac
