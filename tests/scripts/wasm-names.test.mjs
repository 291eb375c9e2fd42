// scripts/wasm-names.mjs on a small wasm assembled here (binaryen's wasm-as, from npm)
// and a glue written like wasm-bindgen's: the renamed pair still runs together, and a
// glue the step cannot rename safely stops it.
//   node --test tests/scripts/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { shortenNames } from '../../scripts/wasm-names.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const LONG = 'wasm_bindgen_0123456789abcdef___convert__closures_____invoke_______true_';

function assemble(wat) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wasm-names-'));
  fs.writeFileSync(path.join(dir, 'm.wat'), wat);
  execFileSync(path.join(root, 'node_modules/.bin/wasm-as'), [path.join(dir, 'm.wat'), '-o', path.join(dir, 'm.wasm')]);
  return fs.readFileSync(path.join(dir, 'm.wasm'));
}

// Two imports from the glue's module, one from elsewhere; a short and a long export.
const wasm = assemble(`(module
  (import "./app_bg.js" "__wbg_add_0123456789abcdef" (func $add (param i32 i32) (result i32)))
  (import "./app_bg.js" "__wbg_double_fedcba9876543210" (func $double (param i32) (result i32)))
  (import "env" "__wbg_keep_0000000000000000" (func $keep (param i32) (result i32)))
  (func (export "run") (param i32) (result i32)
    (call $keep (call $double (call $add (local.get 0) (i32.const 1)))))
  (func (export "${LONG}") (param i32) (result i32) (i32.mul (local.get 0) (i32.const 10))))`);

// Shaped like wasm-bindgen's glue: an import object keyed by name, exports read as wasm.x.
const glue = `let wasm;
function imports() {
  const import0 = {
    __proto__: null,
    __wbg_add_0123456789abcdef: function(a, b) { return a + b; },
    __wbg_double_fedcba9876543210: function(a) { return a * 2; },
  };
  return { __proto__: null, "./app_bg.js": import0, env: { __wbg_keep_0000000000000000: (a) => a } };
}
function ${LONG}(a) { return wasm.${LONG}(a); }
return { imports, start(exports) { wasm = exports; }, run: (a) => wasm.run(a), ten: (a) => ${LONG}(a) };`;

test('the renamed wasm and glue still run together, with short names', async () => {
  const short = shortenNames(wasm, glue, './app_bg.js');
  assert.equal(short.imports, 2);
  assert.equal(short.exports, 1);
  assert.ok(short.wasm.length < wasm.length);
  assert.doesNotMatch(short.glue, /__wbg_add_0123456789abcdef|__wbg_double_fedcba9876543210/);
  assert.doesNotMatch(short.glue, new RegExp(`wasm\\.${LONG}`));
  // Another module's import keeps its name, in both files.
  assert.match(short.glue, /__wbg_keep_0000000000000000/);
  const names = WebAssembly.Module.imports(new WebAssembly.Module(short.wasm)).map((i) => `${i.module} ${i.name}`);
  assert.deepEqual(names, ['./app_bg.js $a', './app_bg.js $b', 'env __wbg_keep_0000000000000000']);

  const app = new Function(short.glue)();
  const { instance } = await WebAssembly.instantiate(short.wasm, app.imports());
  app.start(instance.exports);
  assert.equal(app.run(4), 10); // (4 + 1) × 2
  assert.equal(app.ten(3), 30);
});

test('a glue the step cannot rename safely stops the build', () => {
  // The import's name stands twice in the glue: renaming only the key would break the other.
  const twice = glue.replace('return { imports,', 'const again = "__wbg_add_0123456789abcdef"; return { imports,');
  assert.throws(() => shortenNames(wasm, twice, './app_bg.js'), /__wbg_add_0123456789abcdef is not named once/);
  // The glue has no key for an import.
  const missing = glue.replace(/__wbg_double_fedcba9876543210: function\(a\) \{ return a \* 2; \},/, '');
  assert.throws(() => shortenNames(wasm, missing, './app_bg.js'), /__wbg_double_fedcba9876543210 is not named once/);
  // Another app's glue.
  assert.throws(() => shortenNames(wasm, glue, './other_bg.js'), /does not name its module/);
  // A damaged wasm.
  assert.throws(() => shortenNames(wasm.subarray(0, wasm.length - 3), glue, './app_bg.js'));
});

// The post-build step (scripts/minify.mjs) on a staging folder as Trunk writes it. Trunk
// prints its 64-bit hash without leading zeros, so one build in sixteen names its files
// with 15 hex digits; a step that looked for 16 once shipped such an app unrenamed and
// unminified (8 KB over the size budget).
test('the post-build step renames and minifies an app whose hash has 15 digits', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'minify-'));
  const app = 'app-8411e607d96b9c3';
  const module = `export const app = (() => { ${glue} })();\n`;
  const css = 'main-0fedcba98765432.css';
  const style = 'body  {  color :  red ;  }\n';
  const sri = (bytes) => `sha384-${createHash('sha384').update(bytes).digest('base64')}`;
  fs.writeFileSync(path.join(dir, `${app}_bg.wasm`), wasm);
  fs.writeFileSync(path.join(dir, `${app}.js`), module);
  fs.writeFileSync(path.join(dir, css), style);
  fs.writeFileSync(path.join(dir, 'index.html'), [
    `<link rel="stylesheet" href="/${css}" integrity="${sri(style)}">`,
    `<link rel="preload" href="/${app}_bg.wasm" as="fetch" integrity="${sri(wasm)}">`,
    `<script type="module" src="/${app}.js" integrity="${sri(module)}"></script>`,
  ].join('\n'));
  const env = { ...process.env, TRUNK_PROFILE: 'release' };
  delete env.TRUNK_STAGING_DIR;
  const out = execFileSync('node', [path.join(root, 'scripts/minify.mjs'), dir], { env, encoding: 'utf8' });
  assert.match(out, new RegExp(`${app}_bg\\.wasm: 2 imports and 1 exports renamed`));
  assert.match(out, /minified 3 files/);

  const read = (name) => fs.readFileSync(path.join(dir, name));
  assert.ok(read(`${app}.js`).length < module.length, 'the glue is minified');
  assert.equal(read(css).toString(), 'body{color:red}\n');
  // The page's integrity hashes are those of the files as they now are.
  const html = read('index.html').toString();
  for (const name of [`${app}_bg.wasm`, `${app}.js`, css]) {
    assert.ok(html.includes(`integrity="${sri(read(name))}"`), `${name}'s hash in the page`);
  }
  // The renamed, minified pair still runs together.
  const { app: built } = await import(path.join(dir, `${app}.js`));
  const { instance } = await WebAssembly.instantiate(read(`${app}_bg.wasm`), built.imports());
  built.start(instance.exports);
  assert.equal(built.run(4), 10);
});
