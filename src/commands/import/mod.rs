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
//!
//! An import knows the archive: a text whose release is already there (the
//! same date and the same or a near-identical title, in any language file) is
//! reported as a duplicate instead of becoming a second copy, unless `force`
//! is given. Slugs are short: a title's slug of more than [`MAX_SLUG`]
//! characters is made of its first few significant words.

mod dates;
mod parse;
mod render;
mod report;
mod titles;

use std::collections::HashSet;
use std::fs;
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};

pub use parse::{ImportError, Note, ParsedRelease, parse_release_bytes, parse_release_text};
pub use render::render_markdown;
pub use report::{ImportCounts, ImportDiagnostic, ImportEntry, ImportReport, Outcome};

use crate::util::slug::{is_valid_slug, slugify};

/// What to import, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportOptions {
    /// The plain-text files, imported in this order.
    pub files: Vec<PathBuf>,
    /// The language of the texts, e.g. `en`; it becomes the file-name suffix
    /// and chooses the slug transliteration.
    pub lang: String,
    /// The site's `content/` folder; releases go under `releases/` in it.
    pub content_dir: PathBuf,
    /// Replace a release imported earlier from the same text, and import a
    /// text whose release is already in the archive (under a new slug). Files
    /// of other releases are never replaced, even with `force`.
    pub force: bool,
    /// Compute everything but write nothing; the report carries the contents.
    pub dry_run: bool,
    /// Tags written into every imported release; usually empty, since an
    /// editor chooses tags per release.
    pub tags: Vec<String>,
}

/// The folder for releases whose date the text does not state.
const UNDATED: &str = "undated";

/// Imports every file of `opts`: reads, parses, chooses a unique path and
/// writes (unless `dry_run`). A file that cannot be imported is reported and
/// the others still are.
pub fn run_import(opts: &ImportOptions) -> ImportReport {
    let mut run = Run {
        opts,
        claimed: HashSet::new(),
        seen: HashSet::new(),
        archive: archive_index(&opts.content_dir.join("releases")),
    };
    let entries = opts
        .files
        .iter()
        .map(|source| {
            let (outcome, content) = run.import_one(source);
            ImportEntry {
                source: source.clone(),
                outcome,
                content,
            }
        })
        .collect();
    ImportReport {
        entries,
        dry_run: opts.dry_run,
    }
}

/// The state of one import run.
struct Run<'a> {
    opts: &'a ImportOptions,
    /// Target files chosen in this run, so two texts with the same title in
    /// one year get different slugs.
    claimed: HashSet<PathBuf>,
    /// Source files already handled, to skip a file listed twice.
    seen: HashSet<PathBuf>,
    /// The releases in the archive, and those this run has imported.
    archive: Vec<Known>,
}

/// A release file of the archive, as duplicate detection sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Known {
    path: PathBuf,
    /// `YYYY-MM-DD`, when the file has a date.
    date: Option<String>,
    /// The title, [`comparable`].
    title: String,
}

impl Run<'_> {
    fn import_one(&mut self, source: &Path) -> (Outcome, Option<String>) {
        match self.try_import(source) {
            Ok(done) => done,
            Err(diagnostic) => (Outcome::Failed { diagnostic }, None),
        }
    }

    fn try_import(&mut self, source: &Path) -> Result<(Outcome, Option<String>), ImportDiagnostic> {
        let opts = self.opts;
        check_options(opts, source)?;
        let identity = fs::canonicalize(source).unwrap_or_else(|_| source.to_owned());
        if !self.seen.insert(identity) {
            return Ok((
                Outcome::Skipped {
                    path: None,
                    reason: "the file is listed more than once; it was imported the first time"
                        .to_owned(),
                },
                None,
            ));
        }

        let bytes =
            fs::read(source).map_err(|err| crate::util::fs::io_diagnostic(source, &err, "read"))?;
        let mut parsed = parse_release_bytes(&bytes, &opts.lang)
            .map_err(|err| report::error_diagnostic(source, &err))?;

        let mut notes = std::mem::take(&mut parsed.notes);
        let folder = parsed
            .date
            .map_or_else(|| UNDATED.to_owned(), |d| d.format("%Y").to_string());
        let dir = opts.content_dir.join("releases").join(folder);
        let slug = base_slug(&parsed.title, source, &opts.lang, &mut notes);
        let target = self.choose_path(&dir, &slug, &parsed.title);
        let date = parsed.date.map(|d| d.format("%Y-%m-%d").to_string());
        if !target.existing
            && !opts.force
            && let Some(known) = self.duplicate_of(date.as_deref(), &parsed.title)
        {
            return Ok((
                Outcome::Skipped {
                    reason: format!(
                        "a duplicate of {}, which has the same {}; run again with --force to import it anyway",
                        known.path.display(),
                        if date.is_some() {
                            "date and title"
                        } else {
                            "title"
                        }
                    ),
                    path: Some(known.path.clone()),
                },
                None,
            ));
        }
        self.claimed.insert(target.path.clone());
        self.archive.push(Known {
            path: target.path.clone(),
            date,
            title: comparable(&parsed.title),
        });

        if target.existing && !opts.force {
            return Ok((
                Outcome::Skipped {
                    reason: format!(
                        "{} already exists; run again with --force to replace it",
                        target.path.display()
                    ),
                    path: Some(target.path),
                },
                None,
            ));
        }

        let content = render_markdown(&parsed, &opts.tags);
        if !opts.dry_run {
            write_release(&target.path, &content, target.existing)
                .map_err(|err| crate::util::fs::io_diagnostic(&target.path, &err, "write"))?;
        }
        let path = target.path;
        let replaced = target.existing;
        let outcome = if parsed.is_draft() {
            Outcome::NeedsReview {
                path,
                replaced,
                reasons: parsed.needs_review,
                notes,
            }
        } else {
            Outcome::Imported {
                path,
                replaced,
                notes,
            }
        };
        Ok((outcome, opts.dry_run.then_some(content)))
    }

    /// A release of the archive (or of this run) that the text's release
    /// already is: the same date (any date when the text states none) and a
    /// title that is the same once case, punctuation and spacing are ignored,
    /// or differs from it by a typo or two.
    fn duplicate_of(&self, date: Option<&str>, title: &str) -> Option<&Known> {
        let title = comparable(title);
        self.archive.iter().find(|known| {
            (date.is_none() || known.date.as_deref() == date)
                && (known.title == title
                    || strsim::normalized_levenshtein(&known.title, &title) >= NEAR_IDENTICAL)
        })
    }

    /// The first of `slug`, `slug-2`, `slug-3` … free in `dir`. A file of the
    /// same release (same title, same language) from an earlier import is
    /// the one to skip or replace; any other use of the slug, in any
    /// language or as a bundle folder, belongs to another release.
    fn choose_path(&self, dir: &Path, slug: &str, title: &str) -> Target {
        let lang = &self.opts.lang;
        for n in 1.. {
            let stem = if n == 1 {
                slug.to_owned()
            } else {
                format!("{slug}-{n}")
            };
            let path = dir.join(format!("{stem}.{lang}.md"));
            if self.claimed.contains(&path) {
                continue;
            }
            if path.exists() {
                if same_release(&path, title) {
                    return Target {
                        path,
                        existing: true,
                    };
                }
                continue;
            }
            if !stem_in_use(dir, &stem) {
                return Target {
                    path,
                    existing: false,
                };
            }
        }
        unreachable!("the suffixes never run out")
    }
}

/// Where a release goes, and whether an earlier import of it is there.
struct Target {
    path: PathBuf,
    existing: bool,
}

/// Options that make every file fail the same way: a language or tag that
/// could not be written into a valid file name or front matter.
fn check_options(opts: &ImportOptions, source: &Path) -> Result<(), ImportDiagnostic> {
    if !crate::config::is_language_tag(&opts.lang) {
        return Err(ImportDiagnostic::error(
            source,
            1,
            1,
            format!("`{}` is not a language code", opts.lang),
        )
        .with_help("give the texts’ language as a code such as `en`, `ru` or `kk`"));
    }
    if let Some(bad) = opts.tags.iter().find(|t| !is_valid_slug(t)) {
        return Err(ImportDiagnostic::error(
            source,
            1,
            1,
            format!("`{bad}` is not a valid tag key"),
        )
        .with_help(
            "tag keys are lower-case letters, digits and single hyphens, e.g. `prison-reform`",
        ));
    }
    Ok(())
}

/// The slug of the title; a text without a usable title is named after its
/// file instead, and the editor is told.
fn base_slug(title: &str, source: &Path, lang: &str, notes: &mut Vec<Note>) -> String {
    let slug = short_slug(title, lang);
    if !slug.is_empty() {
        return slug;
    }
    let stem = source
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let fallback = Some(slugify(&stem, lang))
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "release".to_owned());
    notes.push(Note {
        line: 1,
        message: format!(
            "the title gives no slug, so the file is named “{fallback}” after the text file; rename it when the title is set"
        ),
    });
    fallback
}

/// The longest slug import makes; old sites' titles run to a hundred
/// characters, which make unreadable URLs.
pub const MAX_SLUG: usize = 60;

/// The most words a shortened slug keeps.
const MAX_SLUG_WORDS: usize = 6;

/// How alike two titles must be (1.0: identical) to be the same release.
const NEAR_IDENTICAL: f64 = 0.9;

/// Words that carry no meaning in a slug, in the archive's languages.
const STOP_WORDS: &[&str] = &[
    "a",
    "an",
    "the",
    "of",
    "on",
    "in",
    "at",
    "to",
    "for",
    "and",
    "by",
    "with",
    "from",
    "its",
    "is",
    "are",
    "was",
    "were",
    "be",
    "has",
    "have",
    "в",
    "во",
    "на",
    "по",
    "и",
    "о",
    "об",
    "для",
    "с",
    "со",
    "к",
    "от",
    "из",
    "за",
    "при",
    "а",
    "мен",
    "бен",
    "пен",
    "және",
    "мен",
    "туралы",
    "жөніндегі",
    "бойынша",
];

/// The slug of `title`: the whole title's when it is at most [`MAX_SLUG`]
/// characters, otherwise its first significant words (at most
/// [`MAX_SLUG_WORDS`], without words such as "of" or "в") up to that length.
pub fn short_slug(title: &str, lang: &str) -> String {
    let full = slugify(title, lang);
    if full.len() <= MAX_SLUG {
        return full;
    }
    let mut slug = String::new();
    let mut words = 0;
    for word in title.split_whitespace() {
        let bare = word
            .trim_matches(|c: char| !c.is_alphanumeric())
            .to_lowercase();
        if STOP_WORDS.contains(&bare.as_str()) {
            continue;
        }
        let part = slugify(word, lang);
        if part.is_empty() {
            continue;
        }
        let len = slug.len() + usize::from(!slug.is_empty()) + part.len();
        if len > MAX_SLUG || words == MAX_SLUG_WORDS {
            break;
        }
        if !slug.is_empty() {
            slug.push('-');
        }
        slug.push_str(&part);
        words += 1;
    }
    if slug.is_empty() {
        // One word longer than the limit: cut it at a hyphen.
        let cut = &full[..MAX_SLUG];
        slug = cut[..cut.rfind('-').unwrap_or(MAX_SLUG)].to_owned();
    }
    slug
}

/// A title as duplicate detection compares it: lower case, letters and
/// digits only, single spaces.
fn comparable(title: &str) -> String {
    title
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Every release file under `releases` (the archive's `content/releases/`),
/// with its date and title as their front-matter lines give them.
fn archive_index(releases: &Path) -> Vec<Known> {
    let mut known = Vec::new();
    for entry in walkdir::WalkDir::new(releases)
        .sort_by_file_name()
        .into_iter()
        .flatten()
    {
        let path = entry.path();
        if !entry.file_type().is_file() || path.extension().is_none_or(|e| e != "md") {
            continue;
        }
        let Ok(text) = fs::read_to_string(path) else {
            continue;
        };
        let field = |key: &str| front_matter_value(&text, key);
        if let Some(title) = field("title") {
            known.push(Known {
                path: path.to_path_buf(),
                date: field("date").and_then(|d| d.get(..10).map(str::to_owned)),
                title: comparable(&title),
            });
        }
    }
    known
}

/// The value of the top-level `key:` line of the front matter, unquoted.
fn front_matter_value(text: &str, key: &str) -> Option<String> {
    let front = text.strip_prefix("---\n")?;
    front
        .lines()
        .take_while(|l| *l != "---")
        .find_map(|l| l.strip_prefix(key)?.strip_prefix(':'))
        .map(unquote)
}

/// Whether the markdown file at `path` is the same release as a text titled
/// `title`, judged by its `title:` line; case and spacing are ignored, so an
/// editor's fix to the capitals does not make it another release.
fn same_release(path: &Path, title: &str) -> bool {
    let Ok(text) = fs::read_to_string(path) else {
        return false;
    };
    front_matter_value(&text, "title")
        .is_some_and(|existing| normalise(&existing) == normalise(title))
}

fn unquote(value: &str) -> String {
    let value = value.trim();
    let Some(inner) = value.strip_prefix('"').and_then(|v| v.strip_suffix('"')) else {
        return value.trim_matches('\'').to_owned();
    };
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            out.extend(chars.next());
        } else {
            out.push(c);
        }
    }
    out
}

fn normalise(title: &str) -> String {
    title
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Whether any file or folder in `dir` already uses `stem` as its slug:
/// `stem.md`, `stem.<lang>.md` or the bundle folder `stem/`.
fn stem_in_use(dir: &Path, stem: &str) -> bool {
    let Ok(entries) = fs::read_dir(dir) else {
        return false;
    };
    entries.flatten().any(|entry| {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name == stem {
            return true;
        }
        name.strip_prefix(stem)
            .and_then(|rest| rest.strip_prefix('.'))
            .and_then(|rest| rest.strip_suffix(".md"))
            .is_some_and(|middle| !middle.contains('.'))
    })
}

fn write_release(path: &Path, content: &str, replace: bool) -> io::Result<()> {
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir)?;
    }
    if replace {
        return fs::write(path, content);
    }
    // create_new: a file that appeared since the path was chosen is not
    // overwritten.
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    file.write_all(content.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    const FORUM: &str = "Forum on probation\nASTANA, 11 December 2015 – The forum took place.\n";

    struct Site {
        dir: tempfile::TempDir,
    }

    impl Site {
        fn new() -> Self {
            Site {
                dir: tempfile::tempdir().unwrap(),
            }
        }

        fn text(&self, name: &str, text: &str) -> PathBuf {
            let path = self.dir.path().join("old").join(name);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(&path, text).unwrap();
            path
        }

        fn release(&self, rel: &str, text: &str) {
            let path = self.content().join("releases").join(rel);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, text).unwrap();
        }

        fn content(&self) -> PathBuf {
            self.dir.path().join("content")
        }

        fn options(&self, files: &[&PathBuf]) -> ImportOptions {
            ImportOptions {
                files: files.iter().map(|f| (*f).clone()).collect(),
                lang: "en".to_owned(),
                content_dir: self.content(),
                force: false,
                dry_run: false,
                tags: Vec::new(),
            }
        }

        /// The written paths relative to `content/releases`, or the outcome.
        fn targets(&self, report: &ImportReport) -> Vec<String> {
            let base = self.content().join("releases");
            report
                .entries
                .iter()
                .map(|e| match &e.outcome {
                    Outcome::Imported { path, .. } | Outcome::NeedsReview { path, .. } => {
                        path.strip_prefix(&base).unwrap().display().to_string()
                    }
                    other => format!("{other:?}"),
                })
                .collect()
        }
    }

    #[test]
    fn same_title_twice_in_one_run_gets_a_suffix() {
        let site = Site::new();
        // Three forums of one year with one title: three releases.
        let a = site.text("a.txt", FORUM);
        let b = site.text("b.txt", &FORUM.replace("11 December", "12 December"));
        let c = site.text("c.txt", &FORUM.replace("11 December", "13 December"));
        let report = run_import(&site.options(&[&a, &b, &c]));
        assert_eq!(
            site.targets(&report),
            [
                "2015/forum-on-probation.en.md",
                "2015/forum-on-probation-2.en.md",
                "2015/forum-on-probation-3.en.md"
            ]
        );
        // Run again: each text finds its own earlier file and is skipped.
        let again = run_import(&site.options(&[&a, &b, &c]));
        assert_eq!(again.counts().skipped, 3);
        let skipped: Vec<_> = again
            .entries
            .iter()
            .map(|e| match &e.outcome {
                Outcome::Skipped { path: Some(p), .. } => p.file_name().unwrap().to_owned(),
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(
            skipped,
            [
                "forum-on-probation.en.md",
                "forum-on-probation-2.en.md",
                "forum-on-probation-3.en.md"
            ]
        );
    }

    #[test]
    fn slugs_of_other_releases_are_not_taken() {
        let site = Site::new();
        // Another release with this slug, in English, in Russian, as a bundle.
        site.release(
            "2015/forum-on-probation.en.md",
            "---\ntitle: \"Another forum\"\ndate: 2015-01-01\n---\n\nText.\n",
        );
        site.release(
            "2015/forum-on-probation-2.ru.md",
            "---\ntitle: \"Форум\"\n---\n",
        );
        site.release(
            "2015/forum-on-probation-3/index.en.md",
            "---\ntitle: \"B\"\n---\n",
        );
        let a = site.text("a.txt", FORUM);
        let mut opts = site.options(&[&a]);
        opts.force = true;
        let report = run_import(&opts);
        assert_eq!(site.targets(&report), ["2015/forum-on-probation-4.en.md"]);
        let other = fs::read_to_string(
            site.content()
                .join("releases/2015/forum-on-probation.en.md"),
        );
        assert!(other.unwrap().contains("Another forum"));
    }

    #[test]
    fn an_earlier_import_is_replaced_only_with_force() {
        let site = Site::new();
        let a = site.text("a.txt", FORUM);
        run_import(&site.options(&[&a]));
        let written = site
            .content()
            .join("releases/2015/forum-on-probation.en.md");
        // The editor fixed the capitals of the title; it is still the same release.
        fs::write(
            &written,
            "---\ntitle: \"Forum on Probation\"\n---\n\nEdited.\n",
        )
        .unwrap();

        let report = run_import(&site.options(&[&a]));
        assert!(
            matches!(&report.entries[0].outcome, Outcome::Skipped { path: Some(p), .. } if *p == written)
        );
        assert!(
            report
                .to_string()
                .contains("already exists; run again with --force to replace it")
        );
        assert!(fs::read_to_string(&written).unwrap().contains("Edited."));

        let mut opts = site.options(&[&a]);
        opts.force = true;
        let report = run_import(&opts);
        assert!(matches!(
            report.entries[0].outcome,
            Outcome::Imported { replaced: true, .. }
        ));
        assert!(
            fs::read_to_string(&written)
                .unwrap()
                .contains("The forum took place.")
        );
    }

    #[test]
    fn a_release_already_in_the_archive_is_a_duplicate() {
        let site = Site::new();
        // An editor's version, under another slug, with its own capitals and
        // a typo fixed in the title.
        site.release(
            "2015/probation-forum.en.md",
            "---\ntitle: \"Forum on Probation.\"\ndate: 2015-12-11\n---\n\nText.\n",
        );
        site.release(
            "2015/probation-forum.ru.md",
            "---\ntitle: \"Форум по пробации\"\ndate: 2015-12-11\n---\n\nТекст.\n",
        );
        let a = site.text("a.txt", &FORUM.replace("Forum on", "Forum onn"));
        let report = run_import(&site.options(&[&a]));
        let existing = site.content().join("releases/2015/probation-forum.en.md");
        assert!(
            matches!(&report.entries[0].outcome, Outcome::Skipped { path: Some(p), reason } if *p == existing && reason.contains("same date and title")),
            "{report}"
        );
        // Another date: another release.
        let later = site.text("b.txt", &FORUM.replace("2015", "2016"));
        assert_eq!(
            site.targets(&run_import(&site.options(&[&later]))),
            ["2016/forum-on-probation.en.md"]
        );
        // A Russian text of the Russian release, imported in Russian.
        let ru = site.text(
            "ru.txt",
            "Форум по пробации\nАСТАНА, 11 декабря 2015 г. – Форум прошёл.\n",
        );
        let mut opts = site.options(&[&ru]);
        opts.lang = "ru".to_owned();
        assert_eq!(run_import(&opts).counts().skipped, 1);
        // --force writes it anyway, beside the one there.
        let mut opts = site.options(&[&a]);
        opts.force = true;
        assert_eq!(
            site.targets(&run_import(&opts)),
            ["2015/forum-onn-probation.en.md"]
        );
    }

    #[test]
    fn long_titles_get_short_slugs_of_significant_words() {
        let title =
            "OSCE co-organizes forum on re-socialization of convicted persons in Kazakhstan";
        assert_eq!(
            short_slug(title, "en"),
            "osce-co-organizes-forum-re-socialization-convicted-persons"
        );
        assert_eq!(short_slug("Forum on probation", "en"), "forum-on-probation");
        let ru = short_slug(
            "Программный офис ОБСЕ в Астане организовал ознакомительный визит в Бельгию по вопросам законодательства о пробации",
            "ru",
        );
        assert!(
            ru.len() <= MAX_SLUG && ru.starts_with("programmnyy-ofis-obse-astane"),
            "{ru}"
        );
        let long_word = "a".repeat(70) + "-" + &"b".repeat(70);
        let cut = short_slug(&long_word, "en");
        assert!(cut.len() <= MAX_SLUG && is_valid_slug(&cut), "{cut}");
    }

    #[test]
    fn undated_texts_go_to_the_undated_folder_as_drafts() {
        let site = Site::new();
        let a = site.text("a.txt", "Forum on probation\nThe forum took place.\n");
        let report = run_import(&site.options(&[&a]));
        assert_eq!(site.targets(&report), ["undated/forum-on-probation.en.md"]);
        assert_eq!(report.counts().needs_review, 1);
        let text = fs::read_to_string(
            site.content()
                .join("releases/undated/forum-on-probation.en.md"),
        )
        .unwrap();
        assert_eq!(
            text,
            "---\ntitle: \"Forum on probation\"\ndraft: true\n---\n\nThe forum took place.\n"
        );
    }

    #[test]
    fn dry_run_writes_nothing_and_shows_the_files() {
        let site = Site::new();
        let a = site.text("a.txt", FORUM);
        let mut opts = site.options(&[&a]);
        opts.dry_run = true;
        let report = run_import(&opts);
        assert!(!site.content().exists());
        let content = report.entries[0].content.as_deref().unwrap();
        assert!(content.starts_with("---\ntitle: \"Forum on probation\"\ndate: 2015-12-11\n"));
        let shown = report.to_string();
        assert!(shown.starts_with("dry run: nothing was written\nwould be imported: "));
        assert!(shown.contains("    | title: \"Forum on probation\"\n"));
        assert!(shown.ends_with("imported 1, needs review 0, skipped 0, failed 0"));
    }

    #[test]
    fn a_file_listed_twice_is_imported_once() {
        let site = Site::new();
        let a = site.text("a.txt", FORUM);
        let report = run_import(&site.options(&[&a, &a]));
        assert_eq!(report.counts().imported, 1);
        assert!(matches!(
            report.entries[1].outcome,
            Outcome::Skipped { path: None, .. }
        ));
    }

    #[test]
    fn titles_without_letters_are_named_after_the_file() {
        let site = Site::new();
        let a = site.text("Release 17.txt", "—\nASTANA, 11 December 2015 – Text.\n");
        let report = run_import(&site.options(&[&a]));
        assert_eq!(site.targets(&report), ["2015/release-17.en.md"]);
    }

    #[test]
    fn tags_and_language_are_checked() {
        let site = Site::new();
        let a = site.text("a.txt", FORUM);
        let mut opts = site.options(&[&a]);
        opts.tags = vec!["probation".to_owned(), "Not OK".to_owned()];
        let report = run_import(&opts);
        assert!(
            report
                .to_string()
                .contains("`Not OK` is not a valid tag key")
        );
        opts.tags = vec!["probation".to_owned()];
        opts.lang = "EN!".to_owned();
        assert!(
            run_import(&opts)
                .to_string()
                .contains("`EN!` is not a language code")
        );
        opts.lang = "kk".to_owned();
        let report = run_import(&opts);
        assert_eq!(site.targets(&report), ["2015/forum-on-probation.kk.md"]);
        let text = fs::read_to_string(
            site.content()
                .join("releases/2015/forum-on-probation.kk.md"),
        )
        .unwrap();
        assert!(text.contains("location: \"Astana\"\ntags: [probation]\n---\n"));
    }

    #[test]
    fn missing_and_bad_files_fail_alone() {
        let site = Site::new();
        let missing = site.dir.path().join("old/missing.txt");
        let empty = site.text("empty.txt", "");
        let a = site.text("a.txt", FORUM);
        let report = run_import(&site.options(&[&missing, &empty, &a]));
        assert_eq!(report.counts().failed, 2);
        assert_eq!(report.counts().imported, 1);
        let shown = report.to_string();
        assert!(shown.contains("missing.txt:1:1: error: cannot read the file"));
        assert!(shown.contains("empty.txt:1:1: error: the file is empty"));
        assert!(shown.ends_with("imported 1, needs review 0, skipped 0, failed 2"));
    }
}
