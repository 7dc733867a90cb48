//! `pressroom import`: turning an old website's plain-text releases into
//! markdown release files.
//!
//! A press office moving years of releases off an old site has them as plain
//! text. Each file becomes `content/releases/<year>/<slug>.<lang>.md`, with the
//! title, date and location the text itself states. Nothing is invented: a
//! release whose date cannot be found is written as a draft under
//! `content/releases/undated/`, and the [`ImportReport`] tells the editor which
//! files need a look and why. The library only computes and writes files; the
//! caller prints the report.

mod dates;
mod parse;
mod render;
mod titles;

pub use parse::{ImportError, Note, ParsedRelease, parse_release_bytes, parse_release_text};
pub use render::render_markdown;
