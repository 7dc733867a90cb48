//! The rebuild loop of `pressroom watch` and `pressroom serve`.
//!
//! The loop blocks on file-system events (so an idle loop uses no CPU), waits
//! for a short quiet spell so that an editor's save (temporary file, rename,
//! backup) or a `git checkout` arrives as one batch, tells the session which
//! paths changed, and rebuilds. A failed rebuild never ends the loop: the last
//! good output stays, and the next change tries again.
//!
//! The notify debouncer crates tick on a timer even when nothing happens; a
//! blocking receive followed by a quiet-spell timeout gives the same batching
//! with no wake-ups while idle.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use notify::{EventKind, RecursiveMode, Watcher};

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::live::session::{ChangeKind, Rebuild, Session};

/// How long the file system must stay quiet before a batch is rebuilt.
pub const QUIET: Duration = Duration::from_millis(10);

/// One pass of the loop, for the caller to print or forward.
#[derive(Debug)]
pub struct Pass {
    /// The changed paths that matter (relative to the site root), sorted.
    pub changed: Vec<PathBuf>,
    /// What kinds of input they are; empty for the first build and after
    /// lost events.
    pub kinds: BTreeSet<ChangeKind>,
    /// The rebuild's result.
    pub result: Result<Rebuild, Diagnostics>,
    /// From the first event of the batch to the output being updated.
    pub elapsed: Duration,
}

impl Pass {
    /// The one line printed for this pass.
    pub fn summary(&self) -> String {
        let what = if self.changed.is_empty() {
            "build".to_owned()
        } else {
            let mut names: Vec<String> = self
                .changed
                .iter()
                .take(3)
                .map(|p| p.display().to_string())
                .collect();
            if self.changed.len() > 3 {
                names.push(format!("and {} more", self.changed.len() - 3));
            }
            if names.is_empty() {
                names.push("files".to_owned());
            }
            format!("changed {}", names.join(", "))
        };
        let ms = self.elapsed.as_millis();
        match &self.result {
            Ok(r) => format!(
                "{what}: {} rendered, {} written, {} removed in {ms} ms",
                r.rendered.len(),
                r.report.total().written,
                r.removed
            ),
            Err(e) => format!(
                "{what}: {} error(s) in {ms} ms; the output was left as it was",
                e.error_count()
            ),
        }
    }

    /// Whether only stylesheets changed, so a browser may swap them in place.
    pub fn css_only(&self) -> bool {
        !self.changed.is_empty()
            && self.kinds.iter().all(|k| *k == ChangeKind::Theme)
            && self
                .changed
                .iter()
                .all(|p| p.extension().is_some_and(|e| e == "css"))
    }
}

/// Builds once, then rebuilds after every change until `on_pass` returns
/// `false` or the watcher stops. Returns an error only if watching cannot
/// start.
pub fn run(mut session: Session, mut on_pass: impl FnMut(&Pass) -> bool) -> Result<(), Diagnostic> {
    // Every edit re-indexes its language: the words of the documents it
    // did not change are looked up instead of read again.
    session.keep_search_words();
    let (tx, rx) = channel();
    let mut watcher = notify::recommended_watcher(move |event| {
        // The receiver is gone only when the loop has ended.
        let _ = tx.send(event);
    })
    .map_err(|e| watch_error(&session.options().root, &e))?;
    let root = session.options().root.clone();
    watcher
        .watch(&root, RecursiveMode::NonRecursive)
        .map_err(|e| watch_error(&root, &e))?;
    let mut watched = BTreeSet::new();
    // Watch before the first build, so that a save during it is not lost.
    sync_watches(&mut watcher, &session, &mut watched);

    let started = Instant::now();
    let result = session.rebuild();
    let first = Pass {
        changed: Vec::new(),
        kinds: BTreeSet::new(),
        result,
        elapsed: started.elapsed(),
    };
    sync_watches(&mut watcher, &session, &mut watched);
    if !on_pass(&first) {
        return Ok(());
    }

    while let Some((paths, rescan, started)) = next_batch(&rx) {
        log::debug!(
            "events for {} path(s), rescan: {rescan}: {paths:?}",
            paths.len()
        );
        if rescan {
            session.forget_all();
        }
        let relevant = session.invalidate(&paths);
        if relevant.is_empty() && !rescan {
            continue;
        }
        let kinds = relevant.iter().map(|(_, k)| *k).collect();
        let changed: Vec<PathBuf> = relevant
            .into_iter()
            .map(|(p, _)| p.strip_prefix(&root).unwrap_or(&p).to_path_buf())
            .collect();
        let result = session.rebuild();
        let pass = Pass {
            changed,
            kinds,
            result,
            elapsed: started.elapsed(),
        };
        sync_watches(&mut watcher, &session, &mut watched);
        if !on_pass(&pass) {
            break;
        }
    }
    Ok(())
}

/// Waits for events, then gathers more until the file system is quiet.
/// Returns the paths, whether events were lost (a full re-read is needed),
/// and when the batch began; `None` when the watcher is gone.
fn next_batch(
    rx: &Receiver<notify::Result<notify::Event>>,
) -> Option<(Vec<PathBuf>, bool, Instant)> {
    let first = rx.recv().ok()?;
    let started = Instant::now();
    let mut paths = BTreeSet::new();
    let mut rescan = false;
    let mut take = |event: notify::Result<notify::Event>| match event {
        Ok(event) => {
            rescan |= event.need_rescan();
            if !matches!(event.kind, EventKind::Access(_)) {
                paths.extend(event.paths);
            }
        }
        // An overflowed queue or an unreadable folder: events may be lost.
        Err(_) => rescan = true,
    };
    take(first);
    loop {
        match rx.recv_timeout(QUIET) {
            Ok(event) => take(event),
            Err(RecvTimeoutError::Timeout) => break,
            Err(RecvTimeoutError::Disconnected) => return None,
        }
    }
    Some((paths.into_iter().collect(), rescan, started))
}

/// Watches the folders the session reads that exist now; folders created
/// later are noticed through the root's own watch.
fn sync_watches(watcher: &mut impl Watcher, session: &Session, watched: &mut BTreeSet<PathBuf>) {
    let wanted: BTreeSet<PathBuf> = session
        .watched_dirs()
        .into_iter()
        .filter(|d| d.is_dir())
        .collect();
    for gone in watched.difference(&wanted).cloned().collect::<Vec<_>>() {
        let _ = watcher.unwatch(&gone);
        watched.remove(&gone);
    }
    for dir in wanted {
        if !watched.contains(&dir) {
            match watcher.watch(&dir, RecursiveMode::Recursive) {
                Ok(()) => {
                    log::debug!("watching {}", dir.display());
                    watched.insert(dir);
                }
                Err(e) => log::warn!("cannot watch {}: {e}", dir.display()),
            }
        }
    }
}

fn watch_error(path: &Path, e: &notify::Error) -> Diagnostic {
    Diagnostic::error(
        path,
        1,
        1,
        format!("cannot watch this folder for changes: {e}"),
    )
    .with_help("on Linux, raise fs.inotify.max_user_watches (sysctl) if the limit is reached")
}
