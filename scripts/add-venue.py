#!/usr/bin/env python3
"""Trunk post-build hook of the worker's app: brings in the venue's check, built just
before into target/venue-dist/ (scripts/build.sh), so that dist/ holds both apps.
Its index.html becomes verify.html (deploy/nginx.conf serves it at /verify); its
hashed files (js, wasm, loader) are copied beside the app's; a file both builds made
(the stylesheet, the icon) has the same name and bytes and is left as it is."""
import os, shutil, sys
from pathlib import Path

if os.environ.get("TRUNK_PROFILE", "release") != "release":
    # `trunk serve` builds the worker's app alone; scripts/build.sh builds both.
    print("venue's check: not in a debug build")
    sys.exit(0)

root = Path(__file__).resolve().parent.parent
venue = root / "target" / "venue-dist"
staging = Path(os.environ.get("TRUNK_STAGING_DIR", sys.argv[1] if len(sys.argv) > 1 else "dist"))
if not (venue / "index.html").is_file():
    sys.exit("target/venue-dist/index.html is missing: build with scripts/build.sh")

added = []
for source in sorted(venue.rglob("*")):
    if not source.is_file() or source.name.startswith(".") or source.suffix in (".gz", ".br"):
        continue
    relative = source.relative_to(venue)
    target = staging / ("verify.html" if relative.as_posix() == "index.html" else relative)
    if target.exists():
        if target.read_bytes() != source.read_bytes():
            sys.exit(f"{relative}: the venue's build and the app's differ under one name")
        continue
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    added.append("/" + target.relative_to(staging).as_posix())
# For scripts/precache.py: the service worker keeps these only on a device that opens
# /verify, so no worker's phone downloads the venue's check.
(venue / ".added").write_text("\n".join(added) + "\n", encoding="utf-8")
print(f"venue's check: {', '.join(added)}")
