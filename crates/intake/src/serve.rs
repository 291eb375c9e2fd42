//! The connection loop: what `axum::serve` did, with the limits a server on the open
//! internet needs so that one client cannot take it down.
//!
//! - **Headers**: a request's headers must arrive whole within `header_timeout` of the
//!   connection being ready for them: after it opens, and after each answer on a
//!   keep-alive connection (so this is also the idle keep-alive timeout). Otherwise the
//!   connection is closed without an answer (hyper's `header_read_timeout`).
//! - **Body**: the whole body must arrive within `body_timeout` of its headers; a
//!   handler reading it then gets [`BodyTimedOut`] and answers `408` (see
//!   [`timed_out`]), and the connection is closed.
//! - **Caps**: at most `max_per_address` connections open from one IP address, and
//!   `max_connections` in all. A connection over either is closed at once, before a
//!   byte is read, and counted; the counts are logged (never an address), at most once a
//!   minute: `connections refused: 12 over the per-address cap, 0 over the total cap
//!   (since start)`.
//!
//! Each request carries `ConnectInfo<SocketAddr>` (the peer), as with
//! `into_make_service_with_connect_info`.

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::Router;
use http_body::{Body as HttpBody, Frame, SizeHint};
use hyper::body::{Bytes, Incoming};
use hyper_util::rt::{TokioIo, TokioTimer};
use std::collections::HashMap;
use std::future::Future;
use std::net::IpAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};
use tokio::net::TcpListener;
use tokio::time::Sleep;
use tower_service::Service;

/// The limits of [`serve`]; `Limits::default()` is the command line's defaults.
#[derive(Clone, Debug)]
pub struct Limits {
    /// `--header-timeout-ms`: a request's headers, and the wait for the next request
    /// on a keep-alive connection.
    pub header_timeout: Duration,
    /// `--body-timeout-ms`: a whole request body, from its headers on.
    pub body_timeout: Duration,
    /// `--max-per-address`: connections open at once from one IP address.
    pub max_per_address: usize,
    /// `--max-connections`: connections open at once in all.
    pub max_connections: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(15),
            max_per_address: 64,
            max_connections: 512,
        }
    }
}

/// The error a body gives when it did not arrive in time.
#[derive(Debug)]
pub struct BodyTimedOut;

impl std::fmt::Display for BodyTimedOut {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the request body did not arrive in time")
    }
}

impl std::error::Error for BodyTimedOut {}

/// Whether reading a body failed because it did not arrive in time (`408`), rather
/// than because it was too large or broken: `axum::body::to_bytes(body, n).await`'s
/// error, whatever wraps it.
pub fn timed_out(error: &axum::Error) -> bool {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(e) = cause {
        if e.is::<BodyTimedOut>() {
            return true;
        }
        cause = e.source();
    }
    false
}

/// A request body that must end by a deadline.
pub struct Deadline<B> {
    inner: B,
    deadline: Pin<Box<Sleep>>,
    done: bool,
}

impl<B> Deadline<B> {
    pub fn new(inner: B, within: Duration) -> Deadline<B> {
        Deadline {
            inner,
            deadline: Box::pin(tokio::time::sleep(within)),
            done: false,
        }
    }
}

impl<B> HttpBody for Deadline<B>
where
    B: HttpBody<Data = Bytes> + Unpin,
    B::Error: Into<axum::BoxError>,
{
    type Data = Bytes;
    type Error = axum::BoxError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        if self.done {
            return Poll::Ready(None);
        }
        match Pin::new(&mut self.inner).poll_frame(cx) {
            Poll::Ready(None) => {
                self.done = true;
                Poll::Ready(None)
            }
            Poll::Ready(Some(frame)) => Poll::Ready(Some(frame.map_err(Into::into))),
            Poll::Pending => match self.deadline.as_mut().poll(cx) {
                Poll::Ready(()) => {
                    self.done = true;
                    Poll::Ready(Some(Err(Box::new(BodyTimedOut))))
                }
                Poll::Pending => Poll::Pending,
            },
        }
    }

    fn is_end_stream(&self) -> bool {
        self.done || self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// The open connections, per address and in all, and those refused.
struct Places {
    limits: Limits,
    open: Mutex<(HashMap<IpAddr, usize>, usize)>,
    over_address: AtomicU64,
    over_total: AtomicU64,
    logged: Mutex<Option<Instant>>,
}

/// A connection's place: given back when the connection ends.
struct Place {
    places: Arc<Places>,
    ip: IpAddr,
}

impl Drop for Place {
    fn drop(&mut self) {
        let mut open = self.places.open.lock().unwrap_or_else(|p| p.into_inner());
        let (by_address, total) = &mut *open;
        *total -= 1;
        if let Some(n) = by_address.get_mut(&self.ip) {
            *n -= 1;
            if *n == 0 {
                by_address.remove(&self.ip);
            }
        }
    }
}

impl Places {
    fn take(self: &Arc<Places>, ip: IpAddr) -> Option<Place> {
        let refused = {
            let mut open = self.open.lock().unwrap_or_else(|p| p.into_inner());
            let (by_address, total) = &mut *open;
            let here = by_address.get(&ip).copied().unwrap_or(0);
            if *total >= self.limits.max_connections {
                &self.over_total
            } else if here >= self.limits.max_per_address {
                &self.over_address
            } else {
                *total += 1;
                *by_address.entry(ip).or_insert(0) += 1;
                return Some(Place {
                    places: Arc::clone(self),
                    ip,
                });
            }
        };
        refused.fetch_add(1, Ordering::Relaxed);
        self.log_refusals();
        None
    }

    /// At most once a minute: the counts since start.
    fn log_refusals(&self) {
        let mut logged = self.logged.lock().unwrap_or_else(|p| p.into_inner());
        if logged.is_some_and(|at| at.elapsed() < Duration::from_secs(60)) {
            return;
        }
        *logged = Some(Instant::now());
        println!(
            "connections refused: {} over the per-address cap, {} over the total cap (since start)",
            self.over_address.load(Ordering::Relaxed),
            self.over_total.load(Ordering::Relaxed)
        );
    }
}

/// Serves `router` on `listener` until `shutdown` completes: then stops accepting,
/// lets each connection finish the request it is on, and returns when all are closed
/// (or after `header_timeout + body_timeout` at most).
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: Limits,
    shutdown: impl Future<Output = ()>,
) {
    let places = Arc::new(Places {
        limits: limits.clone(),
        open: Mutex::new((HashMap::new(), 0)),
        over_address: AtomicU64::new(0),
        over_total: AtomicU64::new(0),
        logged: Mutex::new(None),
    });
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout)
        .keep_alive(true);
    // Each connection task holds a receiver; `stop` tells them all, and its `closed()`
    // is when the last is gone.
    let (stop, stopped) = tokio::sync::watch::channel(false);
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of files (EMFILE) or the like: the connection waits in the
                    // queue; try again shortly rather than spin.
                    if !is_connection_error(&e) {
                        eprintln!("accept error: {e}");
                        tokio::time::sleep(Duration::from_millis(100)).await;
                    }
                    continue;
                }
            },
        };
        let Some(place) = places.take(peer.ip()) else {
            drop(stream); // closed at once
            continue;
        };
        let router = router.clone();
        let body_timeout = limits.body_timeout;
        let service = hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
            request.extensions_mut().insert(ConnectInfo(peer));
            let request = request.map(|body| Body::new(Deadline::new(body, body_timeout)));
            router.clone().call(request)
        });
        let connection = http.serve_connection(TokioIo::new(stream), service);
        let mut stopped = stopped.clone();
        tokio::spawn(async move {
            let _place = place;
            tokio::pin!(connection);
            tokio::select! {
                _ = connection.as_mut() => {}
                _ = stopped.changed() => {
                    connection.as_mut().graceful_shutdown();
                    let _ = connection.await;
                }
            }
        });
    }
    drop(listener);
    drop(stopped);
    let _ = stop.send(true);
    let _ = tokio::time::timeout(limits.header_timeout + limits.body_timeout, stop.closed()).await;
}

/// Errors of one connection, not of the listener (as `axum::serve` tells them apart).
fn is_connection_error(e: &std::io::Error) -> bool {
    matches!(
        e.kind(),
        std::io::ErrorKind::ConnectionRefused
            | std::io::ErrorKind::ConnectionAborted
            | std::io::ErrorKind::ConnectionReset
    )
}
