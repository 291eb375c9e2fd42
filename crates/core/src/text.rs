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
}
