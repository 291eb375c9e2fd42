#!/usr/bin/env python3
"""Trunk post-build hook of the worker's app: brings in the two smaller apps built just
before (scripts/build.sh), so that dist/ holds all three:
- target/venue-dist/, the venue's check: its index.html becomes verify.html;
- target/stations-dist/, the first visit's stations app: it becomes stations.html.
(deploy/nginx.conf serves each at its routes.) Their hashed files (js, wasm, loader)
are copied beside the app's; a file two builds made (the stylesheet, the icon) has
the same name and bytes and is left as it is. Each part's `.added` lists what it
brought, for scripts/precache.py."""
import os, shutil, sys
from pathlib import Path

if os.environ.get("TRUNK_PROFILE", "release") != "release":
    # `trunk serve` builds the worker's app alone; scripts/build.sh builds all three.
    print("venue's check and stations app: not in a debug build")
    sys.exit(0)

root = Path(__file__).resolve().parent.parent
staging = Path(os.environ.get("TRUNK_STAGING_DIR", sys.argv[1] if len(sys.argv) > 1 else "dist"))
for part, page in (("venue", "verify.html"), ("stations", "stations.html")):
    built = root / "target" / f"{part}-dist"
    if not (built / "index.html").is_file():
        sys.exit(f"target/{part}-dist/index.html is missing: build with scripts/build.sh")
    added = []
    for source in sorted(built.rglob("*")):
        if not source.is_file() or source.name.startswith(".") or source.suffix in (".gz", ".br"):
            continue
        relative = source.relative_to(built)
        target = staging / (page if relative.as_posix() == "index.html" else relative)
        if target.exists():
            if target.read_bytes() != source.read_bytes():
                sys.exit(f"{relative}: the {part} build and the app's differ under one name")
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        added.append("/" + target.relative_to(staging).as_posix())
    (built / ".added").write_text("\n".join(added) + "\n", encoding="utf-8")
    print(f"{part}: {', '.join(added)}")
