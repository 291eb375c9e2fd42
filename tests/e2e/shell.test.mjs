// The app shell: routes, navigation, language, 404, at phone and kiosk sizes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serveDist, launchBrowser, openPage, appReady, screenshot, KIOSK } from './support.mjs';

let server, browser;
before(async () => { server = await serveDist(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await server?.close(); });

const TABS = [
  { href: '/stations', zh: '爱心驿站', en: 'Stations' },
  { href: '/coupons', zh: '福利券', en: 'Coupons' },
  { href: '/join', zh: '入会', en: 'Join' },
  { href: '/me', zh: '我的', en: 'Me' },
];

test('loads in Chinese with no page errors, / goes to stations', async () => {
  const { context, page } = await openPage(browser);
  await page.goto(server.url + '/');
  await appReady(page);
  assert.equal(new URL(page.url()).pathname, '/stations');
  assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
  assert.equal(await page.locator('h1').innerText(), '附近的爱心驿站');
  const links = page.locator('nav.bottom-nav a');
  assert.equal(await links.count(), 4);
  for (const [i, tab] of TABS.entries()) {
    assert.equal(await links.nth(i).getAttribute('href'), tab.href);
    assert.equal((await links.nth(i).innerText()).trim(), tab.zh);
  }
  await screenshot(page, 'shell-stations-zh-phone');
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('each tab renders from the navigation and is marked current', async () => {
  const { context, page } = await openPage(browser);
  await page.goto(server.url + '/stations');
  await appReady(page);
  for (const tab of TABS) {
    await page.locator(`nav.bottom-nav a[href="${tab.href}"]`).click();
    await page.waitForURL(server.url + tab.href);
    await page.locator('h1').first().waitFor();
    assert.equal(
      await page.locator(`nav.bottom-nav a[href="${tab.href}"]`).getAttribute('aria-current'),
      'page',
    );
    assert.ok((await page.locator('h1').innerText()).length > 0);
    await screenshot(page, `shell-tab${tab.href.replace('/', '-')}-phone`);
  }
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('a deep link survives a reload', async () => {
  const { context, page } = await openPage(browser);
  for (const tab of TABS) {
    await page.goto(server.url + tab.href);
    await appReady(page);
    await page.reload();
    await appReady(page);
    assert.equal(new URL(page.url()).pathname, tab.href);
    assert.equal(
      await page.locator(`nav.bottom-nav a[href="${tab.href}"]`).getAttribute('aria-current'),
      'page',
    );
  }
  await screenshot(page, 'shell-deep-link-reloaded');
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('an unknown route shows a friendly 404 with a way back', async () => {
  const { context, page } = await openPage(browser);
  await page.goto(server.url + '/no/such/page');
  await appReady(page);
  assert.equal(await page.locator('h1').innerText(), '没有找到这个页面');
  await screenshot(page, 'shell-404-phone');
  await page.getByRole('link', { name: '回到爱心驿站列表' }).click();
  await page.waitForURL(server.url + '/stations');
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('links move between pages without a page load; Back, Forward, / with a poster\'s point, the skip link', async () => {
  const { context, page } = await openPage(browser);
  // `/` from a poster: shown as the stations, keeping the link's point.
  await page.goto(server.url + '/?near=36.457,115.985');
  await page.waitForURL(server.url + '/stations?near=36.457,115.985');
  await page.locator('li[data-station-id]').first().waitFor({ timeout: 15000 });
  assert.match(await page.locator('main').innerText(), /链接里的位置/);
  await page.evaluate(() => { window.__samePage = true; });
  const samePage = () => page.evaluate(() => window.__samePage === true);
  // A station's link: its page, from the top, in the same document.
  await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
  const link = page.locator('li[data-station-id] a.station-link').last();
  const href = await link.getAttribute('href');
  await link.click();
  await page.locator('section.station-detail h1').waitFor({ timeout: 15000 });
  assert.equal(new URL(page.url()).pathname, href);
  assert.equal(await page.evaluate(() => window.scrollY), 0, 'the new page starts at its top');
  assert.ok(await samePage(), 'no page load');
  // Back to the list and Forward to the station, still without a page load.
  await page.goBack();
  await page.locator('li[data-station-id]').first().waitFor({ timeout: 15000 });
  assert.equal(page.url(), server.url + '/stations?near=36.457,115.985');
  await page.goForward();
  await page.locator('section.station-detail h1').waitFor({ timeout: 15000 });
  assert.ok(await samePage(), 'no page load');
  // A link opened in a new tab (Ctrl) is left to the browser: this tab stays.
  const [tab] = await Promise.all([
    context.waitForEvent('page'),
    page.locator('nav.bottom-nav a[href="/me"]').click({ modifiers: ['Control'] }),
  ]);
  await tab.waitForURL(server.url + '/me');
  assert.equal(new URL(page.url()).pathname, href);
  // The skip link moves the focus to the page's content (the browser's own #hash).
  await page.locator('a.skip-link').focus();
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.activeElement?.id === 'main');
  assert.equal(new URL(page.url()).pathname, href);
  assert.ok(await samePage(), 'no page load');
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('?lang=en switches to English and the choice survives reloads', async () => {
  const { context, page } = await openPage(browser);
  await page.goto(server.url + '/coupons?lang=en');
  await appReady(page);
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  assert.equal((await page.locator('nav.bottom-nav a[href="/me"]').innerText()).trim(), 'Me');
  await page.goto(server.url + '/stations');
  await appReady(page);
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  assert.equal(await page.locator('h1').innerText(), 'Nearby stations');
  await screenshot(page, 'shell-stations-en-phone');
  await page.goto(server.url + '/stations?lang=zh');
  await appReady(page);
  assert.equal(await page.locator('h1').innerText(), '附近的爱心驿站');
  await page.reload();
  await appReady(page);
  assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('the language switch on /me is remembered across reloads', async () => {
  const { context, page } = await openPage(browser);
  await page.goto(server.url + '/me');
  await appReady(page);
  await page.getByRole('button', { name: 'English' }).click();
  assert.equal(await page.locator('h1').innerText(), 'Me');
  assert.equal(await page.getByRole('button', { name: 'English' }).getAttribute('aria-pressed'), 'true');
  await page.reload();
  await appReady(page);
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  await page.getByRole('button', { name: '中文' }).click();
  assert.equal(await page.locator('h1').innerText(), '我的');
  await page.reload();
  await appReady(page);
  assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
  await screenshot(page, 'shell-me-language');
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('damaged stored settings are reported, set aside, and the app still starts', async () => {
  const { context, page } = await openPage(browser);
  await page.goto(server.url + '/me');
  await appReady(page);
  await page.evaluate(() => localStorage.setItem('yizhan.prefs.v1', '{broken'));
  await page.reload();
  await appReady(page);
  assert.match(await page.getByRole('alert').innerText(), /损坏/);
  assert.equal(await page.evaluate(() => localStorage.getItem('yizhan.prefs.v1.corrupt')), '{broken');
  assert.equal(await page.locator('h1').innerText(), '我的');
  await screenshot(page, 'shell-damaged-settings');
  await context.close();
});

test('the four-tab navigation fits a 1080×1920 kiosk and a 360 px phone', async () => {
  for (const [name, viewport] of [['kiosk', KIOSK], ['narrow', { width: 360, height: 740 }]]) {
    const { context, page } = await openPage(browser, { viewport });
    await page.goto(server.url + '/stations');
    await appReady(page);
    const boxes = await page.locator('nav.bottom-nav a').evaluateAll((as) =>
      as.map((a) => a.getBoundingClientRect().toJSON()));
    for (const b of boxes) {
      assert.ok(b.width >= 48 && b.height >= 48, `tab is ${b.width}x${b.height}`);
      assert.ok(b.right <= viewport.width + 0.5, 'tab overflows the screen');
    }
    const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(scrollWidth <= viewport.width, `page is ${scrollWidth}px wide`);
    await screenshot(page, `shell-stations-zh-${name}`);
    await context.close();
  }
});

test('a content security policy lets the app run and blocks injected scripts', async () => {
  const { context, page } = await openPage(browser);
  const violations = [];
  page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) violations.push(m.text()); });
  await page.goto(server.url + '/stations');
  await appReady(page);
  const policy = await page.locator('meta[http-equiv=Content-Security-Policy]').getAttribute('content');
  // No inline script is left (the loader is a file), so no per-build hash either.
  assert.match(policy, /script-src 'self' 'wasm-unsafe-eval';/);
  assert.match(policy, /object-src 'none'/);
  // What a hostile feed's text would try if it ever reached the DOM as markup.
  const blocked = await page.evaluate(() => new Promise((resolve) => {
    document.addEventListener('securitypolicyviolation', (e) => resolve(e.violatedDirective), { once: true });
    const s = document.createElement('script');
    s.textContent = 'window.__injected = true';
    document.head.append(s);
    setTimeout(() => resolve(window.__injected ? 'ran' : 'no event'), 2000);
  }));
  assert.match(blocked, /^script-src/);
  assert.equal(await page.evaluate(() => window.__injected), undefined);
  // The app itself caused no violation on the way.
  assert.equal(violations.filter((v) => !/__injected|inline script/i.test(v)).length, 0, violations.join('\n'));
  await context.close();
});

// A real abort inside the app's wasm: asking its allocator for more than a wasm32
// address space can hold aborts (the release build has no panic message, only the trap).
async function abortTheApp(page) {
  await page.evaluate(() => setTimeout(() => window.__yizhanWasm.__wbindgen_malloc(0xfffffff0, 1)));
}

test('if the app aborts, the page says so in its language, keeps stored data and reopens', async () => {
  const { context, page } = await openPage(browser);
  // The loader announces the started wasm; keep its exports to reach the allocator.
  await page.addInitScript(() => addEventListener('TrunkApplicationStarted', (e) => { window.__yizhanWasm = e.detail.wasm; }));
  await page.goto(server.url + '/stations');
  await appReady(page);
  // What the device holds once the first sync has stored the feed.
  await page.waitForFunction(() => localStorage.getItem('yizhan.feed.v1'));
  const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }));
  await abortTheApp(page);
  const crash = page.locator('[data-testid=crash]');
  await crash.waitFor({ state: 'visible', timeout: 5000 });
  assert.equal(await crash.getAttribute('role'), 'alert');
  assert.equal(await crash.locator('h1').innerText(), '出错了');
  assert.match(await crash.innerText(), /本机已保存的数据都还在/);
  assert.equal(await page.locator('nav.bottom-nav').count(), 0, 'the stopped app is no longer on screen');
  assert.equal(await page.evaluate(() => JSON.stringify({ ...localStorage })), stored);
  assert.ok(page.errors.some((e) => /RuntimeError/.test(e)), page.errors.join('\n'));
  await screenshot(page, 'crash-zh-phone');
  // The button reopens the app where it was.
  await crash.getByRole('button', { name: '重新打开驿站' }).click();
  await appReady(page);
  assert.equal(new URL(page.url()).pathname, '/stations');

  // In English when the user chose English.
  await page.goto(server.url + '/me?lang=en');
  await appReady(page);
  await abortTheApp(page);
  await crash.waitFor({ state: 'visible', timeout: 5000 });
  assert.equal(await crash.locator('h1').innerText(), 'Something went wrong');
  assert.equal(await crash.getByRole('button').innerText(), 'Open Yizhan again');
  assert.match(await crash.innerText(), /saved on this phone is kept/);

  // On a kiosk (a shared device) there is nothing personal kept to speak of.
  await page.setViewportSize(KIOSK);
  await page.goto(server.url + '/stations?kiosk=1&lang=zh');
  await appReady(page);
  await abortTheApp(page);
  await crash.waitFor({ state: 'visible', timeout: 5000 });
  assert.match(await crash.innerText(), /这台公用设备不保存个人信息/);
  assert.doesNotMatch(await crash.innerText(), /本机已保存/);
  await screenshot(page, 'crash-zh-kiosk');
  await context.close();
});
