//! One request: what it says, in words; its history (received, each decision, each
//! supplement from the worker); and the clerk's form: approve with a member number,
//! ask for more information, or reject; for a station report, 已核实并更新 or 无法核实.
//! A refused form comes back with what was typed and the reason.

use super::pages::{csrf, Ctx};
use super::words;
use super::Lookup;
use crate::desk::member_number;
use crate::desk::words::decision_word;
use crate::desk::{awaits_decision, decided_by_clerk, held_one, history_of, supplements_of, Held};
use maud::{html, Markup};
use rusqlite::Connection;
use serde::Deserialize;
use yizhan_core::request::Request;

/// The decision form as posted (and shown again when refused).
#[derive(Clone, Debug, Default, Deserialize)]
pub struct DecideForm {
    #[serde(default)]
    pub decision: String,
    #[serde(default)]
    pub member_no: String,
    #[serde(default)]
    pub note: String,
}

/// A decision that passed [`check`]: `(decision, member number, note)`.
pub type Checked = (&'static str, Option<String>, Option<String>);

/// Why a decision was refused: `(Chinese, English)`.
pub type Why = (&'static str, &'static str);

/// The longest note the desk publishes.
const NOTE_MAX: usize = 500;

/// A decision checked against its request: `(decision, member number, note)`, or why
/// not in both languages. An approval needs a member number as the app checks one
/// (`MemberCard::from_form`), needs_info and a rejection a note saying what or why; a
/// station report is approved (已核实并更新) or rejected (无法核实) only.
pub fn check(h: &Held, form: &DecideForm) -> Result<Checked, Why> {
    let report = matches!(h.request, Request::Report(_));
    let decision =
        decision_word(form.decision.trim()).ok_or(("请选择一个决定", "Choose a decision"))?;
    if report && decision == "needs_info" {
        return Err((
            "站点报告只能标为「已核实并更新」或「无法核实」",
            "A station report is either checked and updated, or could not be checked",
        ));
    }
    let note = form.note.trim();
    if note.chars().count() > NOTE_MAX {
        return Err((
            "备注太长：最多 500 个字",
            "The note is too long: 500 characters at most",
        ));
    }
    if yizhan_core::text::has_control_beyond_lines(note) {
        return Err((
            "备注里有无法显示的控制字符",
            "The note holds a control character",
        ));
    }
    let note = (!note.is_empty()).then(|| note.to_string());
    let member_no = match decision {
        "approved" if !report => Some(member_number(&form.member_no).ok_or((
            "通过需要会员号：6 到 24 位字母或数字（可含空格）",
            "An approval needs a member number: 6 to 24 letters and digits (spaces allowed)",
        ))?),
        _ => None,
    };
    if note.is_none() && decision == "needs_info" {
        return Err((
            "请在备注里写明需要补充什么：申请人会看到这段话",
            "Say in the note what is missing: the worker reads it",
        ));
    }
    if note.is_none() && decision == "rejected" && !report {
        return Err((
            "请在备注里写明不通过的原因",
            "Give the reason for the rejection in the note",
        ));
    }
    Ok((decision, member_no, note))
}

fn row(label: &str, value: &str) -> Markup {
    html! { dt { (label) } dd { (value) } }
}

/// What the request says, in words.
fn fields(ctx: &Ctx, h: &Held, lookup: &Lookup) -> Markup {
    match &h.request {
        Request::Join(a) | Request::Transfer(a) => html! {
            (row(ctx.t("姓名", "Name"), &a.name))
            (row(ctx.t("手机号", "Mobile"), &a.phone))
            (row(ctx.t("身份证号", "ID number"), &a.id_number))
            (row(ctx.t("职业", "Occupation"), &words::occupation(ctx.lang, &a.occupation)))
            (row(ctx.t("工作单位或平台", "Employer or platform"), &a.employer))
            (row(ctx.t("申请加入的工会", "Union"), &lookup.union_name(&a.union)))
            @if let Some(from) = &a.from_union { (row(ctx.t("原工会", "From union"), from)) }
            @if a.answer_by_phone {
                (row(ctx.t("答复方式", "Answer"), ctx.t("在共用自助机上申请，手机里没有保存：请按上面的手机号打电话答复", "Made on a shared kiosk, nothing kept on a phone: answer by calling the number above")))
            }
        },
        Request::Card(c) => html! {
            (row(ctx.t("姓名", "Name"), &c.name))
            (row(ctx.t("会员号（本人填写）", "Member number (as given)"), &c.member_no))
            (row(ctx.t("工会", "Union"), &lookup.union_name(&c.union)))
            (row(ctx.t("身份证号", "ID number"), &c.id_number))
        },
        Request::Report(r) => {
            let station = lookup.station(&r.station_id);
            html! {
                (row(ctx.t("站点", "Station"), &station.map_or(ctx.t("（不在最近一次发布的站点中）", "(not in the last publication)").to_string(), |s| s.0.clone())))
                (row(ctx.t("地址", "Address"), station.and_then(|s| s.1.as_deref()).unwrap_or("")))
                (row(ctx.t("站点编号", "Station id"), &r.station_id))
                (row(ctx.t("问题", "Problem"), &words::problem(ctx.lang, r.problem.word())))
                (row(ctx.t("说明", "Note"), &r.note))
            }
        }
        Request::Claim(c) => html! {
            (row(ctx.t("活动", "Campaign"), &lookup.campaign_title(&c.campaign_id)))
            (row(ctx.t("会员号", "Member number"), c.card.as_ref().map(|c| c.member_no.as_str()).or(c.member_no.as_deref()).unwrap_or("")))
            (row(ctx.t("会员证", "Card"), if c.card.is_some() { ctx.t("工会签发的会员证", "A card the union signed") } else { ctx.t("无", "None") }))
        },
        Request::Redeem(r) => {
            html! { (row(ctx.t("场馆", "Venue"), &r.venue)) (row(ctx.t("使用时间", "Used at"), &words::beijing(&r.used_at))) }
        }
        Request::Supplement(s) => html! { (row(ctx.t("补充", "Supplement"), &s.note)) },
    }
}

/// The request page, or `None` when the desk holds no request `id` (without a problem).
pub fn request_page(
    ctx: &Ctx,
    db: &Connection,
    lookup: &Lookup,
    id: &str,
    refused: Option<(&DecideForm, &str)>,
) -> Result<Option<(String, Markup)>, String> {
    let Some(h) = held_one(db, id)? else {
        return Ok(None);
    };
    let report = matches!(h.request, Request::Report(_));
    // The history, in time order (as instants: the intake's UTC and the desk's China
    // time): received, decisions, supplements.
    let mut events: Vec<(String, String, String)> = vec![(
        h.received_at.clone(),
        ctx.t("收到申请", "Received").to_string(),
        String::new(),
    )];
    for d in history_of(db, id)? {
        let mut what = words::decision(ctx.lang, &d.decision, report).to_string();
        if let Some(no) = d.member_no.filter(|_| d.decision == "approved") {
            what = format!("{what}（{}{no}）", ctx.t("会员号 ", "member no. "));
        }
        events.push((
            words::beijing(&d.decided_at),
            what,
            d.note.unwrap_or_default(),
        ));
    }
    for s in supplements_of(db, id)? {
        events.push((
            words::beijing(&s.received_at),
            ctx.t("申请人补充材料", "The worker's supplement")
                .to_string(),
            s.note,
        ));
    }
    events.sort_by(|a, b| a.0.cmp(&b.0));
    let decidable = (decided_by_clerk(&h.request) || report) && awaits_decision(db, id)?;
    // A card request names the member's number: offered, for the clerk to check.
    let blank = DecideForm {
        member_no: match &h.request {
            Request::Card(c) => c.member_no.clone(),
            _ => String::new(),
        },
        ..DecideForm::default()
    };
    let (form, error) = refused.map_or((&blank, None), |(f, e)| (f, Some(e)));
    let choice = |value: &str, label: &str| {
        html! {
            label.choice { input type="radio" name="decision" value=(value) checked[form.decision == value] required; " " (label) }
        }
    };
    let title = format!(
        "{}：{}",
        words::kind(ctx.lang, h.request.kind()),
        super::pages::who(&h, lookup)
    );
    let body = html! {
        dl.fields {
            (row(ctx.t("收到时间（北京时间）", "Received (Beijing time)"), &words::beijing(&h.received_at)))
            (fields(ctx, &h, lookup))
        }
        h2 { (ctx.t("经过", "History")) }
        ol.history {
            @for (at, what, note) in &events {
                li { time { (words::beijing(at)) } " " strong { (what) } @if !note.is_empty() { p.note { (note) } } }
            }
        }
        @if decidable {
            form.decide method="post" action=(format!("/requests/{id}/decide")) {
                (csrf(ctx))
                @if let Some(e) = error { p.error role="alert" id="form-error" { (e) } }
                fieldset {
                    legend { (ctx.t("决定", "Decision")) }
                    @if report {
                        (choice("approved", ctx.t("已核实并更新", "Checked and updated")))
                        (choice("rejected", ctx.t("无法核实", "Could not be checked")))
                    } @else {
                        (choice("approved", ctx.t("通过", "Approve")))
                        (choice("needs_info", ctx.t("需补充材料", "Ask for more information")))
                        (choice("rejected", ctx.t("不通过", "Reject")))
                    }
                }
                @if !report {
                    label for="member_no" { (ctx.t("会员号（通过时必填）", "Member number (for an approval)")) }
                    input #member_no type="text" name="member_no" value=(form.member_no) inputmode="numeric" autocomplete="off" aria-describedby="member_no-help";
                    p.help #member_no-help { (ctx.t("6 到 24 位字母或数字，与会员证上的号码相同。", "6 to 24 letters and digits, as on the card.")) }
                }
                label for="note" { (ctx.t("备注", "Note")) }
                textarea #note name="note" rows="4" aria-describedby="note-help" { (form.note) }
                p.help #note-help {
                    @if report { (ctx.t("注意：站点报告的备注会公开发布，不要写任何人的个人信息。", "Mind: a station report's note is published openly; write nobody's personal data.")) }
                    @else { (ctx.t("需补充材料时写明缺什么，不通过时写明原因；只有申请人能看到。", "For more information say what is missing, for a rejection why; only the worker can read it.")) }
                }
                button type="submit" data-action="decide" { (ctx.t("记录决定", "Record the decision")) }
            }
        } @else {
            p { (ctx.t("这个申请现在不需要你决定。", "Nothing to decide here now.")) " " a href=(format!("/?kind={}", h.request.kind())) { (ctx.t("回到待办", "Back to the queue")) } }
        }
    };
    Ok(Some((title, body)))
}
