//! The clerk's sheet: `export` writes the join, transfer and card requests awaiting a
//! decision to a CSV (UTF-8 with BOM, which WPS and Excel both open as Chinese text)
//! in Chinese (headers, kinds, occupations, union names, Beijing time) with three
//! columns to fill (决定, 会员号, 备注); `import` reads it back, checking every row
//! and recording nothing if any row is wrong. An older sheet's English headers and
//! words (`decision`, `approved`…) still read.
//!
//! Every cell comes from the phone of whoever sent the request, so [`cell`] writes it
//! as text a spreadsheet shows and never runs (OWASP "CSV Injection"), and
//! [`read_cell`] takes that marking off again when the filled sheet comes back.

use super::words::{self, decision_word, Lang};
use super::{awaits_decision, decided_by_clerk, held, held_one, member_number, supplements_of};
use crate::Diagnostic;
use rusqlite::{params, Connection, OptionalExtension};
use std::collections::HashSet;
use yizhan_core::feed::Union;
use yizhan_core::request::Request;

/// The decisions the desk records (`statuses[].state`).
pub const DECISIONS: [&str; 3] = ["approved", "needs_info", "rejected"];

const COLUMNS: [&str; 14] = [
    "编号",
    "类型",
    "收到时间（北京时间）",
    "姓名",
    "手机号",
    "身份证号",
    "职业",
    "工作单位",
    "工会",
    "原工会",
    "补充材料",
    "决定",
    "会员号",
    "备注",
];

/// The columns `import` reads, each by its Chinese header or an older sheet's English.
const READ: [(&str, &str); 4] = [
    ("编号", "id"),
    ("决定", "decision"),
    ("会员号", "member_no"),
    ("备注", "note"),
];

/// The mark that makes a spreadsheet read a cell as text: an apostrophe, OWASP's
/// advice against CSV injection, used for long numbers as well. Why this one:
/// - It is not a formula itself. `="…"` keeps numbers as text in Excel and WPS, but it
///   is a formula built around what a stranger typed, shown or run as one wherever a
///   program's import settings differ.
/// - A leading tab is itself on OWASP's list of characters that start a formula in
///   some programs, and whether a program keeps it or trims it is up to the program.
/// - Excel and WPS opening a CSV keep `'` as a visible character: the cell is text
///   (no formula runs, `11010519491231002X` and `13912345678` keep every digit), and
///   a re-saved sheet keeps it too, which is why [`read_cell`] strips it.
const TEXT_MARK: char = '\'';

/// `value` as a cell a spreadsheet shows as text: an apostrophe before a cell that
/// starts (even after spaces or line breaks) with a formula's `=`, `+`, `-`, `@`
/// (full-width ones too, which a Chinese input method types), or with a tab or a
/// carriage return; and before a long number (11 or more digits, optionally ending
/// in X as an ID number does, or digits with a leading zero), which Excel and WPS
/// would turn into `1.10105E+17` or strip of its zeros. Anything else as it is.
fn cell(value: &str) -> String {
    const FORMULA: [char; 8] = ['=', '+', '-', '@', '＝', '＋', '－', '＠'];
    let formula = value.starts_with(['\t', '\r']) || value.trim_start().starts_with(FORMULA);
    let digits = value.strip_suffix(['X', 'x']).unwrap_or(value);
    let long_number = !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
        && (digits.len() >= 11 || (digits.len() > 1 && digits.starts_with('0')));
    if formula || long_number {
        format!("{TEXT_MARK}{value}")
    } else {
        value.to_string()
    }
}

/// A cell of a filled sheet as the clerk meant it: spaces around it and the text mark
/// of [`cell`] (which Excel and WPS keep in the cell, and save back) taken off.
fn read_cell(value: &str) -> &str {
    let value = value.trim();
    value.strip_prefix(TEXT_MARK).unwrap_or(value).trim()
}

/// The CSV of the requests awaiting a decision (never decided, or answered by a
/// supplement after a `needs_info`), and how many rows it has; `unions` names the
/// unions. Requests held with a problem are not in it (`desk problems` lists them).
pub fn export(db: &Connection, unions: &[Union]) -> Result<(Vec<u8>, usize), String> {
    let mut rows = Vec::new();
    for h in held(db, false)? {
        if decided_by_clerk(&h.request) && awaits_decision(db, &h.id)? {
            rows.push(h);
        }
    }
    let union_name = |id: &str| {
        unions
            .iter()
            .find(|u| u.id == id)
            .map_or(id.to_string(), |u| u.name.clone())
    };
    let mut out = Vec::from("\u{feff}".as_bytes());
    {
        let mut writer = csv::Writer::from_writer(&mut out);
        writer.write_record(COLUMNS).map_err(|e| e.to_string())?;
        for r in &rows {
            // name, phone, id_number, occupation, employer, union, from_union, and the
            // member number a card request gives (the clerk checks it)
            let fields: [String; 8] = match &r.request {
                Request::Join(a) | Request::Transfer(a) => [
                    a.name.clone(),
                    a.phone.clone(),
                    a.id_number.clone(),
                    words::occupation(Lang::Zh, &a.occupation),
                    a.employer.clone(),
                    union_name(&a.union),
                    a.from_union.clone().unwrap_or_default(),
                    String::new(),
                ],
                Request::Card(c) => [
                    c.name.clone(),
                    String::new(),
                    c.id_number.clone(),
                    String::new(),
                    String::new(),
                    union_name(&c.union),
                    String::new(),
                    c.member_no.clone(),
                ],
                Request::Claim(_)
                | Request::Report(_)
                | Request::Redeem(_)
                | Request::Supplement(_) => continue,
            };
            let supplements: Vec<String> = supplements_of(db, &r.id)?
                .into_iter()
                .map(|s| format!("{}：{}", words::beijing(&s.received_at), s.note))
                .collect();
            let [name, phone, id_number, occupation, employer, union, from_union, member_no] =
                fields;
            writer
                .write_record(
                    [
                        r.id.as_str(),
                        words::kind(Lang::Zh, r.request.kind()),
                        &words::beijing(&r.received_at),
                        &name,
                        &phone,
                        &id_number,
                        &occupation,
                        &employer,
                        &union,
                        &from_union,
                        &supplements.join("\n"),
                        "",
                        &member_no,
                        "",
                    ]
                    .map(cell),
                )
                .map_err(|e| e.to_string())?;
        }
        writer.flush().map_err(|e| e.to_string())?;
    }
    Ok((out, rows.len()))
}

/// One decision read from a filled CSV.
#[derive(Debug, PartialEq, Eq)]
pub struct Decision {
    pub id: String,
    pub decision: String,
    pub member_no: Option<String>,
    pub note: Option<String>,
}

/// Reads a filled CSV (rows left without a decision are skipped), checking every row:
/// the request exists, is a join/transfer/card request not decided before nor twice
/// in the file; the decision is one of [`DECISIONS`]; an approval carries a member
/// number (6–24 letters and digits, full-width typing allowed). Every bad row is one
/// `FILE:LINE: reason`.
pub fn read_decisions(
    db: &Connection,
    file: &str,
    bytes: &[u8],
) -> Result<Vec<Decision>, Vec<Diagnostic>> {
    let error = |line: u64, message: String| Diagnostic {
        file: file.to_string(),
        line,
        message,
        warning: false,
    };
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t.trim_start_matches('\u{feff}'),
        Err(_) => {
            return Err(vec![error(
                1,
                "not UTF-8: save the sheet as \"CSV UTF-8\"".into(),
            )])
        }
    };
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let header: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|s| s.trim().to_string()).collect(),
        Err(e) => return Err(vec![error(1, format!("no header row: {e}"))]),
    };
    let column = |(zh, en): (&str, &str)| header.iter().position(|h| h == zh || h == en);
    let (Some(c_id), Some(c_decision), Some(c_member), Some(c_note)) = (
        column(READ[0]),
        column(READ[1]),
        column(READ[2]),
        column(READ[3]),
    ) else {
        return Err(vec![error(
            1,
            "表头要有 编号、决定、会员号、备注 这几列 (the header needs the columns \
             编号/id, 决定/decision, 会员号/member_no and 备注/note)"
                .into(),
        )]);
    };
    let mut decisions = Vec::new();
    let mut errors = Vec::new();
    let mut seen = HashSet::new();
    // The line a row starts on, as the clerk's editor numbers it: a cell holding a line
    // break (quoted) makes a row longer than one line, so counting rows is not enough.
    let mut last_line = 1;
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(last_line + 1, |p| p.line());
                errors.push(error(line, format!("unreadable row: {e}")));
                continue;
            }
        };
        let line = record.position().map_or(last_line + 1, |p| p.line());
        last_line = line;
        let get = |c: usize| read_cell(record.get(c).unwrap_or("")).to_string();
        let (id, typed) = (get(c_id), get(c_decision));
        if typed.is_empty() {
            continue; // not decided yet: stays pending
        }
        let Some(decision) = decision_word(&typed) else {
            errors.push(error(
                line,
                format!("决定 `{typed}` 应为 通过、需补充材料 或 不通过 (approved, needs_info, rejected)"),
            ));
            continue;
        };
        let decision = decision.to_string();
        match held_one(db, &id) {
            Err(e) => {
                errors.push(error(line, e));
                continue;
            }
            Ok(None) => {
                let problem: Option<String> = db
                    .query_row(
                        "SELECT problem FROM requests WHERE id = ?1",
                        params![id],
                        |r| r.get(0),
                    )
                    .optional()
                    .unwrap_or(None);
                errors.push(error(
                    line,
                    match problem {
                        Some(p) => {
                            format!("`{id}` is held with a problem and cannot be decided: {p}")
                        }
                        None => format!("no request with id `{id}`"),
                    },
                ));
                continue;
            }
            Ok(Some(held)) if !decided_by_clerk(&held.request) => {
                errors.push(error(
                    line,
                    format!(
                        "`{id}` is a {} request, not decided at the desk",
                        held.request.kind()
                    ),
                ));
                continue;
            }
            Ok(Some(_)) => {}
        }
        let awaiting = match awaits_decision(db, &id) {
            Ok(a) => a,
            Err(e) => {
                errors.push(error(line, e));
                continue;
            }
        };
        if !awaiting {
            errors.push(error(
                line,
                format!("`{id}` was decided before; a decision is recorded once"),
            ));
            continue;
        }
        if !seen.insert(id.clone()) {
            errors.push(error(line, format!("`{id}` appears twice in this file")));
            continue;
        }
        let typed_no = get(c_member);
        let member_no = member_number(&typed_no);
        if decision == "approved" && member_no.is_none() {
            errors.push(error(
                line,
                "通过需要会员号：6 到 24 位字母或数字 (an approval needs a member number of \
                 6 to 24 letters and digits)"
                    .into(),
            ));
            continue;
        }
        let note = get(c_note);
        decisions.push(Decision {
            id,
            decision,
            member_no: member_no.filter(|_| !typed_no.is_empty()),
            note: (!note.is_empty()).then_some(note),
        });
    }
    if errors.is_empty() {
        Ok(decisions)
    } else {
        Err(errors)
    }
}

/// Records the decisions in one transaction: all or none.
pub fn record(db: &mut Connection, decisions: &[Decision], now: &str) -> Result<(), String> {
    let tx = db.transaction().map_err(|e| e.to_string())?;
    for d in decisions {
        super::decide(
            &tx,
            &d.id,
            &d.decision,
            d.member_no.as_deref(),
            d.note.as_deref(),
            now,
        )?;
    }
    tx.commit().map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::{cell, read_cell};

    #[test]
    fn cells_that_would_run_or_turn_into_numbers_are_marked_as_text_and_read_back() {
        for (value, written) in [
            ("=1+1", "'=1+1"),
            ("+1", "'+1"),
            ("-2", "'-2"),
            ("@SUM(1)", "'@SUM(1)"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("  =1+1", "'  =1+1"),
            ("＝1+1", "'＝1+1"),
            ("13912345678", "'13912345678"),
            ("11010519491231002X", "'11010519491231002X"),
            ("3715002026000999", "'3715002026000999"),
            ("0123", "'0123"),
            // Left as they are.
            ("1391234567", "1391234567"),
            ("0", "0"),
            ("X", "X"),
            ("王五", "王五"),
            ("a=b", "a=b"),
            (
                "00000000-0000-4000-8000-00000000000a",
                "00000000-0000-4000-8000-00000000000a",
            ),
            ("2026-11-23T02:00:05Z", "2026-11-23T02:00:05Z"),
            ("", ""),
        ] {
            assert_eq!(cell(value), written, "{value:?}");
            assert_eq!(read_cell(&cell(value)), value.trim(), "{value:?}");
        }
        assert_eq!(read_cell(" 'approved "), "approved");
        assert_eq!(read_cell("approved"), "approved");
    }
}
