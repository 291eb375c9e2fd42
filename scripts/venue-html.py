#!/usr/bin/env python3
"""Writes verify.html, the venue's check's page, from index.html (scripts/build.sh runs
this before the venue's Trunk build): the same head and boot frame, its own title and
loading words, its own wasm (src/bin/verify.rs), and none of the files the worker's
app build copies (the service worker, icons, feed), which dist/ gets from that build."""
import re, sys
from pathlib import Path

root = Path(__file__).resolve().parent.parent
html = (root / "index.html").read_text(encoding="utf-8")
swaps = [
    (r'<title>驿站</title>', '<title>驿站 · 核验</title>'),
    (r'正在打开驿站… <span lang="en">Opening Yizhan…</span>',
     '正在打开核验… <span lang="en">Opening the check…</span>'),
    (r'\n *<!-- Copied under their own names.*?-->\n(?: *<link data-trunk rel="copy-(?:file|dir)"[^>]*>\n)+', '\n'),
    (r'data-bin="yizhan"', 'data-bin="verify"'),
]
for pattern, replacement in swaps:
    html, n = re.subn(pattern, lambda _: replacement, html, count=1, flags=re.S)
    if n != 1:
        sys.exit(f"index.html changed shape: {pattern!r} not found")
html, n = re.subn(r"<!DOCTYPE html>\n", lambda m: m.group(0)
                  + "<!-- Written by scripts/venue-html.py from index.html: edit that. -->\n", html, count=1)
if n != 1:
    sys.exit("index.html has no <!DOCTYPE html> line")
(root / "verify.html").write_text(html, encoding="utf-8")
