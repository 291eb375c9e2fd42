#!/usr/bin/env python3
"""Trunk post-build hook: fills the service worker's precache list and version from
the files this build produced ($TRUNK_STAGING_DIR), so hashed names are never typed
by hand. The version is a hash of those files' names and bytes; the pages carry it
too, as the build's identity."""
import hashlib, json, os, sys
from pathlib import Path

staging = Path(os.environ.get("TRUNK_STAGING_DIR", sys.argv[1] if len(sys.argv) > 1 else "dist"))
shell = sorted(
    "/" + p.relative_to(staging).as_posix()
    for p in staging.rglob("*")
    if p.is_file()
    and not p.relative_to(staging).as_posix().startswith("feed/")
    and p.name not in ("sw.js",)
    and not p.name.startswith(".")
)
digest = hashlib.sha256()
for path in shell:
    digest.update(path.encode())
    digest.update((staging / path.lstrip("/")).read_bytes())
version = digest.hexdigest()[:16]
# What scripts/add-apps.py brought from each smaller app's build.
def added(part):
    listed = Path(__file__).resolve().parent.parent / "target" / f"{part}-dist" / ".added"
    return sorted(set(listed.read_text(encoding="utf-8").split()) & set(shell)) if listed.is_file() else []
# The venue's check: not precached on every phone; the worker keeps it on a device
# that opens /verify.
venue = added("venue")
# The stations app is kept too: this worker answers the stations' pages with it (see
# sw.js). A first visit was that app, so its files come from the browser's cache.
shell = [p for p in shell if p not in venue]
# Every app's page names this build, so moving between the apps is not taken for an
# update (src/adapters/pwa.rs: build_id).
for page in ("index.html", "verify.html", "stations.html"):
    html_path = staging / page
    if html_path.is_file():
        html = html_path.read_text(encoding="utf-8")
        if "</head>" not in html:
            sys.exit(f"{page} has no </head>")
        html = html.replace("</head>", f'<meta name="yizhan-build" content="{version}" /></head>', 1)
        html_path.write_text(html, encoding="utf-8")
sw = staging / "sw.js"
text = sw.read_text(encoding="utf-8")
text = (text.replace("'__VERSION__'", json.dumps(version))
        .replace("__PRECACHE__", json.dumps(shell))
        .replace("__VENUE__", json.dumps(venue)))
sw.write_text(text, encoding="utf-8")
print(f"service worker {version}: {len(shell)} files precached, {len(venue)} kept where /verify opens")
