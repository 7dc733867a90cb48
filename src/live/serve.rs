//! `pressroom serve`: the watch loop plus a local web server with live reload.
//!
//! The output is written to disk as by `watch` (by default into a temporary
//! folder, so that `public/` never receives pages made for a local address)
//! and served from there by tower-http's static file service, which refuses
//! paths that leave the folder. HTML responses get a small script that listens
//! for Server-Sent Events: after a good rebuild the page reloads (or, when only
//! stylesheets changed, swaps them); after a failed one it shows the errors
//! over the last good page until the next good build clears them. The script
//! is added on the way out, never to the files, so `build` output stays clean.
//!
//! The server previews drafts and embargoed releases, so it answers only
//! requests whose `Host` names it: a loopback name or address, or the address
//! it is bound to. A web page on another site that rebinds its own domain to
//! 127.0.0.1 (DNS rebinding) sends its own domain as `Host` and is refused.
//! SIGINT, SIGTERM and SIGHUP stop it the same graceful way, so the caller
//! can remove its temporary folder.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::PathBuf;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderValue, Response, StatusCode, header};
use axum::response::IntoResponse;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::routing::get;
use http_body_util::BodyExt;
use tokio::sync::watch;
use tokio_stream::StreamExt;
use tokio_stream::wrappers::WatchStream;
use tower_http::services::{ServeDir, ServeFile};

use crate::diagnostics::Diagnostic;
use crate::live::session::Session;
use crate::live::watch::Pass;

/// Where the live-reload script and its event stream are served.
pub const LIVE_PREFIX: &str = "/__pressroom";

const LIVE_JS: &str = include_str!("live.js");

/// What browsers are told after each rebuild.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    /// Increases with every good rebuild.
    pub generation: u64,
    /// Whether the last good rebuild changed only stylesheets.
    pub css_only: bool,
    /// The errors of the last rebuild, if it failed.
    pub errors: Option<String>,
}

/// How to serve.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The address to listen on (loopback unless asked otherwise).
    pub addr: SocketAddr,
    /// The folder to write the site into; a temporary one if `None`.
    pub output: Option<PathBuf>,
}

/// A bound server, before it runs: its address is known, so the site can be
/// built for it.
pub struct Bound {
    listener: tokio::net::TcpListener,
    runtime: tokio::runtime::Runtime,
    /// Registered at bind time, so that a signal during the first build is
    /// kept for the server rather than killing the process outright.
    stop: [tokio::signal::unix::Signal; 3],
    /// The address actually bound (with the port chosen if 0 was asked).
    pub addr: SocketAddr,
}

/// Binds the listening socket.
pub fn bind(addr: SocketAddr) -> Result<Bound, Diagnostic> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Diagnostic::error("serve", 1, 1, format!("cannot start the server: {e}")))?;
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind(addr))
        .map_err(|e| {
            Diagnostic::error("serve", 1, 1, format!("cannot listen on {addr}: {e}"))
                .with_help("choose another port with --port, or stop the program using this one")
        })?;
    let addr = listener.local_addr().map_err(|e| {
        Diagnostic::error("serve", 1, 1, format!("cannot read the bound address: {e}"))
    })?;
    use tokio::signal::unix::{SignalKind, signal};
    let stop = runtime
        .block_on(async {
            Ok::<_, std::io::Error>([
                signal(SignalKind::interrupt())?,
                signal(SignalKind::terminate())?,
                signal(SignalKind::hangup())?,
            ])
        })
        .map_err(|e| Diagnostic::error("serve", 1, 1, format!("cannot listen for signals: {e}")))?;
    Ok(Bound {
        listener,
        runtime,
        stop,
        addr,
    })
}

/// The warning to show when `addr` is reachable from other machines.
pub fn exposure_warning(addr: SocketAddr) -> Option<String> {
    (!addr.ip().is_loopback()).then(|| {
        format!(
            "warning: listening on {addr}, which other machines on the network can reach: they can read drafts and embargoed releases if you serve them\n  help: leave out --bind to listen on 127.0.0.1 (this machine only)"
        )
    })
}

/// Whether a request's `Host` header names this server: a loopback name or
/// address, or the bound address (any address literal when bound to all
/// interfaces; a rebinding attack needs a domain name).
pub fn host_allowed(host: Option<&str>, addr: SocketAddr) -> bool {
    let Some(host) = host else {
        return false;
    };
    // `[::1]:8000`, `127.0.0.1:8000`, `localhost`.
    let name = match host.strip_prefix('[') {
        Some(rest) => rest.split(']').next().unwrap_or(""),
        None => host.rsplit_once(':').map_or(host, |(name, _)| name),
    };
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    if name == "localhost" || name.ends_with(".localhost") {
        return true;
    }
    match name.parse::<std::net::IpAddr>() {
        Ok(ip) => ip.is_loopback() || ip == addr.ip() || addr.ip().is_unspecified(),
        Err(_) => false,
    }
}

/// The base URL pages get when served from `addr`.
pub fn local_base_url(addr: SocketAddr) -> String {
    if addr.ip().is_unspecified() {
        format!("http://localhost:{}/", addr.port())
    } else {
        format!("http://{addr}/")
    }
}

impl Bound {
    /// Runs the watch loop on its own thread and serves `output` until Ctrl-C.
    /// `on_pass` sees every rebuild (to print it).
    pub fn run(
        self,
        session: Session,
        output: PathBuf,
        mut on_pass: impl FnMut(&Pass) + Send + 'static,
    ) -> Result<(), Diagnostic> {
        let (tx, rx) = watch::channel(Status {
            generation: 0,
            css_only: false,
            errors: None,
        });
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut ready = Some(ready_tx);
            let result = crate::live::watch::run(session, |pass| {
                on_pass(pass);
                tx.send_modify(|status| match &pass.result {
                    Ok(_) => {
                        status.generation += 1;
                        status.css_only = pass.css_only();
                        status.errors = None;
                    }
                    Err(e) => {
                        let text: Vec<String> =
                            e.sorted().iter().map(ToString::to_string).collect();
                        status.errors = Some(text.join("\n\n"));
                    }
                });
                if let Some(ready) = ready.take() {
                    let _ = ready.send(None);
                }
                true
            });
            if let (Err(e), Some(ready)) = (result, ready.take()) {
                let _ = ready.send(Some(e));
            }
        });
        // Serve only once the first build has written something to serve.
        if let Ok(Some(e)) = ready_rx.recv() {
            return Err(e);
        }
        let app = router(output, rx, self.addr);
        let [mut interrupt, mut terminate, mut hangup] = self.stop;
        self.runtime.block_on(async move {
            axum::serve(self.listener, app)
                .with_graceful_shutdown(async move {
                    tokio::select! {
                        _ = interrupt.recv() => {}
                        _ = terminate.recv() => {}
                        _ = hangup.recv() => {}
                    }
                })
                .await
                .map_err(|e| Diagnostic::error("serve", 1, 1, format!("the server stopped: {e}")))
        })
    }
}

/// The routes: the live-reload script and events, then the site's files,
/// for requests whose `Host` names the server bound at `addr`.
pub fn router(output: PathBuf, status: watch::Receiver<Status>, addr: SocketAddr) -> Router {
    let not_found = ServeFile::new(output.join("404.html"));
    let files = ServeDir::new(&output)
        .append_index_html_on_directories(true)
        .not_found_service(not_found);
    Router::new()
        .route(
            &format!("{LIVE_PREFIX}/live.js"),
            get(|| async {
                (
                    [
                        (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
                        (header::CACHE_CONTROL, "no-store"),
                    ],
                    LIVE_JS,
                )
            }),
        )
        .route(
            &format!("{LIVE_PREFIX}/events"),
            get(move || events(status.clone())),
        )
        .fallback_service(files)
        .layer(axum::middleware::map_response(inject))
        .layer(axum::middleware::from_fn(
            move |request: axum::extract::Request, next: axum::middleware::Next| async move {
                let host = request
                    .headers()
                    .get(header::HOST)
                    .and_then(|h| h.to_str().ok());
                if host_allowed(host, addr) {
                    next.run(request).await
                } else {
                    (
                        StatusCode::MISDIRECTED_REQUEST,
                        "pressroom serve answers only requests addressed to localhost or to the address it listens on\n",
                    )
                        .into_response()
                }
            },
        ))
}

async fn events(
    status: watch::Receiver<Status>,
) -> Sse<impl tokio_stream::Stream<Item = Result<Event, Infallible>>> {
    let first_generation = status.borrow().generation;
    // Browsers drop events without data, so each one carries the generation.
    let stream = WatchStream::new(status).map(move |s| {
        let generation = s.generation.to_string();
        let (name, data) = match &s.errors {
            Some(text) => ("failed", text.clone()),
            None if s.generation == first_generation => ("ok", generation),
            None if s.css_only => ("css", generation),
            None => ("reload", generation),
        };
        Ok(Event::default().event(name).data(data))
    });
    Sse::new(stream).keep_alive(KeepAlive::default())
}

/// Adds the live-reload script to HTML responses; every page is served
/// uncached so that a reload always shows the latest build.
async fn inject(response: Response<Body>) -> Response<Body> {
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    let (mut parts, body) = response.into_parts();
    parts
        .headers
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if !is_html {
        return Response::from_parts(parts, body);
    }
    let Ok(collected) = body.collect().await else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "cannot read the page").into_response();
    };
    let html = collected.to_bytes();
    let html = add_script(&html);
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.remove(header::ETAG);
    parts.headers.remove(header::LAST_MODIFIED);
    Response::from_parts(parts, Body::from(html))
}

/// `html` with the script tag before its last `</body>` (or at the end).
fn add_script(html: &[u8]) -> Vec<u8> {
    let tag = format!("<script src=\"{LIVE_PREFIX}/live.js\"></script>\n");
    let at = html
        .windows(7)
        .rposition(|w| w.eq_ignore_ascii_case(b"</body>"))
        .unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + tag.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(tag.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_script_goes_before_the_closing_body() {
        let out = add_script(b"<html><body><p>x</p></body></html>");
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.ends_with("live.js\"></script>\n</body></html>"),
            "{text}"
        );
        let bare = String::from_utf8(add_script(b"<p>x</p>")).unwrap();
        assert!(bare.starts_with("<p>x</p><script"));
    }

    #[test]
    fn only_hosts_that_name_the_server_are_answered() {
        let local: SocketAddr = "127.0.0.1:1111".parse().unwrap();
        for ok in [
            "localhost",
            "localhost:1111",
            "LOCALHOST.",
            "127.0.0.1:1111",
            "[::1]:1111",
            "app.localhost",
        ] {
            assert!(host_allowed(Some(ok), local), "{ok}");
        }
        for bad in [
            "evil.example",
            "evil.example:1111",
            "127.0.0.1.evil.example",
            "10.0.0.5:1111",
            "localhost.evil.example",
            "",
        ] {
            assert!(!host_allowed(Some(bad), local), "{bad}");
        }
        assert!(!host_allowed(None, local));
        let lan: SocketAddr = "192.168.1.20:1111".parse().unwrap();
        assert!(host_allowed(Some("192.168.1.20:1111"), lan));
        assert!(!host_allowed(Some("10.0.0.5"), lan));
        let all: SocketAddr = "0.0.0.0:1111".parse().unwrap();
        assert!(host_allowed(Some("10.0.0.5:1111"), all));
        assert!(!host_allowed(Some("rebind.evil.example:1111"), all));
        assert!(exposure_warning(all).is_some());
        assert!(exposure_warning(local).is_none());
    }

    #[test]
    fn unspecified_addresses_are_shown_as_localhost() {
        assert_eq!(
            local_base_url("0.0.0.0:1111".parse().unwrap()),
            "http://localhost:1111/"
        );
        assert_eq!(
            local_base_url("127.0.0.1:8000".parse().unwrap()),
            "http://127.0.0.1:8000/"
        );
    }
}
