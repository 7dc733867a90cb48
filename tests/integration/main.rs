//! Integration tests: fixture sites under `tests/fixtures/` are copied to a
//! temporary folder (with the default theme), built, and the output checked.
//!
//! - `build`: what a good site produces (files, pages, translations, drafts).
//! - `output`: the output folder's contract (determinism, unchanged files,
//!   stale files, failed builds leave it alone).
//! - `errors`: each kind of bad input, through the CLI, with its exact message.
//! - `cli`: the other commands and options.
//! - `deploy`: `pressroom deploy` to a real S3 server on loopback (`s3`) and
//!   to a folder.

mod build;
mod catalog;
mod cli;
mod deploy;
mod errors;
mod example;
mod i18n;
mod incremental;
mod live;
mod navigation;
mod output;
mod properties;
mod s3;
mod util;
