#!/usr/bin/env bash
# Debian packages the product and its tests use: bubblewrap (the code sandbox), python3
# (what execute_python runs), chromium (the dashboard's browser tests) and the PostgreSQL
# and Redis command-line clients. Installs only what is missing, which needs root; as any
# other user it names what is missing and the command, and fails.
set -euo pipefail
missing=()
[ -x /usr/bin/bwrap ] || missing+=(bubblewrap)
[ -x /usr/bin/python3 ] || missing+=(python3)
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v pg_isready >/dev/null 2>&1 || missing+=(postgresql-client)
command -v redis-cli >/dev/null 2>&1 || missing+=(redis-tools)
[ ${#missing[@]} -eq 0 ] && exit 0

install="apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "missing system packages: ${missing[*]}; install them as root (sudo apt-get update && sudo $install), or run npm test as root" >&2
  exit 1
fi
echo "installing system packages: ${missing[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive $install -qq
