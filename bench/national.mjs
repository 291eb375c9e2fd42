// Benchmark in headless Chromium with the 200,000-station national feed:
//   node bench/national.mjs            (after `scripts/build.sh`)
// Builds the feed with yizhan-feed (into target/bench/), then measures, over several
// fresh runs: syncing the user's city shard over HTTP (fetch + sha256 + parse + index),
// loading it from the device's Cache API on the next start, building its index, the
// nearest-20 query with filters, and memory. Figures come from the app's own User
// Timing measures (`yizhan:*`), read back from the page.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { serveDist, launchBrowser, openPage, ROOT } from '../tests/e2e/support.mjs';

const RUNS = Number(process.env.RUNS ?? 7);
const OUT = path.join(ROOT, 'target', 'bench');
const FEED = path.join(OUT, 'feed');
const USER = { lat: 39.9042, lng: 116.4074, code: '110000' }; // Beijing, the largest city shard

function sh(cmd, args) { execFileSync(cmd, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] }); }
function folderSizes(dir) {
  let raw = 0, gz = 0, largest = { file: '', raw: 0, gz: 0 };
  const walk = (d) => fs.readdirSync(d, { withFileTypes: true }).forEach((e) => {
    const p = path.join(d, e.name);
    if (e.isDirectory()) return walk(p);
    if (e.name.startsWith('.')) return;
    const b = fs.readFileSync(p), g = zlib.gzipSync(b, { level: 9 }).length;
    raw += b.length; gz += g;
    if (b.length > largest.raw) largest = { file: path.relative(dir, p), raw: b.length, gz: g };
  });
  walk(dir);
  return { raw, gz, largest };
}
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const mb = (n) => `${(n / 1048576).toFixed(2)} MB`;

if (!fs.existsSync(path.join(FEED, 'manifest.json'))) {
  fs.mkdirSync(OUT, { recursive: true });
  console.log('building the national feed (200,000 stations)...');
  sh('cargo', ['run', '--quiet', '--release', '-p', 'yizhan-feed', '--', 'generate', '--stations', '200000', '--seed', '1', '--out', path.join(OUT, 'national.csv')]);
  sh('cargo', ['run', '--quiet', '--release', '-p', 'yizhan-feed', '--', 'build', '--stations', path.join(OUT, 'national.csv'), '--datum', 'gcj02', '--sequence', '1', '--out', FEED,
    // Signed with the SAMPLE key, which a build without YIZHAN_PUBLISHER_KEYS trusts:
    // the app refuses an unsigned manifest.
    '--sign-key', path.join(ROOT, 'sample', 'SAMPLE-ONLY-publisher.key')]);
}
const manifest = JSON.parse(fs.readFileSync(path.join(FEED, 'manifest.json')));
const city = manifest.regions.find((r) => r.code === USER.code);
const sample = folderSizes(path.join(ROOT, 'public', 'feed'));
const national = folderSizes(FEED);
console.log(`sample feed:   ${mb(sample.raw)} raw, ${mb(sample.gz)} gzip; largest ${sample.largest.file} ${mb(sample.largest.raw)} (${mb(sample.largest.gz)} gzip)`);
console.log(`national feed: ${manifest.regions.reduce((n, r) => n + r.count, 0)} stations in ${manifest.regions.length} regions, ${mb(national.raw)} raw, ${mb(national.gz)} gzip; largest ${national.largest.file} ${mb(national.largest.raw)} (${mb(national.largest.gz)} gzip)`);
console.log(`benchmark city: ${city.name} ${city.code}, ${city.count} stations`);

const server = await serveDist();
for (const file of fs.readdirSync(FEED, { recursive: true })) {
  const p = path.join(FEED, file);
  if (fs.statSync(p).isDirectory()) continue;
  const body = fs.readFileSync(p);
  server.routes.set(`/national/${file}`, (req, res) => { res.writeHead(200, { 'content-type': 'application/json' }); res.end(body); });
}
const browser = await launchBrowser();
const measures = async (page, prefix) => page.evaluate((prefix) =>
  performance.getEntriesByType('measure').filter((m) => m.name.startsWith(prefix)).map((m) => m.duration), prefix);
const results = { network: [], device: [], index: [], nearest: [], nearestFiltered: [], wasm: [], heap: [] };
for (let run = 0; run < RUNS; run++) {
  const { context, page } = await openPage(browser, process.env.NO_SW ? { serviceWorkers: 'block' } : {});
  await page.addInitScript(() => addEventListener('TrunkApplicationStarted', (e) => { window.__wasm = e.detail.wasm; }));
  const url = `${server.url}/stations?feed=/national/manifest.json&near=${USER.lat},${USER.lng}`;
  await page.goto(url);
  await page.locator('li[data-station-id]').first().waitFor({ timeout: 60000 });
  results.network.push(...await measures(page, `yizhan:sync-network ${USER.code}`));
  results.index.push(...await measures(page, `yizhan:index ${USER.code}`));
  // Filtered queries: battery swap (scarce) and open now; each click re-runs the query.
  await page.evaluate(() => performance.clearMeasures('yizhan:nearest'));
  for (let i = 0; i < 5; i++) {
    await page.locator('button.chip[data-service=water]').click();
    await page.locator('button.chip[data-service=water]').click();
  }
  results.nearest.push(...await measures(page, 'yizhan:nearest'));
  await page.locator('button.chip[data-service=battery_swap]').click();
  await page.locator('button[data-filter=open-now]').click();
  await page.evaluate(() => performance.clearMeasures('yizhan:nearest'));
  for (let i = 0; i < 5; i++) {
    await page.locator('button.chip[data-service=toilet]').click();
    await page.locator('button.chip[data-service=toilet]').click();
  }
  results.nearestFiltered.push(...await measures(page, 'yizhan:nearest'));
  results.wasm.push(await page.evaluate(() => window.__wasm?.memory?.buffer.byteLength ?? 0));
  results.heap.push(await page.evaluate(() => performance.memory?.usedJSHeapSize ?? 0));
  // The next start loads the shard from the device (Cache API), not the network.
  await page.reload();
  await page.locator('li[data-station-id]').first().waitFor({ timeout: 60000 });
  results.device.push(...await measures(page, `yizhan:load-device ${USER.code}`));
  await context.close();
}
await browser.close();
await server.close();
const fmt = (xs) => `median ${median(xs).toFixed(2)} ms (min ${Math.min(...xs).toFixed(2)}, max ${Math.max(...xs).toFixed(2)}, n=${xs.length})`;
console.log(`sync ${city.count}-station city shard over HTTP (fetch+sha256+parse+index): ${fmt(results.network)}`);
console.log(`load it from the device on start (Cache API+sha256+parse+index): ${fmt(results.device)}`);
console.log(`build its grid index (with WGS-84 conversion and hours parsing): ${fmt(results.index)}`);
console.log(`nearest-20, filter {water}: ${fmt(results.nearest)}`);
console.log(`nearest-20, filter {battery_swap, open now, toilet}: ${fmt(results.nearestFiltered)}`);
console.log(`wasm linear memory: median ${mb(median(results.wasm))}; JS heap used: median ${mb(median(results.heap))}`);
