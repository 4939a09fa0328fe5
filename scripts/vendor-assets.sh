#!/usr/bin/env bash
# Install the Leaflet/Bootstrap/Font Awesome files folium links from CDNs into
# app/static/vendor (git-ignored), from the npm registry, so the app never needs a CDN.
set -euo pipefail
cd "$(dirname "$0")/.."
dest=app/static/vendor
mkdir -p "$dest"
cp app/static/package.json "$dest/package.json"
[ -f app/static/package-lock.json ] && cp app/static/package-lock.json "$dest/package-lock.json"
( cd "$dest" && npm install --no-audit --no-fund --silent --omit=dev >/dev/null )
[ -f app/static/package-lock.json ] || cp "$dest/package-lock.json" app/static/package-lock.json
touch "$dest/.installed"
echo "walouja: offline map assets installed in $dest"
