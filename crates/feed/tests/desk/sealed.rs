//! Sealed requests and the statuses published for them: boxes opened (or held with
//! their problem), answers sealed back, replays stored once, and purge.

use super::*;

#[test]
fn a_sealed_join_is_opened_exported_and_answered_sealed() {
    let dir = temp_dir("sealed");
    let (private, public) = desk_keys(7);
    let db = dir.join("desk.sqlite");
    let (sealed, reply_key) = seal(&public, JOIN, "join", &application("王五", ""));
    assert!(!sealed.ct.contains("王五"));
    let stored = store(
        &db,
        &[sealed_envelope(JOIN, "join", sealed)],
        Some(&private),
    );
    assert_eq!((stored.new, stored.opened, stored.ids.len()), (1, 1, 1));

    let pending = dir.join("pending.csv");
    let out = succeeded(&desk(&["export", "--out", pending.to_str().unwrap()], &db));
    assert!(out.contains("1 request(s) awaiting"), "{out}");
    let text = std::fs::read_to_string(&pending).unwrap();
    assert!(text.contains("王五") && text.contains(JOIN), "{text}");

    std::fs::write(
        &pending,
        fill(&text, &[(JOIN, "approved", "3715002026000777", "欢迎加入")]),
    )
    .unwrap();
    succeeded(&desk(&["import", "--file", pending.to_str().unwrap()], &db));
    let key = dir.join("union.key");
    succeeded(
        &Command::new(BIN)
            .args(["keygen", "--out", key.to_str().unwrap()])
            .output()
            .unwrap(),
    );
    let statuses = publish(
        &db,
        &dir,
        &[
            "--sign-key",
            key.to_str().unwrap(),
            "--card-valid-until",
            "2027-12-31",
        ],
    );
    // The file shows a box, and nothing of the worker.
    let bytes = std::fs::read_to_string(dir.join("out/statuses.json")).unwrap();
    for personal in ["王五", "3715002026000777", "欢迎加入", "approved", JOIN] {
        assert!(!bytes.contains(personal), "{personal} in {bytes}");
    }
    let entry = &statuses.statuses[0];
    assert!(entry.sealed.is_some());
    assert!(statuses.for_request(JOIN).is_none(), "nobody else reads it");
    // The device that asked opens it with its reply key.
    let readable = yizhan_core::seal::readable_statuses(&statuses, &[(JOIN, reply_key.as_str())]);
    let join = readable.for_request(JOIN).unwrap();
    assert_eq!(join.state, RequestState::Approved);
    assert_eq!(join.member_no.as_deref(), Some("3715002026000777"));
    assert_eq!(join.note.as_deref(), Some("欢迎加入"));
    assert_eq!(join.card.as_ref().unwrap().name, "王五");
}

#[test]
fn boxes_that_do_not_open_are_kept_with_the_problem_and_open_with_the_right_key() {
    let dir = temp_dir("problems");
    let db = dir.join("desk.sqlite");
    let (private, public) = desk_keys(7);
    let (_, other_public) = desk_keys(8);
    let (wrong_private, _) = desk_keys(9);
    let tampered_id = "00000000-0000-4000-8000-000000000101";
    let moved_id = "00000000-0000-4000-8000-000000000102";
    let wrong_key_id = "00000000-0000-4000-8000-000000000103";
    let not_a_join = "00000000-0000-4000-8000-000000000104";
    let (mut tampered, _) = seal(&public, tampered_id, "join", &application("甲", ""));
    let mut ct = B64.decode(&tampered.ct).unwrap();
    ct[5] ^= 1;
    tampered.ct = B64.encode(ct);
    let (original, _) = seal(&public, JOIN, "join", &application("乙", ""));
    let (to_other_desk, _) = seal(&other_public, wrong_key_id, "join", &application("丙", ""));
    let (not_join, _) = seal(&public, not_a_join, "join", r#"{"station_id":"x"}"#);
    let stored = store(
        &db,
        &[
            sealed_envelope(tampered_id, "join", tampered),
            sealed_envelope(JOIN, "join", original.clone()),
            sealed_envelope(moved_id, "join", original),
            sealed_envelope(wrong_key_id, "join", to_other_desk.clone()),
            sealed_envelope(not_a_join, "join", not_join),
        ],
        Some(&private),
    );
    assert_eq!(
        (stored.new, stored.opened),
        (5, 1),
        "only the original opens"
    );
    let problems = String::from_utf8_lossy(&desk(&["problems"], &db).stdout).into_owned();
    let line = |id: &str| {
        problems
            .lines()
            .find(|l| l.starts_with(id))
            .unwrap_or_else(|| panic!("{id} not listed:\n{problems}"))
            .to_string()
    };
    assert!(
        line(tampered_id).contains("changed on the way"),
        "{problems}"
    );
    assert!(
        line(wrong_key_id).contains("another desk key"),
        "{problems}"
    );
    assert!(
        line(moved_id).contains(&format!("taken from another request ({JOIN})")),
        "{problems}"
    );
    assert!(
        line(not_a_join).contains("not a `join` request"),
        "{problems}"
    );
    assert!(problems.contains("4 request(s) held with a problem"));
    // None of them is exported, answered, or can be decided.
    let pending = dir.join("pending.csv");
    let out = succeeded(&desk(&["export", "--out", pending.to_str().unwrap()], &db));
    assert!(out.contains("1 request(s) awaiting"), "{out}");
    let statuses = publish(&db, &dir, &[]);
    assert_eq!(statuses.statuses.len(), 1, "only the original's answer");
    let file = dir.join("filled.csv");
    std::fs::write(
        &file,
        format!("id,decision,member_no,note\n{wrong_key_id},rejected,,\n"),
    )
    .unwrap();
    let run = desk(&["import", "--file", file.to_str().unwrap()], &db);
    assert!(String::from_utf8_lossy(&run.stderr).contains("held with a problem"));

    // A pull with a wrong key changes nothing; the next with the other desk's key
    // opens the one sealed to it (and only that one).
    let retry = |key: &[u8; 32]| {
        let mut conn = desk::open(db.to_str().unwrap()).unwrap();
        desk::retry_held(&mut conn, Some(key)).unwrap().0
    };
    assert_eq!(retry(&wrong_private), 0);
    let (other_private, _) = desk_keys(8);
    assert_eq!(retry(&other_private), 1);
    let problems = String::from_utf8_lossy(&desk(&["problems"], &db).stdout).into_owned();
    assert!(!problems.contains(wrong_key_id), "{problems}");
    assert!(problems.contains("3 request(s) held with a problem"));
}

#[test]
fn a_sealed_join_with_a_line_break_in_the_name_is_held_with_the_problem() {
    let dir = temp_dir("control");
    let (private, public) = desk_keys(7);
    let db = dir.join("desk.sqlite");
    let broken = "00000000-0000-4000-8000-000000000201";
    let tabbed = "00000000-0000-4000-8000-000000000202";
    // As the app's JSON carries them: `"name":"张\n三"`, a tab in the union it comes from.
    let (line_break, _) = seal(&public, broken, "join", &application("张\\n三", ""));
    let (tab, _) = seal(
        &public,
        tabbed,
        "transfer",
        &application("李四", r#","from_union":"原单位\t工会""#),
    );
    let (fine, _) = seal(&public, JOIN, "join", &application("王五", ""));
    let stored = store(
        &db,
        &[
            sealed_envelope(broken, "join", line_break),
            sealed_envelope(tabbed, "transfer", tab),
            sealed_envelope(JOIN, "join", fine),
        ],
        Some(&private),
    );
    assert_eq!((stored.new, stored.opened), (3, 1), "only the clean one");
    let problems = String::from_utf8_lossy(&desk(&["problems"], &db).stdout).into_owned();
    let line = |id: &str| {
        problems
            .lines()
            .find(|l| l.starts_with(id))
            .unwrap_or_else(|| panic!("{id} not listed:\n{problems}"))
            .to_string()
    };
    assert!(line(broken).contains("`payload.name`"), "{problems}");
    assert!(line(broken).contains("line break"), "{problems}");
    assert!(line(tabbed).contains("`payload.from_union`"), "{problems}");
    assert!(problems.contains("2 request(s) held with a problem"));
    // Never exported, never answered, never signed.
    let pending = dir.join("pending.csv");
    let out = succeeded(&desk(&["export", "--out", pending.to_str().unwrap()], &db));
    assert!(out.contains("1 request(s) awaiting"), "{out}");
    let text = std::fs::read_to_string(&pending).unwrap();
    assert!(!text.contains(broken) && !text.contains(tabbed), "{text}");
    let statuses = publish(&db, &dir, &[]);
    assert_eq!(statuses.statuses.len(), 1, "only the clean one's answer");
}

#[test]
fn an_envelope_replayed_is_stored_once() {
    let dir = temp_dir("replay");
    let db = dir.join("desk.sqlite");
    let (private, public) = desk_keys(7);
    let (sealed, _) = seal(&public, JOIN, "join", &application("王五", ""));
    let envelope = sealed_envelope(JOIN, "join", sealed);
    let first = store(&db, &[envelope.clone(), envelope.clone()], Some(&private));
    assert_eq!((first.new, first.already, first.opened), (1, 1, 1));
    let second = store(&db, &[envelope], Some(&private));
    assert_eq!((second.new, second.already, second.opened), (0, 1, 0));
    assert_eq!(
        second.ids,
        [JOIN],
        "acknowledged again, so the intake deletes it"
    );
    let conn = rusqlite::Connection::open(&db).unwrap();
    let rows: i64 = conn
        .query_row("SELECT COUNT(*) FROM requests", [], |r| r.get(0))
        .unwrap();
    assert_eq!(rows, 1);
}

#[test]
fn purge_takes_id_numbers_phones_and_boxes_out_of_the_file() {
    let dir = temp_dir("purge");
    let db = dir.join("desk.sqlite");
    let (private, public) = desk_keys(7);
    let (sealed, reply_key) = seal(&public, JOIN, "join", &application("王五", ""));
    let box_ct = sealed.ct.clone();
    // The worker's answer to a needs_info, sealed too: it goes with its request.
    const SUPPLEMENT: &str = "00000000-0000-4000-8000-0000000000f1";
    let (supplement, _) = seal(
        &public,
        SUPPLEMENT,
        "supplement",
        &format!(r#"{{"of":"{JOIN}","note":"单位：某某快递"}}"#),
    );
    let supplement_ct = supplement.ct.clone();
    store(
        &db,
        &[
            sealed_envelope(JOIN, "join", sealed),
            sealed_envelope(SUPPLEMENT, "supplement", supplement),
            plain(
                TRANSFER,
                "transfer",
                CREATED,
                RECEIVED,
                &application("赵六", r#","from_union":"旧""#),
            ),
            // Received later, not decided: kept whole.
            plain(
                CARD,
                "card",
                CREATED,
                "2026-12-02T02:00:00Z",
                r#"{"name":"钱七","member_no":"3715002026000999","union":"371500-express","id_number":"22010519491231003X"}"#,
            ),
        ],
        Some(&private),
    );
    let filled = dir.join("filled.csv");
    std::fs::write(
        &filled,
        format!(
            "id,decision,member_no,note\n{JOIN},approved,3715002026000777,\n{TRANSFER},rejected,,\n"
        ),
    )
    .unwrap();
    succeeded(&desk(&["import", "--file", filled.to_str().unwrap()], &db));
    let raw = |db: &Path| {
        let mut bytes = std::fs::read(db).unwrap();
        if let Ok(wal) = std::fs::read(format!("{}-wal", db.display())) {
            bytes.extend(wal);
        }
        bytes
    };
    let has = |bytes: &[u8], text: &str| bytes.windows(text.len()).any(|w| w == text.as_bytes());
    let before = raw(&db);
    assert!(has(&before, "13912345678") && has(&before, "11010519491231002X"));

    let out = succeeded(&desk(&["purge", "--before", "2026-12-01"], &db));
    assert!(out.contains("purged 3 request(s)"), "{out}");
    let after = raw(&db);
    for gone in [
        "13912345678",
        "11010519491231002X",
        box_ct.as_str(),
        supplement_ct.as_str(),
    ] {
        assert!(!has(&after, gone), "{gone} is still in the file");
    }
    assert!(
        has(&after, "22010519491231003X"),
        "the undecided card is kept"
    );
    assert!(
        has(&after, "王五") && has(&after, "3715002026000777"),
        "the roster stays"
    );
    // Purged twice: nothing more; the answers are still published, still sealed.
    let out = succeeded(&desk(&["purge", "--before", "2026-12-01"], &db));
    assert!(out.contains("purged 0 request(s)"), "{out}");
    let statuses = publish(&db, &dir, &[]);
    let readable = yizhan_core::seal::readable_statuses(&statuses, &[(JOIN, reply_key.as_str())]);
    assert_eq!(
        readable.for_request(JOIN).unwrap().member_no.as_deref(),
        Some("3715002026000777")
    );
    let bad = desk(&["purge", "--before", "soon"], &db);
    assert!(!bad.status.success());
    let missing = desk(&["export", "--out", "x.csv"], &dir.join("none.sqlite"));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no such desk database"));
}
