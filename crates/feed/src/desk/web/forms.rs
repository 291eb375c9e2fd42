//! The handlers: each reads the request, does its work on the database off the async
//! threads (SQLite and the round's network calls block), and answers a page. The CSRF
//! token and the session were checked by `auth::guard` before any of these runs
//! (signing in and out: `sign_in.rs`).

use super::pages::{self, layout, page, Ctx, Nav};
use super::request::{check, request_page, DecideForm};
use super::{publish, Lookup, Shared};
use crate::desk;
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use rusqlite::Connection;
use serde::Deserialize;

/// Runs `work` with the database and the lookups on a blocking thread; a failure is a
/// page that says so (never a panic in the server).
async fn with_db<F>(desk: Shared, ctx: &Ctx, work: F) -> Response
where
    F: FnOnce(&mut Connection, &Lookup) -> Result<Response, String> + Send + 'static,
{
    let lang = ctx.lang;
    let done = tokio::task::spawn_blocking(move || {
        let lookup = Lookup::load(&desk.config);
        let mut db = desk
            .db
            .lock()
            .map_err(|_| "the database lock".to_string())?;
        work(&mut db, &lookup)
    })
    .await;
    match done {
        Ok(Ok(response)) => response,
        Ok(Err(e)) => {
            eprintln!("desk page: {e}");
            pages::refusal(
                lang,
                StatusCode::INTERNAL_SERVER_ERROR,
                "出错了，请稍后再试；如果一直这样，请联系信息员",
                "Something went wrong; try again, and if it persists call the IT person",
            )
        }
        Err(_) => pages::refusal(
            lang,
            StatusCode::INTERNAL_SERVER_ERROR,
            "出错了",
            "Something went wrong",
        ),
    }
}

#[derive(Deserialize)]
pub struct QueueQuery {
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    done: Option<String>,
}

pub async fn queue(
    State(desk): State<Shared>,
    Extension(ctx): Extension<Ctx>,
    Query(q): Query<QueueQuery>,
) -> Response {
    let kind = q
        .kind
        .filter(|k| pages::KINDS.contains(&k.as_str()))
        .unwrap_or_else(|| "join".into());
    let c = ctx.clone();
    with_db(desk, &ctx, move |db, lookup| {
        let body = pages::queue(&c, db, lookup, &kind, q.done.as_deref())?;
        Ok(page(
            StatusCode::OK,
            layout(&c, c.t("待办", "Queue"), Nav::Queue, body),
        ))
    })
    .await
}

pub async fn request(
    State(desk): State<Shared>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
) -> Response {
    let c = ctx.clone();
    with_db(desk, &ctx, move |db, lookup| {
        Ok(match request_page(&c, db, lookup, &id, None)? {
            Some((title, body)) => page(StatusCode::OK, layout(&c, &title, Nav::Queue, body)),
            None => not_found_page(&c),
        })
    })
    .await
}

pub async fn decide(
    State(desk): State<Shared>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
    Form(form): Form<DecideForm>,
) -> Response {
    let c = ctx.clone();
    with_db(desk, &ctx, move |db, lookup| {
        let Some(held) = desk::held_one(db, &id)? else {
            return Ok(not_found_page(&c));
        };
        let awaiting = desk::awaits_decision(db, &id)?;
        let kind_decided = desk::decided_by_clerk(&held.request)
            || matches!(held.request, yizhan_core::request::Request::Report(_));
        let refused = |why: &str| -> Result<Response, String> {
            let (title, body) = request_page(&c, db, lookup, &id, Some((&form, why)))?
                .ok_or("the request went away")?;
            Ok(page(
                StatusCode::UNPROCESSABLE_ENTITY,
                layout(&c, &title, Nav::Queue, body),
            ))
        };
        if !kind_decided || !awaiting {
            return refused(c.t(
                "这个申请现在不需要你决定（可能已经决定过）。",
                "Nothing to decide here now (decided already?).",
            ));
        }
        match check(&held, &form) {
            Err((zh, en)) => refused(c.lang.pick(zh, en)),
            Ok((decision, member_no, note)) => {
                desk::decide(
                    db,
                    &id,
                    decision,
                    member_no.as_deref(),
                    note.as_deref(),
                    &desk::now_china(),
                )?;
                let to = format!("/?kind={}&done={}", held.request.kind(), id);
                Ok(Redirect::to(&to).into_response())
            }
        }
    })
    .await
}

/// A decision posted with a token this page no longer knows: nothing is recorded; the
/// request's page comes back with what was typed, to send again (see `auth::guard`).
pub async fn stale_decision(desk: Shared, ctx: Ctx, id: String, form: DecideForm) -> Response {
    let c = ctx.clone();
    with_db(desk, &ctx, move |db, lookup| {
        let why = c.t(
            "页面已过期（服务台可能重新启动过），这次没有记录：请检查后再提交一次",
            "The page was too old (the desk may have restarted); nothing was recorded: check and send again",
        );
        Ok(match request_page(&c, db, lookup, &id, Some((&form, why)))? {
            Some((title, body)) => page(StatusCode::FORBIDDEN, layout(&c, &title, Nav::Queue, body)),
            None => not_found_page(&c),
        })
    })
    .await
}

pub async fn claims(State(desk): State<Shared>, Extension(ctx): Extension<Ctx>) -> Response {
    let c = ctx.clone();
    with_db(desk, &ctx, move |db, lookup| {
        let body = publish::claims_page(&c, db, lookup)?;
        Ok(page(
            StatusCode::OK,
            layout(&c, c.t("领券情况", "Coupons"), Nav::Claims, body),
        ))
    })
    .await
}

pub async fn problems(State(desk): State<Shared>, Extension(ctx): Extension<Ctx>) -> Response {
    let c = ctx.clone();
    with_db(desk, &ctx, move |db, _| {
        let body = pages::problems_page(&c, db)?;
        Ok(page(
            StatusCode::OK,
            layout(&c, c.t("无法打开的申请", "Problems"), Nav::Problems, body),
        ))
    })
    .await
}

pub async fn publish_page(State(desk): State<Shared>, Extension(ctx): Extension<Ctx>) -> Response {
    let body = publish::publish_page(&ctx, &desk.config, None);
    page(
        StatusCode::OK,
        layout(&ctx, ctx.t("发布", "Publish"), Nav::Publish, body),
    )
}

pub async fn publish(State(desk): State<Shared>, Extension(ctx): Extension<Ctx>) -> Response {
    let c = ctx.clone();
    let config = desk.config.clone();
    with_db(desk, &ctx, move |db, _| {
        let round = publish::round(db, &config, &desk::now_china());
        let status = if round.is_ok() {
            StatusCode::OK
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        };
        let body = publish::publish_page(&c, &config, Some(publish::round_result(&c, &round)));
        Ok(page(
            status,
            layout(&c, c.t("发布", "Publish"), Nav::Publish, body),
        ))
    })
    .await
}

/// The page's one style sheet (no font, script or other file from anywhere else).
pub async fn css() -> Response {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        include_str!("desk.css"),
    )
        .into_response()
}

fn not_found_page(ctx: &Ctx) -> Response {
    pages::refusal(
        ctx.lang,
        StatusCode::NOT_FOUND,
        "没有这个申请或页面",
        "No such request or page",
    )
}

pub async fn not_found(Extension(ctx): Extension<Ctx>) -> Response {
    not_found_page(&ctx)
}
