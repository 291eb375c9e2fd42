//! Signing in and out of the desk page: the password form, its check (off the async
//! threads: argon2 is slow on purpose) with the per-address limit, and the session
//! cookie, all through `auth`. Apart from `forms` so that `auth`'s guard may show a
//! stale decision's form again without `forms` and `auth` using each other.

use super::auth;
use super::pages::{self, layout, page, Ctx, Nav};
use super::Shared;
use axum::extract::{FromRequest, Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use maud::html;
use serde::Deserialize;

fn login_form(ctx: &Ctx, error: Option<&str>) -> maud::Markup {
    html! {
        form.login method="post" action="/login" {
            (pages::csrf(ctx))
            @if let Some(e) = error { p.error role="alert" { (e) } }
            label for="password" { (ctx.t("密码", "Password")) }
            input #password type="password" name="password" autocomplete="current-password" required autofocus;
            button.primary type="submit" { (ctx.t("登录", "Sign in")) }
        }
    }
}

pub async fn login_page(Extension(ctx): Extension<Ctx>) -> Response {
    if ctx.signed_in {
        return Redirect::to("/").into_response();
    }
    page(
        StatusCode::OK,
        layout(
            &ctx,
            ctx.t("登录", "Sign in"),
            Nav::None,
            login_form(&ctx, None),
        ),
    )
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    password: String,
}

pub async fn login(
    State(desk): State<Shared>,
    Extension(ctx): Extension<Ctx>,
    request: Request,
) -> Response {
    let address = auth::address(&request);
    let Some(hash) = desk.auth.password.clone() else {
        return Redirect::to("/").into_response();
    };
    if let Err(wait) = desk.auth.may_try(address) {
        let mut response = page(
            StatusCode::TOO_MANY_REQUESTS,
            layout(
                &ctx,
                ctx.t("登录", "Sign in"),
                Nav::None,
                html! {
                    p.error role="alert" { (ctx.t("密码错误次数太多，请过一会儿再试（分钟）：", "Too many wrong passwords; try again in (minutes): ")) (wait.div_ceil(60)) }
                },
            ),
        );
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, wait.into());
        return response;
    }
    let Ok(Form(form)) = Form::<LoginForm>::from_request(request, &()).await else {
        return pages::refusal(
            ctx.lang,
            StatusCode::BAD_REQUEST,
            "表单不完整",
            "The form is incomplete",
        );
    };
    let ok = tokio::task::spawn_blocking(move || auth::password_matches(&hash, &form.password))
        .await
        .unwrap_or(false);
    if ok {
        return match desk.auth.sign_in() {
            Some(session) => auth::signed_in_response(&session),
            None => pages::refusal(
                ctx.lang,
                StatusCode::INTERNAL_SERVER_ERROR,
                "出错了",
                "Something went wrong",
            ),
        };
    }
    desk.auth.failed(address);
    page(
        StatusCode::UNAUTHORIZED,
        layout(
            &ctx,
            ctx.t("登录", "Sign in"),
            Nav::None,
            login_form(&ctx, Some(ctx.t("密码不对", "Wrong password"))),
        ),
    )
}

pub async fn logout(State(desk): State<Shared>, request: Request) -> Response {
    desk.auth
        .sign_out(auth::session_cookie(&request).as_deref());
    Redirect::to("/login").into_response()
}
