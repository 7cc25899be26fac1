#!/usr/bin/env bash
# Copy the dashboard's third-party files (map library, clustering, country
# outlines) from npm into placard/api/static/vendor/, with their licences.
# The copies are committed, so installing Placard needs no npm; run this only
# to change a version. Versions are exact, so a re-run gives the same files.
set -euo pipefail

LEAFLET=1.9.4
MARKERCLUSTER=1.5.3
TOPOJSON_CLIENT=3.1.0
WORLD_ATLAS=2.0.2

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest="$root/placard/api/static/vendor"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cd "$work"
npm init -y >/dev/null
npm install --no-audit --no-fund --ignore-scripts --save-exact \
    "leaflet@$LEAFLET" "leaflet.markercluster@$MARKERCLUSTER" \
    "topojson-client@$TOPOJSON_CLIENT" "world-atlas@$WORLD_ATLAS" >/dev/null
mods="$work/node_modules"

rm -rf "$dest"
mkdir -p "$dest/leaflet/images" "$dest/leaflet.markercluster" "$dest/topojson-client" "$dest/world-atlas"

cp "$mods/leaflet/dist/leaflet.js" "$mods/leaflet/dist/leaflet.css" "$dest/leaflet/"
cp "$mods/leaflet/dist/images/"*.png "$dest/leaflet/images/"
cp "$mods/leaflet/LICENSE" "$dest/leaflet/LICENSE"

cp "$mods/leaflet.markercluster/dist/leaflet.markercluster.js" \
   "$mods/leaflet.markercluster/dist/MarkerCluster.css" \
   "$mods/leaflet.markercluster/dist/MarkerCluster.Default.css" "$dest/leaflet.markercluster/"
cp "$mods/leaflet.markercluster/MIT-LICENCE.txt" "$dest/leaflet.markercluster/LICENSE"

cp "$mods/topojson-client/dist/topojson-client.min.js" "$dest/topojson-client/"
cp "$mods/topojson-client/LICENSE" "$dest/topojson-client/LICENSE"

# Natural Earth 1:110m countries (public domain), as TopoJSON.
cp "$mods/world-atlas/countries-110m.json" "$dest/world-atlas/"
cp "$mods/world-atlas/LICENSE" "$dest/world-atlas/LICENSE"

cat > "$dest/VERSIONS.txt" <<VERSIONS
leaflet $LEAFLET (BSD-2-Clause)
leaflet.markercluster $MARKERCLUSTER (MIT)
topojson-client $TOPOJSON_CLIENT (ISC)
world-atlas $WORLD_ATLAS (ISC; data: Natural Earth, public domain)
VERSIONS
echo "vendored into $dest:"
(cd "$dest" && find . -type f | sort)
