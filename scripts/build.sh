#!/usr/bin/env bash
# The release build: `trunk build --release` with the size options of
# scripts/release-env.sh. Writes dist/. Extra arguments go to trunk.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
source scripts/release-env.sh
exec trunk build --release "$@"
