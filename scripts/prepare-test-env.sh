#!/usr/bin/env bash
# What `npm test` runs first (its pretest step), so the test command works on a fresh
# machine: the Debian packages the suites use, the npm dependencies, PostgreSQL and Redis
# on 127.0.0.1 started when they are down, and the `test` database the suites create their
# own databases from. Every step checks first and does nothing when it is already done.
# With TEST_POSTGRES_URL or TEST_REDIS_URL set, the suites use a server you run yourself
# and this script leaves that service alone.
set -euo pipefail
cd "$(dirname "$0")/.."
export PGCONNECT_TIMEOUT=5

fail() {
  echo "npm test set-up: $*" >&2
  exit 1
}

# Runs a check until it succeeds, for at most 30 s.
wait_until() {
  local what=$1
  shift
  for _ in $(seq 1 150); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  fail "$what did not come up within 30 s"
}

postgres_up() { pg_isready -h 127.0.0.1 -p 5432 -q; }
redis_up() { [ "$(redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null)" = PONG ]; }
psql_admin() { psql -h 127.0.0.1 -U postgres -d postgres -v ON_ERROR_STOP=1 -qtAc "$1"; }
test_database_exists() { [ "$(psql_admin "SELECT 1 FROM pg_database WHERE datname = 'test'")" = 1 ]; }

bash scripts/install-system-deps.sh

[ -f node_modules/.package-lock.json ] || npm ci --no-audit --no-fund

if [ -z "${TEST_POSTGRES_URL:-}" ]; then
  if ! postgres_up; then
    version=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1)
    [ -n "$version" ] ||
      fail "PostgreSQL is not running on 127.0.0.1:5432 and no server is installed: install the postgresql package (with trust authentication for 127.0.0.1) or set TEST_POSTGRES_URL"
    start="pg_ctlcluster --skip-systemctl-redirect $version main start"
    [ "$(id -u)" -eq 0 ] || [ "$(id -un)" = postgres ] ||
      fail "PostgreSQL is not running on 127.0.0.1:5432: start it as root ($start), or run npm test as root"
    echo "starting PostgreSQL $version"
    $start
    wait_until "PostgreSQL on 127.0.0.1:5432" postgres_up
  fi
  exists=$(psql_admin "SELECT 1 FROM pg_database WHERE datname = 'test'" 2>&1) ||
    fail "cannot connect to PostgreSQL on 127.0.0.1:5432 as user postgres without a password (the suites need trust authentication there): $exists"
  if [ "$exists" != 1 ]; then
    # A run started at the same moment may create it first.
    psql_admin "CREATE DATABASE test" 2>/dev/null || test_database_exists ||
      fail "could not create the PostgreSQL database test"
    echo "created the PostgreSQL database test"
  fi
fi

if [ -z "${TEST_REDIS_URL:-}" ] && ! redis_up; then
  command -v redis-server >/dev/null 2>&1 ||
    fail "Redis is not running on 127.0.0.1:6379 and redis-server is not installed: install the redis-server package or set TEST_REDIS_URL"
  echo "starting Redis"
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null
  wait_until "Redis on 127.0.0.1:6379" redis_up
fi
