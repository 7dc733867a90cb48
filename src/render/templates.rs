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

use super::TemplateFiles;
use super::deps::{self, Dep};
use crate::config::{CONFIG_FILE, SiteConfig};
use crate::diagnostics::{Diagnostic, Diagnostics, relative};
use crate::document::yaml;
use crate::render::i18n::{Arg, I18n};
use crate::site::Urls;
use crate::theme::{BUILTIN_PREFIX, BUILTIN_THEME, Origin, Theme, ThemeFile};
use crate::util::hash::{hash_bytes, stable_hash};

/// A static file to copy to the output root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct StaticFile {
    /// The stable hash of its content.
    pub(crate) hash: u64,
    /// Output path, `/`-separated, relative to the output folder.
    pub(crate) rel: String,
    /// Where it comes from (the site's copy wins over the theme's).
    pub(crate) file: ThemeFile,
}

impl StaticFile {
    /// The file as it goes to the output.
    pub(crate) fn render(&self) -> Result<super::Rendered, Diagnostic> {
        Ok(super::Rendered {
            path: self.rel.clone(),
            bytes: self.file.read_bytes()?.into_owned(),
        })
    }
}

/// The compiled templates and static files of a theme with its site overrides.
pub struct TemplateSet {
    tera: Tera,
    files: TemplateFiles,
    pub(crate) statics: Vec<StaticFile>,
    /// Per template: the stable hash of its source.
    sources: HashMap<String, u64>,
    /// Per page template: the templates it is made of (itself, what it
    /// extends, includes and calls), as Tera resolved them at load.
    closures: HashMap<String, Vec<String>>,
    /// Per static file (output path): the stable hash of its content.
    static_hashes: Arc<BTreeMap<String, u64>>,
}

/// The search page's template, the one page template a theme may lack.
pub(crate) const SEARCH_TEMPLATE: &str = "search.html";

/// The output path of the generated search script (`search::search_js`).
pub(crate) const SEARCH_JS: &str = "js/search-core.js";

/// The templates a page is rendered with; the others are partials.
pub(crate) const PAGE_TEMPLATES: [&str; 10] = [
    "home.html",
    "search.html",
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
        let Some(theme) = Theme::of(config) else {
            return Err(missing_theme(config).into());
        };
        let mut problems = Diagnostics::new();
        let template_files = theme.overlay("templates", root, &mut problems);
        let static_files = theme.overlay("static", root, &mut problems);

        let mut sources = Vec::new();
        let mut files = HashMap::new();
        for (name, file) in &template_files {
            match file.read_text() {
                Ok(text) => {
                    sources.push((name.clone(), text));
                    files.insert(name.clone(), file.display.clone());
                }
                Err(d) => problems.push(d),
            }
        }
        for required in std::iter::once("base.html").chain(PAGE_TEMPLATES) {
            // A theme without a search page still gets the search index.
            if !files.contains_key(required) && required != SEARCH_TEMPLATE {
                let folder = match &theme {
                    Theme::Folder(dir) => relative(&dir.join("templates"), root),
                    Theme::Builtin => Path::new(BUILTIN_PREFIX).join("templates"),
                };
                problems.push(
                    Diagnostic::error(
                        folder,
                        1,
                        1,
                        format!("the theme has no `{required}` template"),
                    )
                    .with_help(format!("add templates/{required} to the site or the theme")),
                );
            }
        }

        let mut hashes = BTreeMap::new();
        let mut static_hashes = BTreeMap::new();
        let mut statics = Vec::new();
        let mut static_files = static_files;
        // With `search: true` (the default), the search page's word analysis, made from the Rust tables (see
        // `search::search_js`): a static file like the theme's, so it is
        // hashed for `asset()` and recorded as pages read it. A site's own
        // file of that name wins, as for any theme file.
        if config.search {
            static_files
                .entry(SEARCH_JS.to_owned())
                .or_insert_with(|| ThemeFile {
                    display: Path::new(BUILTIN_PREFIX).join("search.js"),
                    origin: Origin::Builtin(crate::search::search_js_static().as_bytes()),
                });
        }
        for (rel, file) in static_files {
            match file.read_bytes() {
                Ok(bytes) => {
                    let mut hasher = fnv::FnvHasher::default();
                    hasher.write(&bytes);
                    hashes.insert(rel.clone(), format!("{:08x}", hasher.finish() as u32));
                    let hash = hash_bytes(&bytes);
                    static_hashes.insert(rel.clone(), hash);
                    statics.push(StaticFile { hash, rel, file });
                }
                Err(d) => problems.push(d),
            }
        }
        if problems.has_errors() {
            return Err(problems);
        }

        let static_hashes = Arc::new(static_hashes);
        let make = |sources: Vec<(String, String)>| -> Result<Tera, tera::Error> {
            let mut tera = Tera::new();
            tera.autoescape_on([".html", ".htm", ".xml"]);
            register_functions(
                &mut tera,
                Arc::clone(&i18n),
                urls.clone(),
                hashes.clone(),
                Arc::clone(&static_hashes),
            );
            tera.add_raw_templates(sources)?;
            Ok(tera)
        };
        let tera = match make(sources.clone()) {
            Ok(tera) => tera,
            Err(e) => {
                return Err(match cycle_diagnostic(&e, &files, root) {
                    Some(located) => located.into(),
                    None => tera_diagnostics(&e, &files).into_iter().collect(),
                });
            }
        };
        let closures = closures(&sources, |subset| make(subset).is_ok());
        let sources = sources
            .iter()
            .map(|(name, text)| (name.clone(), stable_hash(text)))
            .collect();
        Ok(TemplateSet {
            tera,
            files,
            statics,
            sources,
            closures,
            static_hashes,
        })
    }

    /// Renders page template `name`, logging the templates it is made of.
    pub(crate) fn render(&self, name: &str, ctx: &Context) -> Result<String, Diagnostic> {
        let all: Vec<&String>;
        let used: Vec<&String> = match self.closures.get(name) {
            Some(names) => names.iter().collect(),
            None => {
                all = self.sources.keys().collect();
                all
            }
        };
        for template in used {
            deps::record(
                Dep::Template(template.clone()),
                self.template_hash(template),
            );
        }
        self.tera.render(name, ctx).map_err(|e| {
            let mut all = tera_diagnostics(&e, &self.files);
            all.swap_remove(0)
        })
    }

    /// Whether the templates have one named `name`.
    pub(crate) fn has(&self, name: &str) -> bool {
        self.sources.contains_key(name)
    }

    /// The hash of template `name`'s source ([`deps::ABSENT`] if there is none).
    pub(crate) fn template_hash(&self, name: &str) -> u64 {
        self.sources.get(name).copied().unwrap_or(deps::ABSENT)
    }

    /// The hash of static file `rel`'s content ([`deps::ABSENT`] if there is none).
    pub(crate) fn static_hash(&self, rel: &str) -> u64 {
        self.static_hashes.get(rel).copied().unwrap_or(deps::ABSENT)
    }
}

/// For each page template, the templates it needs, as Tera's own checks see
/// them: a page template compiles alone with the partials (templates that are
/// not page templates) when it extends, includes and calls nothing else, and
/// then it is made of itself and the partials; otherwise (it includes another
/// page template, say) of every template. `compiles` says whether Tera
/// accepts a set of templates.
fn closures(
    sources: &[(String, String)],
    compiles: impl Fn(Vec<(String, String)>) -> bool,
) -> HashMap<String, Vec<String>> {
    let is_page = |name: &str| PAGE_TEMPLATES.contains(&name);
    let partials: Vec<&(String, String)> =
        sources.iter().filter(|(name, _)| !is_page(name)).collect();
    let mut closures = HashMap::new();
    for (page, text) in sources.iter().filter(|(name, _)| is_page(name)) {
        let mut subset: Vec<(String, String)> = partials.iter().map(|&p| p.clone()).collect();
        subset.push((page.clone(), text.clone()));
        let names: Vec<String> = if compiles(subset.clone()) {
            subset.into_iter().map(|(name, _)| name).collect()
        } else {
            sources.iter().map(|(name, _)| name.clone()).collect()
        };
        closures.insert(page.clone(), names);
    }
    closures
}

fn register_functions(
    tera: &mut Tera,
    i18n: Arc<I18n>,
    urls: Urls,
    hashes: BTreeMap<String, String>,
    static_hashes: Arc<BTreeMap<String, u64>>,
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
    let i18n_for_html = Arc::clone(&i18n);
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
            let args = message_args(&kwargs);
            deps::record(Dep::Bundle(lang.clone()), i18n.fingerprint(&lang));
            i18n.message(&lang, &key, &args)
                .map_err(|e| tera::Error::message(e.to_string()))
        },
    );
    let html = Arc::clone(&i18n_for_html);
    tera.register_function(
        "t_html",
        SafeFunction(
            move |kwargs: Kwargs, state: &State<'_>| -> tera::TeraResult<String> {
                let key: &str = kwargs.must_get::<&str>("key")?;
                let page: String = state.get::<String>("lang")?.unwrap_or_default();
                // `lang=` asks for another language than the page's, as the
                // root chooser and `/404.html` do.
                let lang: String = match kwargs.get::<&str>("lang")? {
                    Some(lang) => lang.to_owned(),
                    None => page.clone(),
                };
                let args = message_args(&kwargs);
                deps::record(Dep::Bundle(lang.clone()), html.fingerprint(&lang));
                let text = html
                    .message(&lang, key, &args)
                    .map_err(|e| tera::Error::message(e.to_string()))?;
                let shown = html.message_language(&lang, key).unwrap_or(&lang);
                Ok(match lang_attributes(&html, &page, shown) {
                    Some(attrs) => format!("<span{attrs}>{}</span>", escape(&text)),
                    None => escape(&text),
                })
            },
        ),
    );
    let attrs = i18n_for_html;
    tera.register_function(
        "lang_attrs",
        SafeFunction(
            move |kwargs: Kwargs, state: &State<'_>| -> tera::TeraResult<String> {
                let code: &str = kwargs.must_get::<&str>("code")?;
                let lang: String = state.get::<String>("lang")?.unwrap_or_default();
                Ok(lang_attributes(&attrs, &lang, code).unwrap_or_default())
            },
        ),
    );
    tera.register_function("asset", move |kwargs: Kwargs, _: &State<'_>| -> tera::TeraResult<String> {
        let path: &str = kwargs.must_get::<&str>("path")?;
        let path = path.trim_start_matches('/');
        deps::record(
            Dep::Static(path.to_owned()),
            static_hashes.get(path).copied().unwrap_or(deps::ABSENT),
        );
        match hashes.get(path) {
            Some(hash) => Ok(format!("{}?v={hash}", urls.static_file(path))),
            None => Err(tera::Error::message(format!(
                "asset(path=\"{path}\"): there is no such file in the theme's or the site's static/ folder"
            ))),
        }
    });
}

/// The error for a `theme:` that names neither a folder under `themes/` nor
/// the built-in theme, at the `theme:` line of site.yaml.
fn missing_theme(config: &SiteConfig) -> Diagnostic {
    let text = std::fs::read_to_string(config.root.join(CONFIG_FILE)).unwrap_or_default();
    let (line, column) = yaml::find_value(&text, "theme", None).unwrap_or((1, 1));
    Diagnostic::error(
        CONFIG_FILE,
        line,
        column,
        format!(
            "the theme `{}` does not exist: there is no folder {}",
            config.theme,
            relative(&config.theme_dir(), &config.root).display()
        ),
    )
    .with_help(format!(
        "use the built-in theme with `theme: {BUILTIN_THEME}`, or put a theme folder under themes/"
    ))
}

/// The arguments of a `t()` call other than `key` and `lang`: numbers select
/// plural forms, everything else is text.
fn message_args(kwargs: &Kwargs) -> Vec<(String, Arg)> {
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
    args
}

/// ` lang="…"` (and ` dir="…"` when the direction differs) for text in
/// `shown` on a page in `page`; `None` when they are the same language, so
/// that screen readers switch voice only where the text does.
fn lang_attributes(i18n: &I18n, page: &str, shown: &str) -> Option<String> {
    if shown == page {
        return None;
    }
    let mut attrs = format!(" lang=\"{}\"", escape(shown));
    let dir = i18n.direction(shown);
    if dir != i18n.direction(page) {
        let _ = write!(attrs, " dir=\"{dir}\"");
    }
    Some(attrs)
}

pub(crate) fn escape(text: &str) -> String {
    let mut out = Vec::with_capacity(text.len());
    // Writing into a Vec cannot fail.
    let _ = tera::escape_html(text, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// A template function whose output is HTML the function has escaped itself.
struct SafeFunction<F>(F);

impl<F> tera::Function<tera::TeraResult<String>> for SafeFunction<F>
where
    F: Fn(Kwargs, &State<'_>) -> tera::TeraResult<String> + Sync + Send + 'static,
{
    fn call(&self, kwargs: Kwargs, state: &State<'_>) -> tera::TeraResult<String> {
        (self.0)(kwargs, state)
    }

    fn is_safe(&self) -> bool {
        true
    }
}

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

/// Converts a Tera error into diagnostics at the template's file and line:
/// one, or one per problem when Tera checked every template at once (unknown
/// filters, functions, includes). Never empty.
fn tera_diagnostics(err: &tera::Error, files: &TemplateFiles) -> Vec<Diagnostic> {
    let file_of = |name: &str| {
        files
            .get(name)
            .cloned()
            .unwrap_or_else(|| PathBuf::from(format!("templates/{name}")))
    };
    if let ErrorKind::Msg(message) = err.kind() {
        let reports = parse_reports(message);
        if !reports.is_empty() {
            return reports
                .into_iter()
                .map(|(name, line, column, message)| {
                    Diagnostic::error(file_of(name), line, column, format!("template error: {message}"))
                        .with_help("fix the template at this line; the filters and functions templates can use are listed in the README")
                })
                .collect();
        }
    }
    vec![match err.kind() {
        ErrorKind::SyntaxError(report) | ErrorKind::RenderingError(report) => {
            let span = report.span();
            // Tera lists the variables in scope, which differ between the
            // pages that share a partial: without the list, one mistake is
            // one error however many pages meet it.
            let mut message = match report.message().split_once(". Available variables: ") {
                Some((before, _)) => format!("{before}."),
                None => report.message().to_owned(),
            };
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
                .with_help("fix the template at this line; the variables each template gets are listed in the README")
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
    }]
}

/// The problems in Tera's text reports (`error: Unknown filter `x`` then
/// ` --> page.html:3:20`, one report per problem, blank lines between), as
/// (template, line, column, message).
fn parse_reports(text: &str) -> Vec<(&str, usize, usize, &str)> {
    let mut found = Vec::new();
    let mut message = None;
    for line in text.lines() {
        if let Some(m) = line.strip_prefix("error: ") {
            message = Some(m);
        } else if let Some(place) = line.trim_start().strip_prefix("--> ")
            && let Some(m) = message.take()
        {
            let mut parts = place.rsplitn(3, ':');
            let column = parts.next().and_then(|c| c.parse().ok());
            let line = parts.next().and_then(|l| l.parse().ok());
            if let (Some(column), Some(line), Some(name)) = (column, line, parts.next()) {
                found.push((name, line, column, m));
            }
        }
    }
    found
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
    fn tera_reports_become_one_diagnostic_each() {
        let text = "error: Unknown filter `nofilter`\n --> page.html:3:20\n  |\n3 | <p>{{ x | nofilter }}</p>\n  |       ^^^^\n\nerror: Unknown function `f`\n  --> partials/a.html:12:4\n   |";
        assert_eq!(
            parse_reports(text),
            [
                ("page.html", 3, 20, "Unknown filter `nofilter`"),
                ("partials/a.html", 12, 4, "Unknown function `f`")
            ]
        );
        assert!(parse_reports("no report here").is_empty());
    }

    #[test]
    fn a_page_is_made_of_itself_and_the_partials_unless_it_needs_more() {
        let all = sources(&[("base.html", "b"), ("tag.html", "t"), ("release.html", "r")]);
        // Everything compiles: each page needs itself and the partials.
        let closures = closures(&all, |_| true);
        assert_eq!(closures["tag.html"], ["base.html", "tag.html"]);
        assert_eq!(closures["release.html"], ["base.html", "release.html"]);
        // A page that does not compile without the other pages needs them all.
        let closures = closures_with(&all, "release.html");
        assert_eq!(closures["tag.html"], ["base.html", "tag.html"]);
        assert_eq!(closures["release.html"].len(), 3);
    }

    fn closures_with(all: &[(String, String)], needy: &str) -> HashMap<String, Vec<String>> {
        closures(all, |subset| {
            !subset.iter().any(|(n, _)| n == needy) || subset.len() == all.len()
        })
    }
}
