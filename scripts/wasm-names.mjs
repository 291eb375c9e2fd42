// Shortens the names by which wasm-bindgen's glue and the wasm find each other: each
// import is named after its JavaScript function plus a 16-hex hash
// (`__wbg_addEventListener_847fd86b8c33ec43`), written once in the glue and once in the
// wasm; a closure adapter's export is named after its whole Rust type. Hashes do not
// compress: on the stations app this was 5 KB of its brotli bytes. The names are only a
// handshake between two files of the same build, so any names do, as long as both
// files get the same ones; the browser never shows them.
//
// Every rename is checked: a name is only replaced where it stands once in the glue, as
// the import object's key (or as `wasm.<name>` for an export), and the result is
// compiled by the JavaScript engine and its imports matched to the glue's keys. Anything
// else stops the build.
//   import { shortenNames } from './wasm-names.mjs';
//   const { wasm, glue } = shortenNames(wasmBytes, glueText, './app-0123456789abcdef_bg.js');

/** The wasm's sections as `{ id, body }`, in order. */
function sections(bytes) {
  const list = [];
  let at = 8;
  while (at < bytes.length) {
    const id = bytes[at++];
    const [size, next] = readLeb(bytes, at);
    list.push({ id, body: bytes.subarray(next, next + size) });
    at = next + size;
  }
  if (at !== bytes.length) throw new Error('wasm-names: a section runs past the end of the wasm');
  return list;
}

function readLeb(bytes, at) {
  let value = 0, shift = 0, byte;
  do {
    if (at >= bytes.length) throw new Error('wasm-names: the wasm ends inside a number');
    byte = bytes[at++];
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
  } while (byte & 0x80);
  return [value, at];
}

function leb(value) {
  const out = [];
  do {
    let byte = value & 0x7f;
    value = Math.floor(value / 128);
    if (value) byte |= 0x80;
    out.push(byte);
  } while (value);
  return Buffer.from(out);
}

/** A reader over one section's body. */
function reader(body) {
  let at = 0;
  const r = {
    number() { const [v, next] = readLeb(body, at); at = next; return v; },
    byte() { return body[at++]; },
    name() { const n = r.number(); const s = body.subarray(at, at + n).toString('utf8'); at += n; return s; },
    from(start) { return body.subarray(start, at); },
    get at() { return at; },
    get done() { return at === body.length; },
  };
  return r;
}

const nameBytes = (s) => { const b = Buffer.from(s, 'utf8'); return Buffer.concat([leb(b.length), b]); };
// `$a`, `$b`, … `$Z`, `$ba`, …: valid JavaScript keys and properties; wasm-bindgen's own
// names never start with `$`.
const letters = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
const shortName = (i) => {
  let s = '';
  do { s = letters[i % 52] + s; i = Math.floor(i / 52); } while (i);
  return `$${s}`;
};
const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The import section with the glue's imports renamed; `rename(old)` gives the new name. */
function renameImports(body, module, rename) {
  const r = reader(body);
  const count = r.number();
  const out = [leb(count)];
  for (let i = 0; i < count; i++) {
    const from = r.name();
    const field = r.name();
    const start = r.at;
    const kind = r.byte();
    if (kind === 0) r.number();                                           // function
    else if (kind === 1) { r.byte(); const f = r.byte(); r.number(); if (f & 1) r.number(); } // table
    else if (kind === 2) { const f = r.byte(); r.number(); if (f & 1) r.number(); }          // memory
    else if (kind === 3) { r.byte(); r.byte(); }                         // global
    else if (kind === 4) { r.byte(); r.number(); }                       // tag
    else throw new Error(`wasm-names: an import of an unknown kind (${kind})`);
    const desc = r.from(start);
    out.push(nameBytes(from), nameBytes(from === module ? rename(field) : field), desc);
  }
  if (!r.done) throw new Error('wasm-names: the import section has bytes after its imports');
  return Buffer.concat(out);
}

/** The export section with the long names renamed. */
function renameExports(body, rename) {
  const r = reader(body);
  const count = r.number();
  const out = [leb(count)];
  for (let i = 0; i < count; i++) {
    const field = r.name();
    const start = r.at;
    r.byte();
    r.number();
    out.push(nameBytes(rename(field)), r.from(start));
  }
  if (!r.done) throw new Error('wasm-names: the export section has bytes after its exports');
  return Buffer.concat(out);
}

// Exports longer than this are the closure adapters, named after their Rust types. The
// short ones stay: the allocator and `memory` are read by tests and the benchmark.
const LONG_EXPORT = 40;

/**
 * Shortens the import names of `module` (the glue's own module, `./<name>_bg.js`) and
 * the long export names, in the wasm and in its (unminified) glue alike.
 * `shortenNames(wasm, glue, './stations-0123456789abcdef_bg.js')`
 * → `{ wasm, glue, imports: n, exports: m }`
 */
export function shortenNames(wasm, glue, module) {
  if (!glue.includes(`"${module}"`)) {
    throw new Error(`wasm-names: the glue does not name its module ${module}`);
  }
  let imports = 0, exports = 0;
  const renameImport = (field) => {
    // The one place the glue names it: `<field>: function…` in the import object.
    const all = glue.match(new RegExp(`(?<![\\w$])${escape(field)}(?![\\w$])`, 'g')) ?? [];
    const key = new RegExp(`(?<![\\w$])${escape(field)}:`);
    if (all.length !== 1 || !key.test(glue)) {
      throw new Error(`wasm-names: the import ${field} is not named once, as a key, in the glue`);
    }
    const name = shortName(imports++);
    glue = glue.replace(key, () => `${name}:`);
    return name;
  };
  const renamedExports = new Set();
  const renameExport = (field) => {
    if (field.length <= LONG_EXPORT) return field;
    // The glue also names a wrapper function after it; only `wasm.<field>` is the export.
    const uses = new RegExp(`(?<=wasm\\.)${escape(field)}(?![\\w$])`, 'g');
    if (!uses.test(glue)) return field; // not the glue's (a marker left for tools)
    const name = shortName(exports++);
    glue = glue.replace(uses, () => name);
    renamedExports.add(name);
    return name;
  };
  const parts = [wasm.subarray(0, 8)];
  for (const { id, body } of sections(wasm)) {
    const renamed = id === 2 ? renameImports(body, module, renameImport)
      : id === 7 ? renameExports(body, renameExport)
      : body;
    parts.push(Buffer.from([id]), leb(renamed.length), renamed);
  }
  const out = Buffer.concat(parts);

  // The engine's own reading of the result: it compiles, and each import of the glue's
  // module is a key of the glue, each renamed export read by it.
  const compiled = new WebAssembly.Module(out);
  for (const { module: from, name } of WebAssembly.Module.imports(compiled)) {
    if (from === module && !new RegExp(`(?<![\\w$])${escape(name)}:`).test(glue)) {
      throw new Error(`wasm-names: the wasm imports ${name}, which the glue lacks`);
    }
  }
  for (const { name } of WebAssembly.Module.exports(compiled)) {
    if (renamedExports.has(name) && !new RegExp(`wasm\\.${escape(name)}(?![\\w$])`).test(glue)) {
      throw new Error(`wasm-names: the glue does not read the export ${name}`);
    }
  }
  return { wasm: out, glue, imports, exports };
}
