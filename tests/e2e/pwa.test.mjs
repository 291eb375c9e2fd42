// Offline first: after one online visit, the app starts with no network at all and
// shows nearby stations and the stored card. Installable; updates are announced.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serveDist, launchBrowser, openPage, appReady, screenshot } from './support.mjs';

let server, browser;
before(async () => { server = await serveDist(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await server?.close(); });

const NEAR = 'near=36.457,115.985'; // Liaocheng, in the sample feed

test('after one online visit, a reload with the network cut shows stations near ?near= and the card', async () => {
  const { context, page } = await openPage(browser);
  await page.goto(`${server.url}/me`);
  await appReady(page);
  await page.locator('#card-form input[name=name]').fill('赵六');
  await page.locator('#card-form input[name=member_no]').fill('3715002026000555');
  await page.locator('#card-form button[type=submit]').click();
  await page.locator('.member-card').waitFor();
  await page.goto(`${server.url}/stations?${NEAR}`);
  await page.locator('li[data-station-id]').first().waitFor({ timeout: 15000 });
  const online = await page.locator('li[data-station-id]').evaluateAll((els) => els.map((e) => e.dataset.stationId));
  // The service worker has installed the shell and controls the page.
  await page.evaluate(async () => { await navigator.serviceWorker.ready; });
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 10000 });

  await context.setOffline(true);
  await page.reload();
  await appReady(page);
  await page.locator('li[data-station-id]').first().waitFor({ timeout: 15000 });
  const offline = await page.locator('li[data-station-id]').evaluateAll((els) => els.map((e) => e.dataset.stationId));
  assert.deepEqual(offline, online);
  assert.match((await page.locator('[data-testid=feed-notice]').allInnerTexts()).join(), /没有网络/);
  await screenshot(page, 'offline-stations-phone');
  await page.locator('nav.bottom-nav a[href="/me"]').click();
  await page.locator('.member-card[data-member-no="3715002026000555"]').waitFor();
  // A deep link opened offline works too.
  await page.goto(`${server.url}/coupons`);
  await appReady(page);
  await context.close();
});

test("the venue's check opened straight from its link works offline after; a worker's phone never keeps it", async () => {
  const cached = (page) => page.evaluate(async () => {
    const names = [];
    for (const key of await caches.keys()) {
      for (const r of await (await caches.open(key)).keys()) names.push(new URL(r.url).pathname);
    }
    return names;
  });
  const ready = (page) => page.evaluate(async () => { await navigator.serviceWorker.ready; });
  // A worker: the shell is kept, the venue's check is not.
  const worker = await openPage(browser);
  await worker.page.goto(`${server.url}/stations?${NEAR}`);
  await worker.page.locator('li[data-station-id]').first().waitFor({ timeout: 15000 });
  await ready(worker.page);
  await worker.page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 10000 });
  const kept = await cached(worker.page);
  assert.ok(kept.some((p) => /^\/yizhan-.*_bg\.wasm$/.test(p)), kept.join());
  assert.ok(!kept.some((p) => /verify/.test(p)), kept.join());
  await worker.context.close();
  // A venue's device, first visit straight to /verify: kept once the worker runs.
  const venue = await openPage(browser);
  await venue.page.goto(`${server.url}/verify`);
  await venue.page.locator('.verify-form input[name=code]').waitFor({ timeout: 15000 });
  await ready(venue.page);
  await venue.page.waitForFunction(async () => {
    const names = [];
    for (const key of await caches.keys()) {
      for (const r of await (await caches.open(key)).keys()) names.push(new URL(r.url).pathname);
    }
    return names.includes('/verify.html') && names.some((p) => /^\/verify-.*_bg\.wasm$/.test(p));
  }, null, { timeout: 15000 });
  await venue.context.setOffline(true);
  await venue.page.reload();
  await venue.page.locator('.verify-form input[name=code]').waitFor({ timeout: 15000 });
  // The venue's check has no worker's tabs; the worker's app is there offline all the same.
  assert.equal(await venue.page.locator('nav.bottom-nav').count(), 0);
  await venue.page.goto(`${server.url}/stations`);
  await venue.page.locator('h1').filter({ hasText: '附近的爱心驿站' }).waitFor({ timeout: 15000 });
  // One build, three apps: moving between two of them is not announced as an update.
  assert.equal(await venue.page.locator('[data-testid=updated-notice]').count(), 0, 'no "updated" notice');
  assert.deepEqual(venue.page.errors.filter((e) => !/ERR_INTERNET_DISCONNECTED/.test(e)), []);
  await venue.context.close();
});

test("/verify still loading while the service worker activates is taken and kept offline all the same", async () => {
  // The race seen in CI: a page whose navigation began before any worker ran, and that
  // was not yet a document when the worker activated, is neither claimed nor listed.
  // Made certain here: /verify's answer is held until the worker controls another tab.
  const { context, page: venue } = await openPage(browser);
  let release, started;
  const held = new Promise((resolve) => { started = resolve; });
  const go = new Promise((resolve) => { release = resolve; });
  await venue.route(/\/verify$/, async (route) => { started(); await go; await route.continue(); });
  const navigation = venue.goto(`${server.url}/verify`);
  await held;
  const worker = await context.newPage();
  await worker.goto(`${server.url}/stations?${NEAR}`);
  await worker.locator('li[data-station-id]').first().waitFor({ timeout: 15000 });
  await worker.evaluate(async () => { await navigator.serviceWorker.ready; });
  await worker.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 10000 });
  release();
  await navigation;
  await venue.locator('.verify-form input[name=code]').waitFor({ timeout: 15000 });
  // The page asks the worker to take it and keep the venue's check.
  await venue.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 10000 });
  await venue.waitForFunction(async () => {
    const names = [];
    for (const key of await caches.keys()) {
      for (const r of await (await caches.open(key)).keys()) names.push(new URL(r.url).pathname);
    }
    return names.includes('/verify.html') && names.some((p) => /^\/verify-.*_bg\.wasm$/.test(p));
  }, null, { timeout: 15000 });
  await venue.unroute(/\/verify$/);
  await context.setOffline(true);
  await venue.reload();
  await venue.locator('.verify-form input[name=code]').waitFor({ timeout: 15000 });
  assert.deepEqual(venue.errors.filter((e) => !/ERR_INTERNET_DISCONNECTED/.test(e)), []);
  await context.close();
});

test('the app is installable: a manifest with a Chinese short name, standalone, icons that load', async () => {
  const { context, page } = await openPage(browser);
  await page.goto(`${server.url}/stations`);
  await appReady(page);
  const href = await page.locator('link[rel=manifest]').getAttribute('href');
  const manifest = await (await page.request.get(server.url + href)).json();
  assert.equal(manifest.short_name, '驿站');
  assert.equal(manifest.display, 'standalone');
  assert.equal(manifest.theme_color, '#b3261e');
  for (const icon of manifest.icons) {
    const res = await page.request.get(server.url + icon.src);
    assert.equal(res.status(), 200, icon.src);
  }
  assert.ok(manifest.icons.some((i) => i.sizes === '512x512' && i.type === 'image/png'));
  await context.close();
});

test('a new build is announced once', async () => {
  const { context, page } = await openPage(browser);
  await page.goto(`${server.url}/stations`);
  await appReady(page);
  assert.equal(await page.locator('[data-testid=updated-notice]').count(), 0, 'not on a first visit');
  await page.evaluate(() => localStorage.setItem('yizhan.build.v1', JSON.stringify('0000000000000000')));
  await page.reload();
  await appReady(page);
  await page.locator('[data-testid=updated-notice]').waitFor();
  await page.reload();
  await appReady(page);
  assert.equal(await page.locator('[data-testid=updated-notice]').count(), 0, 'only once');
  await context.close();
});

test("a first visit to the stations gets the stations app alone; its tabs open the whole app, which the service worker serves from then on, offline too, and the stations app for the stations", async () => {
  const wasmOf = (page) => page.evaluate(() => performance.getEntriesByType('resource')
    .map((e) => new URL(e.name).pathname).filter((p) => p.endsWith('_bg.wasm')));
  const { context, page } = await openPage(browser);
  await page.goto(`${server.url}/stations?${NEAR}`);
  await page.locator('li[data-station-id]').first().waitFor({ timeout: 15000 });
  const first = await wasmOf(page);
  assert.equal(first.length, 1, first.join());
  assert.match(first[0], /^\/stations-[0-9a-f]+_bg\.wasm$/, 'the first visit downloads the stations app only');
  // A station's page is within the stations app: no page load.
  // A mark in this document: a page load would drop it.
  const mark = () => page.evaluate(() => { window.__samePage = true; });
  const samePage = () => page.evaluate(() => window.__samePage === true);
  await mark();
  await page.locator('li[data-station-id] a').first().click();
  await page.locator('section.station-detail h1').waitFor({ timeout: 15000 });
  assert.deepEqual(await wasmOf(page), first, 'still the same app');
  assert.ok(await samePage(), 'no page load');
  // The worker runs and keeps the whole app, not the stations app.
  await page.evaluate(async () => { await navigator.serviceWorker.ready; });
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 10000 });
  // Offline, a tab of the bottom bar opens the whole app from the worker's copy.
  await context.setOffline(true);
  await page.locator('nav.bottom-nav a[href="/coupons"]').click();
  await page.locator('h1').filter({ hasText: '福利券' }).waitFor({ timeout: 15000 });
  assert.match((await wasmOf(page)).join(), /^\/yizhan-[0-9a-f]+_bg\.wasm$/, 'the whole app');
  // Back to the list within the whole app: the poster's point came along (handed
  // over through the move), so the list is sorted from it without asking again.
  assert.ok(!(await samePage()), 'the tab was a page load');
  // One Back returns to the station's page (the move replaced the entry the router
  // had pushed for /coupons, once the router had pushed it: handoff::load_from_server).
  // (Chromium gives the station's entry to the new document: Back is a popstate in
  // the whole app, which must draw the station's page from the address.)
  await page.evaluate(() => history.back());
  await page.locator('section.station-detail h1').waitFor({ timeout: 15000 });
  assert.match(page.url(), /\/stations\/[^/?]+$/);
  await page.evaluate(() => history.forward());
  await page.locator('h1').filter({ hasText: '福利券' }).waitFor({ timeout: 15000 });
  await mark();
  await page.locator('nav.bottom-nav a[href="/stations"]').click();
  await page.locator('li[data-station-id]').first().waitFor({ timeout: 15000 });
  assert.match((await wasmOf(page)).join(), /^\/yizhan-[0-9a-f]+_bg\.wasm$/);
  assert.ok(await samePage(), 'no page load');
  assert.equal(await page.evaluate(() => sessionStorage.getItem('yizhan.handoff.v1')), null, 'taken at start, not left behind');
  // From now on the worker answers a visit to the stations with the stations app (no
  // request on this device, so no news to show: see the spec below).
  await page.goto(`${server.url}/stations?${NEAR}`);
  await page.locator('li[data-station-id]').first().waitFor({ timeout: 15000 });
  assert.match((await wasmOf(page)).join(), /^\/stations-[0-9a-f]+_bg\.wasm$/, 'the stations app, from the worker');
  assert.equal(await page.locator('[data-testid=updated-notice]').count(), 0, 'no "updated" notice');
  assert.deepEqual(page.errors.filter((e) => !/ERR_INTERNET_DISCONNECTED/.test(e)), []);
  await context.close();
});

test("a return visit to the stations in a new tab opens the stations app from the worker, unless the union's answer may be news on this device: then the whole app, which shows it", async () => {
  const { makeFeed, publish, gcjStation, sha256 } = await import('./feeds.mjs');
  server.routes.set('/rv-intake', (req, res) => { res.writeHead(503); res.end(); });
  const at = { lat: 36.457, lng: 115.985 };
  const regions = [{ code: '371500', name: '聊城市', stations: [gcjStation('rv1', at)] }];
  publish(server, 'rv', makeFeed({ sequence: 1, intake: `${server.url}/rv-intake`, regions }));
  const { context, page } = await openPage(browser);
  // Which app a page is: the wasm its head preloads.
  const app = (p) => p.evaluate(() => new URL(document.querySelector('link[rel=preload][href$="_bg.wasm"]').href).pathname.split('-')[0]);
  // A return visit as workers make it: the old tab closed, the app opened in a new one.
  let tab = page;
  const returnVisit = async (route = `/stations?${NEAR}`) => {
    await tab.close();
    tab = await context.newPage();
    await tab.goto(server.url + route);
    await appReady(tab);
    await tab.locator('li[data-station-id], section.station-detail h1').first().waitFor({ timeout: 15000 });
    // Served by the worker, not the network.
    assert.ok(await tab.evaluate(() => navigator.serviceWorker.controller !== null), 'served by the worker');
    return app(tab);
  };
  await page.goto(`${server.url}/stations?${NEAR}&feed=/rv/manifest.json`);
  await page.locator('li[data-station-id]').first().waitFor({ timeout: 15000 });
  assert.equal(await app(page), '/stations', 'a first visit is the stations app (from nginx)');
  await page.evaluate(async () => { await navigator.serviceWorker.ready; });
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 10000 });
  await page.waitForTimeout(500);
  assert.equal(await returnVisit(), '/stations', 'a device without requests: the stations app, from the worker');
  assert.equal(await returnVisit('/stations/rv1'), '/stations', "a station's page too");
  // A station report filed in the stations app: its answer will be news.
  await tab.getByLabel('该开门时没开').check();
  await tab.locator('form.report button[type=submit]').click();
  await tab.waitForFunction(() => /联网后会自动发送/.test(document.querySelector('form.report [role=status]')?.textContent));
  const id = await tab.evaluate(() => JSON.parse(localStorage.getItem('yizhan.outbox.v1'))[0].id);
  assert.equal(await returnVisit(), '/yizhan', 'a request waits for its answer: the whole app');
  // The union answers; the next return visit is the whole app, and the news is on it.
  publish(server, 'rv', makeFeed({ sequence: 2, intake: `${server.url}/rv-intake`, regions,
    statuses: [{ ref: sha256(Buffer.from(id)), state: 'approved', note: '已改正', updated: '2026-11-22T10:00:00+08:00' }] }));
  assert.equal(await returnVisit(), '/yizhan');
  const news = tab.locator('[data-testid=news]');
  await news.waitFor({ timeout: 15000 });
  assert.match(await news.innerText(), /站点问题报告：\s*已核实并更新/);
  assert.equal(await returnVisit(), '/yizhan', 'announced, but not yet seen on its tab: the whole app still');
  await tab.locator('nav.bottom-nav a[href="/join"]').click();
  await tab.locator('#my-requests').waitFor({ timeout: 15000 });
  await tab.waitForTimeout(500);
  assert.equal(await returnVisit(), '/stations', 'the last word, seen: the stations app again');
  await context.close();
});
