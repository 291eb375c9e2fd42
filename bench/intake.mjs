// The intake server's own load test:
//   node bench/intake.mjs          (REQUESTS=20000 CONCURRENCY=32 by default)
// Builds yizhan-intake in release, starts it on a fresh database (full sync, WAL) with
// no rate limit in the way, and POSTs distinct join requests (about 400 bytes each)
// over keep-alive connections; prints throughput and latency percentiles, then checks
// that every request is stored exactly once. Never part of the tests.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');
const REQUESTS = Number(process.env.REQUESTS ?? 20000);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 32);
const PORT = 18787;

execFileSync('cargo', ['build', '--quiet', '--release', '-p', 'yizhan-intake'], { cwd: ROOT, stdio: 'inherit' });
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yizhan-intake-bench-'));
// Where cargo put it: CARGO_TARGET_DIR when set, else the workspace's target/.
const TARGET = path.resolve(ROOT, process.env.CARGO_TARGET_DIR ?? 'target');
const server = spawn(path.join(TARGET, 'release', 'yizhan-intake'),
  ['serve', '--db', path.join(dir, 'intake.sqlite'), '--listen', `127.0.0.1:${PORT}`, '--burst', '1000000000', '--per-minute', '1000000000'],
  { stdio: ['ignore', 'ignore', 'inherit'] });
await new Promise((resolve) => setTimeout(resolve, 500));

const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
const id = (n) => `${n.toString(16).padStart(8, '0')}-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
const body = (n) => JSON.stringify({ id: id(n), kind: 'join', created_at: '2026-11-23T10:00:00+08:00',
  payload: { name: '王五', phone: '13912345678', id_number: '11010519491231002X', occupation: 'courier',
    employer: '某某快递', union: '371500-express', consent: true } });
function post(n) {
  return new Promise((resolve, reject) => {
    const data = body(n);
    const t0 = process.hrtime.bigint();
    const req = http.request({ host: '127.0.0.1', port: PORT, path: '/intake', method: 'POST', agent,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode, ms: Number(process.hrtime.bigint() - t0) / 1e6 }));
    });
    req.on('error', reject);
    req.end(data);
  });
}

let next = 0;
const results = [];
const start = process.hrtime.bigint();
await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
  while (next < REQUESTS) results.push(await post(next++));
}));
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
const ms = results.map((r) => r.ms).sort((a, b) => a - b);
const pct = (p) => ms[Math.min(ms.length - 1, Math.floor((p / 100) * ms.length))].toFixed(1);
const stored = await new Promise((resolve) => http.get(`http://127.0.0.1:${PORT}/healthz`, (res) => {
  let text = ''; res.on('data', (c) => { text += c; }); res.on('end', () => resolve(JSON.parse(text).stored));
}));
server.kill();
agent.destroy();
fs.rmSync(dir, { recursive: true, force: true });
const created = results.filter((r) => r.status === 201).length;
console.log(`${REQUESTS} POSTs, ${CONCURRENCY} at a time, on ${os.cpus().length} cores: ${(REQUESTS / seconds).toFixed(0)} requests/s`);
console.log(`latency p50 ${pct(50)} ms, p90 ${pct(90)} ms, p99 ${pct(99)} ms, max ${ms[ms.length - 1].toFixed(1)} ms`);
console.log(`answers 201: ${created}; stored: ${stored} (every request once: ${created === REQUESTS && stored === REQUESTS})`);
