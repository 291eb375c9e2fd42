# Sourced by the other scripts: puts the project's tools on PATH (from any directory:
# the benchmark's counter builds in bench/counter).
YIZHAN_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$YIZHAN_ROOT/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"
