//! Diagnostics: the errors and warnings an editor reads.
//!
//! Every stage of the pipeline reports problems in the input as [`Diagnostic`]s
//! that point at `path:line:column`, say what is wrong and how to fix it. A stage
//! collects all of them in a [`Diagnostics`] value and carries on where it can,
//! so one build shows every problem at once instead of stopping at the first.
//!
//! The same diagnostics are written for people (`path:line:col: error: …`,
//! which editors and terminals make clickable, coloured by [`Diagnostic::styled`]
//! where the binary's terminal allows), and for tools by
//! [`Diagnostics::format`]: JSON, or GitHub workflow annotations that mark the
//! lines in a pull request.

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
        write!(
            f,
            "{}:{}:{}: {}: {}",
            self.path.display(),
            self.line,
            self.column,
            self.severity_word(),
            self.message
        )?;
        if let Some(help) = &self.help {
            write!(f, "\n  help: {help}")?;
        }
        Ok(())
    }
}

/// The style of the word `error`.
pub const ERROR: anstyle::Style = anstyle::AnsiColor::Red.on_default().bold();
/// The style of the word `warning`.
pub const WARNING: anstyle::Style = anstyle::AnsiColor::Yellow.on_default().bold();
/// The style of the word `help`.
pub const HELP: anstyle::Style = anstyle::AnsiColor::Cyan.on_default().bold();
/// The style of a diagnostic's location.
pub const LOCATION: anstyle::Style = anstyle::Style::new().bold();

impl Diagnostic {
    /// The same text as [`fmt::Display`], with ANSI styles on the location
    /// and the words `error`, `warning` and `help`. The binary writes it
    /// through `anstream`, which removes the styles where colour is off.
    pub fn styled(&self) -> String {
        let (kind, style) = match self.severity {
            Severity::Error => ("error", ERROR),
            Severity::Warning => ("warning", WARNING),
        };
        let mut out = format!(
            "{LOCATION}{}:{}:{}:{LOCATION:#} {style}{kind}{style:#}: {}",
            self.path.display(),
            self.line,
            self.column,
            self.message
        );
        if let Some(help) = &self.help {
            out.push_str(&format!("\n  {HELP}help{HELP:#}: {help}"));
        }
        out
    }

    /// The severity as a word: `error` or `warning`.
    pub fn severity_word(&self) -> &'static str {
        match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// How [`Diagnostics::format`] writes diagnostics for tools.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `path:line:col: error: message` and a `help:` line, as people read them.
    Text,
    /// A JSON array of objects with `file`, `line`, `column`, `severity`,
    /// `message` and `help` (null when there is none).
    Json,
    /// GitHub Actions workflow commands (`::error file=…,line=…::…`), which
    /// mark the lines in a pull request.
    Github,
}

/// A [`Diagnostic`] as [`Format::Json`] writes it.
#[derive(serde::Serialize)]
struct JsonDiagnostic<'a> {
    file: String,
    line: usize,
    column: usize,
    severity: &'static str,
    message: &'a str,
    help: Option<&'a str>,
}

/// Escapes the message part of a workflow command.
fn github_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property (`file=…`) of a workflow command.
fn github_property(text: &str) -> String {
    github_data(text).replace(':', "%3A").replace(',', "%2C")
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

    /// Every diagnostic, sorted, in `format`, ending with a newline (JSON
    /// writes `[]` when there is none; the other formats nothing).
    pub fn format(&self, format: Format) -> String {
        let sorted = self.sorted();
        match format {
            Format::Text => sorted.iter().map(|d| format!("{d}\n")).collect(),
            Format::Json => {
                let items: Vec<JsonDiagnostic<'_>> = sorted
                    .iter()
                    .map(|d| JsonDiagnostic {
                        // `/` on every platform, as in the text form.
                        file: d.path.to_string_lossy().replace('\\', "/"),
                        line: d.line,
                        column: d.column,
                        severity: d.severity_word(),
                        message: &d.message,
                        help: d.help.as_deref(),
                    })
                    .collect();
                let mut out = serde_json::to_string_pretty(&items).unwrap_or_default();
                out.push('\n');
                out
            }
            Format::Github => sorted
                .iter()
                .map(|d| {
                    let mut message = d.message.clone();
                    if let Some(help) = &d.help {
                        message.push_str(&format!("\nhelp: {help}"));
                    }
                    format!(
                        "::{} file={},line={},col={}::{}\n",
                        d.severity_word(),
                        github_property(&d.path.to_string_lossy().replace('\\', "/")),
                        d.line,
                        d.column,
                        github_data(&message)
                    )
                })
                .collect(),
        }
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
    fn styled_text_is_the_plain_text_with_styles() {
        let d = Diagnostic::warning("a.md", 1, 2, "odd").with_help("fix it");
        let styled = d.styled();
        assert_ne!(styled, d.to_string());
        let mut plain = Vec::new();
        let mut stream = anstream::StripStream::new(&mut plain);
        std::io::Write::write_all(&mut stream, styled.as_bytes()).unwrap();
        assert_eq!(String::from_utf8(plain).unwrap(), d.to_string());
        assert!(styled.contains("\u{1b}[1m\u{1b}[33mwarning"), "{styled:?}");
    }

    #[test]
    fn formats_for_tools() {
        let mut all = Diagnostics::new();
        all.push(Diagnostic::warning("b.md", 4, 1, "50% done, nearly").with_help("a\nb"));
        all.push(Diagnostic::error("a,x/a:b.md", 2, 3, "bad"));
        assert_eq!(
            all.format(Format::Github),
            "::error file=a%2Cx/a%3Ab.md,line=2,col=3::bad\n\
             ::warning file=b.md,line=4,col=1::50%25 done, nearly%0Ahelp: a%0Ab\n"
        );
        let json: serde_json::Value = serde_json::from_str(&all.format(Format::Json)).unwrap();
        assert_eq!(
            json,
            serde_json::json!([
                {"file": "a,x/a:b.md", "line": 2, "column": 3, "severity": "error", "message": "bad", "help": null},
                {"file": "b.md", "line": 4, "column": 1, "severity": "warning", "message": "50% done, nearly", "help": "a\nb"}
            ])
        );
        assert_eq!(Diagnostics::new().format(Format::Json), "[]\n");
        assert_eq!(
            all.format(Format::Text),
            "a,x/a:b.md:2:3: error: bad\nb.md:4:1: warning: 50% done, nearly\n  help: a\nb\n"
        );
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
