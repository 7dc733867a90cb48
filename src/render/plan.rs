//! What each output file depends on, as a fingerprint.
//!
//! Watch mode keeps the fingerprint of every file it wrote and, after a change,
//! renders only the jobs whose fingerprint differs. A fingerprint hashes the
//! inputs a job's rendering reads from the model, the theme and the bundles,
//! never the rendered bytes, so it is cheap to compute for every job of a large
//! archive. Each arm of [`Fingerprinter::plan`] mirrors the matching `render_*`
//! function; the randomized edit-sequence test compares watch output with a
//! clean build to catch an input one of them forgets.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::OnceLock;

use super::{Job, Renderer};
use crate::site::{Entry, Group, ListItem, Listing, Site, TagChanges, output_path, paginated};

/// One output file of a build: where it goes and what it depends on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// Path relative to the output folder, as [`super::Rendered::path`].
    pub path: String,
    /// The hash of its inputs; `None` when it must always be rendered.
    pub fingerprint: Option<u64>,
    /// The documents whose text (not only whose place) it depends on: a
    /// change to one of them that moves nothing re-plans only these jobs.
    pub reads: Vec<Read>,
}

/// A document a job reads: a release or a page, by index in the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Read {
    /// An index into `Site::releases`.
    Release(usize),
    /// An index into `Site::pages`.
    Page(usize),
}

/// Computes plans for the jobs of one renderer; shares the per-build parts.
pub struct Fingerprinter<'r, 's> {
    r: &'r Renderer<'s>,
    /// Config, URL scheme and tag registry: everything site-wide.
    global: u64,
    /// Per language (site order): `global`, the bundles, the menu.
    common: Vec<u64>,
    /// Per language (site order): registered tags it has no list for.
    unlisted: Vec<Vec<&'s str>>,
    structure: OnceLock<u64>,
}

fn hash_of(value: impl Hash) -> u64 {
    let mut h = DefaultHasher::new();
    value.hash(&mut h);
    h.finish()
}

impl<'s> Renderer<'s> {
    /// A fingerprinter for this renderer's jobs.
    pub fn fingerprinter(&self) -> Fingerprinter<'_, 's> {
        let site = self.site;
        let global = hash_of((
            format!("{:?}", site.config),
            format!("{:?}", site.urls),
            format!("{:?}", site.tags),
        ));
        let common = site
            .config
            .languages
            .iter()
            .map(|l| {
                let mut h = DefaultHasher::new();
                global.hash(&mut h);
                self.i18n.fingerprint(&l.code).hash(&mut h);
                for page in site.pages_in(&l.code) {
                    (&page.doc.front.title, &page.path).hash(&mut h);
                }
                h.finish()
            })
            .collect();
        let unlisted = site
            .config
            .languages
            .iter()
            .map(|l| {
                let lists = &site.tag_lists[&l.code];
                site.tags
                    .keys()
                    .filter(|key| lists.binary_search_by(|x| x.key.as_str().cmp(key)).is_err())
                    .collect()
            })
            .collect();
        Fingerprinter {
            r: self,
            global,
            common,
            unlisted,
            structure: OnceLock::new(),
        }
    }
}

impl Fingerprinter<'_, '_> {
    /// The output path and input fingerprint of `job`.
    pub fn plan(&self, job: Job) -> Plan {
        let r = self.r;
        let site = r.site;
        let urls = &site.urls;
        let code = |l: usize| site.config.languages[l].code.as_str();
        let mut h = DefaultHasher::new();
        let mut reads = Vec::new();
        // Distinguishes kinds of jobs whose other inputs could coincide.
        std::mem::discriminant(&job).hash(&mut h);
        let path = match job {
            Job::Root => {
                let default = site.config.default_language().code.as_str();
                self.page(&mut h, 0, "root.html");
                // The chooser speaks every language.
                self.common.hash(&mut h);
                default.hash(&mut h);
                output_path("/")
            }
            Job::Home(l) => {
                self.page(&mut h, l, "home.html");
                let items = &site.lists[code(l)];
                for item in items.iter().take(site.config.home_releases) {
                    self.summary(&mut h, &mut reads, item, l);
                }
                items.len().hash(&mut h);
                self.years(&mut h, code(l));
                output_path(&urls.home(code(l)))
            }
            Job::List(l, n) => {
                self.page(&mut h, l, "releases.html");
                for other in &site.config.languages {
                    site.list_pages(&other.code).hash(&mut h);
                }
                self.listing(&mut h, &mut reads, l, &site.lists[code(l)], n);
                self.years(&mut h, code(l));
                output_path(&paginated(&urls.releases_list(code(l), 1), n))
            }
            Job::Release(i) => {
                let entry = &site.releases[i];
                let l = self.r.lang_index(entry.lang());
                self.page(&mut h, l, "release.html");
                self.entry(&mut h, entry, &site.release_groups, &site.releases, i);
                reads.push(Read::Release(i));
                self.tags(&mut h, entry, l);
                self.location(&mut h, &mut reads, entry, entry.lang());
                output_path(&entry.path)
            }
            Job::Page(i) => {
                let entry = &site.pages[i];
                let l = self.r.lang_index(entry.lang());
                self.page(&mut h, l, "page.html");
                self.entry(&mut h, entry, &site.page_groups, &site.pages, i);
                reads.push(Read::Page(i));
                output_path(&entry.path)
            }
            Job::NotFound(l) => {
                self.page(&mut h, l, "404.html");
                if l == 0 {
                    // `/404.html` carries every language's message.
                    self.common.hash(&mut h);
                    output_path("/404.html")
                } else {
                    output_path(&urls.not_found(code(l)))
                }
            }
            Job::Alias(i) => {
                let alias = &site.aliases[i];
                (self.global, alias).hash(&mut h);
                alias.output.clone()
            }
            Job::Asset(i) => {
                let asset = &site.assets[i];
                return Plan {
                    path: asset.output.clone(),
                    fingerprint: file_stamp(&asset.source).map(|s| hash_of((&asset.source, s))),
                    reads,
                };
            }
            Job::Static(i) => {
                let file = &r.templates.statics[i];
                return Plan {
                    path: file.rel.clone(),
                    fingerprint: file.fingerprint(),
                    reads,
                };
            }
            Job::TagIndex(l) => {
                self.page(&mut h, l, "tags.html");
                for listing in &site.tag_lists[code(l)] {
                    (&listing.key, listing.items.len()).hash(&mut h);
                }
                output_path(&urls.tags(code(l)))
            }
            Job::Tag(l, t, n) => {
                let listing = &site.tag_lists[code(l)][t];
                self.page(&mut h, l, "tag.html");
                listing.key.hash(&mut h);
                self.listing_languages(&mut h, &site.tag_lists, &listing.key);
                self.listing(&mut h, &mut reads, l, &listing.items, n);
                output_path(&paginated(&urls.tag(code(l), &listing.key, 1), n))
            }
            Job::Year(l, y, n) => {
                let listing = &site.year_lists[code(l)][y];
                self.page(&mut h, l, "year.html");
                listing.key.hash(&mut h);
                self.listing_languages(&mut h, &site.year_lists, &listing.key);
                self.listing(&mut h, &mut reads, l, &listing.items, n);
                self.years(&mut h, code(l));
                output_path(&paginated(&urls.year(code(l), listing.key, 1), n))
            }
            Job::Feed(l) => {
                (self.global, code(l)).hash(&mut h);
                self.feed(&mut h, &mut reads, &site.lists[code(l)]);
                output_path(&urls.feed(code(l)))
            }
            Job::TagFeed(l, t) => {
                let listing = &site.tag_lists[code(l)][t];
                (self.global, code(l), &listing.key).hash(&mut h);
                self.feed(&mut h, &mut reads, &listing.items);
                output_path(&urls.tag_feed(code(l), &listing.key))
            }
            Job::Sitemap(k) => {
                (self.structure(), k).hash(&mut h);
                if k == 0 {
                    "sitemap.xml".to_owned()
                } else {
                    format!("sitemap-{k}.xml")
                }
            }
            Job::Robots => {
                self.global.hash(&mut h);
                "robots.txt".to_owned()
            }
        };
        Plan {
            path,
            fingerprint: Some(h.finish()),
            reads,
        }
    }

    /// What every templated page of language `l` depends on.
    fn page(&self, h: &mut DefaultHasher, l: usize, template: &str) {
        (self.common[l], l, self.r.templates.fingerprint(template)).hash(h);
    }

    /// A release or page itself: its file, URL, translations and links.
    fn entry(
        &self,
        h: &mut DefaultHasher,
        entry: &Entry,
        groups: &[Group],
        entries: &[Entry],
        index: usize,
    ) {
        (entry.doc.hash, &entry.path).hash(h);
        for (code, i) in self.r.site.translations(groups, entry) {
            (code, &entries[i].path, i == index).hash(h);
        }
        self.links(h, entry, entry.lang());
    }

    /// Where the body's internal links lead: another document's move changes
    /// the rendered body.
    fn links(&self, h: &mut DefaultHasher, entry: &Entry, lang: &str) {
        for link in &entry.doc.links {
            self.r.site.resolve_link(&link.target, lang).hash(h);
        }
    }

    /// A release's location on a page in `lang`: without its own, it comes
    /// from a translation, whose file the page then reads.
    fn location(&self, h: &mut DefaultHasher, reads: &mut Vec<Read>, entry: &Entry, lang: &str) {
        let site = self.r.site;
        if entry.doc.front.location.is_none() {
            reads.extend(
                site.translations(&site.release_groups, entry)
                    .map(|(_, i)| Read::Release(i)),
            );
        }
        site.location_in(entry, lang).hash(h);
    }

    /// A release's tags: their labels come with the registry, their links
    /// depend on whether the language (`l`) lists the tag.
    fn tags(&self, h: &mut DefaultHasher, entry: &Entry, l: usize) {
        // Usually every tag is listed, and there is nothing to look up.
        let unlisted = &self.unlisted[l];
        for key in &entry.doc.front.tags {
            (key, !unlisted.contains(&key.as_str())).hash(h);
        }
    }

    /// One line of a list in language `l`, as [`Renderer::summary`] reads it.
    fn summary(&self, h: &mut DefaultHasher, reads: &mut Vec<Read>, item: &ListItem, l: usize) {
        let site = self.r.site;
        let entry = &site.releases[item.entry];
        reads.push(Read::Release(item.entry));
        (entry.doc.hash, &entry.path, item.translated).hash(h);
        self.tags(h, entry, l);
        self.location(h, reads, entry, &site.config.languages[l].code);
        if !item.translated {
            for (code, i) in site.translations(&site.release_groups, entry) {
                (code, &site.releases[i].path).hash(h);
            }
        }
    }

    /// Page `n` of a paginated list in language `l`: its lines and its
    /// paginator.
    fn listing(
        &self,
        h: &mut DefaultHasher,
        reads: &mut Vec<Read>,
        l: usize,
        items: &[ListItem],
        n: usize,
    ) {
        let per_page = self.r.site.config.pagination;
        (n, items.len()).hash(h);
        for item in items.iter().skip((n - 1) * per_page).take(per_page) {
            self.summary(h, reads, item, l);
        }
    }

    /// The year archive sidebar.
    fn years(&self, h: &mut DefaultHasher, lang: &str) {
        for listing in &self.r.site.year_lists[lang] {
            (listing.key, listing.items.len()).hash(h);
        }
    }

    /// Which languages have the same listing, and how many pages each has.
    fn listing_languages<K: PartialEq + Hash>(
        &self,
        h: &mut DefaultHasher,
        lists: &std::collections::BTreeMap<String, Vec<Listing<K>>>,
        key: &K,
    ) {
        let per_page = self.r.site.config.pagination;
        for language in &self.r.site.config.languages {
            lists[&language.code]
                .iter()
                .find(|x| &x.key == key)
                .map(|x| x.pages(per_page))
                .hash(h);
        }
    }

    /// The entries of a feed, with their full content.
    fn feed(&self, h: &mut DefaultHasher, reads: &mut Vec<Read>, items: &[ListItem]) {
        let site = self.r.site;
        for item in items
            .iter()
            .filter(|i| i.translated)
            .take(site.config.feed_releases)
        {
            let entry = &site.releases[item.entry];
            reads.push(Read::Release(item.entry));
            (entry.doc.hash, &entry.path).hash(h);
            self.links(h, entry, entry.lang());
        }
    }

    /// Every URL of the site and its translations, for the sitemap.
    fn structure(&self) -> u64 {
        *self.structure.get_or_init(|| {
            let site = self.r.site;
            let per_page = site.config.pagination;
            let mut h = DefaultHasher::new();
            self.global.hash(&mut h);
            for language in &site.config.languages {
                let code = language.code.as_str();
                site.list_pages(code).hash(&mut h);
                for listing in &site.tag_lists[code] {
                    (&listing.key, listing.pages(per_page)).hash(&mut h);
                }
                for listing in &site.year_lists[code] {
                    (listing.key, listing.pages(per_page)).hash(&mut h);
                }
            }
            for (entries, groups) in [
                (&site.releases, &site.release_groups),
                (&site.pages, &site.page_groups),
            ] {
                for entry in entries {
                    entry.path.hash(&mut h);
                    for (code, &i) in &groups[entry.group].versions {
                        (code, &entries[i].path).hash(&mut h);
                    }
                }
            }
            h.finish()
        })
    }
}

impl Job {
    /// Whether the job's plan reads one of the tag lists in `changes` (which
    /// releases it holds, or how many pages it has). Pages that show a
    /// release's tags read only whether a language has a list for the tag at
    /// all, which [`crate::site::Site::replace_release`] never changes.
    /// Mirrors the arms of [`Fingerprinter::plan`] that read
    /// `Site::tag_lists`; watch mode re-plans these jobs after a tag edit.
    pub fn reads_tag_lists(self, site: &Site, changes: &TagChanges) -> bool {
        let code = |l: usize| site.config.languages[l].code.as_str();
        let list = |l: usize, t: usize| {
            let key = &site.tag_lists[code(l)][t].key;
            changes
                .lists
                .iter()
                .any(|(lang, k)| lang == code(l) && k == key)
        };
        match self {
            // Every list's length, in its language.
            Job::TagIndex(l) => changes.lists.iter().any(|(lang, _)| lang == code(l)),
            // Every list's page count.
            Job::Sitemap(_) => !changes.pages.is_empty(),
            // Its list, and the page counts of the same tag in every language.
            Job::Tag(l, t, _) => {
                list(l, t) || changes.pages.contains(&site.tag_lists[code(l)][t].key)
            }
            Job::TagFeed(l, t) => list(l, t),
            Job::Root
            | Job::Home(_)
            | Job::List(..)
            | Job::Release(_)
            | Job::Page(_)
            | Job::NotFound(_)
            | Job::Alias(_)
            | Job::Asset(_)
            | Job::Static(_)
            | Job::Year(..)
            | Job::Feed(_)
            | Job::Robots => false,
        }
    }
}

/// A file's modification time and size: copies are redone when they change.
fn file_stamp(path: &std::path::Path) -> Option<(std::time::SystemTime, u64)> {
    let meta = std::fs::metadata(path).ok()?;
    Some((meta.modified().ok()?, meta.len()))
}
