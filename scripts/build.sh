#!/usr/bin/env bash
# The release build: `cargo xtask build` (xtask/, one Rust program: see
# xtask/src/pipeline.rs for its stages). It checks YIZHAN_PUBLISHER_KEYS when set,
# builds the sample feed, builds the three apps (the worker's app index.html, the
# venue's check verify.html, the first visit's stations app stations.html) with the
# size options of scripts/release-env.sh, and writes dist/ whole, precompressed, with
# the size report. Extra arguments go to it (`--dist DIR`).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
exec cargo xtask build "$@"
