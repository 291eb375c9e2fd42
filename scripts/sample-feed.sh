#!/usr/bin/env bash
# Builds the bundled SAMPLE feed into public/feed/ (served at /feed/manifest.json):
# 3,000 synthetic stations in five real cities plus sample/*.json. Run before every
# build (`cargo xtask build`, trunk serve's pre-build hook); fast when nothing changed.
set -euo pipefail
cd "$(dirname "$0")/.."
out=public/feed
stamp="$out/.inputs"
inputs=$(cat sample/* crates/feed/src/*.rs crates/feed/src/import/*.rs crates/core/src/feed/*.rs | sha256sum | cut -c1-16)
if [ -f "$out/manifest.json" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$inputs" ]; then
  exit 0
fi
# Build the native tool for the host, not wasm32, whatever the caller's env says.
unset CARGO_BUILD_TARGET
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cargo run --quiet --release -p yizhan-feed -- generate --stations 3000 --seed 2026 \
  --cities 371500,370100,110000,310000,140100 --out "$tmp/stations.csv"
rm -rf "$out"
cargo run --quiet --release -p yizhan-feed -- build --stations "$tmp/stations.csv" \
  --datum gcj02 --sequence 1 --published-at 2026-11-20T08:00:00+08:00 \
  --publisher "驿站示例数据（非真实）" --publisher-phone 12351 \
  --campaigns sample/campaigns.json --unions sample/unions.json \
  --statuses sample/statuses.json --holidays sample/holidays.txt \
  --sign-key sample/SAMPLE-ONLY-publisher.key --out "$out" 2> "$tmp/warnings"
# The sample deliberately has some free-text hours (shown as "hours unknown" in the app).
echo "sample feed: $(grep -c 'warning:' "$tmp/warnings" || true) warning(s), e.g. $(head -n1 "$tmp/warnings")"
test -f "$out/manifest.json"
echo "$inputs" > "$stamp"
