//! A real S3 server on loopback for the deploy tests and the deploy
//! benchmark: `s3s-fs` (an S3 implementation over a folder) behind hyper, in
//! this process, on 127.0.0.1 and a free port. In front of it sits a switch
//! that can take the server "down" after a number of writes (every request
//! then gets 503), which is how the tests interrupt a deploy, and a log of
//! the object writes in the order they arrived.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::{Arc, Mutex};

use http_body_util::BodyExt;
use hyper::body::Incoming;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use s3s::auth::SimpleAuth;
use s3s::service::S3ServiceBuilder;

/// The access key id the server accepts.
pub(crate) const KEY_ID: &str = "pressroom-test";
/// Its secret.
pub(crate) const SECRET: &str = "pressroom-test-secret";
/// The bucket the server starts with.
pub(crate) const BUCKET: &str = "press";

#[derive(Default)]
struct Switch {
    /// Object writes still allowed before the server goes down (< 0: no limit).
    writes_left: AtomicI64,
    down: AtomicBool,
    /// `PUT key`, `DELETE key`, `POST key` (multipart steps), in arrival order.
    log: Mutex<Vec<String>>,
}

/// A running server; dropping it stops it.
pub(crate) struct S3Server {
    addr: SocketAddr,
    switch: Arc<Switch>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
    root: PathBuf,
    /// The folder of a [`S3Server::temporary`] server, removed after it stops.
    temporary: Option<tempfile::TempDir>,
}

impl S3Server {
    /// Serves the folder `root` (created with the bucket folder if needed).
    pub(crate) fn start(root: &Path) -> S3Server {
        std::fs::create_dir_all(root.join(BUCKET)).unwrap();
        let fs = s3s_fs::FileSystem::new(root).unwrap();
        let mut builder = S3ServiceBuilder::new(fs);
        builder.set_auth(SimpleAuth::from_single(KEY_ID, SECRET));
        let service = builder.build();
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let addr = listener.local_addr().unwrap();
        let switch = Arc::new(Switch::default());
        switch.writes_left.store(-1, Ordering::SeqCst);
        let (stop, mut stopped) = tokio::sync::oneshot::channel::<()>();
        let shared = switch.clone();
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).unwrap();
                loop {
                    let socket = tokio::select! {
                        _ = &mut stopped => break,
                        accepted = listener.accept() => match accepted {
                            Ok((socket, _)) => socket,
                            Err(_) => continue,
                        },
                    };
                    let service = service.clone();
                    let switch = shared.clone();
                    tokio::spawn(async move {
                        let handler = hyper::service::service_fn(move |req: Request<Incoming>| {
                            let service = service.clone();
                            let switch = switch.clone();
                            async move {
                                let (parts, body) = req.into_parts();
                                let body = match body.collect().await {
                                    Ok(body) => body.to_bytes(),
                                    Err(_) => return Ok(status(StatusCode::BAD_REQUEST)),
                                };
                                if switch.refuses(&parts, &body) {
                                    return Ok(status(StatusCode::SERVICE_UNAVAILABLE));
                                }
                                let req = Request::from_parts(parts, s3s::Body::from(body));
                                service.call(req).await
                            }
                        });
                        let _ = hyper::server::conn::http1::Builder::new()
                            .serve_connection(TokioIo::new(socket), handler)
                            .await;
                    });
                }
            });
        });
        S3Server {
            addr,
            switch,
            stop: Some(stop),
            thread: Some(thread),
            root: root.to_path_buf(),
            temporary: None,
        }
    }

    /// Serves a new temporary folder.
    pub(crate) fn temporary() -> S3Server {
        let dir = tempfile::tempdir().unwrap();
        let mut server = S3Server::start(dir.path());
        server.temporary = Some(dir);
        server
    }

    /// The endpoint URL.
    pub(crate) fn endpoint(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The folder the server keeps its objects in.
    pub(crate) fn root(&self) -> &Path {
        &self.root
    }

    /// After `n` more object writes, every request is refused with 503.
    pub(crate) fn go_down_after(&self, n: i64) {
        self.switch.writes_left.store(n, Ordering::SeqCst);
    }

    /// Serves every request again.
    pub(crate) fn come_back(&self) {
        self.switch.writes_left.store(-1, Ordering::SeqCst);
        self.switch.down.store(false, Ordering::SeqCst);
    }

    /// The object writes so far, and forgets them.
    pub(crate) fn take_log(&self) -> Vec<String> {
        std::mem::take(&mut *self.switch.log.lock().unwrap())
    }
}

/// An empty response with this status.
fn status(code: StatusCode) -> Response<s3s::Body> {
    let mut response = Response::new(s3s::Body::empty());
    *response.status_mut() = code;
    response
}

impl Switch {
    /// Logs a write and says whether to refuse the request.
    fn refuses(&self, req: &hyper::http::request::Parts, body: &[u8]) -> bool {
        if self.down.load(Ordering::SeqCst) {
            return true;
        }
        let write = matches!(req.method, Method::PUT | Method::DELETE | Method::POST);
        if !write {
            return false;
        }
        let left = self.writes_left.load(Ordering::SeqCst);
        if left == 0 {
            self.down.store(true, Ordering::SeqCst);
            return true;
        }
        if left > 0 {
            self.writes_left.fetch_sub(1, Ordering::SeqCst);
        }
        // The key, without the bucket and with its percent-encoding undone
        // for the plain names pressroom writes.
        let path = req.uri.path();
        let key = path
            .trim_start_matches('/')
            .strip_prefix(BUCKET)
            .unwrap_or(path)
            .trim_start_matches('/');
        let key = percent_encoding::percent_decode_str(key).decode_utf8_lossy();
        let mut log = self.log.lock().unwrap();
        if req.method == Method::POST && req.uri.query() == Some("delete") {
            // A batch deletion names its keys in an XML body.
            let text = String::from_utf8_lossy(body);
            for part in text.split("<Key>").skip(1) {
                let key = part.split("</Key>").next().unwrap_or("");
                log.push(format!("DELETE {}", key.replace("&amp;", "&")));
            }
        } else {
            log.push(format!("{} {key}", req.method));
        }
        false
    }
}

impl Drop for S3Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
        drop(self.temporary.take());
    }
}
