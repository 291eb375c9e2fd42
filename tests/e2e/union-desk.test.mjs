// The whole loop, with the real parts: the real intake server (yizhan-intake) receives
// a worker's join request and coupon claim from the app; the real desk commands
// (yizhan-feed desk export/import/publish) approve and grant; the real publisher
// (yizhan-feed build) writes the next feed sequence, signed with the SAMPLE key the
// build trusts. The worker's app shows the outcome, the verified card and the issued
// coupon; a venue (another browser, with a camera that films the worker's screen)
// verifies the card and the coupon, marks the coupon used, and after the next
// publication every venue refuses it. Forgeries made on the worker's device are refused.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PNG } from 'pngjs';
import jsQR from 'jsqr';
import { prepareZXingModule, writeBarcode } from 'zxing-wasm/full';
import { serveDist, launchBrowser, openPage, appReady, screenshot, KIOSK } from './support.mjs';
import { makeFeed, publish } from './feeds.mjs';

const ROOT = new URL('../../', import.meta.url).pathname;
const KEY = path.join(ROOT, 'sample/SAMPLE-ONLY-publisher.key');
const day = (offset) => new Date(Date.now() + 8 * 3600e3 + offset * 86400e3).toISOString().slice(0, 10); // China date
const VENUE = '工人文化宫健身馆';
const CAMPAIGNS = [{ id: 'fit', kind: 'fitness', title: '职工健身券', venues: [{ name: VENUE }, { name: '体育馆' }],
  valid_from: day(-5), valid_until: day(40), per_member: 1, period: 'month', total: 100, remaining: 100, members_only: false }];
const UNIONS = [{ id: 'u-express', name: '快递行业工会联合会', region: '371500', occupations: ['courier'] }];

let server, browser, intake, work, intakeUrl, feedBin;

const run = (bin, args) => execFileSync(bin, args, { cwd: work, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const desk = (...args) => run(feedBin, ['desk', ...args, '--db', path.join(work, 'intake.sqlite')]);

before(async () => {
  execFileSync('cargo', ['build', '--quiet', '--release', '-p', 'yizhan-intake', '-p', 'yizhan-feed'], { cwd: ROOT, stdio: 'inherit' });
  feedBin = path.join(ROOT, 'target/release/yizhan-feed');
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'yizhan-desk-'));
  server = await serveDist();
  // The system picks the port (`127.0.0.1:0`); the server says which on its first line.
  intake = spawn(path.join(ROOT, 'target/release/yizhan-intake'), ['serve', '--db', path.join(work, 'intake.sqlite'),
    '--listen', '127.0.0.1:0', '--allow-origin', new URL(server.url).origin], { stdio: ['ignore', 'pipe', 'inherit'] });
  intakeUrl = await new Promise((resolve, reject) => {
    let seen = '';
    intake.stdout.on('data', (chunk) => {
      seen += chunk;
      const m = seen.match(/listening on (\S+)/);
      if (m) resolve(`http://${m[1]}`);
    });
    intake.on('exit', (code) => reject(new Error(`yizhan-intake exited (${code}): ${seen}`)));
  });
  fs.writeFileSync(path.join(work, 'campaigns.json'), JSON.stringify({ campaigns: CAMPAIGNS }));
  fs.writeFileSync(path.join(work, 'unions.json'), JSON.stringify({ unions: UNIONS }));
  run(feedBin, ['generate', '--stations', '30', '--seed', '7', '--cities', '371500', '--out', path.join(work, 'stations.csv')]);
  publish(server, 'loop', makeFeed({ sequence: 1, campaigns: CAMPAIGNS, unions: UNIONS, intake: `${intakeUrl}/intake` }));
  browser = await launchBrowser();
});
after(async () => {
  intake?.kill();
  await browser?.close();
  await server?.close();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

/** The desk's publication and the publisher's next sequence, served at /loop/. */
function publishRound(sequence) {
  desk('publish', '--campaigns', path.join(work, 'campaigns.json'), '--out', path.join(work, 'desk'),
    '--sign-key', KEY, '--card-valid-until', day(400));
  const out = path.join(work, `feed-${sequence}`);
  run(feedBin, ['build', '--stations', path.join(work, 'stations.csv'), '--datum', 'gcj02', '--sequence', String(sequence),
    '--campaigns', path.join(work, 'desk/campaigns.json'), '--unions', path.join(work, 'unions.json'),
    '--statuses', path.join(work, 'desk/statuses.json'), '--coupons', path.join(work, 'desk/coupons.json'),
    '--intake', `${intakeUrl}/intake`, '--sign-key', KEY, '--out', out]);
  const files = {};
  for (const file of fs.readdirSync(out, { recursive: true })) {
    const full = path.join(out, file);
    if (fs.statSync(full).isFile()) files[file] = fs.readFileSync(full);
  }
  assert.ok(files['manifest.json.sig'], 'the publisher signed the manifest');
  publish(server, 'loop', files);
}

/** Waits until every request in the page's outbox was delivered to the intake. */
async function delivered(page, count) {
  await page.waitForFunction((n) => {
    const items = JSON.parse(localStorage.getItem('yizhan.outbox.v1') ?? '[]');
    return items.length === n && items.every((i) => i.delivery?.state === 'sent');
  }, count, { timeout: 40000 });
}

/** A camera video (Y4M, grey) of `png` centred on a white frame. */
function y4mOf(png, file) {
  const img = PNG.sync.read(png);
  const W = 640, H = 480;
  const y = Buffer.alloc(W * H, 235);
  const ox = Math.max(0, (W - img.width) >> 1), oy = Math.max(0, (H - img.height) >> 1);
  for (let r = 0; r < Math.min(img.height, H); r++) {
    for (let c = 0; c < Math.min(img.width, W); c++) {
      const i = (r * img.width + c) * 4;
      const lum = 0.299 * img.data[i] + 0.587 * img.data[i + 1] + 0.114 * img.data[i + 2];
      y[(oy + r) * W + ox + c] = Math.round(16 + lum * 219 / 255);
    }
  }
  const chroma = Buffer.alloc((W / 2) * (H / 2), 128);
  fs.writeFileSync(file, Buffer.concat([Buffer.from(`YUV4MPEG2 W${W} H${H} F10:1 Ip A1:1 C420jpeg\nFRAME\n`), y, chroma, chroma]));
}

/** A venue device whose camera films `png`; returns `{ browser, page, context }`. */
async function venueWithCamera(png, name) {
  const video = path.join(work, `${name}.y4m`);
  y4mOf(png, video);
  const b = await launchBrowser({ args: ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
    `--use-file-for-fake-video-capture=${video}`] });
  const { context, page } = await openPage(b, { permissions: ['camera'] });
  return { browser: b, context, page };
}

/** A QR code of `text` as a PNG, made by zxing-wasm's writer (not the app's code). */
async function qrPng(text) {
  const wasm = fs.readFileSync(path.join(ROOT, 'node_modules/zxing-wasm/dist/full/zxing_full.wasm'));
  await prepareZXingModule({ overrides: { wasmBinary: wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) },
    fireImmediately: true });
  const written = await writeBarcode(text, { format: 'QRCode', scale: 5 });
  assert.equal(written.error, '');
  return Buffer.from(await written.image.arrayBuffer());
}

async function verdict(page) {
  const v = page.locator('[data-testid=verdict]');
  await v.waitFor();
  return { kind: await v.getAttribute('data-verdict'), text: await v.innerText() };
}

async function typeCode(page, code) {
  await page.locator('.verify-form input[name=code]').fill(code);
  await page.locator('.verify-form button[data-action=check]').click();
}

test('join and claim → intake → desk → next feed → outcome, verified card, issued coupon → venue verifies, marks used → refused everywhere after the next publication', async () => {
  // 1. The worker: a join request and a coupon claim, delivered to the real intake.
  const worker = await openPage(browser);
  const w = worker.page;
  await w.goto(`${server.url}/join?feed=/loop/manifest.json`);
  await appReady(w);
  await w.locator('select[name=union] option[value=u-express]').waitFor({ state: 'attached' });
  await w.locator('input[name=name]').fill('王五');
  await w.locator('input[name=phone]').fill('139 1234 5678');
  await w.locator('input[name=id_number]').fill('11010519491231002X');
  await w.locator('select[name=occupation]').selectOption('courier');
  await w.locator('select[name=union]').selectOption('u-express');
  await w.locator('input[name=consent]').check();
  await w.locator('.join-form button[type=submit]').click();
  await w.locator('.bottom-nav a[href="/coupons"]').click();
  await w.locator('[data-campaign-id=fit] button[data-action=claim]').click();
  await w.locator('.my-coupons li[data-coupon-id]').waitFor();
  await delivered(w, 2);
  const code = await w.evaluate(() => JSON.parse(localStorage.getItem('yizhan.wallet.v1')).coupons[0].code);

  // 2. The desk: export what awaits a decision; the clerk approves with a member
  // number in the sheet; import; publish (claims granted by the rules, card signed).
  desk('export', '--out', path.join(work, 'pending.csv'));
  const sheet = fs.readFileSync(path.join(work, 'pending.csv'), 'utf8').replace(/^\uFEFF/, '').trim().split(/\r?\n/);
  const header = sheet[0].split(',');
  assert.equal(sheet.length, 2, 'one join request awaits a decision');
  assert.match(sheet[1], /王五/);
  const row = sheet[1].split(',');
  row[header.indexOf('decision')] = 'approved';
  row[header.indexOf('member_no')] = '3715002026000777';
  row[header.indexOf('note')] = '欢迎加入';
  fs.writeFileSync(path.join(work, 'pending.csv'), '\uFEFF' + [sheet[0], row.join(',')].join('\r\n') + '\r\n');
  desk('import', '--file', path.join(work, 'pending.csv'));
  publishRound(2);

  // 3. The worker's app: the news, the outcome, the verified card, the issued coupon.
  await w.goto(`${server.url}/stations`);
  await appReady(w);
  const news = w.locator('[data-testid=news]');
  await news.waitFor({ timeout: 20000 });
  assert.match(await news.innerText(), /入会申请：\s*已通过/);
  assert.match(await news.innerText(), /领券申请：\s*已通过/);
  await w.locator('.bottom-nav a[href="/join"]').click();
  await w.locator('[data-testid=outcome][data-state=approved]').waitFor();
  assert.match(await w.locator('.requests').innerText(), /欢迎加入/);
  await w.locator('.bottom-nav a[href="/me"]').click();
  await w.locator('.member-card[data-verified=true]').waitFor({ timeout: 10000 });
  assert.match(await w.locator('[data-testid=card-trust]').innerText(), /工会已核验/);
  assert.match(await w.locator('.member-card').innerText(), /王五[\s\S]*3715 0020 2600 0777/);
  await screenshot(w, 'me-card-verified-phone');
  // Held up to the venue's camera: the code in the middle of the screen, clear of the
  // bottom bar.
  await w.locator('.member-card .qr').evaluate((e) => e.scrollIntoView({ block: 'center' }));
  const cardQr = await w.locator('.member-card .qr').screenshot();
  const shown = PNG.sync.read(cardQr);
  const decoded = jsQR(new Uint8ClampedArray(shown.data), shown.width, shown.height)?.data ?? '';
  assert.match(decoded, /^yizhan-card\/1\n3715002026000777\n王五\nu-express\n\d{4}-\d\d-\d\d\n[A-Za-z0-9+/=]{88}$/, 'the card QR holds the signed card');
  await w.goto(`${server.url}/coupons`);
  const mine = w.locator('.my-coupons li[data-coupon-id]');
  await mine.locator('[data-coupon-code]').waitFor();
  assert.equal(await mine.locator('.coupon-state').innerText(), '未使用');
  assert.equal(await mine.locator('[data-coupon-code]').getAttribute('data-coupon-code'), code);

  // 4. The venue: another device whose camera films the worker's card.
  const venue = await venueWithCamera(cardQr, 'card');
  try {
    const v = venue.page;
    await v.goto(`${server.url}/me?feed=/loop/manifest.json`);
    await appReady(v);
    await v.locator('a[data-action=open-verify]').click();
    await v.waitForURL(/\/verify/);
    await v.locator(`select[name=venue] option[value="${VENUE}"]`).waitFor({ state: 'attached', timeout: 15000 });
    await v.locator('select[name=venue]').selectOption(VENUE);
    await v.locator('button[data-action=scan]').click();
    await v.locator('[data-testid=verdict], [data-testid=scan-problem]').first().waitFor({ timeout: 20000 })
      .catch(() => {});
    assert.equal(await v.locator('[data-testid=scan-problem]').count(), 0,
      `the camera scan started: ${await v.locator('main').innerText()} ${venue.page.errors.join(' | ')}`);
    const card = await verdict(v);
    assert.equal(card.kind, 'card-valid', card.text);
    assert.match(card.text, /会员证有效[\s\S]*王五/);
    // The coupon, typed as staff read it aloud: lower case, spaces.
    await typeCode(v, code.toLowerCase().replace(/-/g, ' '));
    await v.waitForFunction(() => document.querySelector('[data-testid=verdict]')?.dataset.verdict === 'coupon-valid');
    assert.match((await verdict(v)).text, /有效[\s\S]*职工健身券/);
    await screenshot(v, 'verify-valid-phone');
    await v.locator('button[data-action=mark-used]').click();
    await v.locator('button[data-action=confirm-used]').click();
    await v.waitForFunction(() => document.querySelector('[data-testid=verdict]')?.dataset.verdict === 'used');
    // Refused on this device at once, even typed again; the redeem reaches the intake.
    await typeCode(v, code);
    assert.equal((await verdict(v)).kind, 'used');
    await screenshot(v, 'verify-used-phone');
    await delivered(v, 1);
    // Offline after one visit: the shell, the feed and the QR reader come from the
    // device, and a scan still gives its answer.
    await v.evaluate(async () => { await navigator.serviceWorker.ready; });
    await v.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 10000 });
    await venue.context.setOffline(true);
    await v.reload();
    await appReady(v);
    await v.locator('button[data-action=scan]').click();
    await v.waitForFunction(() => document.querySelector('[data-testid=verdict]')?.dataset.verdict === 'card-valid', null, { timeout: 20000 });
    await typeCode(v, code);
    await v.waitForFunction(() => document.querySelector('[data-testid=verdict]')?.dataset.verdict === 'used');
    await venue.context.setOffline(false);
    // While offline the browser logs the feed check it could not make; nothing else.
    assert.deepEqual(venue.page.errors.filter((e) => !/ERR_INTERNET_DISCONNECTED/.test(e)), []);
    await venue.context.close();
  } finally {
    await venue.browser.close();
  }

  // 5. Before the next publication another venue still accepts it (it cannot know);
  // after it, every venue refuses it, and the worker's own phone shows it used.
  publishRound(3);
  const other = await openPage(browser, { viewport: KIOSK });
  await other.page.goto(`${server.url}/verify?feed=/loop/manifest.json`);
  await appReady(other.page);
  await other.page.locator(`select[name=venue] option[value="${VENUE}"]`).waitFor({ state: 'attached', timeout: 15000 });
  await typeCode(other.page, code);
  await other.page.waitForFunction(() => document.querySelector('[data-testid=verdict]')?.dataset.verdict === 'used', null, { timeout: 15000 });
  assert.match((await verdict(other.page)).text, new RegExp(`已经用过：${day(0)}`));
  await screenshot(other.page, 'verify-used-kiosk');
  await w.reload();
  await w.waitForFunction(() => document.querySelector('.my-coupons .coupon-state')?.textContent === '已使用', null, { timeout: 15000 });

  // 6. Forgeries. A coupon added on the worker's device with a made-up code (its
  // check symbol right) is unknown to every venue.
  await typeCode(other.page, '0000-0000-0000-00');
  await other.page.waitForFunction(() => document.querySelector('[data-testid=verdict]')?.dataset.verdict === 'unknown');
  // The signed card with its date pushed out, put on another phone: the app does not
  // call it verified, and shows only the bare number, which a venue refuses.
  const forged = decoded.replace(/\n\d{4}-\d\d-\d\d\n/, '\n2099-12-31\n');
  const [, no, name, union, until, sig] = forged.split('\n');
  const forger = await openPage(browser);
  await forger.page.addInitScript((card) => localStorage.setItem('yizhan.wallet.v1', JSON.stringify({ card, coupons: [] })),
    { name, member_no: no, union_id: union, signed: { member_no: no, name, union, valid_until: until, sig } });
  await forger.page.goto(`${server.url}/me?feed=/loop/manifest.json`);
  await forger.page.locator('.member-card[data-verified=false]').waitFor();
  assert.match(await forger.page.locator('[data-testid=card-trust]').innerText(), /未经工会核验/);
  await forger.context.close();
  await typeCode(other.page, no);
  await other.page.waitForFunction(() => document.querySelector('[data-testid=verdict]')?.dataset.verdict === 'card-unverified');
  // The forged card as a QR code (made outside the app) before a venue's camera: refused.
  const camera = await venueWithCamera(await qrPng(forged), 'forged');
  try {
    await camera.page.goto(`${server.url}/verify?feed=/loop/manifest.json`);
    await appReady(camera.page);
    await camera.page.locator('button[data-action=scan]').click();
    await camera.page.waitForFunction(() => document.querySelector('[data-testid=verdict]')?.dataset.verdict === 'card-forged',
      null, { timeout: 20000 });
    assert.match(await camera.page.locator('[data-testid=verdict]').innerText(), /签名不对/);
  } finally {
    await camera.browser.close();
  }
  assert.deepEqual(other.page.errors, []);
  assert.deepEqual(w.errors, []);
  await other.context.close();
  await worker.context.close();
});
