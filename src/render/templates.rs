//! Loading the theme: templates, static files and the template functions.
//!
//! A site overrides any theme file by putting one with the same relative path
//! under its own `templates/` or `static/`. Static files are hashed once so that
//! `asset()` can add a cache-busting query: browsers may then cache the
//! stylesheet for good, and a changed stylesheet still reaches them.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::hash::Hasher;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tera::{Context, ErrorKind, Kwargs, State, Tera};
use walkdir::WalkDir;

use super::TemplateFiles;
use crate::config::SiteConfig;
use crate::diagnostics::{Diagnostic, Diagnostics, relative};
use crate::render::i18n::{Arg, I18n};
use crate::site::Urls;
use crate::util::fs::{self, Confinement};

/// A static file to copy to the output root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct StaticFile {
    /// Output path, `/`-separated, relative to the output folder.
    pub(crate) rel: String,
    /// Where it comes from (the site's copy wins over the theme's).
    pub(crate) source: PathBuf,
}

/// The compiled templates and static files of a theme with its site overrides.
pub struct TemplateSet {
    tera: Tera,
    files: TemplateFiles,
    pub(crate) statics: Vec<StaticFile>,
    /// Per page template: a hash of every source its output can depend on.
    fingerprints: HashMap<String, u64>,
}

/// The templates a page is rendered with; the others are partials.
pub(crate) const PAGE_TEMPLATES: [&str; 9] = [
    "home.html",
    "release.html",
    "releases.html",
    "page.html",
    "404.html",
    "root.html",
    "tags.html",
    "tag.html",
    "year.html",
];

impl TemplateSet {
    /// Loads and compiles the templates; `t()` and `asset()` are bound to
    /// `i18n` and `urls`.
    pub fn load(
        config: &SiteConfig,
        urls: &Urls,
        i18n: Arc<I18n>,
    ) -> Result<TemplateSet, Diagnostics> {
        let root = &config.root;
        let theme = config.theme_dir();
        if !theme.is_dir() {
            return Err(Diagnostic::error(
                "site.yaml",
                1,
                1,
                format!(
                    "the theme `{}` does not exist: there is no folder {}",
                    config.theme,
                    relative(&theme, root).display()
                ),
            )
            .with_help("set `theme:` in site.yaml to a folder under themes/, e.g. `theme: osce`")
            .into());
        }
        let mut problems = Diagnostics::new();
        let confinement = Confinement::of(config);
        let template_files = overlay(
            &[theme.join("templates"), root.join("templates")],
            &mut problems,
            &confinement,
            root,
        );
        let static_files = overlay(
            &[theme.join("static"), root.join("static")],
            &mut problems,
            &confinement,
            root,
        );

        let mut sources = Vec::new();
        let mut files = HashMap::new();
        for (name, path) in &template_files {
            let display = relative(path, root);
            match fs::read_text(path, &display) {
                Ok(text) => {
                    sources.push((name.clone(), text));
                    files.insert(name.clone(), display);
                }
                Err(d) => problems.push(d),
            }
        }
        for required in std::iter::once("base.html").chain(PAGE_TEMPLATES) {
            if !files.contains_key(required) {
                problems.push(
                    Diagnostic::error(
                        relative(&theme.join("templates"), root),
                        1,
                        1,
                        format!("the theme has no `{required}` template"),
                    )
                    .with_help(format!("add templates/{required} to the site or the theme")),
                );
            }
        }

        let mut hashes = BTreeMap::new();
        let mut statics = Vec::new();
        for (rel, path) in &static_files {
            match std::fs::read(path) {
                Ok(bytes) => {
                    let mut hasher = fnv::FnvHasher::default();
                    hasher.write(&bytes);
                    hashes.insert(rel.clone(), format!("{:08x}", hasher.finish() as u32));
                    statics.push(StaticFile {
                        rel: rel.clone(),
                        source: path.clone(),
                    });
                }
                Err(e) => problems.push(fs::io_diagnostic(&relative(path, root), &e, "read")),
            }
        }
        if problems.has_errors() {
            return Err(problems);
        }

        let fingerprints = fingerprints(&sources, &hashes);
        let mut tera = Tera::new();
        tera.autoescape_on([".html", ".htm", ".xml"]);
        register_functions(&mut tera, i18n, urls.clone(), hashes);
        if let Err(e) = tera.add_raw_templates(sources) {
            let located = cycle_diagnostic(&e, &files, root);
            return Err(located
                .unwrap_or_else(|| tera_diagnostic(&e, &files))
                .into());
        }
        Ok(TemplateSet {
            tera,
            files,
            statics,
            fingerprints,
        })
    }

    /// What the output of pages rendered with `name` depends on in the
    /// theme: changes when one of those templates or a static file changes.
    pub(crate) fn fingerprint(&self, name: &str) -> u64 {
        self.fingerprints.get(name).copied().unwrap_or_default()
    }

    pub(crate) fn render(&self, name: &str, ctx: &Context) -> Result<String, Diagnostic> {
        self.tera
            .render(name, ctx)
            .map_err(|e| tera_diagnostic(&e, &self.files))
    }
}

/// For each page template, a hash of its own source, of every partial (any
/// template that is not a page template: pages extend and include them), of
/// any page template some template names in a string (included or extended by
/// name), and of the static files (`asset()` puts their hashes in URLs). Editing
/// `tag.html` thus leaves release pages alone, and editing `base.html` touches
/// every page.
fn fingerprints(
    sources: &[(String, String)],
    statics: &BTreeMap<String, String>,
) -> HashMap<String, u64> {
    use std::hash::Hash;
    let named = |name: &str| {
        sources.iter().any(|(_, text)| {
            text.contains(&format!("\"{name}\"")) || text.contains(&format!("'{name}'"))
        })
    };
    let is_page = |name: &str| PAGE_TEMPLATES.contains(&name);
    let shared: Vec<&(String, String)> = sources
        .iter()
        .filter(|(name, _)| !is_page(name) || named(name))
        .collect();
    PAGE_TEMPLATES
        .iter()
        .map(|&page| {
            let mut h = std::hash::DefaultHasher::new();
            for (name, text) in sources.iter().filter(|(n, _)| n == page) {
                (name, text).hash(&mut h);
            }
            shared.hash(&mut h);
            statics.hash(&mut h);
            (page.to_owned(), h.finish())
        })
        .collect()
}

fn register_functions(
    tera: &mut Tera,
    i18n: Arc<I18n>,
    urls: Urls,
    hashes: BTreeMap<String, String>,
) {
    let dates = Arc::clone(&i18n);
    tera.register_filter(
        "format_date",
        move |value: &str, _: Kwargs, state: &State<'_>| -> tera::TeraResult<String> {
            let lang: String = state.get::<String>("lang")?.unwrap_or_default();
            let date = value
                .get(..10)
                .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
            match date {
                Some(date) => Ok(dates.format_date(&lang, date)),
                None => Err(tera::Error::message(format!(
                    "format_date: `{value}` is not a YYYY-MM-DD date"
                ))),
            }
        },
    );
    let numbers = Arc::clone(&i18n);
    tera.register_filter(
        "format_number",
        move |value: i64, _: Kwargs, state: &State<'_>| -> tera::TeraResult<String> {
            let lang: String = state.get::<String>("lang")?.unwrap_or_default();
            Ok(numbers.format_number(&lang, value))
        },
    );
    tera.register_function(
        "t",
        move |kwargs: Kwargs, state: &State<'_>| -> tera::TeraResult<String> {
            let key: String = kwargs.must_get::<&str>("key")?.to_owned();
            // `lang=` asks for another language than the page's, e.g. for a
            // language chooser that speaks every language.
            let lang: String = match kwargs.get::<&str>("lang")? {
                Some(lang) => lang.to_owned(),
                None => state.get::<String>("lang")?.unwrap_or_default(),
            };
            let mut args = Vec::new();
            for (name, value) in kwargs.iter() {
                let Some(name) = name.as_str() else { continue };
                if name == "key" || name == "lang" {
                    continue;
                }
                let arg = match value.as_f64().or_else(|| value.as_i64().map(|n| n as f64)) {
                    Some(n) if value.is_number() => Arg::Num(n),
                    _ => Arg::Str(
                        value
                            .as_str()
                            .map_or_else(|| value.to_string(), str::to_owned),
                    ),
                };
                args.push((name.to_owned(), arg));
            }
            i18n.message(&lang, &key, &args)
                .map_err(|e| tera::Error::message(e.to_string()))
        },
    );
    tera.register_function("asset", move |kwargs: Kwargs, _: &State<'_>| -> tera::TeraResult<String> {
        let path: &str = kwargs.must_get::<&str>("path")?;
        let path = path.trim_start_matches('/');
        match hashes.get(path) {
            Some(hash) => Ok(format!("{}?v={hash}", urls.static_file(path))),
            None => Err(tera::Error::message(format!(
                "asset(path=\"{path}\"): there is no such file in the theme's or the site's static/ folder"
            ))),
        }
    });
}

/// Files under each of `dirs`, by `/`-separated relative path; later folders
/// win, so the site overrides the theme.
/// Links that lead out of the site and its theme are reported, not read.
fn overlay(
    dirs: &[PathBuf],
    problems: &mut Diagnostics,
    confinement: &Confinement,
    root: &Path,
) -> BTreeMap<String, PathBuf> {
    let mut files = BTreeMap::new();
    for dir in dirs.iter().filter(|d| d.is_dir()) {
        let mut walker = WalkDir::new(dir)
            .follow_links(true)
            .sort_by_file_name()
            .into_iter();
        while let Some(entry) = walker.next() {
            match entry {
                Ok(e) if let Some(escape) = confinement.check(&e) => {
                    problems.push(escape);
                    if e.file_type().is_dir() {
                        walker.skip_current_dir();
                    }
                }
                Ok(e) if e.file_type().is_file() => {
                    let name = e.file_name().to_string_lossy();
                    if crate::source::is_ignored_name(&name) {
                        continue;
                    }
                    let rel = e.path().strip_prefix(dir).unwrap_or(e.path());
                    let key: Vec<String> = rel
                        .components()
                        .map(|c| c.as_os_str().to_string_lossy().into_owned())
                        .collect();
                    files.insert(key.join("/"), e.into_path());
                }
                Ok(_) => {}
                Err(err) => {
                    let path = err.path().map_or_else(|| dir.clone(), Path::to_path_buf);
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
    }
    files
}

/// Converts a Tera error into a diagnostic at the template's file and line.
/// A cycle of `{% include %}` or `{% extends %}` reported at the tag that
/// closes it, in the file that has it; Tera names only the templates.
fn cycle_diagnostic(err: &tera::Error, files: &TemplateFiles, root: &Path) -> Option<Diagnostic> {
    let (keyword, verb, chain) = match err.kind() {
        ErrorKind::CircularInclude { include_chain, .. } => ("include", "include", include_chain),
        ErrorKind::CircularExtend {
            inheritance_chain, ..
        } => ("extends", "extend", inheritance_chain),
        _ => return None,
    };
    let (closing, target) = match chain.as_slice() {
        [.., closing, target] => (closing, target),
        [only] => (only, only),
        [] => return None,
    };
    let display = files.get(closing)?;
    let text = std::fs::read_to_string(root.join(display)).ok()?;
    let (line, column) = text.lines().enumerate().find_map(|(i, l)| {
        let at = l.find(keyword)?;
        (l.contains(&format!("\"{target}\"")) || l.contains(&format!("'{target}'")))
            .then(|| (i + 1, l[..at].rfind("{%").unwrap_or(at) + 1))
    })?;
    Some(
        Diagnostic::error(
            display,
            line,
            column,
            format!(
                "this `{keyword}` closes a circle of templates: {}",
                chain.join(" → ")
            ),
        )
        .with_help(format!("a template cannot {verb} itself, directly or through others; remove one link of the circle")),
    )
}

fn tera_diagnostic(err: &tera::Error, files: &TemplateFiles) -> Diagnostic {
    let file_of = |name: &str| {
        files
            .get(name)
            .cloned()
            .unwrap_or_else(|| PathBuf::from(format!("templates/{name}")))
    };
    match err.kind() {
        ErrorKind::SyntaxError(report) | ErrorKind::RenderingError(report) => {
            let span = report.span();
            let mut message = report.message().to_owned();
            let mut source = std::error::Error::source(err);
            while let Some(inner) = source {
                let _ = write!(message, ": {inner}");
                source = inner.source();
            }
            let kind = if matches!(err.kind(), ErrorKind::SyntaxError(_)) {
                "template syntax error"
            } else {
                "template error"
            };
            Diagnostic::error(file_of(report.filename()), span.start_line, span.start_col + 1, format!("{kind}: {message}"))
                .with_help("fix the template at this line; variables available to templates are listed in the README")
        }
        ErrorKind::MissingParent { current, parent } => Diagnostic::error(
            file_of(current),
            1,
            1,
            format!("the template extends `{parent}`, which does not exist"),
        )
        .with_help("check the name in `{% extends %}`"),
        ErrorKind::TemplateNotFound(name) => Diagnostic::error(
            PathBuf::from(format!("templates/{name}")),
            1,
            1,
            format!("the template `{name}` does not exist"),
        )
        .with_help("add it to the theme's or the site's templates/ folder"),
        _ => Diagnostic::error("templates", 1, 1, format!("template error: {err}"))
            .with_help("check the theme's templates"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sources(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(n, t)| ((*n).to_owned(), (*t).to_owned()))
            .collect()
    }

    #[test]
    fn a_page_template_change_touches_only_its_pages() {
        let statics = BTreeMap::new();
        let before = fingerprints(
            &sources(&[("base.html", "b"), ("tag.html", "t"), ("release.html", "r")]),
            &statics,
        );
        let after = fingerprints(
            &sources(&[
                ("base.html", "b"),
                ("tag.html", "t2"),
                ("release.html", "r"),
            ]),
            &statics,
        );
        assert_ne!(before["tag.html"], after["tag.html"]);
        assert_eq!(before["release.html"], after["release.html"]);
    }

    #[test]
    fn partials_statics_and_named_pages_touch_every_page() {
        let statics = BTreeMap::new();
        let base = sources(&[("base.html", "b"), ("tag.html", "t"), ("release.html", "r")]);
        let before = fingerprints(&base, &statics);
        let partial = fingerprints(
            &sources(&[
                ("base.html", "b2"),
                ("tag.html", "t"),
                ("release.html", "r"),
            ]),
            &statics,
        );
        let mut css = BTreeMap::new();
        css.insert("css/style.css".to_owned(), "0123abcd".to_owned());
        let styled = fingerprints(&base, &css);
        for page in PAGE_TEMPLATES {
            assert_ne!(before[page], partial[page], "{page}");
            assert_ne!(before[page], styled[page], "{page}");
        }
        // A page template that another includes by name counts as a partial.
        let including = |t: &str| {
            fingerprints(
                &sources(&[
                    ("base.html", "b"),
                    ("tag.html", t),
                    ("release.html", "{% include \"tag.html\" %}"),
                ]),
                &statics,
            )
        };
        assert_ne!(
            including("t")["release.html"],
            including("t2")["release.html"]
        );
    }
}
