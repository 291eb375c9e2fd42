#!/usr/bin/env bash
# Second README command: install what is missing, then run every test.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
source scripts/env.sh

step() { printf '\n==> %s\n' "$*"; }
step "cargo fmt --check"
cargo fmt --all -- --check
step "cargo clippy (native)"
cargo clippy --all-targets -- -D warnings
step "cargo clippy (wasm32)"
cargo clippy --all-targets --target wasm32-unknown-unknown -- -D warnings
step "native unit tests"
cargo test
step "wasm-bindgen tests in headless Chromium"
cargo test --target wasm32-unknown-unknown --test browser
step "trunk build --release"
trunk build --release
step "independent check of the bundled sample feed against FEED.md"
python3 tests/check_feed.py public/feed
step "end-to-end tests in headless Chromium"
npm run --silent e2e
