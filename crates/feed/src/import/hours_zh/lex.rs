//! The words of a Chinese hours cell as tokens: days, times, 上午/下午, 全天, 休息…
//! (full-width letters made half-width and every kind of dash made `-` first).

#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Tok {
    /// 0 = Monday … 6 = Sunday.
    Day(u8),
    Every,
    Weekdays,
    Weekend,
    Holiday,
    /// 照常/正常: the holidays follow the weekdays (no rule of their own).
    AsUsual,
    AllDay,
    Off,
    Am,
    Noon,
    Pm,
    NextDay,
    Time(u16, u16),
    Dash,
    Sep,
}

/// Longest first where one word starts another (全天24小时 before 全天).
const WORDS: &[(&str, Option<Tok>)] = &[
    ("国家法定节假日", Some(Tok::Holiday)),
    ("法定节假日", Some(Tok::Holiday)),
    ("节假日", Some(Tok::Holiday)),
    ("节日", Some(Tok::Holiday)),
    ("假日", Some(Tok::Holiday)),
    ("全年无休", Some(Tok::Every)),
    ("每天", Some(Tok::Every)),
    ("每日", Some(Tok::Every)),
    ("天天", Some(Tok::Every)),
    ("全年", Some(Tok::Every)),
    ("工作日", Some(Tok::Weekdays)),
    ("双休日", Some(Tok::Weekend)),
    ("周末", Some(Tok::Weekend)),
    ("照常", Some(Tok::AsUsual)),
    ("正常", Some(Tok::AsUsual)),
    ("全天24小时", Some(Tok::AllDay)),
    ("全天候", Some(Tok::AllDay)),
    ("24小时", Some(Tok::AllDay)),
    ("24h", Some(Tok::AllDay)),
    ("24H", Some(Tok::AllDay)),
    ("全天", Some(Tok::AllDay)),
    ("不间断", None),
    ("暂停开放", Some(Tok::Off)),
    ("停止开放", Some(Tok::Off)),
    ("不开放", Some(Tok::Off)),
    ("不营业", Some(Tok::Off)),
    ("休息", Some(Tok::Off)),
    ("闭馆", Some(Tok::Off)),
    ("闭站", Some(Tok::Off)),
    ("关闭", Some(Tok::Off)),
    ("休", Some(Tok::Off)),
    ("上午", Some(Tok::Am)),
    ("早上", Some(Tok::Am)),
    ("早晨", Some(Tok::Am)),
    ("凌晨", Some(Tok::Am)),
    ("早", Some(Tok::Am)),
    ("中午", Some(Tok::Noon)),
    ("下午", Some(Tok::Pm)),
    ("傍晚", Some(Tok::Pm)),
    ("晚上", Some(Tok::Pm)),
    ("夜间", Some(Tok::Pm)),
    ("晚", Some(Tok::Pm)),
    ("次日", Some(Tok::NextDay)),
    ("第二天", Some(Tok::NextDay)),
    // Words that say nothing the times do not.
    ("开放时间", None),
    ("服务时间", None),
    ("营业时间", None),
    ("时间", None),
    ("对外开放", None),
    ("开放", None),
    ("营业", None),
    ("服务", None),
    ("均", None),
    ("为", None),
    ("从", None),
    ("及", Some(Tok::Sep)),
    ("和", Some(Tok::Sep)),
    ("与", Some(Tok::Sep)),
];

pub(super) fn lex(text: &str) -> Result<Vec<Tok>, String> {
    let text = yizhan_core::text::normalize_width(text)
        .replace(['—', '–', '－', '～', '~', '―', '−', '至', '到'], "-")
        .replace("星期", "周")
        .replace("礼拜", "周");
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let rest: String = chars[i..].iter().take(8).collect();
        // Words first: 24小时 is not the time 24:00.
        if let Some((word, tok)) = WORDS.iter().find(|(w, _)| rest.starts_with(w)) {
            out.extend(*tok);
            i += word.chars().count();
            continue;
        }
        if c.is_ascii_digit() {
            let (tok, used) = time(&chars[i..])?;
            out.push(tok);
            i += used;
            continue;
        }
        if c == '周' {
            let day = chars.get(i + 1).and_then(|d| "一二三四五六日天七".find(*d));
            let Some(byte) = day else {
                return Err(format!("`周` without a day after it in `{text}`"));
            };
            // "一二三四五六日天七" is 3 bytes a character; 日, 天 and 七 all say Sunday.
            out.push(Tok::Day(((byte / 3) as u8).min(6)));
            i += 2;
            continue;
        }
        match c {
            '-' => out.push(Tok::Dash),
            ',' | '，' | '、' | ';' | '；' | '。' | '/' | '|' | '\n' | '\r' => {
                out.push(Tok::Sep)
            }
            // Spaces and label colons ("开放时间：") carry nothing.
            ' ' | '\t' | ':' | '(' | ')' | '（' | '）' => {}
            other => {
                let run: String = chars[i..]
                    .iter()
                    .take_while(|c| !c.is_ascii_digit() && !matches!(c, ',' | '，' | ';' | '；'))
                    .collect();
                let run = if run.is_empty() {
                    other.to_string()
                } else {
                    run
                };
                return Err(format!("does not know `{}`", run.trim()));
            }
        }
        i += 1;
    }
    Ok(out)
}

/// `8:30`, `8点`, `8点半`, `8时30分`, `0830` is not one: a time and the characters used.
fn time(chars: &[char]) -> Result<(Tok, usize), String> {
    let digits = |from: usize| {
        chars[from..]
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .count()
    };
    let number = |from: usize, n: usize| -> u16 {
        chars[from..from + n].iter().fold(0u16, |v, c| {
            v.saturating_mul(10).saturating_add(*c as u16 - '0' as u16)
        })
    };
    let h_len = digits(0);
    if h_len > 2 {
        let text: String = chars[..h_len].iter().collect();
        return Err(format!("`{text}` is not a time (write 8:00)"));
    }
    let hour = number(0, h_len);
    let mut used = h_len;
    let mut minute = 0;
    match chars.get(used) {
        Some(':') | Some('：') | Some('.')
            if chars.get(used + 1).is_some_and(char::is_ascii_digit) =>
        {
            let m_len = digits(used + 1);
            if m_len != 2 {
                return Err("minutes are written with two digits (8:05)".into());
            }
            minute = number(used + 1, 2);
            used += 1 + m_len;
        }
        Some('点') | Some('时') => {
            used += 1;
            if chars.get(used) == Some(&'半') {
                minute = 30;
                used += 1;
            } else if chars.get(used).is_some_and(char::is_ascii_digit) {
                let m_len = digits(used);
                minute = number(used, m_len);
                used += m_len;
                if chars.get(used) == Some(&'分') {
                    used += 1;
                }
            }
        }
        _ => {}
    }
    if hour > 24 || minute > 59 || (hour == 24 && minute > 0) {
        return Err(format!("{hour}:{minute:02} is not a time of day"));
    }
    Ok((Tok::Time(hour, minute), used))
}
