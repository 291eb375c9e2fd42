// Shared end-to-end plumbing: a static server for the release build in dist/ (with the
// SPA fallback any static host is configured with) and Debian's headless Chromium.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

export const ROOT = path.resolve(import.meta.dirname, '..', '..');
export const DIST = path.join(ROOT, 'dist');
export const SHOTS = path.join(ROOT, 'test-results', 'screenshots');

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript',
  '.wasm': 'application/wasm', '.css': 'text/css', '.json': 'application/json',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.webmanifest': 'application/manifest+json',
  '.sig': 'text/plain', '.txt': 'text/plain',
};

/**
 * Serves `dist/` on 127.0.0.1 at a free port. `routes` maps a URL path to a handler
 * `(req, res) => void` that takes precedence (hostile feeds, a test intake...).
 * Returns `{ url, routes, close }`.
 */
export async function serveDist({ routes = new Map() } = {}) {
  if (!fs.existsSync(path.join(DIST, 'index.html'))) {
    throw new Error('dist/index.html is missing: run `trunk build --release` first');
  }
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    const handler = routes.get(url.pathname);
    if (handler) return handler(req, res);
    let file = path.normalize(path.join(DIST, decodeURIComponent(url.pathname)));
    if (!file.startsWith(DIST)) { res.writeHead(403); return res.end(); }
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
    if (!fs.existsSync(file)) {
      // SPA fallback: an app route (no file extension) gets index.html; a missing file 404s.
      if (path.extname(url.pathname)) { res.writeHead(404); return res.end('not found'); }
      file = path.join(DIST, 'index.html');
    }
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    routes,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); }),
  };
}

/** Launches Debian's Chromium headless with the flags this closed network needs. */
export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--disable-dev-shm-usage', ...(process.env.CHROMIUM_EXTRA_ARGS ?? '').split(' ').filter(Boolean)],
  });
}

export const PHONE = { width: 390, height: 844 };
export const KIOSK = { width: 1080, height: 1920 };

/**
 * A new context and page. Every uncaught page error and console error is collected in
 * `page.errors`, so a test can assert the app ran cleanly.
 */
export async function openPage(browser, { viewport = PHONE, ...options } = {}) {
  const context = await browser.newContext({ viewport, locale: 'zh-CN', ...options });
  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') page.errors.push(`console: ${m.text()}`); });
  return { context, page };
}

/** Waits until the app has mounted (its bottom navigation is on screen). */
export async function appReady(page) {
  await page.locator('nav.bottom-nav').waitFor({ state: 'visible', timeout: 15000 });
}

/** Saves a full-page screenshot into test-results/screenshots/NAME.png. */
export async function screenshot(page, name) {
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}
