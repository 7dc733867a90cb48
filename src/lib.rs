//! pressroom: a static site generator for multilingual press-release archives.
//!
//! The library is the whole pipeline; the `pressroom` binary only parses the
//! command line and prints. Each module is one stage:
//!
//! 1. [`config`]: `site.yaml` → [`config::SiteConfig`]
//! 2. [`source`]: the content folder → sorted source files
//! 3. [`document`] and [`markdown`]: a file → front matter and body
//! 4. [`site`]: documents → the [`site::Site`] model
//! 5. [`i18n`] and [`render`]: the model → output files as bytes
//! 6. [`output`]: bytes → the output folder, all or nothing
//!
//! [`build`] runs them top to bottom. Every stage reports problems as
//! [`diagnostics::Diagnostic`]s, all of them at once.

#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod config;
pub mod coverage;
pub mod diagnostics;
pub mod document;
pub mod fs;
pub mod i18n;
pub mod import;
pub mod linkcheck;
pub mod markdown;
pub mod new;
pub mod output;
pub mod render;
pub mod site;
pub mod slug;
pub mod source;
pub mod yaml;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use rayon::prelude::*;

use config::SiteConfig;
use diagnostics::Diagnostics;
use document::Document;
use i18n::I18n;
use output::{Staging, WriteOutcome};
use render::Renderer;
use site::{ModelOptions, Site, TagRegistry};

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

/// One output file handled: its path, language and what happened to it.
type Written = (String, Option<String>, WriteOutcome);

/// The result of a failed build: every problem, warnings included.
pub type BuildErrors = Diagnostics;

/// Runs the whole pipeline. With an output folder, the folder is updated only
/// if everything succeeds.
pub fn build(opts: &BuildOptions) -> Result<BuildReport, BuildErrors> {
    let started = Instant::now();
    let loaded = load(opts)?;
    let mut warnings = loaded.warnings;
    let site = &loaded.site;
    let renderer = Renderer::new(site, Arc::clone(&loaded.i18n)).map_err(|mut e| {
        e.extend(warnings.clone());
        e
    })?;
    let jobs = renderer.jobs();

    let staging = match &opts.output {
        Some(out) => Some(Staging::begin(out).map_err(Diagnostics::from)?),
        None => None,
    };
    // Pages are rendered and staged one at a time on each thread, so memory
    // holds a handful of pages, never the whole site.
    let results: Vec<Result<Written, diagnostics::Diagnostic>> = jobs
        .par_iter()
        .map(|&job| {
            let rendered = renderer.render(job)?;
            let outcome = match &staging {
                Some(s) => s.put(&rendered.path, &rendered.bytes)?,
                None => WriteOutcome::Unchanged,
            };
            Ok((rendered.path, rendered.lang, outcome))
        })
        .collect();

    let mut problems = Diagnostics::new();
    let mut produced = BTreeSet::new();
    let mut counts: BTreeMap<String, Counts> = BTreeMap::new();
    for result in results {
        match result {
            Ok((path, lang, outcome)) => {
                let c = counts.entry(lang.unwrap_or_default()).or_default();
                match outcome {
                    WriteOutcome::Written => c.written += 1,
                    WriteOutcome::Unchanged => c.unchanged += 1,
                }
                if !produced.insert(path.clone()) {
                    problems.push(diagnostics::Diagnostic::error(&path, 1, 1, "two pages of the build write this same file")
                        .with_help("a generated page and a release, page or alias share a URL; rename one of them"));
                }
            }
            Err(d) => problems.push(d),
        }
    }
    if problems.has_errors() {
        if let Some(s) = staging {
            s.abort();
        }
        problems.extend(warnings);
        return Err(problems);
    }
    if let Some(s) = staging {
        s.commit(&produced).map_err(Diagnostics::from)?;
    }
    warnings.extend(problems);
    Ok(BuildReport {
        counts,
        warnings,
        elapsed: started.elapsed(),
    })
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
    let config = SiteConfig::load(&opts.root)?;
    let sources = source::walk(&config)?;
    let mut problems = sources.warnings.clone();

    let parsed: Vec<Result<(Document, Diagnostics), Diagnostics>> = sources
        .docs
        .par_iter()
        .map(|doc| {
            let text = fs::read_text(&doc.path, &doc.rel)?;
            document::parse(doc.clone(), &text)
        })
        .collect();
    let mut docs = Vec::with_capacity(parsed.len());
    for result in parsed {
        match result {
            Ok((doc, warnings)) => {
                problems.extend(warnings);
                if doc.source.section == source::Section::Releases && doc.front.date.is_none() {
                    problems.push(
                        diagnostics::Diagnostic::warning(
                            &doc.source.rel,
                            1,
                            1,
                            "this draft has no `date`, so no build includes it",
                        )
                        .with_help("add `date: YYYY-MM-DD` when the release date is known"),
                    );
                }
                docs.push(Arc::new(doc));
            }
            Err(e) => problems.extend(e),
        }
    }

    let tags = match TagRegistry::load(sources.tags_file.as_deref(), &config) {
        Ok((tags, warnings)) => {
            problems.extend(warnings);
            Some(tags)
        }
        Err(e) => {
            problems.extend(e);
            None
        }
    };
    let i18n = match I18n::load(&config) {
        Ok((i18n, warnings)) => {
            problems.extend(warnings);
            Some(i18n)
        }
        Err(e) => {
            problems.extend(e);
            None
        }
    };
    let (Some(tags), Some(i18n)) = (tags, i18n) else {
        return Err(problems);
    };
    if problems.has_errors() {
        return Err(problems);
    }
    let model_opts = ModelOptions {
        drafts: opts.drafts,
        embargoed: opts.embargoed,
        now: opts.now,
        base_url: opts.base_url.clone(),
    };
    let site =
        Site::build(config, &docs, &sources.assets, tags, &model_opts).map_err(|mut e| {
            e.extend(problems.clone());
            e
        })?;
    Ok(Loaded {
        site,
        i18n: Arc::new(i18n),
        warnings: problems,
    })
}

/// Whether `root` looks like a site (holds `site.yaml`).
pub fn is_site_root(root: &Path) -> bool {
    root.join(config::CONFIG_FILE).is_file()
}
