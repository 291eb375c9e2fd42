// Accessibility: axe-core on every screen, in both languages and both modes (standard,
// large text), with no serious or critical violations; targets (44 px at least) and text sizes checked.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { serveDist, launchBrowser, openPage, appReady, screenshot, ROOT } from './support.mjs';

let server, browser;
before(async () => { server = await serveDist(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await server?.close(); });

const AXE_SOURCE = fs.readFileSync(path.join(ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
const NEAR = 'near=36.457,115.985';

async function axe(page, label, highContrast) {
  // Evaluated through the DevTools protocol: the page keeps its real Content Security
  // Policy, which would (rightly) refuse an injected <script>.
  await page.evaluate(AXE_SOURCE);
  const result = await page.evaluate((highContrast) => window.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa', 'wcag22aa'] },
    // In high-contrast (large) mode, text must reach 7:1 (WCAG AAA 1.4.6).
    rules: highContrast ? { 'color-contrast-enhanced': { enabled: true } } : {} }), highContrast);
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(bad.map((v) => `${label}: ${v.id} (${v.impact}) ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`), []);
}

for (const lang of ['zh', 'en']) {
  for (const large of [0, 1]) {
    test(`axe finds no serious or critical violations (${lang}, ${large ? 'large text' : 'standard'})`, async () => {
      const { context, page } = await openPage(browser);
      await page.goto(`${server.url}/stations?lang=${lang}&large=${large}`);
      await appReady(page);
      // Run axe on each screen as a user reaches it.
      const names = await visitAndCheck(page, lang, large);
      assert.equal(names.length, 9);
      await context.close();
    });
  }
}

async function visitAndCheck(page, lang, large) {
  const checked = [];
  const check = async (name) => {
    await axe(page, `${name} ${lang}${large ? ' large' : ''}`, !!large);
    // Gloved hands: every link, button and field is a 44 px target at least (WCAG 2.5.5;
    // the style asks 48). A radio or checkbox counts by the label that holds it.
    const tiny = await page.evaluate(() => [...document.querySelectorAll('main a, main button, main input, main select, main textarea, main summary, nav a, nav button')]
      .filter((e) => e.getClientRects().length && getComputedStyle(e).visibility !== 'hidden')
      .map((e) => (e.matches('input[type=radio], input[type=checkbox]') ? e.closest('label') ?? e : e))
      .filter((e) => { const r = e.getBoundingClientRect(); return r.height < 44 || r.width < 44; })
      .map((e) => { const r = e.getBoundingClientRect(); return `${e.tagName} "${e.textContent.trim().slice(0, 20)}" ${Math.round(r.width)}x${Math.round(r.height)}`; }));
    assert.deepEqual(tiny, [], `${name} ${lang}${large ? ' large' : ''}: targets under 44 px`);
    if (large) {
      // Large mode: no text under 20 px, main controls at least 48 px high.
      const small = await page.evaluate(() => [...document.querySelectorAll('main *, nav *')]
        .filter((e) => e.childNodes.length && [...e.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim()))
        .filter((e) => e.getClientRects().length && parseFloat(getComputedStyle(e).fontSize) < 20)
        .map((e) => `${e.tagName}.${e.className} ${getComputedStyle(e).fontSize}`));
      assert.deepEqual(small.slice(0, 5), [], `${name}: text under 20 px`);
      await screenshot(page, `large-${lang}-${name}`);
    }
    checked.push(name);
  };
  await page.goto(`${server.url}/stations?${NEAR}`);
  await page.locator('li[data-station-id]').first().waitFor({ timeout: 15000 });
  await check('stations');
  await page.locator('.view-switch button').nth(1).click();
  await page.locator('svg.station-map').waitFor();
  await check('map');
  await page.locator('.view-switch button').nth(0).click();
  await page.locator('li[data-station-id] a').first().click();
  await page.locator('[data-nav=amap]').waitFor();
  await check('station-detail');
  await page.goto(`${server.url}/coupons`);
  await page.locator('[data-campaign-id=check-2026] button[data-action=claim]').click();
  await page.locator('.my-coupons a').first().waitFor();
  await check('coupons');
  await page.locator('.my-coupons a').first().click();
  await page.locator('.coupon-page [data-testid=coupon-waiting]').waitFor();
  await check('coupon');
  await page.goto(`${server.url}/join`);
  await page.locator('select[name=union] option').nth(1).waitFor({ state: 'attached' });
  await page.locator('.join-form button[type=submit]').click();
  await check('join-with-errors');
  await page.goto(`${server.url}/me`);
  await page.locator('#card-form').waitFor();
  await check('me');
  await page.locator('a[data-action=open-verify]').click();
  await page.locator('.verify-form input[name=code]').fill('1234-5678');
  await page.locator('.verify-form button[data-action=check]').click();
  await page.locator('[data-testid=verdict]').waitFor();
  // The answer is on screen, whatever the text size; the venue's check has no worker's tabs.
  await page.waitForFunction(() => {
    const r = document.querySelector('[data-testid=verdict] .verdict-word').getBoundingClientRect();
    return r.top >= 0 && r.bottom <= innerHeight && !document.querySelector('nav.bottom-nav');
  });
  await check('verify');
  await page.goto(`${server.url}/nowhere`);
  await appReady(page);
  await check('404');
  return checked;
}

test('read aloud speaks the station in Chinese, where the browser can speak', async () => {
  const { context, page } = await openPage(browser);
  await page.addInitScript(() => {
    window.__spoken = [];
    // A Chinese voice (headless Chromium has none: 朗读 is offered only with one).
    speechSynthesis.getVoices = () => [{ lang: 'zh-CN', name: 'zh', voiceURI: 'zh', localService: true, default: true }];
    speechSynthesis.speak = (u) => window.__spoken.push({ text: u.text, lang: u.lang });
  });
  await page.goto(`${server.url}/stations?${NEAR}`);
  await page.locator('li[data-station-id] a').first().click();
  await page.locator('button[data-action=read-aloud]').click();
  const spoken = await page.evaluate(() => window.__spoken);
  const name = await page.locator('h1').innerText();
  assert.equal(spoken.length, 1);
  assert.equal(spoken[0].lang, 'zh-CN');
  assert.ok(spoken[0].text.startsWith(name), spoken[0].text);
  await context.close();
});

test('without speech synthesis there is no read-aloud button, and nothing breaks', async () => {
  const { context, page } = await openPage(browser);
  await page.addInitScript(() => { delete window.speechSynthesis; delete window.SpeechSynthesisUtterance; });
  await page.goto(`${server.url}/stations?${NEAR}`);
  await page.locator('li[data-station-id] a').first().click();
  await page.locator('[data-nav=amap]').waitFor();
  assert.equal(await page.locator('button[data-action=read-aloud]').count(), 0);
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('the large-text switch on /me is remembered, and text is at least 16 px by default', async () => {
  const { context, page } = await openPage(browser);
  await page.goto(`${server.url}/me`);
  await appReady(page);
  const smallest = await page.evaluate(() => Math.min(...[...document.querySelectorAll('body *')]
    .filter((e) => [...e.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim()) && e.getClientRects().length)
    .map((e) => parseFloat(getComputedStyle(e).fontSize))));
  assert.ok(smallest >= 16, `smallest text ${smallest}px`);
  await page.locator('button[data-action=large-on]').click();
  assert.match(await page.getAttribute('html', 'class'), /large/);
  await page.reload();
  await appReady(page);
  assert.match(await page.getAttribute('html', 'class'), /large/);
  await screenshot(page, 'large-me-switch');
  await context.close();
});
