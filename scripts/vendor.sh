#!/usr/bin/env bash
# Copies zxing-wasm's QR reader (npm, pinned in package.json) into the build under
# /vendor/zxing/, keeping its own layout (es/reader/index.js imports ../share.js).
# Only /verify loads it, and only where the browser has no BarcodeDetector; it is
# not precached (no worker's phone downloads it), and it never comes from a CDN.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${TRUNK_STAGING_DIR:-dist}/vendor/zxing"
src=node_modules/zxing-wasm/dist
if [ ! -f "$src/reader/zxing_reader.wasm" ]; then
  echo "vendor.sh: $src missing; run 'npm ci' (scripts/setup.sh does)" >&2
  exit 1
fi
mkdir -p "$out/es/reader" "$out/reader"
cp "$src/es/reader/index.js" "$out/es/reader/index.js"
cp "$src/es/share.js" "$out/es/share.js"
cp "$src/reader/zxing_reader.wasm" "$out/reader/zxing_reader.wasm"
cp node_modules/zxing-wasm/LICENSE "$out/LICENSE" 2>/dev/null || true
