#!/usr/bin/env bash
# The release build: `trunk build --release` with the size options of
# scripts/release-env.sh. Writes dist/. Extra arguments go to trunk.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
source scripts/release-env.sh
# Trunk runs cargo --offline (Trunk.toml); rebuilding std needs std's own dependencies
# (dlmalloc, …) in the cargo cache, which no other step downloads on a fresh machine.
cargo fetch --target wasm32-unknown-unknown
exec trunk build --release "$@"
