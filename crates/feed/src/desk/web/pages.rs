//! The desk's pages, rendered on the server (maud escapes every value written into
//! them: a name or note a worker typed is text, never markup). No script: every action
//! is a form. Chinese first, English second (`?lang=en`, remembered in a cookie).
//! The request page and its forms are in `request.rs`.

use super::words::{self, Lang};
use super::Lookup;
use crate::desk::{awaits_decision, decided_by_clerk, decision_of, held, problems, Held};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use maud::{html, Markup, DOCTYPE};
use rusqlite::Connection;
use yizhan_core::request::Request;

/// What every page needs to know about the request it answers.
#[derive(Clone, Debug)]
pub struct Ctx {
    pub lang: Lang,
    /// The token every form carries back (checked by `auth::guard`).
    pub csrf: String,
    /// Signed in with the password (the page shows 退出).
    pub signed_in: bool,
}

impl Ctx {
    pub fn t(&self, zh: &'static str, en: &'static str) -> &'static str {
        self.lang.pick(zh, en)
    }
}

/// The menu's entries.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Nav {
    Queue,
    Claims,
    Problems,
    Publish,
    None,
}

/// How many requests done (or waiting on others) the queue lists, newest first: a
/// year's are in the database, and a page of thousands helps nobody.
const DONE_SHOWN: usize = 200;

/// The kinds the queue's tabs show, in order.
pub const KINDS: [&str; 5] = ["join", "transfer", "card", "claim", "report"];

/// The hidden CSRF field of every form.
pub fn csrf(ctx: &Ctx) -> Markup {
    html! { input type="hidden" name="csrf" value=(ctx.csrf); }
}

pub fn layout(ctx: &Ctx, title: &str, nav: Nav, body: Markup) -> Markup {
    let item = |href: &str, label: &str, me: Nav| {
        html! { li { a href=(href) aria-current=[(nav == me).then_some("page")] { (label) } } }
    };
    let (other, other_lang, other_label) = match ctx.lang {
        Lang::Zh => ("?lang=en", "en", "English"),
        Lang::En => ("?lang=zh", "zh-CN", "中文"),
    };
    html! {
        (DOCTYPE)
        html lang=(ctx.lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · " (ctx.t("驿站工会服务台", "Yizhan union desk")) }
                link rel="stylesheet" href="/desk.css";
            }
            body {
                a.skip href="#main" { (ctx.t("跳到正文", "Skip to content")) }
                header.top {
                    p.brand { (ctx.t("驿站 · 工会服务台", "Yizhan · Union desk")) }
                    nav aria-label=(ctx.t("主菜单", "Main menu")) {
                        ul {
                            (item("/", ctx.t("待办", "Queue"), Nav::Queue))
                            (item("/claims", ctx.t("领券情况", "Coupons"), Nav::Claims))
                            (item("/problems", ctx.t("无法打开的申请", "Problems"), Nav::Problems))
                            (item("/publish", ctx.t("发布", "Publish"), Nav::Publish))
                        }
                    }
                    a.lang href=(other) lang=(other_lang) { (other_label) }
                    @if ctx.signed_in {
                        form.inline method="post" action="/logout" {
                            (csrf(ctx))
                            button.quiet type="submit" { (ctx.t("退出", "Sign out")) }
                        }
                    }
                }
                main #main { h1 { (title) } (body) }
            }
        }
    }
}

/// A page as an answer with `status`.
pub fn page(status: StatusCode, markup: Markup) -> Response {
    (status, Html(markup.into_string())).into_response()
}

/// A short page that says why something was refused.
pub fn refusal(lang: Lang, status: StatusCode, zh: &'static str, en: &'static str) -> Response {
    let ctx = Ctx {
        lang,
        csrf: String::new(),
        signed_in: false,
    };
    let body = html! { p.error role="alert" { (lang.pick(zh, en)) } p { a href="/" { (ctx.t("回到待办", "Back to the queue")) } } };
    page(
        status,
        layout(&ctx, ctx.t("无法办理", "Not done"), Nav::None, body),
    )
}

/// Who a request is from or about, in a few words: a name, or a station's name.
pub fn who(h: &Held, lookup: &Lookup) -> String {
    match &h.request {
        Request::Join(a) | Request::Transfer(a) => a.name.clone(),
        Request::Card(c) => c.name.clone(),
        Request::Report(r) => lookup
            .station(&r.station_id)
            .map_or(r.station_id.clone(), |s| s.0.clone()),
        Request::Claim(c) => lookup.campaign_title(&c.campaign_id),
        Request::Redeem(r) => r.venue.clone(),
        Request::Supplement(_) => String::new(),
    }
}

/// What matters about a request besides who: occupation and union, or the problem.
pub fn about(ctx: &Ctx, h: &Held, lookup: &Lookup) -> String {
    match &h.request {
        Request::Join(a) | Request::Transfer(a) => format!(
            "{} · {}{}",
            words::occupation(ctx.lang, &a.occupation),
            lookup.union_name(&a.union),
            if a.answer_by_phone {
                ctx.t(" · 电话答复", " · answer by phone")
            } else {
                ""
            }
        ),
        Request::Card(c) => format!("{} · {}", c.member_no, lookup.union_name(&c.union)),
        Request::Report(r) => words::problem(ctx.lang, r.problem.word()),
        Request::Claim(c) => c.member_no.clone().unwrap_or_default(),
        Request::Redeem(_) | Request::Supplement(_) => String::new(),
    }
}

/// How long a request to a union has waited, against the union's usual answer time
/// (`answer_days` in the unions file; the app shows the worker the same, by the same
/// rule: `follow::days_waiting`): " · 已等待 4 天（通常 3 天内答复）", marked when longer.
fn waited(ctx: &Ctx, h: &Held, lookup: &Lookup, today: &str) -> Markup {
    let day = yizhan_core::time::parse_date(today.get(..10).unwrap_or(today));
    let (Some(union), Some(day)) = (h.request.union(), day) else {
        return html! {};
    };
    let Some(days) = yizhan_core::follow::days_waiting(&h.received_at, day) else {
        return html! {};
    };
    let usual = lookup
        .unions
        .iter()
        .find(|u| u.id == union)
        .and_then(|u| u.answer_days);
    let late = usual.is_some_and(|u| days > i64::from(u));
    html! {
        span.waited.late[late] data-late=[late.then_some("true")] {
            " · " (ctx.t("已等待 ", "waited ")) (days) (ctx.t(" 天", " days"))
            @if let Some(u) = usual { (ctx.t("（通常 ", " (usually ")) (u) (ctx.t(" 天内答复）", " days)")) }
        }
    }
}

/// Where a request stands, in words, for the queue.
fn state(ctx: &Ctx, db: &Connection, h: &Held) -> Result<(String, bool), String> {
    let report = matches!(h.request, Request::Report(_));
    let decision = decision_of(db, &h.id)?;
    let clerk = decided_by_clerk(&h.request) || report;
    let waiting = clerk && awaits_decision(db, &h.id)?;
    Ok(match decision {
        None if clerk => (ctx.t("待决定", "To decide").into(), true),
        None => (
            ctx.t(
                "下次发布时按规则处理",
                "Decided by the rules at the next publication",
            )
            .into(),
            false,
        ),
        Some(d) if waiting => (
            format!(
                "{}{}",
                ctx.t(
                    "已补充材料，待再决定（上次：",
                    "Supplemented, to decide again (last: "
                ),
                words::decision(ctx.lang, &d.decision, report)
            ) + ctx.t("）", ")"),
            true,
        ),
        Some(d) if d.decision == "needs_info" => (
            ctx.t("等待申请人补充材料", "Waiting for the worker's information")
                .into(),
            false,
        ),
        Some(d) => {
            let word = words::decision(ctx.lang, &d.decision, report);
            match d.note.filter(|_| d.decision == "rejected") {
                Some(note) => (format!("{word}：{note}"), false),
                None => (word.to_string(), false),
            }
        }
    })
}

/// The queue: the kinds as tabs (with how many wait), the requests of one kind newest
/// first, those waiting for the clerk above those done.
pub fn queue(
    ctx: &Ctx,
    db: &Connection,
    lookup: &Lookup,
    kind: &str,
    done: Option<&str>,
) -> Result<Markup, String> {
    let all = held(db, false)?;
    let mut counts = Vec::new();
    for k in KINDS {
        let mut n = 0;
        for h in all.iter().filter(|h| h.request.kind() == k) {
            if state(ctx, db, h)?.1 {
                n += 1;
            }
        }
        counts.push((k, n));
    }
    let mut waiting = Vec::new();
    let mut finished = Vec::new();
    for h in all.iter().rev().filter(|h| h.request.kind() == kind) {
        let (word, waits) = state(ctx, db, h)?;
        if waits {
            waiting.push((h, word))
        } else {
            finished.push((h, word))
        }
    }
    let today = crate::desk::now_china();
    let table = |rows: &[(&Held, String)], caption: &str, waits: bool| {
        html! {
            table.queue {
                caption { (caption) " (" (rows.len()) ")" }
                thead { tr {
                    th scope="col" { (ctx.t("收到时间（北京时间）", "Received (Beijing time)")) }
                    th scope="col" { (if kind == "report" { ctx.t("站点", "Station") } else if kind == "claim" { ctx.t("活动", "Campaign") } else { ctx.t("姓名", "Name") }) }
                    th scope="col" { (if kind == "report" { ctx.t("问题", "Problem") } else if kind == "claim" { ctx.t("会员号", "Member no.") } else { ctx.t("职业 · 工会", "Occupation · union") }) }
                    th scope="col" { (ctx.t("状态", "State")) }
                } }
                tbody {
                    @for (h, word) in rows {
                        tr data-request-id=(h.id) {
                            td { (words::beijing(&h.received_at)) }
                            td { a href=(format!("/requests/{}", h.id)) { (who(h, lookup)) } }
                            td { (about(ctx, h, lookup)) }
                            td { (word) @if waits { (waited(ctx, h, lookup, &today)) } }
                        }
                    }
                }
            }
        }
    };
    Ok(html! {
        @if let Some(id) = done {
            p.notice role="status" data-testid="recorded" {
                (ctx.t("已记录。决定在下次「发布」后送达申请人。", "Recorded. The answer reaches the worker with the next publication."))
                " " a href=(format!("/requests/{id}")) { (ctx.t("查看", "View")) }
            }
        }
        nav.tabs aria-label=(ctx.t("申请类型", "Kinds of request")) { ul {
            @for (k, n) in &counts {
                li { a href=(format!("/?kind={k}")) aria-current=[(*k == kind).then_some("page")] data-kind=(k) {
                    (words::kind(ctx.lang, k)) @if *n > 0 { " " span.count { (n) } }
                } }
            }
        } }
        @if kind == "claim" {
            p { (ctx.t("领券申请由活动规则在每次「发布」时自动决定（先到先得、每人限领、仅限会员）。", "Coupon claims are decided by the campaign's rules at each publication (first come, per-member limits, members only).")) " " a href="/claims" { (ctx.t("看发放情况", "See what was issued")) } }
        }
        @if kind == "report" {
            p { (ctx.t("站点报告的处理结果和备注会公开发布（报告不含个人信息，也没有加密的答复）。", "A station report's outcome and note are published openly (reports hold no personal data and have no sealed answer).")) }
        }
        (table(&waiting, ctx.t("待处理", "Waiting for you"), true))
        (table(&finished[..finished.len().min(DONE_SHOWN)], ctx.t("已处理或等待中", "Done or waiting on others"), false))
        @if finished.len() > DONE_SHOWN {
            p { (ctx.t("只显示最近的 ", "Showing the newest ")) (DONE_SHOWN) (ctx.t(" 条；全部记录在导出的表格和数据库里。", "; every record is in the exported sheet and the database.")) }
        }
    })
}

/// The requests held with a problem (they do not open, or a supplement names no
/// request this desk holds): kept, and tried again at every pull.
pub fn problems_page(ctx: &Ctx, db: &Connection) -> Result<Markup, String> {
    let list = problems(db)?;
    Ok(html! {
        p { (ctx.t("这些申请已保存，但无法处理；每次「发布」拉取时会再试一次。", "These are kept but cannot be handled; every publication's pull tries them again.")) }
        table.queue {
            caption { (ctx.t("无法打开的申请", "Requests with a problem")) " (" (list.len()) ")" }
            thead { tr { th scope="col" { (ctx.t("编号", "Id")) } th scope="col" { (ctx.t("类型", "Kind")) } th scope="col" { (ctx.t("原因", "Reason")) } } }
            tbody { @for (id, kind, problem) in &list { tr { td { (id) } td { (words::kind(ctx.lang, kind)) } td { (problem) } } } }
        }
    })
}
