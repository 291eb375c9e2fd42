// Shared end-to-end plumbing: the release build in dist/ served by real nginx with the
// project's own deploy/nginx.conf, and Debian's headless Chromium.
//
// Tests also need answers no static host gives (hostile feeds, a test intake that
// fails on purpose). For those, a small Node server sits in front: it answers the
// paths a test registered in `routes` and passes every other request to nginx
// untouched (status, headers and body as nginx sent them). `nginxUrl` is nginx itself,
// with nothing in front, for the specs on what the server sends.
import http from 'node:http';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { chromium } from 'playwright-core';

export const ROOT = path.resolve(import.meta.dirname, '..', '..');
export const DIST = path.join(ROOT, 'dist');
export const SHOTS = path.join(ROOT, 'test-results', 'screenshots');
const NGINX = process.env.NGINX ?? '/usr/sbin/nginx';
// Debian's libnginx-mod-http-brotli-static (scripts/setup.sh installs it).
const BROTLI = '/usr/lib/nginx/modules/ngx_http_brotli_static_module.so';

async function freePort() {
  const probe = net.createServer();
  await new Promise((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/**
 * Starts nginx on 127.0.0.1 with deploy/nginx.conf, only `listen` and `root` replaced.
 * `withoutCsp` drops the policy header, only for benchmarking old builds whose loader
 * was an inline script. Returns `{ url, stop }`.
 */
export async function startNginx(root = DIST, { withoutCsp = false } = {}) {
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yizhan-nginx-'));
  const site = fs.readFileSync(path.join(ROOT, 'deploy', 'nginx.conf'), 'utf8');
  const configured = withoutCsp ? site.replace(/^\s*add_header Content-Security-Policy .*$/m, '') : site;
  const ours = configured
    .replace(/^\s*listen \[::\]:80;\n/m, '')
    .replace(/^(\s*)listen 80;/m, `$1listen 127.0.0.1:${port};`)
    .replace(/^(\s*)root \/srv\/yizhan;/m, `$1root ${root};`);
  if (ours === configured || !ours.includes(`root ${root};`)) throw new Error('deploy/nginx.conf: listen/root lines not found');
  fs.writeFileSync(path.join(dir, 'nginx.conf'), `
daemon off;
master_process on;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
${fs.existsSync(BROTLI) ? `load_module ${BROTLI};` : ''}
events { worker_connections 512; }
http {
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  access_log off;
  sendfile on;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
${ours}
}
`);
  const child = spawn(NGINX, ['-p', dir, '-c', path.join(dir, 'nginx.conf')], { stdio: ['ignore', 'inherit', 'inherit'] });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`nginx exited (${child.exitCode}); see ${dir}/error.log: ${fs.existsSync(path.join(dir, 'error.log')) ? fs.readFileSync(path.join(dir, 'error.log'), 'utf8') : ''}`);
    const up = await new Promise((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => { socket.end(); resolve(true); });
      socket.on('error', () => resolve(false));
    });
    if (up) break;
    if (i > 100) throw new Error('nginx did not start listening');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    url,
    stop: () => new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.on('exit', () => { fs.rmSync(dir, { recursive: true, force: true }); resolve(); });
      child.kill('SIGQUIT');
    }),
  };
}

/**
 * Serves `dist/` through nginx, with the test's own `routes` in front: a map from a URL
 * path to a handler `(req, res) => void` (hostile feeds, a test intake...).
 * Returns `{ url, nginxUrl, routes, close }`.
 */
export async function serveDist({ routes = new Map() } = {}) {
  if (!fs.existsSync(path.join(DIST, 'index.html'))) {
    throw new Error('dist/index.html is missing: run `scripts/build.sh` first');
  }
  const nginx = await startNginx();
  const upstream = new URL(nginx.url);
  const agent = new http.Agent({ keepAlive: true });
  const server = http.createServer((req, res) => {
    const handler = routes.get(new URL(req.url, 'http://127.0.0.1').pathname);
    if (handler) return handler(req, res);
    const forward = http.request({ host: upstream.hostname, port: upstream.port, method: req.method,
      path: req.url, headers: req.headers, agent }, (answer) => {
      res.writeHead(answer.statusCode, answer.rawHeaders);
      answer.pipe(res);
    });
    forward.on('error', (e) => { res.writeHead(502); res.end(String(e)); });
    req.pipe(forward);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    nginxUrl: nginx.url,
    routes,
    close: async () => {
      await new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); });
      agent.destroy();
      await nginx.stop();
    },
  };
}

/** Launches Debian's Chromium headless with the flags this closed network needs. */
export async function launchBrowser({ args = [] } = {}) {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--disable-dev-shm-usage', ...args, ...(process.env.CHROMIUM_EXTRA_ARGS ?? '').split(' ').filter(Boolean)],
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

/**
 * Waits until the app has mounted: its header is on screen and the page is drawn
 * inside <main> (one turn of the event loop after the frame around it). (The header,
 * not the bottom tabs: the venue's check has none.)
 */
export async function appReady(page) {
  await page.locator('header.app-header:not(#boot > header)').waitFor({ state: 'visible', timeout: 15000 });
  await page.locator('#main > *').first().waitFor({ state: 'attached', timeout: 15000 });
}

/**
 * Saves a full-page screenshot into test-results/screenshots/NAME.png. What lies below
 * the screen is drawn as scrolling would draw it: the app skips laying out far rows
 * (content-visibility), which a full-page capture would otherwise show as empty boxes.
 */
export async function screenshot(page, name) {
  fs.mkdirSync(SHOTS, { recursive: true });
  // (Through the CSSOM: the page's policy refuses an injected style sheet.)
  const drawAll = (on) => page.evaluate((on) => {
    for (const el of document.querySelectorAll('body *')) {
      if (on && getComputedStyle(el).contentVisibility === 'auto') el.style.contentVisibility = 'visible';
      else if (!on) el.style.removeProperty('content-visibility');
    }
    return new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
  }, on);
  await drawAll(true);
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
  await drawAll(false);
}
