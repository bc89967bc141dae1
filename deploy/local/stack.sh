#!/usr/bin/env bash
# The private local stack: system packages, virtualenv, PostgreSQL/PostGIS cluster and Redis.
#
#   deploy/local/stack.sh packages   install missing Debian packages (as root), else print the command
#   deploy/local/stack.sh venv       create/refresh .venv from uv.lock
#   deploy/local/stack.sh up         start (or reuse) the private PostgreSQL/PostGIS and Redis
#   deploy/local/stack.sh down       stop them
#   deploy/local/stack.sh env        print the environment (DATABASE_URL, REDIS_URL) for other scripts
#   deploy/local/stack.sh all        packages + venv + up
#
# Everything lives under $CIVIC311_STATE_DIR (default: .local/ in the repository, git-ignored),
# listens on 127.0.0.1 only, and is reused by a second run. If DATABASE_URL or REDIS_URL is
# already set, that service is not started and the given URL is used instead.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
STATE="${CIVIC311_STATE_DIR:-$ROOT/.local}"
PORTS_FILE="$STATE/ports.env"
PG_MAJOR="${CIVIC311_PG_MAJOR:-15}"
PG_BIN="/usr/lib/postgresql/$PG_MAJOR/bin"
PG_DATA="$STATE/postgres"
PG_USER=civic311
PG_DB=civic311
REDIS_DIR="$STATE/redis"

APT_PACKAGES=(
  "postgresql-$PG_MAJOR" "postgresql-$PG_MAJOR-postgis-3" "postgresql-$PG_MAJOR-postgis-3-scripts"
  gdal-bin libgdal-dev libgeos-dev libproj-dev redis-server python3-venv make git
  chromium  # headless browser for the end-to-end tests (Playwright drives it)
  nginx-light openssl  # the TLS proxy of `make run-production` / `make check-deploy`
  gettext  # makemessages / compilemessages for the Spanish catalogue
  pgbouncer  # the pooler in transaction mode (tests/integration/test_pgbouncer.py)
  haproxy  # the load balancer in front of the web nodes of `make test-cluster`
)

log() { printf '[stack] %s\n' "$*" >&2; }

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

free_port_from() {
  local port="$1"
  while port_in_use "$port"; do port=$((port + 1)); done
  echo "$port"
}

# Each checkout keeps its own ports, chosen once and remembered, so a second clone (a CI
# proof next to a running dev stack) gets its own cluster instead of colliding.
load_ports() {
  if [ -f "$PORTS_FILE" ]; then
    # shellcheck disable=SC1090
    . "$PORTS_FILE"
  fi
  PG_PORT="${CIVIC311_PG_PORT:-${PG_PORT:-}}"
  REDIS_PORT="${CIVIC311_REDIS_PORT:-${REDIS_PORT:-}}"
}

choose_ports() {
  load_ports
  local changed=""
  if [ -z "$PG_PORT" ]; then PG_PORT="$(free_port_from 55432)"; changed=1; fi
  if [ -z "$REDIS_PORT" ]; then REDIS_PORT="$(free_port_from 56379)"; changed=1; fi
  if [ -n "$changed" ]; then
    mkdir -p "$STATE"
    printf 'PG_PORT=%s\nREDIS_PORT=%s\n' "$PG_PORT" "$REDIS_PORT" >"$PORTS_FILE"
  fi
}

redis_ours() { [ -f "$REDIS_DIR/redis.pid" ] && kill -0 "$(cat "$REDIS_DIR/redis.pid")" 2>/dev/null; }

is_root() { [ "$(id -u)" -eq 0 ]; }

missing_packages() {
  local p
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || echo "$p"
  done
}

cmd_packages() {
  local missing
  missing="$(missing_packages | tr '\n' ' ')"
  if [ -z "${missing// /}" ]; then
    log "system packages: all present"
    return 0
  fi
  if is_root; then
    log "installing: $missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >/dev/null
    # shellcheck disable=SC2086
    apt-get install -y -q --no-install-recommends $missing >/dev/null
  else
    log "missing system packages; run as root:"
    log "  apt-get update && apt-get install -y $missing"
    exit 1
  fi
}

uv_bin() {
  if command -v uv >/dev/null 2>&1; then
    command -v uv
    return
  fi
  # A private uv, so nothing is installed into the system Python (PEP 668 on Debian).
  if [ ! -x "$STATE/tools/bin/uv" ]; then
    log "installing uv into $STATE/tools"
    mkdir -p "$STATE"
    python3 -m venv "$STATE/tools" >&2
    "$STATE/tools/bin/pip" install -q uv >&2
  fi
  echo "$STATE/tools/bin/uv"
}

cmd_venv() {
  local uv
  uv="$(uv_bin)"
  UV_PYTHON_DOWNLOADS=never "$uv" sync --frozen --python python3.11 --quiet
  log "virtualenv: $ROOT/.venv"
}

# PostgreSQL refuses to run as root: as root the cluster belongs to the 'postgres' system user.
pg_owner() { if is_root; then echo postgres; else id -un; fi; }

as_owner() {
  if is_root; then runuser -u postgres -- "$@"; else "$@"; fi
}

ensure_traversable() {
  # The cluster's owner must be able to reach $STATE; grant search (not read) on ancestors.
  is_root || return 0
  local d="$STATE"
  while [ "$d" != "/" ]; do
    if ! runuser -u postgres -- test -x "$d" 2>/dev/null; then
      chmod o+x "$d"
      log "granted search permission on $d so the postgres user can reach the cluster"
    fi
    d="$(dirname "$d")"
  done
}

pg_password() { cat "$STATE/secrets/pg_password"; }

pg_init() {
  mkdir -p "$STATE/secrets" "$PG_DATA"
  chmod 700 "$STATE/secrets"
  if [ ! -f "$STATE/secrets/pg_password" ]; then
    head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' > "$STATE/secrets/pg_password"
  fi
  if [ -f "$PG_DATA/PG_VERSION" ]; then
    return 0
  fi
  log "creating PostgreSQL cluster in $PG_DATA"
  local pwfile
  pwfile="$(mktemp)"
  pg_password > "$pwfile"
  if is_root; then chown postgres "$PG_DATA" "$pwfile"; fi
  ensure_traversable
  as_owner "$PG_BIN/initdb" -D "$PG_DATA" -U "$PG_USER" --pwfile="$pwfile" \
    --auth-local=scram-sha-256 --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >/dev/null
  rm -f "$pwfile"
}

pg_running() { as_owner "$PG_BIN/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; }

pg_up() {
  pg_init
  ensure_traversable
  if pg_running; then
    log "PostgreSQL: already running on 127.0.0.1:$PG_PORT"
  else
    if port_in_use "$PG_PORT"; then
      log "port $PG_PORT is taken by another program: set CIVIC311_PG_PORT or delete $PORTS_FILE"
      exit 1
    fi
    log "PostgreSQL: starting on 127.0.0.1:$PG_PORT"
    as_owner "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_DATA/server.log" -w -t 60 start \
      -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PG_DATA -c fsync=${CIVIC311_PG_FSYNC:-on} -c max_connections=200" >/dev/null
  fi
  local pw
  pw="$(pg_password)"
  if ! PGPASSWORD="$pw" "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U "$PG_USER" -d postgres -tAc \
      "SELECT 1 FROM pg_database WHERE datname = '$PG_DB'" | grep -q 1; then
    PGPASSWORD="$pw" "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U "$PG_USER" "$PG_DB"
  fi
  PGPASSWORD="$pw" "$PG_BIN/psql" -q -h 127.0.0.1 -p "$PG_PORT" -U "$PG_USER" -d "$PG_DB" \
    -c "SET client_min_messages = warning" -c "CREATE EXTENSION IF NOT EXISTS postgis" >/dev/null
}

redis_up() {
  mkdir -p "$REDIS_DIR"
  if redis_ours && redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1; then
    log "Redis: already running on 127.0.0.1:$REDIS_PORT"
    return 0
  fi
  if port_in_use "$REDIS_PORT"; then
    log "port $REDIS_PORT is taken by another program: set CIVIC311_REDIS_PORT or delete $PORTS_FILE"
    exit 1
  fi
  log "Redis: starting on 127.0.0.1:$REDIS_PORT"
  redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --dir "$REDIS_DIR" --daemonize yes \
    --pidfile "$REDIS_DIR/redis.pid" --logfile "$REDIS_DIR/redis.log" --protected-mode yes \
    --save "" --appendonly yes >/dev/null
  local i
  for i in $(seq 1 50); do
    redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  log "Redis did not start; see $REDIS_DIR/redis.log"
  exit 1
}

cmd_up() {
  if [ -z "${DATABASE_URL:-}" ]; then pg_up; else log "PostgreSQL: using DATABASE_URL"; fi
  if [ -z "${REDIS_URL:-}" ]; then redis_up; else log "Redis: using REDIS_URL"; fi
}

cmd_down() {
  if [ -f "$PG_DATA/PG_VERSION" ] && pg_running; then
    as_owner "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w stop >/dev/null && log "PostgreSQL stopped"
  fi
  if [ -n "$REDIS_PORT" ] && redis_ours; then
    redis-cli -h 127.0.0.1 -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
    log "Redis stopped"
  fi
}

cmd_env() {
  if [ -z "${DATABASE_URL:-}" ]; then
    echo "export DATABASE_URL='postgis://$PG_USER:$(pg_password)@127.0.0.1:$PG_PORT/$PG_DB'"
  fi
  if [ -z "${REDIS_URL:-}" ]; then
    echo "export REDIS_URL='redis://127.0.0.1:$REDIS_PORT/0'"
  fi
}

case "${1:-}" in
  packages) cmd_packages ;;
  venv) cmd_venv ;;
  up) choose_ports; cmd_up ;;
  down) load_ports; cmd_down ;;
  env) choose_ports; cmd_env ;;
  all) cmd_packages; cmd_venv; choose_ports; cmd_up ;;
  *) echo "usage: $0 packages|venv|up|down|env|all" >&2; exit 2 ;;
esac
