#!/usr/bin/env python3
"""Writes the pages of the two smaller apps from index.html (scripts/build.sh runs
this before their Trunk builds), so the head and the boot frame have one source:
- verify.html, the venue's check (src/bin/verify.rs), with its own title and words;
- stations.html, the first visit's stations app (src/bin/stations.rs), without the
  other pages' style sheet (style/pages.css).
Neither copies the files the worker's app build copies (the service worker, icons,
feed): dist/ gets those from that build."""
import re, sys
from pathlib import Path

root = Path(__file__).resolve().parent.parent
index = (root / "index.html").read_text(encoding="utf-8")
copies = (r'\n *<!-- Copied under their own names.*?-->\n(?: *<link data-trunk rel="copy-(?:file|dir)"[^>]*>\n)+', '\n')
pages = {
    "verify.html": [
        (r'<title>驿站</title>', '<title>驿站 · 核验</title>'),
        (r'正在打开驿站… <span lang="en">Opening Yizhan…</span>',
         '正在打开核验… <span lang="en">Opening the check…</span>'),
        copies,
        (r'data-bin="yizhan"', 'data-bin="verify"'),
    ],
    "stations.html": [
        copies,
        # The stations app has none of the pages this sheet styles.
        (r'\n *<link data-trunk rel="css" href="style/pages.css" />', ''),
        (r'data-bin="yizhan"', 'data-bin="stations"'),
    ],
}
for name, swaps in pages.items():
    html = index
    for pattern, replacement in swaps + [(r"<!DOCTYPE html>\n", "<!DOCTYPE html>\n<!-- Written by "
                                          "scripts/app-pages.py from index.html: edit that. -->\n")]:
        html, n = re.subn(pattern, lambda _: replacement, html, count=1, flags=re.S)
        if n != 1:
            sys.exit(f"index.html changed shape: {pattern!r} not found")
    (root / name).write_text(html, encoding="utf-8")
