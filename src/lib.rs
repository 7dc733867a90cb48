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
//! 6. [`output`]: bytes → the output folder, all or nothing; [`cache`] keeps
//!    what each output file was made from, between builds too
//!
//! [`build`] runs them top to bottom. Every stage reports problems as
//! [`diagnostics::Diagnostic`]s, all of them at once.
//!
//! Around the pipeline: [`live`] reruns it after every change (the session
//! that caches inputs, `watch` and `serve`); [`commands`] are the other things
//! the binary does (import, new, coverage, link checking); [`util`] holds the
//! small helpers every stage uses (file I/O with located errors, slugs).

#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod build;
pub mod cache;
pub mod commands;
pub mod config;
pub mod diagnostics;
pub mod document;
pub mod images;
pub mod live;
pub mod output;
pub mod progress;
pub mod render;
pub mod search;
pub mod site;
pub mod source;
pub mod theme;
pub mod util;

use std::path::Path;

use diagnostics::Diagnostics;

pub use build::{BuildErrors, BuildOptions, BuildReport, Counts, Loaded};

/// Runs the whole pipeline: config, sources, documents, model, rendering and
/// the output folder (updated only if everything succeeds). With
/// [`BuildOptions::cache`], the manifest of the last build (see [`cache`])
/// says which files cannot have changed, and they are not rendered again.
pub fn build(opts: &BuildOptions) -> Result<BuildReport, BuildErrors> {
    let mut session = live::session::Session::new(opts.clone());
    let result = session.rebuild().map(|r| r.report);
    // Freeing what the session holds (every document, the manifest of
    // every output file) takes a noticeable part of a small rebuild at 10k
    // releases; a program about to exit need not wait for it. (If no
    // thread can be started, the session is freed here all the same.)
    let _ = std::thread::Builder::new().spawn(move || drop(session));
    result
}

/// Stages 1–4 and the bundles of stage 5: everything but rendering.
pub fn load(opts: &BuildOptions) -> Result<Loaded, Diagnostics> {
    live::session::Session::new(opts.clone()).load_model()
}

/// Whether `root` looks like a site (holds `site.yaml`).
pub fn is_site_root(root: &Path) -> bool {
    root.join(config::CONFIG_FILE).is_file()
}
