import { startNginx, launchBrowser, DIST } from './support.mjs';
const browser = await launchBrowser();
const server = await startNginx(process.env.D ?? DIST, {});
for (let r = 0; r < 2; r++) {
const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN' });
const page = await context.newPage();
await page.addInitScript(() => {
  new MutationObserver((_, obs) => {
    if (document.querySelector('li[data-station-id]')) { window.__ready = performance.now(); obs.disconnect(); }
  }).observe(document, { childList: true, subtree: true });
});
const cdp = await context.newCDPSession(page);
await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
await cdp.send('Network.enable');
await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 150, downloadThroughput: 200000, uploadThroughput: 93750 });
await page.goto(server.url + '/stations?near=36.457,115.985', { waitUntil: 'commit' });
await page.locator('li[data-station-id]').first().waitFor({ state: 'attached', timeout: 120000 });
const t = await page.evaluate(() => ({ ready: window.__ready, res: performance.getEntriesByType('resource').map(e => [e.name.replace(location.origin, ''), Math.round(e.startTime), Math.round(e.responseStart), Math.round(e.responseEnd), e.transferSize]), marks: performance.getEntriesByType('mark').map(m => [m.name, Math.round(m.startTime)]), measures: performance.getEntriesByType('measure').map(m => [m.name, Math.round(m.startTime), Math.round(m.duration)]) }));
console.log(JSON.stringify(t, null, 0).replace(/\],\[/g, '],\n['));
await context.close();
}
await server.stop(); await browser.close();
