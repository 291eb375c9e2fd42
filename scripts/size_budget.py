#!/usr/bin/env python3
"""Fails when the first visit's critical path grows past the budget in SIZE_BUDGET
(one number; its history is docs/SIZE-BUDGET.md).

The critical path is what a first visit to the stations (a station's poster,
`/stations?near=…`) must download before the first station row: stations.html (the
stations app, which nginx serves there), the loader, the app's JS, its wasm and its
CSS, counted as the gzip files the build wrote beside them (Zopfli,
scripts/precompress.mjs: deterministic for the same build). Prints the brotli figures
too, and the same for index.html, the whole worker's app, which a first visit to
another tab loads. `python3 scripts/size_budget.py [dist]`."""
import re, sys
from pathlib import Path

root = Path(__file__).resolve().parent.parent
dist = Path(sys.argv[1]) if len(sys.argv) > 1 else root / "dist"
budget = int((root / "SIZE_BUDGET").read_text().split()[0])

def critical_path(page):
    """Prints and returns (gzip, brotli) bytes of `page` and everything it loads at once."""
    html = (dist / page).read_text(encoding="utf-8")
    # Everything the page makes the browser fetch at once: scripts, preloads, stylesheets.
    named = re.findall(r'<(?:script[^>]*\bsrc|link[^>]*rel="(?:stylesheet|modulepreload|preload)"[^>]*\bhref)="/([^"]+)"', html)
    named += re.findall(r'<link[^>]*\bhref="/([^"]+)"[^>]*rel="(?:stylesheet|modulepreload|preload)"', html)
    # The feed's manifest preloads too, but it is data, not the app (the html +
    # js + wasm + css).
    files = [page] + sorted(n for n in set(named) if not n.startswith("feed/"))
    total_gz = total_br = 0
    for name in files:
        gz = (dist / f"{name}.gz").stat().st_size
        br = (dist / f"{name}.br").stat().st_size
        total_gz += gz
        total_br += br
        print(f"  {name:44} {(dist / name).stat().st_size:>9} raw {gz:>8} gzip {br:>8} brotli")
    return total_gz, total_br


whole_gz, whole_br = critical_path("index.html")
print(f"the whole worker's app (index.html): {whole_gz} bytes gzip ({whole_gz / 1024:.1f} KiB), "
      f"{whole_br} brotli ({whole_br / 1024:.1f} KiB)")
total_gz, total_br = critical_path("stations.html")
print(f"critical path (stations.html): {total_gz} bytes gzip ({total_gz / 1024:.1f} KiB), "
      f"{total_br} brotli ({total_br / 1024:.1f} KiB); budget {budget} gzip")
if total_gz > budget:
    sys.exit(f"size budget exceeded by {total_gz - budget} bytes: make it smaller, or raise "
             "SIZE_BUDGET in the same change and say why in docs/SIZE-BUDGET.md")
