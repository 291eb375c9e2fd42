// What the server sends: deploy/nginx.conf run by real nginx (headers, precompressed
// files, caching, the SPA fallback), and the static boot frame in index.html before the
// wasm has loaded, or when it cannot.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { serveDist, launchBrowser, openPage, appReady, screenshot, DIST } from './support.mjs';

let server, browser;
before(async () => { server = await serveDist(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await server?.close(); });

/** A raw GET straight to nginx: `{ status, headers, body }` with the body as sent. */
function get(url, headers = {}) {
  return new Promise((resolve, reject) => {
    http.get(url, { headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    }).on('error', reject);
  });
}

const built = (re) => fs.readdirSync(DIST).find((f) => re.test(f));

test('nginx sends the security headers on every answer, the SPA fallback for routes, 404 for missing files', async () => {
  for (const url of ['/', '/stations', '/stations/371500-0001', '/join', '/verify', '/nope.js', '/feed/gone.json']) {
    const { status, headers } = await get(server.nginxUrl + url);
    assert.equal(status, /\.(js|json)$/.test(url) ? 404 : 200, url);
    const csp = headers['content-security-policy'];
    assert.match(csp, /frame-ancestors 'none'/, url);
    assert.match(csp, /script-src 'self' 'wasm-unsafe-eval'(;|$)/, `${url}: no inline script allowed`);
    assert.equal(headers['x-content-type-options'], 'nosniff', url);
    assert.equal(headers['referrer-policy'], 'no-referrer', url);
    assert.match(headers['permissions-policy'], /geolocation=\(self\)/);
    assert.match(headers['permissions-policy'], /camera=\(self\)/);
    assert.equal(headers.server, 'nginx', 'no version in the Server header');
    if (status === 200) assert.equal(headers['content-type'], 'text/html; charset=utf-8', url);
  }
  // The policy in the <meta> is the header's, minus what a <meta> cannot carry.
  const html = (await get(`${server.nginxUrl}/`)).body.toString();
  assert.ok(!/<script(?![^>]*\bsrc=)[^>]*>/.test(html), 'no inline script in index.html');
});

test('hashed files are cached for a year, immutable; index.html, sw.js and the manifests are asked for each time', async () => {
  const wasm = built(/^yizhan-.*_bg\.wasm$/);
  const css = built(/^main-.*\.css$/);
  const feed = JSON.parse(fs.readFileSync(path.join(DIST, 'feed', 'manifest.json'), 'utf8'));
  const cases = [
    ['/', 'no-cache'], ['/index.html', 'no-cache'], ['/verify', 'no-cache'], ['/sw.js', 'no-cache'],
    ['/manifest.webmanifest', 'no-cache'], ['/feed/manifest.json', 'no-cache'],
    [`/${wasm}`, 'public, max-age=31536000, immutable'], [`/${css}`, 'public, max-age=31536000, immutable'],
    [`/${built(/^yizhan-.*\.js$/)}`, 'public, max-age=31536000, immutable'],
    [`/${built(/^boot-.*\.js$/)}`, 'public, max-age=31536000, immutable'],
    [`/feed/${feed.regions[0].path}`, 'public, max-age=31536000, immutable'],
  ];
  for (const [url, expected] of cases) {
    assert.equal((await get(server.nginxUrl + url)).headers['cache-control'], expected, url);
  }
  assert.equal((await get(`${server.nginxUrl}/${wasm}`)).headers['content-type'], 'application/wasm');
  assert.match((await get(`${server.nginxUrl}/manifest.webmanifest`)).headers['content-type'], /^application\/manifest\+json/);
});

test("the venue's check is its own app: /verify is verify.html, and no worker downloads its wasm", async () => {
  const venueWasm = built(/^verify-.*_bg\.wasm$/);
  const appWasm = built(/^yizhan-.*_bg\.wasm$/);
  assert.ok(venueWasm && appWasm, 'both wasm files are built');
  const verify = (await get(`${server.nginxUrl}/verify?feed=/feed/manifest.json`)).body.toString();
  assert.equal(verify, fs.readFileSync(path.join(DIST, 'verify.html'), 'utf8'));
  const loader = (html) => fs.readFileSync(path.join(DIST, html.match(/src="\/(boot-[0-9a-f]+\.js)"/)[1]), 'utf8');
  assert.ok(loader(verify).includes(venueWasm), "verify.html starts the venue's wasm");
  const index = (await get(`${server.nginxUrl}/coupons`)).body.toString();
  assert.ok(loader(index).includes(appWasm) && !loader(index).includes(venueWasm), "index.html starts the worker's wasm only");
  assert.ok(!index.includes('verify-') && !index.includes('/snippets/'), 'nothing of the venue is preloaded');
  // The service worker keeps the venue's files only where /verify opens.
  const sw = fs.readFileSync(path.join(DIST, 'sw.js'), 'utf8');
  const list = (name) => JSON.parse(sw.match(new RegExp(`const ${name} = (\\[.*?\\]);`))[1]);
  assert.ok(list('PRECACHE').includes(`/${appWasm}`) && !list('PRECACHE').includes(`/${venueWasm}`));
  assert.ok(list('VENUE').includes(`/${venueWasm}`) && list('VENUE').includes('/verify.html'));
});

test('a first visit to the stations is the stations app (stations.html, its own wasm); the other pages the whole app; the service worker keeps both', async () => {
  const stationsWasm = built(/^stations-.*_bg\.wasm$/);
  const appWasm = built(/^yizhan-.*_bg\.wasm$/);
  const loader = (html) => fs.readFileSync(path.join(DIST, html.match(/src="\/(boot-[0-9a-f]+\.js)"/)[1]), 'utf8');
  const stations = fs.readFileSync(path.join(DIST, 'stations.html'), 'utf8');
  assert.ok(loader(stations).includes(stationsWasm) && !loader(stations).includes(appWasm));
  for (const route of ['/', '/stations', '/stations?near=36.457,115.985', '/stations/s700', '/stations/a.b']) {
    const answer = await get(server.nginxUrl + route);
    assert.equal(answer.status, 200, route);
    assert.equal(answer.body.toString(), stations, `${route} is stations.html`);
    assert.equal(answer.headers['cache-control'], 'no-cache', route);
  }
  const index = fs.readFileSync(path.join(DIST, 'index.html'), 'utf8');
  for (const route of ['/coupons', '/join', '/me', '/coupons/mine/x', '/no-such-page', '/stationsx']) {
    assert.equal((await get(server.nginxUrl + route)).body.toString(), index, `${route} is index.html`);
  }
  const sw = fs.readFileSync(path.join(DIST, 'sw.js'), 'utf8');
  const list = (name) => JSON.parse(sw.match(new RegExp(`const ${name} = (\\[.*?\\]);`))[1]);
  assert.ok(list('PRECACHE').includes(`/${appWasm}`) && list('PRECACHE').includes('/index.html'));
  // The worker answers a return visit to the stations with the stations app.
  assert.ok(list('PRECACHE').includes(`/${stationsWasm}`) && list('PRECACHE').includes('/stations.html'), 'the worker keeps the stations app');
});

test('every text file is served precompressed (brotli, gzip) exactly as built, and plain to a client that asks for neither', async () => {
  for (const file of [built(/^yizhan-.*_bg\.wasm$/), built(/^yizhan-.*\.js$/), built(/^main-.*\.css$/), 'index.html', 'feed/manifest.json']) {
    const raw = fs.readFileSync(path.join(DIST, file));
    const br = await get(`${server.nginxUrl}/${file}`, { 'accept-encoding': 'br, gzip' });
    assert.equal(br.headers['content-encoding'], 'br', file);
    assert.match(br.headers.vary ?? '', /Accept-Encoding/i, file);
    assert.deepEqual(zlib.brotliDecompressSync(br.body), raw, file);
    const gz = await get(`${server.nginxUrl}/${file}`, { 'accept-encoding': 'gzip' });
    assert.equal(gz.headers['content-encoding'], 'gzip', file);
    assert.deepEqual(zlib.gunzipSync(gz.body), raw, file);
    const plain = await get(`${server.nginxUrl}/${file}`);
    assert.equal(plain.headers['content-encoding'], undefined, file);
    assert.deepEqual(plain.body, raw, file);
  }
});

test('the app frame and words are on screen before the wasm has loaded, then the app takes over', async () => {
  const { context, page } = await openPage(browser);
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  await page.route('**/*_bg.wasm', async (route) => { await held; await route.continue(); });
  await page.goto(`${server.url}/stations`, { waitUntil: 'domcontentloaded' });
  await page.locator('#boot .boot-loading').waitFor({ state: 'visible' });
  assert.match(await page.locator('#boot').innerText(), /驿站[\s\S]*正在打开驿站/);
  assert.equal(await page.locator('nav.bottom-nav').count(), 0, 'the app has not started');
  await screenshot(page, 'boot-frame-phone');
  release();
  await appReady(page);
  assert.equal(await page.locator('#boot').count(), 0, 'the frame gave way to the app');
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('a first visit from a poster link asks for the nearby feed files while the wasm downloads, and the app reuses them', async () => {
  const { context, page } = await openPage(browser);
  const feedRequests = [];
  page.on('request', (r) => { if (r.url().includes('/feed/')) feedRequests.push(r.url().replace(/^https?:\/\/[^/]+/, '')); });
  // Held back at the server, not with page.route: Playwright's routing turns the
  // browser's HTTP cache off, and the cache is what this is about.
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  // /stations is the stations app (stations.html).
  const wasm = `/${built(/^stations-.*_bg\.wasm$/)}`;
  server.routes.set(wasm, async (req, res) => {
    await held;
    http.get(server.nginxUrl + wasm, { headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode, answer.rawHeaders);
      answer.pipe(res);
    });
  });
  await page.goto(`${server.url}/stations?near=36.457,115.985`, { waitUntil: 'domcontentloaded' });
  // Before any app code runs: the loader alone fetched the shard around the point.
  const fetched = (re) => page.waitForEvent('requestfinished', (r) => re.test(r.url()));
  await Promise.all([fetched(/\/feed\/stations\/371500\.[0-9a-f]+\.json$/), fetched(/\/feed\/campaigns\.[0-9a-f]+\.json$/)]);
  assert.equal(await page.locator('nav.bottom-nav').count(), 0, 'the app has not started');
  const hinted = feedRequests.filter((u) => u.startsWith('/feed/stations/'));
  assert.deepEqual(hinted.map((u) => u.split('.')[0]), ['/feed/stations/371500'], 'only the shard near the point, not the far cities');
  release();
  await page.locator('li[data-station-id]').first().waitFor();
  // The app's own requests for those files were answered by the browser's cache (no bytes
  // over the network), and the manifest preloaded by stations.html served the app: the
  // network saw it once, plus the loader's own "?hint" copy.
  const shard = await page.evaluate(() => performance.getEntriesByType('resource')
    .filter((e) => /\/feed\/stations\/371500\./.test(e.name)).map((e) => e.transferSize));
  assert.equal(shard.length, 2, `the loader's request and the app's: ${shard}`);
  assert.ok(shard[0] > 0, 'the loader fetched it from the server');
  assert.equal(shard[1], 0, 'the app read it from the cache');
  assert.deepEqual(feedRequests.filter((u) => u.startsWith('/feed/manifest.json')).sort(),
    ['/feed/manifest.json', '/feed/manifest.json.sig', '/feed/manifest.json?hint']);
  assert.deepEqual(page.errors, []);
  server.routes.delete(wasm);
  await context.close();
});

test('when the wasm cannot be loaded the frame says so in words and a retry opens the app', async () => {
  const { context, page } = await openPage(browser);
  await page.route('**/*_bg.wasm', (route) => route.abort('internetdisconnected'));
  await page.goto(`${server.url}/stations`);
  await page.locator('#boot .boot-failure').waitFor({ state: 'visible', timeout: 15000 });
  assert.match(await page.locator('#boot .boot-failure').innerText(), /驿站没能打开[\s\S]*重试/);
  assert.equal(await page.locator('#boot .boot-loading').isVisible(), false);
  await screenshot(page, 'boot-failed-phone');
  await page.unroute('**/*_bg.wasm');
  await page.getByRole('button', { name: /重试/ }).click();
  await appReady(page);
  await context.close();
});
