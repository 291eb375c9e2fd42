// Coupons and the membership card: add a card, claim within the rules (also from two
// tabs at once), wait for the union to issue it, QR codes that really decode.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { serveDist, launchBrowser, openPage, appReady, screenshot } from './support.mjs';
import { makeFeed, publish, codeRef, sha256, signCard } from './feeds.mjs';

let server, browser;
const day = (offset) => new Date(Date.now() + 8 * 3600e3 + offset * 86400e3).toISOString().slice(0, 10); // China date
const CAMPAIGNS = [
  { id: 'fit', kind: 'fitness', title: '职工健身券', venues: [{ name: '工人文化宫健身馆', address: '柳园南路1号' }],
    valid_from: day(-5), valid_until: day(40), per_member: 2, period: 'month', total: 100, remaining: 50, members_only: true },
  { id: 'sold', kind: 'goods', title: '冬季手套', venues: [{ name: '服务中心' }], valid_from: day(-5), valid_until: day(40),
    per_member: 1, period: 'campaign', total: 800, remaining: 0, members_only: false },
  { id: 'old', kind: 'counselling', title: '心理咨询券', venues: [{ name: '心理服务中心' }], valid_from: day(-60), valid_until: day(-1),
    per_member: 1, period: 'campaign', total: 100, remaining: 10, members_only: false },
  { id: 'check', kind: 'health_check', title: '免费体检', venues: [{ name: '体检中心' }], valid_from: day(-5), valid_until: day(40),
    per_member: 1, period: 'campaign', total: 10, remaining: 3, members_only: false },
  { id: 'med', kind: 'medical', title: '就医优惠', venues: [{ name: '市人民医院' }, { name: '市中医医院' }],
    valid_from: day(-5), valid_until: day(40), members_only: true, discount_percent: 10 },
];
const UNIONS = [{ id: 'u1', name: '聊城市快递行业工会联合会', occupations: ['courier'] }];

before(async () => {
  server = await serveDist();
  browser = await launchBrowser();
  publish(server, 'k', makeFeed({ sequence: 1, campaigns: CAMPAIGNS, unions: UNIONS, regions: [] }));
});
after(async () => { await browser?.close(); await server?.close(); });

const URL_COUPONS = () => `${server.url}/coupons?feed=/k/manifest.json`;
const card = (page, id) => page.locator(`[data-campaign-id=${id}]`);

async function decodeQr(locator) {
  // Shown to staff as a person would: scrolled to the middle, clear of the bottom bar.
  await locator.evaluate((e) => e.scrollIntoView({ block: 'center' }));
  const png = PNG.sync.read(await locator.screenshot());
  const found = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
  return found?.data;
}

/** Opens /coupons on the test feed and waits until its campaigns are shown. */
async function openCoupons(page) {
  await page.goto(URL_COUPONS());
  await appReady(page);
  await card(page, 'fit').waitFor({ timeout: 15000 });
}

/** Puts on the device the card the union signed (as an approved request brings it). */
async function addSignedCard(page, name = '张三', no = '3715002026000123') {
  const signed = signCard({ member_no: no, name, union: 'u1', valid_until: day(400) });
  // Written where the app writes it: localStorage and the cross-tab copy (src/adapters/ledger.rs).
  await page.evaluate(async (card) => {
    const wallet = JSON.parse(localStorage.getItem('yizhan.wallet.v1') ?? '{"coupons":[]}');
    wallet.card = card;
    localStorage.setItem('yizhan.wallet.v1', JSON.stringify(wallet));
    const ledger = await caches.open('yizhan-ledger-v1');
    await ledger.put('/__yizhan-ledger/yizhan.wallet.v1', new Response(JSON.stringify(wallet)));
  }, { name, member_no: no, union_id: 'u1', union_name: UNIONS[0].name, signed });
  await page.goto(`${server.url}/me`);
  await page.locator('.member-card[data-verified=true]').waitFor();
}

async function addCard(page, name = '张三', no = '3715002026000123') {
  await page.goto(`${server.url}/me`);
  await appReady(page);
  await page.locator('#card-form input[name=name]').fill(name);
  await page.locator('#card-form input[name=member_no]').fill(no);
  await page.locator('#card-form select[name=union]').selectOption('u1');
  await page.locator('#card-form button[type=submit]').click();
  await page.locator('.member-card').waitFor();
}

test('a claim without a card is refused with a way to add one; the card form checks its fields', async () => {
  const { context, page } = await openPage(browser);
  await page.goto(URL_COUPONS());
  await appReady(page);
  await card(page, 'fit').waitFor();
  assert.equal(await card(page, 'fit').locator('button[data-action=claim]').isDisabled(), true);
  assert.match(await card(page, 'fit').locator('[data-testid=claim-reason]').innerText(), /需要电子会员证/);
  await card(page, 'fit').locator('a[data-action=add-card]').click();
  await page.waitForURL(/\/me/);
  await page.locator('#card-form button[type=submit]').click();
  assert.equal(await page.locator('#card-form input[name=name]').getAttribute('aria-invalid'), 'true');
  assert.equal(await page.locator('#card-form input[name=member_no]').getAttribute('aria-invalid'), 'true');
  assert.match(await page.locator('#card-form').innerText(), /请填写姓名/);
  await context.close();
});

test('add a card: it shows name, number, union, a live clock and a QR code that decodes, and full screen with the screen kept on', async () => {
  const { context, page } = await openPage(browser);
  // Headless Chromium grants no wake lock: a stand-in that counts requests and releases.
  await page.addInitScript(() => {
    window.__wake = { requested: 0, released: 0 };
    Object.defineProperty(navigator, 'wakeLock', { value: { request: async () => {
      window.__wake.requested++;
      return { release: async () => { window.__wake.released++; } };
    } } });
  });
  await openCoupons(page);
  await addCard(page);
  const text = await page.locator('.member-card').innerText();
  assert.match(text, /张三/);
  assert.match(text, /3715 0020 2600 0123/);
  assert.match(text, /聊城市快递行业工会联合会/);
  // Typed in on the phone: said so, and a verified card can be asked for.
  assert.match(await page.locator('[data-testid=card-trust]').innerText(), /本人填写，未经工会核验/);
  assert.equal(await page.locator('.member-card').getAttribute('data-verified'), 'false');
  await page.locator('#card-request input[name=id_number]').fill('11010519491231002x');
  await page.locator('#card-request button[data-action=request-card]').click();
  await page.locator('[data-testid=card-request-sent]').waitFor();
  const sent = await page.evaluate(() => JSON.parse(localStorage.getItem('yizhan.outbox.v1')).find((i) => i.kind === 'card'));
  assert.deepEqual(sent.payload, { name: '张三', member_no: '3715002026000123', union: 'u1', id_number: '11010519491231002X' });
  const t1 = await page.locator('[data-testid=card-clock]').innerText();
  await page.waitForTimeout(1100);
  assert.notEqual(await page.locator('[data-testid=card-clock]').innerText(), t1, 'the clock runs');
  assert.equal(await decodeQr(page.locator('.member-card .qr')), '3715002026000123');
  await screenshot(page, 'me-card-phone');
  // 全屏出示: the whole screen, over the bottom bar, the screen kept awake until closed.
  await page.locator('.member-card [data-action=present]').click();
  const present = page.locator('[data-testid=present]');
  await present.waitFor();
  const covers = await page.evaluate(() => {
    const p = document.querySelector('[data-testid=present]');
    const r = p.getBoundingClientRect();
    const bottom = document.elementFromPoint(innerWidth / 2, innerHeight - 5);
    return { full: r.top <= 0 && r.left <= 0 && r.bottom >= innerHeight && r.right >= innerWidth,
      onTop: p.contains(bottom), qr: p.querySelector('.qr svg').getBoundingClientRect().width };
  });
  assert.ok(covers.full && covers.onTop, 'the code covers the screen, the bottom bar under it');
  assert.ok(covers.qr >= 340, `a large QR code (${covers.qr} px)`);
  assert.equal(await decodeQr(present.locator('.qr')), '3715002026000123');
  assert.match(await present.innerText(), /3715 0020 2600 0123/);
  // Dark on white (it once inherited the red card's white text: the code was invisible).
  assert.deepEqual(await present.locator('.present-code').evaluate((e) => [getComputedStyle(e).color, getComputedStyle(e.closest('.present')).backgroundColor]),
    ['rgb(31, 27, 26)', 'rgb(255, 255, 255)']);
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.action), 'present-close');
  await page.waitForFunction(() => window.__wake.requested === 1);
  await screenshot(page, 'me-card-present-phone');
  await page.locator('[data-action=present-close]').click();
  await present.waitFor({ state: 'detached' });
  await page.waitForFunction(() => window.__wake.released === 1);
  await page.reload();
  await page.locator('.member-card').waitFor();
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('a claim waits to be issued, then the feed issues one and turns one down with its reason; the news is told once', async () => {
  publish(server, 'kc', makeFeed({ sequence: 1, campaigns: CAMPAIGNS, unions: UNIONS, regions: [] }));
  const { context, page } = await openPage(browser);
  await page.goto(`${server.url}/coupons?feed=/kc/manifest.json`);
  await appReady(page);
  await card(page, 'fit').waitFor({ timeout: 15000 });
  // A card typed in claims nothing members-only: the page says how to get it verified.
  await addCard(page);
  await page.goto(`${server.url}/coupons`);
  await card(page, 'fit').waitFor();
  assert.equal(await card(page, 'fit').locator('button[data-action=claim]').isDisabled(), true);
  assert.match(await card(page, 'fit').locator('[data-testid=claim-reason]').innerText(), /工会核验/);
  await card(page, 'fit').locator('a[data-action=verify-card]').waitFor();
  // The card the union signed does.
  await addSignedCard(page);
  await page.goto(`${server.url}/coupons`);
  await card(page, 'fit').waitFor();
  assert.match(await card(page, 'fit').locator('[data-testid=claimed]').innerText(), /本月已领 0\/2/);
  for (let n = 1; n <= 2; n++) {
    await card(page, 'fit').locator('button[data-action=claim]').click();
    await page.waitForFunction((n) => document.querySelectorAll('.my-coupons li[data-coupon-id]').length === n, n);
  }
  assert.match(await card(page, 'fit').locator('[role=status]').innerText(), /已申请领取：职工健身券/);
  assert.match(await card(page, 'fit').locator('[data-testid=claim-reason]').innerText(), /本月已领满 2 张/);
  // 我的券 is a tap away at the top (a link of one line: a claim never moves the
  // button under the finger), and takes the worker to the list.
  const link = page.locator('[data-testid=my-coupons-link]');
  assert.equal(await link.innerText(), '我的券（2 张）↓');
  assert.ok(await page.evaluate(() => document.querySelector('[data-testid=my-coupons-link]')
    .compareDocumentPosition(document.querySelector('ul.campaigns')) & Node.DOCUMENT_POSITION_FOLLOWING));
  await link.click();
  await page.waitForFunction(() => location.hash === '#my-coupons');
  // Waiting: no code and no QR code until the union issues it.
  assert.equal(await page.locator('.my-coupons [data-coupon-code]').count(), 0);
  assert.deepEqual(await page.locator('.my-coupons .coupon-state').allInnerTexts(), ['等待发放', '等待发放']);
  const wallet = await page.evaluate(() => JSON.parse(localStorage.getItem('yizhan.wallet.v1')));
  const [first, second] = wallet.coupons;
  await page.locator(`.my-coupons li[data-coupon-id="${first.id}"] a`).click();
  await page.locator('[data-testid=coupon-waiting]').waitFor();
  assert.equal(await page.locator('.coupon-ticket').count(), 0);
  // Read aloud says it waits, and never reads out a code that is not issued yet.
  await page.evaluate(() => {
    window.__spoken = [];
    // A Chinese voice (headless Chromium has none: 朗读 is offered only with one).
    speechSynthesis.getVoices = () => [{ lang: 'zh-CN', name: 'zh', voiceURI: 'zh', localService: true, default: true }];
    speechSynthesis.speak = (u) => window.__spoken.push(u.text);
    speechSynthesis.dispatchEvent(new Event('voiceschanged'));
  });
  await page.locator('button[data-action=read-aloud]').click();
  const spoken = (await page.evaluate(() => window.__spoken)).join(' ');
  assert.match(spoken, /等待发放/);
  assert.ok(!spoken.includes(first.code.slice(0, 4).split('').join(' ')), `no code read out: ${spoken}`);
  // The claim that went out carries the code's reference, never the code.
  const outbox = await page.evaluate(() => localStorage.getItem('yizhan.outbox.v1'));
  assert.ok(outbox.includes(codeRef(first.code)) && !outbox.includes(first.code), 'code_ref, not the code');

  // The union's next publication: the first is in the coupons file, the second is
  // turned down with a reason (by its claim's id).
  publish(server, 'kc', makeFeed({ sequence: 2, campaigns: CAMPAIGNS, unions: UNIONS, regions: [],
    coupons: [{ ref: codeRef(first.code), campaign: 'fit', valid_from: day(-5), valid_until: day(40), used: null }],
    statuses: [{ ref: sha256(Buffer.from(second.id)), state: 'rejected', note: '本月已发完', updated: '2026-11-21T10:00:00+08:00' }] }));
  await page.goto(`${server.url}/stations`);
  await appReady(page);
  const news = page.locator('[data-testid=news]');
  await news.waitFor({ timeout: 15000 });
  assert.match(await news.innerText(), /领券申请：\s*未通过/);
  assert.equal(await page.locator('.bottom-nav a[href="/coupons"] [data-testid=news-dot]').count(), 1, 'marked on its tab');
  // It lines up with the page's cards (it once sat inset, narrower than them).
  const [box, cardBox] = [await news.boundingBox(), await page.locator('main .card').first().boundingBox()];
  assert.deepEqual([box.x, box.width], [cardBox.x, cardBox.width], 'as wide as the cards');
  await screenshot(page, 'news-phone');
  await page.reload();
  await appReady(page);
  await page.waitForTimeout(1500);
  assert.equal(await news.count(), 0, 'announced once');
  assert.equal(await page.locator('.bottom-nav a[href="/coupons"] [data-testid=news-dot]').count(), 1, 'still marked until the tab is opened');
  await page.locator('.bottom-nav a[href="/coupons"]').click();
  await card(page, 'fit').waitFor();
  await page.waitForFunction(() => !document.querySelector('.bottom-nav [data-testid=news-dot]'));
  const row = (c) => page.locator(`.my-coupons li[data-coupon-id="${c.id}"]`);
  assert.equal(await row(first).locator('.coupon-state').innerText(), '未使用');
  assert.equal(await row(first).locator('[data-coupon-code]').getAttribute('data-coupon-code'), first.code);
  assert.equal(await row(second).locator('.coupon-state').innerText(), '未发放');
  // The turned-down claim no longer counts: one more may be claimed this month.
  assert.match(await card(page, 'fit').locator('[data-testid=claimed]').innerText(), /本月已领 1\/2/);
  assert.equal(await card(page, 'fit').locator('button[data-action=claim]').isDisabled(), false);
  await row(second).locator('a').click();
  assert.match(await page.locator('[data-testid=coupon-refused]').innerText(), /本月已发完/);
  await page.goBack();
  // The issued one: the code large, its QR code decodes, and no "mark used" on the
  // holder's own phone.
  await row(first).locator('a').click();
  await page.locator('.coupon-page [data-coupon-code]').waitFor();
  assert.equal(await page.locator('[data-testid=coupon-state]').innerText(), '未使用');
  assert.equal(await decodeQr(page.locator('.coupon-ticket .qr')), first.code);
  assert.equal(await page.locator('.coupon-page button').filter({ hasText: /使用/ }).count(), 0);
  await screenshot(page, 'coupon-phone');
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('two tabs claiming at once never exceed the limit', async () => {
  const { context, page } = await openPage(browser);
  await openCoupons(page);
  await addSignedCard(page);
  const second = await context.newPage();
  await page.goto(URL_COUPONS());
  await second.goto(URL_COUPONS());
  await card(page, 'fit').waitFor();
  await card(second, 'fit').waitFor();
  for (let round = 0; round < 3; round++) {
    await Promise.all([
      card(page, 'fit').locator('button[data-action=claim]').click({ force: true, timeout: 2000 }).catch(() => {}),
      card(second, 'fit').locator('button[data-action=claim]').click({ force: true, timeout: 2000 }).catch(() => {}),
    ]);
  }
  await page.waitForTimeout(500);
  const count = () => page.evaluate(() => JSON.parse(localStorage.getItem('yizhan.wallet.v1')).coupons.filter((c) => c.campaign_id === 'fit').length);
  assert.ok((await count()) <= 2, 'racing tabs never exceed the limit');
  // Claim on until refused: it stops at exactly the limit.
  for (let i = 0; i < 3 && !(await card(page, 'fit').locator('button[data-action=claim]').isDisabled()); i++) {
    const before = await count();
    await card(page, 'fit').locator('button[data-action=claim]').click();
    await page.waitForFunction((n) => JSON.parse(localStorage.getItem('yizhan.wallet.v1')).coupons.length > n, before);
  }
  assert.equal(await count(), 2);
  // The other tab follows the change.
  await second.waitForFunction(() => document.querySelectorAll('.my-coupons li[data-coupon-id]').length === 2);
  await context.close();
});

test('sold-out and ended campaigns refuse with a reason; a medical campaign leads to the card', async () => {
  const { context, page } = await openPage(browser);
  await page.goto(URL_COUPONS());
  await card(page, 'sold').waitFor();
  assert.equal(await card(page, 'sold').locator('button[data-action=claim]').isDisabled(), true);
  assert.match(await card(page, 'sold').locator('[data-testid=claim-reason]').innerText(), /已经领完了/);
  // An ended campaign is folded away at the end, never first.
  const order = await page.locator('[data-campaign-id]').evaluateAll((els) => els.map((e) => e.dataset.campaignId));
  assert.equal(order.at(-1), 'old');
  assert.equal(await page.locator('[data-testid=ended-campaigns] [data-campaign-id=old]').count(), 1);
  assert.equal(await card(page, 'old').isVisible(), false, 'folded');
  await page.locator('[data-testid=ended-campaigns] summary').click();
  assert.match(await page.locator('[data-testid=ended-campaigns] summary').innerText(), /已结束的活动（1）/);
  assert.match(await card(page, 'old').locator('[data-testid=claim-reason]').innerText(), new RegExp(`已于 ${day(-1)} 结束`));
  assert.equal(await card(page, 'check').locator('button[data-action=claim]').isDisabled(), false, 'open to all, no card needed');
  assert.match(await card(page, 'med').innerText(), /自付部分再减 10%/);
  assert.match(await card(page, 'med').innerText(), /市人民医院/);
  assert.equal(await card(page, 'med').locator('button[data-action=claim]').count(), 0);
  await screenshot(page, 'coupons-phone');
  // Kinds filter.
  await page.locator('button.chip[data-kind=medical]').click();
  assert.equal(await page.locator('[data-campaign-id]').count(), 1);
  await page.locator('button.chip[data-kind=""]').click();
  assert.equal(await page.locator('[data-campaign-id]').count(), 5);
  await addCard(page);
  await page.goto(URL_COUPONS());
  await card(page, 'med').locator('a[data-action=show-card]').click();
  await page.waitForURL(/\/me/);
  await page.locator('.member-card').waitFor();
  await context.close();
});

test('corrupted wallet storage is reported and set aside; delete-all removes everything personal', async () => {
  const { context, page } = await openPage(browser);
  await openCoupons(page);
  await addCard(page);
  await page.evaluate(() => localStorage.setItem('yizhan.wallet.v1', '{"card": 42'));
  await page.reload();
  await appReady(page);
  assert.match(await page.getByRole('alert').first().innerText(), /损坏/);
  assert.equal(await page.evaluate(() => localStorage.getItem('yizhan.wallet.v1.corrupt')), '{"card": 42');
  await addCard(page, '李四', 'AB123456');
  await page.locator('button[data-action=delete-all]').click();
  await page.locator('button[data-action=delete-all]').click();
  await page.locator('#card-form').waitFor();
  assert.equal(await page.evaluate(() => localStorage.getItem('yizhan.wallet.v1')), null);
  assert.match(await page.locator('[data-testid=data-summary]').innerText(), /会员证 0 张，券 0 张/);
  await context.close();
});

test('the last allowed coupon claimed in two tabs at once: exactly one tab gets it, and it is kept', async () => {
  // Each tab's localStorage is a cached copy; under the lock a tab once read the value
  // from before the other's write, both said "claimed", and one coupon was lost.
  publish(server, 'last', makeFeed({ sequence: 1, regions: [], campaigns: [{ id: 'one', kind: 'fitness', title: '最后一张',
    valid_from: day(-1), valid_until: day(30), per_member: 1, period: 'campaign', total: 10, remaining: 10 }] }));
  for (let run = 0; run < 4; run++) {
    const { context, page } = await openPage(browser);
    await page.addInitScript(() => {
      if (!localStorage.getItem('yizhan.wallet.v1')) {
        localStorage.setItem('yizhan.wallet.v1', JSON.stringify({ card: { name: '张三', member_no: '3715002026000123' }, coupons: [] }));
      }
    });
    const second = await context.newPage();
    for (const p of [page, second]) {
      await p.goto(`${server.url}/coupons?feed=/last/manifest.json`);
      await p.locator('[data-campaign-id=one] button[data-action=claim]').waitFor();
    }
    await Promise.all([page, second].map((p) =>
      p.locator('[data-campaign-id=one] button[data-action=claim]').click({ force: true, timeout: 2000 }).catch(() => {})));
    await page.waitForTimeout(800);
    let said = 0;
    for (const p of [page, second]) said += await p.locator('[data-campaign-id=one] .notice-ok').count();
    const kept = await page.evaluate(() => JSON.parse(localStorage.getItem('yizhan.wallet.v1')).coupons.length);
    assert.equal(kept, 1, `run ${run}: one coupon kept`);
    assert.equal(said, 1, `run ${run}: exactly one tab said "claimed"`);
    await context.close();
  }
});

test('a long member number is shown whole on the card in large text on a narrow phone', async () => {
  // Before: "3715002026000456…" ran past the card's edge and was cut by its rounded
  // clip; a hospital clerk would copy a wrong number.
  const { context, page } = await openPage(browser, { viewport: { width: 360, height: 780 } });
  const long = '371500202600045678ABCDEF';
  await page.goto(`${server.url}/me?large=1&feed=/k/manifest.json`);
  await appReady(page);
  await addCard(page, '欧阳娜娜', long);
  const box = await page.locator('.member-card-no').evaluate((el) => {
    const card = el.closest('.member-card').getBoundingClientRect();
    const range = document.createRange();
    range.selectNodeContents(el);
    const text = [...range.getClientRects()];
    return {
      text: el.innerText,
      fits: text.every((r) => r.left >= card.left && r.right <= card.right),
      overflow: el.scrollWidth - el.clientWidth,
    };
  });
  assert.equal(box.text.replace(/\s/g, ''), long, 'every character is on the card');
  assert.ok(box.fits, 'no line of the number runs past the card');
  assert.ok(box.overflow <= 0, `nothing scrolls out of sight (${box.overflow} px)`);
  await screenshot(page, 'me-card-long-number-large');
  await context.close();
});
