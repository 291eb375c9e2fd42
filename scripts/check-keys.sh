#!/usr/bin/env bash
# The release build's first check (`cargo xtask build`; `trunk serve`'s pre-build hook
# too): when YIZHAN_PUBLISHER_KEYS is set, every key in it must be a base64 Ed25519
# public key, or the build stops here. A mistyped key would otherwise be
# skipped, and the app would refuse every feed its union publishes.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -z "${YIZHAN_PUBLISHER_KEYS+set}" ] && exit 0
# Build the native tool for the host, not wasm32, whatever the caller's env says.
unset CARGO_BUILD_TARGET
cargo run --quiet --release -p yizhan-feed -- check-keys
