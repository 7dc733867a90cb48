//! The source walk: which files under `content/` make up the site.
//!
//! Identity and language come from the file name: `releases/2015/forum.ru.md`
//! is the Russian version of the release `2015/forum`; a file without a language
//! suffix is in the default language. A folder with an `index.<lang>.md` is a
//! bundle: the other files in it (images, PDFs) are copied beside the release's
//! pages. The walk is sorted, so every later stage sees files in the same order
//! on every machine, and walk errors (unreadable folders, symlink loops) are
//! reported, never skipped.

use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::config::{SiteConfig, is_language_tag};
use crate::diagnostics::{Diagnostic, Diagnostics, closest, relative};
use crate::util::fs::Confinement;

/// Which part of the site a document belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Section {
    /// `content/releases/`: dated press releases.
    Releases,
    /// `content/pages/`: static pages such as About.
    Pages,
}

impl Section {
    /// The folder name under `content/`.
    pub fn dir(self) -> &'static str {
        match self {
            Section::Releases => "releases",
            Section::Pages => "pages",
        }
    }
}

/// A markdown document found by the walk.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SourceDoc {
    /// Absolute path.
    pub path: PathBuf,
    /// Path relative to the site root, for messages.
    pub rel: PathBuf,
    /// Releases or pages.
    pub section: Section,
    /// The document's identity within its section, without language:
    /// `2015/penitentiary-forum`. Translations share it.
    pub key: String,
    /// The last part of the key: the slug unless front matter overrides it.
    pub stem: String,
    /// The language code.
    pub lang: String,
    /// Whether the document is the `index.<lang>.md` of a bundle folder.
    pub bundle: bool,
}

/// A non-markdown file in a bundle folder, copied beside the bundle's pages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceAsset {
    /// Absolute path.
    pub path: PathBuf,
    /// Path relative to the site root, for messages.
    pub rel: PathBuf,
    /// The section of the bundle.
    pub section: Section,
    /// The key of the bundle the file belongs to.
    pub bundle_key: String,
    /// Path of the file relative to its bundle folder.
    pub name: String,
}

/// Everything the walk found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SourceSet {
    /// Markdown documents, sorted by path.
    pub docs: Vec<SourceDoc>,
    /// Bundle assets, sorted by path.
    pub assets: Vec<SourceAsset>,
    /// `content/tags.yaml`, if present.
    pub tags_file: Option<PathBuf>,
    /// Warnings found on the way (files that no page uses).
    pub warnings: Diagnostics,
}

/// Whether a file name belongs to an editor or the OS rather than the editor's
/// content, so the walk (and the watcher) leave it alone.
pub fn is_ignored_name(name: &str) -> bool {
    name.starts_with('.')          // dotfiles, vim's .name.swp, emacs' .#name lock files
        || name.ends_with('~')     // emacs and gedit backups
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || (name.starts_with('#') && name.ends_with('#')) // emacs auto-save
        || name == "4913"          // vim's probe file for write permission
        || name == "Thumbs.db"
        || name == "desktop.ini"
}

/// Walks `content/` and classifies what it finds.
pub fn walk(config: &SiteConfig) -> Result<SourceSet, Diagnostics> {
    let files = list_files(config)?;
    classify(config, &files)
}

/// Every file under `content/` that is not an editor's or the OS's, sorted.
pub fn list_files(config: &SiteConfig) -> Result<Vec<PathBuf>, Diagnostics> {
    let root = &config.root;
    let content = config.content_dir();
    let mut problems = Diagnostics::new();
    if !content.is_dir() {
        problems.push(
            Diagnostic::error(
                relative(&content, root),
                1,
                1,
                "the content folder does not exist",
            )
            .with_help("create `content/releases/` and put release files in it"),
        );
        return Err(problems);
    }

    let tags = content.join("tags.yaml");
    if tags.is_dir() {
        problems.push(
            Diagnostic::error(relative(&tags, root), 1, 1, "the tag registry is a folder, not a file")
                .with_help("content/tags.yaml must be a YAML file mapping tag keys to labels; move the folder's files elsewhere and make it a file"),
        );
        return Err(problems);
    }
    if let Some(files) = plain_files(&content) {
        return Ok(files);
    }
    let mut files: Vec<PathBuf> = Vec::new();
    let confinement = Confinement::of(config);
    let mut walker = WalkDir::new(&content)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_ignored_name(&e.file_name().to_string_lossy()));
    while let Some(entry) = walker.next() {
        // A link out of the allowed folders is reported, and never read.
        if let Ok(e) = &entry
            && !confinement.admit(e, &mut problems, || walker.skip_current_dir())
        {
            continue;
        }
        match entry {
            Ok(entry) if entry.file_type().is_file() => files.push(entry.into_path()),
            Ok(_) => {}
            Err(err) => {
                let path = err
                    .path()
                    .map_or_else(|| content.clone(), Path::to_path_buf);
                let (message, help) = if err.loop_ancestor().is_some() {
                    (
                        "a symbolic link here points back to a folder that contains it".to_owned(),
                        "remove the link or point it outside `content/`",
                    )
                } else {
                    (
                        format!("cannot read this path: {err}"),
                        "check that it exists and is readable",
                    )
                };
                problems
                    .push(Diagnostic::error(relative(&path, root), 1, 1, message).with_help(help));
            }
        }
    }
    if problems.has_errors() {
        return Err(problems);
    }
    Ok(files)
}

/// Every file under `content`, as [`list_files`] lists them, when no entry
/// is a link and every folder reads: then the walk needs no `stat` per
/// entry (one that follows links asks for every entry's metadata, 30,000
/// calls at 10k × 3). `None` sends the caller to the walk that follows
/// links, checks where they lead and reports what cannot be read.
fn plain_files(content: &Path) -> Option<Vec<PathBuf>> {
    let mut files = Vec::new();
    let walk = WalkDir::new(content)
        .follow_links(false)
        .follow_root_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_ignored_name(&e.file_name().to_string_lossy()));
    for entry in walk {
        let entry = entry.ok()?;
        if entry.path_is_symlink() || entry.file_type().is_symlink() {
            return None;
        }
        if entry.file_type().is_file() {
            files.push(entry.into_path());
        }
    }
    Some(files)
}

/// Classifies the files of `content/` (as [`list_files`] gives them) into
/// documents, bundle assets and the tag registry. Touches no file, so watch
/// mode can run it after every change to the file list.
pub fn classify(config: &SiteConfig, files: &[PathBuf]) -> Result<SourceSet, Diagnostics> {
    let root = &config.root;
    let content = config.content_dir();
    let mut problems = Diagnostics::new();
    let mut set = SourceSet::default();

    // Bundles are the folders that hold an `index.md` or `index.<lang>.md`;
    // they must be known before their other files can be classified.
    let bundle_dirs: Vec<&Path> = files
        .iter()
        .filter(|p| is_markdown(p) && split_name(p).0 == "index")
        .filter_map(|p| p.parent())
        .collect();

    for path in files {
        let rel = relative(path, root);
        let inside = path.strip_prefix(&content).unwrap_or(path);
        let mut parts = inside.components();
        let first = parts
            .next()
            .map(|c| c.as_os_str().to_string_lossy().into_owned());
        let section = match first.as_deref() {
            Some("releases") => Section::Releases,
            Some("pages") => Section::Pages,
            Some("tags.yaml") if inside.components().count() == 1 => {
                set.tags_file = Some(path.clone());
                continue;
            }
            _ => {
                problems.push(
                    Diagnostic::warning(&rel, 1, 1, "this file is not part of the site and is ignored")
                        .with_help("releases go under `content/releases/`, static pages under `content/pages/`"),
                );
                continue;
            }
        };
        let section_dir = content.join(section.dir());
        let within = path.strip_prefix(&section_dir).unwrap_or(path);

        if !is_markdown(path) {
            match bundle_dirs.iter().filter(|d| path.starts_with(d)).max_by_key(|d| d.as_os_str().len()) {
                Some(dir) => {
                    let bundle_key = key_of(dir.strip_prefix(&section_dir).unwrap_or(dir));
                    let name = key_of(path.strip_prefix(dir).unwrap_or(path));
                    set.assets.push(SourceAsset { path: path.clone(), rel, section, bundle_key, name });
                }
                None => problems.push(
                    Diagnostic::warning(&rel, 1, 1, "this file is not inside a release bundle, so no page uses it")
                        .with_help("put it in a bundle folder beside the release, e.g. `releases/2015/forum/index.en.md` and `releases/2015/forum/photo.jpg`"),
                ),
            }
            continue;
        }

        let (stem, suffix) = split_name(path);
        let lang = match suffix {
            None => config.default_language().code.clone(),
            Some(code) if config.language(&code).is_some() => code,
            Some(code) => {
                let codes: Vec<&str> = config.languages.iter().map(|l| l.code.as_str()).collect();
                let mut help = format!(
                    "the site's languages are {}; add `{code}` to `languages` in site.yaml or rename the file",
                    codes.join(", ")
                );
                if let Some(best) = closest(&code, codes.iter().copied()) {
                    help = format!("did you mean `.{best}.md`? {help}");
                }
                problems.push(
                    Diagnostic::error(
                        &rel,
                        1,
                        1,
                        format!("the language suffix `{code}` is not a language of this site"),
                    )
                    .with_help(help),
                );
                continue;
            }
        };
        let (key, stem, bundle) = if stem == "index" {
            let dir = within.parent().unwrap_or(Path::new(""));
            if dir.as_os_str().is_empty() {
                problems.push(
                    Diagnostic::error(&rel, 1, 1, format!("an index file directly under `content/{}/` has no name to publish under", section.dir()))
                        .with_help("move it into a folder named after the release, e.g. `2015/forum/index.en.md`"),
                );
                continue;
            }
            let name = dir
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            (key_of(dir), name, true)
        } else {
            let dir = within.parent().unwrap_or(Path::new(""));
            (key_of(&dir.join(&stem)), stem, false)
        };
        set.docs.push(SourceDoc {
            path: path.clone(),
            rel,
            section,
            key,
            stem,
            lang,
            bundle,
        });
    }

    if problems.has_errors() {
        // Warnings travel with the set in the success case; on failure every
        // problem found so far is reported together.
        return Err(problems);
    }
    set.warnings = problems;
    // Sorted by path whatever order the files came in: watch mode finds a
    // changed document by binary search.
    if !set.docs.is_sorted_by(|a, b| a.path <= b.path) {
        set.docs.sort_by(|a, b| a.path.cmp(&b.path));
    }
    Ok(set)
}

impl SourceSet {
    /// The position in `docs` of the document at `path` (absolute).
    pub fn position(&self, path: &Path) -> Option<usize> {
        self.docs
            .binary_search_by(|d| d.path.as_path().cmp(path))
            .ok()
    }

    /// Documents of one section.
    pub fn section(&self, section: Section) -> impl Iterator<Item = &SourceDoc> {
        self.docs.iter().filter(move |d| d.section == section)
    }
}

fn is_markdown(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "md")
}

/// Splits `name.ru.md` into (`name`, Some(`ru`)); a suffix that is not shaped
/// like a language tag is part of the name (`v1.2.md`).
fn split_name(path: &Path) -> (String, Option<String>) {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    match stem.rsplit_once('.') {
        Some((name, suffix)) if is_language_tag(suffix) || looks_like_language(suffix) => {
            (name.to_owned(), Some(suffix.to_owned()))
        }
        _ => (stem, None),
    }
}

/// A two- or three-letter suffix is meant as a language even when it is not a
/// valid tag (`.RU.md`), so that it is reported instead of becoming a slug.
fn looks_like_language(suffix: &str) -> bool {
    (2..=3).contains(&suffix.len()) && suffix.bytes().all(|b| b.is_ascii_alphabetic())
}

/// A relative path as a `/`-separated key, the same on every OS.
fn key_of(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_split_into_stem_and_language() {
        assert_eq!(
            split_name(Path::new("a/forum.ru.md")),
            ("forum".into(), Some("ru".into()))
        );
        assert_eq!(split_name(Path::new("forum.md")), ("forum".into(), None));
        assert_eq!(
            split_name(Path::new("report-v1.2.md")),
            ("report-v1.2".into(), None)
        );
        assert_eq!(
            split_name(Path::new("forum.pt-BR.md")),
            ("forum".into(), Some("pt-BR".into()))
        );
        assert_eq!(
            split_name(Path::new("forum.RU.md")),
            ("forum".into(), Some("RU".into()))
        );
    }

    #[test]
    fn editor_files_are_ignored() {
        for name in [
            ".forum.md.swp",
            "forum.md~",
            "#forum.md#",
            ".#forum.md",
            "4913",
            ".DS_Store",
        ] {
            assert!(is_ignored_name(name), "{name}");
        }
        for name in ["forum.en.md", "photo.jpg", "index.md"] {
            assert!(!is_ignored_name(name), "{name}");
        }
    }
}
