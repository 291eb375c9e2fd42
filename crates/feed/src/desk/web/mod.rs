//! `desk serve`: the union desk as a web page on the clerk's computer, over the desk's
//! own SQLite file. The clerk reads the queue, decides, answers station reports, and
//! presses 发布 for a whole round (pull, claims, statuses, the next signed feed).
//!
//! One place per concern: [`config`] (the IT person's settings file), [`auth`]
//! (password, session, CSRF, the local address), [`pages`] (the queue and lists),
//! [`request`] (one request, its history and its decision form), [`forms`] (the
//! handlers), [`publish`] (the round). Native only, like the rest of this crate.

pub mod auth;
pub mod config;
pub mod forms;
pub mod pages;
pub mod publish;
pub mod request;
pub mod sign_in;

pub use super::words;
use axum::routing::{get, post};
use axum::Router;
use config::Config;
use rusqlite::Connection;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use yizhan_core::feed::{Campaign, Campaigns, Manifest, Shard, Union, Unions};

/// The desk page's state: the database (one clerk's writes at a time), the settings
/// and who may come in.
pub struct Desk {
    pub db: Mutex<Connection>,
    pub config: Config,
    pub auth: auth::Auth,
}

pub type Shared = Arc<Desk>;

/// What the pages put into words: unions by name (the unions file), campaigns by title
/// (the campaigns file), stations by name and address (the last publication's).
#[derive(Default)]
pub struct Lookup {
    pub unions: Vec<Union>,
    pub campaigns: Vec<Campaign>,
    pub stations: HashMap<String, (String, Option<String>)>,
}

fn read_json<T: serde::de::DeserializeOwned>(path: &std::path::Path) -> Option<T> {
    serde_json::from_slice(&std::fs::read(path).ok()?).ok()
}

impl Lookup {
    /// Reads what the settings name; a file missing or unreadable leaves its part
    /// empty (the page then shows ids, never fails).
    pub fn load(config: &Config) -> Lookup {
        let mut lookup = Lookup::default();
        if let Some(u) = config
            .get("unions")
            .and_then(|p| read_json::<Unions>(p.as_ref()))
        {
            lookup.unions = u.unions;
        }
        if let Some(c) = config
            .get("campaigns")
            .and_then(|p| read_json::<Campaigns>(p.as_ref()))
        {
            lookup.campaigns = c.campaigns;
        }
        if let Some(dir) = config.get("publication").map(std::path::Path::new) {
            if let Some(manifest) = read_json::<Manifest>(&dir.join("manifest.json")) {
                for region in manifest.regions {
                    if let Some(shard) = read_json::<Shard>(&dir.join(&region.path)) {
                        for s in shard.stations {
                            lookup.stations.insert(s.id, (s.name, s.address));
                        }
                    }
                }
            }
        }
        lookup
    }

    /// A union's name, or its id when the unions file does not list it.
    pub fn union_name(&self, id: &str) -> String {
        self.unions
            .iter()
            .find(|u| u.id == id)
            .map_or(id.to_string(), |u| u.name.clone())
    }

    pub fn campaign_title(&self, id: &str) -> String {
        self.campaigns
            .iter()
            .find(|c| c.id == id)
            .map_or(id.to_string(), |c| c.title.clone())
    }

    /// A station's name and address.
    pub fn station(&self, id: &str) -> Option<&(String, Option<String>)> {
        self.stations.get(id)
    }
}

/// The desk page's routes, every one behind [`auth::guard`].
pub fn router(desk: Shared) -> Router {
    Router::new()
        .route("/", get(forms::queue))
        .route("/requests/{id}", get(forms::request))
        .route("/requests/{id}/decide", post(forms::decide))
        .route("/claims", get(forms::claims))
        .route("/problems", get(forms::problems))
        .route("/publish", get(forms::publish_page).post(forms::publish))
        .route("/login", get(sign_in::login_page).post(sign_in::login))
        .route("/logout", post(sign_in::logout))
        .route("/desk.css", get(forms::css))
        // No icon: an empty answer rather than a 404 in the browser's console.
        .route(
            "/favicon.ico",
            get(|| async { axum::http::StatusCode::NO_CONTENT }),
        )
        .fallback(forms::not_found)
        .layer(axum::middleware::from_fn_with_state(
            desk.clone(),
            auth::guard,
        ))
        .with_state(desk)
}

/// Whether `addr` is reached from this computer only.
pub fn is_local(addr: &SocketAddr) -> bool {
    addr.ip().is_loopback()
}

/// The `Host` values a page without a password answers on `addr` (loopback).
pub fn local_hosts(addr: &SocketAddr) -> Vec<String> {
    let port = addr.port();
    vec![
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        format!("[::1]:{port}"),
    ]
}

/// `yizhan-feed desk serve …` and `desk password …` (see the CLI's help).
pub fn command(action: &str, opts: &HashMap<String, String>) -> Result<(), String> {
    match action {
        "password" => password_command(opts),
        _ => serve_command(opts),
    }
}

fn password_command(opts: &HashMap<String, String>) -> Result<(), String> {
    let out = opts
        .get("out")
        .ok_or("--out is required (the password file, e.g. desk.password)")?;
    let mut line = String::new();
    eprintln!("输入服务台密码（至少 10 个字符），回车结束 / type the desk's password (10 characters or more), then Enter:");
    std::io::stdin()
        .read_line(&mut line)
        .map_err(|e| e.to_string())?;
    let password = line.trim_end_matches(['\r', '\n']);
    if password.chars().count() < 10 {
        return Err("密码太短：至少 10 个字符 (the password needs 10 characters or more)".into());
    }
    let hash = auth::hash_password(password)?;
    crate::desk::write_private(out, format!("{hash}\n").as_bytes())?;
    println!(
        "wrote {out}: the password's argon2 hash (give it to `desk serve --password-file {out}`)"
    );
    Ok(())
}

fn serve_command(opts: &HashMap<String, String>) -> Result<(), String> {
    let mut config = match opts.get("config") {
        Some(path) => {
            let text =
                std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))?;
            Config::parse(path, &text)?
        }
        None => Config::default(),
    };
    for (flag, name) in [
        ("db", "db"),
        ("listen", "listen"),
        ("password-file", "password_file"),
    ] {
        if let Some(v) = opts.get(flag) {
            config.set_given(name, v);
        }
    }
    let db_path = config.need("db")?.to_string();
    let listen = config.get("listen").unwrap_or("127.0.0.1:8790").to_string();
    let addr: SocketAddr = listen
        .parse()
        .map_err(|_| format!("--listen {listen}: not an address such as 127.0.0.1:8790"))?;
    let password = match config.get("password_file") {
        Some(path) => {
            let hash = std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read {path}: {e}"))?
                .trim()
                .to_string();
            argon2::password_hash::PasswordHash::new(&hash).map_err(|_| {
                format!("{path} does not hold a password hash: write it with `yizhan-feed desk password --out {path}`")
            })?;
            Some(hash)
        }
        None if !is_local(&addr) => {
            return Err(format!(
                "拒绝在 {addr} 上无密码运行：其他电脑能访问这个地址。请先 `yizhan-feed desk password --out desk.password`，再加 --password-file desk.password \
                 (refusing to serve {addr} without a password: other computers reach it)"
            ))
        }
        None => None,
    };
    let db = crate::desk::open_or_create(&db_path)?;
    let runtime = tokio::runtime::Runtime::new().map_err(|e| e.to_string())?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
        let bound = listener.local_addr().map_err(|e| e.to_string())?;
        let hosts = if password.is_none() {
            local_hosts(&bound)
        } else {
            Vec::new()
        };
        let desk = Arc::new(Desk {
            db: Mutex::new(db),
            config,
            auth: auth::Auth::new(password, hosts)?,
        });
        println!("desk page listening on http://{bound}/ (open it in a browser; Ctrl-C stops it)");
        axum::serve(
            listener,
            router(desk).into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(async {
            // Ctrl-C stops the page; a system that cannot deliver it leaves the page
            // running until the process is ended, as before.
            if tokio::signal::ctrl_c().await.is_err() {
                std::future::pending::<()>().await;
            }
        })
        .await
        .map_err(|e| e.to_string())
    })
}
