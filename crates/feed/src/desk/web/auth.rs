//! Who may use the desk page, and that every form posted came from it.
//!
//! - On a local address (127.0.0.1, ::1) the page may run without a password: only
//!   this computer reaches it. Its `Host` must then name the loopback address, so a web
//!   page elsewhere cannot reach it through DNS rebinding.
//! - On any other address it needs a password: an argon2 hash (PHC string) in
//!   `--password-file`, written by `desk password`. Signing in gives a session cookie
//!   (HttpOnly, SameSite=Strict); wrong passwords are limited per address and in all.
//! - Every POST carries a CSRF token (the session's; without a password, the
//!   server's, drawn at start), checked here before any handler runs, and an `Origin`
//!   that, when the browser sends one, names this server.

use super::pages::{self, Ctx};
use super::Shared;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use axum::body::{to_bytes, Body};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long a session lasts without use.
const IDLE: Duration = Duration::from_secs(8 * 3600);
/// Wrong passwords: at most `PER_ADDRESS` from one address and `IN_ALL` from all within
/// `WINDOW`, then refused until the oldest leaves the window.
const WINDOW: Duration = Duration::from_secs(15 * 60);
const PER_ADDRESS: usize = 5;
const IN_ALL: usize = 30;
/// The largest form the page posts (a note of a few thousand characters).
const MAX_FORM: usize = 64 * 1024;

const SESSION: &str = "desk_session";
const PRE: &str = "desk_pre";
const LANG: &str = "desk_lang";

/// The page's access state.
pub struct Auth {
    /// The argon2 PHC string; `None`: no password (a local address only).
    pub password: Option<String>,
    /// The CSRF token of the forms when there is no password.
    server_token: String,
    /// Session token → (its CSRF token, last use).
    sessions: Mutex<HashMap<String, (String, Instant)>>,
    /// When each wrong password came, by address.
    failures: Mutex<Vec<(IpAddr, Instant)>>,
    /// The `Host` values a page without a password answers (its loopback address).
    pub local_hosts: Vec<String>,
}

/// 32 random bytes as hex; `None` if the system gives no randomness (then no token
/// is made at all: a guessable one would be worse).
pub fn token() -> Option<String> {
    let mut bytes = [0u8; 32];
    getrandom::getrandom(&mut bytes).ok()?;
    Some(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// The argon2id hash (PHC string) of `password`, with a random salt: what `desk
/// password` writes.
pub fn hash_password(password: &str) -> Result<String, String> {
    let mut salt = [0u8; 16];
    getrandom::getrandom(&mut salt).map_err(|e| e.to_string())?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| e.to_string())?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| e.to_string())
}

/// Whether `password` matches the PHC string `hash`.
pub fn password_matches(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Equal strings, compared in time that does not depend on where they differ.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

fn cookie<'a>(request: &'a Request, name: &str) -> Option<&'a str> {
    request
        .headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v)
}

fn set_cookie(response: &mut Response, name: &str, value: &str, max_age: Option<u64>) {
    let age = max_age.map_or(String::new(), |s| format!("; Max-Age={s}"));
    if let Ok(v) = HeaderValue::from_str(&format!(
        "{name}={value}; Path=/; HttpOnly; SameSite=Strict{age}"
    )) {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
}

impl Auth {
    pub fn new(password: Option<String>, local_hosts: Vec<String>) -> Result<Auth, String> {
        Ok(Auth {
            password,
            server_token: token().ok_or("the system gave no random bytes")?,
            sessions: Mutex::new(HashMap::new()),
            failures: Mutex::new(Vec::new()),
            local_hosts,
        })
    }

    /// The session's CSRF token, when `token` names a live session (its use renewed).
    fn session(&self, token: &str) -> Option<String> {
        let mut sessions = self.sessions.lock().ok()?;
        sessions.retain(|_, (_, used)| used.elapsed() < IDLE);
        let (csrf, used) = sessions.get_mut(token)?;
        *used = Instant::now();
        Some(csrf.clone())
    }

    /// A new session's token (its CSRF token kept with it); `None` without randomness.
    pub fn sign_in(&self) -> Option<String> {
        let (session, csrf) = (token()?, token()?);
        self.sessions
            .lock()
            .ok()?
            .insert(session.clone(), (csrf, Instant::now()));
        Some(session)
    }

    pub fn sign_out(&self, request_cookie: Option<&str>) {
        if let (Some(t), Ok(mut s)) = (request_cookie, self.sessions.lock()) {
            s.remove(t);
        }
    }

    /// `Err(seconds to wait)` when `address` may not try a password now.
    pub fn may_try(&self, address: IpAddr) -> Result<(), u64> {
        let Ok(mut failures) = self.failures.lock() else {
            return Err(WINDOW.as_secs());
        };
        failures.retain(|(_, at)| at.elapsed() < WINDOW);
        let mine: Vec<&Instant> = failures
            .iter()
            .filter(|(a, _)| *a == address)
            .map(|(_, at)| at)
            .collect();
        let oldest = |list: &[&Instant]| {
            list.iter()
                .map(|at| WINDOW.saturating_sub(at.elapsed()).as_secs() + 1)
                .min()
                .unwrap_or(1)
        };
        if mine.len() >= PER_ADDRESS {
            return Err(oldest(&mine));
        }
        if failures.len() >= IN_ALL {
            let all: Vec<&Instant> = failures.iter().map(|(_, at)| at).collect();
            return Err(oldest(&all));
        }
        Ok(())
    }

    pub fn failed(&self, address: IpAddr) {
        if let Ok(mut f) = self.failures.lock() {
            f.push((address, Instant::now()));
        }
    }
}

/// The address a request came from (`0.0.0.0` in tests without a socket).
pub fn address(request: &Request) -> IpAddr {
    request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::from([0, 0, 0, 0]), |c| c.0.ip())
}

/// The form field `name` of an urlencoded body.
fn form_field(body: &[u8], name: &str) -> Option<String> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(body).ok()?;
    pairs.into_iter().find(|(n, _)| n == name).map(|(_, v)| v)
}

/// Runs before every handler: the `Host` of a page without a password, the session
/// (or the sign-in page), the CSRF token and `Origin` of every POST; puts the page's
/// [`Ctx`] in the request, and the security headers on the answer.
pub async fn guard(State(desk): State<Shared>, mut request: Request, next: Next) -> Response {
    let auth = &desk.auth;
    let query_lang = request.uri().query().and_then(|q| {
        q.split('&')
            .find_map(|p| p.strip_prefix("lang="))
            .map(str::to_string)
    });
    let lang = super::words::Lang::from_code(
        query_lang
            .as_deref()
            .or_else(|| cookie(&request, LANG))
            .unwrap_or("zh"),
    );
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("")
        .to_string();
    if auth.password.is_none() && !auth.local_hosts.contains(&host) {
        return pages::refusal(
            lang,
            StatusCode::MISDIRECTED_REQUEST,
            "请用本机地址打开服务台",
            "Open the desk at this computer's own address",
        );
    }
    let path = request.uri().path().to_string();
    let open_path = ["/login", "/desk.css", "/favicon.ico"].contains(&path.as_str());
    let mut new_pre = None;
    let (csrf, signed_in) = match &auth.password {
        None => (auth.server_token.clone(), false),
        Some(_) => match cookie(&request, SESSION).and_then(|t| auth.session(t)) {
            Some(csrf) => (csrf, true),
            None if open_path => match cookie(&request, PRE) {
                Some(pre) if pre.len() == 64 => (pre.to_string(), false),
                _ => {
                    let Some(pre) = token() else {
                        return pages::refusal(
                            lang,
                            StatusCode::INTERNAL_SERVER_ERROR,
                            "出错了",
                            "Something went wrong",
                        );
                    };
                    new_pre = Some(pre.clone());
                    (pre, false)
                }
            },
            None => return Redirect::to("/login").into_response(),
        },
    };
    if request.method() == Method::POST {
        let origin_ok = match request.headers().get(header::ORIGIN) {
            None => true,
            Some(o) => o.to_str().is_ok_and(|o| {
                o.split_once("://")
                    .is_some_and(|(_, rest)| rest.trim_end_matches('/') == host)
            }),
        };
        let (parts, body) = request.into_parts();
        let Ok(bytes) = to_bytes(body, MAX_FORM).await else {
            return pages::refusal(
                lang,
                StatusCode::PAYLOAD_TOO_LARGE,
                "填写的内容太长",
                "What was filled in is too long",
            );
        };
        let token_ok = form_field(&bytes, "csrf").is_some_and(|t| same(&t, &csrf));
        // A decision typed on a page older than the server's token (the desk page was
        // restarted meanwhile) is shown again, nothing recorded, with what was typed and
        // this page's token, to send once more: what the clerk typed is never lost. A
        // form from another site gets the same: it can neither record nor read it.
        let decide_id = parts
            .uri
            .path()
            .strip_prefix("/requests/")
            .and_then(|rest| rest.strip_suffix("/decide"))
            .map(str::to_string);
        if let (Some(id), true, false) = (decide_id, origin_ok, token_ok) {
            let ctx = Ctx {
                lang,
                csrf: csrf.clone(),
                signed_in,
            };
            let form = serde_urlencoded::from_bytes(&bytes).unwrap_or_default();
            return super::forms::stale_decision(desk.clone(), ctx, id, form).await;
        }
        if !origin_ok || !token_ok {
            return pages::refusal(
                lang,
                StatusCode::FORBIDDEN,
                "这个表单不是从本服务台的页面提交的，或页面已过期：请返回，刷新后再提交",
                "This form did not come from this desk's page, or the page is too old: go back, reload it and send again",
            );
        }
        request = Request::from_parts(parts, Body::from(bytes));
    }
    request.extensions_mut().insert(Ctx {
        lang,
        csrf,
        signed_in,
    });
    let mut response = next.run(request).await;
    if let Some(pre) = new_pre {
        set_cookie(&mut response, PRE, &pre, None);
    }
    if query_lang.is_some() {
        set_cookie(
            &mut response,
            LANG,
            if lang == super::words::Lang::En {
                "en"
            } else {
                "zh"
            },
            Some(365 * 86400),
        );
    }
    let headers = response.headers_mut();
    for (name, value) in [
        (
            "content-security-policy",
            "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; \
             frame-ancestors 'none'; base-uri 'none'",
        ),
        ("x-content-type-options", "nosniff"),
        // Not `no-referrer`: with it the browser sends `Origin: null` on the page's own
        // forms, which the check above refuses. Nothing leaves for another site.
        ("referrer-policy", "same-origin"),
        // Pages with names and ID numbers: never kept by the browser or a proxy.
        ("cache-control", "no-store"),
        ("x-frame-options", "DENY"),
    ] {
        headers.insert(name, HeaderValue::from_static(value));
    }
    response
}

/// The session cookie set after signing in, and the pre-session cookie cleared.
pub fn signed_in_response(session: &str) -> Response {
    let mut response = Redirect::to("/").into_response();
    *response.status_mut() = StatusCode::SEE_OTHER;
    set_cookie(&mut response, SESSION, session, None);
    set_cookie(&mut response, PRE, "", Some(0));
    response
}

/// The session's cookie value of a request, to sign it out.
pub fn session_cookie(request: &Request) -> Option<String> {
    cookie(request, SESSION).map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_hash_matches_its_password_only_and_wrong_ones_are_limited() {
        let hash = hash_password("工会 2026").unwrap();
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        assert!(password_matches(&hash, "工会 2026"));
        assert!(!password_matches(&hash, "工会 2027"));
        assert!(!password_matches("not a hash", "x"));
        let auth = Auth::new(Some(hash), vec![]).unwrap();
        let a = IpAddr::from([10, 0, 0, 7]);
        for _ in 0..PER_ADDRESS {
            assert!(auth.may_try(a).is_ok());
            auth.failed(a);
        }
        let wait = auth.may_try(a).unwrap_err();
        assert!(wait > 0 && wait <= WINDOW.as_secs() + 1);
        assert!(
            auth.may_try(IpAddr::from([10, 0, 0, 8])).is_ok(),
            "others may"
        );
        assert!(same("abc", "abc") && !same("abc", "abd") && !same("abc", "ab"));
    }
}
