// The union desk's web page as a clerk uses it, with the real parts: the real intake
// server (sealed requests only), the real desk page (`yizhan-feed desk serve`, on the
// clerk's computer, its own folder and database, its settings in one config file), and
// the worker's app in Chromium. Every publication is made by the page's 发布 button
// into the publication folder, which is what the app reads.
//
// Two workers join and claim the one coupon left; the first also reports a station.
// The clerk approves one join, asks the other for more information, resolves the
// report; the worker answers from the app; the clerk approves. Each outcome shows in
// the worker's app. axe runs on every desk page; screenshots of each go to docs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serveDist, launchBrowser, openPage, appReady, screenshot, ROOT } from './support.mjs';
import { publish } from './feeds.mjs';
import { bin, startIntake, startListening, delivered } from './union.mjs';

const KEY = path.join(ROOT, 'sample/SAMPLE-ONLY-publisher.key');
const AXE_SOURCE = fs.readFileSync(path.join(ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
const day = (offset) => new Date(Date.now() + 8 * 3600e3 + offset * 86400e3).toISOString().slice(0, 10); // China date
const CAMPAIGNS = [{ id: 'fit', kind: 'fitness', title: '职工健身券', venues: [{ name: '工人文化宫健身馆' }],
  valid_from: day(-5), valid_until: day(40), per_member: 1, period: 'month', total: 1, remaining: 1, members_only: false }];
const UNIONS = [{ id: 'u-express', name: '快递行业工会联合会', region: '371500', occupations: ['courier'], answer_days: 3 }];
// What the workers type and the clerk writes to them: never in a published byte.
const PERSONAL = ['王五', '赵六', '13912345678', '13812345678', '11010519491231002X', '3715002026000777',
  '3715002026000778', '欢迎加入', '请补充工作单位的全称', '某某快递聊城分公司'];

let server, browser, intake, deskPage, work, clerkDir, pubDir, deskUrl, station;

before(async () => {
  execFileSync('cargo', ['build', '--quiet', '--release', '-p', 'yizhan-intake', '-p', 'yizhan-feed'], { cwd: ROOT, stdio: 'inherit' });
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'yizhan-desk-web-'));
  const serverDir = path.join(work, 'server');
  clerkDir = path.join(work, 'clerk');
  pubDir = path.join(work, 'publication');
  fs.mkdirSync(serverDir);
  fs.mkdirSync(clerkDir);
  const feed = (...args) => execFileSync(bin('yizhan-feed'), args, { cwd: clerkDir, encoding: 'utf8' });
  // What the IT person sets up once: the desk's key, the intake's token on both
  // machines, the input files and the one config file.
  feed('desk', 'keygen', '--out', 'desk.key');
  const token = crypto.randomBytes(32).toString('hex');
  fs.writeFileSync(path.join(serverDir, 'desk.token'), token, { mode: 0o600 });
  fs.writeFileSync(path.join(clerkDir, 'intake.token'), token, { mode: 0o600 });
  feed('generate', '--stations', '20', '--seed', '7', '--cities', '371500', '--out', 'stations.csv');
  const [header, first] = fs.readFileSync(path.join(clerkDir, 'stations.csv'), 'utf8').split('\n');
  const cells = first.split(',');
  const at = (name) => cells[header.split(',').indexOf(name)];
  station = { id: at('id'), name: at('name'), lat: at('lat'), lng: at('lng') };
  fs.writeFileSync(path.join(clerkDir, 'campaigns.json'), JSON.stringify({ campaigns: CAMPAIGNS }));
  fs.writeFileSync(path.join(clerkDir, 'unions.json'), JSON.stringify({ unions: UNIONS }));
  server = await serveDist();
  ({ child: intake, url: intakeUrl } = await startIntake({ dir: serverDir, origin: new URL(server.url).origin,
    tokenFile: path.join(serverDir, 'desk.token') }));
  fs.writeFileSync(path.join(clerkDir, 'desk.conf'), `# 工会服务台
db = desk.sqlite
intake = ${intakeUrl}
token_file = intake.token
desk_key = desk.key
sign_key = ${KEY}
card_valid_until = ${day(400)}
stations = stations.csv
campaigns = campaigns.json
unions = unions.json
publication = ${pubDir}
publisher = 测试工会
`);
  ({ child: deskPage, url: deskUrl } = await startListening(bin('yizhan-feed'),
    ['desk', 'serve', '--config', path.join(clerkDir, 'desk.conf'), '--listen', '127.0.0.1:0']));
  browser = await launchBrowser();
});
let intakeUrl;
after(async () => {
  deskPage?.kill();
  intake?.kill();
  await browser?.close();
  await server?.close();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

/** axe on the desk page as it is: no serious or critical violation. */
async function axe(page, label) {
  await page.evaluate(AXE_SOURCE);
  const result = await page.evaluate(() => window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa', 'wcag22aa'] } }));
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(bad.map((v) => `${label}: ${v.id} (${v.impact}) ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`), []);
}

/** The desk page's screen, checked by axe (and every control a 44 px target) and saved as desk-NAME. */
async function shoot(page, name) {
  await axe(page, name);
  const tiny = await page.evaluate(() => [...document.querySelectorAll('main a, main button, main input, main select, main textarea, main summary, header a, header button')]
    .filter((e) => e.getClientRects().length)
    .map((e) => (e.matches('input[type=radio], input[type=checkbox]') ? e.closest('label') ?? e : e))
    .filter((e) => { const r = e.getBoundingClientRect(); return r.height < 44 || r.width < 44; })
    .map((e) => { const r = e.getBoundingClientRect(); return `${e.tagName} "${e.textContent.trim().slice(0, 20)}" ${Math.round(r.width)}x${Math.round(r.height)}`; }));
  assert.deepEqual(tiny, [], `${name}: targets under 44 px`);
  await screenshot(page, `desk-${name}`);
}

/** The clerk presses 发布; the publication folder is then what the app's host serves. */
async function publishRound(clerk, sequence) {
  await clerk.goto(`${deskUrl}/publish`);
  await clerk.locator('button[data-action=publish]').click();
  const result = clerk.locator('[data-testid=published]');
  await result.waitFor({ timeout: 60000 }).catch(async () => {
    throw new Error(`not published: ${await clerk.locator('main').innerText()}`);
  });
  assert.equal(await result.getAttribute('data-sequence'), String(sequence));
  const files = {};
  for (const file of fs.readdirSync(pubDir, { recursive: true })) {
    const full = path.join(pubDir, file);
    if (fs.statSync(full).isFile()) files[file] = fs.readFileSync(full);
  }
  assert.equal(JSON.parse(files['manifest.json']).sequence, sequence, 'the 发布 button wrote this sequence');
  assert.ok(files['manifest.json.sig'], 'signed');
  for (const [name, bytes] of Object.entries(files)) {
    for (const text of PERSONAL) assert.equal(bytes.indexOf(Buffer.from(text)), -1, `${name} holds ${text}`);
  }
  publish(server, 'pub', files);
  return result.innerText();
}

/** The clerk opens the request of `who` in the queue's tab `kind` and records a decision. */
async function decide(clerk, kind, who, { decision, memberNo, note }) {
  await clerk.goto(`${deskUrl}/?kind=${kind}`);
  await clerk.locator('table.queue').first().locator('tr', { hasText: who }).locator('a').click();
  await clerk.locator(`input[name=decision][value=${decision}]`).check();
  if (memberNo !== undefined) await clerk.locator('#member_no').fill(memberNo);
  if (note !== undefined) await clerk.locator('#note').fill(note);
  await clerk.locator('button[data-action=decide]').click();
  await clerk.locator('[data-testid=recorded]').waitFor();
}

async function sendJoin(page, { name, phone }) {
  await page.goto(`${server.url}/join?feed=/pub/manifest.json`);
  await appReady(page);
  await page.locator('select[name=union] option[value=u-express]').waitFor({ state: 'attached', timeout: 15000 });
  await page.locator('input[name=name]').fill(name);
  await page.locator('input[name=phone]').fill(phone);
  await page.locator('input[name=id_number]').fill('11010519491231002X');
  await page.locator('select[name=occupation]').selectOption('courier');
  await page.locator('select[name=union]').selectOption('u-express');
  await page.locator('input[name=consent]').check();
  await page.locator('.join-form button[type=submit]').click();
  await page.locator('li.request[data-request-id]').waitFor();
}

async function claimFit(page) {
  await page.locator('.bottom-nav a[href="/coupons"]').click();
  await page.locator('[data-campaign-id=fit] button[data-action=claim]').click();
  await page.locator('.my-coupons li[data-coupon-id]').waitFor();
}

test('a clerk decides every kind of request on the desk page; 发布 publishes the feed each worker reads their outcome from', async () => {
  const clerkCtx = await openPage(browser, { viewport: { width: 1280, height: 900 } });
  const clerk = clerkCtx.page;
  // 0. The first publication: stations, the campaign, the unions, the intake and the desk's key.
  await clerk.goto(deskUrl);
  await shoot(clerk, 'queue-empty');
  await publishRound(clerk, 1);

  // 1. Two workers join and claim the last coupon; the first reports a station.
  const a = await openPage(browser);
  await sendJoin(a.page, { name: '王五', phone: '139 1234 5678' });
  await claimFit(a.page);
  await delivered(a.page, 2);
  await a.page.goto(`${server.url}/stations/${station.id}?near=${station.lat},${station.lng}`);
  await a.page.getByLabel('该开门时没开').check({ timeout: 15000 });
  await a.page.locator('form.report textarea').fill('早上八点还锁着门');
  await a.page.locator('form.report button[type=submit]').click();
  await delivered(a.page, 3);
  const b = await openPage(browser);
  await sendJoin(b.page, { name: '赵六', phone: '138 1234 5678' });
  await claimFit(b.page);
  await delivered(b.page, 2);
  const idOf = (page) => page.evaluate(() => JSON.parse(localStorage.getItem('yizhan.outbox.v1')).find((i) => i.kind === 'join').id);
  const [joinA, joinB] = [await idOf(a.page), await idOf(b.page)];

  // 2. 发布 pulls them: the claims are decided by the campaign's rules (first come, one
  // coupon), the joins and the report wait for the clerk.
  const said = await publishRound(clerk, 2);
  assert.match(said, /取回新申请：5/);
  assert.match(said, /发放 1，未发放 1/);
  await shoot(clerk, 'publish-done');
  await clerk.goto(`${deskUrl}/?kind=join`);
  const waiting = clerk.locator('table.queue').first();
  assert.match(await waiting.innerText(), /赵六[\s\S]*快递员 · 快递行业工会联合会[\s\S]*王五/, 'newest first, in words');
  assert.match(await waiting.innerText(), new RegExp(day(0)), 'Beijing time');
  await shoot(clerk, 'queue');
  await clerk.locator('table.queue tr', { hasText: '王五' }).locator('a').click();
  assert.match(await clerk.locator('dl.fields').innerText(), /11010519491231002X[\s\S]*快递员/);
  await shoot(clerk, 'request');
  // A member number the app would refuse is refused here too, and nothing typed is lost.
  await clerk.locator('input[name=decision][value=approved]').check();
  await clerk.locator('#member_no').fill('37-15');
  await clerk.locator('#note').fill('欢迎加入');
  await clerk.locator('button[data-action=decide]').click();
  await clerk.locator('p.error[role=alert]').waitFor();
  assert.match(await clerk.locator('p.error').innerText(), /会员号/);
  assert.equal(await clerk.locator('#note').inputValue(), '欢迎加入');
  await shoot(clerk, 'request-refused');
  await clerk.locator('#member_no').fill('3715 0020 2600 0777');
  await clerk.locator('button[data-action=decide]').click();
  await clerk.locator('[data-testid=recorded]').waitFor();
  await decide(clerk, 'join', '赵六', { decision: 'needs_info', note: '请补充工作单位的全称' });
  await clerk.goto(`${deskUrl}/?kind=report`);
  await clerk.locator('table.queue tr', { hasText: station.name }).locator('a').click();
  assert.match(await clerk.locator('main').innerText(), /该开门时没开[\s\S]*公开发布/);
  await shoot(clerk, 'report');
  await clerk.locator('input[name=decision][value=approved]').check();
  await clerk.locator('#note').fill('开放时间已更新');
  await clerk.locator('button[data-action=decide]').click();
  await clerk.locator('[data-testid=recorded]').waitFor();
  await clerk.goto(`${deskUrl}/claims`);
  assert.match(await clerk.locator('tr[data-campaign=fit]').innerText(), /职工健身券\s+1\s+0\s+已发完：1/);
  await shoot(clerk, 'claims');
  await clerk.goto(`${deskUrl}/problems`);
  await shoot(clerk, 'problems');
  await publishRound(clerk, 3);

  // 3. The workers' apps: approved, the report checked, one coupon issued, one refused,
  // and the union asking the second worker for more.
  await a.page.goto(`${server.url}/join`);
  await a.page.locator(`li.request[data-request-id="${joinA}"] [data-testid=outcome][data-state=approved]`).waitFor({ timeout: 20000 });
  const report = a.page.locator('li.request[data-kind=report]');
  await report.locator('[data-testid=outcome][data-state=approved]').waitFor({ timeout: 20000 });
  assert.match(await report.locator('[data-testid=outcome]').innerText(), /已核实并更新 · 开放时间已更新/);
  await a.page.goto(`${server.url}/coupons`);
  await a.page.locator('.my-coupons li[data-coupon-id] .coupon-state.state-unused').waitFor({ timeout: 20000 });
  await b.page.goto(`${server.url}/coupons`);
  await b.page.locator('.my-coupons li[data-coupon-id] .coupon-state.state-refused').waitFor({ timeout: 20000 });
  await b.page.goto(`${server.url}/join`);
  const rowB = b.page.locator(`li.request[data-request-id="${joinB}"]`);
  await rowB.locator('[data-testid=outcome][data-state=needs_info]').waitFor({ timeout: 20000 });
  assert.match(await rowB.locator('[data-testid=outcome]').innerText(), /请补充工作单位的全称/);
  await rowB.locator('textarea[name=supplement-note]').fill('某某快递聊城分公司');
  await rowB.locator('button[data-action=send-supplement]').click();
  await rowB.locator('[data-testid=supplement-sent]').waitFor();
  await delivered(b.page, 3);

  // 4. 发布 pulls the answer: the request is back in the queue with it; approved.
  await publishRound(clerk, 4);
  await clerk.goto(`${deskUrl}/?kind=join`);
  assert.match(await clerk.locator('table.queue').first().innerText(), /赵六[\s\S]*已补充材料/);
  await clerk.locator('table.queue tr', { hasText: '赵六' }).locator('a').click();
  assert.match(await clerk.locator('ol.history').innerText(), /需补充材料[\s\S]*请补充工作单位的全称[\s\S]*申请人补充材料[\s\S]*某某快递聊城分公司/);
  await shoot(clerk, 'request-supplemented');
  await clerk.locator('input[name=decision][value=approved]').check();
  await clerk.locator('#member_no').fill('3715002026000778');
  await clerk.locator('button[data-action=decide]').click();
  await clerk.locator('[data-testid=recorded]').waitFor();
  await publishRound(clerk, 5);
  await b.page.goto(`${server.url}/join`);
  await rowB.locator('[data-testid=outcome][data-state=approved]').waitFor({ timeout: 20000 });
  assert.match(await rowB.locator('[data-testid=outcome]').innerText(), /已通过/);
  // The card the union signed in that answer, with the member number the clerk typed.
  await b.page.locator('.bottom-nav a[href="/me"]').click();
  await b.page.locator('.member-card[data-verified=true]').waitFor({ timeout: 10000 });
  assert.match(await b.page.locator('.member-card').innerText(), /赵六[\s\S]*3715 0020 2600 0778/);

  // 5. English second.
  await clerk.goto(`${deskUrl}/?kind=join&lang=en`);
  assert.match(await clerk.locator('main').innerText(), /Courier/);
  await shoot(clerk, 'queue-en');
  // The refused form answered 422 on purpose; nothing else went wrong.
  assert.deepEqual(clerk.errors.filter((e) => !/status of 422/.test(e)), []);
  assert.deepEqual(a.page.errors, []);
  assert.deepEqual(b.page.errors, []);
  await Promise.all([a.context.close(), b.context.close(), clerkCtx.context.close()]);
});

test('with a password the desk page asks for it first, and a wrong one is refused', async () => {
  const dir = path.join(work, 'locked');
  fs.mkdirSync(dir);
  const passwordFile = path.join(dir, 'desk.password');
  execFileSync(bin('yizhan-feed'), ['desk', 'password', '--out', passwordFile], { input: '工会服务台的密码 2026\n' });
  const { child, url } = await startListening(bin('yizhan-feed'), ['desk', 'serve', '--db', path.join(dir, 'desk.sqlite'),
    '--listen', '127.0.0.1:0', '--password-file', passwordFile]);
  try {
    const { context, page } = await openPage(browser, { viewport: { width: 1280, height: 900 } });
    await page.goto(url);
    await page.waitForURL(/\/login$/);
    await page.locator('#password').fill('not it');
    await page.locator('form.login button[type=submit]').click();
    await page.locator('p.error[role=alert]').waitFor();
    assert.match(await page.locator('p.error').innerText(), /密码不对/);
    await shoot(page, 'login');
    await page.locator('#password').fill('工会服务台的密码 2026');
    await page.locator('form.login button[type=submit]').click();
    await page.locator('nav.tabs').waitFor();
    const [session] = (await context.cookies()).filter((c) => c.name === 'desk_session');
    assert.ok(session.httpOnly && session.sameSite === 'Strict', 'HttpOnly, SameSite=Strict');
    await page.locator('header form.inline button').click();
    await page.waitForURL(/\/login$/);
    assert.deepEqual(page.errors.filter((e) => !/status of 401/.test(e)), [], 'the wrong password answered 401 on purpose');
    await context.close();
  } finally {
    child.kill();
  }
});
