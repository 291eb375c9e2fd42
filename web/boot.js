// Yizhan's loader, one per app page (index.html, verify.html, stations.html): starts
// the app; if its code cannot be loaded, the boot frame says so and offers a retry.
// `cargo xtask build` (xtask/src/boot.rs) fills the four placeholders below, minifies it
// and names it by its content (boot-<hash>.js): no inline script, so the page's
// Content-Security-Policy needs no hash.
document.getElementById('boot-retry')?.addEventListener('click', () => location.reload());
// A panic in the app is a wasm trap (the release build aborts at once, with no message:
// scripts/release-env.sh). The app is then gone, so the page says so itself, in the
// page's language, and touches no stored data. The button reloads: a link would be
// caught by the router's click handler, which belongs to the stopped app.
const crashed = (error) => {
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
};
addEventListener('error', (event) => crashed(event.error));
addEventListener('unhandledrejection', (event) => crashed(event.reason));
// A first visit from a link that names a place (?near=lat,lng: a station poster's QR
// code): while the app's code downloads, the default feed's files for that place are
// asked for too, so the first rows wait for no further round trip once the app starts.
// Only a hint: the app fetches and checks every file itself (the browser's cache
// answers it: feed files are named by their hash). The app's rule is a shard whose box
// lies within yizhan_core::stations::SEARCH_RADIUS_M (__RADIUS_M__ metres); this asks
// for a slightly larger box.
const hintFeed = () => {
  const query = new URLSearchParams(location.search);
  const near = /^\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*$/.exec(query.get('near') ?? '');
  if (!near || query.has('feed') || !location.pathname.startsWith('/stations')) return;
  const [lat, lng] = [Number(near[1]), Number(near[2])];
  // Degrees of the radius, plus 0.01° for the datum's offset (GCJ-02 moves up to ~600 m).
  const dLat = __RADIUS_M__ / 111000 + 0.01;
  const dLng = dLat / Math.max(Math.cos((lat * Math.PI) / 180), 0.1);
  // yizhan_core::feed::DEFAULT_MANIFEST
  const manifest = '__MANIFEST__';
  // Its own address: Chromium hands a preloaded response to the first request for the
  // same URL whatever its cache mode, and that copy is the app's (a round trip saved).
  fetch(manifest + '?hint', { cache: 'no-store' }).then((r) => (r.ok ? r.json() : null)).then((m) => {
    const get = (path) => typeof path === 'string' && fetch(new URL(path, location.origin + manifest)).catch(() => {});
    for (const r of Array.isArray(m?.regions) ? m.regions : []) {
      const b = r?.bbox;
      if (Array.isArray(b) && lng >= b[0] - dLng && lng <= b[2] + dLng && lat >= b[1] - dLat && lat <= b[3] + dLat) get(r.path);
    }
    for (const file of [m?.campaigns, m?.unions, m?.statuses, m?.coupons]) get(file?.path);
  }).catch(() => {});
};
hintFeed();
try {
  const bindings = await import('__GLUE__');
  const wasm = await bindings.default({ module_or_path: '__WASM__' });
  window.wasmBindings = bindings;
  dispatchEvent(new CustomEvent('TrunkApplicationStarted', { detail: { wasm } }));
} catch (error) {
  if (!crashed(error)) {
    console.error('Yizhan could not start:', error);
    document.getElementById('boot')?.classList.add('boot-failed');
  }
}
