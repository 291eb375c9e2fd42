#!/usr/bin/env bash
# First README command: install what is missing, then serve the app with the sample
# feed on http://127.0.0.1:8080 (rebuilds on change).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
source scripts/env.sh
# Trunk's page, from the release pages' template (web/page.html).
cargo xtask serve-page
# A dev (debug) build in its own folder: dist/ stays the release build that the
# tests and benchmarks use.
exec trunk serve --address 127.0.0.1 --port 8080 --dist target/serve-dist "$@"
