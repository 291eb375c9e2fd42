// Words stay whole: on the main pages, on a phone and on a kiosk, in Chinese and
// English, in standard and large text, no line breaks inside a word ("步/行", "我要入/会",
// "Microw/ave", "2026-/11-30", a phone number), nothing is pushed past the screen's
// right edge, and nothing is cut off to get there.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serveDist, launchBrowser, openPage, appReady, screenshot, PHONE, KIOSK } from './support.mjs';

let server, browser;
before(async () => { server = await serveDist(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await server?.close(); });

const NEAR = 'near=36.457,115.985';

/**
 * In the page: every word of every visible text node whose letters lie on more than one
 * line. Words are Intl.Segmenter's (Chromium's ICU splits Chinese into dictionary
 * words); a run of digits with : - – — . / between them (a time, a date, a phone
 * number, 07:00–21:00) counts as one word. Also what overflows: the page wider than the
 * screen, or a text box wider than the box that shows it (text cut off).
 */
function brokenWords() {
  const lang = document.documentElement.lang || 'zh-CN';
  const words = new Intl.Segmenter(lang, { granularity: 'word' });
  const broken = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    const text = node.textContent;
    if (!text.trim() || !el.getClientRects().length || getComputedStyle(el).visibility === 'hidden') continue;
    // SVG text never wraps; a select's options are drawn by the browser; text only
    // for screen readers is clipped to one pixel on purpose.
    if (el.closest('svg, option, .visually-hidden, script, style')) continue;
    const spans = [...text.matchAll(/[0-9][0-9:\-–—./]*[0-9]/g)].map((m) => [m.index, m.index + m[0].length]);
    // Chinese running text (a sentence, with its punctuation) wraps between any two
    // characters, as Chinese is typeset; its Latin words and numbers must still stay
    // whole. Everything else (labels, buttons, names, headings) keeps every word whole.
    const prose = /[，。；！？]|[.;,!?:](\s|$)/.test(text);
    for (const s of words.segment(text)) {
      const [a, b] = [s.index, s.index + s.segment.length];
      if (!s.isWordLike || (prose && !/[A-Za-z]/.test(s.segment))) continue;
      if (!spans.some(([x, y]) => a < y && b > x)) spans.push([a, b]);
    }
    for (const [a, b] of spans) {
      if (b - a < 2) continue;
      const range = document.createRange();
      range.setStart(node, a);
      range.setEnd(node, b);
      // Lines: boxes one below the other (boxes of one line overlap vertically, even
      // where two fonts give them slightly different tops).
      const boxes = [...range.getClientRects()].filter((r) => r.width > 0).sort((p, q) => p.top - q.top);
      let lines = 0;
      let bottom = -Infinity;
      for (const r of boxes) {
        if (r.top >= bottom - 2) lines += 1;
        bottom = Math.max(bottom, r.bottom);
      }
      if (lines > 1) broken.push(`"${text.slice(a, b)}" in "${text.trim().slice(0, 40)}" (${el.tagName.toLowerCase()}.${el.className})`);
    }
  }
  const wide = document.documentElement.scrollWidth > innerWidth
    ? [`page ${document.documentElement.scrollWidth} px wide on a ${innerWidth} px screen`] : [];
  // Text cut off: an element with text of its own whose content is wider than it and
  // whose overflow is hidden (or that sticks out past the screen).
  const cut = [...document.querySelectorAll('main *, nav *, header *')]
    .filter((e) => [...e.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim()) && e.getClientRects().length)
    .filter((e) => !e.closest('svg, .visually-hidden, select'))
    .filter((e) => (e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX !== 'visible')
      || e.getBoundingClientRect().right > innerWidth + 1)
    .map((e) => `cut: ${e.tagName.toLowerCase()}.${e.className} "${e.textContent.trim().slice(0, 30)}"`);
  return [...broken, ...wide, ...cut];
}

/** The main pages, each with what shows it is drawn. */
const PAGES = [
  ['stations', `/stations?${NEAR}`, 'li[data-station-id]'],
  ['station', null, 'h1[data-station-id]'],
  ['map', null, 'svg.station-map'],
  ['coupons', '/coupons', '[data-campaign-id]'],
  ['join', '/join', '.join-form'],
  ['me', '/me', 'main h1'],
  ['verify', '/verify', '.verify-form'],
];

for (const [size, viewport] of [['phone', PHONE], ['kiosk', KIOSK]]) {
  for (const lang of ['zh', 'en']) {
    for (const large of [0, 1]) {
      const label = `${size} ${lang}${large ? ' large' : ''}`;
      test(`no word is broken across lines (${label})`, async () => {
        const { context, page } = await openPage(browser, { viewport });
        const kiosk = size === 'kiosk' ? `&kiosk=1&${NEAR}` : '';
        await page.goto(`${server.url}/stations?${NEAR}&lang=${lang}&large=${large}${kiosk}`);
        await appReady(page);
        const found = [];
        for (const [name, url, ready] of PAGES) {
          if (name === 'station') {
            await page.goto(`${server.url}/stations?${NEAR}`);
            await page.locator('li[data-station-id]').first().waitFor({ timeout: 15000 });
            await page.locator('li[data-station-id] a').first().click();
          } else if (name === 'map') {
            await page.goto(`${server.url}/stations?${NEAR}`);
            await page.locator('li[data-station-id]').first().waitFor({ timeout: 15000 });
            await page.locator('.view-switch button').nth(1).click();
          } else {
            await page.goto(`${server.url}${url}`);
          }
          await page.locator(ready).first().waitFor({ timeout: 15000 });
          await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
          found.push(...(await page.evaluate(brokenWords)).map((b) => `${name}: ${b}`));
          await screenshot(page, `words-${size}-${lang}${large ? '-large' : ''}-${name}`);
        }
        assert.deepEqual(found, [], `${label}: words broken across lines or text cut off`);
        await context.close();
      });
    }
  }
}
