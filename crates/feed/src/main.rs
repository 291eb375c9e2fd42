//! `yizhan-feed`: the publisher's tool. Builds a feed folder from a station sheet,
//! prints posters, generates synthetic data, and makes Ed25519 keys. See `yizhan-feed help`.
//! Longer than 400 lines because it is the command line of every publisher and desk
//! command, each a thin call into the library; the help text is most of it.

fn main() {
    std::process::exit(cli::run(std::env::args().skip(1).collect()));
}

mod cli {
    use std::collections::HashMap;
    use std::path::Path;
    use yizhan_core::feed::{check_manifest, check_publisher_keys, Publisher};
    use yizhan_core::geo::Datum;
    use yizhan_feed::build::{build_feed, read_holidays, write_feed, BuildInput};
    use yizhan_feed::import::{import_stations, ImportOptions, SheetDatum};
    use yizhan_feed::{generate, keys, Diagnostic};

    const HELP: &str = "yizhan-feed: publish a Yizhan feed (format yizhan-feed/1)

  build --stations SHEET --datum gcj02|bd09|wgs84 --sequence N --out DIR
        [--region CODE] [--mapping F.txt] [--previous OLD/manifest.json]
        [--campaigns F.json] [--unions F.json] [--statuses F.json] [--coupons F.json]
        [--holidays F.txt]
        [--intake URL [--seal-key DESK.key.pub]] [--sign-key KEYFILE]
        [--publisher NAME] [--publisher-phone P] [--published-at RFC3339] [--strict]
      SHEET is the union's station sheet: .xlsx, .xls, .ods, or .csv in UTF-8 or GBK
      (GB18030), with Chinese headers (站点名称, 经度, 纬度, 开放时间… see docs/FEED.md)
      or the feed's own. --datum: where the points were picked (bd09: Baidu, converted
      to GCJ-02). --region: the division code of rows without one. --mapping: lines
      `表头 = field` for other headers. N must be above the previous publication's
      (DIR/manifest.json, or --previous). Writes content-hashed shards per region, then
      manifest.json.sig (with a key), then manifest.json. Any bad row is reported as
      FILE:ROW: reason; then nothing is written. Ids derived for rows without a 站点编号
      are written to SHEET.ids.csv.
  posters --feed DIR/manifest.json --app-url https://… --out DIR
      Writes printable A4 posters (HTML): one per station, with a QR code that opens
      it in the app, and one sheet per region listing its stations.
  generate --stations N --seed S --out FILE.csv [--cities CODE,CODE]
      Writes realistic synthetic stations (GCJ-02) over real cities.
  keygen --out KEYFILE
      Writes an Ed25519 secret key to KEYFILE (mode 0600) and its public key to
      KEYFILE.pub. Refuses to overwrite either file.
  check-keys [--keys KEY,KEY] [--manifest DIR/manifest.json]
      Checks the public keys an app is built with (--keys, else YIZHAN_PUBLISHER_KEYS;
      the build runs this): each must be a base64 Ed25519 public key. With --manifest,
      also that such an app accepts that feed's signature (manifest.json.sig).

The union desk, on the clerk's computer (DB is the desk's own SQLite file):
  desk keygen --out desk.key
      Writes the desk's X25519 private key to desk.key (mode 0600) and its public key
      to desk.key.pub, which goes into the feed: build --seal-key desk.key.pub. The
      app then seals requests to it; only this file opens them (never put it on the
      intake's machine). Refuses to overwrite either file.
  desk pull --from URL --token-file FILE --db DB [--key desk.key]
      Fetches what the intake holds (URL: the intake server, e.g.
      https://intake.example.org), opens sealed requests with --key, stores each page
      in DB (created if missing) and only then tells the intake it may delete them.
      A request that does not open, or is not its kind's request, is kept with the
      problem and listed; every pull tries to open those again.
  desk problems --db DB
      Lists the requests held with a problem (not exported nor published).
  desk export --db DB --out pending.csv [--unions unions.json]
      The join, transfer and card requests awaiting a decision (a needs_info the
      worker answered included), as a CSV (UTF-8 with BOM) in Chinese to fill in WPS
      or Excel: 决定 (通过, 需补充材料, 不通过), 会员号 (for an approval), 备注.
      Times are Beijing time; --unions puts the unions' names in.
  desk import --db DB --file pending.csv
      Records the filled decisions (Chinese or English words). Any bad row is reported
      as FILE:LINE: reason; then nothing is recorded. A decision is recorded once, but
      a needs_info the worker answered with a supplement is decided again.
  desk publish --db DB --campaigns campaigns.json --out DIR
        [--sign-key KEYFILE --card-valid-until YYYY-MM-DD]
      Decides the coupon claims not decided yet by the campaigns' rules (first come,
      within the total, per member per period, members only where asked; a claim's
      day is the day the intake received it), records the venues' redemptions, and
      writes for `build`: DIR/statuses.json (with cards signed by the key; sealed to
      the device of each request that sent a reply key), DIR/coupons.json (issued and
      used) and DIR/campaigns.json (remaining brought down).
  desk serve [--config desk.conf] [--db DB] [--listen 127.0.0.1:8790]
        [--password-file desk.password]
      The desk as a web page for the clerk (Chinese; ?lang=en): the queue, decisions,
      station reports, coupons, and one button 发布 for a whole round. The config
      file names the intake, keys, input files and publication folder (README). On
      an address other than 127.0.0.1 it needs --password-file.
  desk password --out desk.password
      Reads a password (a line on standard input) and writes its argon2 hash.
  desk purge --before YYYY-MM-DD --db DB
      For the requests decided and received before that day, removes the ID number
      and phone and the sealed envelope (keeping name, member number, union,
      occupation, employer and the decision), then compacts the file.
";

    /// Runs a command line; returns the process exit status.
    pub fn run(args: Vec<String>) -> i32 {
        let Some((command, mut rest)) = args.split_first() else {
            eprint!("{HELP}");
            return 2;
        };
        let mut action = "";
        if command == "desk" {
            match rest.split_first() {
                Some((a, others)) => {
                    action = a.as_str();
                    rest = others;
                }
                None => {
                    eprint!("{HELP}");
                    return 2;
                }
            }
        }
        let (opts, flags) = match parse_options(rest) {
            Ok(o) => o,
            Err(e) => {
                eprintln!("yizhan-feed: {e}\n\n{HELP}");
                return 2;
            }
        };
        let result = match command.as_str() {
            "build" => build(&opts, flags.contains(&"strict")),
            "generate" => generate_cmd(&opts),
            "keygen" => keygen(&opts),
            "check-keys" => check_keys(&opts),
            "posters" => posters(&opts),
            "desk" => desk(action, &opts),
            "help" | "--help" | "-h" => {
                print!("{HELP}");
                Ok(())
            }
            other => Err(format!("unknown command `{other}`\n\n{HELP}")),
        };
        match result {
            Ok(()) => 0,
            Err(e) => {
                eprintln!("yizhan-feed: {e}");
                1
            }
        }
    }

    type Options = HashMap<String, String>;

    fn parse_options(args: &[String]) -> Result<(Options, Vec<&'static str>), String> {
        let mut opts = HashMap::new();
        let mut flags = Vec::new();
        let mut it = args.iter();
        while let Some(arg) = it.next() {
            let name = arg
                .strip_prefix("--")
                .ok_or_else(|| format!("unexpected argument `{arg}`"))?;
            if name == "strict" {
                flags.push("strict");
                continue;
            }
            let value = it.next().ok_or_else(|| format!("--{name} needs a value"))?;
            opts.insert(name.to_string(), value.clone());
        }
        Ok((opts, flags))
    }

    fn required<'a>(opts: &'a Options, name: &str) -> Result<&'a str, String> {
        opts.get(name)
            .map(String::as_str)
            .ok_or_else(|| format!("--{name} is required"))
    }

    /// `--card-valid-until`: a real date (YYYY-MM-DD), not in the past.
    fn check_card_valid_until(until: &str) -> Result<(), String> {
        let now = now_china();
        yizhan_feed::desk::statuses::check_valid_until(until, now.get(..10).unwrap_or(&now))
            .map_err(|e| e.replace("card valid until", "--card-valid-until"))
    }

    fn read(path: &str) -> Result<Vec<u8>, String> {
        std::fs::read(path).map_err(|e| format!("cannot read {path}: {e}"))
    }

    fn report(diags: &[Diagnostic]) {
        for d in diags {
            eprintln!("{d}");
        }
    }

    fn build(opts: &Options, strict: bool) -> Result<(), String> {
        let stations_path = required(opts, "stations")?;
        let (sheet_datum, datum) = match required(opts, "datum")? {
            "gcj02" => (SheetDatum::Gcj02, Datum::Gcj02),
            "wgs84" => (SheetDatum::Wgs84, Datum::Wgs84),
            // Baidu's points are converted as they are read: the feed holds GCJ-02.
            "bd09" => (SheetDatum::Bd09, Datum::Gcj02),
            other => {
                return Err(format!(
                "--datum must be gcj02 (Amap, Tencent), bd09 (Baidu) or wgs84 (GPS), not `{other}`"
            ))
            }
        };
        let sequence: u64 = required(opts, "sequence")?
            .parse()
            .map_err(|_| "--sequence must be a whole number".to_string())?;
        let out = Path::new(required(opts, "out")?);
        let previous = opts.get("previous").map(Path::new);
        yizhan_feed::build::check_sequence(sequence, out, previous)?;

        let mut options = ImportOptions::new(sheet_datum);
        options.region = opts.get("region").cloned();
        let mut diags = Vec::new();
        if let Some(path) = opts.get("mapping") {
            let text = String::from_utf8_lossy(&read(path)?).into_owned();
            match yizhan_feed::import::columns::read_mapping(path, &text) {
                Ok(map) => options.mapping = map,
                Err(errors) => diags.extend(errors),
            }
        }
        let imported = import_stations(stations_path, &read(stations_path)?, &options);
        for header in &imported.unused_headers {
            eprintln!("{stations_path}: note: column `{header}` is not used (name it in a --mapping file to use it)");
        }
        diags.extend(imported.diags);
        let rows = imported.rows;
        let ids: Vec<(String, String)> = rows
            .iter()
            .map(|r| (r.station.id.clone(), r.region.clone()))
            .collect();
        let holidays = match opts.get("holidays") {
            Some(p) => {
                let text = String::from_utf8_lossy(&read(p)?).into_owned();
                read_holidays(p, &text).unwrap_or_else(|errors| {
                    diags.extend(errors);
                    Vec::new()
                })
            }
            None => Vec::new(),
        };
        let optional = |name: &str| -> Result<Option<(String, Vec<u8>)>, String> {
            opts.get(name)
                .map(|p| Ok((p.clone(), read(p)?)))
                .transpose()
        };
        let input = BuildInput {
            rows,
            datum,
            sequence,
            published_at: opts.get("published-at").cloned().unwrap_or_else(now_china),
            publisher: opts.get("publisher").map(|name| Publisher {
                name: name.clone(),
                phone: opts.get("publisher-phone").cloned(),
            }),
            campaigns: optional("campaigns")?,
            unions: optional("unions")?,
            statuses: optional("statuses")?,
            coupons: optional("coupons")?,
            holidays,
            intake: opts.get("intake").cloned(),
            seal_key: opts
                .get("seal-key")
                .map(|p| read(p).map(|b| String::from_utf8_lossy(&b).into_owned()))
                .transpose()?,
        };
        let signing_key = opts.get("sign-key").map(|p| read(p)).transpose()?;

        report(&diags);
        let errors = diags.iter().filter(|d| strict || !d.warning).count();
        if errors > 0 {
            return Err(format!(
                "{errors} error(s) in the input; nothing was written"
            ));
        }
        let feed = build_feed(input).map_err(|errors| {
            report(&errors);
            format!(
                "{} error(s) in the input; nothing was written",
                errors.len()
            )
        })?;
        let signature = signing_key
            .map(|k| keys::sign(&String::from_utf8_lossy(&k), &feed.manifest_bytes))
            .transpose()?;
        write_feed(out, &feed, signature.as_deref())
            .map_err(|e| format!("writing {}: {e}", out.display()))?;
        // A bare /stations/<id> finds its shard on a new phone only by an id that names
        // its region (Manifest::regions_named_by); posters and shared links carry ?near=.
        let unnamed = ids
            .iter()
            .filter(|(id, region)| {
                !feed
                    .manifest
                    .regions_named_by(id)
                    .iter()
                    .any(|r| &r.code == region)
            })
            .count();
        if unnamed > 0 {
            println!(
                "note: {unnamed} station id(s) do not start with their division code (e.g. \
                 LC-0002): a typed link /stations/<id> opens them only on a phone that already \
                 holds their region; the posters' QR codes and the app's shared links carry the \
                 station's point and open them on any phone"
            );
        }
        if !imported.derived_ids.is_empty() {
            let ids_path = format!("{stations_path}.ids.csv");
            yizhan_feed::build::write_ids(&ids_path, &imported.derived_ids)
                .map_err(|e| format!("writing {ids_path}: {e}"))?;
            println!(
                "{} station(s) had no 站点编号: their ids, made from the division code, name and \
                 address, are in {ids_path}; copy that column into the sheet so that links and \
                 posters keep working when a name or an address changes",
                imported.derived_ids.len()
            );
        }
        let stations: u64 = feed.manifest.regions.iter().filter_map(|r| r.count).sum();
        println!(
            "wrote {} ({} stations in {} regions, sequence {}{})",
            out.join("manifest.json").display(),
            stations,
            feed.manifest.regions.len(),
            sequence,
            if signature.is_some() { ", signed" } else { "" }
        );
        Ok(())
    }

    fn desk(action: &str, opts: &Options) -> Result<(), String> {
        use yizhan_feed::desk;
        match action {
            "keygen" => return desk_keygen(opts),
            "pull" => return desk_pull(opts),
            // The desk page (crates/feed/src/desk/web).
            "serve" | "password" => return desk::web::command(action, opts),
            _ => {}
        }
        let db_path = required(opts, "db")?;
        let mut db = desk::open(db_path)?;
        match action {
            "problems" => {
                let problems = desk::problems(&db)?;
                for (id, kind, problem) in &problems {
                    println!("{id} ({kind}): {problem}");
                }
                println!("{} request(s) held with a problem", problems.len());
                Ok(())
            }
            "purge" => {
                let before = required(opts, "before")?;
                let day = chrono::NaiveDate::parse_from_str(before, "%Y-%m-%d")
                    .map_err(|_| format!("--before must be a day, YYYY-MM-DD, not `{before}`"))?;
                let purged = desk::purge(&mut db, day)?;
                println!(
                    "purged {purged} request(s) decided and received before {day}: ID numbers, \
                     phones and sealed envelopes removed, {db_path} compacted"
                );
                Ok(())
            }
            "export" => {
                let out = required(opts, "out")?;
                let unions: Vec<yizhan_core::feed::Union> = match opts.get("unions") {
                    Some(p) => {
                        serde_json::from_slice::<yizhan_core::feed::Unions>(&read(p)?)
                            .map_err(|e| format!("{p}: {e}"))?
                            .unions
                    }
                    None => Vec::new(),
                };
                let (bytes, rows) = desk::export(&db, &unions)?;
                // Names, phones and ID numbers: readable by the clerk's account only.
                desk::write_private(out, &bytes)?;
                println!("wrote {out}: {rows} request(s) awaiting a decision");
                Ok(())
            }
            "import" => {
                let file = required(opts, "file")?;
                let decisions =
                    desk::read_decisions(&db, file, &read(file)?).map_err(|errors| {
                        report(&errors);
                        format!("{} error(s) in {file}; nothing was recorded", errors.len())
                    })?;
                desk::record(&mut db, &decisions, &now_china())?;
                println!("recorded {} decision(s) from {file}", decisions.len());
                Ok(())
            }
            "publish" => {
                let campaigns_path = required(opts, "campaigns")?;
                let out = Path::new(required(opts, "out")?);
                let campaigns_file: serde_json::Value =
                    serde_json::from_slice(&read(campaigns_path)?)
                        .map_err(|e| format!("{campaigns_path}: {e}"))?;
                let campaigns: yizhan_core::feed::Campaigns =
                    serde_json::from_value(campaigns_file.clone())
                        .map_err(|e| format!("{campaigns_path}: {e}"))?;
                let key = opts.get("sign-key").map(|p| read(p)).transpose()?;
                let key_text = key.map(|k| String::from_utf8_lossy(&k).into_owned());
                let signing = match (&key_text, opts.get("card-valid-until")) {
                    (Some(k), Some(until)) => {
                        check_card_valid_until(until)?;
                        Some(desk::CardSigning {
                            key_file_text: k,
                            valid_until: until,
                        })
                    }
                    (None, None) => None,
                    _ => return Err("--sign-key and --card-valid-until go together".into()),
                };
                // The union's own cards are checked with the key it signs them with.
                let card_keys: Vec<[u8; 32]> = match &key_text {
                    Some(k) => vec![yizhan_core::seal::key_bytes(&keys::public_of(k)?)
                        .ok_or("--sign-key: not an Ed25519 secret key file")?],
                    None if campaigns.campaigns.iter().any(|c| c.members_only) => {
                        return Err(
                            "members-only campaigns are claimed with the union's signed \
                                    cards: give --sign-key (and --card-valid-until) to check them"
                                .into(),
                        )
                    }
                    None => Vec::new(),
                };
                let (issued_now, refused) =
                    desk::decide_claims(&mut db, &campaigns.campaigns, &now_china(), &card_keys)?;
                let granted: u64 = issued_now.values().sum();
                let (used, turned_down) = desk::record_redemptions(&db)?;
                for (id, reason) in &turned_down {
                    eprintln!("redeem {id} turned down: {reason}");
                }
                std::fs::create_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
                for (name, value) in [
                    ("statuses.json", desk::statuses(&db, signing.as_ref())?),
                    ("coupons.json", desk::coupons(&db, &campaigns.campaigns)?),
                    (
                        "campaigns.json",
                        desk::campaigns_left(&db, &campaigns_file, &issued_now)?,
                    ),
                ] {
                    let path = out.join(name);
                    let text = serde_json::to_vec_pretty(&value).map_err(|e| e.to_string())?;
                    std::fs::write(&path, text)
                        .map_err(|e| format!("writing {}: {e}", path.display()))?;
                }
                println!(
                    "claims: {granted} issued, {refused} turned down; {used} coupon(s) newly used, {} redeem(s) turned down; wrote {}/statuses.json, coupons.json, campaigns.json",
                    turned_down.len(),
                    out.display()
                );
                Ok(())
            }
            other => Err(format!(
                "unknown desk command `{other}` (keygen, pull, problems, export, import, \
                 publish, purge, serve, password)"
            )),
        }
    }

    fn desk_keygen(opts: &Options) -> Result<(), String> {
        let out = required(opts, "out")?;
        let (private, public) = keys::desk_keypair()?;
        keys::write_key_files(out, &private, &public)?;
        println!(
            "desk private key: {out} (keep it on the desk's computer only; never on the \
             intake's machine)\npublic key: {public}\nit goes into the feed: \
             build --seal-key {out}.pub"
        );
        Ok(())
    }

    fn desk_pull(opts: &Options) -> Result<(), String> {
        use yizhan_feed::desk;
        let from = required(opts, "from")?;
        let token_file = required(opts, "token-file")?;
        let db_path = required(opts, "db")?;
        let token = String::from_utf8(read(token_file)?)
            .map_err(|_| format!("{token_file} is not UTF-8 text"))?
            .trim()
            .to_string();
        if token.is_empty() {
            return Err(format!(
                "{token_file} is empty: it holds the intake's desk token"
            ));
        }
        let key = match opts.get("key") {
            Some(path) => Some(
                keys::desk_private_key(&String::from_utf8_lossy(&read(path)?))
                    .map_err(|e| format!("{path}: {e}"))?,
            ),
            None => None,
        };
        let mut db = desk::open_or_create(db_path)?;
        let summary = desk::pull(&mut db, from, &token, key.as_ref())?;
        let s = &summary.stored;
        println!(
            "pulled {} page(s) from {from}: {} new, {} already held; {} sealed opened, {} plain; \
             the intake deleted {}",
            summary.pages, s.new, s.already, s.opened, s.plain, summary.deleted
        );
        if summary.more {
            println!(
                "stopped after {} pages: pull again for the rest",
                summary.pages
            );
        }
        let problems = desk::problems(&db)?;
        for (id, kind, problem) in &problems {
            println!("held with a problem: {id} ({kind}): {problem}");
        }
        if !problems.is_empty() {
            println!(
                "{} request(s) held with a problem: kept, not exported nor published; the \
                 next pull tries them again",
                problems.len()
            );
            if s.opened == 0 && key.is_some() && problems.iter().any(|p| p.2.contains("desk key")) {
                println!("none opened: is --key the desk key whose .pub the feed was built with?");
            }
        }
        Ok(())
    }

    fn now_china() -> String {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64);
        let china = chrono::FixedOffset::east_opt(8 * 3600).expect("valid offset");
        chrono::DateTime::from_timestamp(secs, 0)
            .expect("valid time")
            .with_timezone(&china)
            .to_rfc3339()
    }

    fn posters(opts: &Options) -> Result<(), String> {
        let manifest = required(opts, "feed")?;
        let app_url = required(opts, "app-url")?;
        let out = Path::new(required(opts, "out")?);
        let written = yizhan_feed::posters::write_posters(Path::new(manifest), app_url, out)?;
        println!(
            "wrote {} station poster(s) and {} region sheet(s) under {}: open them in a \
             browser and print on A4",
            written.0,
            written.1,
            out.display()
        );
        Ok(())
    }

    fn generate_cmd(opts: &Options) -> Result<(), String> {
        let n: usize = required(opts, "stations")?
            .parse()
            .map_err(|_| "--stations must be a number".to_string())?;
        let seed: u64 = required(opts, "seed")?
            .parse()
            .map_err(|_| "--seed must be a number".to_string())?;
        let out = required(opts, "out")?;
        let cities: Vec<String> = opts
            .get("cities")
            .map(|c| {
                c.split(',')
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        let csv = generate::generate_csv(n, seed, &cities)?;
        std::fs::write(out, csv).map_err(|e| format!("writing {out}: {e}"))?;
        println!("wrote {n} stations to {out}");
        Ok(())
    }

    fn keygen(opts: &Options) -> Result<(), String> {
        let out = required(opts, "out")?;
        let (secret, public) = keys::generate()?;
        keys::write_key_files(out, &secret, &public)?;
        println!("secret key: {out} (keep it private)\npublic key: {public}");
        Ok(())
    }

    fn check_keys(opts: &Options) -> Result<(), String> {
        let (source, list) = match opts.get("keys") {
            Some(list) => ("--keys", list.clone()),
            None => (
                "YIZHAN_PUBLISHER_KEYS",
                std::env::var("YIZHAN_PUBLISHER_KEYS")
                    .map_err(|_| "give --keys or set YIZHAN_PUBLISHER_KEYS".to_string())?,
            ),
        };
        let keys = check_publisher_keys(&list).map_err(|e| format!("{source}: {e}"))?;
        println!(
            "{source}: {} publisher key(s), each an Ed25519 public key",
            keys.len()
        );
        if let Some(path) = opts.get("manifest") {
            let bytes = read(path)?;
            let signature = String::from_utf8_lossy(&read(&format!("{path}.sig"))?).into_owned();
            check_manifest(&bytes, Some(&signature), &keys, "/feed/manifest.json").map_err(
                |refusal| format!("an app built with these keys refuses {path}: {refusal:?}"),
            )?;
            println!("{path}: its signature holds under these keys");
        }
        Ok(())
    }
}
