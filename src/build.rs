//! What a build is asked to do and what it reports.
//!
//! Shared by [`crate::build`], the watch and serve sessions and the binary,
//! so that none of them has to import another for its types.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::diagnostics::Diagnostics;
use crate::render::i18n::I18n;
use crate::site::Site;

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
    /// Keep the manifest in the site's cache folder and start from it
    /// (`--no-cache` turns this off; see [`crate::cache`]).
    pub cache: bool,
    /// Render the files the manifest calls up to date too, and fail on any
    /// byte that differs from the output folder (`--verify-cache`).
    pub verify: bool,
    /// Told the build's stages and pages done, for a progress bar.
    pub progress: crate::progress::Observer,
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
            cache: false,
            verify: false,
            progress: crate::progress::Observer::default(),
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

impl Counts {
    /// Every file counted, written or not.
    pub fn files(&self) -> usize {
        self.written + self.unchanged
    }
}

/// What a successful build did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BuildReport {
    /// Per language code (`""` for files of no language: root, static files).
    pub counts: BTreeMap<String, Counts>,
    /// Warnings found on the way.
    pub warnings: Diagnostics,
    /// One line per thing the build noticed about its cache (why it was not
    /// used, which output files were changed by hand).
    pub notes: Vec<String>,
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

/// A loaded site: model, bundles and the warnings found.
pub struct Loaded {
    /// The model.
    pub site: Site,
    /// The interface strings and formatters.
    pub i18n: Arc<I18n>,
    /// Warnings from every stage.
    pub warnings: Diagnostics,
}
