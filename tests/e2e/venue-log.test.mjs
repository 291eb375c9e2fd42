// The venue's own record of the coupons it marked used (/verify): a damaged record
// fails closed. While it is damaged no coupon is answered valid and the staff are told,
// until they rebuild it; from then on the feed's used list refuses what the desk
// published.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serveDist, launchBrowser, openPage, appReady, screenshot } from './support.mjs';
import { makeFeed, publish, codeRef } from './feeds.mjs';

let server, browser;
before(async () => { server = await serveDist(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await server?.close(); });

const day = (offset) => new Date(Date.now() + 8 * 3600e3 + offset * 86400e3).toISOString().slice(0, 10); // China date
const VENUE = '市工人文化宫';
const CAMPAIGNS = [{ id: 'fit', kind: 'fitness', title: '健身券', venues: [{ name: VENUE }],
  valid_from: day(-5), valid_until: day(40), members_only: false }];

/** A coupon code as `coupon_code` draws it: 13 base-32 symbols of `value` and a check symbol (mod 37). */
function couponCode(value) {
  const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ', check = '0123456789ABCDEFGHJKMNPQRSTVWXYZ*~$=U';
  let symbols = '', v = value;
  for (let i = 0; i < 13; i++) { symbols = alphabet[Number(v % 32n)] + symbols; v /= 32n; }
  return (symbols + check[Number(value % 37n)]).match(/.{1,4}/g).join('-');
}

const feedWith = (code, used) => makeFeed({ sequence: used ? 2 : 1, campaigns: CAMPAIGNS, regions: [],
  coupons: [{ ref: codeRef(code), campaign: 'fit', valid_from: day(-5), valid_until: day(40), used }] });

async function check(page, code) {
  await page.locator('.verify-form input[name=code]').fill(code);
  await page.locator('.verify-form button[data-action=check]').click();
  await page.locator('[data-testid=verdict]').waitFor();
  return page.locator('[data-testid=verdict]').getAttribute('data-verdict');
}

test('a damaged record of used coupons answers no coupon valid until the staff rebuild it', async () => {
  const code = couponCode(0x1234567890abcdefn);
  publish(server, 'vl', feedWith(code, null));
  const { context, page } = await openPage(browser);
  await page.goto(`${server.url}/verify?feed=/vl/manifest.json`);
  await appReady(page);
  await page.locator(`select[name=venue] option[value="${VENUE}"]`).waitFor({ state: 'attached', timeout: 15000 });
  assert.equal(await check(page, code), 'coupon-valid');
  // Marked used on this device: refused here at once.
  // No worker's tabs over the staff's button.
  assert.equal(await page.locator('nav.bottom-nav').count(), 0);
  await page.locator('button[data-action=mark-used]').click();
  await page.locator('button[data-action=confirm-used]').click();
  await page.waitForFunction(() => document.querySelector('[data-testid=verdict]')?.dataset.verdict === 'marked');
  assert.equal(await check(page, code), 'used');
  const stored = await page.evaluate(() => localStorage.getItem('yizhan.venue.v1'));
  assert.ok(stored.includes(codeRef(code)), stored);

  // The record is damaged: the used coupon is not valid again, and the staff are told.
  await page.evaluate(() => localStorage.setItem('yizhan.venue.v1', '{"used":[{"code_ref":'));
  await page.reload();
  await appReady(page);
  await page.locator(`select[name=venue] option[value="${VENUE}"]`).waitFor({ state: 'attached', timeout: 15000 });
  const notice = page.locator('[data-testid=venue-log-damaged]');
  await notice.waitFor({ timeout: 15000 });
  assert.match(await notice.innerText(), /本机核销记录已损坏/);
  assert.equal(await check(page, code), 'log-damaged');
  assert.equal(await page.locator('button[data-action=mark-used]').count(), 0);
  await screenshot(page, 'verify-log-damaged');
  // Still damaged on the next visit (the damaged record stays set aside).
  await page.reload();
  await appReady(page);
  await notice.waitFor({ timeout: 15000 });
  assert.equal(await check(page, code), 'log-damaged');

  // Rebuilt (the staff confirm): a new record. Once the desk has published the code as
  // used, the feed refuses it on this device as on every other.
  publish(server, 'vl', feedWith(code, day(0)));
  await page.reload();
  await appReady(page);
  await notice.waitFor({ timeout: 15000 });
  await page.locator('button[data-action=rebuild-log]').click();
  await page.locator('button[data-action=confirm-rebuild]').click();
  await notice.waitFor({ state: 'detached' });
  // (The new feed may still be on its way: until then the code reads as before.)
  let verdict = await check(page, code);
  for (let i = 0; verdict !== 'used' && i < 50; i++) {
    await page.waitForTimeout(200);
    verdict = await check(page, code);
  }
  assert.equal(verdict, 'used');
  assert.ok(await page.evaluate(() => localStorage.getItem('yizhan.venue.v1.corrupt') === null));
  assert.ok(await page.evaluate(() => localStorage.getItem('yizhan.venue.v1.replaced')?.includes('code_ref')));
  await context.close();
});
