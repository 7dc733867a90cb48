//! What each output file was made from, recorded while it is rendered.
//!
//! Rendering reads the model only through a [`Reader`]. Every read logs a
//! [`Dep`] (what was read, by a key that means the same in the next build and
//! the next process) with a stable hash of the value read; templates log the
//! templates they are made of, `t()` the bundle it used, `asset()` the static
//! file it named. [`capture`] collects the log of one output file. To tell
//! whether a file is still up to date, [`super::Renderer::current`] computes a
//! dependency's hash in the current build by doing the same read again, so
//! the hash a file recorded and the hash it is compared with come from one
//! piece of code: nothing lists a page's inputs by hand, and a new input read
//! through the reader is tracked by construction.
//!
//! The idea is salsa's (a query's inputs are the reads it made, revalidated
//! one by one; a re-run that gives the same bytes stops there), without the
//! crate: the build compares bytes before writing.

use std::cell::RefCell;
use std::path::PathBuf;

use crate::config::SiteConfig;
use crate::images::Variant;
use crate::site::{Alias, AssetCopy, Entry, ListItem, Photo, Site, TagRegistry, Urls};
use crate::source::Section;
use crate::util::hash::{StableHasher, stable_hash};

/// One thing an output file read, by a key stable across builds.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Dep {
    /// `site.yaml` and the options that change URLs (all of [`SiteConfig`]
    /// and the URL scheme).
    Config,
    /// The tag registry (`tags.yaml`): labels and descriptions.
    Tags,
    /// The interface strings of a language, with its fallbacks.
    Bundle(String),
    /// A template's source, by name.
    Template(String),
    /// A static file's content, by output path.
    Static(String),
    /// A bundle file copied as it is, by output path.
    Asset(String),
    /// A redirect page, by output path.
    Alias(String),
    /// Which documents a section publishes.
    Entries(Section),
    /// A published document's text (front matter and body), by source path.
    Text(PathBuf),
    /// Where a published document lives (its site path), by source path.
    Place(PathBuf),
    /// A translation group's versions and where they live.
    Group(Section, String),
    /// A language's static pages as the menu shows them.
    Menu(String),
    /// Where an internal link (`@/…`) leads from a page in a language.
    Link(String, String),
    /// Lines `start..start + len` of a list, and the list's length.
    List(ListKey, usize, usize),
    /// Whether a list exists, and how many pages it has.
    ListPages(ListKey),
    /// The releases a list's feed carries.
    Feed(ListKey),
    /// A language's years with their release counts.
    Years(String),
    /// A language's tag lists with their release counts.
    TagCounts(String),
    /// Whether a language has a list for a tag.
    TagListed(String, String),
    /// The location a release shows on a page in a language (its own, or a
    /// translation's along the language's fallback chain), by source path.
    Location(PathBuf, String),
    /// The photo a file reference leads to (its sizes, files and settings),
    /// by the output path the reference resolves to.
    Photo(String),
    /// A file made from a photo, by output path.
    PhotoFile(String),
}

/// A list of releases, by a key stable across builds.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ListKey {
    /// A language's releases list.
    Releases(String),
    /// A language's list of one tag.
    Tag(String, String),
    /// A language's list of one year.
    Year(String, i32),
}

/// The hash of a dependency whose subject is gone (a deleted document, a
/// list that no longer exists): it differs from any recorded hash but with
/// negligible chance.
pub const ABSENT: u64 = 0x5e1f_ab5e_47ed_0001;

/// A file's recorded reads: each dependency once, sorted.
pub type Reads = Vec<(Dep, u64)>;

thread_local! {
    /// One log per [`capture`] running on this thread, innermost last.
    static LOG: RefCell<Vec<Reads>> = const { RefCell::new(Vec::new()) };
}

/// Logs a read in the innermost [`capture`] on this thread; does nothing
/// outside one.
pub fn record(dep: Dep, hash: u64) {
    LOG.with(|log| {
        if let Some(reads) = log.borrow_mut().last_mut() {
            reads.push((dep, hash));
        }
    });
}

/// Runs `f` and returns what it read, each dependency once.
pub fn capture<T>(f: impl FnOnce() -> T) -> (T, Reads) {
    LOG.with(|log| log.borrow_mut().push(Vec::new()));
    // Popped even if `f` panics, so a later capture on this thread is clean.
    struct Pop;
    impl Drop for Pop {
        fn drop(&mut self) {
            LOG.with(|log| log.borrow_mut().pop());
        }
    }
    let pop = Pop;
    let value = f();
    let mut reads = LOG.with(|log| std::mem::take(log.borrow_mut().last_mut().expect("pushed")));
    drop(pop);
    reads.sort_unstable();
    reads.dedup();
    (value, reads)
}

/// Logs reads recorded earlier (by a value computed once and reused, such as
/// the context shared by every page of a language).
pub fn replay(reads: &Reads) {
    for (dep, hash) in reads {
        record(dep.clone(), *hash);
    }
}

/// The model as rendering sees it: every read is logged.
#[derive(Clone, Copy)]
pub struct Reader<'s> {
    site: &'s Site,
    config_hash: u64,
    tags_hash: u64,
}

/// One version of a translated document.
#[derive(Debug, Clone, Copy)]
pub struct Version<'s> {
    /// Its language.
    pub code: &'s str,
    /// Its index in its section's entries.
    pub index: usize,
    /// Its site path.
    pub path: &'s str,
}

impl<'s> Reader<'s> {
    /// A reader of `site`.
    pub fn new(site: &'s Site) -> Reader<'s> {
        Reader {
            site,
            config_hash: config_hash(site.config(), site.urls()),
            tags_hash: tags_hash(site.tags(), site.config()),
        }
    }

    /// The model itself, unlogged: only for the list of files a build makes
    /// and their paths, which are not what a file reads but which files exist.
    pub fn unlogged(&self) -> &'s Site {
        self.site
    }

    /// The configuration.
    pub fn config(&self) -> &'s SiteConfig {
        record(Dep::Config, self.config_hash);
        self.site.config()
    }

    /// The URL scheme (made from the configuration).
    pub fn urls(&self) -> &'s Urls {
        record(Dep::Config, self.config_hash);
        self.site.urls()
    }

    /// The tag registry.
    pub fn tags(&self) -> &'s TagRegistry {
        record(Dep::Tags, self.tags_hash);
        self.site.tags()
    }

    fn entries_of(&self, section: Section) -> &'s [Entry] {
        match section {
            Section::Releases => self.site.releases(),
            Section::Pages => self.site.pages(),
        }
    }

    /// How many documents `section` publishes.
    pub fn entries(&self, section: Section) -> usize {
        let entries = self.entries_of(section);
        let rels: Vec<&PathBuf> = entries.iter().map(|e| &e.doc.source.rel).collect();
        record(Dep::Entries(section), stable_hash(&rels));
        entries.len()
    }

    /// Entry `index` of `section`: its text and place.
    pub fn entry(&self, section: Section, index: usize) -> &'s Entry {
        let entry = &self.entries_of(section)[index];
        let rel = &entry.doc.source.rel;
        record(Dep::Text(rel.clone()), entry.doc.hash);
        record(Dep::Place(rel.clone()), stable_hash(&entry.path));
        entry
    }

    /// The site path of entry `index` of `section`, without its text.
    pub fn entry_path(&self, section: Section, index: usize) -> &'s str {
        let entry = &self.entries_of(section)[index];
        record(
            Dep::Place(entry.doc.source.rel.clone()),
            stable_hash(&entry.path),
        );
        &entry.path
    }

    /// The versions of entry `index` of `section`, in site language order.
    pub fn translations(&self, section: Section, index: usize) -> Vec<Version<'s>> {
        let site = self.site;
        let (entries, groups) = match section {
            Section::Releases => (site.releases(), site.release_groups()),
            Section::Pages => (site.pages(), site.page_groups()),
        };
        let group = &groups[entries[index].group];
        let versions: Vec<Version<'s>> = site
            .translations(groups, &entries[index])
            .map(|(code, i)| Version {
                code,
                index: i,
                path: &entries[i].path,
            })
            .collect();
        let value: Vec<(&str, &str)> = versions.iter().map(|v| (v.code, v.path)).collect();
        record(Dep::Group(section, group.key.clone()), stable_hash(&value));
        versions
    }

    /// The static pages of `lang` as (title, site path), in menu order.
    pub fn menu(&self, lang: &str) -> Vec<(&'s str, &'s str)> {
        let items: Vec<(&'s str, &'s str)> = self
            .site
            .pages()
            .iter()
            .filter(|p| p.lang() == lang)
            .map(|p| (p.doc.front.title.as_str(), p.path.as_str()))
            .collect();
        record(Dep::Menu(lang.to_owned()), stable_hash(&items));
        items
    }

    /// Where the internal link `target` leads from a page in `lang`.
    pub fn resolve_link(&self, target: &str, lang: &str) -> Option<String> {
        let url = self.site.resolve_link(target, lang);
        record(
            Dep::Link(target.to_owned(), lang.to_owned()),
            stable_hash(&url),
        );
        url
    }

    /// The list `key` (unlogged).
    fn list(&self, key: &ListKey) -> Option<&'s [ListItem]> {
        let site = self.site;
        match key {
            ListKey::Releases(lang) => site.lists().get(lang).map(Vec::as_slice),
            ListKey::Tag(lang, tag) => {
                let lists = site.tag_lists().get(lang)?;
                let at = lists.binary_search_by(|l| l.key.as_str().cmp(tag)).ok()?;
                Some(&lists[at].items)
            }
            ListKey::Year(lang, year) => site
                .year_lists()
                .get(lang)?
                .iter()
                .find(|l| l.key == *year)
                .map(|l| l.items.as_slice()),
        }
    }

    /// Lines `start..start + len` of list `key` (fewer at its end) and its
    /// length.
    pub fn list_slice(&self, key: &ListKey, start: usize, len: usize) -> (&'s [ListItem], usize) {
        let items = self.list(key).unwrap_or(&[]);
        let slice = items
            .get(start..(start + len).min(items.len()))
            .unwrap_or(&[]);
        let lines: Vec<(&PathBuf, bool)> = slice
            .iter()
            .map(|i| (&self.site.releases()[i.entry].doc.source.rel, i.translated))
            .collect();
        record(
            Dep::List(key.clone(), start, len),
            stable_hash(&(items.len(), lines)),
        );
        (slice, items.len())
    }

    /// The number of pages of list `key`, `None` when there is no such list.
    pub fn list_pages(&self, key: &ListKey) -> Option<usize> {
        let per_page = self.site.config().pagination;
        let pages = self
            .list(key)
            .map(|items| items.len().div_ceil(per_page).max(1));
        record(Dep::ListPages(key.clone()), stable_hash(&pages));
        pages
    }

    /// The releases (entry indices) the feed of list `key` carries: those
    /// written in the list's language, newest first, as many as a feed holds.
    pub fn feed_items(&self, key: &ListKey) -> Vec<usize> {
        let items: Vec<usize> = self
            .list(key)
            .unwrap_or(&[])
            .iter()
            .filter(|i| i.translated)
            .take(self.site.config().feed_releases)
            .map(|i| i.entry)
            .collect();
        let rels: Vec<&PathBuf> = items
            .iter()
            .map(|&i| &self.site.releases()[i].doc.source.rel)
            .collect();
        record(Dep::Feed(key.clone()), stable_hash(&rels));
        items
    }

    /// The years of `lang` with their release counts, newest first.
    pub fn years(&self, lang: &str) -> Vec<(i32, usize)> {
        let years: Vec<(i32, usize)> = self.site.year_lists()[lang]
            .iter()
            .map(|l| (l.key, l.items.len()))
            .collect();
        record(Dep::Years(lang.to_owned()), stable_hash(&years));
        years
    }

    /// The tags `lang` has lists for, by key, with their release counts.
    pub fn tag_counts(&self, lang: &str) -> Vec<(&'s str, usize)> {
        let tags: Vec<(&'s str, usize)> = self.site.tag_lists()[lang]
            .iter()
            .map(|l| (l.key.as_str(), l.items.len()))
            .collect();
        record(Dep::TagCounts(lang.to_owned()), stable_hash(&tags));
        tags
    }

    /// Whether `lang` has a list for the tag `key`.
    pub fn tag_listed(&self, lang: &str, key: &str) -> bool {
        let listed = self.site.tag_lists()[lang]
            .binary_search_by(|l| l.key.as_str().cmp(key))
            .is_ok();
        record(
            Dep::TagListed(lang.to_owned(), key.to_owned()),
            stable_hash(&listed),
        );
        listed
    }

    /// The location release `index` shows on a page in `lang`, with the
    /// language it is written in: its own, or a translation's along `lang`'s
    /// fallback chain.
    pub fn location(&self, index: usize, lang: &str) -> Option<(&'s str, &'s str)> {
        let entry = &self.site.releases()[index];
        let shown = self.site.location_in(entry, lang);
        record(
            Dep::Location(entry.doc.source.rel.clone(), lang.to_owned()),
            stable_hash(&shown),
        );
        shown
    }

    /// Redirect `index`.
    pub fn alias(&self, index: usize) -> &'s Alias {
        let alias = &self.site.aliases()[index];
        record(
            Dep::Alias(alias.output.clone()),
            stable_hash(&(&alias.target, &alias.lang)),
        );
        alias
    }

    /// Bundle file `index`; its hash is the source file's size and
    /// modification time, so an unchanged file is not read again.
    pub fn asset(&self, index: usize) -> &'s AssetCopy {
        let asset = &self.site.assets()[index];
        record(
            Dep::Asset(asset.output.clone()),
            stable_hash(&(&asset.source, file_stamp(&asset.source))),
        );
        asset
    }

    /// The current hash of `dep` in this model: the same read again, its
    /// log kept. `None` for dependencies that are not the model's (templates,
    /// bundles, static files).
    /// The photo a file reference of `entry` names, if it is one.
    pub fn photo_for(&self, entry: &Entry, target: &str) -> Option<&'s Photo> {
        let output = crate::site::reference_output(entry, target)?;
        self.photo_at(&output)
    }

    /// The photo a reference resolving to the output path `output` shows.
    fn photo_at(&self, output: &str) -> Option<&'s Photo> {
        let photos = self.site.photos();
        let photo = photos.by_output.get(output).map(|&i| &photos.list[i]);
        record(Dep::Photo(output.to_owned()), self.photo_hash(photo));
        photo
    }

    /// What a page showing `photo` depends on: each file's name and what it
    /// is made from, and the photo's size.
    fn photo_hash(&self, photo: Option<&Photo>) -> u64 {
        let mut h = StableHasher::new();
        if let Some(photo) = photo {
            let settings = &self.site.config().images;
            h.add(&u64::from(photo.probe.width))
                .add(&u64::from(photo.probe.height));
            for (variant, output) in photo.variants.iter().zip(&photo.outputs) {
                h.add(output).add(&variant.key(&photo.probe, settings));
            }
        }
        h.finish()
    }

    /// File `index` of the photos' files: the photo, which of its variants,
    /// and the output path.
    pub fn photo_file(&self, index: usize) -> (usize, &'s Photo, Variant, &'s str) {
        let photos = self.site.photos();
        let (p, v) = photos.files[index];
        let photo = &photos.list[p];
        let output = photo.outputs[v].as_str();
        record(
            Dep::PhotoFile(output.to_owned()),
            photo.variants[v].key(&photo.probe, &self.site.config().images),
        );
        (p, photo, photo.variants[v], output)
    }

    pub(super) fn current(&self, dep: &Dep, index: &Lookup) -> Option<u64> {
        let read = |f: &dyn Fn()| -> u64 {
            let ((), reads) = capture(f);
            reads
                .into_iter()
                .find(|(d, _)| d == dep)
                .map_or(ABSENT, |(_, h)| h)
        };
        let entry = |rel: &PathBuf| index.entries.get(rel).copied();
        Some(match dep {
            Dep::Config => self.config_hash,
            Dep::Tags => self.tags_hash,
            Dep::Entries(section) => read(&|| {
                self.entries(*section);
            }),
            Dep::Text(rel) => match entry(rel) {
                Some((section, i)) => read(&|| {
                    self.entry(section, i);
                }),
                None => ABSENT,
            },
            Dep::Place(rel) => match entry(rel) {
                Some((section, i)) => read(&|| {
                    self.entry_path(section, i);
                }),
                None => ABSENT,
            },
            Dep::Group(section, key) => match index.groups.get(&(*section, key.clone())) {
                Some(&i) => read(&|| {
                    self.translations(*section, i);
                }),
                None => ABSENT,
            },
            Dep::Menu(lang) => read(&|| {
                self.menu(lang);
            }),
            Dep::Link(target, lang) => read(&|| {
                self.resolve_link(target, lang);
            }),
            Dep::List(key, start, len) => read(&|| {
                self.list_slice(key, *start, *len);
            }),
            Dep::ListPages(key) => read(&|| {
                self.list_pages(key);
            }),
            Dep::Feed(key) => read(&|| {
                self.feed_items(key);
            }),
            Dep::Years(lang) if self.site.year_lists().contains_key(lang) => read(&|| {
                self.years(lang);
            }),
            Dep::TagCounts(lang) if self.site.tag_lists().contains_key(lang) => read(&|| {
                self.tag_counts(lang);
            }),
            Dep::TagListed(lang, key) if self.site.tag_lists().contains_key(lang) => read(&|| {
                self.tag_listed(lang, key);
            }),
            Dep::Years(_) | Dep::TagCounts(_) | Dep::TagListed(..) => ABSENT,
            Dep::Location(rel, lang) => match entry(rel) {
                Some((Section::Releases, i)) => read(&|| {
                    self.location(i, lang);
                }),
                _ => ABSENT,
            },
            Dep::Alias(output) => match index.aliases.get(output) {
                Some(&i) => read(&|| {
                    self.alias(i);
                }),
                None => ABSENT,
            },
            Dep::Asset(output) => match index.assets.get(output) {
                Some(&i) => read(&|| {
                    self.asset(i);
                }),
                None => ABSENT,
            },
            Dep::Photo(output) => read(&|| {
                self.photo_at(output);
            }),
            Dep::PhotoFile(output) => match index.photo_files.get(output) {
                Some(&i) => read(&|| {
                    self.photo_file(i);
                }),
                None => ABSENT,
            },
            Dep::Bundle(_) | Dep::Template(_) | Dep::Static(_) => return None,
        })
    }
}

/// Stable keys → positions in the current model, for [`Reader::current`].
pub struct Lookup {
    entries: std::collections::HashMap<PathBuf, (Section, usize)>,
    groups: std::collections::HashMap<(Section, String), usize>,
    aliases: std::collections::HashMap<String, usize>,
    assets: std::collections::HashMap<String, usize>,
    photo_files: std::collections::HashMap<String, usize>,
}

impl Lookup {
    pub(crate) fn new(site: &Site) -> Lookup {
        let mut entries = std::collections::HashMap::new();
        let mut groups = std::collections::HashMap::new();
        for (section, list) in [
            (Section::Releases, site.releases()),
            (Section::Pages, site.pages()),
        ] {
            for (i, entry) in list.iter().enumerate() {
                entries.insert(entry.doc.source.rel.clone(), (section, i));
            }
            let group_list = match section {
                Section::Releases => site.release_groups(),
                Section::Pages => site.page_groups(),
            };
            for group in group_list {
                // Any version leads to the group.
                if let Some(&i) = group.versions.values().next() {
                    groups.insert((section, group.key.clone()), i);
                }
            }
        }
        let aliases = site
            .aliases()
            .iter()
            .enumerate()
            .map(|(i, a)| (a.output.clone(), i))
            .collect();
        let assets = site
            .assets()
            .iter()
            .enumerate()
            .map(|(i, a)| (a.output.clone(), i))
            .collect();
        let photos = site.photos();
        let photo_files = photos
            .files
            .iter()
            .enumerate()
            .map(|(i, &(p, v))| (photos.list[p].outputs[v].clone(), i))
            .collect();
        Lookup {
            entries,
            groups,
            aliases,
            assets,
            photo_files,
        }
    }
}

/// Every field of the configuration, and the base URL the build uses.
fn config_hash(config: &SiteConfig, urls: &Urls) -> u64 {
    // Named one by one, so that a new field cannot be forgotten here.
    let SiteConfig {
        root: _,
        title,
        description,
        base_url,
        languages,
        theme,
        pagination,
        home_releases,
        feed_releases,
        markdown,
        default_language_at_root,
        list_untranslated,
        // Checked when documents are parsed; no page shows them.
        limits: _,
        // Read by `pressroom deploy` only; no page shows it.
        deploy: _,
        // Recorded by the pages and files that show a photo (`Dep::Photo`,
        // `Dep::PhotoFile`), so other pages do not depend on it.
        images: _,
    } = config;
    let mut h = StableHasher::new();
    h.add(title)
        .add(description)
        .add(base_url)
        .add(theme)
        .add(pagination)
        .add(home_releases)
        .add(feed_releases)
        .add(&(markdown.allow_html, markdown.smart_punctuation))
        .add(default_language_at_root)
        .add(list_untranslated)
        .add(&urls.permalink(""));
    for l in languages {
        let crate::config::Language {
            code,
            name,
            fallback,
            title,
            description,
            locale,
            quotes,
        } = l;
        h.add(&(code, name, fallback, title, description))
            .add(locale)
            .add(quotes);
    }
    h.finish()
}

/// Every tag's label and description in every language.
fn tags_hash(tags: &TagRegistry, config: &SiteConfig) -> u64 {
    let mut h = StableHasher::new();
    for key in tags.keys() {
        h.add(key);
        for l in &config.languages {
            h.add(&(tags.label(key, &l.code), tags.description(key, &l.code)));
        }
    }
    h.finish()
}

/// A file's size and modification time (nanoseconds since 1970), `None` when
/// it cannot be read.
pub(crate) fn file_stamp(path: &std::path::Path) -> Option<(u64, u64)> {
    let meta = std::fs::metadata(path).ok()?;
    let mtime = meta
        .modified()
        .ok()?
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?;
    Some((meta.len(), mtime.as_nanos() as u64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capture_logs_each_read_once_and_nests() {
        let ((), outer) = capture(|| {
            record(Dep::Config, 1);
            let ((), inner) = capture(|| record(Dep::Tags, 2));
            assert_eq!(inner, vec![(Dep::Tags, 2)]);
            record(Dep::Config, 1);
        });
        assert_eq!(outer, vec![(Dep::Config, 1)]);
        // Outside a capture nothing is kept.
        record(Dep::Config, 1);
        let ((), none) = capture(|| ());
        assert!(none.is_empty());
    }
}
