// Feed sync against good and hostile feeds: what is refused is said in plain words,
// the data the user had stays, nothing crashes.
// Longer than 400 lines because its specs share the server and the browser started once
// in `before`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { serveDist, launchBrowser, openPage, appReady, screenshot } from './support.mjs';
import { makeFeed, publish, recordRequests, gcjStation, offset, signManifest } from './feeds.mjs';

let server, browser;
before(async () => { server = await serveDist(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await server?.close(); });

const USER = { lat: 36.457, lng: 115.985 }; // Liaocheng, WGS-84
const NEAR = `near=${USER.lat},${USER.lng}`;
const region = (ids, extra = {}) => ({ code: '371500', name: '聊城市',
  stations: ids.map((id, i) => gcjStation(id, offset(USER, 100 * (i + 1), 0), extra[id] ?? {})) });

async function rowIds(page) {
  return page.locator('li[data-station-id]').evaluateAll((els) => els.map((e) => e.dataset.stationId));
}
async function waitForRows(page, n) {
  await page.waitForFunction((n) => document.querySelectorAll('li[data-station-id]').length === n, n, { timeout: 15000 });
}
// The list is drawn before the device keeps the files; the footer says "正在检查" until
// they are kept. A test that reloads to see what the device kept waits for that.
async function waitForKept(page) {
  await page.waitForFunction(() => {
    const footer = document.querySelector('[data-testid=feed-updated]');
    return footer && footer.textContent !== '' && !footer.textContent.includes('正在检查');
  }, null, { timeout: 15000 });
}
async function notices(page) {
  return (await page.locator('[data-testid=feed-notice]').allInnerTexts()).join('\n');
}
async function waitForNotice(page, pattern) {
  await page.waitForFunction((src) => [...document.querySelectorAll('[data-testid=feed-notice]')]
    .some((e) => new RegExp(src).test(e.textContent)), pattern.source, { timeout: 15000 });
}

test('a good feed loads, is remembered, and is kept on the device when the server is down', async () => {
  publish(server, 'a', makeFeed({ sequence: 1, regions: [region(['a1', 'a2', 'a3'])] }));
  const { context, page } = await openPage(browser);
  await page.goto(`${server.url}/stations?feed=/a/manifest.json&${NEAR}`);
  await appReady(page);
  await waitForRows(page, 3);
  assert.deepEqual(await rowIds(page), ['a1', 'a2', 'a3']);
  assert.match(await page.locator('[data-testid=feed-updated]').innerText(), /测试工会/);
  // The feed choice is remembered without the parameter.
  await page.goto(`${server.url}/stations?${NEAR}`);
  await waitForRows(page, 3);
  await waitForKept(page);
  // The server fails: the device's copy is shown, with a plain message that says it
  // is the server (HTTP 503), not the user's network.
  server.routes.set('/a/manifest.json', (req, res) => { res.writeHead(503); res.end(); });
  await page.reload();
  await waitForNotice(page, /服务器暂时出错（HTTP 503）.*本机保存的数据/);
  assert.doesNotMatch(await notices(page), /没有网络/);
  await waitForRows(page, 3);
  assert.deepEqual(await rowIds(page), ['a1', 'a2', 'a3']);
  await screenshot(page, 'feed-offline-kept');
  assert.deepEqual(page.errors.filter((e) => !e.includes('503')), []);
  await context.close();
});

/** Loads sequence 1 of feed `prefix`, then publishes `next` and reloads. */
async function updateTo(prefix, next) {
  publish(server, prefix, makeFeed({ sequence: 1, regions: [region([`${prefix}1`, `${prefix}2`])] }));
  const { context, page } = await openPage(browser);
  await page.goto(`${server.url}/stations?feed=/${prefix}/manifest.json&${NEAR}`);
  await appReady(page);
  await waitForRows(page, 2);
  await waitForKept(page);
  publish(server, prefix, next);
  await page.reload();
  return { context, page };
}

test('a tampered shard is refused and the previous data stays', async () => {
  const next = makeFeed({ sequence: 2, regions: [region(['b9'])] });
  const shard = Object.keys(next).find((p) => p.startsWith('stations/'));
  next[shard] = Buffer.from(next[shard].toString().replace('b9', 'bX'));
  const { context, page } = await updateTo('b', next);
  await waitForNotice(page, /更新被拒绝.*校验失败/);
  await waitForRows(page, 2);
  assert.deepEqual(await rowIds(page), ['b1', 'b2']);
  await screenshot(page, 'feed-refused-tampered');
  await context.close();
});

test('an unknown format is refused by name and the previous data stays', async () => {
  const { context, page } = await updateTo('c', makeFeed({ sequence: 2, format: 'yizhan-feed/2', regions: [region(['c9'])] }));
  await waitForNotice(page, /yizhan-feed\/2/);
  assert.match(await notices(page), /不受支持/);
  await waitForRows(page, 2);
  assert.deepEqual(await rowIds(page), ['c1', 'c2']);
  await context.close();
});

test('a lower sequence (rollback) is refused and the newer data stays', async () => {
  publish(server, 'd', makeFeed({ sequence: 5, regions: [region(['d5'])] }));
  const { context, page } = await openPage(browser);
  await page.goto(`${server.url}/stations?feed=/d/manifest.json&${NEAR}`);
  await waitForRows(page, 1);
  await waitForKept(page);
  publish(server, 'd', makeFeed({ sequence: 3, regions: [region(['d3', 'd4'])] }));
  await page.reload();
  await waitForNotice(page, /版本（3）比本机已有的（5）还旧/);
  await waitForRows(page, 1);
  assert.deepEqual(await rowIds(page), ['d5']);
  await context.close();
});

test('a truncated manifest is refused without a crash', async () => {
  const good = makeFeed({ sequence: 2, regions: [region(['e9'])] });
  good['manifest.json'] = good['manifest.json'].subarray(0, 60);
  signManifest(good); // the publisher's own tool wrote it truncated
  const { context, page } = await updateTo('e', good);
  await waitForNotice(page, /损坏或不完整/);
  await waitForRows(page, 2);
  assert.deepEqual(await rowIds(page), ['e1', 'e2']);
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('a feed signed by a key the app does not trust is refused, the last good data stays', async () => {
  const forged = makeFeed({ sequence: 2, regions: [region(['k9'])] });
  const other = crypto.generateKeyPairSync('ed25519').privateKey;
  forged['manifest.json.sig'] = Buffer.from(crypto.sign(null, forged['manifest.json'], other).toString('base64'));
  const { context, page } = await updateTo('k', forged);
  await waitForNotice(page, /发布者签名不对/);
  await waitForRows(page, 2);
  assert.deepEqual(await rowIds(page), ['k1', 'k2']);
  await context.close();
});

test('a hostile feed on first visit is refused with a message and nothing breaks', async () => {
  publish(server, 'f', { 'manifest.json': Buffer.from('<html>not a feed</html>') });
  const { context, page } = await openPage(browser);
  await page.goto(`${server.url}/stations?feed=/f/manifest.json&${NEAR}`);
  await appReady(page);
  await waitForNotice(page, /数据没有发布者签名/);
  // Nothing was held before: no "you keep the data you had".
  assert.doesNotMatch(await notices(page), /仍在使用之前的数据/);
  assert.match(await notices(page), /本机还没有可用的数据/);
  assert.equal(await page.locator('li[data-station-id]').count(), 0);
  // The browser logs the missing manifest.json.sig (a 404); nothing else went wrong.
  assert.deepEqual(page.errors.filter((e) => !/status of 404/.test(e)), []);
  await context.close();
});

test('HTML in names and huge strings are shown as text', async () => {
  const evil = '<img src=x onerror="window.__pwned=1"><b>危险</b>驿站';
  const huge = '很长的地址'.repeat(40000); // 200,000 characters
  publish(server, 'g', makeFeed({ sequence: 1, regions: [region(['g1', 'g2'], {
    g1: { name: evil, address: huge }, g2: { name: '<script>window.__pwned=2</script>' } })] }));
  const { context, page } = await openPage(browser);
  await page.goto(`${server.url}/stations?feed=/g/manifest.json&${NEAR}`);
  await waitForRows(page, 2);
  assert.equal(await page.locator('li[data-station-id=g1] .station-name').innerText(), evil);
  assert.equal(await page.locator('.station-list img, .station-list b, .station-list script').count(), 0);
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 390, `the page is ${width}px wide`);
  // A 200,000-character address is two lines in the list, not a page 100,000 px tall.
  const rowHeight = await page.locator('li[data-station-id=g1]').evaluate((li) => li.offsetHeight);
  assert.ok(rowHeight < 400, `the row is ${rowHeight}px tall`);
  await screenshot(page, 'feed-html-as-text');
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('a cross-origin ?feed= is refused with a message', async () => {
  const { context, page } = await openPage(browser);
  await page.goto(`${server.url}/stations?feed=https://evil.example/manifest.json&${NEAR}`);
  await appReady(page);
  await waitForNotice(page, /只能使用本网站上的数据源/);
  // The default (sample) feed is still used.
  await page.locator('li[data-station-id]').first().waitFor({ timeout: 15000 });
  assert.match((await rowIds(page))[0], /^371500-/);
  await context.close();
});

test('a ?feed= the browser reads as another host (/%09/host/…: tabs and newlines are dropped) is refused', async () => {
  for (const param of ['/%09/evil.example/feed/manifest.json', '/%0A/evil.example/feed/manifest.json',
    '/a/..//evil.example/feed/manifest.json']) {
    const { context, page } = await openPage(browser);
    const elsewhere = [];
    page.on('request', (r) => { if (new URL(r.url()).origin !== server.url) elsewhere.push(r.url()); });
    await page.goto(`${server.url}/stations?feed=${param}&${NEAR}`);
    await appReady(page);
    await waitForNotice(page, /只能使用本网站上的数据源/);
    await page.locator('li[data-station-id]').first().waitFor({ timeout: 15000 });
    assert.match((await rowIds(page))[0], /^371500-/, 'the default feed is still used');
    assert.deepEqual(elsewhere, [], `${param}: no request leaves for another host`);
    assert.equal(await page.evaluate(() => JSON.parse(localStorage.getItem('yizhan.prefs.v1') ?? '{}').feed_path ?? null), null);
    await context.close();
  }
});

test('only the shards near the user are downloaded', async () => {
  const shanghai = { lat: 31.23, lng: 121.47 };
  publish(server, 'h', makeFeed({ sequence: 1, regions: [
    region(['h1']),
    { code: '310000', name: '上海市', stations: [gcjStation('h-sh', shanghai)] },
  ] }));
  const seen = recordRequests(server, 'h');
  const { context, page } = await openPage(browser);
  await page.goto(`${server.url}/stations?feed=/h/manifest.json&${NEAR}`);
  await waitForRows(page, 1);
  assert.ok(seen.some((p) => p.includes('/stations/371500.')), seen.join());
  assert.ok(!seen.some((p) => p.includes('/stations/310000.')), seen.join());
  await context.close();
});

test('files evicted from the device are fetched again even when the feed is unchanged', async () => {
  publish(server, 'i', makeFeed({ sequence: 1, regions: [region(['i1'])],
    campaigns: [{ id: 'c1', kind: 'fitness', title: '健身券', valid_from: '2026-01-01', valid_until: '2099-12-31' }] }));
  const { context, page } = await openPage(browser);
  await page.goto(`${server.url}/coupons?feed=/i/manifest.json&${NEAR}`);
  await page.locator('[data-campaign-id=c1]').waitFor({ timeout: 15000 });
  // The browser evicts the Cache API copy (Safari does after 7 unused days); the
  // manifest record in localStorage survives.
  await page.evaluate(() => caches.delete('yizhan-feed-v1'));
  await page.reload();
  await page.locator('[data-campaign-id=c1]').waitFor({ timeout: 15000 });
  await page.goto(`${server.url}/stations?${NEAR}`);
  await waitForRows(page, 1);
  await context.close();
});

test('a browser that cannot keep files (no Cache API) says stations will not show offline', async () => {
  publish(server, 'nc', makeFeed({ sequence: 1, regions: [region(['nc1', 'nc2'])] }));
  const { context, page } = await openPage(browser);
  // As on a plain-http address, where browsers leave the Cache API out.
  await context.addInitScript(() => { delete window.caches; });
  await page.goto(`${server.url}/stations?feed=/nc/manifest.json&${NEAR}`);
  await appReady(page);
  await waitForRows(page, 2);
  assert.equal(await page.evaluate(() => 'caches' in window), false);
  await waitForNotice(page, /不能把驿站数据存在设备上/);
  assert.deepEqual(await rowIds(page), ['nc1', 'nc2'], 'the stations still show for this visit');
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('one bad campaign (per_member -1) or one bad station costs that item only, and the user is told', async () => {
  // A new phone once got no stations at all: the bad optional file refused the feed.
  const good = { id: 'fit-ok', kind: 'fitness', title: '健身券', valid_from: '2026-11-01', valid_until: '2099-12-31', per_member: 2, period: 'month' };
  const bad = { ...good, id: 'fit-bad', title: '坏的券', per_member: -1 };
  const r = region(['b1', 'b2']);
  r.stations.push({ ...gcjStation('b3', offset(USER, 500, 0)), lat: '三十六' });
  r.bbox = [115.2, 35.7, 116.6, 37.1];
  publish(server, 'badc', makeFeed({ sequence: 1, regions: [r], campaigns: [good, bad] }));
  const { context, page } = await openPage(browser);
  await page.goto(`${server.url}/stations?feed=/badc/manifest.json&${NEAR}`);
  await appReady(page);
  await waitForRows(page, 2);
  assert.deepEqual(await rowIds(page), ['b1', 'b2']);
  // A first visit is the stations app: it checks the campaigns file's shape but reads
  // no campaign, so it counts the station it left out.
  await waitForNotice(page, /1 条格式不对/);
  // The whole app reads the campaigns the stations app kept on the device.
  await page.goto(`${server.url}/coupons`);
  await page.locator('li[data-campaign-id=fit-ok]').waitFor({ timeout: 15000 });
  assert.equal(await page.locator('li[data-campaign-id=fit-bad]').count(), 0);
  await waitForNotice(page, /1 条格式不对/);
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('a list file that is missing (404), refused (bad hash), not a list or never answering costs that file only: a new phone shows its stations and says which file', async () => {
  // A new phone once got no stations and "没有网络": one optional file refused the feed.
  const campaigns = [{ id: 'fit-ok', kind: 'fitness', title: '健身券', valid_from: '2026-11-01', valid_until: '2099-12-31', per_member: 2, period: 'month' }];
  const hung = [];
  const cases = [
    ['nocamp', campaigns, (files, path) => server.routes.set(`/nocamp/${path}`, (req, res) => { res.writeHead(404); res.end(); }), /HTTP 404/],
    ['hashcamp', campaigns, (files, path) => { files[path] = Buffer.from(files[path].toString().replace('健身券', '假的券')); }, /校验失败/],
    ['notlist', 7, () => {}, /数据文件损坏或不完整/],
    ['hungcamp', campaigns, (files, path) => server.routes.set(`/hungcamp/${path}`, (req, res) => { hung.push(res); }), /无法下载/],
  ];
  for (const [prefix, list, spoil, why] of cases) {
    const files = makeFeed({ sequence: 1, regions: [region([`${prefix}1`, `${prefix}2`])], campaigns: list });
    const path = Object.keys(files).find((p) => p.startsWith('campaigns.'));
    publish(server, prefix, files);
    spoil(files, path);
    if (prefix === 'hashcamp') publish(server, prefix, { [path]: files[path] });
    const { context, page } = await openPage(browser);
    await page.goto(`${server.url}/stations?feed=/${prefix}/manifest.json&${NEAR}`);
    await appReady(page);
    // The stations show while the campaigns file is still unanswered, or after it failed.
    await waitForRows(page, 2);
    assert.deepEqual(await rowIds(page), [`${prefix}1`, `${prefix}2`]);
    if (prefix === 'hungcamp') {
      assert.equal(hung.length, 1, 'the campaigns file is still waiting for its answer');
      assert.doesNotMatch(await notices(page), /没有网络|更新被拒绝|出错/);
      // Then the connection drops (the browser retries a dropped GET once: drop that too).
      server.routes.set(`/hungcamp/${path}`, (req, res) => res.socket.destroy());
      for (const res of hung.splice(0)) res.socket.destroy();
    }
    const named = new RegExp(`福利活动数据未更新（${path.replace('.', '\\.')}：`);
    await waitForNotice(page, named);
    assert.match(await notices(page), why);
    assert.match(await notices(page), /驿站等其余数据已更新/);
    assert.doesNotMatch(await notices(page), /没有网络|更新被拒绝|本机还没有/);
    // The stations are kept: a reload on this device shows them and asks for the file again.
    await waitForKept(page);
    await page.reload();
    await waitForRows(page, 2);
    await waitForNotice(page, named);
    // The browser's own lines for the failures this test makes: the 404, and the
    // connection it drops (ERR_FAILED or ERR_EMPTY_RESPONSE, as the drop's timing falls).
    assert.deepEqual(page.errors.filter((e) => !/status of 404|net::ERR_FAILED|net::ERR_EMPTY_RESPONSE|Failed to fetch/.test(e)), []);
    await context.close();
  }
});

test('a list file that fails in an update keeps the last good copy, after a restart too, and is fetched when it is back', async () => {
  const campaign = (id) => ({ id, kind: 'fitness', title: `健身券 ${id}`, valid_from: '2026-11-01', valid_until: '2099-12-31', per_member: 2, period: 'month' });
  publish(server, 'lastgood', makeFeed({ sequence: 1, regions: [region(['g1'])], campaigns: [campaign('fit-old')] }));
  const { context, page } = await openPage(browser);
  const campaignsShown = async () => {
    await page.locator('li[data-campaign-id]').first().waitFor({ timeout: 15000 });
    return page.locator('li[data-campaign-id]').evaluateAll((els) => els.map((e) => e.dataset.campaignId));
  };
  await page.goto(`${server.url}/coupons?feed=/lastgood/manifest.json&${NEAR}`);
  await appReady(page);
  assert.deepEqual(await campaignsShown(), ['fit-old']);
  await page.goto(`${server.url}/stations?${NEAR}`);
  await waitForKept(page);
  // Sequence 2: a new station, new campaigns, and the campaigns file fails (HTTP 503).
  const next = makeFeed({ sequence: 2, regions: [region(['g1', 'g2'])], campaigns: [campaign('fit-new')] });
  const path = Object.keys(next).find((p) => p.startsWith('campaigns.'));
  publish(server, 'lastgood', next);
  server.routes.set(`/lastgood/${path}`, (req, res) => { res.writeHead(503); res.end(); });
  await page.reload();
  await waitForRows(page, 2);
  await waitForNotice(page, /福利活动数据未更新.*HTTP 503/);
  await waitForKept(page);
  // The whole app, started again twice: the last good campaigns, and the notice again.
  for (let start = 0; start < 2; start++) {
    await page.goto(`${server.url}/coupons`);
    await waitForNotice(page, /福利活动数据未更新.*HTTP 503/);
    assert.deepEqual(await campaignsShown(), ['fit-old'], `start ${start}: the last good campaigns stay`);
  }
  // The file is back: the next start fetches it, though the sequence is unchanged.
  publish(server, 'lastgood', next);
  await page.goto(`${server.url}/coupons`);
  await page.locator('li[data-campaign-id=fit-new]').waitFor({ timeout: 15000 });
  assert.deepEqual(await campaignsShown(), ['fit-new']);
  assert.doesNotMatch(await notices(page), /未更新/);
  assert.deepEqual(page.errors.filter((e) => !/503/.test(e)), []);
  await context.close();
});

test('a manifest request that never answers is given up: "checking" ends and the user is told', async () => {
  // The server accepts the connection and never answers.
  const hung = [];
  server.routes.set('/hung/manifest.json', (req, res) => { hung.push(res); });
  server.routes.set('/hung/manifest.json.sig', (req, res) => { hung.push(res); });
  const { context, page } = await openPage(browser);
  await page.goto(`${server.url}/stations?feed=/hung/manifest.json&${NEAR}`);
  await appReady(page);
  await page.waitForFunction(() => document.querySelector('[data-testid=feed-updated]')?.textContent.includes('正在检查'),
    null, { timeout: 10000 });
  // The manifest's time limit is 20 s.
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid=feed-notice]')]
    .some((e) => e.textContent.includes('没有网络')), null, { timeout: 30000 });
  await page.waitForFunction(() => !document.querySelector('[data-testid=feed-updated]')?.textContent.includes('正在检查'),
    null, { timeout: 5000 });
  assert.deepEqual(page.errors.filter((e) => !/abort|timeout|Failed to fetch/i.test(e)), []);
  for (const res of hung) res.destroy();
  await context.close();
});

/** A feed whose manifest is changed after hashing: `edit(manifest)` alters it in place. */
function editedManifest(files, edit) {
  const manifest = JSON.parse(files['manifest.json']);
  edit(manifest);
  files['manifest.json'] = Buffer.from(JSON.stringify(manifest));
  return signManifest(files);
}

test('a percent-encoded path that climbs out of the feed folder is refused', async () => {
  const files = editedManifest(makeFeed({ sequence: 1, regions: [region(['p1'])] }),
    (m) => { m.regions[0].path = 'stations/%2e%2e/%2e%2e/x.json'; });
  const seen = [];
  server.routes.set('/x.json', (req, res) => { seen.push(req.url); res.writeHead(404); res.end(); });
  publish(server, 'pct', files);
  const { context, page } = await openPage(browser);
  await page.goto(`${server.url}/stations?feed=/pct/manifest.json&${NEAR}`);
  await appReady(page);
  await waitForNotice(page, /数据指向了不允许的位置/);
  assert.deepEqual(seen, [], 'nothing outside the feed folder was requested');
  await context.close();
});

test('an intake URL whose real host is not this machine is refused (http://localhost:80@evil.example)', async () => {
  publish(server, 'userinfo', makeFeed({ sequence: 1, regions: [region(['u1'])],
    intake: 'http://localhost:80@evil.example/intake' }));
  const { context, page } = await openPage(browser);
  await page.goto(`${server.url}/stations?feed=/userinfo/manifest.json&${NEAR}`);
  await appReady(page);
  await waitForNotice(page, /申请提交地址不安全/);
  await context.close();
});

test('repeated station ids: one row, and it opens the first station with that id', async () => {
  const r = region(['d1', 'dup']);
  r.stations.push({ ...gcjStation('dup', offset(USER, 250, 0)), name: '第二个同号驿站' });
  r.stations[1].name = '第一个同号驿站';
  publish(server, 'dupes', makeFeed({ sequence: 1, regions: [r] }));
  const { context, page } = await openPage(browser);
  await page.goto(`${server.url}/stations?feed=/dupes/manifest.json&${NEAR}`);
  await appReady(page);
  await waitForRows(page, 2);
  assert.deepEqual(await rowIds(page), ['d1', 'dup']);
  await page.locator('li[data-station-id=dup] a').click();
  await page.locator('h1[data-station-id=dup]').waitFor();
  assert.equal(await page.locator('h1[data-station-id=dup]').innerText(), '第一个同号驿站');
  await context.close();
});

test('a station whose id holds % and spaces opens from the list and from its link', async () => {
  const r = region(['ok']);
  r.stations.push({ ...gcjStation('50% 折扣/站', offset(USER, 300, 0)), name: '百分号驿站' });
  publish(server, 'pctid', makeFeed({ sequence: 1, regions: [r] }));
  const { context, page } = await openPage(browser);
  await page.goto(`${server.url}/stations?feed=/pctid/manifest.json&${NEAR}`);
  await appReady(page);
  await waitForRows(page, 2);
  await page.locator('li[data-station-id="50% 折扣/站"] a').click();
  await page.locator('h1').filter({ hasText: '百分号驿站' }).waitFor({ timeout: 10000 });
  // The same page from its link, on a fresh load.
  await page.reload();
  await page.locator('h1').filter({ hasText: '百分号驿站' }).waitFor({ timeout: 15000 });
  await context.close();
});
