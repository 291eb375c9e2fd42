#!/usr/bin/env bash
# Trunk's pre-build hook: when YIZHAN_PUBLISHER_KEYS is set, every key in it must be a
# base64 Ed25519 public key, or the build stops here. A mistyped key would otherwise be
# skipped, and the app would refuse every feed its union publishes.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -z "${YIZHAN_PUBLISHER_KEYS+set}" ] && exit 0
# Trunk runs hooks with its own env; build the native tool for the host, not wasm32.
unset CARGO_BUILD_TARGET
cargo run --quiet --release -p yizhan-feed -- check-keys
