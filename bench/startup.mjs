// The first-visit benchmark (issue 13's table), for the current build and for a
// minimal Leptos counter built in the same run:
//   scripts/build.sh && node bench/startup.mjs        (RUNS=5 by default)
// Both are served by real nginx with deploy/nginx.conf (precompressed files). For each:
// the critical path's size (gzip and brotli), then in headless Chromium the medians of
// several runs of a first visit (empty cache), a repeat visit in the same tab and a
// return visit in a new tab (same browser profile: HTTP cache, service worker, the
// device's copy of the feed), under a cheap-phone
// profile (CPU slowed ×4, 150 ms round trip, 1.6 Mbit/s down) and not slowed.
// "frame" is the first contentful paint (the boot frame's words); "first row" is when the
// first station row (the counter's button) is in the DOM; "wasm downloaded" is when its
// last byte arrived (the rest of the first row's time is the app's start and the feed);
// "blocking time" is the sum of the long tasks' time past 50 ms before it (Lighthouse's
// TBT, measured instead of simulated). Never part of the tests.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { startNginx, launchBrowser, ROOT, DIST } from '../tests/e2e/support.mjs';

const RUNS = Number(process.env.RUNS ?? 5);
// APP_DIST=path measures another build of the app (an older commit's dist/, after
// `cargo xtask precompress path`); OLD_LOADER=1 if its loader is an inline script.
// SKIP_COUNTER=1 reuses the counter built by an earlier run.
const APP_DIST = process.env.APP_DIST ?? DIST;
const NEAR = '36.457,115.985'; // in the bundled sample feed (Liaocheng)
const COUNTER_DIST = path.join(ROOT, 'target', 'bench', 'counter-dist');
const SLOW = { cpu: 4, latency: 150, down: (1.6 * 1e6) / 8, up: (0.75 * 1e6) / 8 };

const median = (xs) => { const s = xs.filter(Number.isFinite).sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const kib = (n) => `${(n / 1024).toFixed(0)} KiB`;
const secs = (ms) => `${(ms / 1000).toFixed(2)} s`;

/** The critical path of a build: the page served at the route (the app's stations.html,
 * the counter's index.html) and every file it loads at once. */
function criticalPath(dist) {
  const page = fs.existsSync(path.join(dist, 'stations.html')) ? 'stations.html' : 'index.html';
  const html = fs.readFileSync(path.join(dist, page), 'utf8');
  const named = [...html.matchAll(/<(?:script[^>]*\bsrc|link[^>]*rel="(?:stylesheet|modulepreload|preload)"[^>]*\bhref)="\/([^"]+)"/g)].map((m) => m[1]);
  let gz = 0, br = 0;
  // The feed's preloaded manifest is data, not the app: left out, as `cargo xtask size` does.
  for (const f of [page, ...new Set(named.filter((n) => !n.startsWith('feed/')))]) {
    gz += fs.statSync(path.join(dist, `${f}.gz`)).size;
    br += fs.statSync(path.join(dist, `${f}.br`)).size;
  }
  return { gz, br };
}

function buildCounter() {
  console.log('building the Leptos counter (bench/counter)...');
  // With the app's release options (scripts/release-env.sh), so the two compare fairly.
  execFileSync('bash', ['-c', `source ${path.join(ROOT, 'scripts', 'env.sh')} && source ${path.join(ROOT, 'scripts', 'release-env.sh')} && trunk build --release`], {
    cwd: path.join(ROOT, 'bench', 'counter'),
    env: { ...process.env, CARGO_TARGET_DIR: path.join(ROOT, 'target', 'bench', 'counter-target') },
    // Trunk logs on stdout: to stderr, so a failed build says why and the table stays clean.
    stdio: ['ignore', process.stderr, 'inherit'],
  });
  execFileSync('cargo', ['xtask', 'precompress', COUNTER_DIST], { cwd: ROOT, stdio: 'ignore' });
}

/** One visit; returns { frame, ready } in ms from navigation start. */
async function visit(page, url, selector) {
  await page.goto(url, { waitUntil: 'commit' });
  await page.locator(selector).first().waitFor({ state: 'attached', timeout: 120000 });
  return page.evaluate(async (sel) => {
    // The selector can match before the first paint (the counter's button does): wait
    // for the paint entry rather than read none.
    const paint = await new Promise((resolve) => {
      const found = () => performance.getEntriesByName('first-contentful-paint')[0];
      if (found()) return resolve(found());
      new PerformanceObserver(() => found() && resolve(found())).observe({ type: 'paint' });
      setTimeout(() => resolve(found()), 10000);
    });
    const ready = window.__ready ?? performance.now();
    // Total blocking time up to the first row: each long task's time past 50 ms.
    const blocking = (window.__long ?? []).filter((t) => t.start < ready)
      .reduce((sum, t) => sum + Math.max(0, t.duration - 50), 0);
    // When the wasm had arrived: what is left of the first row's time is the app's own.
    const wasm = performance.getEntriesByType('resource').find((e) => e.name.endsWith('_bg.wasm'));
    // Which app answered (its wasm's name: stations, yizhan the whole app, counter).
    const app = wasm ? new URL(wasm.name).pathname.slice(1).split(/[-_]/)[0] : '?';
    return { frame: paint ? paint.startTime : NaN, ready, blocking, wasm: wasm ? wasm.responseEnd : NaN, app };
  }, selector);
}

/** A page of `context` that records when the selector first matches and the long
 * tasks, under the cheap-phone profile when `slow`. */
async function openPage(context, selector, slow) {
  const page = await context.newPage();
  // The moment the selector first matches, recorded in the page itself.
  await page.addInitScript((sel) => {
    window.__long = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__long.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
    new MutationObserver((_, obs) => {
      if (document.querySelector(sel)) { window.__ready = performance.now(); obs.disconnect(); }
    }).observe(document, { childList: true, subtree: true });
  }, selector);
  const cdp = await context.newCDPSession(page);
  if (slow) {
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: SLOW.cpu });
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: SLOW.latency,
      downloadThroughput: SLOW.down, uploadThroughput: SLOW.up });
  }
  return page;
}

async function measure(browser, baseUrl, route, selector, slow) {
  const first = [], firstFrame = [], firstBlocking = [], firstWasm = [], repeat = [];
  const newTab = [], newTabBlocking = [], newTabApp = new Set();
  for (let run = 0; run < RUNS; run++) {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN' });
    const page = await openPage(context, selector, slow);
    const a = await visit(page, baseUrl + route, selector);
    first.push(a.ready);
    firstFrame.push(a.frame);
    firstBlocking.push(a.blocking);
    firstWasm.push(a.wasm);
    // Let the service worker install and the feed copy settle, as between two real visits.
    await page.waitForTimeout(slow ? 4000 : 1500);
    const b = await visit(page, baseUrl + route, selector);
    repeat.push(b.ready);
    // The return visit as a worker makes it: the tab was closed, the app opened again
    // in a new one (the same browser's cache, service worker and storage; none of the
    // old tab's memory).
    await page.waitForTimeout(slow ? 2000 : 500);
    await page.close();
    const tab = await openPage(context, selector, slow);
    const c = await visit(tab, baseUrl + route, selector);
    newTab.push(c.ready);
    newTabBlocking.push(c.blocking);
    newTabApp.add(c.app);
    await context.close();
  }
  return { first: median(first), frame: median(firstFrame), blocking: median(firstBlocking),
    wasm: median(firstWasm), repeat: median(repeat), newTab: median(newTab),
    newTabBlocking: median(newTabBlocking), newTabApp: [...newTabApp].join(' / ') };
}

if (!fs.existsSync(path.join(APP_DIST, 'index.html'))) throw new Error('run `scripts/build.sh` first');
if (!process.env.SKIP_COUNTER || !fs.existsSync(path.join(COUNTER_DIST, 'index.html'))) buildCounter();

const browser = await launchBrowser();
const rows = [];
for (const [name, dist, route, selector] of [
  ['yizhan', APP_DIST, `/stations?near=${NEAR}`, 'li[data-station-id]'],
  ['leptos counter', COUNTER_DIST, '/', 'button'],
]) {
  // The counter keeps Trunk's inline loader (as did the app before issue 13): the
  // policy header, which admits no inline script, would stop it.
  const inlineLoader = dist === COUNTER_DIST || !!process.env.OLD_LOADER;
  const server = await startNginx(dist, { withoutCsp: inlineLoader });
  const size = criticalPath(dist);
  const slow = await measure(browser, server.url, route, selector, true);
  const fast = await measure(browser, server.url, route, selector, false);
  rows.push({ name, size, slow, fast });
  await server.stop();
}
await browser.close();

console.log(`\nmedians of ${RUNS} runs; slowed = CPU ×${SLOW.cpu}, ${SLOW.latency} ms latency, 1.6 Mbit/s down\n`);
console.log('| | ' + rows.map((r) => r.name).join(' | ') + ' |');
console.log('|---|' + rows.map(() => '---|').join(''));
const line = (label, f) => console.log(`| ${label} | ${rows.map(f).join(' | ')} |`);
line('critical path (html + js + wasm + css)', (r) => `${kib(r.size.gz)} gzip, ${kib(r.size.br)} brotli`);
line('first visit → first contentful paint (slowed)', (r) => secs(r.slow.frame));
line('first visit → wasm downloaded (slowed)', (r) => secs(r.slow.wasm));
line('first visit → first row (slowed)', (r) => secs(r.slow.first));
line('first visit → blocking time before the first row (slowed)', (r) => `${Math.round(r.slow.blocking)} ms`);
line('repeat visit, same tab → first row (slowed)', (r) => secs(r.slow.repeat));
line('return visit, new tab → first row (slowed)', (r) => `${secs(r.slow.newTab)} (${r.slow.newTabApp})`);
line('return visit, new tab → blocking time before the first row (slowed)', (r) => `${Math.round(r.slow.newTabBlocking)} ms`);
line('first visit → first row (not slowed)', (r) => secs(r.fast.first));
line('repeat visit, same tab → first row (not slowed)', (r) => secs(r.fast.repeat));
line('return visit, new tab → first row (not slowed)', (r) => secs(r.fast.newTab));
