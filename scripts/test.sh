#!/usr/bin/env bash
# Second README command: install what is missing, then run every test.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
source scripts/env.sh

step() { printf '\n==> %s\n' "$*"; }
step "cargo fmt --check"
cargo fmt --all -- --check
step "yizhan-core stays pure: no browser crate in its dependency tree"
if cargo tree -p yizhan-core -e normal --prefix none | grep -Ei '^(leptos|web-sys|js-sys|gloo|wasm-bindgen)'; then
  echo "yizhan-core must not depend on the crates above" >&2
  exit 1
fi
step "cargo clippy (native, every crate)"
cargo clippy --workspace --all-targets -- -D warnings
step "cargo clippy (wasm32: the app and the core it ships)"
cargo clippy -p yizhan -p yizhan-core --all-targets --target wasm32-unknown-unknown -- -D warnings
step "native unit tests (every crate, the release build program xtask/ among them)"
cargo test --workspace
step "wasm-bindgen tests in headless Chromium"
cargo test --target wasm32-unknown-unknown --test browser
step "the release build's key check (node:test)"
node --test tests/scripts/
step "release build (scripts/build.sh: cargo xtask build, size options)"
scripts/build.sh
step "size budget of the first visit's critical path (SIZE_BUDGET)"
cargo xtask size
step "independent check of the bundled sample feed against FEED.md"
python3 tests/check_feed.py public/feed
step "end-to-end tests in headless Chromium"
npm run --silent e2e
