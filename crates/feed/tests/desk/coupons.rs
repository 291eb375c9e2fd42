//! Coupons: claims decided by the campaign's rules (members only, per period, the
//! total), redemptions recorded, claims counted on the day the intake received them.

use super::*;

/// A claim received by the intake on `day` (9:00 China time, in UTC); the phone's own
/// clock said the 1st of October, which never counts.
fn claim(n: u32, campaign: &str, member_no: Option<&str>, code: &str, day: &str) -> Received {
    carded_claim(n, campaign, member_no, None, code, day)
}

/// A claim as `claim`, carrying the worker's signed card.
fn carded_claim(
    n: u32,
    campaign: &str,
    member_no: Option<&str>,
    card: Option<yizhan_core::feed::SignedCard>,
    code: &str,
    day: &str,
) -> Received {
    let id = format!("00000000-0000-4000-8000-{n:012}");
    let code_ref = yizhan_core::coupon_code::code_ref(code);
    let member = member_no.map_or("null".to_string(), |m| format!("\"{m}\""));
    let card = card.map_or("null".to_string(), |c| serde_json::to_string(&c).unwrap());
    let mut r = plain(
        &id,
        "claim",
        CREATED,
        &format!("{day}T01:00:00Z"),
        &format!(
            r#"{{"campaign_id":"{campaign}","coupon_id":"c{n}","member_no":{member},"card":{card},"code_ref":"{code_ref}"}}"#
        ),
    );
    r.envelope.created_at = "2026-10-01T09:00:00+08:00".into();
    r
}

#[test]
fn claims_are_decided_by_the_campaign_rules_redemptions_recorded_and_cards_signed() {
    let dir = temp_dir("claims");
    let db = desk_with_requests(&dir);
    // The union's key, and cards it signed (and one another key signed, one expired).
    let key = union_key(&dir);
    let card = |no: &str| Some(signed_card(&key, no, "2027-12-31"));
    let other_key = dir.join("other.key");
    assert!(Command::new(BIN)
        .args(["keygen", "--out", other_key.to_str().unwrap()])
        .output()
        .unwrap()
        .status
        .success());
    let claims = [
        carded_claim(
            1,
            "fit",
            Some("3715002026000001"),
            card("3715002026000001"),
            "CODEA1",
            "2026-11-05",
        ),
        carded_claim(
            2,
            "fit",
            Some("3715002026000001"),
            card("3715002026000001"),
            "CODEA2",
            "2026-11-06",
        ),
        claim(3, "fit", None, "CODEN", "2026-11-06"),
        // A number typed in, with no card: members-only coupons are not for it.
        claim(9, "fit", Some("3715002026000009"), "CODET", "2026-11-06"),
        // A card signed with another key; a card past its date.
        carded_claim(
            10,
            "fit",
            None,
            Some(signed_card(&other_key, "3715002026000010", "2027-12-31")),
            "CODEF",
            "2026-11-06",
        ),
        carded_claim(
            11,
            "fit",
            None,
            Some(signed_card(&key, "3715002026000011", "2026-11-01")),
            "CODEE",
            "2026-11-06",
        ),
        // The limit dodged by changing the number sent: counted by the card's.
        carded_claim(
            12,
            "fit",
            Some("9999999999"),
            card("3715002026000001"),
            "CODED",
            "2026-11-06",
        ),
        carded_claim(
            4,
            "fit",
            Some("3715002026000002"),
            card("3715002026000002"),
            "CODEB1",
            "2026-11-07",
        ),
        carded_claim(
            5,
            "fit",
            Some("3715002026000003"),
            card("3715002026000003"),
            "CODEC1",
            "2026-11-08",
        ),
        claim(6, "gloves", None, "CODEL", "2027-01-02"),
        claim(7, "gloves", None, "CODEG", "2026-12-01"),
        claim(8, "nope", Some("3715002026000001"), "CODEU", "2026-11-05"),
    ];
    let [a1, a2, none, typed, forged_card, expired_card, dodge, b1, c1, late, gloves, unknown] =
        claims.each_ref().map(|c| c.envelope.id.clone());
    store(&db, &claims, None);
    // A venue used A1 (twice: the first use counts) and tried a code never issued.
    // Someone who read B1's public ref posts a redeem without the code, one with the
    // code under another campaign, one dated after it arrived, one with HTML for a
    // date: none of them counts.
    let redeems: Vec<Received> = [
        (90, Some("CODEA1"), "CODEA1", "fit", "2026-11-10T10:00:00+08:00"),
        (91, Some("CODEA1"), "CODEA1", "fit", "2026-11-10T10:00:00+08:00"),
        (92, Some("FORGED"), "FORGED", "fit", "2026-11-10T10:00:00+08:00"),
        (93, None, "CODEB1", "fit", "2026-11-10T10:00:00+08:00"),
        (94, Some("CODEB1"), "CODEB1", "gloves", "2026-11-10T10:00:00+08:00"),
        (95, Some("CODEB1"), "CODEB1", "fit", "2026-12-10T10:00:00+08:00"),
        (96, Some("CODEB1"), "CODEB1", "fit", "<b>2026-11-10</b>"),
    ]
    .iter()
    .map(|(n, code, of, campaign, used_at)| {
        let code = code.map_or("null".to_string(), |c| format!("\"{c}\""));
        plain(
            &format!("00000000-0000-4000-8000-{n:012}"),
            "redeem",
            CREATED,
            "2026-11-10T02:00:00Z",
            &format!(
                r#"{{"code":{code},"code_ref":"{}","campaign":"{campaign}","venue":"健身馆","used_at":"{used_at}"}}"#,
                yizhan_core::coupon_code::code_ref(of)
            ),)
    })
    .collect();
    store(&db, &redeems, None);
    // The clerk approves the join request; the union signs cards.
    let filled = dir.join("filled.csv");
    std::fs::write(
        &filled,
        format!("id,decision,member_no,note\n{JOIN},approved,3715002026000777,\n"),
    )
    .unwrap();
    assert!(desk(&["import", "--file", filled.to_str().unwrap()], &db)
        .status
        .success());

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
    let said = |id: &str| {
        let s = statuses.for_request(id).unwrap();
        (s.state.clone(), s.note.clone().unwrap_or_default())
    };
    assert_eq!(said(&a1).0, RequestState::Approved);
    assert_eq!(said(&a2), (RequestState::Rejected, "本月已领满".into()));
    let members_only = "仅限工会核验过会员证的会员领取：请先在“我的”页申请核验会员证";
    assert_eq!(said(&none), (RequestState::Rejected, members_only.into()));
    assert_eq!(said(&typed), (RequestState::Rejected, members_only.into()));
    assert_eq!(
        said(&forged_card),
        (
            RequestState::Rejected,
            "会员证未通过工会核验，不能领取会员专享福利".into()
        )
    );
    assert_eq!(
        said(&expired_card),
        (RequestState::Rejected, "会员证已过有效期".into())
    );
    assert_eq!(said(&dodge), (RequestState::Rejected, "本月已领满".into()));
    assert_eq!(said(&b1).0, RequestState::Approved);
    assert_eq!(
        said(&c1),
        (RequestState::Rejected, "已发完".into()),
        "total 2: first come, first served"
    );
    assert_eq!(
        said(&late),
        (RequestState::Rejected, "领取时不在活动有效期内".into())
    );
    assert_eq!(said(&gloves).0, RequestState::Approved);
    assert_eq!(
        said(&unknown),
        (RequestState::Rejected, "没有这个活动".into())
    );

    let out = dir.join("out");
    let coupons: yizhan_core::feed::Coupons =
        serde_json::from_slice(&std::fs::read(out.join("coupons.json")).unwrap()).unwrap();
    assert_eq!(coupons.coupons.len(), 3, "A1, B1 and the gloves");
    let used = |code: &str| {
        let r = yizhan_core::coupon_code::code_ref(code);
        coupons
            .coupons
            .iter()
            .find(|c| c.reference == r)
            .map(|c| c.used.clone())
    };
    assert_eq!(used("CODEA1"), Some(Some("2026-11-10".into())));
    assert_eq!(
        used("CODEB1"),
        Some(None),
        "no redeem without the code counts"
    );
    assert_eq!(
        used("FORGED"),
        None,
        "a code never issued is not in the list"
    );
    let campaigns: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("campaigns.json")).unwrap()).unwrap();
    assert_eq!(campaigns["campaigns"][0]["remaining"], 0);
    assert_eq!(campaigns["campaigns"][1]["remaining"], 99);

    // The approved join carries a card signed with the union's key, and only that key.
    let card = statuses
        .for_request(JOIN)
        .unwrap()
        .card
        .clone()
        .expect("a signed card");
    assert_eq!(
        (card.member_no.as_str(), card.name.as_str()),
        ("3715002026000777", "王五")
    );
    let public = std::fs::read_to_string(dir.join("union.key.pub")).unwrap();
    let public: [u8; 32] =
        base64::Engine::decode(&base64::engine::general_purpose::STANDARD, public.trim())
            .unwrap()
            .try_into()
            .unwrap();
    assert!(yizhan_core::card::verify(&card, &[public]));
    let forged = yizhan_core::feed::SignedCard {
        name: "李四".into(),
        ..card
    };
    assert!(!yizhan_core::card::verify(&forged, &[public]));

    // What the desk wrote is what `build` publishes next.
    let stations = dir.join("stations.csv");
    std::fs::write(&stations, "id,region,region_name,name,address,lng,lat,services,hours,phone,host,entry,entry_note,checked,updated\n\
         371500-0001,371500,聊城市,黄山路驿站,,115.98,36.45,water,24/7,,,open,,,\n").unwrap();
    let feed = dir.join("feed");
    let built = Command::new(BIN)
        .args([
            "build",
            "--stations",
            stations.to_str().unwrap(),
            "--datum",
            "gcj02",
            "--sequence",
            "2",
            "--out",
        ])
        .arg(&feed)
        .args(["--campaigns", out.join("campaigns.json").to_str().unwrap()])
        .args(["--statuses", out.join("statuses.json").to_str().unwrap()])
        .args(["--coupons", out.join("coupons.json").to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        built.status.success(),
        "{}",
        String::from_utf8_lossy(&built.stderr)
    );
    let manifest = std::fs::read(feed.join("manifest.json")).unwrap();
    let manifest =
        yizhan_core::feed::check_manifest(&manifest, None, &[], "/feed/manifest.json").unwrap();
    let coupons_ref = manifest
        .coupons
        .expect("the manifest names the coupons file");
    let bytes = std::fs::read(feed.join(&coupons_ref.path)).unwrap();
    assert!(yizhan_core::feed::check_file(&bytes, &coupons_ref.sha256, &coupons_ref.path).is_ok());

    // Published again: nothing is decided twice, nothing counted twice.
    let again = publish(&db, &dir, &[]);
    assert_eq!(
        again.for_request(&a1).unwrap().state,
        RequestState::Approved
    );
    let coupons_again: yizhan_core::feed::Coupons =
        serde_json::from_slice(&std::fs::read(out.join("coupons.json")).unwrap()).unwrap();
    assert_eq!(coupons_again.coupons.len(), 3);
}

#[test]
fn a_claim_counts_on_the_day_the_intake_received_it() {
    let dir = temp_dir("claim-day");
    let db = dir.join("desk.sqlite");
    // The phones said October (outside "fit"); the intake received one on the 30th of
    // November, 23:30 in China, the other 30 minutes later: the 1st of December there.
    let key = union_key(&dir);
    let card = |no: &str| Some(signed_card(&key, no, "2027-12-31"));
    let mut in_time = carded_claim(
        1,
        "fit",
        None,
        card("3715002026000001"),
        "CODE1",
        "2026-11-30",
    );
    in_time.received_at = "2026-11-30T15:30:00Z".into();
    let mut too_late = carded_claim(
        2,
        "fit",
        None,
        card("3715002026000002"),
        "CODE2",
        "2026-11-30",
    );
    too_late.received_at = "2026-11-30T16:00:00Z".into();
    let (a, b) = (in_time.envelope.id.clone(), too_late.envelope.id.clone());
    store(&db, &[in_time, too_late], None);
    let statuses = publish(&db, &dir, &[]);
    assert_eq!(
        statuses.for_request(&a).unwrap().state,
        RequestState::Approved
    );
    let late = statuses.for_request(&b).unwrap();
    assert_eq!(late.state, RequestState::Rejected);
    assert_eq!(late.note.as_deref(), Some("领取时不在活动有效期内"));
}
