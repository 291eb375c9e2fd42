//! The publisher's command line, run as a publisher would: `cargo test -p yizhan-feed --test publisher`.

use std::path::PathBuf;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_yizhan-feed");

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("yizhan-publisher-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

const HEADER: &str = "id,region,region_name,name,address,lng,lat,services,hours,phone,host,entry,entry_note,checked,updated\n";

#[test]
fn a_csv_with_bad_rows_names_each_line_exits_non_zero_and_writes_nothing() {
    let dir = temp_dir("bad");
    let csv = dir.join("bad.csv");
    std::fs::write(
        &csv,
        format!(
            "{HEADER}a,371500,聊城市,好驿站,,115.9,36.4,water,24/7,,,open,,,\n\
             b,371500,聊城市,,,115.9,36.4,,,,,,,,\n\
             a,371500,聊城市,重复,,115.9,36.4,,,,,,,,\n\
             c,371500,聊城市,远方,,2.35,48.85,,,,,,,,\n\
             d,371500,聊城市,规则,,115.9,36.4,,,,,vip,,,\n"
        ),
    )
    .unwrap();
    let out = dir.join("feed");
    let run = Command::new(BIN)
        .args(["build", "--stations"])
        .arg(&csv)
        .args(["--datum", "gcj02", "--sequence", "3", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(!run.status.success());
    let file = csv.display().to_string();
    for line in [
        format!("{file}:3: no station name (站点名称)"),
        format!("{file}:4: station id `a` is already on row 2 (two rows for one station?)"),
        format!("{file}:5: the point 2.35,48.85 is not in China"),
        format!("{file}:6: 开放对象 `vip` is not one of"),
    ] {
        assert!(stderr.contains(&line), "missing `{line}` in:\n{stderr}");
    }
    assert!(!out.exists(), "a failed build leaves no folder behind");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_good_csv_becomes_a_feed_and_strict_turns_warnings_into_errors() {
    let dir = temp_dir("good");
    let csv = dir.join("good.csv");
    std::fs::write(
        &csv,
        format!(
            "{HEADER}371500-1,371500,聊城市,\"黄山路驿站, 一楼\",,115.9854,36.4570,water|microwave,\"Mo-Fr 07:00-21:00; PH off\",,,open,,2026-10-01,2026-10-01\n\
             370100-1,370100,济南市,泉城驿站,,117.0,36.67,water|jacuzzi,sunrise-sunset,,,,,,\n"
        ),
    )
    .unwrap();
    let out = dir.join("feed");
    let build = |strict: bool| {
        let mut cmd = Command::new(BIN);
        cmd.args(["build", "--stations"])
            .arg(&csv)
            .args(["--datum", "gcj02", "--sequence", "1", "--out"])
            .arg(&out);
        if strict {
            cmd.arg("--strict");
        }
        cmd.output().unwrap()
    };
    let strict = build(true);
    assert!(!strict.status.success());
    assert!(String::from_utf8_lossy(&strict.stderr)
        .contains(":3: warning: service `jacuzzi` is not a known service: shown as written"));
    assert!(!out.exists());
    let run = build(false);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["format"], "yizhan-feed/1");
    assert_eq!(manifest["regions"].as_array().unwrap().len(), 2);
    // The independent checker agrees.
    let check = Command::new("python3")
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/check_feed.py"
        ))
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn check_keys_passes_the_keys_an_app_can_trust_and_stops_a_build_on_any_other() {
    let dir = temp_dir("keys");
    let run = |args: &[&str], env: Option<&str>| {
        let mut cmd = Command::new(BIN);
        cmd.args(args).env_remove("YIZHAN_PUBLISHER_KEYS");
        if let Some(keys) = env {
            cmd.env("YIZHAN_PUBLISHER_KEYS", keys);
        }
        let out = cmd.output().unwrap();
        let said = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        (out.status.success(), said)
    };
    let keygen = |name: &str| {
        let key = dir.join(name);
        assert!(run(&["keygen", "--out", key.to_str().unwrap()], None).0);
        let public = std::fs::read_to_string(dir.join(format!("{name}.pub"))).unwrap();
        (key, public.trim().to_string())
    };
    let (key_a, a) = keygen("a.key");
    let (_, b) = keygen("b.key");

    let both = format!("{a},{b}");
    let (ok, said) = run(&["check-keys"], Some(&both));
    assert!(ok, "{said}");
    assert!(
        said.contains("YIZHAN_PUBLISHER_KEYS: 2 publisher key(s)"),
        "{said}"
    );
    let (ok, said) = run(&["check-keys"], Some(&format!("{a},{}", &b[..20])));
    assert!(!ok);
    assert!(
        said.contains("YIZHAN_PUBLISHER_KEYS: key 2 is 15 bytes"),
        "{said}"
    );
    assert!(
        !said.contains(&b[..8]),
        "the key's text stays out of the log: {said}"
    );
    let (ok, said) = run(&["check-keys"], Some(""));
    assert!(!ok);
    assert!(said.contains("no publisher key given"), "{said}");
    let (ok, said) = run(&["check-keys"], None);
    assert!(!ok);
    assert!(
        said.contains("give --keys or set YIZHAN_PUBLISHER_KEYS"),
        "{said}"
    );

    // With a feed: does an app built with these keys accept its signature?
    let csv = dir.join("s.csv");
    std::fs::write(
        &csv,
        format!("{HEADER}371500-1,371500,聊城市,黄山路驿站,,115.98,36.45,water,24/7,,,open,,,\n"),
    )
    .unwrap();
    let feed = dir.join("feed");
    let (ok, said) = run(
        &[
            "build",
            "--stations",
            csv.to_str().unwrap(),
            "--datum",
            "gcj02",
            "--sequence",
            "1",
            "--sign-key",
            key_a.to_str().unwrap(),
            "--out",
            feed.to_str().unwrap(),
        ],
        None,
    );
    assert!(ok, "{said}");
    let manifest = feed.join("manifest.json");
    let check = |keys: &str| {
        run(
            &[
                "check-keys",
                "--keys",
                keys,
                "--manifest",
                manifest.to_str().unwrap(),
            ],
            None,
        )
    };
    let (ok, said) = check(&a);
    assert!(ok, "{said}");
    assert!(
        said.contains("its signature holds under these keys"),
        "{said}"
    );
    let (ok, said) = check(&b);
    assert!(!ok);
    assert!(
        said.contains("refuses") && said.contains("BadSignature"),
        "{said}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

const COUNTY: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures/county/");

fn build(
    dir: &std::path::Path,
    sheet: &str,
    sequence: &str,
    out: &std::path::Path,
) -> std::process::Output {
    Command::new(BIN)
        .args(["build", "--stations"])
        .arg(dir.join(sheet))
        .args(["--datum", "bd09", "--sequence", sequence, "--out"])
        .arg(out)
        .output()
        .unwrap()
}

#[test]
fn a_county_union_s_xlsx_and_gbk_csv_become_feeds_the_checker_accepts() {
    let dir = temp_dir("county");
    for f in ["county.xlsx", "county-gbk.csv"] {
        std::fs::copy(format!("{COUNTY}{f}"), dir.join(f)).unwrap();
    }
    let out = dir.join("feed");
    let run = build(&dir, "county.xlsx", "1", &out);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{stderr}");
    assert!(
        stderr.contains(
            "county.xlsx:5: warning: hours `夏季6:00-19:00，冬季7:00-18:00` not read exactly"
        ),
        "{stderr}"
    );
    assert!(String::from_utf8_lossy(&run.stdout)
        .contains("note: 6 station id(s) do not start with their division code"));
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(
        manifest["datum"], "gcj02",
        "Baidu's points are published as GCJ-02"
    );
    let shard: serde_json::Value = serde_json::from_slice(
        &std::fs::read(out.join(manifest["regions"][0]["path"].as_str().unwrap())).unwrap(),
    )
    .unwrap();
    let lc2 = &shard["stations"][1];
    assert_eq!(
        (lc2["id"].as_str(), lc2["hours"].as_str()),
        (Some("LC-0002"), Some("24/7"))
    );
    assert_eq!(
        lc2["services"],
        serde_json::json!(["water", "rest", "ac", "battery_swap"])
    );
    // 115.9901, 36.4602 in GCJ-02 was picked on Baidu's map; it is back within a metre.
    assert!(
        (lc2["lng"].as_f64().unwrap() - 115.9901).abs() < 1e-5,
        "{lc2}"
    );
    assert_eq!(
        shard["stations"][3]["hours_text"],
        "夏季6:00-19:00，冬季7:00-18:00"
    );
    assert!(
        !String::from_utf8_lossy(
            &std::fs::read(out.join(manifest["regions"][0]["path"].as_str().unwrap())).unwrap()
        )
        .contains("王芳"),
        "负责人 is not published"
    );

    // The same folder again at the same sequence: refused, nothing written.
    let before = std::fs::read(out.join("manifest.json")).unwrap();
    let again = build(&dir, "county-gbk.csv", "1", &out);
    assert!(!again.status.success());
    assert!(
        String::from_utf8_lossy(&again.stderr).contains("not above the previous publication's 1")
    );
    assert_eq!(std::fs::read(out.join("manifest.json")).unwrap(), before);

    // The WPS sheet (GB18030, no 站点编号): ids derived, the same at a re-import, handed back.
    let run = build(&dir, "county-gbk.csv", "2", &out);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let ids = std::fs::read_to_string(dir.join("county-gbk.csv.ids.csv")).unwrap();
    assert!(
        ids.starts_with("\u{feff}行号,站点编号,站点名称\n2,371503-"),
        "{ids}"
    );
    let run = build(&dir, "county-gbk.csv", "3", &dir.join("again"));
    assert!(run.status.success());
    assert_eq!(
        std::fs::read_to_string(dir.join("county-gbk.csv.ids.csv")).unwrap(),
        ids
    );
    let check = Command::new("python3")
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/check_feed.py"
        ))
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_sheet_with_lng_and_lat_swapped_is_reported_by_row_and_nothing_is_written() {
    let dir = temp_dir("swapped");
    let text = "站点名称,经度,纬度,行政区划代码\r\n甲驿站,115.98,36.45,371502\r\n乙驿站,36.46,115.99,371502\r\n";
    let (gbk, _, _) = encoding_rs::GB18030.encode(text);
    std::fs::write(dir.join("s.csv"), gbk).unwrap();
    let run = build(&dir, "s.csv", "1", &dir.join("feed"));
    assert!(!run.status.success());
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.contains("s.csv:3: 经度 36.46 and 纬度 115.99 look swapped"),
        "{stderr}"
    );
    assert!(!dir.join("feed").exists() && !dir.join("s.csv.ids.csv").exists());
    let _ = std::fs::remove_dir_all(&dir);
}
