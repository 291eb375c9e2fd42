//! Longer than 400 lines because half of it is its tests and the small wasm they assemble.
//!
//! Shortens the names by which wasm-bindgen's glue and the wasm find each other: each
//! import is named after its JavaScript function plus a 16-hex hash
//! (`__wbg_addEventListener_847fd86b8c33ec43`), written once in the glue and once in the
//! wasm; a closure adapter's export is named after its whole Rust type. Hashes do not
//! compress: on the stations app this was 5 KB of its brotli bytes. The names are only a
//! handshake between two files of the same build, so any names do, as long as both
//! files get the same ones; the browser never shows them.
//!
//! Every rename is checked: a name is only replaced where it stands once in the glue, as
//! the import object's key (or as `wasm.<name>` for an export), and the result is
//! validated (wasmparser) and its imports matched to the glue's keys. Anything else
//! stops the build.

/// The renamed pair.
#[derive(Debug)]
pub struct Renamed {
    pub wasm: Vec<u8>,
    pub glue: String,
    pub imports: usize,
    pub exports: usize,
}

/// Exports longer than this are the closure adapters, named after their Rust types. The
/// short ones stay: the allocator and `memory` are read by tests and the benchmark.
const LONG_EXPORT: usize = 40;

fn read_leb(bytes: &[u8], mut at: usize) -> Result<(u64, usize), String> {
    let (mut value, mut shift) = (0u64, 0u32);
    loop {
        let byte = *bytes
            .get(at)
            .ok_or("wasm-names: the wasm ends inside a number")?;
        at += 1;
        if shift < 64 {
            value |= u64::from(byte & 0x7f) << shift;
        }
        shift += 7;
        if byte & 0x80 == 0 {
            return Ok((value, at));
        }
    }
}

fn leb(mut value: u64, out: &mut Vec<u8>) {
    loop {
        let mut byte = (value & 0x7f) as u8;
        value >>= 7;
        if value != 0 {
            byte |= 0x80;
        }
        out.push(byte);
        if value == 0 {
            break;
        }
    }
}

/// The wasm's sections as `(id, body)`, in order.
fn sections(bytes: &[u8]) -> Result<Vec<(u8, &[u8])>, String> {
    if bytes.len() < 8 || &bytes[..4] != b"\0asm" {
        return Err("wasm-names: not a wasm module".into());
    }
    let mut list = Vec::new();
    let mut at = 8;
    while at < bytes.len() {
        let id = bytes[at];
        let (size, next) = read_leb(bytes, at + 1)?;
        let end = next
            .checked_add(size as usize)
            .filter(|&end| end <= bytes.len())
            .ok_or("wasm-names: a section runs past the end of the wasm")?;
        list.push((id, &bytes[next..end]));
        at = end;
    }
    Ok(list)
}

/// A reader over one section's body.
struct Reader<'a> {
    body: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn number(&mut self) -> Result<u64, String> {
        let (value, next) = read_leb(self.body, self.at)?;
        self.at = next;
        Ok(value)
    }
    fn byte(&mut self) -> Result<u8, String> {
        let byte = *self
            .body
            .get(self.at)
            .ok_or("wasm-names: a section ends early")?;
        self.at += 1;
        Ok(byte)
    }
    fn name(&mut self) -> Result<&'a str, String> {
        let len = self.number()? as usize;
        let bytes = self
            .body
            .get(self.at..self.at + len)
            .ok_or("wasm-names: a name runs past its section")?;
        self.at += len;
        std::str::from_utf8(bytes).map_err(|_| "wasm-names: a name is not UTF-8".to_string())
    }
    fn done(&self) -> bool {
        self.at == self.body.len()
    }
}

fn push_name(name: &str, out: &mut Vec<u8>) {
    leb(name.len() as u64, out);
    out.extend_from_slice(name.as_bytes());
}

/// `$a`, `$b`, … `$Z`, `$ba`, …: valid JavaScript keys and properties; wasm-bindgen's own
/// names never start with `$`.
pub fn short_name(mut i: usize) -> String {
    const LETTERS: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let mut s = Vec::new();
    loop {
        s.push(LETTERS[i % 52]);
        i /= 52;
        if i == 0 {
            break;
        }
    }
    s.reverse();
    format!("${}", String::from_utf8(s).expect("ASCII"))
}

/// A character of a JavaScript name (as the regular expressions `[\w$]` say).
fn word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$'
}

/// Where `name` stands in `text` as a whole word (`(?<![\w$])name(?![\w$])`).
fn whole_words(text: &str, name: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    text.match_indices(name)
        .map(|(at, _)| at)
        .filter(|&at| {
            (at == 0 || !word(bytes[at - 1]))
                && bytes.get(at + name.len()).is_none_or(|&b| !word(b))
        })
        .collect()
}

/// Whether `text` has `name:` with nothing of a name before it (an object's key).
fn has_key(text: &str, name: &str) -> bool {
    whole_words(text, name)
        .iter()
        .any(|&at| text.as_bytes().get(at + name.len()) == Some(&b':'))
}

/// Where `wasm.<name>` stands, ending as a word (`(?<=wasm\.)name(?![\w$])`).
fn export_uses(text: &str, name: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    text.match_indices(name)
        .map(|(at, _)| at)
        .filter(|&at| {
            text[..at].ends_with("wasm.") && bytes.get(at + name.len()).is_none_or(|&b| !word(b))
        })
        .collect()
}

/// Replaces `len` bytes at each of `places` (ascending) with `with`.
fn replace_at(text: &str, places: &[usize], len: usize, with: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut from = 0;
    for &at in places {
        out.push_str(&text[from..at]);
        out.push_str(with);
        from = at + len;
    }
    out.push_str(&text[from..]);
    out
}

/// Shortens the import names of `module` (the glue's own module, `./<name>_bg.js`) and
/// the long export names, in the wasm and in its (unminified) glue alike.
pub fn shorten_names(wasm: &[u8], glue: &str, module: &str) -> Result<Renamed, String> {
    if !glue.contains(&format!("\"{module}\"")) {
        return Err(format!(
            "wasm-names: the glue does not name its module {module}"
        ));
    }
    let mut glue = glue.to_string();
    let (mut imports, mut exports) = (0, 0);
    let mut renamed_exports = Vec::new();
    let mut out = wasm
        .get(..8)
        .ok_or("wasm-names: not a wasm module")?
        .to_vec();
    for (id, body) in sections(wasm)? {
        let renamed = match id {
            2 => {
                let mut r = Reader { body, at: 0 };
                let count = r.number()?;
                let mut section = Vec::new();
                leb(count, &mut section);
                for _ in 0..count {
                    let from = r.name()?;
                    let field = r.name()?;
                    let start = r.at;
                    match r.byte()? {
                        0 => {
                            r.number()?;
                        }
                        1 => {
                            r.byte()?;
                            let flags = r.byte()?;
                            r.number()?;
                            if flags & 1 != 0 {
                                r.number()?;
                            }
                        }
                        2 => {
                            let flags = r.byte()?;
                            r.number()?;
                            if flags & 1 != 0 {
                                r.number()?;
                            }
                        }
                        3 => {
                            r.byte()?;
                            r.byte()?;
                        }
                        4 => {
                            r.byte()?;
                            r.number()?;
                        }
                        kind => {
                            return Err(format!(
                                "wasm-names: an import of an unknown kind ({kind})"
                            ))
                        }
                    }
                    let desc = &body[start..r.at];
                    push_name(from, &mut section);
                    if from == module {
                        // The one place the glue names it: `<field>: function…`.
                        let all = whole_words(&glue, field);
                        if all.len() != 1 || !has_key(&glue, field) {
                            return Err(format!(
                                "wasm-names: the import {field} is not named once, as a key, in the glue"
                            ));
                        }
                        let name = short_name(imports);
                        imports += 1;
                        glue = replace_at(&glue, &all, field.len(), &name);
                        push_name(&name, &mut section);
                    } else {
                        push_name(field, &mut section);
                    }
                    section.extend_from_slice(desc);
                }
                if !r.done() {
                    return Err("wasm-names: the import section has bytes after its imports".into());
                }
                section
            }
            7 => {
                let mut r = Reader { body, at: 0 };
                let count = r.number()?;
                let mut section = Vec::new();
                leb(count, &mut section);
                for _ in 0..count {
                    let field = r.name()?;
                    let start = r.at;
                    r.byte()?;
                    r.number()?;
                    let uses = if field.len() > LONG_EXPORT {
                        export_uses(&glue, field)
                    } else {
                        Vec::new()
                    };
                    if uses.is_empty() {
                        // Short, or not the glue's (a marker left for tools).
                        push_name(field, &mut section);
                    } else {
                        let name = short_name(exports);
                        exports += 1;
                        glue = replace_at(&glue, &uses, field.len(), &name);
                        push_name(&name, &mut section);
                        renamed_exports.push(name);
                    }
                    section.extend_from_slice(&body[start..r.at]);
                }
                if !r.done() {
                    return Err("wasm-names: the export section has bytes after its exports".into());
                }
                section
            }
            _ => body.to_vec(),
        };
        out.push(id);
        leb(renamed.len() as u64, &mut out);
        out.extend_from_slice(&renamed);
    }
    check(&out, &glue, module, &renamed_exports)?;
    Ok(Renamed {
        wasm: out,
        glue,
        imports,
        exports,
    })
}

/// A validator's reading of the result: it is a valid module, each import of the glue's
/// module is a key of the glue, and each renamed export is read by it.
fn check(wasm: &[u8], glue: &str, module: &str, renamed: &[String]) -> Result<(), String> {
    use wasmparser::{Parser, Payload, Validator, WasmFeatures};
    Validator::new_with_features(WasmFeatures::all())
        .validate_all(wasm)
        .map_err(|e| format!("wasm-names: the renamed wasm is not valid: {e}"))?;
    let mut read = Vec::new();
    for payload in Parser::new(0).parse_all(wasm) {
        match payload.map_err(|e| e.to_string())? {
            Payload::ImportSection(section) => {
                for import in section.into_imports() {
                    let import = import.map_err(|e| e.to_string())?;
                    if import.module == module && !has_key(glue, import.name) {
                        return Err(format!(
                            "wasm-names: the wasm imports {}, which the glue lacks",
                            import.name
                        ));
                    }
                }
            }
            Payload::ExportSection(section) => {
                for export in section {
                    read.push(export.map_err(|e| e.to_string())?.name.to_string());
                }
            }
            _ => {}
        }
    }
    for name in renamed {
        if !read.contains(name) || export_uses(glue, name).is_empty() {
            return Err(format!(
                "wasm-names: the glue does not read the export {name}"
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_encoder::{
        CodeSection, EntityType, ExportKind, ExportSection, Function, FunctionSection,
        ImportSection, Instruction, Module, TypeSection, ValType,
    };

    pub const LONG: &str =
        "wasm_bindgen_0123456789abcdef___convert__closures_____invoke_______true_";

    /// Two imports from the glue's module, one from elsewhere; a short and a long export:
    /// `run(x) = keep(double(add(x, 1)))`, `LONG(x) = x * 10`.
    pub fn small_wasm() -> Vec<u8> {
        let mut types = TypeSection::new();
        types
            .ty()
            .function([ValType::I32, ValType::I32], [ValType::I32]);
        types.ty().function([ValType::I32], [ValType::I32]);
        let mut imports = ImportSection::new();
        imports.import(
            "./app_bg.js",
            "__wbg_add_0123456789abcdef",
            EntityType::Function(0),
        );
        imports.import(
            "./app_bg.js",
            "__wbg_double_fedcba9876543210",
            EntityType::Function(1),
        );
        imports.import(
            "env",
            "__wbg_keep_0000000000000000",
            EntityType::Function(1),
        );
        let mut functions = FunctionSection::new();
        functions.function(1);
        functions.function(1);
        let mut exports = ExportSection::new();
        exports.export("run", ExportKind::Func, 3);
        exports.export(LONG, ExportKind::Func, 4);
        let mut code = CodeSection::new();
        let mut run = Function::new([]);
        for i in [
            Instruction::LocalGet(0),
            Instruction::I32Const(1),
            Instruction::Call(0),
            Instruction::Call(1),
            Instruction::Call(2),
            Instruction::End,
        ] {
            run.instruction(&i);
        }
        code.function(&run);
        let mut ten = Function::new([]);
        for i in [
            Instruction::LocalGet(0),
            Instruction::I32Const(10),
            Instruction::I32Mul,
            Instruction::End,
        ] {
            ten.instruction(&i);
        }
        code.function(&ten);
        let mut module = Module::new();
        module
            .section(&types)
            .section(&imports)
            .section(&functions)
            .section(&exports)
            .section(&code);
        module.finish()
    }

    /// Shaped like wasm-bindgen's glue: an import object keyed by name, exports read as wasm.x.
    pub fn glue() -> String {
        format!(
            r#"let wasm;
function imports() {{
  const import0 = {{
    __proto__: null,
    __wbg_add_0123456789abcdef: function(a, b) {{ return a + b; }},
    __wbg_double_fedcba9876543210: function(a) {{ return a * 2; }},
  }};
  return {{ __proto__: null, "./app_bg.js": import0, env: {{ __wbg_keep_0000000000000000: (a) => a }} }};
}}
function {LONG}(a) {{ return wasm.{LONG}(a); }}
return {{ imports, start(exports) {{ wasm = exports; }}, run: (a) => wasm.run(a), ten: (a) => {LONG}(a) }};"#
        )
    }

    fn imports_of(wasm: &[u8]) -> Vec<String> {
        let mut names = Vec::new();
        for payload in wasmparser::Parser::new(0).parse_all(wasm) {
            if let wasmparser::Payload::ImportSection(s) = payload.unwrap() {
                for i in s.into_imports() {
                    let i = i.unwrap();
                    names.push(format!("{} {}", i.module, i.name));
                }
            }
        }
        names
    }

    #[test]
    fn short_names_count_in_base_52() {
        assert_eq!(short_name(0), "$a");
        assert_eq!(short_name(51), "$Z");
        assert_eq!(short_name(52), "$ba");
        assert_eq!(short_name(52 * 52), "$baa");
    }

    #[test]
    fn leb_round_trips() {
        for value in [0u64, 1, 127, 128, 300, 624_485, u32::MAX as u64] {
            let mut out = Vec::new();
            leb(value, &mut out);
            assert_eq!(read_leb(&out, 0).unwrap(), (value, out.len()));
        }
    }

    #[test]
    fn renames_the_glues_imports_and_long_exports_in_both_files() {
        let wasm = small_wasm();
        let short = shorten_names(&wasm, &glue(), "./app_bg.js").unwrap();
        assert_eq!((short.imports, short.exports), (2, 1));
        assert!(short.wasm.len() < wasm.len());
        assert!(!short.glue.contains("__wbg_add_0123456789abcdef"));
        assert!(!short.glue.contains("__wbg_double_fedcba9876543210"));
        assert!(!short.glue.contains(&format!("wasm.{LONG}")));
        assert!(short.glue.contains("wasm.$a(a)"));
        // The wrapper function keeps its (minifiable) name; another module's import too.
        assert!(short.glue.contains(&format!("function {LONG}(a)")));
        assert!(short.glue.contains("__wbg_keep_0000000000000000"));
        assert_eq!(
            imports_of(&short.wasm),
            [
                "./app_bg.js $a",
                "./app_bg.js $b",
                "env __wbg_keep_0000000000000000"
            ]
        );
    }

    /// The renamed pair still runs together, in node's engine (skipped where there is no node).
    #[test]
    fn the_renamed_pair_still_runs() {
        let short = shorten_names(&small_wasm(), &glue(), "./app_bg.js").unwrap();
        let dir = std::env::temp_dir().join(format!("xtask-names-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("m.wasm"), &short.wasm).unwrap();
        std::fs::write(dir.join("glue.js"), &short.glue).unwrap();
        let script = "const fs = require('fs'); const d = process.argv[1];\
            const app = new Function(fs.readFileSync(d + '/glue.js', 'utf8'))();\
            WebAssembly.instantiate(fs.readFileSync(d + '/m.wasm'), app.imports()).then(({ instance }) => {\
            app.start(instance.exports); console.log(app.run(4), app.ten(3)); });";
        let Ok(out) = std::process::Command::new("node")
            .args(["-e", script, dir.to_str().unwrap()])
            .output()
        else {
            eprintln!("no node: the run is not checked");
            return;
        };
        std::fs::remove_dir_all(&dir).ok();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        // (4 + 1) × 2 and 3 × 10
        assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "10 30");
    }

    #[test]
    fn a_glue_it_cannot_rename_safely_stops_the_build() {
        let wasm = small_wasm();
        let glue = glue();
        // The import's name stands twice: renaming only the key would break the other.
        let twice = glue.replace(
            "return { imports,",
            "const again = \"__wbg_add_0123456789abcdef\"; return { imports,",
        );
        let err = shorten_names(&wasm, &twice, "./app_bg.js").unwrap_err();
        assert!(
            err.contains("__wbg_add_0123456789abcdef is not named once"),
            "{err}"
        );
        // The glue has no key for an import.
        let missing = glue.replace(
            "__wbg_double_fedcba9876543210: function(a) { return a * 2; },",
            "",
        );
        let err = shorten_names(&wasm, &missing, "./app_bg.js").unwrap_err();
        assert!(
            err.contains("__wbg_double_fedcba9876543210 is not named once"),
            "{err}"
        );
        // Another app's glue.
        let err = shorten_names(&wasm, &glue, "./other_bg.js").unwrap_err();
        assert!(err.contains("does not name its module"), "{err}");
        // A damaged wasm.
        assert!(shorten_names(&wasm[..wasm.len() - 3], &glue, "./app_bg.js").is_err());
    }
}
