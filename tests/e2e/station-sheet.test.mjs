// Real station data in, posters out, with the real publisher (yizhan-feed): a county
// union's sheets as it keeps them (tests/fixtures/county: an .xlsx with 站点编号 and a
// WPS CSV in GB18030 without, Chinese headers, hours written every which way, points
// picked on Baidu's map) become signed feeds the app shows correctly; a sequence not
// above the last is refused; a station's poster prints to one A4 PDF page, its QR code
// (decoded by npm jsqr, not the app's code) opens the station `LC-0002`, whose id does
// not start with its region code, on a phone that has never opened the app.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PNG } from 'pngjs';
import jsQR from 'jsqr';
import { serveDist, launchBrowser, openPage, appReady, screenshot, ROOT } from './support.mjs';
import { publish, metres } from './feeds.mjs';

const KEY = path.join(ROOT, 'sample/SAMPLE-ONLY-publisher.key');
const FIXTURES = path.join(ROOT, 'tests/fixtures/county');
let server, browser, work, bin;

/** Runs the real binary: `{ ok, out, err }` (a refusal is an answer, not a throw). */
function feedTool(args) {
  const run = spawnSync(bin, args, { cwd: work, encoding: 'utf8' });
  return { ok: run.status === 0, out: run.stdout, err: run.stderr };
}
/** Every file of a feed folder, for the test server. */
function filesOf(dir) {
  const files = {};
  for (const file of fs.readdirSync(dir, { recursive: true })) {
    const full = path.join(dir, file);
    if (fs.statSync(full).isFile()) files[file] = fs.readFileSync(full);
  }
  return files;
}
const shardOf = (dir) => {
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json')));
  return { manifest, shard: JSON.parse(fs.readFileSync(path.join(dir, manifest.regions[0].path))) };
};

before(async () => {
  execFileSync('cargo', ['build', '--quiet', '--release', '-p', 'yizhan-feed'], { cwd: ROOT, stdio: 'inherit' });
  bin = path.join(process.env.CARGO_TARGET_DIR ?? path.join(ROOT, 'target'), 'release/yizhan-feed');
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'yizhan-sheet-'));
  for (const f of ['county.xlsx', 'county-gbk.csv']) fs.copyFileSync(path.join(FIXTURES, f), path.join(work, f));
  server = await serveDist();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.close();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

test('a WPS sheet in GB18030 with Chinese headers and Baidu points becomes a feed the app shows as the union wrote it', async () => {
  const built = feedTool(['build', '--stations', 'county-gbk.csv', '--datum', 'bd09', '--sequence', '1',
    '--sign-key', KEY, '--out', 'csv-feed']);
  assert.ok(built.ok, built.err);
  assert.match(built.err, /county-gbk\.csv:5: warning: hours `以现场公示为准` not read exactly/);
  assert.match(built.out, /5 station\(s\) had no 站点编号/);
  const ids = fs.readFileSync(path.join(work, 'county-gbk.csv.ids.csv'), 'utf8');
  const { manifest, shard } = shardOf(path.join(work, 'csv-feed'));
  assert.equal(manifest.datum, 'gcj02');
  const byName = Object.fromEntries(shard.stations.map((s) => [s.name, s]));
  const rest = byName['茌平区环卫工人休息室'];
  assert.ok(ids.includes(`${rest.id},茌平区环卫工人休息室`), ids);
  // Converted from BD-09: back where make.py put it on the GCJ-02 map (116.2621, 36.5852).
  assert.ok(metres({ lat: 36.5852, lng: 116.2621 }, rest) < 1, JSON.stringify(rest));
  assert.equal(rest.hours, 'Mo-Sa 07:30-19:30; Su,PH off');
  assert.deepEqual(rest.services, ['water', 'toilet', 'rest', 'ac']);
  assert.ok(!JSON.stringify(shard).includes('陈静'), '联系人 is not published');
  const feed = publish(server, 'csv', filesOf(path.join(work, 'csv-feed')));

  // A bare old-style link on a new phone: the derived id starts with its region code.
  const { context, page } = await openPage(browser);
  await page.goto(`${server.url}/stations/${rest.id}?feed=${feed}`);
  await appReady(page);
  const detail = page.locator('.station-detail');
  await detail.locator(`h1[data-station-id="${rest.id}"]`).waitFor({ timeout: 15000 });
  const table = await detail.locator('[data-testid=week-hours]').innerText();
  assert.match(table, /周一至周六\s+07:30–19:30/);
  assert.match(table, /周日\s+休息/);
  for (const word of ['饮水', '如厕', '休息', '空调/取暖']) assert.match(await detail.innerText(), new RegExp(word));

  // Hours the tool could not read: shown as the union wrote them, to be checked on site.
  const park = byName['茌平区快递物流园驿站'];
  assert.equal(park.hours, undefined);
  assert.equal(park.hours_text, '以现场公示为准');
  await page.goto(`${server.url}/stations/${park.id}`);
  await detail.locator(`h1[data-station-id="${park.id}"]`).waitFor({ timeout: 15000 });
  assert.match(await detail.innerText(), /营业时间未知[\s\S]*原文：以现场公示为准（以现场为准）/);
  await screenshot(page, 'sheet-hours-as-written');
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('an .xlsx with 站点编号: a sequence not above the last is refused; its poster prints to one A4 page and its QR code opens LC-0002 on a new phone', async () => {
  const out = path.join(work, 'csv-feed');
  const before = fs.readFileSync(path.join(out, 'manifest.json'));
  const refused = feedTool(['build', '--stations', 'county.xlsx', '--datum', 'bd09', '--sequence', '1',
    '--sign-key', KEY, '--out', 'csv-feed']);
  assert.ok(!refused.ok);
  assert.match(refused.err, /--sequence 1 is not above the previous publication's 1 .*use 2 or more/);
  assert.deepEqual(fs.readFileSync(path.join(out, 'manifest.json')), before, 'nothing written');
  const built = feedTool(['build', '--stations', 'county.xlsx', '--datum', 'bd09', '--sequence', '2',
    '--sign-key', KEY, '--out', 'csv-feed']);
  assert.ok(built.ok, built.err);
  assert.match(built.err, /county\.xlsx:5: warning: hours `夏季6:00-19:00，冬季7:00-18:00` not read exactly/);
  const { manifest, shard } = shardOf(out);
  assert.equal(manifest.sequence, 2);
  assert.deepEqual(shard.stations.map((s) => s.id), ['LC-0001', 'LC-0002', 'LC-0003', 'LC-0004', 'LC-0005', 'LC-0006']);
  assert.deepEqual(shard.stations.map((s) => s.hours ?? `(${s.hours_text})`), [
    'Mo-Fr 08:00-18:00; PH off', '24/7', '08:30-12:00,14:00-17:30', '(夏季6:00-19:00，冬季7:00-18:00)',
    '07:00-21:00; Su off', 'Mo-Fr 08:30-17:30; Sa,Su,PH off']);
  // The union's own feed, where the app looks by default.
  publish(server, 'feed', filesOf(out));

  const posters = feedTool(['posters', '--feed', path.join(out, 'manifest.json'), '--app-url', server.url, '--out', 'posters']);
  assert.ok(posters.ok, posters.err);
  assert.match(posters.out, /wrote 6 station poster\(s\) and 1 region sheet\(s\)/);
  const { context, page } = await openPage(browser, { viewport: { width: 794, height: 1123 } });
  // Nothing from outside: every request the poster makes is refused and counted.
  const outside = [];
  await page.route('**/*', (route) => {
    if (route.request().url().startsWith('file://')) return route.continue();
    outside.push(route.request().url());
    return route.abort();
  });
  await page.goto(`file://${path.join(work, 'posters/371502/LC-0002.html')}`);
  assert.equal(await page.locator('h1').innerText(), '柳园路环卫工人驿站');
  const text = await page.locator('main').innerText();
  for (const part of ['饮水', '休息', '空调/取暖', '换电', '24小时', '0635-8211002']) assert.ok(text.includes(part), part);
  const pdf = await page.pdf({ format: 'A4', preferCSSPageSize: true, printBackground: true });
  fs.mkdirSync(path.join(ROOT, 'test-results'), { recursive: true });
  fs.writeFileSync(path.join(ROOT, 'test-results/poster-LC-0002.pdf'), pdf);
  assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
  assert.equal((pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length, 1, 'one page');
  const box = pdf.toString('latin1').match(/\/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]/);
  assert.ok(box && Math.abs(box[1] - 595.3) < 1.5 && Math.abs(box[2] - 841.9) < 1.5, `A4 (595 × 842 pt): ${box?.[0]}`);
  // The QR code as it prints, decoded by jsqr.
  await page.emulateMedia({ media: 'print' });
  const png = PNG.sync.read(await page.locator('figure.qr svg').screenshot());
  const qr = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
  assert.ok(qr, 'the QR code decodes');
  const lc2 = shard.stations[1];
  assert.match(qr.data, new RegExp(`^${server.url}/stations/LC-0002\\?near=36\\.\\d{6},115\\.\\d{6}$`));
  assert.deepEqual(outside, []);
  // The region sheet lists every station, each with its QR code.
  await page.goto(`file://${path.join(work, 'posters/371502/index.html')}`);
  assert.equal(await page.locator('tbody tr').count(), 6);
  assert.equal(await page.locator('tbody svg').count(), 6);
  await context.close();

  // A phone that has never opened the app (no storage, no position) scans the door.
  const phone = await openPage(browser);
  await phone.page.goto(qr.data);
  await appReady(phone.page);
  const detail = phone.page.locator('.station-detail');
  await detail.locator('h1[data-station-id="LC-0002"]').waitFor({ timeout: 15000 });
  assert.equal(await detail.locator('h1').innerText(), lc2.name);
  assert.match(await detail.innerText(), /24小时/);
  assert.match(await detail.innerText(), /换电/);
  await screenshot(phone.page, 'sheet-poster-link-new-phone');
  assert.deepEqual(phone.page.errors, []);
  await phone.context.close();
});
