#!/usr/bin/env bash
# The release build: `trunk build --release` with the size options of
# scripts/release-env.sh, three times: the venue's check (verify.html, into
# target/venue-dist/) and the first visit's stations app (stations.html, into
# target/stations-dist/), both pages written from index.html by scripts/app-pages.py
# and each with its own wasm; then the worker's app, whose post-build step carries
# the other two into dist/ (scripts/add-apps.py). Writes dist/. Extra arguments go to
# the last trunk.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
source scripts/release-env.sh
# Trunk runs cargo --offline (Trunk.toml); rebuilding std needs std's own dependencies
# (dlmalloc, …) in the cargo cache, which no other step downloads on a fresh machine.
cargo fetch --target wasm32-unknown-unknown
python3 scripts/app-pages.py
YIZHAN_BUILD_PART=venue trunk build --release=true --dist target/venue-dist verify.html
YIZHAN_BUILD_PART=stations trunk build --release=true --dist target/stations-dist stations.html
exec trunk build --release "$@"
