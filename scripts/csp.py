#!/usr/bin/env python3
"""Trunk post-build hook: adds a Content-Security-Policy to index.html.

Defence in depth against hostile feed text: only this origin's files run, plus
Trunk's inline loader, allowed by its own hash (it names hashed files, so the hash
changes every build and is never typed by hand). wasm needs 'wasm-unsafe-eval'.
connect-src admits a feed's intake, which FEED.md requires to be https: (or http:
on localhost). No frame-ancestors: a <meta> policy cannot carry it. Release builds
only (see below)."""
import base64, hashlib, os, re, sys
from pathlib import Path

if os.environ.get("TRUNK_PROFILE", "release") != "release":
    # `trunk serve` rewrites its live-reload script after this hook, so a hash taken
    # here would block it. The policy is for what gets deployed: release builds.
    print("content security policy: skipped in a debug build")
    sys.exit(0)

staging = Path(os.environ.get("TRUNK_STAGING_DIR", sys.argv[1] if len(sys.argv) > 1 else "dist"))
index = staging / "index.html"
html = index.read_text(encoding="utf-8")
if 'http-equiv="Content-Security-Policy"' in html:
    sys.exit("index.html already has a Content-Security-Policy")

inline = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", html, flags=re.S)
hashes = " ".join(
    "'sha256-%s'" % base64.b64encode(hashlib.sha256(s.encode("utf-8")).digest()).decode()
    for s in inline
)
policy = "; ".join([
    "default-src 'self'",
    f"script-src 'self' 'wasm-unsafe-eval' {hashes}".strip(),
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "connect-src 'self' https: http://localhost:* http://127.0.0.1:*",
    "worker-src 'self'",
    "manifest-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
])
meta = f'<meta http-equiv="Content-Security-Policy" content="{policy}" />'
html, n = re.subn(r'(<meta charset="utf-8"\s*/?>)', lambda m: m.group(1) + "\n    " + meta, html, count=1)
if n != 1:
    sys.exit("index.html has no <meta charset> to put the policy after")
index.write_text(html, encoding="utf-8")
print(f"content security policy: {len(inline)} inline script(s) allowed by hash")
