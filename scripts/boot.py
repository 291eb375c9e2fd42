#!/usr/bin/env python3
"""Trunk post-build hook (release builds): Trunk's inline loader becomes a file, and
index.html gets the Content-Security-Policy as a <meta>.

- The loader file imports the app and, if its code or wasm cannot be loaded, turns the
  static boot frame in index.html into a message with a retry button.
- No inline script is left, so the policy needs no per-build hash: it is one static
  string, kept in deploy/nginx.conf (the header a server sends) and copied here for
  hosts that cannot set headers (minus frame-ancestors, which a <meta> cannot carry).
"""
import hashlib, os, re, sys
from pathlib import Path

if os.environ.get("TRUNK_PROFILE", "release") != "release":
    # `trunk serve` injects its live-reload script after this hook; the loader and the
    # policy are for what gets deployed.
    print("boot loader and content security policy: skipped in a debug build")
    sys.exit(0)

root = Path(__file__).resolve().parent.parent
staging = Path(os.environ.get("TRUNK_STAGING_DIR", sys.argv[1] if len(sys.argv) > 1 else "dist"))
index = staging / "index.html"
html = index.read_text(encoding="utf-8")

# The one policy, from the nginx config.
nginx = (root / "deploy" / "nginx.conf").read_text(encoding="utf-8")
found = re.search(r'add_header Content-Security-Policy "([^"]+)"', nginx)
if not found:
    sys.exit("deploy/nginx.conf has no Content-Security-Policy header")
policy = "; ".join(p for p in found.group(1).split("; ") if not p.startswith("frame-ancestors"))

inline = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", html, flags=re.S)
if len(inline) != 1:
    sys.exit(f"expected Trunk's one inline loader, found {len(inline)} inline scripts")
js = re.search(r"from '(/[^']+\.js)'", inline[0])
wasm = re.search(r"module_or_path: '(/[^']+\.wasm)'", inline[0])
if not (js and wasm):
    sys.exit("Trunk's loader changed shape: no JS module or wasm path found")

# The app's own constants, read from its source: the default feed, and how far around
# the user its shards are fetched.
manifest = re.search(r'pub const DEFAULT_MANIFEST: &str = "(/[^"]+)";',
                     (root / "src" / "feed_sync" / "mod.rs").read_text(encoding="utf-8"))
if not manifest:
    sys.exit("src/feed_sync/mod.rs has no DEFAULT_MANIFEST")
radius = re.search(r'pub const SEARCH_RADIUS_M: f64 = ([0-9_]+(?:\.[0-9]*)?);',
                   (root / "crates" / "core" / "src" / "stations.rs").read_text(encoding="utf-8"))
if not radius:
    sys.exit("crates/core/src/stations.rs has no SEARCH_RADIUS_M")
radius_m = float(radius.group(1).replace("_", ""))

loader = f"""// Yizhan's loader, written by scripts/boot.py from Trunk's: starts the app; if its
// code cannot be loaded, the boot frame in index.html says so and offers a retry.
document.getElementById('boot-retry')?.addEventListener('click', () => location.reload());
// A panic in the app is a wasm trap (the release build aborts at once, with no message:
// scripts/release-env.sh). The app is then gone, so the page says so itself, in the
// page's language, and touches no stored data. The button reloads: a link would be
// caught by the router's click handler, which belongs to the stopped app.
const crashed = (error) => {{
  if (!(error instanceof WebAssembly.RuntimeError) || document.querySelector('[data-testid=crash]')) return false;
  console.error('Yizhan stopped:', error);
  const en = (document.documentElement.lang || '').startsWith('en');
  // A kiosk (a shared device, <html class="kiosk">) keeps nothing personal to reassure about.
  const kiosk = document.documentElement.classList.contains('kiosk');
  const words = en
    ? ['Something went wrong', kiosk
      ? 'Yizhan stopped because of an error in the app. This shared device keeps nothing personal. Open it again to go on.'
      : 'Yizhan stopped because of an error in the app. What you saved on this phone is kept. Open it again to go on.', 'Open Yizhan again']
    : ['出错了', kiosk
      ? '驿站因程序错误停止了运行。这台公用设备不保存个人信息，重新打开即可继续使用。'
      : '驿站因程序错误停止了运行。本机已保存的数据都还在，重新打开即可继续使用。', '重新打开驿站'];
  const page = document.createElement('main');
  page.className = 'crash';
  page.setAttribute('role', 'alert');
  page.dataset.testid = 'crash';
  const [title, text, again] = ['h1', 'p', 'button'].map((tag) => document.createElement(tag));
  [title.textContent, text.textContent, again.textContent] = words;
  again.className = 'primary big';
  again.addEventListener('click', () => location.reload());
  const p = document.createElement('p');
  p.append(again);
  page.append(title, text, p);
  document.body.replaceChildren(page);
  return true;
}};
addEventListener('error', (event) => crashed(event.error));
addEventListener('unhandledrejection', (event) => crashed(event.reason));
// A first visit from a link that names a place (?near=lat,lng: a station poster's QR
// code): while the app's code downloads, the default feed's files for that place are
// asked for too, so the first rows wait for no further round trip once the app starts.
// Only a hint: the app fetches and checks every file itself (the browser's cache
// answers it: feed files are named by their hash). The app's rule is a shard whose box
// lies within {radius_m:.0f} m (SEARCH_RADIUS_M); this asks for a slightly larger box.
const hintFeed = () => {{
  const query = new URLSearchParams(location.search);
  const near = /^\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*$/.exec(query.get('near') ?? '');
  if (!near || query.has('feed') || !location.pathname.startsWith('/stations')) return;
  const [lat, lng] = [Number(near[1]), Number(near[2])];
  // Degrees of the radius, plus 0.01° for the datum's offset (GCJ-02 moves up to ~600 m).
  const dLat = {radius_m:.0f} / 111000 + 0.01;
  const dLng = dLat / Math.max(Math.cos((lat * Math.PI) / 180), 0.1);
  const manifest = '{manifest.group(1)}';
  // Its own address: Chromium hands a preloaded response to the first request for the
  // same URL whatever its cache mode, and that copy is the app's (a round trip saved).
  fetch(manifest + '?hint', {{ cache: 'no-store' }}).then((r) => (r.ok ? r.json() : null)).then((m) => {{
    const get = (path) => typeof path === 'string' && fetch(new URL(path, location.origin + manifest)).catch(() => {{}});
    for (const r of Array.isArray(m?.regions) ? m.regions : []) {{
      const b = r?.bbox;
      if (Array.isArray(b) && lng >= b[0] - dLng && lng <= b[2] + dLng && lat >= b[1] - dLat && lat <= b[3] + dLat) get(r.path);
    }}
    for (const file of [m?.campaigns, m?.unions, m?.statuses, m?.coupons]) get(file?.path);
  }}).catch(() => {{}});
}};
hintFeed();
try {{
  const bindings = await import('{js.group(1)}');
  const wasm = await bindings.default({{ module_or_path: '{wasm.group(1)}' }});
  window.wasmBindings = bindings;
  dispatchEvent(new CustomEvent('TrunkApplicationStarted', {{ detail: {{ wasm }} }}));
}} catch (error) {{
  if (!crashed(error)) {{
    console.error('Yizhan could not start:', error);
    document.getElementById('boot')?.classList.add('boot-failed');
  }}
}}
"""
name = f"boot-{hashlib.sha256(loader.encode()).hexdigest()[:16]}.js"
(staging / name).write_text(loader, encoding="utf-8")
html = re.sub(r"<script(?![^>]*\bsrc=)[^>]*>.*?</script>",
              lambda _: f'<script type="module" src="/{name}"></script>', html, count=1, flags=re.S)

# Trunk preloads every JS snippet of the crate; one only the venue's check imports
# (the camera scan) is not fetched on the worker's first visit.
glue = (staging / js.group(1).lstrip("/")).read_text(encoding="utf-8")
html = re.sub(r'<link rel="modulepreload" href="/(snippets/[^"]+)"[^>]*>',
              lambda m: m.group(0) if m.group(1) in glue else "", html)

# The default feed's manifest and signature are asked for with the page, after the app's
# own files (so they never hold up the wasm on a host with few connections): the app
# finds them already arrived when it starts (first station row on a slow first visit,
# bench/startup.mjs, medians of 7: 3.11 -> 3.04 s; nothing changes on a repeat visit;
# on HTTP/1.1 placed before the wasm they held it up). The path is the app's own
# constant; a `?feed=` link elsewhere leaves these two small answers unused.
preloads = "".join(f'<link rel="preload" href="{href}" as="fetch" crossorigin="anonymous">'
                   for href in (manifest.group(1), manifest.group(1) + ".sig"))
html, n = re.subn(r"</head>", lambda _: preloads + "</head>", html, count=1)
if n != 1:
    sys.exit("index.html has no </head>")

if 'http-equiv="Content-Security-Policy"' in html:
    sys.exit("index.html already has a Content-Security-Policy")
meta = f'<meta http-equiv="Content-Security-Policy" content="{policy}" />'
html, n = re.subn(r'(<meta charset="utf-8"\s*/?>)', lambda m: m.group(1) + "\n    " + meta, html, count=1)
if n != 1:
    sys.exit("index.html has no <meta charset> to put the policy after")
index.write_text(html, encoding="utf-8")
print(f"boot loader {name}; content security policy from deploy/nginx.conf; feed manifest preloaded")
