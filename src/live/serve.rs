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
    Ok(Bound {
        listener,
        runtime,
        addr,
    })
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
        let app = router(output, rx);
        self.runtime.block_on(async move {
            axum::serve(self.listener, app)
                .with_graceful_shutdown(async {
                    let _ = tokio::signal::ctrl_c().await;
                })
                .await
                .map_err(|e| Diagnostic::error("serve", 1, 1, format!("the server stopped: {e}")))
        })
    }
}

/// The routes: the live-reload script and events, then the site's files.
pub fn router(output: PathBuf, status: watch::Receiver<Status>) -> Router {
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
