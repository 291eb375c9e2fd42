//! `yizhan-intake serve --db intake.sqlite --listen 127.0.0.1:8787 --allow-origin ORIGIN…
//! [--require-sealed] [--desk-token-file FILE] [--keep-days 30]
//! [--header-timeout-ms 10000] [--body-timeout-ms 15000] [--max-per-address 64]
//! [--max-connections 512]`
//! (see the README's "Intake server").

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use yizhan_intake::serve::{serve, Limits};
use yizhan_intake::{app, desk::Desk, limit::Limiter, purge_every_hour, store::Store, Intake};

const USAGE: &str = "usage: yizhan-intake serve --db FILE [--listen ADDR:PORT] [--allow-origin ORIGIN]... [--burst N] [--per-minute N] [--require-sealed] [--desk-token-file FILE] [--keep-days N] [--header-timeout-ms MS] [--body-timeout-ms MS] [--max-per-address N] [--max-connections N]";

struct Options {
    db: PathBuf,
    listen: SocketAddr,
    origins: Vec<String>,
    burst: u32,
    per_minute: u32,
    require_sealed: bool,
    desk_token_file: Option<PathBuf>,
    keep_days: u32,
    limits: Limits,
}

/// A whole number of 1 or more.
fn positive(flag: &str, value: &str) -> Result<u64, String> {
    value
        .parse()
        .ok()
        .filter(|n| *n >= 1)
        .ok_or(format!("{flag} {value}: not a number (1 or more)"))
}

fn parse(args: &[String]) -> Result<Options, String> {
    if args.first().map(String::as_str) != Some("serve") {
        return Err(USAGE.into());
    }
    let mut options = Options {
        db: PathBuf::new(),
        listen: SocketAddr::from(([127, 0, 0, 1], 8787)),
        origins: Vec::new(),
        burst: 30,
        per_minute: 60,
        require_sealed: false,
        desk_token_file: None,
        keep_days: 30,
        limits: Limits::default(),
    };
    let mut rest = args[1..].iter();
    while let Some(flag) = rest.next() {
        if flag == "--require-sealed" {
            options.require_sealed = true;
            continue;
        }
        let value = rest
            .next()
            .ok_or(format!("{flag} needs a value\n{USAGE}"))?;
        match flag.as_str() {
            "--db" => options.db = PathBuf::from(value),
            "--listen" => {
                options.listen = value
                    .parse()
                    .map_err(|_| format!("--listen {value}: not ADDR:PORT"))?
            }
            "--allow-origin" => options
                .origins
                .push(value.trim_end_matches('/').to_string()),
            "--burst" => {
                options.burst = value
                    .parse()
                    .map_err(|_| format!("--burst {value}: not a number"))?
            }
            "--per-minute" => {
                options.per_minute = value
                    .parse()
                    .map_err(|_| format!("--per-minute {value}: not a number"))?
            }
            "--desk-token-file" => options.desk_token_file = Some(PathBuf::from(value)),
            "--keep-days" => {
                options.keep_days = value.parse().ok().filter(|n| *n >= 1).ok_or(format!(
                    "--keep-days {value}: not a number of days (1 or more)"
                ))?
            }
            "--header-timeout-ms" => {
                options.limits.header_timeout = Duration::from_millis(positive(flag, value)?)
            }
            "--body-timeout-ms" => {
                options.limits.body_timeout = Duration::from_millis(positive(flag, value)?)
            }
            "--max-per-address" => options.limits.max_per_address = positive(flag, value)? as usize,
            "--max-connections" => options.limits.max_connections = positive(flag, value)? as usize,
            other => return Err(format!("unknown option {other}\n{USAGE}")),
        }
    }
    if options.db.as_os_str().is_empty() {
        return Err(format!("--db is required\n{USAGE}"));
    }
    Ok(options)
}

/// Listens with a queue of 1024 connections: tokio's `TcpListener::bind` asks for
/// 128, and a burst of a few hundred phones coming back online at once overflowed it
/// (the kernel then drops or resets some of them).
fn listen(addr: SocketAddr) -> std::io::Result<tokio::net::TcpListener> {
    let socket = if addr.is_ipv4() {
        tokio::net::TcpSocket::new_v4()?
    } else {
        tokio::net::TcpSocket::new_v6()?
    };
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(1024)
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let options = match parse(&args) {
        Ok(o) => o,
        Err(message) => {
            eprintln!("{message}");
            std::process::exit(2);
        }
    };
    // Before anything else: a bad token file stops the start, with the reason (never
    // the token).
    let desk = match &options.desk_token_file {
        None => None,
        Some(path) => match Desk::from_file(path) {
            Ok(desk) => Some(desk),
            Err(why) => {
                eprintln!("{why}");
                std::process::exit(1);
            }
        },
    };
    let store = match Store::open(&options.db) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("cannot open {}: {e}", options.db.display());
            std::process::exit(1);
        }
    };
    let listener = match listen(options.listen) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("cannot listen on {}: {e}", options.listen);
            std::process::exit(1);
        }
    };
    let intake = Arc::new(Intake {
        store,
        allowed_origins: options.origins,
        limiter: Limiter::new(options.burst, options.per_minute),
        require_sealed: options.require_sealed,
        desk,
    });
    // The address actually bound (`--listen 127.0.0.1:0` lets the system pick a port;
    // the tests read it from this line).
    let bound = listener.local_addr().unwrap_or(options.listen);
    println!("yizhan-intake listening on {bound}");
    // Requests the desk never acknowledged, and tombstones, older than --keep-days:
    // deleted now and every hour.
    tokio::spawn(purge_every_hour(Arc::clone(&intake), options.keep_days));
    // Slow or stalled clients are dropped after the timeouts, and no address may
    // hold more than --max-per-address connections (see `serve`).
    serve(listener, app(intake), options.limits, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await;
}
