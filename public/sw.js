// 驿站 service worker: serves the app shell offline.
// PRECACHE, VENUE and VERSION are filled in by the release build (xtask/src/precache.rs)
// from the files of this very build; nothing here names a hashed file by hand.
const VERSION = '__VERSION__';
const PRECACHE = __PRECACHE__;
// The venue's check (verify.html and its own js and wasm): kept only on a device that
// opens /verify, so no worker's phone downloads it.
const VENUE = __VENUE__;
const SHELL = `yizhan-shell-${VERSION}`;
// Which app answers the stations' pages (/, /stations, /stations/<id>) on this device:
// the stations app (stations.html: less wasm to compile, so the first row comes sooner)
// when the app has said it may (src/adapters/pwa.rs, allow_stations_app), else the
// whole app, which alone shows the union's answers as news. The word is kept in its own
// cache, so a new version keeps it; none said yet means the whole app.
const ROUTES = 'yizhan-routes-v1';
const STATIONS_APP_ALLOWED = '/route/stations-app-allowed';
// The words being written, in the order they were said.
let routeWords = Promise.resolve();

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(SHELL).then((cache) => cache.addAll(PRECACHE)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  // Old shells go; feed data (yizhan-feed-v1, managed by the app) stays.
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith('yizhan-shell-') && k !== SHELL).map((k) => caches.delete(k))))
      .then(() => self.clients.claim())
      // A first visit straight to /verify: its page loaded before this worker ran.
      .then(() => self.clients.matchAll({ type: 'window', includeUncontrolled: true }))
      .then((windows) => windows.some((w) => new URL(w.url).pathname === '/verify') && keepVenue()),
  );
});

// The venue's page loaded before this worker ran and asks for what a served /verify
// gets: to be controlled, and its files kept (src/adapters/pwa.rs, keep_venue). The
// `activate` step above cannot be relied on for this: a page still loading when the
// worker activates may be neither listed nor claimed.
self.addEventListener('message', (event) => {
  if (event.data === 'keep-venue') event.waitUntil(self.clients.claim().then(keepVenue));
  if (event.data === 'stations-app' || event.data === 'whole-app') {
    const allowed = event.data === 'stations-app';
    // One after another, so the last word said is the one kept.
    routeWords = routeWords.catch(() => {}).then(() => caches.open(ROUTES)).then((c) => (allowed
      ? c.put(STATIONS_APP_ALLOWED, new Response('1'))
      : c.delete(STATIONS_APP_ALLOWED)));
    event.waitUntil(routeWords);
  }
});

/** The page of this version that answers a navigation to `pathname`. */
function pageFor(pathname) {
  const stations = pathname === '/' || pathname === '/stations' || pathname.startsWith('/stations/');
  if (!stations) return Promise.resolve('/index.html');
  return caches.open(ROUTES).then((c) => c.match(STATIONS_APP_ALLOWED))
    .then((allowed) => (allowed ? '/stations.html' : '/index.html'));
}

/** Keeps the venue's check for offline use (what is already kept is not fetched again). */
function keepVenue() {
  return caches.open(SHELL).then((cache) => Promise.all(VENUE.map((path) => cache.match(path)
    .then((hit) => hit || cache.add(path)))));
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin) return;
  // Feed files are the app's business (it checks hashes and keeps its own copy).
  if (url.pathname.startsWith('/feed/') || /manifest\.json(\.sig)?$/.test(url.pathname)) return;
  // The venue's QR reader: not precached (only /verify needs it), kept once fetched
  // so a venue's check works offline after one visit.
  if (url.pathname.startsWith('/vendor/')) {
    event.respondWith(caches.open(SHELL).then((c) => c.match(request).then((hit) => hit
      || fetch(request).then((res) => { if (res.ok) c.put(request, res.clone()); return res; }))));
    return;
  }
  if (request.mode === 'navigate') {
    // /verify is the venue's check (verify.html); the stations' pages the stations app
    // or the whole app (pageFor); every other route the whole app (index.html), all of
    // this version: one consistent shell.
    if (url.pathname === '/verify') {
      event.waitUntil(keepVenue().catch(() => {}));
      event.respondWith(caches.open(SHELL).then((c) => c.match('/verify.html')).then((hit) => hit || fetch(request)));
      return;
    }
    event.respondWith(pageFor(url.pathname)
      .then((page) => caches.open(SHELL).then((c) => c.match(page)))
      .then((hit) => hit || fetch(request)));
    return;
  }
  event.respondWith(caches.open(SHELL).then((c) => c.match(request)).then((hit) => hit || fetch(request)));
});
