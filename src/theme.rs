//! Where a theme's files come from: a folder under `themes/`, or the default
//! theme compiled into the binary.
//!
//! A new site (`pressroom init`) has no `themes/` folder: the default theme,
//! `osce`, is built into the program, so `cargo install` gives a tool that
//! builds a site anywhere. A site that has `themes/osce/` uses that folder
//! instead (to change the theme wholesale), and any site may still override a
//! theme file by putting one with the same relative path under its own
//! `templates/`, `static/` or `locales/`. Both sources give the same files, so
//! the output is byte-identical whichever one a build reads. Diagnostics name
//! built-in files `[builtin]/templates/base.html`, since they have no path on
//! disk.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

use include_dir::{Dir, include_dir};
use walkdir::WalkDir;

use crate::config::SiteConfig;
use crate::diagnostics::{Diagnostic, Diagnostics, relative};
use crate::util::fs;

/// The default theme's files, read at compile time from `themes/osce/` of
/// this repository (`build.rs` makes Cargo recompile when they change).
static BUILTIN: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/osce");

/// The name of the theme built into the binary.
pub const BUILTIN_THEME: &str = "osce";

/// How diagnostics name the folder of the built-in theme.
pub const BUILTIN_PREFIX: &str = "[builtin]";

/// The theme a site uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Theme {
    /// A folder on disk, `themes/<name>/` under the site root.
    Folder(PathBuf),
    /// The default theme compiled into the binary.
    Builtin,
}

/// One file of a theme or of the site's overrides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThemeFile {
    /// The path diagnostics show: relative to the site root, or under
    /// [`BUILTIN_PREFIX`].
    pub display: PathBuf,
    /// Where the bytes are.
    pub origin: Origin,
}

/// Where a [`ThemeFile`]'s bytes are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// A file on disk (absolute, or relative to the working directory).
    Disk(PathBuf),
    /// Bytes compiled into the binary.
    Builtin(&'static [u8]),
}

impl ThemeFile {
    /// The file's bytes.
    pub fn read_bytes(&self) -> Result<Cow<'static, [u8]>, Diagnostic> {
        match &self.origin {
            Origin::Disk(path) => std::fs::read(path)
                .map(Cow::Owned)
                .map_err(|e| fs::io_diagnostic(&self.display, &e, "read")),
            Origin::Builtin(bytes) => Ok(Cow::Borrowed(bytes)),
        }
    }

    /// The file as text, normalised as [`fs::read_text`] does.
    pub fn read_text(&self) -> Result<String, Diagnostic> {
        match &self.origin {
            Origin::Disk(path) => fs::read_text(path, &self.display),
            Origin::Builtin(bytes) => fs::decode_str(bytes, &self.display).map(Cow::into_owned),
        }
    }

    /// A value that changes when the file may have changed: its path, size
    /// and modification time on disk (cheap: nothing is read), or its bytes
    /// when built in. `None` when the file cannot be looked at.
    pub fn stamp(&self) -> Option<u64> {
        let mut h = std::hash::DefaultHasher::new();
        match &self.origin {
            Origin::Disk(path) => {
                let meta = std::fs::metadata(path).ok()?;
                (path, meta.modified().ok()?, meta.len()).hash(&mut h);
            }
            Origin::Builtin(bytes) => bytes.hash(&mut h),
        }
        Some(h.finish())
    }

    /// Whether the file is part of the built-in theme.
    pub fn is_builtin(&self) -> bool {
        matches!(self.origin, Origin::Builtin(_))
    }
}

impl Theme {
    /// The theme `config` names: its folder under `themes/` when there is
    /// one, otherwise the built-in theme if the name is its name; `None` when
    /// neither exists.
    pub fn of(config: &SiteConfig) -> Option<Theme> {
        let dir = config.theme_dir();
        if dir.is_dir() {
            Some(Theme::Folder(dir))
        } else if config.theme == BUILTIN_THEME {
            Some(Theme::Builtin)
        } else {
            None
        }
    }

    /// The theme's own files under `sub` (`templates`, `static`,
    /// `locales/en`), by `/`-separated path relative to `sub`, sorted.
    pub fn files(
        &self,
        sub: &str,
        root: &Path,
        problems: &mut Diagnostics,
    ) -> BTreeMap<String, ThemeFile> {
        match self {
            Theme::Folder(dir) => folder_files(
                &dir.join(sub),
                root,
                &fs::Confinement::new(root, std::slice::from_ref(dir)),
                problems,
            ),
            Theme::Builtin => {
                let mut files = BTreeMap::new();
                if let Some(dir) = BUILTIN.get_dir(sub) {
                    builtin_files(dir, sub, &mut files);
                }
                files
            }
        }
    }

    /// The files under `sub` of the theme with the site's own `sub` folder
    /// laid over it: a site file replaces the theme's file of the same path.
    pub fn overlay(
        &self,
        sub: &str,
        root: &Path,
        problems: &mut Diagnostics,
    ) -> BTreeMap<String, ThemeFile> {
        let mut files = self.files(sub, root, problems);
        files.extend(site_files(root, sub, problems));
        files
    }

    /// Whether this is the built-in theme.
    pub fn is_builtin(&self) -> bool {
        matches!(self, Theme::Builtin)
    }
}

/// The output paths of every static file a build of `config` copies: the
/// theme's and the site's. Unreadable folders are left to the render stage,
/// which reports them.
pub fn static_paths(config: &SiteConfig) -> std::collections::BTreeSet<String> {
    let mut ignored = Diagnostics::new();
    let root = &config.root;
    match Theme::of(config) {
        Some(theme) => theme.overlay("static", root, &mut ignored),
        None => site_files(root, "static", &mut ignored),
    }
    .into_keys()
    .collect()
}

/// The site's own files under `sub` (`templates`, `locales/ru`, …), keyed
/// like [`Theme::files`].
pub fn site_files(
    root: &Path,
    sub: &str,
    problems: &mut Diagnostics,
) -> BTreeMap<String, ThemeFile> {
    folder_files(
        &root.join(sub),
        root,
        &fs::Confinement::new(root, &[]),
        problems,
    )
}

/// Files of the built-in `dir` (whose path is `sub` inside the theme), keyed
/// by their path relative to `sub`.
fn builtin_files(dir: &'static Dir<'static>, sub: &str, files: &mut BTreeMap<String, ThemeFile>) {
    for file in dir.files() {
        let path = file.path();
        let name = path.file_name().map(|n| n.to_string_lossy());
        if name.is_some_and(|n| crate::source::is_ignored_name(&n)) {
            continue;
        }
        let key = key_of(path.strip_prefix(sub).unwrap_or(path));
        files.insert(
            key,
            ThemeFile {
                display: Path::new(BUILTIN_PREFIX).join(path),
                origin: Origin::Builtin(file.contents()),
            },
        );
    }
    for child in dir.dirs() {
        builtin_files(child, sub, files);
    }
}

/// Files under the folder `dir` (which need not exist), keyed by their
/// `/`-separated path relative to it. Unreadable entries are reported, and so
/// are links that lead out of the folders `confinement` allows (the site and
/// its theme): their targets are never read.
fn folder_files(
    dir: &Path,
    root: &Path,
    confinement: &fs::Confinement,
    problems: &mut Diagnostics,
) -> BTreeMap<String, ThemeFile> {
    let mut files = BTreeMap::new();
    if !dir.is_dir() && !dir.is_symlink() {
        return files;
    }
    let mut walker = WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter();
    while let Some(entry) = walker.next() {
        // A link out of the allowed folders is reported, and never read.
        if let Ok(e) = &entry
            && !confinement.admit(e, problems, || walker.skip_current_dir())
        {
            continue;
        }
        match entry {
            Ok(e) if e.file_type().is_file() => {
                if crate::source::is_ignored_name(&e.file_name().to_string_lossy()) {
                    continue;
                }
                let key = key_of(e.path().strip_prefix(dir).unwrap_or(e.path()));
                files.insert(
                    key,
                    ThemeFile {
                        display: relative(e.path(), root),
                        origin: Origin::Disk(e.into_path()),
                    },
                );
            }
            Ok(_) => {}
            Err(err) => {
                let path = err
                    .path()
                    .map_or_else(|| dir.to_path_buf(), Path::to_path_buf);
                problems.push(
                    Diagnostic::error(
                        relative(&path, root),
                        1,
                        1,
                        format!("cannot read this path: {err}"),
                    )
                    .with_help("check that it exists and is readable"),
                );
            }
        }
    }
    files
}

/// A relative path as `/`-separated text, the same on every platform.
fn key_of(rel: &Path) -> String {
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(root: &Path, theme: &str) -> SiteConfig {
        SiteConfig::parse(
            root,
            &format!("title: T\nbase_url: https://e.org\nlanguages: [en]\ntheme: {theme}\n"),
        )
        .unwrap()
    }

    #[test]
    fn the_builtin_theme_is_the_repository_folder() {
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut problems = Diagnostics::new();
        for sub in ["templates", "static", "locales"] {
            let built_in = Theme::Builtin.files(sub, repo, &mut problems);
            let folder = Theme::Folder(repo.join("themes/osce")).files(sub, repo, &mut problems);
            assert!(!built_in.is_empty(), "{sub}");
            assert_eq!(
                built_in.keys().collect::<Vec<_>>(),
                folder.keys().collect::<Vec<_>>(),
                "{sub}"
            );
            for (key, file) in &built_in {
                assert!(file.is_builtin());
                assert_eq!(
                    file.read_bytes().unwrap(),
                    folder[key].read_bytes().unwrap(),
                    "{key}"
                );
            }
        }
        assert!(problems.is_empty());
        let base = &Theme::Builtin.files("templates", repo, &mut problems)["base.html"];
        assert_eq!(base.display, Path::new("[builtin]/templates/base.html"));
        let en = Theme::Builtin.files("locales/en", repo, &mut problems);
        assert!(en.contains_key("main.ftl"), "{:?}", en.keys());
    }

    #[test]
    fn a_theme_folder_wins_over_the_builtin_theme() {
        let site = tempfile::tempdir().unwrap();
        assert_eq!(
            Theme::of(&config(site.path(), "osce")),
            Some(Theme::Builtin)
        );
        assert_eq!(Theme::of(&config(site.path(), "other")), None);
        std::fs::create_dir_all(site.path().join("themes/osce")).unwrap();
        assert_eq!(
            Theme::of(&config(site.path(), "osce")),
            Some(Theme::Folder(site.path().join("themes/osce")))
        );
    }

    #[test]
    fn site_files_override_theme_files() {
        let site = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(site.path().join("static/css")).unwrap();
        std::fs::write(site.path().join("static/css/style.css"), "body{}").unwrap();
        let mut problems = Diagnostics::new();
        let files = Theme::Builtin.overlay("static", site.path(), &mut problems);
        let css = &files["css/style.css"];
        assert_eq!(css.display, Path::new("static/css/style.css"));
        assert_eq!(&*css.read_bytes().unwrap(), b"body{}");
        assert!(files["favicon.svg"].is_builtin());
    }
}
