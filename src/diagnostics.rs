//! Diagnostics: the errors and warnings an editor reads.
//!
//! Every stage of the pipeline reports problems in the input as [`Diagnostic`]s
//! that point at `path:line:column`, say what is wrong and how to fix it. A stage
//! collects all of them in a [`Diagnostics`] value and carries on where it can,
//! so one build shows every problem at once instead of stopping at the first.

use std::fmt;
use std::path::{Path, PathBuf};

/// How serious a diagnostic is: errors fail the build, warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The build cannot produce correct output.
    Error,
    /// Something an editor should look at; the output is still produced.
    Warning,
}

/// One problem in the input, with its location.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// The file, relative to the site root where possible.
    pub path: PathBuf,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, counted in characters.
    pub column: usize,
    /// What is wrong.
    pub message: String,
    /// How to fix it, when there is something useful to say.
    pub help: Option<String>,
}

impl Diagnostic {
    /// An error at `path:line:column`.
    pub fn error(
        path: impl Into<PathBuf>,
        line: usize,
        column: usize,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity: Severity::Error,
            path: path.into(),
            line: line.max(1),
            column: column.max(1),
            message: message.into(),
            help: None,
        }
    }

    /// A warning at `path:line:column`.
    pub fn warning(
        path: impl Into<PathBuf>,
        line: usize,
        column: usize,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(path, line, column, message)
        }
    }

    /// Adds the "how to fix it" part.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Whether this diagnostic fails the build.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(
            f,
            "{}:{}:{}: {kind}: {}",
            self.path.display(),
            self.line,
            self.column,
            self.message
        )?;
        if let Some(help) = &self.help {
            write!(f, "\n  help: {help}")?;
        }
        Ok(())
    }
}

/// A collector of diagnostics, so that a stage can report many problems and
/// fail once at its end.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// An empty collector.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records one diagnostic.
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.items.push(diagnostic);
    }

    /// Moves every diagnostic of `other` into this one.
    pub fn extend(&mut self, other: Diagnostics) {
        self.items.extend(other.items);
    }

    /// How many distinct errors (not warnings) were recorded. The same
    /// template error met while rendering many pages counts once, as it is
    /// printed once.
    pub fn error_count(&self) -> usize {
        self.sorted().into_iter().filter(|d| d.is_error()).count()
    }

    /// Whether any error was recorded.
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }

    /// All diagnostics, in a stable order: by path, then position, then message,
    /// so that parallel stages still print the same report every time.
    pub fn sorted(&self) -> Vec<&Diagnostic> {
        let mut all: Vec<&Diagnostic> = self.items.iter().collect();
        all.sort_by(|a, b| {
            (&a.path, a.line, a.column, a.severity, &a.message)
                .cmp(&(&b.path, b.line, b.column, b.severity, &b.message))
        });
        all.dedup();
        all
    }

    /// Whether nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Number of recorded diagnostics.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Iterates over the recorded diagnostics in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }
}

impl FromIterator<Diagnostic> for Diagnostics {
    fn from_iter<T: IntoIterator<Item = Diagnostic>>(iter: T) -> Self {
        Diagnostics {
            items: iter.into_iter().collect(),
        }
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(d: Diagnostic) -> Self {
        Diagnostics { items: vec![d] }
    }
}

/// Converts a byte offset in `text` into a 1-based line and a 1-based column
/// counted in characters, which is what editors expect for non-ASCII text.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..floor_char_boundary(text, offset)];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// The closest candidate to `wrong`, if one is close enough to be a likely typo.
pub fn closest<'a>(wrong: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::damerau_levenshtein(wrong, c), c))
        .filter(|(distance, c)| *distance <= (c.chars().count().max(3) / 3).max(2))
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, c)| c)
}

/// Makes `path` relative to `root` for display, leaving it as it is otherwise.
pub fn relative(path: &Path, root: &Path) -> PathBuf {
    path.strip_prefix(root)
        .map(Path::to_path_buf)
        .unwrap_or_else(|_| path.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_is_clickable() {
        let d = Diagnostic::error("content/a.md", 3, 7, "bad date").with_help("write 2015-12-11");
        assert_eq!(
            d.to_string(),
            "content/a.md:3:7: error: bad date\n  help: write 2015-12-11"
        );
    }

    #[test]
    fn line_col_counts_characters() {
        let text = "ab\nжзи\nx";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 3), (2, 1));
        // 'и' starts at byte 3 + 4 = 7: the third character of line 2.
        assert_eq!(line_col(text, 7), (2, 3));
        assert_eq!(line_col(text, 100), (3, 2));
        // An offset inside a character is moved back to its start.
        assert_eq!(line_col(text, 8), (2, 3));
    }

    #[test]
    fn closest_suggests_typos_only() {
        let fields = ["title", "date", "summary", "location"];
        assert_eq!(closest("titel", fields), Some("title"));
        assert_eq!(closest("locaton", fields), Some("location"));
        assert_eq!(closest("colour", fields), None);
    }

    #[test]
    fn sorted_is_stable_and_deduplicated() {
        let mut all = Diagnostics::new();
        all.push(Diagnostic::error("b.md", 1, 1, "x"));
        all.push(Diagnostic::error("a.md", 2, 1, "y"));
        all.push(Diagnostic::error("a.md", 2, 1, "y"));
        let order: Vec<String> = all.sorted().iter().map(|d| d.to_string()).collect();
        assert_eq!(order, ["a.md:2:1: error: y", "b.md:1:1: error: x"]);
        assert_eq!(all.error_count(), 2);
    }
}
