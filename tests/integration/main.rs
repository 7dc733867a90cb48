//! Integration tests: fixture sites under `tests/fixtures/` are copied to a
//! temporary folder (with the default theme), built, and the output checked.
//!
//! - `build`: what a good site produces (files, pages, translations, drafts).
//! - `output`: the output folder's contract (determinism, unchanged files,
//!   stale files, failed builds leave it alone).
//! - `errors`: each kind of bad input, through the CLI, with its exact message.
//! - `cli`: the other commands and options.
//! - `cache`: the build cache across processes (`.pressroom-cache/`).
//! - `deploy`: `pressroom deploy` to a real S3 server on loopback (`s3`) and
//!   to a folder.
//! - `faults`: builds killed during their commit, and two builds at once.
//! - `incremental`: watch mode's rebuilds against clean builds, over edit
//!   sequences made by `edits` (random and scripted).
//! - `properties`: no input panics, runs script or writes outside the output.
//! - `start`: `init`, the built-in theme, the editor's commands and the
//!   terminal (colour, progress, formats for tools).

mod build;
mod cache;
mod catalog;
mod cli;
mod deploy;
mod edits;
mod errors;
mod example;
mod faults;
mod i18n;
mod images;
mod incremental;
mod live;
mod navigation;
mod output;
mod properties;
mod s3;
mod search;
mod start;
mod util;
