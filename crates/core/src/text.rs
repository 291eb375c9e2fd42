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

/// Whether `text` holds a line break, a tab or any other control character: Unicode's
/// `Cc` (U+0000–U+001F, U+007F–U+009F, so `\n`, `\r`, `\t`, NEL) and the line and
/// paragraph separators (U+2028, U+2029); spaces of every width are text. A name,
/// number or id with one is refused wherever it enters (the intake, the desk, the
/// app's forms): a card's signed text puts one field on each line, so a line break in
/// a name would sign a card whose QR text no venue reads:
/// `has_control("张\n三") == true`, `has_control("Anna Li") == false`.
pub fn has_control(text: &str) -> bool {
    text.chars().any(is_control)
}

/// [`has_control`] for free text shown as text and never signed (a report's note):
/// line breaks (`\n`, `\r`, U+2028, U+2029) and tabs are its own, every other
/// control character is refused: `has_control_beyond_lines("搬了\n在对面") == false`.
pub fn has_control_beyond_lines(text: &str) -> bool {
    text.chars()
        .any(|c| is_control(c) && !matches!(c, '\n' | '\r' | '\t' | '\u{2028}' | '\u{2029}'))
}

/// The one rule of what is a control character here (see [`has_control`]).
fn is_control(c: char) -> bool {
    c.is_control() || matches!(c, '\u{2028}' | '\u{2029}')
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

/// `x` with `decimals` digits after the point (0 to 9), as `format!("{x:.N}")` gives it
/// but without pulling the float formatter into the wasm (about 5 KB gzip); ties may
/// round the other way in the last digit: `fixed(36.4571234, 6) == "36.457123"`,
/// `fixed(2.46, 1) == "2.5"`. Exact up to |x| of about 9e15 / 10^decimals, beyond that
/// the whole part saturates; not-a-number and infinities are written as Rust writes them.
pub fn fixed(x: f64, decimals: u8) -> String {
    if x.is_nan() {
        return "NaN".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "inf" } else { "-inf" }.into();
    }
    let decimals = decimals.min(9);
    let scale = 10u64.pow(u32::from(decimals));
    // Saturating cast: finite beyond u64 is beyond any coordinate or distance.
    let scaled = (x.abs() * scale as f64).round() as u64;
    let (whole, frac) = (scaled / scale, scaled % scale);
    let sign = if x < 0.0 && scaled != 0 { "-" } else { "" };
    if decimals == 0 {
        format!("{sign}{whole}")
    } else {
        format!(
            "{sign}{whole}.{frac:0width$}",
            width = usize::from(decimals)
        )
    }
}

/// `x` with at most `max_decimals` digits after the point and no trailing zeros, for
/// numbers people read: `decimal(12.5, 2) == "12.5"`, `decimal(20.0, 2) == "20"`.
pub fn decimal(x: f64, max_decimals: u8) -> String {
    let mut text = fixed(x, max_decimals);
    if text.contains('.') {
        let kept = text.trim_end_matches('0').trim_end_matches('.').len();
        text.truncate(kept);
    }
    text
}

/// Compact JSON (as serde_json writes it) laid out with two-space indents, as
/// `serde_json::to_string_pretty` would, for files a person may open: without the
/// app carrying a second, pretty copy of every serializer. Whitespace outside strings
/// is dropped; text that is not JSON comes out rearranged, never a panic:
/// `pretty_json(r#"{"a":[1,{}]}"#) == "{\n  \"a\": [\n    1,\n    {}\n  ]\n}"`.
pub fn pretty_json(compact: &str) -> String {
    fn newline(out: &mut String, depth: usize) {
        out.push('\n');
        for _ in 0..depth {
            out.push_str("  ");
        }
    }
    let mut out = String::with_capacity(compact.len() * 2);
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    let mut chars = compact.chars().peekable();
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                out.push(c);
            }
            '{' | '[' => {
                out.push(c);
                // An empty object or array stays on one line.
                while chars.next_if(|n| n.is_whitespace()).is_some() {}
                if let Some(close) = chars.next_if(|n| matches!(n, '}' | ']')) {
                    out.push(close);
                } else {
                    depth += 1;
                    newline(&mut out, depth);
                }
            }
            '}' | ']' => {
                depth = depth.saturating_sub(1);
                newline(&mut out, depth);
                out.push(c);
            }
            ',' => {
                out.push(c);
                newline(&mut out, depth);
            }
            ':' => out.push_str(": "),
            c if c.is_whitespace() => {}
            c => out.push(c),
        }
    }
    out
}

/// `text` cut into runs, each with whether it is a number to keep on one line: digits
/// joined by `:` `-` `–` `—` `.` `/` (a time, a date, a phone number, `07:00–19:00`),
/// at least two characters. A line may break after a hyphen or a dash, which would
/// cut `2026-11-30` or `0635-8123456` in two:
/// `number_runs("有效期 2026-11-30 止") == [("有效期 ", false), ("2026-11-30", true), (" 止", false)]`.
pub fn number_runs(text: &str) -> Vec<(&str, bool)> {
    let joiner = |c: char| matches!(c, ':' | '-' | '–' | '—' | '.' | '/');
    let mut runs = Vec::new();
    let (mut start, mut i) = (0, 0);
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    while i < chars.len() {
        if !chars[i].1.is_ascii_digit() {
            i += 1;
            continue;
        }
        // The run ends at its last digit: a trailing joiner stays outside.
        let (from, mut last, mut j) = (chars[i].0, i, i + 1);
        while j < chars.len() && (chars[j].1.is_ascii_digit() || joiner(chars[j].1)) {
            if chars[j].1.is_ascii_digit() {
                last = j;
            }
            j += 1;
        }
        let to = chars[last].0 + 1;
        if last > i {
            if from > start {
                runs.push((&text[start..from], false));
            }
            runs.push((&text[from..to], true));
            start = to;
        }
        i = last + 1;
    }
    if start < text.len() {
        runs.push((&text[start..], false));
    }
    runs
}

/// `text` as HTML whose lines break between words only (the app's `.words`, with
/// `word-break: keep-all`): escaped, each number run ([`number_runs`]) in
/// `<span class="nw">` (kept on one line), and a `<wbr>` before each byte offset in
/// `breaks` (in ascending order) outside them, where two Chinese words meet (the
/// browser's segmenter finds them): `words_html("步行<b>", &[3]) == "步<wbr>行&lt;b&gt;"`.
pub fn words_html(text: &str, breaks: &[usize]) -> String {
    let mut out = String::with_capacity(text.len() + 32);
    let mut at = 0;
    for (run, number) in number_runs(text) {
        if number {
            out.push_str("<span class=\"nw\">");
        }
        for (i, c) in run.char_indices() {
            // By halves: `contains` made a 200,000-character name from a hostile feed
            // quadratic (the list never drew).
            if !number && i + at > 0 && breaks.binary_search(&(at + i)).is_ok() {
                out.push_str("<wbr>");
            }
            match c {
                '&' => out.push_str("&amp;"),
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                c => out.push(c),
            }
        }
        if number {
            out.push_str("</span>");
        }
        at += run.len();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_found_and_spaces_are_text() {
        for bad in [
            "张\n三",
            "张\r\n三",
            "张\t三",
            "\u{0}",
            "张三\u{7f}",
            "\u{85}",
            "\u{1b}[31m",
            "a\u{2028}b",
        ] {
            assert!(has_control(bad), "{bad:?}");
        }
        for good in [
            "",
            "张三",
            "Anna Maria Li",
            "张　三",
            "\u{a0}",
            "O'Brien-Smith",
        ] {
            assert!(!has_control(good), "{good:?}");
        }
        // A note keeps its lines and tabs, never the rest.
        assert!(!has_control_beyond_lines("搬了\r\n在对面\t二楼\u{2028}"));
        assert!(has_control_beyond_lines("搬了\u{0}"));
        assert!(has_control_beyond_lines("\u{1b}[2J"));
    }

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

    #[test]
    fn fixed_writes_what_format_writes() {
        assert_eq!(fixed(36.4571234, 6), "36.457123");
        assert_eq!(fixed(115.985, 6), "115.985000");
        assert_eq!(fixed(2.46, 1), "2.5");
        assert_eq!(fixed(0.04, 1), "0.0");
        assert_eq!(fixed(99.96, 1), "100.0", "the carry reaches the whole part");
        assert_eq!(fixed(150.4, 0), "150");
        assert_eq!(fixed(-3.25, 1), "-3.3");
        assert_eq!(fixed(-0.01, 1), "0.0", "no minus before a zero");
        assert_eq!(fixed(7.0, 20), "7.000000000", "at most nine decimals");
        assert_eq!(fixed(f64::NAN, 2), "NaN");
        assert_eq!(fixed(f64::NEG_INFINITY, 2), "-inf");
        assert_eq!(
            fixed(1e300, 1),
            "1844674407370955161.5",
            "saturates, never panics"
        );
    }

    #[test]
    fn pretty_json_lays_out_as_serde_json_does() {
        let value = serde_json::json!({
            "exported_by": "yizhan",
            "empty": {}, "none": [],
            "tricky": "a\"b,{[:]}\\",
            "nested": [1, -2.5, null, true, {"名": "王五", "list": [[], {"x": []}]}],
        });
        let compact = serde_json::to_string(&value).unwrap();
        assert_eq!(
            pretty_json(&compact),
            serde_json::to_string_pretty(&value).unwrap()
        );
        assert_eq!(pretty_json("[]"), "[]");
        assert_eq!(pretty_json(" { } "), "{}");
    }

    #[test]
    fn numbers_are_runs_of_their_own() {
        assert_eq!(
            number_runs("有效期 2026-11-01 至 2026-11-30"),
            [
                ("有效期 ", false),
                ("2026-11-01", true),
                (" 至 ", false),
                ("2026-11-30", true)
            ]
        );
        assert_eq!(
            number_runs("Today: 07:00–19:00."),
            [("Today: ", false), ("07:00–19:00", true), (".", false)]
        );
        assert_eq!(number_runs("0635-8123456"), [("0635-8123456", true)]);
        // One digit is no run; a trailing joiner is not part of one.
        assert_eq!(number_runs("3号楼"), [("3号楼", false)]);
        assert_eq!(number_runs("12- 5"), [("12", true), ("- 5", false)]);
        assert!(number_runs("").is_empty());
    }

    #[test]
    fn words_html_is_escaped_text_with_its_breaks() {
        assert_eq!(words_html("步行<b>", &[3]), "步<wbr>行&lt;b&gt;");
        assert_eq!(
            words_html("有效期 2026-11-30 & 热饭", &[3, 26]),
            "有<wbr>效期 <span class=\"nw\">2026-11-30</span> &amp; 热<wbr>饭"
        );
        // No break at the start, none inside a number.
        assert_eq!(
            words_html("0635-8123", &[0, 2]),
            "<span class=\"nw\">0635-8123</span>"
        );
    }
}
