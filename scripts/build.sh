#!/usr/bin/env bash
# The release build: `trunk build --release` with the size options of
# scripts/release-env.sh, twice: first the venue's check (verify.html, written from
# index.html by scripts/venue-html.py, its own wasm, into target/venue-dist/), then
# the worker's app, whose post-build step carries the venue's files into dist/
# (scripts/add-venue.py). Writes dist/. Extra arguments go to the second trunk.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
source scripts/release-env.sh
# Trunk runs cargo --offline (Trunk.toml); rebuilding std needs std's own dependencies
# (dlmalloc, …) in the cargo cache, which no other step downloads on a fresh machine.
cargo fetch --target wasm32-unknown-unknown
python3 scripts/venue-html.py
YIZHAN_BUILD_PART=venue trunk build --release=true --dist target/venue-dist verify.html
exec trunk build --release "$@"
