#!/usr/bin/env bash
# Installs what the project needs and is missing. Idempotent: every step checks first.
# Needs only the Rust toolchain, Node/npm, Python and apt (run as root or with sudo).
set -euo pipefail
cd "$(dirname "$0")/.."
# rustup/cargo live in ~/.cargo/bin, which a non-login CI shell may not have on PATH.
source scripts/env.sh

TRUNK_VERSION="0.21.14"
BINARYEN_MAJOR="132"
say() { printf '\n==> %s\n' "$*"; }

# The wasm-bindgen CLI must match the wasm-bindgen crate exactly; Cargo.toml pins it.
WASM_BINDGEN_VERSION=$(sed -n 's/^wasm-bindgen = "=\([0-9.]*\)".*/\1/p' Cargo.toml)

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi
rustup component list --installed | grep -q '^clippy' || rustup component add clippy
rustup component list --installed | grep -q '^rustfmt' || rustup component add rustfmt
# The release build recompiles std with the app (scripts/release-env.sh).
rustup component list --installed | grep -q '^rust-src' || rustup component add rust-src

if ! trunk --version 2>/dev/null | grep -q "$TRUNK_VERSION"; then
  say "installing trunk $TRUNK_VERSION (about 10 minutes)"
  cargo install trunk --version "=$TRUNK_VERSION" --locked
fi

if ! wasm-bindgen --version 2>/dev/null | grep -q "$WASM_BINDGEN_VERSION"; then
  say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION"
  # Not --locked: the registry lacks some of the CLI's own pins.
  cargo install wasm-bindgen-cli --version "=$WASM_BINDGEN_VERSION" --force
fi

need_apt=()
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
[ -x /usr/bin/chromedriver ] || need_apt+=(chromium-driver)
[ -d /usr/share/fonts/opentype/noto ] && ls /usr/share/fonts/opentype/noto | grep -q CJK || need_apt+=(fonts-noto-cjk)
# The end-to-end tests serve the build with real nginx and deploy/nginx.conf.
[ -x /usr/sbin/nginx ] || need_apt+=(nginx)
[ -f /usr/lib/nginx/modules/ngx_http_brotli_static_module.so ] || need_apt+=(libnginx-mod-http-brotli-static)
if [ ${#need_apt[@]} -gt 0 ]; then
  say "installing ${need_apt[*]} from apt"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "${need_apt[@]}"
fi
# Debian starts nginx's own service on port 80 at install; the tests run their own.
if command -v service >/dev/null && service nginx status >/dev/null 2>&1; then
  $SUDO service nginx stop >/dev/null 2>&1 || true
fi

# Node tools (playwright-core, axe-core, binaryen's wasm-opt, esbuild for the release
# build's minifying) come from package-lock.json.
# Never `npx playwright install`: the tests drive Debian's /usr/bin/chromium.
if ! node_modules/.bin/wasm-opt --version 2>/dev/null | grep -q "version $BINARYEN_MAJOR" \
   || [ ! -d node_modules/playwright-core ] || [ ! -d node_modules/axe-core ] \
   || [ ! -d node_modules/jsqr ] || [ ! -d node_modules/pngjs ] || [ ! -x node_modules/.bin/esbuild ] \
   || [ ! -d node_modules/@hpke/core ]; then
  say "installing node tools (playwright-core, binaryen $BINARYEN_MAJOR, axe-core, jsqr, pngjs, esbuild, @hpke)"
  npm ci --no-audit --no-fund
fi
say "setup complete"
