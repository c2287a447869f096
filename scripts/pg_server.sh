#!/usr/bin/env bash
# A throwaway PostgreSQL 15 server for the tests and CI: never a shared or production server.
#
#   scripts/pg_server.sh start DIR   initdb into DIR (created, must be empty), start the server on a
#                                    free 127.0.0.1 port, print its admin URL on stdout
#   scripts/pg_server.sh stop DIR    stop it (fast shutdown) and delete DIR
#   scripts/pg_server.sh url DIR     print the admin URL of a started server again
#
# Authentication is scram-sha-256 with a known password (PG_SERVER_PASSWORD, default below), on
# TCP and on the Unix socket (kept inside DIR), so a wrong password really fails. As root the
# cluster is made and run as the `postgres` user (initdb refuses root). When PostgreSQL is
# missing it is installed with apt-get (root only).
#
# fsync is off (a throwaway server for tests: a crash may lose it) unless PG_SERVER_FSYNC=on, which
# keeps PostgreSQL's default (on) and leaves it to the configuration, so `ALTER SYSTEM SET fsync`
# and a reload can change it (the bench measures both).
set -euo pipefail

readonly PASSWORD="${PG_SERVER_PASSWORD:-coord-test-password}"
readonly START_TIMEOUT_S=30
readonly PORT_TRIES=20
FSYNC_FLAG="-c fsync=off"
[ "${PG_SERVER_FSYNC:-off}" != "on" ] || FSYNC_FLAG=""
readonly FSYNC_FLAG

die() {
  echo "pg_server: $*" >&2
  exit 1
}

bin_dir() {
  local d
  for d in /usr/lib/postgresql/15/bin /usr/lib/postgresql/*/bin; do
    if [ -x "$d/initdb" ]; then
      echo "$d"
      return 0
    fi
  done
  return 1
}

ensure_installed() {
  bin_dir >/dev/null && return 0
  [ "$(id -u)" -eq 0 ] || die "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb); install postgresql-15"
  echo "pg_server: PostgreSQL missing; apt-get install -y postgresql-15" >&2
  {
    apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql-15 ||
      DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql
  } >&2 || die "installing PostgreSQL failed"
  bin_dir >/dev/null || die "PostgreSQL was installed but initdb was not found"
}

# Runs a command as the cluster's owner: `postgres` when we are root, else ourselves.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# True when something already listens on 127.0.0.1:$1.
port_busy() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

start() {
  local dir="$1"
  ensure_installed
  local bin
  bin="$(bin_dir)"
  mkdir -p "$dir"
  dir="$(cd "$dir" && pwd)"
  [ -z "$(ls -A "$dir")" ] || die "\"$dir\" is not empty"
  if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || die "no \"postgres\" user to run the server as"
    chown postgres "$dir"
  fi
  chmod 700 "$dir"
  printf '%s\n' "$PASSWORD" >"$dir/pwfile"
  [ "$(id -u)" -ne 0 ] || chown postgres "$dir/pwfile"
  as_owner "$bin/initdb" -D "$dir/data" -U postgres --pwfile="$dir/pwfile" \
    --auth=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
    die "initdb failed: $(tail -5 "$dir/initdb.log")"
  rm -f "$dir/pwfile"

  local try port
  for try in $(seq 1 "$PORT_TRIES"); do
    port=$((20000 + RANDOM % 40000))
    port_busy "$port" && continue
    rm -f "$dir/server.log" # this attempt's reasons only
    if as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t "$START_TIMEOUT_S" \
      -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories=$dir $FSYNC_FLAG -c max_connections=200" \
      start >/dev/null 2>&1; then
      echo "postgres://postgres:${PASSWORD}@127.0.0.1:${port}/postgres" >"$dir/url"
      cat "$dir/url"
      return 0
    fi
    # Lost a race for the port (or another failure): say why when it is not the port.
    grep -q "could not bind\|Address already in use" "$dir/server.log" 2>/dev/null ||
      die "the server did not start: $(tail -5 "$dir/server.log" 2>/dev/null)"
  done
  die "no free port found after $PORT_TRIES tries"
}

stop() {
  local dir="$1"
  [ -d "$dir" ] || return 0
  local bin
  if bin="$(bin_dir)" && [ -f "$dir/data/postmaster.pid" ]; then
    as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 ||
      echo "pg_server: pg_ctl stop failed: $(tail -3 "$dir/server.log" 2>/dev/null)" >&2
  fi
  rm -rf "$dir"
}

case "${1:-}" in
start) start "${2:?usage: pg_server.sh start DIR}" ;;
stop) stop "${2:?usage: pg_server.sh stop DIR}" ;;
url) cat "${2:?usage: pg_server.sh url DIR}/url" ;;
*) die "usage: pg_server.sh start|stop|url DIR" ;;
esac
