//! `pressroom deploy`: publishes a built output folder to an S3-compatible
//! bucket or to a folder, uploading only what changed, in an order that never
//! shows a reader a page whose stylesheet, image or link target is missing.
//!
//! The steps, each in its module:
//!
//! 1. [`target`]: which target, and the credentials for it.
//! 2. [`scan`]: the output folder's files and their hashes; the manifest the
//!    last deploy left on the remote (or, failing that, a listing).
//! 3. [`plan`]: what to upload in which phase, what to delete.
//! 4. [`headers`]: each file's `Content-Type` and `Cache-Control`.
//! 5. [`store`]: uploads and deletions, concurrent and retried.
//! 6. [`report`]: progress, the summary, JSON.
//!
//! A deploy that changes anything first marks the manifest as in progress
//! and rewrites it only when everything succeeded, so a deploy that stops
//! half way (network lost, CI cancelled) leaves a manifest the next one does
//! not trust: it lists the remote instead and uploads what is still missing.

pub mod headers;
pub mod plan;
pub mod report;
pub mod scan;
pub mod store;
pub mod target;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use futures::StreamExt;

use crate::config::DeployUrl;
use headers::CacheRules;
use plan::{Phase, Plan};
use report::{DeployReport, Progress, RemoteState};
use scan::Manifest;
use store::{Connection, Remote};
use target::Target;

/// The default of `--max-deletes`.
pub const DEFAULT_MAX_DELETES: usize = 256;

/// What a deploy is asked to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeployOptions {
    /// The built site.
    pub output: PathBuf,
    /// Where it goes.
    pub target: Target,
    /// Only report what would be done.
    pub dry_run: bool,
    /// Ignore the manifest and check every remote object and its headers.
    pub force: bool,
    /// Refuse to delete more objects than this…
    pub max_deletes: usize,
    /// …unless this is set.
    pub yes: bool,
    /// Uploads at once (default: the target's, else 16 for a bucket and 8
    /// for a folder).
    pub workers: Option<usize>,
    /// Credentials, retries and multipart settings.
    pub connection: Connection,
}

impl DeployOptions {
    /// Options to deploy `output` to `target` with every default.
    pub fn new(output: impl Into<PathBuf>, target: Target) -> DeployOptions {
        DeployOptions {
            output: output.into(),
            target,
            dry_run: false,
            force: false,
            max_deletes: DEFAULT_MAX_DELETES,
            yes: false,
            workers: None,
            connection: Connection::default(),
        }
    }
}

/// Why a deploy did not happen or did not finish.
#[derive(Debug, thiserror::Error)]
pub enum DeployError {
    /// The output folder is missing or was not written by pressroom.
    #[error("{}: not a built site (no `.pressroom-output` marker)", .0.display())]
    NotBuilt(PathBuf),
    /// A local file could not be read (or changed while being read).
    #[error("{}: {}", .0.display(), .1)]
    Local(PathBuf, String),
    /// The remote refused or failed a request, after the retries.
    #[error("{path}: {message}")]
    Remote {
        /// The path under the target.
        path: String,
        /// What the remote said.
        message: String,
    },
    /// `--target` names no target of `site.yaml`.
    #[error("`{name}` is not a deploy target of site.yaml")]
    UnknownTarget {
        /// The name given.
        name: String,
        /// The names there are.
        known: Vec<String>,
    },
    /// Neither `--to` nor a configured target.
    #[error("no deploy target: site.yaml has no `deploy.targets` and no --to was given")]
    NoTarget,
    /// A wrong value on the command line.
    #[error("{0}")]
    Usage(String),
    /// The plan deletes more than `--max-deletes` allows.
    #[error(
        "the deploy would delete {count} objects, more than --max-deletes {max}; nothing was changed"
    )]
    TooManyDeletes {
        /// Objects the plan deletes.
        count: usize,
        /// The limit.
        max: usize,
    },
    /// Some changes failed; the ones before them were made.
    #[error("{failed} change(s) failed, the first: {first}")]
    Failed {
        /// What was done before the deploy stopped.
        report: Box<DeployReport>,
        /// How many uploads or deletions failed.
        failed: usize,
        /// The first failure.
        first: Box<DeployError>,
    },
}

impl DeployError {
    /// How to fix it, in plain words.
    pub fn help(&self) -> String {
        match self {
            DeployError::NotBuilt(_) => {
                "build the site first (`pressroom build`, or `pressroom deploy --build`), or name the built folder with --output".to_owned()
            }
            DeployError::Local(..) => {
                "check the file is readable and that no build is writing the output folder, then deploy again".to_owned()
            }
            DeployError::Remote { .. } => {
                "check the bucket, endpoint, region and credentials (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY or AWS_PROFILE), then deploy again: it resumes where this one stopped".to_owned()
            }
            DeployError::UnknownTarget { known, .. } if known.is_empty() => {
                "site.yaml defines no targets; add one under `deploy: { targets: [...] }` or pass --to URL".to_owned()
            }
            DeployError::UnknownTarget { known, .. } => {
                format!("use one of: {}", known.join(", "))
            }
            DeployError::NoTarget => {
                "add a target to site.yaml (`deploy: { targets: [ { name: production, url: \"s3://bucket/prefix\" } ] }`) or pass --to s3://bucket/prefix".to_owned()
            }
            DeployError::Usage(_) => {
                "write an `s3://bucket/prefix` or `file:///path` URL and an http(s) endpoint".to_owned()
            }
            DeployError::TooManyDeletes { .. } => {
                "check the output folder is the whole site (a failed or partial build?); run with --dry-run to see the list, and pass --yes (or a larger --max-deletes) if it is right".to_owned()
            }
            DeployError::Failed { first, .. } => format!(
                "nothing was deleted and the next phase did not start; {}",
                first.help()
            ),
        }
    }

    /// Whether it is a mistake on the command line (exit code 2).
    pub fn is_usage(&self) -> bool {
        matches!(
            self,
            DeployError::UnknownTarget { .. } | DeployError::NoTarget | DeployError::Usage(_)
        )
    }

    /// The partial report of a deploy that failed part way.
    pub fn report(&self) -> Option<&DeployReport> {
        match self {
            DeployError::Failed { report, .. } => Some(report),
            _ => None,
        }
    }
}

/// Deploys the output folder. Blocks until done; `progress` hears about each
/// change as it is made.
pub fn deploy(opts: &DeployOptions, progress: &dyn Progress) -> Result<DeployReport, DeployError> {
    let started = Instant::now();
    if let DeployUrl::Folder(dir) = &opts.target.location {
        refuse_overlap(&opts.output, dir)?;
    }
    // --force trusts nothing it did not check itself, the local cache
    // included; a dry run leaves even that alone.
    let cache = if opts.force {
        scan::HashCache::default()
    } else {
        scan::HashCache::load(&opts.output)
    };
    let local = scan::scan(&opts.output, &cache)?;
    if !opts.dry_run {
        scan::HashCache::of(&local).save(&opts.output);
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| DeployError::Local(opts.output.clone(), e.to_string()))?;
    match runtime.block_on(run(opts, &local, progress)) {
        Ok(mut report) => {
            report.finish(started.elapsed());
            Ok(report)
        }
        Err(DeployError::Failed {
            mut report,
            failed,
            first,
        }) => {
            report.finish(started.elapsed());
            Err(DeployError::Failed {
                report,
                failed,
                first,
            })
        }
        Err(e) => Err(e),
    }
}

/// A folder target inside the output folder (or the other way round) would
/// upload into what it reads, or delete what it uploads.
fn refuse_overlap(output: &Path, target: &Path) -> Result<(), DeployError> {
    let canon = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let (output, target) = (canon(output), canon(target));
    if output.starts_with(&target) || target.starts_with(&output) {
        return Err(DeployError::Usage(format!(
            "the target folder {} and the output folder {} overlap",
            target.display(),
            output.display()
        )));
    }
    Ok(())
}

async fn run(
    opts: &DeployOptions,
    local: &BTreeMap<String, scan::LocalFile>,
    progress: &dyn Progress,
) -> Result<DeployReport, DeployError> {
    let remote = Remote::open(&opts.target, &opts.connection)?;
    let workers = opts
        .workers
        .or(opts.target.workers)
        .unwrap_or(if remote.has_headers() { 16 } else { 8 })
        .max(1);
    let rules = CacheRules::new(&opts.target.cache_control).map_err(DeployError::Usage)?;
    let (known, state) = if opts.force {
        (remote.list(workers, true).await?, RemoteState::Verified)
    } else {
        match remote.read_manifest().await? {
            Some(manifest) => (manifest.files, RemoteState::Manifest),
            None => (remote.list(workers, false).await?, RemoteState::Listing),
        }
    };
    let plan = Plan::new(local, &known, remote.has_headers().then_some(&rules));
    if plan.deletes.len() > opts.max_deletes && !opts.yes {
        return Err(DeployError::TooManyDeletes {
            count: plan.deletes.len(),
            max: opts.max_deletes,
        });
    }
    let mut report = DeployReport::new(&opts.target, &plan, state, opts.dry_run);
    if opts.dry_run || (plan.is_empty() && state == RemoteState::Manifest) {
        return Ok(report);
    }
    if !plan.is_empty() {
        // From here until the final manifest, the remote is between two
        // versions; a deploy that stops leaves this mark for the next one.
        remote.write_manifest(&Manifest::in_progress()).await?;
    }
    progress.start(
        plan.upload_count() as u64,
        plan.upload_bytes(),
        plan.deletes.len() as u64,
    );
    let mut published = plan.unchanged.clone();
    let remote = &remote;
    let output = opts.output.as_path();
    for phase in Phase::ALL {
        let Some(uploads) = plan.uploads.get(&phase) else {
            continue;
        };
        let results = each(uploads, workers, move |upload| async move {
            remote.upload(output, upload).await?;
            progress.done(upload.size);
            Ok(upload)
        })
        .await;
        let mut failures = Vec::new();
        for result in results {
            match result {
                Ok(upload) => {
                    report.uploaded += 1;
                    report.uploaded_bytes += upload.size;
                    published.insert(upload.path.clone(), upload.entry());
                }
                Err(e) => failures.push(e),
            }
        }
        stop_on(failures, &mut report, progress)?;
    }
    let results = each(&plan.deletes, workers, move |path| async move {
        remote.delete(path).await?;
        progress.done(0);
        Ok(path)
    })
    .await;
    let mut failures = Vec::new();
    for result in results {
        match result {
            Ok(_) => report.deleted += 1,
            Err(e) => failures.push(e),
        }
    }
    stop_on(failures, &mut report, progress)?;
    remote
        .write_manifest(&Manifest::complete(published))
        .await?;
    progress.finish();
    Ok(report)
}

/// Runs `job` on every item with at most `workers` at once. After the first
/// failure no new job starts (the ones running finish), so a phase stops
/// soon after something goes wrong.
async fn each<'a, T, R, F, Fut>(
    items: &'a [T],
    workers: usize,
    job: F,
) -> Vec<Result<R, DeployError>>
where
    F: Fn(&'a T) -> Fut,
    Fut: std::future::Future<Output = Result<R, DeployError>>,
{
    let failed = AtomicBool::new(false);
    let failed = &failed;
    let job = &job;
    futures::stream::iter(items)
        .map(|item| async move {
            if failed.load(Ordering::Relaxed) {
                return None;
            }
            let result = job(item).await;
            if result.is_err() {
                failed.store(true, Ordering::Relaxed);
            }
            Some(result)
        })
        .buffer_unordered(workers)
        .filter_map(|r| async move { r })
        .collect()
        .await
}

/// Ends the deploy with the failures of a step, if there were any.
fn stop_on(
    mut failures: Vec<DeployError>,
    report: &mut DeployReport,
    progress: &dyn Progress,
) -> Result<(), DeployError> {
    if failures.is_empty() {
        return Ok(());
    }
    progress.finish();
    let failed = failures.len();
    Err(DeployError::Failed {
        report: Box::new(report.clone()),
        failed,
        first: Box::new(failures.swap_remove(0)),
    })
}
