// Stations: true-distance order on a GCJ-02 feed, filters that survive a reload,
// geolocation (emulated, and denied), the detail page's navigation links.
// Longer than 400 lines because its specs share the server and the browser started once
// in `before`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serveDist, launchBrowser, openPage, appReady, screenshot, KIOSK } from './support.mjs';
import { makeFeed, publish, gcjStation, offset, wgsToGcj, gcjToBd, metres } from './feeds.mjs';

let server, browser;
const USER = { lat: 36.457, lng: 115.985 }; // WGS-84

// Chosen so that reading GCJ-02 as if it were WGS-84 (a ~560 m shift east here) gives
// another order than the true one: the true order is e300, n450, w500, s700.
const STATIONS = [
  gcjStation('w500', offset(USER, -500, 0), { services: ['water', 'toilet'],
    hours: 'Mo-Fr 07:00-21:00; Sa,Su 22:00-06:00; PH off' }),
  gcjStation('e300', offset(USER, 300, 0), { services: ['water', 'battery_swap'], name: '东边<b>换电</b>驿站' }),
  gcjStation('n450', offset(USER, 0, 450), { services: ['water', 'microwave', 'battery_swap'], hours: 'Mo-Su 00:00-00:01' }),
  gcjStation('s700', offset(USER, 0, -700), { services: ['meals'], hours: 'sunrise-sunset',
    phone: '0635-8123456', address: '东昌府区黄山路12号', checked: '2026-10-01', entry: 'members', entry_note: '扫码进门' }),
];

before(async () => {
  server = await serveDist();
  browser = await launchBrowser();
  publish(server, 's', makeFeed({ sequence: 1, regions: [{ code: '371500', name: '聊城市', stations: STATIONS }] }));
});
after(async () => { await browser?.close(); await server?.close(); });

const FEED = 'feed=/s/manifest.json';
async function ids(page) {
  return page.locator('li[data-station-id]').evaluateAll((els) => els.map((e) => e.dataset.stationId));
}
/** The id of the listed station nearest the sorting point (open ones are listed first,
 * so this is not always the first row). */
async function nearestId(page) {
  const rows = await page.locator('li[data-station-id]').evaluateAll((els) => els.map((e) => {
    const [n, unit] = e.querySelector('.distance').innerText.split(' ');
    return { id: e.dataset.stationId, m: Number(n) * (unit === '公里' ? 1000 : 1) };
  }));
  return rows.sort((a, b) => a.m - b.m)[0].id;
}
/** Open now first, then unknown hours, then closed: each row's group, in list order. */
async function groups(page) {
  return page.locator('li[data-station-id] .open-state').evaluateAll((els) => els.map((e) =>
    e.classList.contains('is-open') ? 0 : e.classList.contains('is-unknown') ? 1 : 2));
}
async function waitForCount(page, n) {
  await page.waitForFunction((n) => document.querySelectorAll('li[data-station-id]').length === n, n, { timeout: 15000 });
}

test('the order matches true distance on a GCJ-02 feed (with ?near=)', async () => {
  const { context, page } = await openPage(browser);
  await page.goto(`${server.url}/stations?${FEED}&near=${USER.lat},${USER.lng}`);
  await appReady(page);
  await waitForCount(page, 4);
  const trueOrder = [...STATIONS].sort((a, b) => trueDistance(a) - trueDistance(b)).map((s) => s.id);
  const naiveOrder = [...STATIONS].sort((a, b) => metres(USER, a) - metres(USER, b)).map((s) => s.id);
  assert.notDeepEqual(trueOrder, naiveOrder, 'the fixture must tell the datums apart');
  assert.deepEqual(trueOrder, ['e300', 'n450', 'w500', 's700']);
  // Listed open first, then unknown hours, then closed; within each, by true distance.
  const shown = await ids(page);
  const group = await groups(page);
  const rank = (id) => group[shown.indexOf(id)] * 1e6 + trueOrder.indexOf(id);
  assert.deepEqual(shown, [...trueOrder].sort((a, b) => rank(a) - rank(b)));
  assert.deepEqual(group, [...group].sort());
  assert.equal(await page.locator('li[data-station-id=e300] .distance').innerText(), '300 米');
  // The station name holding HTML is shown as text.
  assert.equal(await page.locator('li[data-station-id=e300] .station-name').innerText(), '东边<b>换电</b>驿站');
  assert.match(await page.locator('li[data-station-id=s700] .open-state').innerText(), /营业时间未知/);
  assert.match(await page.locator('li[data-station-id=e300] .open-state').innerText(), /24小时/);
  await screenshot(page, 'stations-list-phone');
  assert.deepEqual(page.errors, []);
  await context.close();
});

function trueDistance(s) {
  // Invert the feed's GCJ-02 by searching the WGS-84 point whose transform is it.
  let w = { lat: s.lat, lng: s.lng };
  for (let i = 0; i < 30; i++) {
    const g = wgsToGcj(w.lat, w.lng);
    w = { lat: w.lat - (g.lat - s.lat), lng: w.lng - (g.lng - s.lng) };
  }
  return metres(USER, w);
}

test('filters narrow the list and survive a reload', async () => {
  const { context, page } = await openPage(browser);
  await page.goto(`${server.url}/stations?${FEED}&near=${USER.lat},${USER.lng}`);
  await waitForCount(page, 4);
  await page.locator('button.chip[data-service=battery_swap]').click();
  await waitForCount(page, 2);
  assert.deepEqual(await ids(page), ['e300', 'n450']);
  // n450 is open one minute a day, so "open now" leaves only the 24 h station
  // (unless this runs in that very minute, China time).
  await page.locator('button[data-filter=open-now]').click();
  await waitForCount(page, 1);
  assert.deepEqual(await ids(page), ['e300']);
  await page.reload();
  await appReady(page);
  await waitForCount(page, 1);
  assert.equal(await page.locator('button[data-filter=open-now]').getAttribute('aria-pressed'), 'true');
  assert.equal(await page.locator('button.chip[data-service=battery_swap]').getAttribute('aria-pressed'), 'true');
  assert.deepEqual(await ids(page), ['e300']);
  // Scarce services behind "more" work too.
  await page.locator('button[data-filter=open-now]').click();
  await page.locator('button.chip[data-service=battery_swap]').click();
  await page.locator('button.chip[data-service=meals]').click();
  await waitForCount(page, 1);
  assert.deepEqual(await ids(page), ['s700']);
  await page.locator('button.chip[data-service=meals]').click();
  await context.close();
});

test('emulated geolocation sorts from the device position', async () => {
  const { context, page } = await openPage(browser, {
    geolocation: { latitude: offset(USER, 0, -700).lat, longitude: USER.lng },
    permissions: ['geolocation'],
  });
  await page.goto(`${server.url}/stations?${FEED}`);
  await appReady(page);
  await waitForCount(page, 4);
  assert.equal(await nearestId(page), 's700');
  assert.match(await page.locator('[data-testid=location-source]').innerText(), /按你的位置排序/);
  await context.close();
});

test('a denied geolocation leads to the city and address fallback', async () => {
  const { context, page } = await openPage(browser, { permissions: [] });
  await page.goto(`${server.url}/stations?${FEED}`);
  await appReady(page);
  await page.locator('button[data-action=locate]').click();
  await page.locator('[data-testid=locate-error]').waitFor({ timeout: 15000 });
  assert.match(await page.locator('[data-testid=locate-error]').innerText(), /没有允许定位/);
  await screenshot(page, 'stations-location-denied');
  // Fallback 1: pick a city.
  await page.locator('select[name=city]').selectOption('371500');
  await waitForCount(page, 4);
  assert.match(await page.locator('[data-testid=location-source]').innerText(), /按聊城市中心排序/);
  // Fallback 2: type part of a station address.
  await page.getByRole('button', { name: '换个位置' }).click();
  await page.locator('input[name=address]').fill('黄山路');
  await page.locator('form.address-search button[type=submit]').click();
  // Sorted from the station matching the address: it is the nearest (open ones are
  // listed first, so not always the first row).
  await page.locator('[data-testid=location-source]', { hasText: '黄山路' }).waitFor();
  await waitForCount(page, 4);
  assert.equal(await nearestId(page), 's700');
  await context.close();
});

test('the detail page links each map app with the coordinates it expects', async () => {
  const { context, page } = await openPage(browser);
  await page.goto(`${server.url}/stations?${FEED}&near=${USER.lat},${USER.lng}`);
  await waitForCount(page, 4);
  await page.locator('li[data-station-id=s700] a').click();
  await page.waitForURL(/\/stations\/s700$/);
  const s = STATIONS.find((x) => x.id === 's700');
  const href = async (nav) => page.locator(`[data-nav=${nav}]`).getAttribute('href');
  const amap = new URL(await href('amap'));
  assert.equal(amap.host, 'uri.amap.com');
  const [alng, alat] = amap.searchParams.get('to').split(',').map(Number);
  assert.ok(metres({ lat: alat, lng: alng }, s) < 0.5, 'Amap gets GCJ-02');
  assert.equal(amap.searchParams.get('mode'), 'walk');
  assert.equal(new URL(await href('amap-ride')).searchParams.get('mode'), 'ride');
  const baidu = new URL(await href('baidu'));
  const [blat, blng] = baidu.searchParams.get('destination').split('|')[0].replace('latlng:', '').split(',').map(Number);
  assert.ok(metres({ lat: blat, lng: blng }, gcjToBd(s.lat, s.lng)) < 0.5, 'Baidu gets BD-09');
  assert.equal(baidu.searchParams.get('coord_type'), 'bd09ll');
  const wgs = offset(USER, 0, -700);
  const apple = new URL(await href('apple'));
  const [plat, plng] = apple.searchParams.get('daddr').split(',').map(Number);
  assert.ok(metres({ lat: plat, lng: plng }, wgs) < 1, 'Apple Maps gets WGS-84');
  const geo = await href('geo');
  const [glat, glng] = geo.slice(4).split('?')[0].split(',').map(Number);
  assert.ok(metres({ lat: glat, lng: glng }, wgs) < 1, 'geo: gets WGS-84');
  assert.equal(await page.locator('[data-testid=phone]').getAttribute('href'), 'tel:0635-8123456');
  assert.match(await page.locator('.station-detail').innerText(), /工会最近核查：2026-10-01/);
  assert.match(await page.locator('.station-detail').innerText(), /扫码进门/);
  // Hours outside the subset: unknown, with the publisher's own words beside.
  const hoursCell = page.locator('.facts dt:has-text("营业时间") + dd');
  assert.match(await hoursCell.innerText(), /营业时间未知[\s\S]*原文：sunrise-sunset/);
  await screenshot(page, 'station-detail-phone');
  assert.deepEqual(page.errors, []);
  // Parsed hours read as a weekly timetable in words, in both languages.
  const rows = async () => page.locator('[data-testid=week-hours] tr').evaluateAll(
    (trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent.trim())));
  // A detail page opened with no position (a reload, a bookmark) still finds its
  // station in the shards the device holds.
  await page.goto(`${server.url}/stations/w500`);
  await page.locator('[data-testid=week-hours]').waitFor({ timeout: 10000 });
  assert.deepEqual(await rows(), [['周一至周五', '07:00–21:00'], ['周六、周日', '22:00–次日06:00'], ['法定节假日', '休息']]);
  assert.doesNotMatch(await page.locator('.station-detail').innerText(), /Mo-Fr|原文/);
  // Today's line is written the same way (which line depends on the day the test runs).
  assert.match(await page.locator('.hours-note').innerText(), /^今天: (07:00–21:00|22:00–次日06:00|休息)$/);
  await screenshot(page, 'station-detail-hours');
  await page.goto(`${server.url}/stations/w500?lang=en`);
  await page.locator('[data-testid=week-hours]').waitFor();
  await screenshot(page, 'station-detail-hours-en');
  await page.locator('[data-testid=week-hours]').waitFor();
  assert.deepEqual(await rows(), [['Mon–Fri', '07:00–21:00'], ['Sat, Sun', '22:00–06:00 next day'], ['Public holidays', 'Closed']]);
  // Readable at 390 px: no cell wrapped into a column of single characters (each cell's
  // text takes at most two lines).
  const tallCells = await page.locator('[data-testid=week-hours] th, [data-testid=week-hours] td').evaluateAll(
    (cells) => cells.map((c) => {
      const range = document.createRange();
      range.selectNodeContents(c);
      const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
      return [c.textContent, lines];
    }).filter(([, lines]) => lines > 2));
  assert.deepEqual(tallCells, []);
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('a problem report is kept on the device and POSTed to the intake once', async () => {
  const posts = [];
  server.routes.set('/intake', (req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => { posts.push(JSON.parse(body)); res.writeHead(202); res.end(); });
  });
  publish(server, 'r', makeFeed({ sequence: 1, intake: `${server.url}/intake`,
    regions: [{ code: '371500', name: '聊城市', stations: STATIONS }] }));
  const { context, page } = await openPage(browser);
  await page.goto(`${server.url}/stations/e300?feed=/r/manifest.json&near=${USER.lat},${USER.lng}`);
  await page.locator('[data-nav=amap]').waitFor({ timeout: 15000 });
  await page.locator('form.report button[type=submit]').click();
  assert.match(await page.locator('form.report [role=status]').innerText(), /请先选一个问题/);
  await page.getByLabel('该开门时没开').check();
  await page.locator('textarea[name=note]').fill('早上八点没开门');
  await page.locator('form.report button[type=submit]').click();
  await page.waitForFunction(() => /联网后会自动发送/.test(document.querySelector('form.report [role=status]')?.textContent));
  // The answer is on screen, above the bottom bar (it is drawn below the button).
  await page.waitForFunction(() => {
    const status = document.querySelector('form.report [role=status]').getBoundingClientRect();
    return status.top >= 0 && status.bottom <= document.querySelector('.bottom-nav').getBoundingClientRect().top;
  }, null, { timeout: 3000 });
  await page.waitForFunction(() => JSON.parse(localStorage.getItem('yizhan.outbox.v1'))?.[0]?.delivery?.state === 'sent');
  assert.equal(posts.length, 1);
  assert.equal(posts[0].kind, 'report');
  assert.deepEqual(posts[0].payload, { station_id: 'e300', problem: 'closed_when_open', note: '早上八点没开门' });
  assert.match(posts[0].id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  await page.reload();
  await page.locator('[data-nav=amap]').waitFor({ timeout: 15000 });
  await page.waitForTimeout(300);
  assert.equal(posts.length, 1, 'not sent again after a 2xx');
  // The stations app saved it in the stored form alone (its wasm has no outbox
  // store): the whole app reads it back as one of the device's requests.
  await page.locator('.bottom-nav a[href="/me"]').click();
  await page.waitForFunction(() => /申请和报告 1 条/.test(document.querySelector('[data-testid=data-summary]')?.textContent));
  await context.close();
});

test('the map draws the user, the stations, a scale bar and north', async () => {
  for (const [name, viewport] of [['phone', undefined], ['kiosk', KIOSK]]) {
    const { context, page } = await openPage(browser, viewport ? { viewport } : {});
    await page.goto(`${server.url}/stations?${FEED}&near=${USER.lat},${USER.lng}`);
    await waitForCount(page, 4);
    await page.getByRole('button', { name: '地图' }).click();
    await page.locator('svg.station-map').waitFor();
    const markers = page.locator('svg.station-map [data-marker-id] circle.dot');
    assert.equal(await markers.count(), 4);
    for (const box of await markers.evaluateAll((cs) => cs.map((c) => c.getBoundingClientRect().toJSON()))) {
      assert.ok(box.width > 10 && box.height > 10, `marker drawn ${box.width}x${box.height}`);
    }
    assert.match(await page.locator('[data-testid=scale-label]').textContent(), /^\d+ (m|km)$/);
    const before = await page.locator('[data-testid=scale-label]').textContent();
    await page.getByRole('button', { name: '放大' }).click();
    assert.notEqual(await page.locator('[data-testid=scale-label]').textContent(), before);
    await screenshot(page, `stations-map-${name}`);
    // A marker is a link to its station.
    await page.locator('svg.station-map [data-marker-id=e300]').click();
    await page.waitForURL(/\/stations\/e300$/);
    await context.close();
  }
});

/** Opens the map view from ?near=, centred in the window (clear of the fixed bottom
 * navigation). */
async function openMap(options = {}) {
  const { context, page } = await openPage(browser, options);
  await page.goto(`${server.url}/stations?${FEED}&near=${USER.lat},${USER.lng}`);
  await waitForCount(page, 4);
  await page.getByRole('button', { name: '地图' }).click();
  const map = page.locator('svg.station-map');
  await map.waitFor();
  await map.evaluate((e) => e.scrollIntoView({ block: 'center' }));
  return { context, page, map };
}

test('a tap on the map sorts from that point', async () => {
  const { context, page, map } = await openMap();
  // Tap the empty south-west corner: about 670 m west and 760 m south, where s700 is
  // nearest.
  const box = await map.boundingBox();
  await page.mouse.click(box.x + box.width * 0.1, box.y + box.height * 0.95);
  await page.locator('[data-testid=location-source]', { hasText: '按地图上选的位置排序' }).waitFor();
  await page.getByRole('button', { name: '列表' }).click();
  await waitForCount(page, 4);
  assert.equal(await nearestId(page), 's700');
  await context.close();
});

test('two fingers pinch the map to zoom, around the fingers, and are not a tap', async () => {
  const { context, page, map } = await openMap({ hasTouch: true });
  const metresOf = (label) => (label.endsWith('km') ? parseFloat(label) * 1000 : parseFloat(label));
  const scale = async () => metresOf(await page.locator('[data-testid=scale-label]').textContent());
  const marker = async (id) => page.locator(`svg.station-map [data-marker-id=${id}] circle.dot`)
    .evaluate((c) => { const r = c.getBoundingClientRect(); return { x: r.x + r.width / 2, y: r.y + r.height / 2 }; });
  const before = await scale();
  // Pinch out around the e300 marker: it must stay under the fingers.
  const m0 = await marker('e300');
  // Touch pointers as a phone sends them (Playwright has no multi-touch API).
  const touch = (type, id, x, y) => map.evaluate((svg, [type, id, x, y]) => {
    svg.dispatchEvent(new PointerEvent(type, { pointerId: id, pointerType: 'touch', isPrimary: id === 1,
      clientX: x, clientY: y, bubbles: true, cancelable: true, composed: true }));
  }, [type, id, x, y]);
  await touch('pointerdown', 1, m0.x - 20, m0.y);
  await touch('pointerdown', 2, m0.x + 20, m0.y);
  for (const d of [30, 45, 60, 80]) {
    await touch('pointermove', 1, m0.x - d, m0.y);
    await touch('pointermove', 2, m0.x + d, m0.y);
  }
  await touch('pointerup', 2, m0.x + 80, m0.y);
  await touch('pointerup', 1, m0.x - 80, m0.y);
  const after = await scale();
  assert.ok(after < before, `zoomed in: scale bar ${before} m -> ${after} m`);
  const m1 = await marker('e300');
  assert.ok(Math.hypot(m1.x - m0.x, m1.y - m0.y) < 2, `e300 stayed under the fingers: ${JSON.stringify([m0, m1])}`);
  // Lifting the fingers was not a tap: the list is still sorted from ?near=.
  assert.doesNotMatch(await page.locator('[data-testid=location-source]').innerText(), /地图上选的位置/);
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('a station with a misplaced decimal point and a rare filter neither freeze the tab nor hide the rest', async () => {
  // lng 1159.85 (for 115.985) and a saved filter no nearby station passes: the ring
  // search once walked the grid out to that point, and every start froze.
  const stations = [
    gcjStation('near', offset(USER, 200, 0), { services: ['water'] }),
    { ...gcjStation('typo', offset(USER, 0, 0), { services: ['meals'] }), lng: 1159.85 },
  ];
  publish(server, 'typo', makeFeed({ sequence: 1,
    regions: [{ code: '371500', name: '聊城市', stations, bbox: [115.2, 35.7, 116.6, 37.1] }] }));
  const { context, page } = await openPage(browser);
  await page.addInitScript(() => localStorage.setItem('yizhan.station-filter.v1',
    JSON.stringify({ open_now: false, services: ['meals'] })));
  await page.goto(`${server.url}/stations?feed=/typo/manifest.json&near=${USER.lat},${USER.lng}`);
  await appReady(page);
  // The page answers (a frozen tab would time this out): nothing nearby has meals…
  await page.locator('.station-list').waitFor({ state: 'attached', timeout: 10000 });
  await page.locator('p.empty').waitFor({ timeout: 10000 });
  // …and without the filter the good station is listed; the misplaced one is not.
  await page.locator('button.chip[data-service=meals]').click();
  await waitForCount(page, 1);
  assert.deepEqual(await ids(page), ['near']);
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('at night the open station is listed first, ahead of nearer closed ones', async () => {
  // Before: the three nearest were listed first although all were shut at 02:00.
  const dayOnly = { hours: 'Mo-Su 08:00-20:00' };
  publish(server, 'night', makeFeed({ sequence: 1, regions: [{ code: '371500', name: '聊城市', stations: [
    gcjStation('shut1', offset(USER, 100, 0), dayOnly),
    gcjStation('shut2', offset(USER, 200, 0), dayOnly),
    gcjStation('shut3', offset(USER, 300, 0), dayOnly),
    gcjStation('nightowl', offset(USER, 3000, 0), { hours: 'Mo-Su 20:00-08:00' }),
  ] }] }));
  const { context, page } = await openPage(browser);
  await page.clock.setFixedTime(new Date('2026-11-24T02:00:00+08:00'));
  await page.goto(`${server.url}/stations?feed=/night/manifest.json&near=${USER.lat},${USER.lng}`);
  await waitForCount(page, 4);
  assert.deepEqual(await ids(page), ['nightowl', 'shut1', 'shut2', 'shut3']);
  assert.match(await page.locator('li[data-station-id=nightowl] .open-state').innerText(), /营业中/);
  assert.equal(await nearestId(page), 'shut1', 'the distances still say which is nearest');
  await screenshot(page, 'stations-night-open-first');
  await context.close();
});

test('"离你" only for the phone\'s own position: a link\'s point is named as such', async () => {
  // Before: a station opened from a shared link said "离你 300 米", measured from the
  // point in the link, not from the person holding the phone.
  const { context, page } = await openPage(browser, {
    geolocation: { latitude: USER.lat, longitude: USER.lng }, permissions: ['geolocation'] });
  await page.goto(`${server.url}/stations/e300?${FEED}&near=${USER.lat},${USER.lng}`);
  await appReady(page);
  await page.locator('[data-testid=distance]').waitFor({ timeout: 15000 });
  assert.match(await page.locator('[data-testid=distance]').innerText(), /^离链接里的位置 300 米$/);
  // From the phone's own position (geolocation), it is "离你".
  await page.goto(`${server.url}/stations?${FEED}`);
  await appReady(page);
  await waitForCount(page, 4);
  await page.locator('li[data-station-id=e300] a').click();
  await page.locator('[data-testid=distance]').waitFor();
  assert.match(await page.locator('[data-testid=distance]').innerText(), /^离你 300 米$/);
  await context.close();
});

test('"分享这个驿站" hands the station\'s link to the phone\'s share sheet, or copies it, or says to copy it by hand', async () => {
  const link = new RegExp(`^${server.url}/stations/e300\\?near=`);
  // A phone with Web Share: the sheet gets the station's name and its link.
  {
    const { context, page } = await openPage(browser);
    await page.addInitScript(() => {
      window.__shared = [];
      Object.defineProperty(navigator, 'share', { value: (d) => { window.__shared.push(d); return Promise.resolve(); } });
    });
    await page.goto(`${server.url}/stations/e300?${FEED}&near=${USER.lat},${USER.lng}`);
    await page.locator('button[data-action=share]').click();
    await page.waitForFunction(() => window.__shared.length === 1);
    const [shared] = await page.evaluate(() => window.__shared);
    assert.equal(shared.title, '东边<b>换电</b>驿站');
    assert.match(shared.url, link);
    assert.equal(await page.locator('[role=status]').filter({ hasText: '链接' }).count(), 0);
    await context.close();
  }
  // Without it: the link goes to the clipboard, and the screen says so.
  {
    const { context, page } = await openPage(browser, { permissions: ['clipboard-read', 'clipboard-write'] });
    await page.addInitScript(() => { delete Navigator.prototype.share; });
    await page.goto(`${server.url}/stations/e300?${FEED}&near=${USER.lat},${USER.lng}`);
    await page.locator('button[data-action=share]').click();
    await page.getByText('链接已复制，可以粘贴给别人。').waitFor();
    assert.match(await page.evaluate(() => navigator.clipboard.readText()), link);
    await context.close();
  }
  // Neither works: plain words on what to do instead.
  {
    const { context, page } = await openPage(browser);
    await page.addInitScript(() => {
      delete Navigator.prototype.share;
      Object.defineProperty(navigator, 'clipboard', { value: { writeText: () => Promise.reject(new Error('denied')) } });
    });
    await page.goto(`${server.url}/stations/e300?${FEED}&near=${USER.lat},${USER.lng}`);
    await page.locator('button[data-action=share]').click();
    await page.getByText('无法分享，请手动复制地址栏里的链接。').waitFor();
    assert.deepEqual(page.errors, []);
    await context.close();
  }
});

test('a bare station link opened on a new device fetches the shard that holds the station', async () => {
  // Before: "not found", for good: only shards near a position or already on the
  // device were looked in, and a bare link carries no position.
  publish(server, 'bare', makeFeed({ sequence: 1, regions: [
    { code: '371500', name: '聊城市', stations: [gcjStation('371500-0042', USER, { name: '黄山路驿站' })] },
    { code: '370100', name: '济南市', stations: [gcjStation('370100-0001', { lat: 36.65, lng: 117.0 })] },
  ] }));
  const { context, page } = await openPage(browser);
  const fetched = [];
  page.on('request', (r) => { if (r.url().includes('/bare/stations/')) fetched.push(new URL(r.url()).pathname); });
  await page.goto(`${server.url}/stations/371500-0042?feed=/bare/manifest.json`);
  await appReady(page);
  await page.locator('h1[data-station-id="371500-0042"]').waitFor({ timeout: 15000 });
  assert.equal(await page.locator('h1').innerText(), '黄山路驿站');
  assert.deepEqual(fetched.map((p) => p.split('/').pop().split('.')[0]), ['371500'], 'only the shard the id names');
  await context.close();
});

test('the map has a legend, markers at one spot do not hide each other, and the scale and north stay on top', async () => {
  publish(server, 'crowd', makeFeed({ sequence: 1, regions: [{ code: '371500', name: '聊城市', stations: [
    gcjStation('a', offset(USER, 200, 0)), gcjStation('b', offset(USER, 202, 1)),
    gcjStation('c', offset(USER, 201, -1), { hours: 'Mo-Su 00:00-00:01' }),
    gcjStation('here', offset(USER, 1, 1)),
  ] }] }));
  const { context, page } = await openPage(browser);
  await page.goto(`${server.url}/stations?feed=/crowd/manifest.json&near=${USER.lat},${USER.lng}`);
  await waitForCount(page, 4);
  await page.getByRole('button', { name: '地图' }).click();
  const map = page.locator('svg.station-map');
  await map.waitFor();
  await map.evaluate((e) => e.scrollIntoView({ block: 'center' }));
  const legend = await page.locator('[data-testid=map-legend]').innerText();
  for (const words of ['现在开门', '关门或时间未知', '所选位置']) assert.ok(legend.includes(words), `${words} in ${legend}`);
  const circles = async () => page.locator('svg.station-map [data-marker-id] circle.dot').evaluateAll((cs) =>
    cs.map((c) => { const r = c.getBoundingClientRect(); return { x: r.x + r.width / 2, y: r.y + r.height / 2, r: r.width / 2 }; }));
  const apart = (cs) => cs.every((a, i) => cs.slice(i + 1).every((b) => Math.hypot(a.x - b.x, a.y - b.y) >= a.r + b.r));
  assert.ok(apart(await circles()), 'no marker covers another');
  // Nor the sorting point: before, marker 1 sat on the blue dot in a dense city.
  const you = await page.locator('svg.station-map .you circle').evaluate((c) => {
    const r = c.getBoundingClientRect(); return { x: r.x + r.width / 2, y: r.y + r.height / 2, r: r.width / 2 };
  });
  for (const c of await circles()) assert.ok(Math.hypot(c.x - you.x, c.y - you.y) >= c.r + you.r, 'no marker covers the sorting point');
  // Drag the markers onto the scale bar's corner: the scale stays drawn over them.
  const scale = await page.locator('svg.station-map .scale').boundingBox();
  const [first] = await circles();
  await page.mouse.move(first.x - 40, first.y - 40);
  await page.mouse.down();
  await page.mouse.move(scale.x + scale.width / 2 - 40, scale.y + scale.height / 2 - 40, { steps: 8 });
  await page.mouse.up();
  await page.mouse.move(first.x - 40, first.y - 40);
  const moved = await circles();
  const corner = { x: scale.x + 4, y: scale.y + scale.height / 2 };
  assert.ok(moved.some((c) => Math.hypot(c.x - scale.x - scale.width / 2, c.y - scale.y - scale.height / 2) < 70), 'a marker now lies under the scale');
  const onTop = await page.evaluate(({ x, y }) => !!document.elementFromPoint(x, y)?.closest('.scale, .north'), corner);
  assert.ok(onTop, 'the scale is drawn over the markers');
  await screenshot(page, 'stations-map-legend');
  await context.close();
});
