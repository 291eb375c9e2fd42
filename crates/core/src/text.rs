//! What people type, made checkable: Chinese phones' keyboards type full-width digits
//! and letters (`５１０４２２…`, `Ｘ`) and the ideographic space; every parser of a
//! person's input normalises them first, so the same number is the same number.

/// Full-width ASCII (U+FF01–U+FF5E) to ASCII and the ideographic space (U+3000) to a
/// space; everything else as it is: `normalize_width("１３９　１２３４") == "139 1234"`.
pub fn normalize_width(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\u{3000}' => ' ',
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            c => c,
        })
        .collect()
}

/// `text` with every `<escape>XX` (two hex digits) turned back into its byte, or
/// `None` when an escape is malformed or the bytes are not UTF-8:
/// `decode_escapes("a%2Fb", b'%') == Some("a/b")`.
pub fn decode_escapes(text: &str, escape: u8) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == escape {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_width_forms_become_ascii() {
        assert_eq!(
            normalize_width("５１０４２２１９７７０１２０２２"),
            "510422197701202 2".replace(' ', "")
        );
        assert_eq!(
            normalize_width("１３９　１２３４－５６７８"),
            "139 1234-5678"
        );
        assert_eq!(normalize_width("ｘＸａＺ！～"), "xXaZ!~");
        assert_eq!(
            normalize_width("黄山路12号"),
            "黄山路12号",
            "CJK is left alone"
        );
        assert_eq!(normalize_width(""), "");
    }

    #[test]
    fn escapes_decode_or_refuse() {
        assert_eq!(decode_escapes("a%2Fb", b'%').as_deref(), Some("a/b"));
        assert_eq!(decode_escapes("50~25~20", b'~').as_deref(), Some("50% "));
        assert_eq!(decode_escapes("%E8%81%8A", b'%').as_deref(), Some("聊"));
        assert_eq!(decode_escapes("%zz", b'%'), None);
        assert_eq!(decode_escapes("%4", b'%'), None);
        assert_eq!(decode_escapes("%FF", b'%'), None, "not UTF-8");
    }
}
