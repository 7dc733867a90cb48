//! `pressroom watch` and `pressroom serve` as processes: they rebuild after
//! edits, survive mistakes, and serve only what they should.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use crate::util::Site;

/// How long to wait for an expected line before calling the test failed.
const PATIENCE: Duration = Duration::from_secs(60);

/// A running `pressroom` process whose output lines (stdout and stderr) are
/// collected as they come.
struct Running {
    child: Child,
    lines: Receiver<String>,
    seen: Vec<String>,
}

impl Running {
    fn start(site: &Site, args: &[&str]) -> Running {
        Running::start_with_env(site, args, &[])
    }

    fn start_with_env(site: &Site, args: &[&str], env: &[(&str, &Path)]) -> Running {
        // One pipe for both streams keeps an error and the line that follows
        // it in the order they were printed.
        let (reader, writer) = std::io::pipe().unwrap();
        let child = Command::new(assert_cmd::cargo::cargo_bin("pressroom"))
            .args(args)
            .arg("--root")
            .arg(site.root())
            .envs(env.iter().copied())
            .stdout(Stdio::from(writer.try_clone().unwrap()))
            .stderr(Stdio::from(writer))
            .spawn()
            .unwrap();
        let (tx, lines) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(reader).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Running {
            child,
            lines,
            seen: Vec::new(),
        }
    }

    /// Waits for a line containing `needle` and returns it.
    fn wait_for(&mut self, needle: &str) -> String {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    self.seen.push(line.clone());
                    if line.contains(needle) {
                        return line;
                    }
                }
                Err(_) => panic!("no line with {needle:?}; saw:\n{}", self.seen.join("\n")),
            }
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn edit(site: &Site, rel: &str, from: &str, to: &str) {
    let text = std::fs::read_to_string(site.root().join(rel)).unwrap();
    assert!(text.contains(from), "{rel} has no {from:?}");
    site.write(rel, text.replacen(from, to, 1));
}

#[test]
fn watch_rebuilds_after_edits_and_survives_mistakes() {
    let site = Site::fixture("basic");
    let mut watch = Running::start(&site, &["watch"]);
    watch.wait_for("build: ");
    let page = "en/releases/2015/forum/index.html";
    assert!(site.read(page).contains("ASTANA forum"));

    let rel = "content/releases/2015/forum.en.md";
    edit(&site, rel, "ASTANA forum text", "ASTANA forum text, saved");
    let line = watch.wait_for("changed content/releases/2015/forum.en.md");
    assert!(line.contains(" rendered, "), "{line}");
    assert!(site.read(page).contains("ASTANA forum text, saved"));

    // A mistake is reported with its place, and the loop goes on.
    edit(&site, rel, "tags: [probation", "tags: [probaton");
    let error = watch.wait_for("is not in the tag registry");
    assert!(
        error.starts_with("content/releases/2015/forum.en.md:5:"),
        "{error}"
    );
    watch.wait_for("the output was left as it was");
    assert!(site.read(page).contains("ASTANA forum text, saved"));

    edit(&site, rel, "tags: [probaton", "tags: [probation");
    edit(&site, rel, "saved", "fixed");
    watch.wait_for(" removed in ");
    let deadline = Instant::now() + PATIENCE;
    while !site.read(page).contains("ASTANA forum text, fixed") {
        assert!(Instant::now() < deadline, "the fix never reached the page");
        std::thread::sleep(Duration::from_millis(20));
    }

    // A new release and a deleted one.
    site.write(
        "content/releases/2015/new.en.md",
        "---\ntitle: Brand new\ndate: 2015-12-30\n---\n\nNew text.\n",
    );
    watch.wait_for("changed content/releases/2015/new.en.md");
    assert!(site.exists("en/releases/2015/new/index.html"));
    site.remove("content/releases/2015/new.en.md");
    let line = watch.wait_for("changed content/releases/2015/new.en.md");
    assert!(!line.contains(" 0 removed"), "{line}");
    assert!(!site.exists("en/releases/2015/new/index.html"));
}

/// A GET request with the path sent exactly as given; (status, headers and
/// body as text).
fn get(port: u16, path: &str) -> (u16, String) {
    get_as(port, path, "127.0.0.1")
}

/// A GET request with the given `Host` header.
fn get_as(port: u16, path: &str, host: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).unwrap();
    let text = String::from_utf8_lossy(&response).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, text)
}

#[test]
fn serve_serves_the_site_with_live_reload_and_nothing_outside_it() {
    let site = Site::fixture("basic");
    let mut serve = Running::start(&site, &["serve", "--port", "0"]);
    let line = serve.wait_for("serving http://");
    let url = line.split_whitespace().nth(1).unwrap();
    assert!(
        url.starts_with("http://127.0.0.1:"),
        "binds loopback: {url}"
    );
    let port: u16 = url
        .trim_start_matches("http://127.0.0.1:")
        .trim_end_matches('/')
        .parse()
        .unwrap();

    let (status, page) = get(port, "/en/releases/2015/forum/");
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("<script src=\"/__pressroom/live.js\"></script>\n</body>"));
    // Links point at the local server, not the production site.
    assert!(page.contains(&format!("href=\"{url}en/releases/2015/forum/\"")));

    let (status, xml) = get(port, "/sitemap.xml");
    assert_eq!(status, 200);
    assert!(!xml.contains("live.js"), "only HTML gets the script");

    let (status, js) = get(port, "/__pressroom/live.js");
    assert_eq!(status, 200);
    assert!(js.contains("EventSource"));

    for escape in [
        "/../site.yaml",
        "/en/../../site.yaml",
        "/%2e%2e/site.yaml",
        "/..%2fsite.yaml",
        "/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    ] {
        let (status, body) = get(port, escape);
        assert!((400..500).contains(&status), "{escape} answered {status}");
        assert!(!body.contains("base_url"), "{escape} leaked site.yaml");
    }

    // The site itself is never written into public/.
    assert!(!site.public().exists());
}

/// DNS rebinding: a page elsewhere whose domain now resolves to 127.0.0.1
/// sends its own name as `Host`, and gets nothing; SIGTERM and SIGHUP stop
/// the server and remove its temporary folder.
#[test]
fn serve_refuses_foreign_hosts_and_cleans_up_on_sigterm_and_sighup() {
    let site = Site::fixture("basic");
    for signal in ["TERM", "HUP"] {
        let tmp = tempfile::tempdir().unwrap();
        let mut serve =
            Running::start_with_env(&site, &["serve", "--port", "0"], &[("TMPDIR", tmp.path())]);
        let line = serve.wait_for("serving http://");
        let port: u16 = line
            .rsplit(':')
            .next()
            .and_then(|p| p.split('/').next())
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("{line}"));
        for host in [
            "evil.example",
            &format!("evil.example:{port}"),
            "127.0.0.1.nip.io",
        ] {
            let (status, body) = get_as(port, "/en/", host);
            assert_eq!(status, 421, "{host}: {body}");
            assert!(!body.contains("<html"), "{host}");
        }
        let (status, _) = get_as(port, "/en/", &format!("localhost:{port}"));
        assert_eq!(status, 200);
        assert_eq!(
            std::fs::read_dir(tmp.path()).unwrap().count(),
            1,
            "the site is built in TMPDIR"
        );

        let pid = rustix::process::Pid::from_raw(serve.child.id() as i32).unwrap();
        let sig = match signal {
            "TERM" => rustix::process::Signal::TERM,
            _ => rustix::process::Signal::HUP,
        };
        rustix::process::kill_process(pid, sig).unwrap();
        let deadline = Instant::now() + PATIENCE;
        let status = loop {
            if let Some(status) = serve.child.try_wait().unwrap() {
                break status;
            }
            assert!(
                Instant::now() < deadline,
                "SIG{signal} did not stop the server"
            );
            std::thread::sleep(Duration::from_millis(20));
        };
        assert!(status.success(), "SIG{signal}: {status:?}");
        let left: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().collect();
        assert!(left.is_empty(), "SIG{signal} left {left:?}");
    }
}

#[test]
fn serve_warns_when_other_machines_can_reach_it() {
    let site = Site::fixture("basic");
    let mut serve = Running::start(&site, &["serve", "--port", "0", "--bind", "0.0.0.0"]);
    let line = serve.wait_for("warning: listening on 0.0.0.0:");
    assert!(
        line.ends_with(", which other machines on the network can reach: they can read drafts and embargoed releases if you serve them"),
        "{line}"
    );
    serve.wait_for("help: leave out --bind to listen on 127.0.0.1 (this machine only)");
}
