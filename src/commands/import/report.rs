//! The import report: what happened to each text, for the editor to read.

use std::fmt;
use std::path::{Path, PathBuf};

use super::parse::{ImportError, Note};

/// A file that could not be imported: the same diagnostics as the build's.
pub type ImportDiagnostic = crate::diagnostics::Diagnostic;

/// A diagnostic for a text that cannot be parsed.
pub(crate) fn error_diagnostic(path: &Path, err: &ImportError) -> ImportDiagnostic {
    let (line, column) = err.position();
    ImportDiagnostic::error(path, line, column, err.to_string()).with_help(err.help())
}

/// What became of one text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Written (or, in a dry run, would be written) and ready to publish.
    Imported {
        /// The markdown file.
        path: PathBuf,
        /// Whether an earlier import of the same release was replaced.
        replaced: bool,
        /// What was inferred or removed, for the editor's information.
        notes: Vec<Note>,
    },
    /// Written as a draft, because something a release needs is missing or
    /// unclear.
    NeedsReview {
        /// The markdown file.
        path: PathBuf,
        /// Whether an earlier import of the same release was replaced.
        replaced: bool,
        /// What to look at before removing `draft: true`.
        reasons: Vec<Note>,
        /// What was inferred or removed, for the editor's information.
        notes: Vec<Note>,
    },
    /// Not written, and nothing is wrong with the text.
    Skipped {
        /// The existing file that was left alone, if that is the reason.
        path: Option<PathBuf>,
        /// Why.
        reason: String,
    },
    /// The text could not be imported.
    Failed {
        /// Where and why, and how to fix it.
        diagnostic: ImportDiagnostic,
    },
}

/// One text given to the import and what became of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportEntry {
    /// The text file, as given.
    pub source: PathBuf,
    /// What happened to it.
    pub outcome: Outcome,
    /// In a dry run, the file that would have been written.
    pub content: Option<String>,
}

/// How many texts ended in each outcome.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportCounts {
    /// Imported and ready.
    pub imported: usize,
    /// Written as drafts that need a human look.
    pub needs_review: usize,
    /// Left alone.
    pub skipped: usize,
    /// Not importable.
    pub failed: usize,
}

/// The result of an import run, one entry per text in the order given.
/// Its `Display` is the text a command line prints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportReport {
    /// One entry per text.
    pub entries: Vec<ImportEntry>,
    /// Whether nothing was written.
    pub dry_run: bool,
}

impl ImportReport {
    /// How many texts ended in each outcome.
    pub fn counts(&self) -> ImportCounts {
        let mut counts = ImportCounts::default();
        for entry in &self.entries {
            match entry.outcome {
                Outcome::Imported { .. } => counts.imported += 1,
                Outcome::NeedsReview { .. } => counts.needs_review += 1,
                Outcome::Skipped { .. } => counts.skipped += 1,
                Outcome::Failed { .. } => counts.failed += 1,
            }
        }
        counts
    }
}

impl fmt::Display for ImportCounts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "imported {}, needs review {}, skipped {}, failed {}",
            self.imported, self.needs_review, self.skipped, self.failed
        )
    }
}

impl fmt::Display for ImportReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.dry_run {
            writeln!(f, "dry run: nothing was written")?;
        }
        let would = if self.dry_run { "would be " } else { "" };
        for entry in &self.entries {
            let source = entry.source.display();
            match &entry.outcome {
                Outcome::Imported {
                    path,
                    replaced,
                    notes,
                } => {
                    let verb = if *replaced { "replaced" } else { "imported" };
                    writeln!(f, "{would}{verb}: {source} → {}", path.display())?;
                    write_notes(f, &entry.source, "note", notes)?;
                }
                Outcome::NeedsReview {
                    path,
                    replaced,
                    reasons,
                    notes,
                } => {
                    let verb = if *replaced { "replaced" } else { "imported" };
                    writeln!(
                        f,
                        "{would}{verb} as a draft, needs review: {source} → {}",
                        path.display()
                    )?;
                    write_notes(f, &entry.source, "needs review", reasons)?;
                    write_notes(f, &entry.source, "note", notes)?;
                }
                Outcome::Skipped { reason, .. } => {
                    writeln!(f, "{would}skipped: {source}: {reason}")?;
                }
                Outcome::Failed { diagnostic } => {
                    writeln!(f, "failed: {diagnostic}")?;
                }
            }
            if let Some(content) = &entry.content {
                for line in content.lines() {
                    if line.is_empty() {
                        writeln!(f, "    |")?;
                    } else {
                        writeln!(f, "    | {line}")?;
                    }
                }
            }
        }
        write!(f, "{}", self.counts())
    }
}

fn write_notes(
    f: &mut fmt::Formatter<'_>,
    source: &Path,
    kind: &str,
    notes: &[Note],
) -> fmt::Result {
    for note in notes {
        writeln!(
            f,
            "  {}:{}: {kind}: {}",
            source.display(),
            note.line,
            note.message
        )?;
    }
    Ok(())
}
