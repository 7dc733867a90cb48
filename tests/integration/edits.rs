//! A small generated site and every kind of edit an editor can make to it
//! while watch mode runs: releases and their front matter (links between
//! them, slugs, dates, drafts, embargoes, aliases, translation keys, bundles
//! and the files beside them), static pages and the menu, the tag registry,
//! the language settings of `site.yaml`, templates, locales and static files.
//!
//! The site's files are written from the state kept here, so each edit is a
//! change of that state followed by writing the files it touched. The
//! incremental tests apply edits (random or scripted), tell a session which
//! paths changed, and compare its output with a clean build.

use std::fmt::Write as _;
use std::path::PathBuf;

use proptest::prelude::*;

use crate::util::Site;

pub(crate) const SLUGS: [&str; 4] = ["alpha", "beta", "gamma", "delta"];
pub(crate) const YEARS: [i32; 3] = [2011, 2015, 2020];
pub(crate) const LANGS: [&str; 3] = ["en", "ru", "kk"];
pub(crate) const TAGS: [&str; 3] = ["probation", "prison-reform", "parole"];
/// Values of `slug:`, which override the file name in the URL.
const URL_SLUGS: [&str; 2] = ["renamed", "forum"];
const ALIASES: [&str; 2] = ["/old/one.html", "/old/two/"];
const PAGES: [&str; 2] = ["about", "contacts"];
/// Locales a language may name; the last one is not a locale.
const LOCALES: [&str; 4] = ["en-GB", "ru-KZ", "kk-KZ", "not a locale"];

/// One release file.
#[derive(Debug, Clone)]
pub(crate) struct Release {
    /// File name, folder (year) and language suffix: indices into the
    /// constants above.
    pub(crate) slug: usize,
    pub(crate) folder: usize,
    pub(crate) lang: usize,
    /// The year of `date` (the URL takes its year from here).
    date: usize,
    title: String,
    body: String,
    tags: u8,
    /// An unregistered tag: an error that names the file.
    broken: bool,
    url_slug: Option<usize>,
    draft: bool,
    /// `Some(true)`: an embargo after the build's fixed "now".
    embargo: Option<bool>,
    alias: Option<usize>,
    translation_key: Option<usize>,
    /// `@/…` link targets in the body.
    links: Vec<String>,
    /// Written as `<slug>/index.<lang>.md`.
    bundle: bool,
}

impl Release {
    fn new(slug: usize, folder: usize, lang: usize, tags: u8) -> Release {
        Release {
            slug,
            folder,
            lang,
            date: folder,
            title: format!("{} {}", SLUGS[slug], LANGS[lang]),
            body: format!("Body of {}.", SLUGS[slug]),
            tags,
            broken: false,
            url_slug: None,
            draft: false,
            embargo: None,
            alias: None,
            translation_key: None,
            links: vec!["pages/about.md".to_owned()],
            bundle: false,
        }
    }

    /// The bundle folder (or would-be folder) of this release.
    fn dir(&self) -> String {
        format!(
            "content/releases/{}/{}",
            YEARS[self.folder], SLUGS[self.slug]
        )
    }

    pub(crate) fn rel(&self) -> String {
        if self.bundle {
            format!("{}/index.{}.md", self.dir(), LANGS[self.lang])
        } else {
            format!("{}.{}.md", self.dir(), LANGS[self.lang])
        }
    }

    /// How another document links here: by file, with or without language.
    fn target(&self, explicit_lang: bool) -> String {
        let name = format!("releases/{}/{}", YEARS[self.folder], SLUGS[self.slug]);
        if explicit_lang {
            format!("{name}.{}.md", LANGS[self.lang])
        } else {
            format!("{name}.md")
        }
    }

    fn text(&self) -> String {
        let mut tags: Vec<&str> = TAGS
            .iter()
            .enumerate()
            .filter(|(i, _)| self.tags & (1 << i) != 0)
            .map(|(_, t)| *t)
            .collect();
        if self.broken {
            tags.push("probaton");
        }
        let mut front = format!(
            "title: \"{}\"\ndate: {}-0{}-1{}\ntags: [{}]\n",
            self.title,
            YEARS[self.date],
            self.slug + 1,
            self.lang,
            tags.join(", "),
        );
        if let Some(s) = self.url_slug {
            let _ = writeln!(front, "slug: {}", URL_SLUGS[s]);
        }
        if self.draft {
            front.push_str("draft: true\n");
        }
        if let Some(future) = self.embargo {
            let year = if future { 2027 } else { 2025 };
            let _ = writeln!(front, "embargo: {year}-06-01T09:00:00+06:00");
        }
        if let Some(a) = self.alias {
            let _ = writeln!(front, "aliases: [\"{}\"]", ALIASES[a]);
        }
        if let Some(k) = self.translation_key {
            let _ = writeln!(front, "translation_key: key-{k}");
        }
        let mut body = self.body.clone();
        for (n, target) in self.links.iter().enumerate() {
            let _ = write!(body, "\n\nSee [link {n}](@/{target}).");
        }
        format!("---\n{front}---\n\n{body}\n")
    }
}

/// One static page.
#[derive(Debug, Clone)]
struct Page {
    name: usize,
    lang: usize,
    title: String,
    body: String,
    weight: i64,
    draft: bool,
}

impl Page {
    fn rel(&self) -> String {
        format!("content/pages/{}.{}.md", PAGES[self.name], LANGS[self.lang])
    }

    fn text(&self) -> String {
        let draft = if self.draft { "draft: true\n" } else { "" };
        format!(
            "---\ntitle: \"{}\"\nweight: {}\n{draft}---\n\n{}\n",
            self.title, self.weight, self.body
        )
    }
}

/// One entry of `content/tags.yaml`.
#[derive(Debug, Clone)]
struct TagDef {
    registered: bool,
    label: String,
    description: Option<String>,
}

/// One language of `site.yaml`.
#[derive(Debug, Clone)]
struct Language {
    name: String,
    title: Option<String>,
    fallback: Option<usize>,
    locale: Option<usize>,
}

/// `site.yaml`.
#[derive(Debug, Clone)]
struct Config {
    /// Serves under a path (`/press/`) instead of at the domain's root.
    under_path: bool,
    pagination: usize,
    list_untranslated: bool,
    at_root: bool,
    languages: Vec<Language>,
}

impl Config {
    fn text(&self) -> String {
        let base = if self.under_path {
            "https://example.org/press"
        } else {
            "https://press.example.org"
        };
        let mut text = format!("title: Test press office\nbase_url: {base}\nlanguages:\n");
        for (l, language) in self.languages.iter().enumerate() {
            let _ = write!(
                text,
                "  - code: {}\n    name: \"{}\"\n",
                LANGS[l], language.name
            );
            if let Some(title) = &language.title {
                let _ = writeln!(text, "    title: \"{title}\"");
            }
            if let Some(f) = language.fallback {
                let _ = writeln!(text, "    fallback: {}", LANGS[f]);
            }
            if let Some(locale) = language.locale {
                let _ = writeln!(text, "    locale: \"{}\"", LOCALES[locale]);
            }
        }
        let _ = write!(
            text,
            "pagination: {}\nlist_untranslated: {}\ndefault_language_at_root: {}\n",
            self.pagination, self.list_untranslated, self.at_root
        );
        text
    }
}

/// An edit. Indices into the lists of releases or pages are taken modulo
/// their length, so any generated number names an existing document.
#[derive(Debug, Clone)]
pub(crate) enum Op {
    Create {
        slug: usize,
        year: usize,
        lang: usize,
        tags: u8,
    },
    EditBody(usize, String),
    EditTitle(usize, String),
    SetTags(usize, u8),
    /// Moves the file to another name and folder (its date follows).
    Rename(usize, usize, usize),
    Delete(usize),
    Break(usize),
    DeleteYear(usize),
    /// A link from release `.0` to release `.1`, naming its language or not.
    Link(usize, usize, bool),
    /// A link from release `.0` to a static page.
    LinkPage(usize, usize),
    Unlink(usize),
    /// `slug:` in front matter: the URL changes, the file does not.
    Slug(usize, Option<usize>),
    /// Another year in `date`: the URL changes, the file does not.
    Redate(usize, usize),
    Draft(usize, bool),
    Embargo(usize, Option<bool>),
    Alias(usize, Option<usize>),
    TranslationKey(usize, Option<usize>),
    /// Turns a release into a bundle folder or back.
    Bundle(usize, bool),
    /// Writes the file beside release `.0`'s bundle.
    BundleFile(usize, String),
    PageCreate {
        name: usize,
        lang: usize,
        weight: i64,
    },
    PageTitle(usize, String),
    /// Only the text: watch mode's quick path.
    PageBody(usize, String),
    PageWeight(usize, i64),
    PageDraft(usize, bool),
    PageDelete(usize),
    Template(String),
    Partial(String),
    Ftl(usize, String),
    /// A file of the site's `static/`: `None` deletes it.
    StaticFile(usize, Option<String>),
    /// The theme's stylesheet, whose hash is part of every page's URLs.
    ThemeStyle(String),
    Pagination(usize),
    /// `base_url` with a path or without.
    BaseUrl(bool),
    TagLabel(usize, String),
    TagDescription(usize, Option<String>),
    /// Registers a tag key or takes it out of `tags.yaml`.
    TagRegistered(usize, bool),
    LanguageName(usize, String),
    LanguageTitle(usize, Option<String>),
    LanguageFallback(usize, Option<usize>),
    LanguageLocale(usize, Option<usize>),
    ListUntranslated(bool),
    DefaultLanguageAtRoot(bool),
}

fn word() -> impl Strategy<Value = String> {
    "[a-zа-яәғқңөұүһі]{1,8}"
}

/// Mostly valid edits; some break the site (unknown tags and locales,
/// links to files that moved, two documents on one URL, fallback cycles).
pub(crate) fn op() -> impl Strategy<Value = Op> {
    let n = any::<usize>;
    prop_oneof![
        4 => (0..4usize, 0..3usize, 0..3usize, 0..8u8)
            .prop_map(|(slug, year, lang, tags)| Op::Create { slug, year, lang, tags }),
        3 => (n(), word()).prop_map(|(i, w)| Op::EditBody(i, w)),
        2 => (n(), word()).prop_map(|(i, w)| Op::EditTitle(i, w)),
        2 => (n(), 0..8u8).prop_map(|(i, t)| Op::SetTags(i, t)),
        2 => (n(), 0..4usize, 0..3usize).prop_map(|(i, s, y)| Op::Rename(i, s, y)),
        1 => n().prop_map(Op::Delete),
        1 => n().prop_map(Op::Break),
        1 => (0..3usize).prop_map(Op::DeleteYear),
        3 => (n(), n(), any::<bool>()).prop_map(|(i, j, l)| Op::Link(i, j, l)),
        1 => (n(), 0..2usize).prop_map(|(i, p)| Op::LinkPage(i, p)),
        1 => n().prop_map(Op::Unlink),
        2 => (n(), prop::option::of(0..2usize)).prop_map(|(i, s)| Op::Slug(i, s)),
        2 => (n(), 0..3usize).prop_map(|(i, y)| Op::Redate(i, y)),
        1 => (n(), any::<bool>()).prop_map(|(i, d)| Op::Draft(i, d)),
        1 => (n(), prop::option::of(any::<bool>())).prop_map(|(i, e)| Op::Embargo(i, e)),
        1 => (n(), prop::option::of(0..2usize)).prop_map(|(i, a)| Op::Alias(i, a)),
        1 => (n(), prop::option::of(0..2usize)).prop_map(|(i, k)| Op::TranslationKey(i, k)),
        1 => (n(), any::<bool>()).prop_map(|(i, b)| Op::Bundle(i, b)),
        1 => (n(), word()).prop_map(|(i, w)| Op::BundleFile(i, w)),
        1 => (0..2usize, 0..3usize, 0..3i64)
            .prop_map(|(name, lang, weight)| Op::PageCreate { name, lang, weight }),
        1 => (n(), word()).prop_map(|(i, w)| Op::PageTitle(i, w)),
        1 => (n(), word()).prop_map(|(i, w)| Op::PageBody(i, w)),
        1 => (n(), 0..3i64).prop_map(|(i, w)| Op::PageWeight(i, w)),
        1 => (n(), any::<bool>()).prop_map(|(i, d)| Op::PageDraft(i, d)),
        1 => n().prop_map(Op::PageDelete),
        1 => word().prop_map(Op::Template),
        1 => word().prop_map(Op::Partial),
        1 => (0..3usize, word()).prop_map(|(l, w)| Op::Ftl(l, w)),
        1 => (0..2usize, prop::option::of(word())).prop_map(|(k, w)| Op::StaticFile(k, w)),
        1 => word().prop_map(Op::ThemeStyle),
        1 => (1..4usize).prop_map(Op::Pagination),
        1 => any::<bool>().prop_map(Op::BaseUrl),
        1 => (0..3usize, word()).prop_map(|(t, w)| Op::TagLabel(t, w)),
        1 => (0..3usize, prop::option::of(word())).prop_map(|(t, w)| Op::TagDescription(t, w)),
        1 => (0..3usize, prop::bool::weighted(0.8)).prop_map(|(t, r)| Op::TagRegistered(t, r)),
        1 => (0..3usize, word()).prop_map(|(l, w)| Op::LanguageName(l, w)),
        1 => (0..3usize, prop::option::of(word())).prop_map(|(l, w)| Op::LanguageTitle(l, w)),
        1 => (0..3usize, prop::option::of(0..3usize)).prop_map(|(l, f)| Op::LanguageFallback(l, f)),
        1 => (0..3usize, prop::option::of(0..4usize)).prop_map(|(l, c)| Op::LanguageLocale(l, c)),
        1 => any::<bool>().prop_map(Op::ListUntranslated),
        1 => any::<bool>().prop_map(Op::DefaultLanguageAtRoot),
    ]
}

/// The basic fixture with its releases, pages, registry and configuration
/// replaced by ones kept here.
pub(crate) struct World {
    pub(crate) site: Site,
    pub(crate) releases: Vec<Release>,
    pages: Vec<Page>,
    tags: Vec<TagDef>,
    config: Config,
    base_html: String,
    card_html: String,
    style_css: String,
}

impl World {
    /// Two English releases in different years, each with the first tag, and
    /// an About page in English and Russian.
    pub(crate) fn new() -> World {
        let site = Site::fixture("basic");
        let root = site.root().to_path_buf();
        std::fs::remove_dir_all(root.join("content/releases")).unwrap();
        std::fs::remove_dir_all(root.join("content/pages")).unwrap();
        let theme = root.join("themes/osce");
        let read = |rel: &str| std::fs::read_to_string(theme.join(rel)).unwrap();
        let (base_html, card_html, style_css) = (
            read("templates/base.html"),
            read("templates/partials/release-card.html"),
            read("static/css/style.css"),
        );
        let language = |name: &str, title: Option<&str>, fallback| Language {
            name: name.to_owned(),
            title: title.map(str::to_owned),
            fallback,
            locale: None,
        };
        let mut world = World {
            site,
            releases: Vec::new(),
            pages: Vec::new(),
            tags: TAGS
                .iter()
                .map(|t| TagDef {
                    registered: true,
                    label: (*t).to_owned(),
                    description: None,
                })
                .collect(),
            config: Config {
                under_path: false,
                pagination: 2,
                list_untranslated: true,
                at_root: false,
                languages: vec![
                    language("English", None, None),
                    language("Русский", Some("Тестовый пресс-офис"), Some(0)),
                    language("Қазақша", None, Some(1)),
                ],
            },
            base_html,
            card_html,
            style_css,
        };
        world.write_config();
        world.write_tags();
        for slug in 0..2 {
            world.apply(&Op::Create {
                slug,
                year: slug,
                lang: 0,
                tags: 1,
            });
        }
        for lang in 0..2 {
            world.apply(&Op::PageCreate {
                name: 0,
                lang,
                weight: 1,
            });
        }
        world
    }

    fn abs(&self, rel: &str) -> PathBuf {
        self.site.root().join(rel)
    }

    /// The release written as `<slug>.<lang>.md` (or its bundle) in `year`.
    pub(crate) fn find(&self, slug: &str, year: i32, lang: &str) -> usize {
        self.releases
            .iter()
            .position(|r| SLUGS[r.slug] == slug && YEARS[r.folder] == year && LANGS[r.lang] == lang)
            .unwrap_or_else(|| panic!("no release {slug} {year} {lang}"))
    }

    fn pick(&self, i: usize) -> Option<usize> {
        (!self.releases.is_empty()).then(|| i % self.releases.len())
    }

    fn write(&self, rel: &str, text: impl AsRef<[u8]>) -> PathBuf {
        self.site.write(rel, text);
        self.abs(rel)
    }

    fn write_release(&self, i: usize) -> PathBuf {
        let r = &self.releases[i];
        self.write(&r.rel(), r.text())
    }

    fn write_config(&self) -> PathBuf {
        self.write("site.yaml", self.config.text())
    }

    fn write_tags(&self) -> PathBuf {
        let mut text = String::new();
        for (key, def) in TAGS.iter().zip(&self.tags) {
            if !def.registered {
                continue;
            }
            let label = &def.label;
            let _ = write!(
                text,
                "{key}:\n  label:\n    en: {label}\n    ru: {label} ру\n    kk: {label} қаз\n"
            );
            if let Some(d) = &def.description {
                let _ = write!(text, "  description:\n    en: {d}\n    ru: {d} ру\n");
            }
        }
        self.write("content/tags.yaml", text)
    }

    /// Changes release `i` (picked modulo the count) and writes it.
    fn edit(&mut self, i: usize, change: impl FnOnce(&mut Release)) -> Vec<PathBuf> {
        let Some(i) = self.pick(i) else {
            return vec![];
        };
        change(&mut self.releases[i]);
        vec![self.write_release(i)]
    }

    /// Moves release `i`'s file to where `change` says, as `mv` does (a file
    /// already there is replaced).
    fn relocate(&mut self, i: usize, change: impl FnOnce(&mut Release)) -> Vec<PathBuf> {
        let Some(i) = self.pick(i) else {
            return vec![];
        };
        let mut moved = self.releases[i].clone();
        change(&mut moved);
        let (from, to) = (self.releases[i].rel(), moved.rel());
        if from == to {
            return vec![];
        }
        let (from, to) = (self.abs(&from), self.abs(&to));
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::rename(&from, &to).unwrap();
        let mut i = i;
        let target = moved.rel();
        if let Some(j) = self.releases.iter().position(|r| r.rel() == target) {
            // The file it replaced is gone.
            self.releases.remove(j);
            if j < i {
                i -= 1;
            }
        }
        self.releases[i] = moved;
        vec![from, to]
    }

    fn edit_page(&mut self, i: usize, change: impl FnOnce(&mut Page)) -> Vec<PathBuf> {
        if self.pages.is_empty() {
            return vec![];
        }
        let i = i % self.pages.len();
        change(&mut self.pages[i]);
        let page = &self.pages[i];
        vec![self.write(&page.rel(), page.text())]
    }

    fn edit_config(&mut self, change: impl FnOnce(&mut Config)) -> Vec<PathBuf> {
        change(&mut self.config);
        vec![self.write_config()]
    }

    fn edit_tags(&mut self, t: usize, change: impl FnOnce(&mut TagDef)) -> Vec<PathBuf> {
        change(&mut self.tags[t]);
        vec![self.write_tags()]
    }

    /// Applies `op` to the files and returns the paths it touched.
    pub(crate) fn apply(&mut self, op: &Op) -> Vec<PathBuf> {
        match op {
            Op::Create {
                slug,
                year,
                lang,
                tags,
            } => {
                let release = Release::new(*slug, *year, *lang, *tags);
                self.releases.retain(|r| r.rel() != release.rel());
                self.releases.push(release);
                vec![self.write_release(self.releases.len() - 1)]
            }
            Op::EditBody(i, w) => self.edit(*i, |r| {
                let _ = write!(r.body, "\n\nMore: {w}.");
            }),
            Op::EditTitle(i, w) => self.edit(*i, |r| r.title.clone_from(w)),
            Op::SetTags(i, tags) => self.edit(*i, |r| {
                r.tags = *tags;
                r.broken = false;
            }),
            Op::Break(i) => self.edit(*i, |r| r.broken = true),
            Op::Rename(i, slug, year) => self.relocate(*i, |r| {
                r.slug = *slug;
                r.folder = *year;
                r.date = *year;
            }),
            Op::Bundle(i, bundle) => self.relocate(*i, |r| r.bundle = *bundle),
            Op::BundleFile(i, w) => {
                let Some(i) = self.pick(*i) else {
                    return vec![];
                };
                let rel = format!("{}/note.txt", self.releases[i].dir());
                vec![self.write(&rel, format!("{w}\n"))]
            }
            Op::Delete(i) => {
                let Some(i) = self.pick(*i) else {
                    return vec![];
                };
                let release = self.releases.remove(i);
                let path = self.abs(&release.rel());
                std::fs::remove_file(&path).unwrap();
                vec![path]
            }
            Op::DeleteYear(y) => {
                let dir = self.abs(&format!("content/releases/{}", YEARS[*y]));
                if !dir.exists() {
                    return vec![];
                }
                std::fs::remove_dir_all(&dir).unwrap();
                self.releases.retain(|r| r.folder != *y);
                vec![dir]
            }
            Op::Link(i, j, explicit) => {
                let Some(j) = self.pick(*j) else {
                    return vec![];
                };
                let target = self.releases[j].target(*explicit);
                self.edit(*i, |r| r.links.push(target))
            }
            Op::LinkPage(i, p) => {
                self.edit(*i, |r| r.links.push(format!("pages/{}.md", PAGES[*p])))
            }
            Op::Unlink(i) => self.edit(*i, |r| r.links.clear()),
            Op::Slug(i, s) => self.edit(*i, |r| r.url_slug = *s),
            Op::Redate(i, y) => self.edit(*i, |r| r.date = *y),
            Op::Draft(i, d) => self.edit(*i, |r| r.draft = *d),
            Op::Embargo(i, e) => self.edit(*i, |r| r.embargo = *e),
            Op::Alias(i, a) => self.edit(*i, |r| r.alias = *a),
            Op::TranslationKey(i, k) => self.edit(*i, |r| r.translation_key = *k),
            Op::PageCreate { name, lang, weight } => {
                let page = Page {
                    name: *name,
                    lang: *lang,
                    title: format!("{} {}", PAGES[*name], LANGS[*lang]),
                    body: format!("The {} page.", PAGES[*name]),
                    weight: *weight,
                    draft: false,
                };
                self.pages.retain(|p| p.rel() != page.rel());
                let path = self.write(&page.rel(), page.text());
                self.pages.push(page);
                vec![path]
            }
            Op::PageTitle(i, w) => self.edit_page(*i, |p| p.title.clone_from(w)),
            Op::PageBody(i, w) => self.edit_page(*i, |p| {
                let _ = write!(p.body, "\n\nMore: {w}.");
            }),
            Op::PageWeight(i, n) => self.edit_page(*i, |p| p.weight = *n),
            Op::PageDraft(i, d) => self.edit_page(*i, |p| p.draft = *d),
            Op::PageDelete(i) => {
                if self.pages.is_empty() {
                    return vec![];
                }
                let page = self.pages.remove(i % self.pages.len());
                let path = self.abs(&page.rel());
                std::fs::remove_file(&path).unwrap();
                vec![path]
            }
            Op::Template(w) => {
                let html =
                    self.base_html
                        .replacen("</footer>", &format!("</footer><!-- {w} -->"), 1);
                vec![self.write("themes/osce/templates/base.html", html)]
            }
            Op::Partial(w) => {
                let html = format!("{}<!-- {w} -->\n", self.card_html);
                vec![self.write("themes/osce/templates/partials/release-card.html", html)]
            }
            Op::Ftl(l, w) => {
                let rel = format!("locales/{}/override.ftl", LANGS[*l]);
                vec![self.write(&rel, format!("read-more = {w}\nnav-home = {w}\n"))]
            }
            Op::StaticFile(k, text) => {
                let rel = format!("static/files/extra-{k}.txt");
                match text {
                    Some(w) => vec![self.write(&rel, format!("{w}\n"))],
                    None => {
                        let path = self.abs(&rel);
                        if !path.exists() {
                            return vec![];
                        }
                        std::fs::remove_file(&path).unwrap();
                        vec![path]
                    }
                }
            }
            Op::ThemeStyle(w) => {
                let css = format!("{}/* {w} */\n", self.style_css);
                vec![self.write("themes/osce/static/css/style.css", css)]
            }
            Op::Pagination(n) => self.edit_config(|c| c.pagination = *n),
            Op::BaseUrl(b) => self.edit_config(|c| c.under_path = *b),
            Op::ListUntranslated(b) => self.edit_config(|c| c.list_untranslated = *b),
            Op::DefaultLanguageAtRoot(b) => self.edit_config(|c| c.at_root = *b),
            Op::LanguageName(l, w) => self.edit_config(|c| c.languages[*l].name.clone_from(w)),
            Op::LanguageTitle(l, w) => self.edit_config(|c| c.languages[*l].title.clone_from(w)),
            Op::LanguageFallback(l, f) => self.edit_config(|c| c.languages[*l].fallback = *f),
            Op::LanguageLocale(l, x) => self.edit_config(|c| c.languages[*l].locale = *x),
            Op::TagLabel(t, w) => self.edit_tags(*t, |d| d.label.clone_from(w)),
            Op::TagDescription(t, w) => self.edit_tags(*t, |d| d.description.clone_from(w)),
            Op::TagRegistered(t, r) => self.edit_tags(*t, |d| d.registered = *r),
        }
    }
}
