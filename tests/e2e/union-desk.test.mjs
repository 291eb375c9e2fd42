// Longer than 400 lines because it is one spec: the whole loop, step after step.
// The whole loop, with the real parts and sealed at both ends: the real intake server
// (yizhan-intake, --require-sealed) receives a worker's join request and coupon claim
// from the app, sealed to the desk's key (an independent HPKE implementation, npm
// @hpke/core, opens what the app sealed); the real desk, on "the clerk's computer"
// (its own folder and database), pulls them over the intake's desk API, opens them,
// and its commands (yizhan-feed desk export/import/publish) approve and grant; the
// real publisher (yizhan-feed build) writes the next feed sequence, signed with the
// SAMPLE key the build trusts, with every answer sealed to the device that asked.
// Then the raw bytes of the intake's database files and of every published file hold
// nothing of the worker; the worker's app shows the outcome, the verified card and the
// issued coupon; another browser profile with the same feed learns nothing. A venue
// (another browser, with a camera that films the worker's screen) verifies the card
// and the coupon, marks the coupon used, and after the next publication every venue
// refuses it. Forgeries made on the worker's device are refused.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PNG } from 'pngjs';
import jsQR from 'jsqr';
import { prepareZXingModule, writeBarcode } from 'zxing-wasm/full';
import { serveDist, launchBrowser, openPage, appReady, screenshot, KIOSK } from './support.mjs';
import { makeFeed, publish } from './feeds.mjs';
import { bin, startIntake, delivered } from './union.mjs';
import { CipherSuite, HkdfSha256 } from '@hpke/core';
import { DhkemX25519HkdfSha256 } from '@hpke/dhkem-x25519';
import { Chacha20Poly1305 } from '@hpke/chacha20poly1305';

const ROOT = new URL('../../', import.meta.url).pathname;
const KEY = path.join(ROOT, 'sample/SAMPLE-ONLY-publisher.key');
const day = (offset) => new Date(Date.now() + 8 * 3600e3 + offset * 86400e3).toISOString().slice(0, 10); // China date
const VENUE = '工人文化宫健身馆';
const CAMPAIGNS = [{ id: 'fit', kind: 'fitness', title: '职工健身券', venues: [{ name: VENUE }, { name: '体育馆' }],
  valid_from: day(-5), valid_until: day(40), per_member: 1, period: 'month', total: 100, remaining: 100, members_only: false },
{ id: 'members', kind: 'counselling', title: '会员心理咨询券', venues: [{ name: VENUE }],
  valid_from: day(-5), valid_until: day(40), per_member: 1, period: 'month', total: 10, remaining: 10, members_only: true }];
const UNIONS = [{ id: 'u-express', name: '快递行业工会联合会', region: '371500', occupations: ['courier'] }];

// What the worker types and the clerk writes: none of it may be readable outside the
// worker's phone and the desk.
const PERSONAL = ['王五', '13912345678', '11010519491231002X', '3715002026000777', '欢迎加入'];

let server, browser, intake, work, intakeUrl, feedBin, sealKey;
// The internet-facing server's folder and the clerk's computer's folder.
let serverDir, clerkDir;

const run = (bin, args) => execFileSync(bin, args, { cwd: work, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const desk = (...args) => run(feedBin, ['desk', ...args, '--db', path.join(clerkDir, 'desk.sqlite')]);
/** The clerk's desk fetches what the intake holds, opens it, and lets the intake delete it. */
const pull = () => desk('pull', '--from', intakeUrl, '--token-file', path.join(clerkDir, 'intake.token'),
  '--key', path.join(clerkDir, 'desk.key'));

/** Opens a sealed envelope with the desk's private key, by npm @hpke/core (RFC 9180), not the app's code. */
async function openIndependently(envelope) {
  const suite = new CipherSuite({ kem: new DhkemX25519HkdfSha256(), kdf: new HkdfSha256(), aead: new Chacha20Poly1305() });
  const bytes = (b64) => new Uint8Array(Buffer.from(b64, 'base64')).buffer;
  const secret = fs.readFileSync(path.join(clerkDir, 'desk.key'), 'utf8').trim();
  const recipientKey = await suite.kem.importKey('raw', bytes(secret), false);
  const te = new TextEncoder();
  const plain = await suite.open({ recipientKey, enc: bytes(envelope.sealed.enc), info: te.encode('yizhan-request/1') },
    bytes(envelope.sealed.ct), te.encode(`${envelope.id}\n${envelope.kind}\n${envelope.created_at}\n`));
  return JSON.parse(new TextDecoder().decode(plain));
}

/** Fails naming the file and the text when any personal text is in one of `files`. */
function holdsNothingPersonal(files, where) {
  for (const file of files) {
    const bytes = fs.readFileSync(file);
    for (const text of PERSONAL) {
      assert.equal(bytes.indexOf(Buffer.from(text)), -1, `${where}: ${path.basename(file)} holds ${text}`);
    }
  }
}

before(async () => {
  execFileSync('cargo', ['build', '--quiet', '--release', '-p', 'yizhan-intake', '-p', 'yizhan-feed'], { cwd: ROOT, stdio: 'inherit' });
  feedBin = bin('yizhan-feed');
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'yizhan-desk-'));
  serverDir = path.join(work, 'server');
  clerkDir = path.join(work, 'clerk');
  fs.mkdirSync(serverDir);
  fs.mkdirSync(clerkDir);
  // The desk's key pair, made on the clerk's computer: the public half goes into the
  // feed, the private half never leaves. The intake's desk token is on both machines.
  run(feedBin, ['desk', 'keygen', '--out', path.join(clerkDir, 'desk.key')]);
  sealKey = fs.readFileSync(path.join(clerkDir, 'desk.key.pub'), 'utf8').trim();
  assert.throws(() => run(feedBin, ['desk', 'keygen', '--out', path.join(clerkDir, 'desk.key')]), /exist/,
    'keygen never overwrites a key');
  const token = crypto.randomBytes(32).toString('hex');
  fs.writeFileSync(path.join(serverDir, 'desk.token'), token, { mode: 0o600 });
  fs.writeFileSync(path.join(clerkDir, 'intake.token'), token, { mode: 0o600 });
  server = await serveDist();
  // The system picks the port (`127.0.0.1:0`); the server says which on its first line.
  ({ child: intake, url: intakeUrl } = await startIntake({ dir: serverDir, origin: new URL(server.url).origin,
    tokenFile: path.join(serverDir, 'desk.token') }));
  fs.writeFileSync(path.join(work, 'campaigns.json'), JSON.stringify({ campaigns: CAMPAIGNS }));
  fs.writeFileSync(path.join(work, 'unions.json'), JSON.stringify({ unions: UNIONS }));
  run(feedBin, ['generate', '--stations', '30', '--seed', '7', '--cities', '371500', '--out', path.join(work, 'stations.csv')]);
  publish(server, 'loop', makeFeed({ sequence: 1, campaigns: CAMPAIGNS, unions: UNIONS, intake: `${intakeUrl}/intake`, sealKey }));
  browser = await launchBrowser();
});
after(async () => {
  intake?.kill();
  await browser?.close();
  await server?.close();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

/** The desk's round (pull, publish) and the publisher's next sequence, served at /loop/;
 * returns the feed's folder. */
function publishRound(sequence) {
  pull();
  desk('publish', '--campaigns', path.join(work, 'campaigns.json'), '--out', path.join(work, 'desk'),
    '--sign-key', KEY, '--card-valid-until', day(400));
  const out = path.join(work, `feed-${sequence}`);
  run(feedBin, ['build', '--stations', path.join(work, 'stations.csv'), '--datum', 'gcj02', '--sequence', String(sequence),
    '--campaigns', path.join(work, 'desk/campaigns.json'), '--unions', path.join(work, 'unions.json'),
    '--statuses', path.join(work, 'desk/statuses.json'), '--coupons', path.join(work, 'desk/coupons.json'),
    '--intake', `${intakeUrl}/intake`, '--seal-key', path.join(clerkDir, 'desk.key.pub'), '--sign-key', KEY, '--out', out]);
  const files = {};
  for (const file of fs.readdirSync(out, { recursive: true })) {
    const full = path.join(out, file);
    if (fs.statSync(full).isFile()) files[file] = fs.readFileSync(full);
  }
  assert.ok(files['manifest.json.sig'], 'the publisher signed the manifest');
  publish(server, 'loop', files);
  return out;
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
  const posted = [];
  w.on('request', (r) => { if (r.method() === 'POST' && r.url().startsWith(intakeUrl)) posted.push(r.postData()); });
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
  const { code, id: fitId } = await w.evaluate(() => JSON.parse(localStorage.getItem('yizhan.wallet.v1')).coupons[0]);
  // What left the phone is the sealed box only, and an independent HPKE opens it.
  const sent = posted.map((body) => JSON.parse(body));
  assert.deepEqual(sent.map((e) => e.kind).sort(), ['claim', 'join']);
  for (const envelope of sent) {
    assert.ok(envelope.sealed && !('payload' in envelope), `${envelope.kind} went sealed`);
    for (const text of PERSONAL) assert.ok(!JSON.stringify(envelope).includes(text), `${envelope.kind} carries ${text} in the open`);
  }
  const join = await openIndependently(sent.find((e) => e.kind === 'join'));
  assert.equal(join.name, '王五');
  assert.equal(join.phone, '13912345678');
  assert.equal(Buffer.from(join.reply_key, 'base64').length, 32, 'a fresh reply key for the answer');
  const claim = await openIndependently(sent.find((e) => e.kind === 'claim'));
  assert.notEqual(claim.reply_key, join.reply_key);
  // A box moved into another request's envelope does not open, and the intake keeps
  // nothing plain from a careless client.
  const moved = { ...sent[0], id: crypto.randomUUID() };
  await assert.rejects(openIndependently(moved));
  const plain = await fetch(`${intakeUrl}/intake`, { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ id: crypto.randomUUID(), kind: 'join', created_at: new Date().toISOString(), payload: join }) });
  assert.equal(plain.status, 422, 'a plain join is refused by an intake that requires sealing');

  // 2. The desk, on the clerk's computer: pull (the intake then deletes what it held);
  // export what awaits a decision; the clerk approves with a member number in the
  // sheet; import; publish (claims granted by the rules, card signed, answers sealed).
  pull();
  assert.equal((await (await fetch(`${intakeUrl}/healthz`)).json()).stored, 0, 'the intake keeps nothing the desk holds');
  desk('export', '--out', path.join(work, 'pending.csv'));
  const sheet = fs.readFileSync(path.join(work, 'pending.csv'), 'utf8').replace(/^\uFEFF/, '').trim().split(/\r?\n/);
  const header = sheet[0].split(',');
  assert.equal(sheet.length, 2, 'one join request awaits a decision');
  assert.match(sheet[1], /王五/);
  const row = sheet[1].split(',');
  // The sheet is in Chinese: 决定 通过, 会员号, 备注.
  row[header.indexOf('决定')] = '通过';
  row[header.indexOf('会员号')] = '3715002026000777';
  row[header.indexOf('备注')] = '欢迎加入';
  fs.writeFileSync(path.join(work, 'pending.csv'), '\uFEFF' + [sheet[0], row.join(',')].join('\r\n') + '\r\n');
  desk('import', '--file', path.join(work, 'pending.csv'));
  const published = publishRound(2);
  // Nothing of the worker is readable on the intake's disk (the database, its WAL and
  // shared memory) or in any published file.
  holdsNothingPersonal(fs.readdirSync(serverDir).filter((f) => f.startsWith('intake.sqlite'))
    .map((f) => path.join(serverDir, f)), 'the intake');
  holdsNothingPersonal(fs.readdirSync(published, { recursive: true }).map((f) => path.join(published, f))
    .filter((f) => fs.statSync(f).isFile()), 'the feed');
  const statusesFile = fs.readdirSync(published).find((f) => f.startsWith('statuses.'));
  const entries = JSON.parse(fs.readFileSync(path.join(published, statusesFile))).statuses;
  assert.equal(entries.length, 2);
  for (const entry of entries) assert.deepEqual(Object.keys(entry).sort(), ['box', 'ref'], 'every answer is sealed');

  // 3. The worker's app: the news, the outcome, the verified card, the issued coupon.
  await w.goto(`${server.url}/stations`);
  await appReady(w);
  const news = w.locator('[data-testid=news]');
  await news.waitFor({ timeout: 20000 });
  assert.match(await news.innerText(), /入会申请：\s*已通过/);
  assert.match(await news.innerText(), /福利券已发放/);
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
  // Another browser profile with the same feed: no answer, no card, no name.
  const stranger = await openPage(browser);
  await stranger.page.goto(`${server.url}/join?feed=/loop/manifest.json`);
  await appReady(stranger.page);
  await stranger.page.locator('select[name=union] option[value=u-express]').waitFor({ state: 'attached' });
  await stranger.page.goto(`${server.url}/me`);
  await appReady(stranger.page);
  const seen = await stranger.page.evaluate(async () => {
    const texts = [document.body.innerText];
    for (const name of await caches.keys()) {
      const cache = await caches.open(name);
      for (const request of await cache.keys()) texts.push(await (await cache.match(request)).text());
    }
    return texts.join('\n') + JSON.stringify({ ...localStorage });
  });
  for (const text of PERSONAL) assert.ok(!seen.includes(text), `another profile learned ${text}`);
  assert.equal(await stranger.page.locator('.member-card').count(), 0);
  await stranger.context.close();
  await w.goto(`${server.url}/coupons`);
  const mine = w.locator('.my-coupons li[data-coupon-id]');
  await mine.locator('[data-coupon-code]').waitFor();
  assert.equal(await mine.locator('.coupon-state').innerText(), '未使用');
  assert.equal(await mine.locator('[data-coupon-code]').getAttribute('data-coupon-code'), code);
  // With the card the union signed, the members-only coupon can be claimed; the claim
  // carries that card, sealed.
  await w.locator('[data-campaign-id=members] button[data-action=claim]').click();
  await w.locator('.my-coupons li[data-coupon-id]').nth(1).waitFor();
  await delivered(w, 3);
  const membersId = await w.evaluate(() => JSON.parse(localStorage.getItem('yizhan.wallet.v1')).coupons
    .find((c) => c.campaign_id === 'members').id);
  const membersClaim = await openIndependently(JSON.parse(posted.at(-1)));
  assert.equal(membersClaim.card?.member_no, '3715002026000777', 'the signed card goes with the claim');

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
    // The redeem is held on its way to the intake until the screen has been read.
    let deliver;
    const held = new Promise((resolve) => { deliver = resolve; });
    await v.route(`${intakeUrl}/**`, async (route) => {
      if (route.request().method() === 'POST') await held;
      await route.continue();
    });
    await v.locator('button[data-action=mark-used]').click();
    await v.locator('button[data-action=confirm-used]').click();
    // A green "marked", not the red refusal; it says the union was told only once it was.
    await v.waitForFunction(() => document.querySelector('[data-testid=verdict]')?.dataset.verdict === 'marked');
    const waiting = await verdict(v);
    assert.match(waiting.text, /已核销[\s\S]*等待发给工会（有网络时自动发送）/);
    assert.doesNotMatch(waiting.text, /已发给工会|不能使用/);
    assert.match(await v.locator('[data-testid=verdict]').getAttribute('class'), /verdict-ok/);
    deliver();
    await delivered(v, 1);
    await v.waitForFunction(() => /已发给工会/.test(document.querySelector('[data-testid=verdict][data-verdict=marked]')?.innerText ?? ''));
    assert.doesNotMatch((await verdict(v)).text, /等待/);
    await screenshot(v, 'verify-marked-phone');
    await v.unroute(`${intakeUrl}/**`);
    // Refused on this device at once when typed again: the red "used".
    await typeCode(v, code);
    await v.waitForFunction(() => document.querySelector('[data-testid=verdict]')?.dataset.verdict === 'used');
    assert.match((await verdict(v)).text, /不能使用[\s\S]*已经用过/);
    await screenshot(v, 'verify-used-phone');
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
  await w.waitForFunction((id) => document.querySelector(`.my-coupons li[data-coupon-id="${id}"] .coupon-state`)?.textContent === '已使用',
    fitId, { timeout: 15000 });
  // The members-only coupon was issued against the signed card.
  await w.locator(`.my-coupons li[data-coupon-id="${membersId}"] [data-coupon-code]`).waitFor({ timeout: 15000 });

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
  // That card claims nothing members-only: the page says how to get the union's check.
  await forger.page.goto(`${server.url}/coupons`);
  const members = forger.page.locator('[data-campaign-id=members]');
  await members.locator('button[data-action=claim][disabled]').waitFor();
  assert.match(await members.locator('[data-testid=claim-reason]').innerText(), /工会核验/);
  await members.locator('a[data-action=verify-card]').waitFor();
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
