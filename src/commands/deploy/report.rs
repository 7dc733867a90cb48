//! What a deploy tells its user: a progress bar while it uploads, then one
//! summary line, or a JSON object for CI.

use std::fmt;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::Serialize;

use super::DeployError;
use super::plan::{Phase, Plan};

/// How the remote's contents were learnt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RemoteState {
    /// From the manifest the last deploy wrote: one request.
    Manifest,
    /// From a listing, because the manifest was missing or could not be
    /// trusted; the deploy writes a new one.
    Listing,
    /// From a listing and every object's headers (`--force`).
    Verified,
}

/// One action of a dry run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Action {
    /// `upload` or `delete`.
    pub action: &'static str,
    /// The phase of an upload.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phase: Option<Phase>,
    /// The path under the target.
    pub path: String,
    /// Whether an upload adds a new object.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new: Option<bool>,
}

/// What a deploy did (or, for a dry run, would do).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DeployReport {
    /// The target's name.
    pub target: String,
    /// The target's URL.
    pub url: String,
    /// Whether nothing was changed on purpose.
    pub dry_run: bool,
    /// How the remote's contents were learnt.
    pub remote_state: RemoteState,
    /// Files uploaded (would be, in a dry run).
    pub uploaded: usize,
    /// Bytes uploaded (would be, in a dry run).
    pub uploaded_bytes: u64,
    /// Files the remote already had.
    pub unchanged: usize,
    /// Objects deleted (would be, in a dry run).
    pub deleted: usize,
    /// Wall time in seconds.
    pub seconds: f64,
    /// Every action, for a dry run.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub actions: Vec<Action>,
}

impl DeployReport {
    /// A report of nothing done yet, for a plan.
    pub(super) fn new(
        target: &super::target::Target,
        plan: &Plan,
        state: RemoteState,
        dry_run: bool,
    ) -> DeployReport {
        let mut actions = Vec::new();
        if dry_run {
            for upload in plan.uploads.values().flatten() {
                actions.push(Action {
                    action: "upload",
                    phase: Some(super::plan::Phase::of(&upload.path)),
                    path: upload.path.clone(),
                    new: Some(upload.new),
                });
            }
            for path in &plan.deletes {
                actions.push(Action {
                    action: "delete",
                    phase: None,
                    path: path.clone(),
                    new: None,
                });
            }
        }
        DeployReport {
            target: target.name.clone(),
            url: target.url.clone(),
            dry_run,
            remote_state: state,
            uploaded: if dry_run { plan.upload_count() } else { 0 },
            uploaded_bytes: if dry_run { plan.upload_bytes() } else { 0 },
            unchanged: plan.unchanged.len(),
            deleted: if dry_run { plan.deletes.len() } else { 0 },
            seconds: 0.0,
            actions,
        }
    }

    pub(super) fn finish(&mut self, elapsed: Duration) {
        self.seconds = elapsed.as_secs_f64();
    }
}

impl fmt::Display for DeployReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for a in &self.actions {
            let phase = a.phase.map_or("", Phase::name);
            let new = if a.new == Some(true) { " (new)" } else { "" };
            writeln!(f, "{:<6} {phase:<6} {}{new}", a.action, a.path)?;
        }
        let how = match self.remote_state {
            RemoteState::Manifest => "",
            RemoteState::Listing => "; no usable manifest, so the remote was listed",
            RemoteState::Verified => "; every object verified",
        };
        let target = if self.target == self.url {
            self.url.clone()
        } else {
            format!("{} ({})", self.target, self.url)
        };
        if self.dry_run {
            write!(
                f,
                "dry run for {target}: would upload {} ({}), {} unchanged, would delete {}{how}; nothing was changed",
                self.uploaded,
                bytes(self.uploaded_bytes),
                self.unchanged,
                self.deleted
            )
        } else {
            write!(
                f,
                "deployed to {target}: {} uploaded ({}), {} unchanged, {} deleted in {:.2}s{how}",
                self.uploaded,
                bytes(self.uploaded_bytes),
                self.unchanged,
                self.deleted,
                self.seconds
            )
        }
    }
}

/// A byte count for people.
fn bytes(n: u64) -> String {
    match n {
        0..1_000 => format!("{n} B"),
        1_000..1_000_000 => format!("{:.1} kB", n as f64 / 1e3),
        1_000_000..1_000_000_000 => format!("{:.1} MB", n as f64 / 1e6),
        _ => format!("{:.2} GB", n as f64 / 1e9),
    }
}

/// The JSON object `--json` prints: the report, `ok`, and on failure the
/// error and its help.
pub fn json(result: &Result<DeployReport, DeployError>) -> String {
    let mut value = match result {
        Ok(report) => serde_json::to_value(report),
        Err(e) => match e.report() {
            Some(report) => serde_json::to_value(report),
            None => Ok(serde_json::Value::Object(serde_json::Map::new())),
        },
    }
    .unwrap_or_default();
    if let serde_json::Value::Object(map) = &mut value {
        map.insert("ok".to_owned(), result.is_ok().into());
        if let Err(e) = result {
            map.insert("error".to_owned(), e.to_string().into());
            map.insert("help".to_owned(), e.help().into());
        }
    }
    serde_json::to_string_pretty(&value).unwrap_or_default()
}

/// Hears about a deploy's uploads and deletions as they happen.
pub trait Progress: Sync {
    /// The changes are about to start: this many files and bytes to upload,
    /// and objects to delete.
    fn start(&self, _files: u64, _bytes: u64, _deletes: u64) {}
    /// One upload (of `bytes`) or deletion (0 bytes) is done.
    fn done(&self, _bytes: u64) {}
    /// No more changes.
    fn finish(&self) {}
}

/// No progress reporting.
#[derive(Debug, Clone, Copy, Default)]
pub struct Silent;

impl Progress for Silent {}

/// A progress bar on standard error, drawn only when it is a terminal.
#[derive(Debug)]
pub struct Bar(ProgressBar);

impl Bar {
    /// A bar that waits for [`Progress::start`].
    pub fn new() -> Bar {
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        let style = ProgressStyle::with_template(
            "{bar:30} {pos}/{len} files, {msg} {elapsed_precise} (eta {eta})",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar());
        bar.set_style(style);
        Bar(bar)
    }
}

impl Default for Bar {
    fn default() -> Self {
        Bar::new()
    }
}

impl Progress for Bar {
    fn start(&self, files: u64, bytes_total: u64, deletes: u64) {
        self.0.set_length(files + deletes);
        self.0
            .set_message(format!("{} to upload", bytes(bytes_total)));
    }

    fn done(&self, _bytes: u64) {
        self.0.inc(1);
    }

    fn finish(&self) {
        self.0.finish_and_clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_counts_read_well() {
        assert_eq!(bytes(999), "999 B");
        assert_eq!(bytes(1_500), "1.5 kB");
        assert_eq!(bytes(2_340_000), "2.3 MB");
        assert_eq!(bytes(5_000_000_000), "5.00 GB");
    }

    #[test]
    fn the_summary_names_the_target_once() {
        let mut report = DeployReport {
            target: "production".to_owned(),
            url: "s3://press/site".to_owned(),
            dry_run: false,
            remote_state: RemoteState::Manifest,
            uploaded: 3,
            uploaded_bytes: 1_500,
            unchanged: 2,
            deleted: 1,
            seconds: 0.5,
            actions: Vec::new(),
        };
        assert_eq!(
            report.to_string(),
            "deployed to production (s3://press/site): 3 uploaded (1.5 kB), 2 unchanged, 1 deleted in 0.50s"
        );
        report.target = report.url.clone();
        report.dry_run = true;
        report.remote_state = RemoteState::Listing;
        report.actions.push(Action {
            action: "delete",
            phase: None,
            path: "old.html".to_owned(),
            new: None,
        });
        assert_eq!(
            report.to_string(),
            "delete        old.html\ndry run for s3://press/site: would upload 3 (1.5 kB), 2 unchanged, would delete 1; no usable manifest, so the remote was listed; nothing was changed"
        );
    }

    #[test]
    fn json_says_whether_it_failed() {
        let err: Result<DeployReport, DeployError> = Err(DeployError::NoTarget);
        let value: serde_json::Value = serde_json::from_str(&json(&err)).unwrap();
        assert_eq!(value["ok"], false);
        assert!(
            value["error"]
                .as_str()
                .unwrap()
                .contains("no deploy target")
        );
        assert!(value["help"].as_str().unwrap().contains("site.yaml"));
    }
}
