// scripts/wasm-names.mjs on a small wasm assembled here (binaryen's wasm-as, from npm)
// and a glue written like wasm-bindgen's: the renamed pair still runs together, and a
// glue the step cannot rename safely stops it.
//   node --test tests/scripts/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
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
