#!/usr/bin/env bash
# Trunk's post-build step, in this order (each reads what the one before wrote):
#  1. boot.py: the inline loader becomes a file (no inline script: the CSP needs no
#     hash and can be a static header) that shows the boot frame's retry message when
#     the wasm fails to load; the Content-Security-Policy <meta>.
#  2. minify.mjs: the names the wasm and its glue share shortened (wasm-names.mjs),
#     the JavaScript and CSS minified (esbuild), their integrity hashes in
#     the pages renewed.
#  3. add-apps.py: the venue's check and the stations app, built just before
#     (scripts/build.sh), come in as verify.html and stations.html and their files.
#  4. precache.py: the service worker's list of this build's files.
#  5. vendor.sh: the venue's QR reader (zxing-wasm) under /vendor/zxing/.
#  6. precompress.mjs: a .gz and a .br beside every text file, for static hosts.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 scripts/boot.py
node scripts/minify.mjs
# The smaller apps' own builds stop here: the worker's app build takes their files.
[ -n "${YIZHAN_BUILD_PART:-}" ] && exit 0
python3 scripts/add-apps.py
python3 scripts/precache.py
bash scripts/vendor.sh
node scripts/precompress.mjs
