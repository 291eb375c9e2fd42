//! Builds a complete feed in memory, then writes it: content files first, the manifest
//! (the only file that changes in place) last. A failed build writes nothing.
//! Longer than 400 lines because a publication's building, its sequence rule and its
//! writing order are in one place, with their tests.

use super::import::Row;
use super::Diagnostic;
use chrono::NaiveDate;
use serde::de::DeserializeOwned;
use std::collections::BTreeMap;
use std::io;
use std::path::Path;
use yizhan_core::feed::check::intake_url_allowed;
use yizhan_core::feed::{
    sha256_hex, Campaigns, Coupons, FileRef, Intake, Manifest, Publisher, RegionEntry, Shard,
    Statuses, Unions, FORMAT,
};
use yizhan_core::geo::Datum;

/// Everything a feed is made of, already read from disk.
pub struct BuildInput {
    pub rows: Vec<Row>,
    pub datum: Datum,
    pub sequence: u64,
    pub published_at: String,
    pub publisher: Option<Publisher>,
    /// `(file name, bytes)` of the optional JSON files.
    pub campaigns: Option<(String, Vec<u8>)>,
    pub unions: Option<(String, Vec<u8>)>,
    pub statuses: Option<(String, Vec<u8>)>,
    pub coupons: Option<(String, Vec<u8>)>,
    pub holidays: Vec<NaiveDate>,
    pub intake: Option<String>,
    /// Base64 of the union desk's X25519 public key (`desk keygen`'s `.pub`): the
    /// app seals personal requests to it (FEED.md `intake.seal_key`).
    pub seal_key: Option<String>,
}

/// The feed's files: `(relative path, bytes)`, and the manifest.
pub struct FeedFiles {
    pub files: Vec<(String, Vec<u8>)>,
    pub manifest: Manifest,
    pub manifest_bytes: Vec<u8>,
}

/// Checks the optional inputs and builds every file: `build_feed(input)?`.
/// Returns all problems found (not just the first) when it cannot build.
pub fn build_feed(input: BuildInput) -> Result<FeedFiles, Vec<Diagnostic>> {
    let mut errors = Vec::new();
    let mut files = Vec::new();
    let mut add_json =
        |kind: &str, input: &Option<(String, Vec<u8>)>, errors: &mut Vec<Diagnostic>| {
            let (name, bytes) = input.as_ref()?;
            let ok = match kind {
                "campaigns" => check_json::<Campaigns>(name, bytes),
                "unions" => check_json::<Unions>(name, bytes),
                "coupons" => check_json::<Coupons>(name, bytes),
                _ => check_json::<Statuses>(name, bytes),
            };
            if let Err(d) = ok {
                errors.push(d);
                return None;
            }
            let sha = sha256_hex(bytes);
            let path = format!("{kind}.{}.json", &sha[..8]);
            files.push((path.clone(), bytes.clone()));
            Some(FileRef { path, sha256: sha })
        };
    let campaigns = add_json("campaigns", &input.campaigns, &mut errors);
    let unions = add_json("unions", &input.unions, &mut errors);
    let statuses = add_json("statuses", &input.statuses, &mut errors);
    let coupons = add_json("coupons", &input.coupons, &mut errors);
    if let Some(url) = &input.intake {
        if !intake_url_allowed(url) {
            errors.push(Diagnostic {
                file: "--intake".into(),
                line: 0,
                message: format!("`{url}` must be https: (or http: on localhost)"),
                warning: false,
            });
        }
    }
    if let Some(key) = &input.seal_key {
        let problem = if input.intake.is_none() {
            Some("a desk key is published with an intake: give --intake too".to_string())
        } else if yizhan_core::seal::key_bytes(key).is_none() {
            Some(format!(
                "`{key}` is not a desk public key (base64 of 32 bytes, the .pub that `desk keygen` wrote)"
            ))
        } else {
            None
        };
        if let Some(message) = problem {
            errors.push(Diagnostic {
                file: "--seal-key".into(),
                line: 0,
                message,
                warning: false,
            });
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }

    // Group by region, stations sorted by id so the same input gives the same bytes.
    let mut regions: BTreeMap<String, (Option<String>, Vec<_>)> = BTreeMap::new();
    for row in input.rows {
        let entry = regions.entry(row.region).or_default();
        if entry.0.is_none() {
            entry.0 = row.region_name;
        }
        entry.1.push(row.station);
    }
    let mut entries = Vec::new();
    for (code, (name, mut stations)) in regions {
        stations.sort_by(|a, b| a.id.cmp(&b.id));
        let bbox = stations.iter().fold(
            [f64::MAX, f64::MAX, f64::MIN, f64::MIN],
            |[a, b, c, d], s| [a.min(s.lng), b.min(s.lat), c.max(s.lng), d.max(s.lat)],
        );
        let count = stations.len() as u64;
        let shard = Shard {
            region: code.clone(),
            stations,
            skipped: 0,
        };
        let bytes = serde_json::to_vec(&shard).expect("a shard always serialises");
        let sha = sha256_hex(&bytes);
        let path = format!("stations/{code}.{}.json", &sha[..8]);
        files.push((path.clone(), bytes));
        entries.push(RegionEntry {
            code,
            name,
            bbox,
            count: Some(count),
            path,
            sha256: sha,
        });
    }
    let manifest = Manifest {
        format: FORMAT.into(),
        sequence: input.sequence,
        published_at: Some(input.published_at),
        publisher: input.publisher,
        datum: input.datum,
        regions: entries,
        campaigns,
        unions,
        statuses,
        coupons,
        holidays: input.holidays,
        intake: input.intake.map(|url| Intake {
            url,
            seal_key: input.seal_key.map(|k| k.trim().to_string()),
        }),
    };
    let manifest_bytes =
        serde_json::to_vec_pretty(&manifest).expect("a manifest always serialises");
    Ok(FeedFiles {
        files,
        manifest,
        manifest_bytes,
    })
}

fn check_json<T: DeserializeOwned>(name: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
    serde_json::from_slice::<T>(bytes)
        .map(|_| ())
        .map_err(|e| Diagnostic {
            file: name.to_string(),
            line: e.line() as u64,
            message: e.to_string(),
            warning: false,
        })
}

/// Reads a holidays file: one `YYYY-MM-DD` a line; blank lines and `#` comments skipped.
pub fn read_holidays(file: &str, text: &str) -> Result<Vec<NaiveDate>, Vec<Diagnostic>> {
    let mut days = Vec::new();
    let mut errors = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        match NaiveDate::parse_from_str(line, "%Y-%m-%d") {
            Ok(d) => days.push(d),
            Err(_) => errors.push(Diagnostic {
                file: file.to_string(),
                line: i as u64 + 1,
                message: format!("`{line}` is not a date YYYY-MM-DD"),
                warning: false,
            }),
        }
    }
    days.sort();
    days.dedup();
    if errors.is_empty() {
        Ok(days)
    } else {
        Err(errors)
    }
}

/// Refuses a `sequence` not above the previous publication's, read from `previous`
/// (`--previous`) or else the manifest already in `out`: every phone that holds the
/// previous one would refuse it as a rollback. `check_sequence(8, out, None)?`.
pub fn check_sequence(sequence: u64, out: &Path, previous: Option<&Path>) -> Result<(), String> {
    if sequence == 0 {
        return Err(
            "--sequence 0: publications are numbered from 1 up, each above the last".into(),
        );
    }
    let in_out = out.join("manifest.json");
    let path = match previous {
        Some(p) => p.to_path_buf(),
        None if in_out.exists() => in_out,
        None => return Ok(()),
    };
    let bytes = std::fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let before = serde_json::from_slice::<serde_json::Value>(&bytes)
        .ok()
        .and_then(|m| m["sequence"].as_u64())
        .ok_or_else(|| {
            format!(
                "{} is not a feed manifest (no sequence in it)",
                path.display()
            )
        })?;
    if sequence <= before {
        return Err(format!(
            "--sequence {sequence} is not above the previous publication's {before} ({}): \
             every phone that holds it would refuse this one as a rollback; use {} or more",
            path.display(),
            before + 1
        ));
    }
    Ok(())
}

/// Writes the ids the import derived (`(row, id, name)`) as a sheet the union copies
/// back into its 站点编号 column: UTF-8 with the BOM WPS and Excel need.
pub fn write_ids(path: &str, ids: &[(u64, String, String)]) -> io::Result<()> {
    let mut w = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    w.write_record(["行号", "站点编号", "站点名称"])?;
    for (row, id, name) in ids {
        w.write_record([row.to_string().as_str(), id, name])?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| io::Error::other(e.to_string()))?;
    std::fs::write(path, bytes)
}

/// Writes the feed under `out`: each file through a temporary name and a rename, the
/// signature next, the manifest last, so a reader never sees a manifest naming a file
/// that is not there yet.
pub fn write_feed(out: &Path, feed: &FeedFiles, signature: Option<&str>) -> io::Result<()> {
    std::fs::create_dir_all(out.join("stations"))?;
    for (path, bytes) in &feed.files {
        write_atomically(&out.join(path), bytes)?;
    }
    let sig_path = out.join("manifest.json.sig");
    match signature {
        Some(sig) => write_atomically(&sig_path, sig.as_bytes())?,
        None if sig_path.exists() => std::fs::remove_file(&sig_path)?,
        None => {}
    }
    write_atomically(&out.join("manifest.json"), &feed.manifest_bytes)
}

fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::{import_stations, ImportOptions, SheetDatum};
    use yizhan_core::feed::{check_file, check_manifest, parse_shard};

    fn input(csv: &str) -> BuildInput {
        let got = import_stations(
            "s.csv",
            csv.as_bytes(),
            &ImportOptions::new(SheetDatum::Gcj02),
        );
        assert!(got.diags.is_empty(), "{:?}", got.diags);
        BuildInput {
            rows: got.rows,
            datum: Datum::Gcj02,
            sequence: 7,
            published_at: "2026-11-20T08:00:00+08:00".into(),
            publisher: None,
            campaigns: Some(("c.json".into(), br#"{"campaigns":[]}"#.to_vec())),
            unions: None,
            statuses: None,
            coupons: None,
            holidays: vec![],
            intake: None,
            seal_key: None,
        }
    }

    const CSV: &str = "id,region,region_name,name,lng,lat\n\
b,371500,聊城市,B,116.0,36.5\n\
a,371500,聊城市,A,115.9,36.4\n\
c,370100,济南市,C,117.0,36.6\n";

    #[test]
    fn builds_shards_per_region_with_bboxes_and_hashes_the_app_accepts() {
        let feed = build_feed(input(CSV)).unwrap();
        let m = check_manifest(&feed.manifest_bytes, None, &[], "/feed/manifest.json").unwrap();
        assert_eq!(m.regions.len(), 2);
        let lc = m.regions.iter().find(|r| r.code == "371500").unwrap();
        assert_eq!(lc.bbox, [115.9, 36.4, 116.0, 36.5]);
        assert_eq!(lc.count, Some(2));
        assert_eq!(lc.name.as_deref(), Some("聊城市"));
        assert!(lc.path.starts_with("stations/371500.") && lc.path.ends_with(".json"));
        let bytes = &feed.files.iter().find(|(p, _)| *p == lc.path).unwrap().1;
        check_file(bytes, &lc.sha256, &lc.path).unwrap();
        let shard = parse_shard(bytes, "371500").unwrap();
        assert_eq!(
            shard
                .stations
                .iter()
                .map(|s| s.id.as_str())
                .collect::<Vec<_>>(),
            ["a", "b"]
        );
        assert!(m.campaigns.unwrap().path.starts_with("campaigns."));
    }

    #[test]
    fn the_same_input_gives_the_same_files() {
        let a = build_feed(input(CSV)).unwrap();
        let b = build_feed(input(CSV)).unwrap();
        assert_eq!(a.files, b.files);
        assert_eq!(a.manifest_bytes, b.manifest_bytes);
    }

    #[test]
    fn bad_optional_inputs_are_all_reported() {
        let mut i = input(CSV);
        i.campaigns = Some(("c.json".into(), b"{\n \"campaigns\": [1]}".to_vec()));
        i.unions = Some(("u.json".into(), b"nope".to_vec()));
        i.intake = Some("http://union.example/intake".into());
        let errors = build_feed(i).err().unwrap();
        let text: Vec<String> = errors.iter().map(|d| d.to_string()).collect();
        assert_eq!(errors.len(), 3, "{text:?}");
        assert!(text[0].starts_with("c.json:2: "), "{text:?}");
        assert!(text[1].starts_with("u.json:1: "), "{text:?}");
    }

    #[test]
    fn a_desk_key_is_published_with_its_intake_and_checked() {
        let (_, public) = yizhan_core::seal::keypair([4; 32]);
        let key = {
            use base64::Engine;
            base64::engine::general_purpose::STANDARD.encode(public)
        };
        let mut i = input(CSV);
        i.intake = Some("https://union.example/intake".into());
        i.seal_key = Some(format!("{key}\n"));
        let feed = build_feed(i).unwrap();
        let manifest: serde_json::Value = serde_json::from_slice(&feed.manifest_bytes).unwrap();
        assert_eq!(manifest["intake"]["seal_key"], key.as_str());
        for (intake, bad, said) in [
            (None, key.clone(), "give --intake too"),
            (
                Some("https://union.example/intake"),
                "c2hvcnQ=".to_string(),
                "not a desk public key",
            ),
        ] {
            let mut i = input(CSV);
            i.intake = intake.map(str::to_string);
            i.seal_key = Some(bad);
            let errors = build_feed(i).err().unwrap();
            assert!(errors[0].to_string().contains(said), "{}", errors[0]);
        }
    }

    #[test]
    fn a_sequence_not_above_the_previous_one_is_refused() {
        let dir = std::env::temp_dir().join(format!("yizhan-seq-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        assert!(check_sequence(0, &dir, None)
            .unwrap_err()
            .contains("from 1 up"));
        assert!(check_sequence(1, &dir, None).is_ok(), "a first publication");
        std::fs::write(
            dir.join("manifest.json"),
            br#"{"format":"yizhan-feed/1","sequence":7}"#,
        )
        .unwrap();
        for n in [6, 7] {
            let e = check_sequence(n, &dir, None).unwrap_err();
            assert!(
                e.contains("not above the previous publication's 7") && e.contains("use 8"),
                "{e}"
            );
        }
        assert!(check_sequence(8, &dir, None).is_ok());
        let other = dir.join("old.json");
        std::fs::write(&other, br#"{"sequence":20}"#).unwrap();
        assert!(
            check_sequence(8, &dir, Some(&other)).is_err(),
            "--previous wins"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn holidays_file_is_read_and_checked() {
        assert_eq!(
            read_holidays("h.txt", "# 国庆\n2026-10-02\n2026-10-01\n\n").unwrap(),
            [
                NaiveDate::from_ymd_opt(2026, 10, 1).unwrap(),
                NaiveDate::from_ymd_opt(2026, 10, 2).unwrap()
            ]
        );
        let errors = read_holidays("h.txt", "2026-10-01\n10/02/2026\n").unwrap_err();
        assert_eq!(
            errors[0].to_string(),
            "h.txt:2: `10/02/2026` is not a date YYYY-MM-DD"
        );
    }
}
