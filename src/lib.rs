//! pressroom: a static site generator for multilingual press-release archives.
//!
//! The library is the whole pipeline; the `pressroom` binary only parses the
//! command line and prints. Each module is one stage:
//!
//! 1. [`config`]: `site.yaml` → [`config::SiteConfig`]
//! 2. [`source`]: the content folder → sorted source files
//! 3. [`document`] (front matter, [`document::markdown`], [`document::yaml`]):
//!    a file → front matter and body
//! 4. [`site`]: documents → the [`site::Site`] model
//! 5. [`render`] (templates, [`render::i18n`], feeds, sitemap): the model →
//!    output files as bytes
//! 6. [`output`]: bytes → the output folder, all or nothing
//!
//! [`build`] runs them top to bottom. Every stage reports problems as
//! [`diagnostics::Diagnostic`]s, all of them at once.
//!
//! Around the pipeline: [`live`] reruns it after every change (the session
//! that caches inputs, `watch` and `serve`); [`commands`] are the other things
//! the binary does (import, new, coverage, link checking); [`util`] holds the
//! small helpers every stage uses (file I/O with located errors, slugs).

#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod commands;
pub mod config;
pub mod diagnostics;
pub mod document;
pub mod live;
pub mod output;
pub mod progress;
pub mod render;
pub mod search;
pub mod site;
pub mod source;
pub mod theme;
pub mod util;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};

use diagnostics::Diagnostics;
use render::i18n::I18n;
use site::Site;

/// What a build is asked to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildOptions {
    /// The site root (holding `site.yaml`).
    pub root: PathBuf,
    /// The output folder; `None` checks without writing.
    pub output: Option<PathBuf>,
    /// Include drafts.
    pub drafts: bool,
    /// Include releases under embargo.
    pub embargoed: bool,
    /// Overrides `base_url`.
    pub base_url: Option<String>,
    /// The moment embargoes are compared with (now, unless a test fixes it).
    pub now: DateTime<Utc>,
    /// Told the build's stages and pages done, for a progress bar.
    pub progress: progress::Observer,
}

impl BuildOptions {
    /// Options for building `root` into `output` with everything else default.
    pub fn new(root: impl Into<PathBuf>, output: Option<PathBuf>) -> BuildOptions {
        BuildOptions {
            root: root.into(),
            output,
            drafts: false,
            embargoed: false,
            base_url: None,
            now: Utc::now(),
            progress: progress::Observer::default(),
        }
    }
}

/// Files written and left unchanged, for one language (or none: shared files).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Files whose bytes changed or that are new.
    pub written: usize,
    /// Files whose bytes were already in the output.
    pub unchanged: usize,
}

/// What a successful build did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BuildReport {
    /// Per language code (`""` for files of no language: root, static files).
    pub counts: BTreeMap<String, Counts>,
    /// Warnings found on the way.
    pub warnings: Diagnostics,
    /// Wall time.
    pub elapsed: Duration,
}

impl BuildReport {
    /// Files of all languages together.
    pub fn total(&self) -> Counts {
        self.counts.values().fold(Counts::default(), |a, c| Counts {
            written: a.written + c.written,
            unchanged: a.unchanged + c.unchanged,
        })
    }
}

/// The result of a failed build: every problem, warnings included.
pub type BuildErrors = Diagnostics;

/// Runs the whole pipeline. With an output folder, the folder is updated only
/// if everything succeeds. This is a [`live::session::Session`] that builds once.
pub fn build(opts: &BuildOptions) -> Result<BuildReport, BuildErrors> {
    live::session::Session::new(opts.clone())
        .rebuild()
        .map(|r| r.report)
}

/// A loaded site: model, bundles and the warnings found.
pub struct Loaded {
    /// The model.
    pub site: Site,
    /// The interface strings and formatters.
    pub i18n: Arc<I18n>,
    /// Warnings from every stage.
    pub warnings: Diagnostics,
}

/// Stages 1–4 and the bundles of stage 5: everything but rendering.
pub fn load(opts: &BuildOptions) -> Result<Loaded, Diagnostics> {
    live::session::Session::new(opts.clone()).load_model()
}

/// Whether `root` looks like a site (holds `site.yaml`).
pub fn is_site_root(root: &Path) -> bool {
    root.join(config::CONFIG_FILE).is_file()
}
