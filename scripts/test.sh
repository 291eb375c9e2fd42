#!/usr/bin/env bash
# Second README command: install what is missing, then run every test.
#   scripts/test.sh         the full run (what CI runs, `.ci/run`)
#   scripts/test.sh quick   fmt, clippy (native and wasm32), the native tests (the house
#                           rules' tidy test among them) and the build scripts' tests,
#                           then stop: no browser, no release build, no end-to-end run
set -euo pipefail
cd "$(dirname "$0")/.."
lane="${1:-full}"
case "$lane" in
  full|quick) ;;
  *) echo "usage: scripts/test.sh [quick]" >&2; exit 2 ;;
esac
scripts/setup.sh
source scripts/env.sh

step() { printf '\n==> %s\n' "$*"; }
step "cargo fmt --check"
cargo fmt --all -- --check
step "cargo clippy (native, every crate)"
cargo clippy --workspace --all-targets -- -D warnings
step "cargo clippy (wasm32: the app and the core it ships)"
cargo clippy -p yizhan -p yizhan-core --all-targets --target wasm32-unknown-unknown -- -D warnings
# The house rules (crates/tidy, ARCHITECTURE.md "The house rules") run here too: file
# length, module circles, storage keys, and yizhan-core free of browser and server crates.
step "native unit tests (every crate: the tidy test and the release build program xtask/ among them)"
cargo test --workspace
step "the release build's key check (node:test)"
node --test tests/scripts/
if [ "$lane" = quick ]; then
  step "quick lane done (the full run adds the browser tests, the release build, the size budget, the feed check and the end-to-end suite)"
  exit 0
fi
step "wasm-bindgen tests in headless Chromium"
cargo test --target wasm32-unknown-unknown --test browser
step "release build (scripts/build.sh: cargo xtask build, size options)"
scripts/build.sh
step "size budget of the first visit's critical path (SIZE_BUDGET)"
cargo xtask size
step "independent check of the bundled sample feed against FEED.md"
python3 tests/check_feed.py public/feed
step "end-to-end tests in headless Chromium"
npm run --silent e2e
