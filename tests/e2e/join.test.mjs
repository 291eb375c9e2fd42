// Join or transfer: validation with aria-invalid, consent, drafts, the outbox (exactly
// once to the intake, even after a failed attempt and reloads), and the outcome.
// Longer than 400 lines because its specs share the server and the browser started once
// in `before`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { serveDist, launchBrowser, openPage, appReady, screenshot } from './support.mjs';
import { makeFeed, publish, sha256, gcjStation } from './feeds.mjs';

let server, browser;
const UNIONS = [
  { id: 'u-express', name: '快递行业工会联合会', region: '371500', occupations: ['courier', 'rider'] },
  { id: 'u-sanitation', name: '环卫系统工会', region: '371500', occupations: ['sanitation'] },
];
const VALID_ID = '11010519491231002X'; // GB 11643-1999's own example
before(async () => { server = await serveDist(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await server?.close(); });

/** Waits for the unions, fills a valid form, consents and submits. */
async function submitJoin(page) {
  await page.locator('select[name=union] option[value=u-express]').waitFor({ state: 'attached' });
  await fill(page);
  await page.locator('input[name=consent]').check();
  await page.locator('.join-form button[type=submit]').click();
}

async function fill(page, { id = VALID_ID.toLowerCase(), phone = '139 1234 5678' } = {}) {
  await page.locator('input[name=name]').fill('王五');
  await page.locator('input[name=phone]').fill(phone);
  await page.locator('input[name=id_number]').fill(id);
  await page.locator('select[name=occupation]').selectOption('courier');
  await page.locator('input[name=employer]').fill('某某快递');
  await page.locator('select[name=union]').selectOption('u-express');
}

test('a wrong check digit is refused with aria-invalid; no submit without consent; drafts survive a reload', async () => {
  publish(server, 'j1', makeFeed({ sequence: 1, unions: UNIONS }));
  const { context, page } = await openPage(browser);
  await page.goto(`${server.url}/join?feed=/j1/manifest.json`);
  await appReady(page);
  await page.locator('select[name=union] option[value=u-express]').waitFor({ state: 'attached' });
  // Typing does not flag anything; leaving the field does.
  await page.locator('input[name=id_number]').fill('110105194912310021');
  assert.equal(await page.locator('input[name=id_number]').getAttribute('aria-invalid'), 'false');
  await page.locator('input[name=phone]').focus();
  assert.equal(await page.locator('input[name=id_number]').getAttribute('aria-invalid'), 'true');
  assert.match(await page.locator('[data-error-for=id_number]').innerText(), /校验不对/);
  // Fixed: the mark goes when the field is left again.
  await page.locator('input[name=id_number]').fill(VALID_ID.toLowerCase());
  await page.locator('input[name=phone]').focus();
  assert.equal(await page.locator('input[name=id_number]').getAttribute('aria-invalid'), 'false');
  await fill(page);
  // A draft survives a reload (the consent is asked anew).
  await page.reload();
  await appReady(page);
  await page.locator('select[name=union] option[value=u-express]').waitFor({ state: 'attached' });
  assert.equal(await page.locator('input[name=name]').inputValue(), '王五');
  assert.equal(await page.locator('input[name=id_number]').inputValue(), VALID_ID.toLowerCase());
  assert.equal(await page.locator('input[name=consent]').isChecked(), false);
  await page.locator('.join-form button[type=submit]').click();
  assert.equal(await page.locator('input[name=consent]').getAttribute('aria-invalid'), 'true');
  assert.equal(await page.locator('li[data-request-id]').count(), 0);
  assert.equal(await page.evaluate(() => localStorage.getItem('yizhan.outbox.v1')), null, 'nothing kept or sent');
  await screenshot(page, 'join-form-phone');
  // Submit with every field empty: each says why.
  await page.goto(`${server.url}/join`);
  await page.locator('input[name=name]').fill('');
  await page.evaluate(() => localStorage.removeItem('yizhan.join-draft.v1'));
  await page.reload();
  await appReady(page);
  await page.locator('.join-form button[type=submit]').click();
  for (const name of ['name', 'phone', 'id_number', 'occupation', 'union']) {
    assert.equal(await page.locator(`[name=${name}]`).getAttribute('aria-invalid'), 'true', name);
  }
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('a valid request is kept across reloads, POSTed exactly once after a failed attempt, and its outcome becomes the card', async () => {
  const posts = [];
  let answer = 500;
  server.routes.set('/intake-j', (req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => { posts.push({ status: answer, body: JSON.parse(body) }); res.writeHead(answer); res.end(); });
  });
  publish(server, 'j2', makeFeed({ sequence: 1, unions: UNIONS, intake: `${server.url}/intake-j` }));
  const { context, page } = await openPage(browser);
  await page.goto(`${server.url}/join?feed=/j2/manifest.json`);
  await appReady(page);
  await submitJoin(page);
  await page.locator('li[data-request-id]').waitFor();
  const id = await page.locator('li[data-request-id]').getAttribute('data-request-id');
  assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  // The first attempt is refused by the intake (HTTP 500).
  await page.waitForFunction(() => JSON.parse(localStorage.getItem('yizhan.outbox.v1'))?.[0]?.delivery?.attempts === 1);
  assert.equal(posts.length, 1);
  assert.equal(posts[0].body.id, id);
  assert.equal(posts[0].body.kind, 'join');
  assert.equal(posts[0].body.payload.id_number, VALID_ID);
  assert.equal(posts[0].body.payload.phone, '13912345678');
  // Reloading before the back-off ends sends nothing.
  answer = 202;
  await page.reload();
  await page.locator(`li[data-request-id="${id}"]`).waitFor();
  await page.waitForTimeout(500);
  assert.equal(posts.length, 1, 'back-off respected');
  // After the back-off (15 s), the next start sends it again, and it is accepted.
  await page.waitForTimeout(15500);
  await page.reload();
  await page.waitForFunction(() => JSON.parse(localStorage.getItem('yizhan.outbox.v1'))?.[0]?.delivery?.state === 'sent', null, { timeout: 15000 });
  assert.equal(posts.length, 2);
  assert.equal(posts[1].body.id, id);
  // Never again after the 2xx, whatever the reloads.
  await page.reload();
  await page.locator(`li[data-request-id="${id}"]`).waitFor();
  await page.evaluate(() => dispatchEvent(new Event('online')));
  await page.waitForTimeout(800);
  assert.equal(posts.length, 2, 'not sent twice after a 2xx');
  assert.match(await page.locator('[data-testid=delivery]').innerText(), /已送达工会/);
  // The union approves: the feed's statuses name sha256(id).
  publish(server, 'j2', makeFeed({ sequence: 2, unions: UNIONS, intake: `${server.url}/intake-j`,
    statuses: [{ ref: sha256(Buffer.from(id)), state: 'approved', member_no: '3715002026000777', note: '欢迎加入', updated: '2026-11-22T10:00:00+08:00' }] }));
  await page.reload();
  await page.locator('[data-testid=outcome][data-state=approved]').waitFor({ timeout: 15000 });
  assert.match(await page.locator('[data-testid=outcome]').innerText(), /已通过.*欢迎加入/);
  await screenshot(page, 'join-approved-phone');
  await page.goto(`${server.url}/me`);
  await page.locator('.member-card[data-member-no="3715002026000777"]').waitFor({ timeout: 15000 });
  assert.match(await page.locator('.member-card').innerText(), /王五/);
  assert.match(await page.locator('.member-card').innerText(), /快递行业工会联合会/);
  assert.deepEqual(page.errors.filter((e) => !e.includes('500')), []);
  await context.close();
});

test('without an intake the request stays on the device with a QR code to hand over; delete removes it', async () => {
  publish(server, 'j3', makeFeed({ sequence: 1, unions: UNIONS }));
  const { context, page } = await openPage(browser);
  await page.goto(`${server.url}/join?feed=/j3/manifest.json`);
  await appReady(page);
  await page.locator('select[name=union] option[value=u-express]').waitFor({ state: 'attached' });
  await page.locator('input[value=transfer]').check();
  await fill(page);
  await page.locator('.join-form button[type=submit]').click();
  assert.equal(await page.locator('input[name=from_union]').getAttribute('aria-invalid'), 'true');
  await page.locator('input[name=from_union]').fill('原单位工会');
  await page.locator('input[name=consent]').check();
  await page.locator('.join-form button[type=submit]').click();
  await page.locator('li[data-request-id]').waitFor();
  assert.match(await page.locator('[data-testid=delivery]').innerText(), /保存在本机/);
  await page.locator('button[data-action=show-qr]').click();
  await page.locator('li[data-request-id] .qr svg').waitFor();
  await page.reload();
  await page.locator('li[data-request-id]').waitFor();
  await page.locator('button[data-action=delete-request]').click();
  await page.locator('button[data-action=delete-request]').click();
  await page.waitForFunction(() => !document.querySelector('li[data-request-id]'));
  assert.equal(await page.evaluate(() => JSON.parse(localStorage.getItem('yizhan.outbox.v1')).length), 0);
  await context.close();
});

test('a submitted request turns from "waiting to send" to "sent" on screen when its POST succeeds, without a reload', async () => {
  // The intake holds its answer until the test releases it, so the waiting state is seen.
  let release;
  const answered = new Promise((resolve) => { release = resolve; });
  const posts = [];
  server.routes.set('/intake-live', (req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', async () => {
      posts.push(JSON.parse(body));
      await answered;
      res.writeHead(202);
      res.end();
    });
  });
  publish(server, 'j4', makeFeed({ sequence: 1, unions: UNIONS, intake: `${server.url}/intake-live` }));
  const { context, page } = await openPage(browser);
  await page.goto(`${server.url}/join?feed=/j4/manifest.json`);
  await appReady(page);
  await page.locator('select[name=union] option[value=u-express]').waitFor({ state: 'attached' });
  // A mark on this document: a reload or navigation would lose it.
  await page.evaluate(() => { window.__sameDocument = true; });
  await fill(page);
  await page.locator('input[name=consent]').check();
  await page.locator('.join-form button[type=submit]').click();
  const row = page.locator('li[data-request-id]');
  await row.waitFor();
  assert.match(await row.locator('[data-testid=delivery]').innerText(), /等待发送/);
  // The POST is in flight; release the intake's 202.
  while (posts.length === 0) await page.waitForTimeout(50);
  assert.equal(posts[0].kind, 'join');
  release();
  await page.waitForFunction(
    () => document.querySelector('li[data-request-id] [data-testid=delivery]')?.innerText.includes('已送达工会'),
    null, { timeout: 10000 });
  assert.equal(await page.evaluate(() => window.__sameDocument), true, 'no reload happened');
  assert.equal(posts.length, 1);
  await context.close();
});

test('an intake answering with a redirect does not count as delivered: the request stays waiting', async () => {
  // fetch would follow a 302 with a GET without the body; that GET's 200 once marked
  // the request "sent" although the union never received it.
  const seen = [];
  server.routes.set('/intake-moved', (req, res) => {
    seen.push(req.method);
    res.writeHead(302, { location: '/intake-elsewhere' });
    res.end();
  });
  server.routes.set('/intake-elsewhere', (req, res) => { seen.push(`followed ${req.method}`); res.writeHead(200); res.end(); });
  publish(server, 'j5', makeFeed({ sequence: 1, unions: UNIONS, intake: `${server.url}/intake-moved` }));
  const { context, page } = await openPage(browser);
  await page.goto(`${server.url}/join?feed=/j5/manifest.json`);
  await appReady(page);
  await submitJoin(page);
  await page.waitForFunction(() => JSON.parse(localStorage.getItem('yizhan.outbox.v1'))?.[0]?.delivery?.attempts === 1,
    null, { timeout: 10000 });
  const stored = await page.evaluate(() => JSON.parse(localStorage.getItem('yizhan.outbox.v1'))[0].delivery);
  assert.equal(stored.state, 'pending', 'a redirect is not an acceptance');
  assert.deepEqual(seen, ['POST'], 'the redirect was not followed');
  assert.match(await page.locator('[data-testid=delivery]').innerText(), /等待发送/);
  await context.close();
});

test('an approval whose member number is malformed shows the outcome but makes no card', async () => {
  publish(server, 'j6', makeFeed({ sequence: 1, unions: UNIONS }));
  const { context, page } = await openPage(browser);
  await page.goto(`${server.url}/join?feed=/j6/manifest.json`);
  await appReady(page);
  await submitJoin(page);
  await page.locator('li[data-request-id]').waitFor();
  const id = await page.locator('li[data-request-id]').getAttribute('data-request-id');
  publish(server, 'j6', makeFeed({ sequence: 2, unions: UNIONS,
    statuses: [{ ref: sha256(Buffer.from(id)), state: 'approved', member_no: '<img src=x>', updated: '2026-11-22T10:00:00+08:00' }] }));
  await page.reload();
  await page.locator('[data-testid=outcome][data-state=approved]').waitFor({ timeout: 15000 });
  await page.goto(`${server.url}/me`);
  await appReady(page);
  await page.waitForTimeout(1000);
  assert.equal(await page.locator('.member-card').count(), 0, 'no card from a malformed number');
  assert.equal(await page.evaluate(() => JSON.parse(localStorage.getItem('yizhan.wallet.v1') ?? '{}').card ?? null), null);
  await context.close();
});

test('storage problems are said: a corrupt request list, and a full device on submit (the form stays)', async () => {
  publish(server, 'j7', makeFeed({ sequence: 1, unions: UNIONS }));
  const { context, page } = await openPage(browser);
  await page.addInitScript(() => {
    if (!sessionStorage.getItem('seeded')) {
      sessionStorage.setItem('seeded', '1');
      localStorage.setItem('yizhan.outbox.v1', '[{"id":"x","kind":"join",');
    }
  });
  await page.goto(`${server.url}/join?feed=/j7/manifest.json`);
  await appReady(page);
  await page.locator('p.notice[role=alert]').filter({ hasText: '已损坏' }).waitFor({ timeout: 10000 });
  assert.equal(await page.evaluate(() => localStorage.getItem('yizhan.outbox.v1.corrupt')), '[{"id":"x","kind":"join",',
    'the damaged list is kept aside, not dropped');
  await page.locator('select[name=union] option[value=u-express]').waitFor({ state: 'attached' });
  await fill(page);
  await page.locator('input[name=consent]').check();
  // Fill the origin's storage to the brim, then submit.
  await page.evaluate(() => {
    let i = 0;
    for (const size of [1 << 20, 1 << 16, 1 << 10, 16]) {
      const chunk = 'x'.repeat(size);
      try { for (;;) localStorage.setItem(`filler-${i++}`, chunk); } catch { /* full */ }
    }
  });
  await page.locator('.join-form button[type=submit]').click();
  await page.locator('[data-testid=submit-failed]').waitFor();
  assert.match(await page.locator('[data-testid=submit-failed]').innerText(), /存储空间已满/);
  assert.equal(await page.locator('input[name=name]').inputValue(), '王五', 'nothing typed is lost');
  assert.equal(await page.locator('input[name=id_number]').inputValue(), VALID_ID.toLowerCase());
  assert.equal(await page.locator('li[data-request-id]').count(), 0);
  await context.close();
});

test('two tabs submitting at once both keep their request', async () => {
  publish(server, 'j8', makeFeed({ sequence: 1, unions: UNIONS }));
  const { context, page } = await openPage(browser);
  const second = await context.newPage();
  for (const p of [page, second]) {
    await p.goto(`${server.url}/join?feed=/j8/manifest.json`);
    await appReady(p);
    await p.locator('select[name=union] option[value=u-express]').waitFor({ state: 'attached' });
    await fill(p);
    await p.locator('input[name=consent]').check();
  }
  await Promise.all([page, second].map((p) => p.locator('.join-form button[type=submit]').click()));
  await page.waitForFunction(() => JSON.parse(localStorage.getItem('yizhan.outbox.v1') ?? '[]').length === 2,
    null, { timeout: 10000 });
  const ids = await page.evaluate(() => JSON.parse(localStorage.getItem('yizhan.outbox.v1')).map((i) => i.id));
  assert.equal(new Set(ids).size, 2, 'both requests kept');
  // Each tab shows both (the other tab's through the storage event).
  for (const p of [page, second]) {
    await p.waitForFunction(() => document.querySelectorAll('li[data-request-id]').length === 2, null, { timeout: 10000 });
  }
  await context.close();
});

test('after a submit the form shows what it holds: no union, no occupation; an error under the union means none is shown', async () => {
  // Before: the select kept showing the union picked for the last request, while the
  // form held none, so the next submit said "please choose" under a visibly chosen union.
  publish(server, 'j9', makeFeed({ sequence: 1, unions: UNIONS }));
  const { context, page } = await openPage(browser);
  await page.goto(`${server.url}/join?feed=/j9/manifest.json`);
  await appReady(page);
  await submitJoin(page);
  await page.locator('li[data-request-id]').waitFor();
  assert.equal(await page.locator('select[name=union]').inputValue(), '', 'no union shown after the submit');
  assert.equal(await page.locator('select[name=occupation]').inputValue(), '', 'no occupation shown after the submit');
  // The next worker fills everything but the union: the error and the screen agree.
  await page.locator('input[name=name]').fill('赵六');
  await page.locator('input[name=phone]').fill('13912345678');
  await page.locator('input[name=id_number]').fill(VALID_ID);
  await page.locator('select[name=occupation]').selectOption('sanitation');
  await page.locator('input[name=employer]').fill('环卫所');
  await page.locator('input[name=consent]').check();
  await page.locator('.join-form button[type=submit]').click();
  assert.equal(await page.locator('select[name=union]').getAttribute('aria-invalid'), 'true');
  assert.equal(await page.locator('select[name=union]').inputValue(), '', 'the union said to be missing is not shown as chosen');
  // Choosing it now is accepted.
  await page.locator('select[name=union]').selectOption('u-sanitation');
  await page.locator('.join-form button[type=submit]').click();
  await page.waitForFunction(() => document.querySelectorAll('li[data-request-id]').length === 2);
  await context.close();
});

test('delete all leaves nothing personal in any storage, set-aside copies and another tab’s draft included', async () => {
  publish(server, 'j10', makeFeed({ sequence: 1, unions: UNIONS }));
  const { context, page } = await openPage(browser);
  // A damaged wallet (it held a name and a member number) is set aside as *.corrupt.
  await page.addInitScript(() => {
    if (!sessionStorage.getItem('seeded')) {
      sessionStorage.setItem('seeded', '1');
      localStorage.setItem('yizhan.wallet.v1', '{"card": {"name": "张三", "member_no": "3715');
    }
  });
  await page.goto(`${server.url}/join?feed=/j10/manifest.json`);
  await appReady(page);
  await submitJoin(page);
  await page.locator('li[data-request-id]').waitFor();
  const other = await context.newPage();
  await other.goto(`${server.url}/join`);
  await appReady(other);
  await other.locator('input[name=name]').fill('另一个标签页');
  await other.locator('input[name=phone]').fill('13800000000');
  const before = await page.evaluate(() => Object.keys(localStorage).sort());
  for (const key of ['yizhan.wallet.v1.corrupt', 'yizhan.outbox.v1', 'yizhan.join-draft.v1', 'yizhan.prefs.v1']) {
    assert.ok(before.includes(key), `${key} was written before (${before})`);
  }
  assert.ok((await page.evaluate(() => caches.keys())).includes('yizhan-ledger-v1'));

  await page.goto(`${server.url}/me`);
  await appReady(page);
  // First the person takes their data with them: one readable file with the request.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.locator('button[data-action=export]').click(),
  ]);
  assert.equal(download.suggestedFilename(), 'yizhan-my-data.json');
  const text = fs.readFileSync(await download.path(), 'utf8');
  const data = JSON.parse(text);
  assert.equal(data.exported_by, 'yizhan');
  assert.equal(data.requests.length, 1);
  assert.equal(data.requests[0].kind, 'join');
  assert.equal(data.requests[0].payload.name, '王五');
  assert.match(text, /^\{\n  "exported_by": "yizhan",\n/, 'laid out for a person to read');
  await page.locator('button[data-action=delete-all]').click();
  await page.locator('button[data-action=delete-all]').click();
  await page.getByText('数据已全部删除').waitFor();
  // The other tab starts again from the emptied storage: its form is empty, and typing
  // there no longer brings back what the last person typed.
  await other.waitForFunction(() => document.querySelector('input[name=name]')?.value === '', null, { timeout: 10000 });
  await appReady(other);
  await page.waitForTimeout(300);

  const left = async (p) => p.evaluate(async () => ({
    local: Object.keys(localStorage).sort(),
    session: Object.keys(sessionStorage).filter((k) => k !== 'seeded'),
    caches: (await caches.keys()).sort(),
    feedCache: await (async () => {
      const c = await caches.open('yizhan-feed-v1');
      return (await c.keys()).map((r) => new URL(r.url).pathname);
    })(),
    // The service worker's word on which app opens the stations (sw.js).
    routes: await (async () => {
      const c = await caches.open('yizhan-routes-v1');
      return (await c.keys()).map((r) => new URL(r.url).pathname);
    })(),
    databases: (await indexedDB.databases()).map((d) => d.name),
  }));
  for (const p of [page, other]) {
    const { local, session, caches: names, feedCache, routes, databases } = await left(p);
    assert.deepEqual(local.filter((k) => !['yizhan.feed.v1', 'yizhan.build.v1'].includes(k)), [],
      `localStorage keeps only the public feed's bookkeeping and the build id: ${local}`);
    assert.deepEqual(session, [], 'sessionStorage is empty');
    assert.deepEqual(names.filter((n) => !['yizhan-feed-v1', 'yizhan-routes-v1'].includes(n) && !n.startsWith('yizhan-shell-')), [],
      `caches: only the public feed copy, the app's own files and the worker's word on routes: ${names}`);
    // Only the word that the stations may open in the stations app, which says nothing
    // about anyone (its absence means the whole app).
    assert.ok(routes.every((r) => r === '/route/stations-app-allowed'), `routes: ${routes}`);
    // The other tab restarted on the default feed (the remembered ?feed= was deleted too).
    assert.ok(feedCache.every((path) => /^\/(j10|feed)\/[\w/.-]+\.json$/.test(path)), `the feed cache holds feed files only: ${feedCache}`);
    assert.deepEqual(databases, [], 'no IndexedDB');
  }
  await context.close();
});

test('a union asking for more is answered from the app on the same request; a station report is followed too; the wait is shown against the union’s usual time', async () => {
  const posts = [];
  server.routes.set('/intake-s', (req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => { posts.push(JSON.parse(body)); res.writeHead(202); res.end(); });
  });
  const unions = UNIONS.map((u) => ({ ...u, answer_days: 3, phone: '0635-8888888' }));
  const station = gcjStation('371500-0002', { lat: 36.457, lng: 115.985 }, { name: '东昌府爱心驿站' });
  const feed = (sequence, statuses) => makeFeed({ sequence, unions, statuses, intake: `${server.url}/intake-s`,
    regions: [{ code: '371500', name: '聊城市', stations: [station] }] });
  publish(server, 'sup', feed(1));
  const { context, page } = await openPage(browser);
  await page.goto(`${server.url}/join?feed=/sup/manifest.json`);
  await appReady(page);
  await submitJoin(page);
  await page.locator('li[data-request-id]').waitFor();
  const id = await page.locator('li[data-request-id]').getAttribute('data-request-id');
  const row = page.locator(`li[data-request-id="${id}"]`);
  await page.waitForFunction(() => JSON.parse(localStorage.getItem('yizhan.outbox.v1'))?.[0]?.delivery?.state === 'sent');
  assert.equal(await row.locator('[data-testid=waiting]').innerText(), '已等待 0 天 · 工会通常 3 天内答复');
  // The union asks for more.
  publish(server, 'sup', feed(2, [{ ref: sha256(Buffer.from(id)), state: 'needs_info', note: '请补充工作单位的全称', updated: '2026-12-01T10:00:00+08:00' }]));
  await page.reload();
  await page.locator('[data-testid=outcome][data-state=needs_info]').waitFor({ timeout: 15000 });
  assert.match(await row.locator('[data-testid=outcome]').innerText(), /需要补充材料.*请补充工作单位的全称/);
  await row.locator('[data-action=send-supplement]').click();
  assert.match(await row.locator('.supplement [role=alert]').innerText(), /请先写下要补充的内容/);
  await row.locator('textarea[name=supplement-note]').fill('某某快递聊城分公司\n东昌府区');
  await row.scrollIntoViewIfNeeded();
  await screenshot(page, 'join-needs-info-phone');
  await row.locator('[data-action=send-supplement]').click();
  await row.locator('[data-testid=supplement-sent]').waitFor();
  assert.match(await row.locator('[data-testid=supplement-sent]').innerText(), /已补充：某某快递聊城分公司/);
  await page.waitForFunction(() => JSON.parse(localStorage.getItem('yizhan.outbox.v1')).every((i) => i.delivery.state === 'sent'));
  const supplement = posts.find((p) => p.kind === 'supplement');
  assert.deepEqual(supplement.payload, { of: id, note: '某某快递聊城分公司\n东昌府区' });
  assert.notEqual(supplement.id, id, 'a request of its own, tied by `of`');
  assert.equal(await page.locator('li[data-request-id]').count(), 1, 'shown under its request, not as a row');
  // A station report is followed here too, by the station's name.
  await page.goto(`${server.url}/stations/371500-0002`);
  await page.getByLabel('该开门时没开').check({ timeout: 15000 });
  await page.locator('form.report button[type=submit]').click();
  await page.waitForFunction(() => JSON.parse(localStorage.getItem('yizhan.outbox.v1')).filter((i) => i.delivery.state === 'sent').length === 3);
  const report = posts.find((p) => p.kind === 'report');
  // The union answers both: the join approved, the report checked.
  publish(server, 'sup', feed(3, [
    { ref: sha256(Buffer.from(id)), state: 'approved', member_no: '3715002026000778', updated: '2026-12-03T10:00:00+08:00' },
    { ref: sha256(Buffer.from(report.id)), state: 'approved', note: '开放时间已更新', updated: '2026-12-03T10:00:00+08:00' },
  ]));
  await page.goto(`${server.url}/join`);
  const reportRow = page.locator(`li[data-request-id="${report.id}"][data-kind=report]`);
  await reportRow.locator('[data-testid=outcome][data-state=approved]').waitFor({ timeout: 15000 });
  // Named by the station (its shard loaded from the device: no position on this page).
  await reportRow.locator('.request-head', { hasText: '站点问题报告 · 东昌府爱心驿站' }).waitFor({ timeout: 15000 });
  assert.match(await reportRow.locator('[data-testid=outcome]').innerText(), /已核实并更新 · 开放时间已更新/);
  assert.equal(await reportRow.locator('[data-action=show-qr]').count(), 0, 'nothing personal to hand over');
  await row.locator('[data-testid=outcome][data-state=approved]').waitFor({ timeout: 15000 });
  assert.equal(await row.locator('.supplement, [data-testid=waiting]').count(), 0, 'answered: no form, no wait');
  await screenshot(page, 'join-requests-followed-phone');
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('a union is suggested only from what the app knows of the place: none on a direct visit, the chosen city’s, or the one near the position (the Liaocheng case)', async () => {
  const unions = [
    { id: 'ty-san', name: '太原市环卫工会', region: '140100', occupations: ['sanitation'] },
    { id: 'sh-exp', name: '上海市快递行业工会', region: '310000', occupations: ['courier'] },
    { id: 'bj-exp', name: '北京市快递行业工会', region: '110000', occupations: ['courier'] },
    { id: 'lc-san', name: '聊城市环卫系统工会', region: '371500', occupations: ['sanitation'] },
    { id: 'lc-exp', name: '聊城市快递行业工会联合会', region: '371500', occupations: ['courier'] },
  ];
  const liaocheng = { lat: 36.457, lng: 115.985 };
  publish(server, 'place', makeFeed({ sequence: 1, unions, regions: [
    { code: '371500', name: '聊城市', stations: [gcjStation('371500-0001', liaocheng)] },
    { code: '140100', name: '太原市', stations: [gcjStation('140100-0001', { lat: 37.87, lng: 112.55 })] },
  ] }));
  const options = (page) => page.locator('select[name=union] option').allInnerTexts();
  const { context, page } = await openPage(browser);
  await page.goto(`${server.url}/join?feed=/place/manifest.json`);
  await appReady(page);
  await page.locator('select[name=union] option[value=lc-san]').waitFor({ state: 'attached' });
  for (const occupation of ['sanitation', 'courier']) {
    await page.locator('select[name=occupation]').selectOption(occupation);
    assert.deepEqual((await options(page)).filter((o) => o.includes('推荐')), [], `${occupation}: nothing suggested with no place known`);
    await page.locator('[data-testid=city-hint]').waitFor();
  }
  // The worker says where they work: that city's union for their trade, and only it.
  await page.locator('select[name=occupation]').selectOption('sanitation');
  await page.locator('select[name=city]').selectOption('371500');
  await page.waitForFunction(() => document.querySelectorAll('select[name=union] option')[1]?.textContent.includes('推荐'));
  assert.deepEqual((await options(page)).filter((o) => o.includes('推荐')), ['聊城市环卫系统工会 · 推荐']);
  assert.equal(await page.locator('[data-testid=city-hint]').count(), 0);
  // Kept with the draft across a reload.
  await page.reload();
  await page.waitForFunction(() => document.querySelectorAll('select[name=union] option')[1]?.textContent.includes('推荐'));
  assert.deepEqual((await options(page)).filter((o) => o.includes('推荐')), ['聊城市环卫系统工会 · 推荐']);
  await screenshot(page, 'join-city-chosen-phone');
  await context.close();
  // A courier who found stations near them in Liaocheng, then taps 入会: Liaocheng's courier union.
  const second = await openPage(browser);
  await second.page.goto(`${server.url}/stations?feed=/place/manifest.json&near=${liaocheng.lat},${liaocheng.lng}`);
  await appReady(second.page);
  await second.page.locator('li[data-station-id]').first().waitFor({ timeout: 15000 });
  await second.page.locator('.bottom-nav a[href="/join"]').click();
  await second.page.locator('select[name=occupation]').selectOption('courier', { timeout: 15000 });
  await second.page.waitForFunction(() => document.querySelectorAll('select[name=union] option')[1]?.textContent.includes('推荐'));
  assert.deepEqual((await options(second.page)).filter((o) => o.includes('推荐')), ['聊城市快递行业工会联合会 · 推荐']);
  assert.deepEqual([...page.errors, ...second.page.errors], []);
  await second.context.close();
});
