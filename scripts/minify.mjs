// Trunk post-build step (release builds): shortens the names the wasm and its glue
// share (wasm-names.mjs), minifies the build's JavaScript and CSS (wasm-bindgen's glue,
// the loader, the style sheet) with esbuild, then writes the new Subresource Integrity
// hashes into the pages that name those files. The file names
// keep Trunk's hash of the unminified text: the same source always gives the same
// minified text (esbuild is pinned in package-lock.json), so a name still stands for
// one content, as the year-long `immutable` caching needs.
//   node scripts/minify.mjs [dir]     (default: $TRUNK_STAGING_DIR, else dist)
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { transformSync } from 'esbuild';
import { shortenNames } from './wasm-names.mjs';

if ((process.env.TRUNK_PROFILE ?? 'release') !== 'release') {
  console.log('minify: skipped in a debug build');
  process.exit(0);
}
const dir = process.env.TRUNK_STAGING_DIR ?? process.argv[2] ?? 'dist';
const sri = (bytes) => `sha384-${createHash('sha384').update(bytes).digest('base64')}`;

// Only this build's hashed files (name-<hex>.js|css): not the service worker or
// vendored code, which other steps write. Trunk writes its 64-bit hash without leading
// zeros (`{:x}`), so one build in sixteen has a 15-digit name: never assume 16.
const HASH = '-[0-9a-f]{1,16}';
const hashed = new RegExp(`${HASH}\\.(js|css)$`);
const wasmName = new RegExp(`${HASH}_bg\\.wasm$`);
const integrity = new Map();
let before = 0, after = 0;

// Each app's wasm (name-<hash>_bg.wasm) and its glue (name-<hash>.js), renamed together.
for (const name of fs.readdirSync(dir).filter((n) => wasmName.test(n))) {
  const wasmFile = path.join(dir, name);
  const glueFile = path.join(dir, name.replace(/_bg\.wasm$/, '.js'));
  const wasm = fs.readFileSync(wasmFile);
  const glue = fs.readFileSync(glueFile, 'utf8');
  // wasm-bindgen named the glue's module before Trunk added the hash: `./verify_bg.js`.
  const short = shortenNames(wasm, glue, `./${name.replace(wasmName, '_bg.js')}`);
  fs.writeFileSync(wasmFile, short.wasm);
  fs.writeFileSync(glueFile, short.glue);
  integrity.set(`/${name}`, [sri(wasm), sri(short.wasm)]);
  // The page names the glue as it was; the step below minifies it and gives the hash.
  integrity.set(`/${path.basename(glueFile)}`, [sri(Buffer.from(glue)), null]);
  console.log(`${name}: ${short.imports} imports and ${short.exports} exports renamed`);
}
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
  const [page] = integrity.get(`/${name}`) ?? [sri(Buffer.from(source))];
  integrity.set(`/${name}`, [page, sri(Buffer.from(code))]);
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
