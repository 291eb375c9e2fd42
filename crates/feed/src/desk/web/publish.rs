//! 发布: one round, as the CLI's `desk pull` → `desk publish` → `build` did, through
//! the same library functions: pull what the intake holds, decide the coupon claims by
//! the campaigns' rules, record the venues' redemptions, write the statuses, coupons
//! and campaigns, and build and sign the next feed sequence (the publication folder's
//! manifest's + 1) into the publication folder: content-hashed files first, the
//! signature, the manifest last ([`crate::build::write_feed`]). Also the overview of
//! the coupons issued and refused.

use super::config::Config;
use super::pages::{csrf, Ctx};
use super::Lookup;
use crate::build::{build_feed, read_holidays, write_feed, BuildInput};
use crate::desk::{self, held, CardSigning, PullSummary};
use crate::import::{import_stations, ImportOptions, SheetDatum};
use crate::keys;
use maud::{html, Markup};
use rusqlite::Connection;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;
use yizhan_core::feed::Campaigns;
use yizhan_core::geo::Datum;
use yizhan_core::request::Request;

/// What a round did.
#[derive(Debug)]
pub struct Round {
    /// The pull, or why it failed (the round goes on: decisions made are published).
    pub pulled: Result<PullSummary, String>,
    pub issued: u64,
    pub refused: usize,
    pub used: usize,
    pub redeems_refused: Vec<(String, String)>,
    pub answers: usize,
    /// Of the answers, those sealed to the asking device (a report's is plain).
    pub sealed: usize,
    pub sequence: u64,
    pub stations: u64,
    pub files: Vec<String>,
    pub problems: usize,
}

fn read(path: &str) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("无法读取 {path} (cannot read it): {e}"))
}

fn read_text(path: &str) -> Result<String, String> {
    String::from_utf8(read(path)?).map_err(|_| format!("{path} 不是 UTF-8 文本 (not UTF-8)"))
}

/// The last publication's manifest in `dir`, if there is one.
fn last_manifest(dir: &Path) -> Result<Option<Value>, String> {
    let path = dir.join("manifest.json");
    if !path.exists() {
        return Ok(None);
    }
    let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_json::from_slice(&bytes)
        .map(Some)
        .map_err(|e| format!("{}: {e}", path.display()))
}

/// The sequence of the last publication in `dir` (0 when none): the next is one more.
/// A manifest that does not read stops the round (a guess could publish backwards).
pub fn last_sequence(dir: &Path) -> Result<u64, String> {
    match last_manifest(dir)? {
        None => Ok(0),
        Some(m) => m["sequence"].as_u64().ok_or_else(|| {
            format!(
                "{}: 没有 sequence (no sequence)",
                dir.join("manifest.json").display()
            )
        }),
    }
}

/// The campaigns file with each campaign's `remaining` as the last publication left it
/// (a campaign the IT person added or changed in the file keeps the rest of its fields).
fn campaigns_now(file: &Value, dir: &Path) -> Value {
    let mut out = file.clone();
    let last: Option<Value> = (|| {
        let m = last_manifest(dir).ok()??;
        let path = m["campaigns"]["path"].as_str()?;
        serde_json::from_slice(&std::fs::read(dir.join(path)).ok()?).ok()
    })();
    let Some(last) = last else { return out };
    if let Some(list) = out["campaigns"].as_array_mut() {
        for c in list {
            let before = last["campaigns"]
                .as_array()
                .and_then(|l| l.iter().find(|p| p["id"] == c["id"]))
                .and_then(|p| p.get("remaining").cloned());
            if let Some(r) = before.filter(Value::is_u64) {
                c["remaining"] = r;
            }
        }
    }
    out
}

/// One whole round (see the module's doc); `now` is China time (RFC 3339).
pub fn round(db: &mut Connection, config: &Config, now: &str) -> Result<Round, String> {
    let dir = Path::new(config.need("publication")?).to_path_buf();
    let intake = config.need("intake")?.trim_end_matches('/').to_string();
    let sign_key = read_text(config.need("sign_key")?)?;
    let valid_until = config.need("card_valid_until")?;
    desk::statuses::check_valid_until(valid_until, now.get(..10).unwrap_or(now))?;
    let desk_key_path = config.need("desk_key")?;
    let seal_key = read_text(
        &config
            .get("seal_key")
            .map_or(format!("{desk_key_path}.pub"), str::to_string),
    )?;
    let sequence = last_sequence(&dir)? + 1;
    // 1. Pull: a failure is reported, and the round publishes what the desk holds.
    let pulled = (|| {
        let token = read_text(config.need("token_file")?)?.trim().to_string();
        let key = keys::desk_private_key(&read_text(desk_key_path)?)?;
        desk::pull(db, &intake, &token, Some(&key))
    })();
    // 2. Claims by the campaigns' rules, cards checked with the union's key.
    let campaigns_file: Value = serde_json::from_slice(&read(config.need("campaigns")?)?)
        .map_err(|e| format!("campaigns: {e}"))?;
    let campaigns_file = campaigns_now(&campaigns_file, &dir);
    let campaigns: Campaigns =
        serde_json::from_value(campaigns_file.clone()).map_err(|e| format!("campaigns: {e}"))?;
    let card_key = yizhan_core::seal::key_bytes(&keys::public_of(&sign_key)?)
        .ok_or("sign_key: not an Ed25519 secret key file")?;
    let (issued_now, refused) = desk::decide_claims(db, &campaigns.campaigns, now, &[card_key])?;
    let (used, redeems_refused) = desk::record_redemptions(db)?;
    // 3. The lists the feed publishes.
    let signing = CardSigning {
        key_file_text: &sign_key,
        valid_until,
    };
    let statuses = desk::statuses(db, Some(&signing))?;
    let list = statuses["statuses"].as_array();
    let answers = list.map_or(0, Vec::len);
    let sealed = list.map_or(0, |l| l.iter().filter(|e| e.get("box").is_some()).count());
    let json = |v: &Value| serde_json::to_vec_pretty(v).map_err(|e| e.to_string());
    let coupons = json(&desk::coupons(db, &campaigns.campaigns)?)?;
    let left = json(&desk::campaigns_left(db, &campaigns_file, &issued_now)?)?;
    // 4. The next feed, built and signed as `build` does (the same sheet reader).
    crate::build::check_sequence(sequence, &dir, None)?;
    let (sheet_datum, datum) = match config.get("datum").unwrap_or("gcj02") {
        "gcj02" => (SheetDatum::Gcj02, Datum::Gcj02),
        "wgs84" => (SheetDatum::Wgs84, Datum::Wgs84),
        // Baidu's points are converted as they are read: the feed holds GCJ-02.
        "bd09" => (SheetDatum::Bd09, Datum::Gcj02),
        other => {
            return Err(format!(
                "datum = {other}: gcj02, bd09 或 wgs84 (gcj02, bd09 or wgs84)"
            ))
        }
    };
    let mut options = ImportOptions::new(sheet_datum);
    options.region = config.get("region").map(str::to_string);
    let mut diags = Vec::new();
    if let Some(path) = config.get("mapping") {
        match crate::import::columns::read_mapping(path, &read_text(path)?) {
            Ok(map) => options.mapping = map,
            Err(errors) => diags.extend(errors),
        }
    }
    let stations_path = config.need("stations")?;
    let imported = import_stations(stations_path, &read(stations_path)?, &options);
    diags.extend(imported.diags);
    let rows = imported.rows;
    let holidays = match config.get("holidays") {
        Some(p) => read_holidays(p, &read_text(p)?).unwrap_or_else(|e| {
            diags.extend(e);
            Vec::new()
        }),
        None => Vec::new(),
    };
    let unions = config
        .get("unions")
        .map(|p| Ok::<_, String>((p.to_string(), read(p)?)))
        .transpose()?;
    let errors: Vec<String> = diags
        .iter()
        .filter(|d| !d.warning)
        .map(|d| d.to_string())
        .collect();
    if !errors.is_empty() {
        return Err(format!(
            "站点文件有错，没有发布 (the stations file has errors; nothing was published):\n{}",
            errors.join("\n")
        ));
    }
    let input = BuildInput {
        rows,
        datum,
        sequence,
        published_at: now.to_string(),
        publisher: config
            .get("publisher")
            .map(|name| yizhan_core::feed::Publisher {
                name: name.to_string(),
                phone: config.get("publisher_phone").map(str::to_string),
            }),
        campaigns: Some(("campaigns.json".into(), left)),
        unions,
        statuses: Some(("statuses.json".into(), json(&statuses)?)),
        coupons: Some(("coupons.json".into(), coupons)),
        holidays,
        intake: Some(format!("{intake}/intake")),
        seal_key: Some(seal_key),
    };
    let feed = build_feed(input).map_err(|errors| {
        let list: Vec<String> = errors.iter().map(|d| d.to_string()).collect();
        format!("没有发布 (nothing was published):\n{}", list.join("\n"))
    })?;
    let signature = keys::sign(&sign_key, &feed.manifest_bytes)?;
    write_feed(&dir, &feed, Some(&signature)).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut files: Vec<String> = feed.files.iter().map(|(p, _)| p.clone()).collect();
    files.extend(["manifest.json.sig".to_string(), "manifest.json".to_string()]);
    Ok(Round {
        pulled,
        issued: issued_now.values().sum(),
        refused,
        used,
        redeems_refused,
        answers,
        sealed,
        sequence,
        stations: feed.manifest.regions.iter().filter_map(|r| r.count).sum(),
        files,
        problems: desk::problems(db)?.len(),
    })
}

/// The publish page: the settings the round uses and the one button.
pub fn publish_page(ctx: &Ctx, config: &Config, result: Option<Markup>) -> Markup {
    let dir = config.get("publication");
    let last = dir.and_then(|d| last_manifest(Path::new(d)).ok().flatten());
    html! {
        @if let Some(r) = result { (r) }
        p { (ctx.t("「发布」一次做完整个流程：从收件服务器取回新申请，按活动规则处理领券，写出所有答复，生成并签名下一期数据，放进发布文件夹。", "Publish does a whole round: fetch new requests from the intake, decide coupon claims by the campaigns' rules, write every answer, build and sign the next feed into the publication folder.")) }
        dl.fields {
            dt { (ctx.t("收件服务器", "Intake")) } dd { (config.get("intake").unwrap_or("—")) }
            dt { (ctx.t("发布文件夹", "Publication folder")) } dd { (dir.unwrap_or("—")) }
            dt { (ctx.t("上一期", "Last publication")) } dd {
                @if let Some(m) = &last { (m["sequence"].as_u64().unwrap_or(0)) " · " (super::words::beijing(m["published_at"].as_str().unwrap_or(""))) }
                @else { (ctx.t("还没有发布过", "None yet")) }
            }
        }
        form method="post" action="/publish" {
            (csrf(ctx))
            button.primary type="submit" data-action="publish" { (ctx.t("发布", "Publish")) }
        }
    }
}

/// What a round did, in words.
pub fn round_result(ctx: &Ctx, round: &Result<Round, String>) -> Markup {
    match round {
        Err(e) => {
            html! { div.error role="alert" data-testid="publish-failed" { p { (ctx.t("没有发布：", "Not published: ")) } pre { (e) } } }
        }
        Ok(r) => html! {
            section.notice role="status" data-testid="published" data-sequence=(r.sequence) {
                h2 { (ctx.t("已发布第 ", "Published sequence ")) (r.sequence) (ctx.t(" 期", "")) }
                ul {
                    @match &r.pulled {
                        Ok(p) => li { (ctx.t("取回新申请：", "New requests fetched: ")) (p.stored.new) }
                        Err(e) => li.error { (ctx.t("无法连接收件服务器，本次没有取回新申请：", "Could not reach the intake; nothing new was fetched: ")) (e) }
                    }
                    li { (ctx.t("领券：发放 ", "Coupons: issued ")) (r.issued) (ctx.t("，未发放 ", ", refused ")) (r.refused) }
                    li { (ctx.t("场馆核销：", "Redemptions recorded: ")) (r.used) @if !r.redeems_refused.is_empty() { (ctx.t("；不予登记 ", "; turned down ")) (r.redeems_refused.len()) ul { @for (_, why) in &r.redeems_refused { li { (why) } } } } }
                    li { (ctx.t("公布的答复：", "Answers published: ")) (r.answers) (ctx.t("，其中加密（只有申请人能看）", ", sealed (only the worker reads them) ")) (r.sealed) }
                    li { (ctx.t("站点：", "Stations: ")) (r.stations) }
                    @if r.problems > 0 { li { a href="/problems" { (ctx.t("无法打开的申请：", "Requests with a problem: ")) (r.problems) } } }
                }
                details { summary { (ctx.t("写入的文件", "Files written")) } ul { @for f in &r.files { li { code { (f) } } } } }
                p { (ctx.t("把发布文件夹上传到网站（先上传其他文件，最后上传 manifest.json 和 manifest.json.sig）。", "Upload the publication folder to the host (the other files first, manifest.json and its .sig last).")) }
            }
        },
    }
}

/// The coupons issued and refused, per campaign, with the reasons and how often.
pub fn claims_page(ctx: &Ctx, db: &Connection, lookup: &Lookup) -> Result<Markup, String> {
    // campaign → (issued, waiting, reasons refused → count)
    let mut by: BTreeMap<String, (usize, usize, BTreeMap<String, usize>)> = BTreeMap::new();
    for h in held(db, false)? {
        let Request::Claim(c) = &h.request else {
            continue;
        };
        let entry = by.entry(c.campaign_id.clone()).or_default();
        match desk::decision_of(db, &h.id)? {
            None => entry.1 += 1,
            Some(d) if d.decision == "approved" => entry.0 += 1,
            Some(d) => *entry.2.entry(d.note.unwrap_or_default()).or_default() += 1,
        }
    }
    // The venues' redemptions: recorded, or turned down and why (never published).
    let (mut used, mut turned_down) = (0, BTreeMap::<String, usize>::new());
    for h in held(db, false)? {
        if !matches!(h.request, Request::Redeem(_)) {
            continue;
        }
        match desk::decision_of(db, &h.id)? {
            Some(d) if d.decision == "approved" => used += 1,
            Some(d) => *turned_down.entry(d.note.unwrap_or_default()).or_default() += 1,
            None => {}
        }
    }
    Ok(html! {
        p { (ctx.t("领券由活动规则在每次「发布」时决定；这里是每个活动发放和未发放的数量及原因。", "Claims are decided by the campaigns' rules at each publication; here is what each campaign issued and refused, and why.")) }
        table.queue {
            caption { (ctx.t("各活动领券情况", "Claims per campaign")) }
            thead { tr {
                th scope="col" { (ctx.t("活动", "Campaign")) }
                th scope="col" { (ctx.t("已发放", "Issued")) }
                th scope="col" { (ctx.t("待下次发布", "At the next publication")) }
                th scope="col" { (ctx.t("未发放及原因", "Refused, and why")) }
            } }
            tbody {
                @for (campaign, (issued, waiting, reasons)) in &by {
                    tr data-campaign=(campaign) {
                        td { (lookup.campaign_title(campaign)) }
                        td data-testid="issued" { (issued) }
                        td { (waiting) }
                        td { ul.plain { @for (why, n) in reasons { li { (why) "：" (n) } } } }
                    }
                }
            }
        }
        h2 { (ctx.t("场馆核销", "Redemptions at venues")) }
        p data-testid="redemptions" { (ctx.t("已登记：", "Recorded: ")) (used) }
        @if !turned_down.is_empty() {
            p { (ctx.t("不予登记（不公布）：", "Turned down (never published):")) }
            ul { @for (why, n) in &turned_down { li { (why) "：" (n) } } }
        }
    })
}
