// Test feeds written directly in JS, per shared/FEED.md, and served from the test
// server's routes. Independent of the Rust publisher on purpose.
import crypto from 'node:crypto';
import fs from 'node:fs';

export const sha256 = (buf) => crypto.createHash('sha256').update(buf).digest('hex');

// The SAMPLE publisher key (sample/README.md), which a build without
// YIZHAN_PUBLISHER_KEYS trusts: test feeds are signed as a publisher signs them.
const SAMPLE_SECRET = fs.readFileSync(new URL('../../sample/SAMPLE-ONLY-publisher.key', import.meta.url), 'utf8').trim();
const SAMPLE_KEY = crypto.createPrivateKey({ format: 'der', type: 'pkcs8',
  key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), Buffer.from(SAMPLE_SECRET, 'base64')]) });

/** Signs `files['manifest.json']` (again, after an edit) as `manifest.json.sig`. */
export function signManifest(files) {
  files['manifest.json.sig'] = Buffer.from(crypto.sign(null, files['manifest.json'], SAMPLE_KEY).toString('base64'));
  return files;
}

/** A membership card as the union signs it (FEED.md `card`), with the SAMPLE key. */
export function signCard({ member_no, name, union, valid_until }) {
  const text = `yizhan-card/1\n${member_no}\n${name}\n${union}\n${valid_until}`;
  return { member_no, name, union, valid_until, sig: crypto.sign(null, Buffer.from(text), SAMPLE_KEY).toString('base64') };
}

/**
 * Builds a feed's files: `{ 'manifest.json': Buffer, 'stations/...': Buffer, ... }`.
 * `regions` is `[{ code, name, stations }]`; bboxes are computed from the stations.
 * `tamper(files)` may alter files after hashing (for hostile-feed tests). `sealKey` is
 * the desk's public key (base64) requests are sealed to.
 */
export function makeFeed({ sequence = 1, format = 'yizhan-feed/1', datum = 'gcj02', regions = [],
  campaigns, unions, statuses, coupons, holidays, intake, sealKey, extra = {} } = {}) {
  const files = {};
  const manifest = { format, sequence, published_at: '2026-11-20T08:00:00+08:00',
    publisher: { name: '测试工会' }, datum, regions: [], ...extra };
  for (const r of regions) {
    const body = Buffer.from(JSON.stringify({ region: r.code, stations: r.stations }));
    const hash = sha256(body);
    const path = `stations/${r.code}.${hash.slice(0, 8)}.json`;
    files[path] = body;
    const lng = r.stations.map((s) => s.lng), lat = r.stations.map((s) => s.lat);
    manifest.regions.push({ code: r.code, name: r.name, count: r.stations.length, path, sha256: hash,
      bbox: r.bbox ?? [Math.min(...lng), Math.min(...lat), Math.max(...lng), Math.max(...lat)] });
  }
  for (const [key, value] of Object.entries({ campaigns, unions, statuses, coupons })) {
    if (!value) continue;
    const body = Buffer.from(JSON.stringify({ [key]: value }));
    const hash = sha256(body);
    const path = `${key}.${hash.slice(0, 8)}.json`;
    files[path] = body;
    manifest[key] = { path, sha256: hash };
  }
  if (holidays) manifest.holidays = holidays;
  if (intake) manifest.intake = sealKey ? { url: intake, seal_key: sealKey } : { url: intake };
  files['manifest.json'] = Buffer.from(JSON.stringify(manifest, null, 2));
  return signManifest(files);
}

/** FEED.md's reference of a coupon code: SHA-256 hex of the code without dashes. */
export const codeRef = (code) => sha256(Buffer.from(code.replace(/-/g, '').toUpperCase()));

/** Serves `files` under `/prefix/` on the test server; returns the manifest path. */
export function publish(server, prefix, files) {
  for (const [path, body] of Object.entries(files)) {
    server.routes.set(`/${prefix}/${path}`, (req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-cache' });
      res.end(body);
    });
  }
  return `/${prefix}/manifest.json`;
}

/** Records which paths under `/prefix/` were requested. */
export function recordRequests(server, prefix) {
  const seen = [];
  for (const [path, handler] of [...server.routes.entries()]) {
    if (!path.startsWith(`/${prefix}/`)) continue;
    server.routes.set(path, (req, res) => { seen.push(path); handler(req, res); });
  }
  return seen;
}

// The standard WGS-84 → GCJ-02 transform, written again here so the app is checked
// against an implementation that is not its own.
const A = 6378245.0, EE = 0.00669342162296594323;
function tLat(x, y) {
  let r = -100 + 2 * x + 3 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
  r += (20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2 / 3;
  r += (20 * Math.sin(y * Math.PI) + 40 * Math.sin(y / 3 * Math.PI)) * 2 / 3;
  r += (160 * Math.sin(y / 12 * Math.PI) + 320 * Math.sin(y * Math.PI / 30)) * 2 / 3;
  return r;
}
function tLng(x, y) {
  let r = 300 + x + 2 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
  r += (20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2 / 3;
  r += (20 * Math.sin(x * Math.PI) + 40 * Math.sin(x / 3 * Math.PI)) * 2 / 3;
  r += (150 * Math.sin(x / 12 * Math.PI) + 300 * Math.sin(x / 30 * Math.PI)) * 2 / 3;
  return r;
}
export function wgsToGcj(lat, lng) {
  let dLat = tLat(lng - 105, lat - 35), dLng = tLng(lng - 105, lat - 35);
  const rad = lat / 180 * Math.PI;
  let magic = 1 - EE * Math.sin(rad) ** 2;
  const sq = Math.sqrt(magic);
  dLat = (dLat * 180) / ((A * (1 - EE)) / (magic * sq) * Math.PI);
  dLng = (dLng * 180) / (A / sq * Math.cos(rad) * Math.PI);
  return { lat: lat + dLat, lng: lng + dLng };
}
export function gcjToBd(lat, lng) {
  const xPi = Math.PI * 3000 / 180;
  const z = Math.sqrt(lng * lng + lat * lat) + 0.00002 * Math.sin(lat * xPi);
  const theta = Math.atan2(lat, lng) + 0.000003 * Math.cos(lng * xPi);
  return { lat: z * Math.sin(theta) + 0.006, lng: z * Math.cos(theta) + 0.0065 };
}
export function metres(a, b) {
  const R = 6371008.8, rad = (d) => d * Math.PI / 180;
  const h = Math.sin(rad(b.lat - a.lat) / 2) ** 2
    + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(rad(b.lng - a.lng) / 2) ** 2;
  return 2 * R * Math.asin(Math.sqrt(h));
}
/** A WGS-84 point `east` and `north` metres from `p`. */
export function offset(p, east, north) {
  return { lat: p.lat + north / 111195, lng: p.lng + east / (111195 * Math.cos(p.lat * Math.PI / 180)) };
}

/** A station at a WGS-84 point, stored in GCJ-02 as the feed's datum says. */
export function gcjStation(id, wgs, extra = {}) {
  const g = wgsToGcj(wgs.lat, wgs.lng);
  return { id, name: extra.name ?? `驿站${id}`, lng: +g.lng.toFixed(7), lat: +g.lat.toFixed(7),
    services: ['water', 'rest'], hours: '24/7', entry: 'open', ...extra };
}
