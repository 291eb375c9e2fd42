// Lighthouse 13's mobile performance score for the release build served by nginx with
// deploy/nginx.conf (Lighthouse's own mobile profile: slow 4G, CPU ×4, simulated):
//   scripts/build.sh && node bench/lighthouse.mjs      (RUNS=3 by default)
// Lighthouse comes from npm at run time (`npx lighthouse@13`) and drives
// /usr/bin/chromium. Never part of the tests.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startNginx, DIST } from '../tests/e2e/support.mjs';

const RUNS = Number(process.env.RUNS ?? 3);
// As in startup.mjs: APP_DIST=path for another build, OLD_LOADER=1 if its loader is inline.
const server = await startNginx(process.env.APP_DIST ?? DIST, { withoutCsp: !!process.env.OLD_LOADER });
const url = `${server.url}/stations?near=36.457,115.985`;
const results = [];
try {
  for (let run = 0; run < RUNS; run++) {
    const out = path.join(os.tmpdir(), `yizhan-lighthouse-${run}.json`);
    execFileSync('npx', ['--yes', 'lighthouse@13', url, '--quiet', '--only-categories=performance',
      '--output=json', `--output-path=${out}`,
      '--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage'],
    { env: { ...process.env, CHROME_PATH: process.env.CHROMIUM ?? '/usr/bin/chromium' }, stdio: ['ignore', 'ignore', 'inherit'] });
    const report = JSON.parse(fs.readFileSync(out, 'utf8'));
    const audit = (id) => report.audits[id].numericValue;
    results.push({
      score: Math.round(report.categories.performance.score * 100),
      fcp: audit('first-contentful-paint'), lcp: audit('largest-contentful-paint'),
      tbt: audit('total-blocking-time'), si: audit('speed-index'), cls: audit('cumulative-layout-shift'),
    });
  }
} finally {
  await server.stop();
}
const median = (k) => [...results.map((r) => r[k])].sort((a, b) => a - b)[Math.floor(results.length / 2)];
console.log(`Lighthouse ${RUNS} runs, mobile, ${url}`);
for (const r of results) console.log(`  score ${r.score}  FCP ${(r.fcp / 1000).toFixed(1)} s  LCP ${(r.lcp / 1000).toFixed(1)} s  TBT ${Math.round(r.tbt)} ms  SI ${(r.si / 1000).toFixed(1)} s  CLS ${r.cls.toFixed(3)}`);
console.log(`median: score ${median('score')}, LCP ${(median('lcp') / 1000).toFixed(1)} s, TBT ${Math.round(median('tbt'))} ms`);
