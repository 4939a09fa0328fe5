#!/usr/bin/env bash
# Make sure the system programs Walouja needs are present: PostgreSQL + PostGIS (unless
# DATABASE_URL, in the environment or .env, points elsewhere), Debian's chromium (with the
# argument "browser": the browser tests) and Node's npm (for the offline Leaflet assets). As root, missing packages are installed with apt-get; otherwise the
# exact command to run is printed and the script fails.
set -euo pipefail

want_browser=${1:-no}
missing=()

# the database Walouja uses: DATABASE_URL from the environment, else from .env (as the
# settings read it); with one, no local PostgreSQL is needed
database_url=${DATABASE_URL:-}
if [ -z "$database_url" ] && [ -f .env ]; then
  database_url=$(sed -n 's/^[[:space:]]*DATABASE_URL[[:space:]]*=[[:space:]]*//p' .env | tail -n 1 | tr -d "\"'[:space:]")
fi

if [ -z "$database_url" ]; then
  ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || missing+=(postgresql)
  ls /usr/share/postgresql/*/extension/postgis.control >/dev/null 2>&1 || missing+=(postgis postgresql-15-postgis-3)
fi
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ "$want_browser" = browser ]; then
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
fi
command -v runuser >/dev/null 2>&1 || missing+=(util-linux)
python3 -c "import venv, ensurepip" >/dev/null 2>&1 || missing+=(python3-venv)

[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "walouja: missing system packages: ${missing[*]}" >&2
  echo "walouja: install them with: sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi

echo "walouja: installing system packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# postgresql-15-postgis-3 only exists on Debian 12; fall back to the generic name elsewhere.
if ! apt-get install -y -qq "${missing[@]}" >/dev/null; then
  filtered=()
  for p in "${missing[@]}"; do [ "$p" = postgresql-15-postgis-3 ] || filtered+=("$p"); done
  apt-get install -y -qq "${filtered[@]}" >/dev/null
fi
