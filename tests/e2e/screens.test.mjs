// Screens as a worker first sees them (issue 34): a station's way there on the first
// screen of a phone, map markers a gloved finger can hit with the map's own buttons
// clear of the bottom bar, and 朗读 only where the phone has a voice to read with,
// saying what the screen says.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serveDist, launchBrowser, openPage, appReady, screenshot, PHONE, KIOSK } from './support.mjs';
import { makeFeed, publish, gcjStation, offset } from './feeds.mjs';

let server, browser;
const USER = { lat: 36.457, lng: 115.985 };
const NEAR = `near=${USER.lat},${USER.lng}`;
const STATION = gcjStation('r1', offset(USER, 300, 0), { name: '新华路户外劳动者服务站',
  hours: 'Mo-Su 07:00-19:00', services: ['water', 'microwave', 'charging'] });

before(async () => {
  server = await serveDist();
  browser = await launchBrowser();
  publish(server, 'r', makeFeed({ sequence: 1, regions: [{ code: '371500', name: '聊城市', stations: [STATION] }] }));
});
after(async () => { await browser?.close(); await server?.close(); });

/**
 * Stands in for the browser's speech: `voices` are the languages it offers (none by
 * default, as in headless Chromium), given at once or, with `late`, only when the page
 * calls `window.__voicesArrive()` (as Chromium fills the list after the page starts).
 * What is spoken lands in `window.__spoken`.
 */
async function stubSpeech(page, voices, { late = false } = {}) {
  await page.addInitScript(({ voices, late }) => {
    const made = () => voices.map((lang) => ({ lang, name: lang, voiceURI: lang, localService: true, default: false }));
    let list = late ? [] : made();
    window.__spoken = [];
    speechSynthesis.getVoices = () => list;
    speechSynthesis.speak = (u) => window.__spoken.push({ text: u.text, lang: u.lang });
    window.__voicesArrive = () => { list = made(); speechSynthesis.dispatchEvent(new Event('voiceschanged')); };
  }, { voices, late });
}

async function openStation(page, query = '') {
  await page.goto(`${server.url}/stations?feed=/r/manifest.json&${NEAR}${query}`);
  await page.locator('li[data-station-id=r1] a').click();
  await page.locator('h1[data-station-id=r1]').waitFor();
}

test('on a phone the ways there are on the first screen of a station, and 朗读 is not at its top', async () => {
  const { context, page } = await openPage(browser, { viewport: PHONE });
  await stubSpeech(page, ['zh-CN']);
  await openStation(page);
  await page.locator('button[data-action=read-aloud]').waitFor();
  const { nav, read, bar } = await page.evaluate(() => {
    const box = (e) => { const r = e.getBoundingClientRect(); return { top: r.top, bottom: r.bottom }; };
    return {
      nav: [...document.querySelectorAll('[data-nav]')].map((e) => ({ name: e.dataset.nav, ...box(e) })),
      read: box(document.querySelector('button[data-action=read-aloud]')),
      bar: box(document.querySelector('nav.bottom-nav')),
    };
  });
  assert.equal(nav.length, 6);
  const below = nav.filter((b) => b.bottom > bar.top || b.top < 0).map((b) => b.name);
  assert.deepEqual(below, [], 'every navigation button above the bottom bar on a first view');
  assert.ok(read.top > Math.max(...nav.map((b) => b.bottom)), 'reading aloud comes after the ways there');
  await screenshot(page, 'station-phone');
  await context.close();
});

for (const [size, viewport] of [['phone', PHONE], ['kiosk', KIOSK]]) {
  test(`map (${size}): markers are 44 px targets, and the zoom buttons and scale are clear of the bottom bar at first view`, async () => {
    const { context, page } = await openPage(browser, { viewport });
    await page.goto(`${server.url}/stations?${NEAR}${size === 'kiosk' ? `&kiosk=1&${NEAR}` : ''}`);
    await page.locator('li[data-station-id]').first().waitFor({ timeout: 15000 });
    await page.locator('.view-switch button').nth(1).click();
    await page.locator('svg.station-map [data-marker-id]').first().waitFor();
    await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
    const found = await page.evaluate(() => {
      const bar = document.querySelector('nav.bottom-nav').getBoundingClientRect();
      const svg = document.querySelector('svg.station-map').getBoundingClientRect();
      const onScreen = (e) => { const r = e.getBoundingClientRect(); return r.top >= 0 && r.bottom <= bar.top && r.left >= 0 && r.right <= innerWidth; };
      const controls = [...document.querySelectorAll('.map-controls button'), document.querySelector('svg .scale')]
        .filter((e) => !onScreen(e)).map((e) => `not clear of the bar: ${e.getAttribute('aria-label') ?? e.getAttribute('class')}`);
      // A marker is a 44 px target when a tap anywhere 22 px left, right, above or
      // below its centre still lands on it (not on the map, not on another marker).
      // Markers cut by the map's edge, or under its compass and scale panels, are left
      // out: the map is panned to reach them.
      const panels = [...document.querySelectorAll('svg .north rect, svg .scale rect, .map-controls')].map((e) => e.getBoundingClientRect());
      const small = [];
      let checked = 0;
      for (const m of document.querySelectorAll('[data-marker-id]')) {
        const dot = m.querySelector('circle:last-of-type').getBoundingClientRect();
        const [x, y] = [dot.left + dot.width / 2, dot.top + dot.height / 2];
        const box = { left: x - 22, right: x + 22, top: y - 22, bottom: y + 22 };
        if (box.left < svg.left || box.right > svg.right || box.top < svg.top || box.bottom > Math.min(svg.bottom, bar.top)) continue;
        if (panels.some((p) => p.left < box.right && p.right > box.left && p.top < box.bottom && p.bottom > box.top)) continue;
        checked += 1;
        const missed = [[0, 0], [-21.5, 0], [21.5, 0], [0, -21.5], [0, 21.5]]
          .filter(([dx, dy]) => document.elementFromPoint(x + dx, y + dy)?.closest('[data-marker-id]') !== m);
        if (missed.length) small.push(`marker ${m.dataset.markerId}: ${Math.round(dot.width)} px drawn, missed at ${JSON.stringify(missed)}`);
      }
      return { controls, small, checked };
    });
    assert.ok(found.checked >= 3, `only ${found.checked} markers checked`);
    assert.deepEqual({ controls: found.controls, small: found.small.slice(0, 4) }, { controls: [], small: [] });
    await screenshot(page, `map-${size}`);
    await context.close();
  });
}

test('朗读 is offered only with a voice for the page\'s language, also when the voices arrive late', async () => {
  for (const [voices, lang, late, offered] of [[[], 'zh', false, false], [['en-US'], 'zh', false, false],
    [['zh-CN'], 'zh', true, true], [['en-GB'], 'en', false, true]]) {
    const { context, page } = await openPage(browser);
    await stubSpeech(page, voices, { late });
    await openStation(page, `&lang=${lang}`);
    await page.locator('[data-nav=amap]').waitFor();
    if (late) {
      assert.equal(await page.locator('button[data-action=read-aloud]').count(), 0, 'no voice yet');
      await page.evaluate(() => window.__voicesArrive());
    }
    if (offered) await page.locator('button[data-action=read-aloud]').waitFor({ timeout: 5000 });
    else await page.waitForTimeout(300);
    assert.equal(await page.locator('button[data-action=read-aloud]').count(), offered ? 1 : 0, `${voices} on a ${lang} page`);
    assert.deepEqual(page.errors, []);
    await context.close();
  }
});

test('朗读 says the station\'s name, distance, whether it is open and its hours, and its services, in words', async () => {
  for (const [lang, to] of [['zh', ' 至 '], ['en', ' – ']]) {
    const { context, page } = await openPage(browser);
    await stubSpeech(page, ['zh-CN', 'en-US']);
    await openStation(page, `&lang=${lang}`);
    await page.locator('button[data-action=read-aloud]').click();
    const [spoken] = await page.evaluate(() => window.__spoken);
    const shown = async (selector) => (await page.locator(selector).innerText()).trim();
    assert.equal(spoken.lang, lang === 'zh' ? 'zh-CN' : 'en');
    for (const part of [await shown('h1'), await shown('[data-testid=distance]'), await shown('.station-detail .open-state'),
      '07:00' + to + '19:00', ...(await page.locator('.facts .services li span:not(.badge)').allInnerTexts())]) {
      assert.ok(spoken.text.includes(part), `"${part}" is not in "${spoken.text}"`);
    }
    await context.close();
  }
});
