// Trunk post-build hook: writes NAME.gz (gzip -9) and NAME.br (brotli quality 11)
// beside every text file of the build, so nginx's gzip_static/brotli_static, or any
// static host or CDN that serves precompressed files, never compresses per request.
// Deterministic: the same input gives the same bytes (the gzip header has no time).
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

const TEXT = new Set(['.html', '.js', '.wasm', '.css', '.json', '.svg', '.webmanifest', '.sig', '.txt']);
const root = process.env.TRUNK_STAGING_DIR ?? process.argv[2] ?? 'dist';

function* files(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* files(full);
    else if (TEXT.has(path.extname(entry.name))) yield full;
  }
}

let count = 0;
let raw = 0;
let br = 0;
for (const file of files(root)) {
  const bytes = fs.readFileSync(file);
  const gz = zlib.gzipSync(bytes, { level: 9 });
  const brotli = zlib.brotliCompressSync(bytes, {
    params: {
      [zlib.constants.BROTLI_PARAM_QUALITY]: 11,
      [zlib.constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
    },
  });
  fs.writeFileSync(`${file}.gz`, gz);
  fs.writeFileSync(`${file}.br`, brotli);
  count += 1;
  raw += bytes.length;
  br += brotli.length;
}
console.log(`precompressed ${count} files: ${raw} bytes, ${br} as brotli`);
