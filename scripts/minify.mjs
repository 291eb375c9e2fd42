// Trunk post-build step (release builds): minifies the build's JavaScript and CSS
// (wasm-bindgen's glue, the loader, the style sheet) with esbuild, then writes the new
// Subresource Integrity hashes into the pages that name those files. The file names
// keep Trunk's hash of the unminified text: the same source always gives the same
// minified text (esbuild is pinned in package-lock.json), so a name still stands for
// one content, as the year-long `immutable` caching needs.
//   node scripts/minify.mjs [dir]     (default: $TRUNK_STAGING_DIR, else dist)
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { transformSync } from 'esbuild';

if ((process.env.TRUNK_PROFILE ?? 'release') !== 'release') {
  console.log('minify: skipped in a debug build');
  process.exit(0);
}
const dir = process.env.TRUNK_STAGING_DIR ?? process.argv[2] ?? 'dist';
const sri = (bytes) => `sha384-${createHash('sha384').update(bytes).digest('base64')}`;

// Only this build's hashed files (name-<16 hex>.js|css): not the service worker or
// vendored code, which other steps write.
const hashed = /-[0-9a-f]{16}\.(js|css)$/;
const integrity = new Map();
let before = 0, after = 0;
for (const name of fs.readdirSync(dir).filter((n) => hashed.test(n))) {
  const file = path.join(dir, name);
  const source = fs.readFileSync(file, 'utf8');
  const { code } = transformSync(source, {
    loader: name.endsWith('.css') ? 'css' : 'js',
    format: name.endsWith('.css') ? undefined : 'esm',
    minify: true,
    legalComments: 'none',
    // (No `target`: nothing is rewritten, only shortened.)
  });
  fs.writeFileSync(file, code);
  integrity.set(`/${name}`, [sri(Buffer.from(source)), sri(Buffer.from(code))]);
  before += Buffer.byteLength(source);
  after += Buffer.byteLength(code);
}
for (const page of fs.readdirSync(dir).filter((n) => n.endsWith('.html'))) {
  const file = path.join(dir, page);
  let html = fs.readFileSync(file, 'utf8');
  for (const [old, now] of integrity.values()) {
    html = html.replaceAll(`integrity="${old}"`, `integrity="${now}"`);
  }
  fs.writeFileSync(file, html);
}
console.log(`minified ${integrity.size} files: ${before} → ${after} bytes`);
