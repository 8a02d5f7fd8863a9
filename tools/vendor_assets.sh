#!/usr/bin/env bash
# Vendor the front-end assets the maps need into static/vendor/ (served by Streamlit at /app/static/...).
# Source: the npm registry (`npm pack`), so the same files can be fetched again and checked.
# Run from the project root:  bash tools/vendor_assets.sh
set -euo pipefail

LEAFLET_VERSION="${LEAFLET_VERSION:-1.9.3}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DEST="$ROOT/static/vendor/leaflet"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

cd "$WORK"
npm pack --silent "leaflet@${LEAFLET_VERSION}" >/dev/null
tar -xzf "leaflet-${LEAFLET_VERSION}.tgz"

rm -rf "$DEST"
mkdir -p "$DEST/images"
cp package/dist/leaflet.js package/dist/leaflet.js.map package/dist/leaflet.css "$DEST/"
cp package/dist/images/*.png "$DEST/images/"
cp package/LICENSE "$DEST/LICENSE"
echo "leaflet@${LEAFLET_VERSION} (npm registry, $(date -u +%Y-%m-%d))" > "$DEST/VERSION"
(cd "$DEST" && sha256sum leaflet.js leaflet.css > SHA256SUMS)
echo "Leaflet ${LEAFLET_VERSION} -> ${DEST#$ROOT/}"
ls -la "$DEST"
