#!/usr/bin/env bash
# Make sure the system programs Walouja needs are present: PostgreSQL + PostGIS (unless
# DATABASE_URL points elsewhere), Debian's chromium (browser tests) and Node's npm (for the
# offline Leaflet assets). As root, missing packages are installed with apt-get; otherwise the
# exact command to run is printed and the script fails.
set -euo pipefail

want_browser=${1:-no}
missing=()

if [ -z "${DATABASE_URL:-}" ]; then
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
