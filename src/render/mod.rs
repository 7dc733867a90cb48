//! Rendering: the model in, output files as bytes out.
//!
//! Templates are Tera 2, loaded once per build from the theme and overridden
//! file by file by the site's `templates/`. Interface strings come from the
//! Fluent bundles through the `t()` function. The renderer lists the files a
//! build produces as [`Job`]s and renders each one on demand, so the caller can
//! stream them to disk in parallel without ever holding every page in memory.

mod feeds;
pub mod i18n;
mod plan;
mod sitemap;
mod templates;
pub mod views;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use tera::{Context, Value};

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::document::markdown::{self, RenderOptions};
use crate::render::i18n::I18n;
use crate::site::{Entry, Group, ListItem, Site, output_path, paginated};
pub use plan::{Fingerprinter, Plan, Read};
pub use templates::TemplateSet;
use views::*;

/// One file of the output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Job {
    /// `/index.html`: the language chooser (or the default home at the root).
    Root,
    /// A language's home; index into the site's languages.
    Home(usize),
    /// Page `n` (from 1) of a language's releases list.
    List(usize, usize),
    /// A release page; index into `Site::releases`.
    Release(usize),
    /// A static page; index into `Site::pages`.
    Page(usize),
    /// A language's not-found page.
    NotFound(usize),
    /// A redirect page; index into `Site::aliases`.
    Alias(usize),
    /// A bundle file; index into `Site::assets`.
    Asset(usize),
    /// A theme or site static file; index into the renderer's static files.
    Static(usize),
    /// A language's tag index.
    TagIndex(usize),
    /// Page `n` of a tag's list: (language, index into `Site::tag_lists`, n).
    Tag(usize, usize, usize),
    /// Page `n` of a year's list: (language, index into `Site::year_lists`, n).
    Year(usize, usize, usize),
    /// A language's Atom feed.
    Feed(usize),
    /// A tag's Atom feed in one language: (language, tag index).
    TagFeed(usize, usize),
    /// Part `k` of the sitemap: 0 is `sitemap.xml` (the index when split).
    Sitemap(usize),
    /// `robots.txt`.
    Robots,
}

/// A rendered output file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// Path relative to the output folder, `/`-separated.
    pub path: String,
    /// The file's bytes.
    pub bytes: Vec<u8>,
}

impl Job {
    /// The language the job's file belongs to, for build summaries; `None`
    /// for files of no language (root, redirects, static files, sitemap).
    pub fn language(self, site: &Site) -> Option<&str> {
        let code = |l: usize| Some(site.config.languages[l].code.as_str());
        match self {
            Job::Home(l)
            | Job::List(l, _)
            | Job::NotFound(l)
            | Job::TagIndex(l)
            | Job::Tag(l, _, _)
            | Job::Year(l, _, _)
            | Job::Feed(l)
            | Job::TagFeed(l, _) => code(l),
            Job::Release(i) => Some(site.releases[i].lang()),
            Job::Page(i) => Some(site.pages[i].lang()),
            Job::Root
            | Job::Alias(_)
            | Job::Asset(_)
            | Job::Static(_)
            | Job::Sitemap(_)
            | Job::Robots => None,
        }
    }
}

/// Renders the pages of one site.
pub struct Renderer<'s> {
    site: &'s Site,
    i18n: Arc<I18n>,
    templates: Arc<TemplateSet>,
    /// Per language, in site order: the context values that are the same on
    /// every page of the language, converted to template values once.
    shared: Vec<Shared>,
}

/// The `site`, `urls`, `feeds` and `menu` (with no item current) of one language.
struct Shared {
    site: Value,
    urls: Value,
    feeds: Value,
    menu: Value,
}

impl<'s> Renderer<'s> {
    /// Loads the templates and static files for `site`.
    pub fn new(site: &'s Site, i18n: Arc<I18n>) -> Result<Renderer<'s>, Diagnostics> {
        let templates = TemplateSet::load(&site.config, &site.urls, Arc::clone(&i18n))?;
        Ok(Renderer::with_templates(site, i18n, Arc::new(templates)))
    }

    /// A renderer with templates loaded before (by [`TemplateSet::load`] with
    /// the same configuration, URL scheme and bundles), as watch mode keeps them
    /// while only content changes.
    pub fn with_templates(
        site: &'s Site,
        i18n: Arc<I18n>,
        templates: Arc<TemplateSet>,
    ) -> Renderer<'s> {
        let shared = site
            .config
            .languages
            .iter()
            .map(|l| shared(site, &l.code))
            .collect();
        Renderer {
            site,
            i18n,
            templates,
            shared,
        }
    }

    /// Every file the build produces, in a stable order.
    pub fn jobs(&self) -> Vec<Job> {
        let site = self.site;
        // With the default language at the root, its home is `/index.html`.
        let mut jobs = if site.config.default_language_at_root {
            Vec::new()
        } else {
            vec![Job::Root]
        };
        for (l, language) in site.config.languages.iter().enumerate() {
            jobs.push(Job::Home(l));
            jobs.extend((1..=site.list_pages(&language.code)).map(|n| Job::List(l, n)));
            jobs.push(Job::NotFound(l));
        }
        jobs.extend((0..site.releases.len()).map(Job::Release));
        jobs.extend((0..site.pages.len()).map(Job::Page));
        jobs.extend((0..site.aliases.len()).map(Job::Alias));
        jobs.extend((0..site.assets.len()).map(Job::Asset));
        jobs.extend((0..self.templates.statics.len()).map(Job::Static));
        let per_page = site.config.pagination;
        for (l, language) in site.config.languages.iter().enumerate() {
            jobs.push(Job::TagIndex(l));
            jobs.push(Job::Feed(l));
            for (t, listing) in site.tag_lists[&language.code].iter().enumerate() {
                jobs.extend((1..=listing.pages(per_page)).map(|n| Job::Tag(l, t, n)));
                jobs.push(Job::TagFeed(l, t));
            }
            for (y, listing) in site.year_lists[&language.code].iter().enumerate() {
                jobs.extend((1..=listing.pages(per_page)).map(|n| Job::Year(l, y, n)));
            }
        }
        jobs.extend((0..sitemap::parts(site)).map(Job::Sitemap));
        jobs.push(Job::Robots);
        jobs
    }

    /// Renders one job.
    pub fn render(&self, job: Job) -> Result<Rendered, Diagnostic> {
        let site = self.site;
        let lang_code = |l: usize| site.config.languages[l].code.clone();
        match job {
            Job::Root => self.render_root(),
            Job::Home(l) => self.render_home(&lang_code(l)),
            Job::List(l, n) => self.render_list(&lang_code(l), n),
            Job::Release(i) => self.render_release(i),
            Job::Page(i) => self.render_page(i),
            Job::NotFound(l) => self.render_not_found(l),
            Job::Alias(i) => Ok(self.render_alias(i)),
            Job::Asset(i) => {
                let asset = &site.assets[i];
                copy(&asset.source, &site.config.root, asset.output.clone())
            }
            Job::Static(i) => self.templates.statics[i].render(),
            Job::TagIndex(l) => self.render_tag_index(&lang_code(l)),
            Job::Tag(l, t, n) => self.render_tag(&lang_code(l), t, n),
            Job::Year(l, y, n) => self.render_year(&lang_code(l), y, n),
            Job::Feed(l) => Ok(feeds::language_feed(self, &lang_code(l))),
            Job::TagFeed(l, t) => Ok(feeds::tag_feed(self, &lang_code(l), t)),
            Job::Sitemap(k) => Ok(sitemap::render(site, k)),
            Job::Robots => Ok(Rendered {
                path: "robots.txt".to_owned(),
                bytes: format!(
                    "User-agent: *\nAllow: /\n\nSitemap: {}\n",
                    site.urls.permalink("/sitemap.xml")
                )
                .into_bytes(),
            }),
        }
    }

    fn common(&self, lang: &str, site_path: &str, translations: Vec<LanguageView<'s>>) -> Context {
        let site = self.site;
        let urls = &site.urls;
        let shared = &self.shared[self.lang_index(lang)];
        let mut ctx = Context::new();
        ctx.insert("lang", lang);
        ctx.insert("dir", self.i18n.direction(lang));
        ctx.insert_value("site", shared.site.clone());
        ctx.insert("page_url", &urls.url(site_path));
        ctx.insert("permalink", &urls.permalink(site_path));
        ctx.insert("translations", &translations);
        ctx.insert_value("urls", shared.urls.clone());
        if site.pages_in(lang).any(|p| p.path == site_path) {
            ctx.insert("menu", &menu(site, lang, site_path));
        } else {
            ctx.insert_value("menu", shared.menu.clone());
        }
        ctx.insert_value("feeds", shared.feeds.clone());
        ctx
    }

    /// The position of `lang` among the site's languages (the default
    /// language's for an unknown code, as the i18n lookups do).
    fn lang_index(&self, lang: &str) -> usize {
        self.site
            .config
            .languages
            .iter()
            .position(|l| l.code == lang)
            .unwrap_or(0)
    }

    /// Every language, each pointing at the same kind of page (`path_of`).
    fn all_languages(&self, lang: &str, path_of: impl Fn(&str) -> String) -> Vec<LanguageView<'s>> {
        all_languages(self.site, lang, path_of)
    }

    /// The versions of an entry that exist.
    fn entry_translations(
        &self,
        groups: &'s [Group],
        entries: &'s [Entry],
        entry: &Entry,
    ) -> Vec<LanguageView<'s>> {
        let site = self.site;
        site.translations(groups, entry)
            .map(|(code, i)| LanguageView {
                code,
                name: site.config.language(code).map_or(code, |l| l.name.as_str()),
                url: site.urls.url(&entries[i].path),
                permalink: site.urls.permalink(&entries[i].path),
                current: i == groups[entry.group].versions[entry.lang()],
            })
            .collect()
    }

    fn tags(&self, entry: &'s Entry, lang: &'s str) -> Vec<TagView<'s>> {
        entry
            .doc
            .front
            .tags
            .iter()
            .map(|key| {
                let (label, label_lang) = self.site.tags.label_in(key, lang);
                TagView {
                    key,
                    label,
                    label_lang,
                    // Every tag of a listed release has a page in every language
                    // whose lists show the release.
                    url: self.site.tag_lists[lang]
                        .binary_search_by(|l| l.key.as_str().cmp(key))
                        .ok()
                        .map(|_| self.site.urls.url(&self.site.urls.tag(lang, key, 1))),
                }
            })
            .collect()
    }

    fn summary(&self, entry: &'s Entry, lang: &'s str, translated: bool) -> SummaryView<'s> {
        let site = self.site;
        let date = entry.doc.front.date.map(|d| d.date);
        let location = site.location_in(entry, lang);
        SummaryView {
            title: &entry.doc.front.title,
            url: site.urls.url(&entry.path),
            date: date.map(|d| d.to_string()).unwrap_or_default(),
            date_display: date
                .map(|d| self.i18n.format_date(lang, d))
                .unwrap_or_default(),
            location: location.map(|(text, _)| text),
            location_lang: location.map_or(lang, |(_, code)| code),
            summary: &entry.doc.summary,
            tags: self.tags(entry, lang),
            lang: entry.lang(),
            draft: entry.doc.front.draft,
            translated,
            available: if translated {
                Vec::new()
            } else {
                self.entry_translations(&site.release_groups, &site.releases, entry)
                    .into_iter()
                    .map(|mut l| {
                        l.current = false;
                        l
                    })
                    .collect()
            },
        }
    }

    fn body_html(&self, entry: &Entry) -> String {
        let site = self.site;
        let lang = entry.lang();
        let opts = RenderOptions {
            allow_html: site.config.markdown.allow_html,
            smart_punctuation: site.config.markdown.smart_punctuation,
            lang,
            typography: self.i18n.typography(lang),
        };
        markdown::render(&entry.doc.body, opts, &|target| {
            site.resolve_link(target, lang)
        })
    }

    fn page(&self, template: &str, ctx: &Context, site_path: &str) -> Result<Rendered, Diagnostic> {
        let html = self.templates.render(template, ctx)?;
        Ok(Rendered {
            path: output_path(site_path),
            bytes: html.into_bytes(),
        })
    }

    fn render_root(&self) -> Result<Rendered, Diagnostic> {
        let site = self.site;
        let default = site.config.default_language().code.as_str();
        let mut ctx = self.common(
            default,
            "/",
            self.all_languages(default, |l| site.urls.home(l)),
        );
        ctx.insert("default_url", &site.urls.url(&site.urls.home(default)));
        self.page("root.html", &ctx, "/")
    }

    fn render_home(&self, lang: &str) -> Result<Rendered, Diagnostic> {
        let site = self.site;
        let path = site.urls.home(lang);
        let mut ctx = self.common(lang, &path, self.all_languages(lang, |l| site.urls.home(l)));
        let items = &site.lists[lang];
        let releases: Vec<SummaryView<'_>> = items
            .iter()
            .take(site.config.home_releases)
            .map(|item| self.summary(&site.releases[item.entry], lang, item.translated))
            .collect();
        ctx.insert("releases", &releases);
        ctx.insert("total_releases", &items.len());
        ctx.insert("years", &self.years(lang, None));
        self.page("home.html", &ctx, &path)
    }

    fn render_list(&self, lang: &str, n: usize) -> Result<Rendered, Diagnostic> {
        let site = self.site;
        let translations = self.all_languages(lang, |l| {
            site.urls.releases_list(l, n.min(site.list_pages(l)))
        });
        let first = site.urls.releases_list(lang, 1);
        let mut ctx = self.listing(lang, &first, n, &site.lists[lang], translations);
        ctx.insert("years", &self.years(lang, None));
        self.page("releases.html", &ctx, &paginated(&first, n))
    }

    /// The common context plus `releases` and `paginator` for page `n` of a
    /// paginated list whose first page is `first`.
    fn listing(
        &self,
        lang: &str,
        first: &str,
        n: usize,
        items: &[ListItem],
        translations: Vec<LanguageView<'s>>,
    ) -> Context {
        let site = self.site;
        let per_page = site.config.pagination;
        let mut ctx = self.common(lang, &paginated(first, n), translations);
        let releases: Vec<SummaryView<'_>> = items
            .iter()
            .skip((n - 1) * per_page)
            .take(per_page)
            .map(|item| self.summary(&site.releases[item.entry], lang, item.translated))
            .collect();
        ctx.insert("releases", &releases);
        let total_pages = items.len().div_ceil(per_page).max(1);
        ctx.insert(
            "paginator",
            &paginator(
                &|k| site.urls.url(&paginated(first, k)),
                n,
                total_pages,
                items.len(),
            ),
        );
        ctx
    }

    /// The year archive of a language, newest first.
    fn years(&self, lang: &str, current: Option<i32>) -> Vec<YearView> {
        let site = self.site;
        site.year_lists[lang]
            .iter()
            .map(|l| YearView {
                year: l.key,
                count: l.items.len(),
                url: site.urls.url(&site.urls.year(lang, l.key, 1)),
                current: Some(l.key) == current,
            })
            .collect()
    }

    fn render_tag_index(&self, lang: &str) -> Result<Rendered, Diagnostic> {
        let site = self.site;
        let path = site.urls.tags(lang);
        let mut ctx = self.common(lang, &path, self.all_languages(lang, |l| site.urls.tags(l)));
        let mut tags: Vec<TagIndexItem<'_>> = site.tag_lists[lang]
            .iter()
            .map(|l| {
                let (label, label_lang) = site.tags.label_in(&l.key, lang);
                let description = site.tags.description_in(&l.key, lang);
                TagIndexItem {
                    key: &l.key,
                    label,
                    label_lang,
                    description: description.map(|(text, _)| text),
                    description_lang: description.map(|(_, code)| code),
                    count: l.items.len(),
                    url: site.urls.url(&site.urls.tag(lang, &l.key, 1)),
                }
            })
            .collect();
        // Sorted as a reader of the language expects, not by code point.
        tags.sort_by(|a, b| {
            self.i18n
                .compare(lang, a.label, b.label)
                .then_with(|| a.key.cmp(b.key))
        });
        ctx.insert("tags", &tags);
        self.page("tags.html", &ctx, &path)
    }

    /// Page `n` (or the last one it has) of the same listing in every
    /// language that has it.
    fn listing_translations<K: PartialEq>(
        &self,
        lang: &str,
        lists: &'s std::collections::BTreeMap<String, Vec<crate::site::Listing<K>>>,
        key: &K,
        n: usize,
        path_of: impl Fn(&str, usize) -> String,
    ) -> Vec<LanguageView<'s>> {
        let site = self.site;
        let per_page = site.config.pagination;
        site.config
            .languages
            .iter()
            .filter_map(|l| {
                let other = lists[&l.code].iter().find(|x| &x.key == key)?;
                let path = path_of(&l.code, n.min(other.pages(per_page)));
                Some(LanguageView {
                    code: &l.code,
                    name: &l.name,
                    url: site.urls.url(&path),
                    permalink: site.urls.permalink(&path),
                    current: l.code == lang,
                })
            })
            .collect()
    }

    fn render_tag(&self, lang: &str, t: usize, n: usize) -> Result<Rendered, Diagnostic> {
        let site = self.site;
        let listing = &site.tag_lists[lang][t];
        let key = listing.key.as_str();
        // The switcher leads to the same tag in the languages that list it.
        let translations =
            self.listing_translations(lang, &site.tag_lists, &listing.key, n, |l, k| {
                site.urls.tag(l, key, k)
            });
        let first = site.urls.tag(lang, key, 1);
        let mut ctx = self.listing(lang, &first, n, &listing.items, translations);
        let (label, label_lang) = site.tags.label_in(key, lang);
        let description = site.tags.description_in(key, lang);
        let feed_url = site.urls.url(&site.urls.tag_feed(lang, key));
        ctx.insert(
            "tag",
            &TagPageView {
                key,
                label,
                label_lang,
                description: description.map(|(text, _)| text),
                description_lang: description.map(|(_, code)| code),
                url: site.urls.url(&first),
                feed_url: feed_url.clone(),
            },
        );
        ctx.insert(
            "feeds",
            &[
                FeedLink {
                    title: site.config.title_in(lang).to_owned(),
                    url: site.urls.url(&site.urls.feed(lang)),
                },
                FeedLink {
                    title: format!("{} — {label}", site.config.title_in(lang)),
                    url: feed_url,
                },
            ],
        );
        self.page("tag.html", &ctx, &paginated(&first, n))
    }

    fn render_year(&self, lang: &str, y: usize, n: usize) -> Result<Rendered, Diagnostic> {
        let site = self.site;
        let listing = &site.year_lists[lang][y];
        let year = listing.key;
        let translations = self.listing_translations(lang, &site.year_lists, &year, n, |l, k| {
            site.urls.year(l, year, k)
        });
        let first = site.urls.year(lang, year, 1);
        let mut ctx = self.listing(lang, &first, n, &listing.items, translations);
        ctx.insert("year", &year);
        ctx.insert("years", &self.years(lang, Some(year)));
        self.page("year.html", &ctx, &paginated(&first, n))
    }

    fn render_release(&self, index: usize) -> Result<Rendered, Diagnostic> {
        let site = self.site;
        let entry = &site.releases[index];
        let lang = entry.lang();
        let front = &entry.doc.front;
        let date = front.date.map(|d| d.date);
        let location = site.location_in(entry, lang);
        let mut ctx = self.common(
            lang,
            &entry.path,
            self.entry_translations(&site.release_groups, &site.releases, entry),
        );
        ctx.insert(
            "release",
            &ReleaseView {
                title: &front.title,
                url: site.urls.url(&entry.path),
                permalink: site.urls.permalink(&entry.path),
                date: date.map(|d| d.to_string()).unwrap_or_default(),
                date_display: date
                    .map(|d| self.i18n.format_date(lang, d))
                    .unwrap_or_default(),
                location: location.map(|(text, _)| text),
                location_lang: location.map_or(lang, |(_, code)| code),
                summary: &entry.doc.summary,
                tags: self.tags(entry, lang),
                content: self.body_html(entry),
                image: front.image.as_deref(),
                image_alt: front.image_alt.as_deref(),
                lang,
                draft: front.draft,
            },
        );
        self.page("release.html", &ctx, &entry.path)
    }

    fn render_page(&self, index: usize) -> Result<Rendered, Diagnostic> {
        let site = self.site;
        let entry = &site.pages[index];
        let lang = entry.lang();
        let mut ctx = self.common(
            lang,
            &entry.path,
            self.entry_translations(&site.page_groups, &site.pages, entry),
        );
        ctx.insert(
            "page",
            &PageView {
                title: &entry.doc.front.title,
                url: site.urls.url(&entry.path),
                permalink: site.urls.permalink(&entry.path),
                summary: &entry.doc.summary,
                content: self.body_html(entry),
                lang,
            },
        );
        self.page("page.html", &ctx, &entry.path)
    }

    fn render_not_found(&self, l: usize) -> Result<Rendered, Diagnostic> {
        let site = self.site;
        let lang = site.config.languages[l].code.as_str();
        // Web servers look for `/404.html`; the default language's page goes
        // there, the others under their prefix.
        let path = if l == 0 {
            "/404.html".to_owned()
        } else {
            site.urls.not_found(lang)
        };
        let ctx = self.common(
            lang,
            &path,
            self.all_languages(lang, |code| site.urls.home(code)),
        );
        self.page("404.html", &ctx, &path)
    }

    fn render_alias(&self, index: usize) -> Rendered {
        let site = self.site;
        let alias = &site.aliases[index];
        let url = site.urls.url(&alias.target);
        let permalink = site.urls.permalink(&alias.target);
        let esc = |s: &str| {
            let mut out = Vec::with_capacity(s.len());
            // Writing into a Vec cannot fail.
            let _ = tera::escape_html(s, &mut out);
            String::from_utf8(out).unwrap_or_default()
        };
        // A built-in page rather than a template: a redirect has nothing to
        // theme, and it must work even when the theme is being changed.
        let html = format!(
            "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n<title>{url}</title>\n<link rel=\"canonical\" href=\"{permalink}\">\n<meta name=\"robots\" content=\"noindex\">\n<meta http-equiv=\"refresh\" content=\"0; url={url}\">\n</head>\n<body>\n<p><a href=\"{url}\">{url}</a></p>\n</body>\n</html>\n",
            lang = esc(&alias.lang),
            url = esc(&url),
            permalink = esc(&permalink),
        );
        Rendered {
            path: alias.output.clone(),
            bytes: html.into_bytes(),
        }
    }
}

/// Every language of `site`, each pointing at the same kind of page (`path_of`).
fn all_languages<'a>(
    site: &'a Site,
    lang: &str,
    path_of: impl Fn(&str) -> String,
) -> Vec<LanguageView<'a>> {
    site.config
        .languages
        .iter()
        .map(|l| LanguageView {
            code: &l.code,
            name: &l.name,
            url: site.urls.url(&path_of(&l.code)),
            permalink: site.urls.permalink(&path_of(&l.code)),
            current: l.code == lang,
        })
        .collect()
}

/// The context values shared by every page of `lang`.
fn shared(site: &Site, lang: &str) -> Shared {
    let urls = &site.urls;
    let site_view = SiteView {
        title: site.config.title_in(lang),
        description: site.config.description_in(lang),
        base_url: urls.permalink("").trim_end_matches('/').to_owned(),
        origin: urls.origin().to_owned(),
        default_language: &site.config.default_language().code,
        languages: all_languages(site, lang, |l| urls.home(l)),
        chooser: (!site.config.default_language_at_root).then(|| urls.permalink("/")),
    };
    let urls_view = UrlsView {
        home: urls.url(&urls.home(lang)),
        releases: urls.url(&urls.releases_list(lang, 1)),
        root: urls.url("/"),
        tags: urls.url(&urls.tags(lang)),
        feed: urls.url(&urls.feed(lang)),
    };
    let feeds = [FeedLink {
        title: site.config.title_in(lang).to_owned(),
        url: urls.url(&urls.feed(lang)),
    }];
    Shared {
        site: Value::from_serializable(&site_view),
        urls: Value::from_serializable(&urls_view),
        feeds: Value::from_serializable(&feeds),
        // No page of the site has the path of a generated page.
        menu: Value::from_serializable(&menu(site, lang, "")),
    }
}

/// The static pages of `lang`, the one at `site_path` marked current.
fn menu<'a>(site: &'a Site, lang: &'a str, site_path: &str) -> Vec<MenuItem<'a>> {
    site.pages_in(lang)
        .map(|p| MenuItem {
            title: &p.doc.front.title,
            url: site.urls.url(&p.path),
            current: p.path == site_path,
        })
        .collect()
}

fn paginator(
    url: &dyn Fn(usize) -> String,
    current: usize,
    total_pages: usize,
    total_items: usize,
) -> PaginatorView {
    PaginatorView {
        current,
        total_pages,
        total_items,
        first_url: url(1),
        last_url: url(total_pages),
        prev_url: (current > 1).then(|| url(current - 1)),
        next_url: (current < total_pages).then(|| url(current + 1)),
        pages: (1..=total_pages)
            .filter(|&number| {
                number == 1 || number == total_pages || number.abs_diff(current) <= PAGINATOR_WINDOW
            })
            .map(|number| PageLink {
                number,
                url: url(number),
                current: number == current,
            })
            .collect(),
    }
}

fn copy(
    source: &std::path::Path,
    root: &std::path::Path,
    path: String,
) -> Result<Rendered, Diagnostic> {
    let display: PathBuf = crate::diagnostics::relative(source, root);
    let bytes =
        std::fs::read(source).map_err(|e| crate::util::fs::io_diagnostic(&display, &e, "read"))?;
    Ok(Rendered { path, bytes })
}

/// Template names and the files they came from, for diagnostics.
pub(crate) type TemplateFiles = HashMap<String, PathBuf>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paginator_edges() {
        let url = |k: usize| format!("/p/{k}/");
        let one = paginator(&url, 1, 1, 0);
        assert_eq!((one.prev_url, one.next_url), (None, None));
        let mid = paginator(&url, 2, 3, 25);
        assert_eq!(mid.prev_url.as_deref(), Some("/p/1/"));
        assert_eq!(mid.next_url.as_deref(), Some("/p/3/"));
        assert_eq!(mid.pages.iter().filter(|p| p.current).count(), 1);
        assert_eq!(mid.last_url, "/p/3/");
    }

    #[test]
    fn paginator_pages_are_a_window_with_both_ends() {
        let url = |k: usize| format!("/p/{k}/");
        let numbers = |current| {
            paginator(&url, current, 100, 1000)
                .pages
                .iter()
                .map(|p| p.number)
                .collect::<Vec<_>>()
        };
        assert_eq!(numbers(1), [1, 2, 3, 4, 100]);
        assert_eq!(numbers(50), [1, 47, 48, 49, 50, 51, 52, 53, 100]);
        assert_eq!(numbers(99), [1, 96, 97, 98, 99, 100]);
        assert_eq!(paginator(&url, 1, 1, 0).pages.len(), 1);
    }
}
