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
//! through the reader is tracked by construction. Working a hash out again
//! also tells which documents' bodies it read ([`crate::document::reads`]):
//! after an edit that changed only bodies, only the dependencies that read
//! one of them are worked out again.
//!
//! The idea is salsa's (a query's inputs are the reads it made, revalidated
//! one by one; a re-run that gives the same bytes stops there), without the
//! crate: the build compares bytes before writing.

use std::cell::RefCell;
use std::path::PathBuf;

use crate::config::SiteConfig;
use crate::document::reads::{self as body_reads, BodyReads};
use crate::images::Variant;
use crate::site::{Alias, AssetCopy, Entry, ListItem, Photo, Site, TagRegistry, Urls};
use crate::source::Section;
use crate::util::frames;
use crate::util::hash::{StableHasher, stable_hash};

use super::search::SHARD;

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
    /// A language's tag lists with their page counts: what the sitemap
    /// needs, which adding a tag to a release or taking it off seldom
    /// changes. (Its years need no such thing: a release changes year only
    /// by moving, and the sitemap reads where every release is.)
    TagPages(String),
    /// Whether a language has a list for a tag.
    TagListed(String, String),
    /// The location a release shows on a page in a language (its own, or a
    /// translation's along the language's fallback chain), by source path.
    Location(PathBuf, String),
    /// A release's previous, next and related releases, by source path.
    Reading(PathBuf),
    /// A document's title and date, by source path: what a link to it
    /// from another release's page shows.
    Heading(PathBuf),
    /// What a language's search index is made of: which documents, in which
    /// order, with their text, place, location, versions and tag labels.
    Search(String),
    /// The documents of one shard file of a language's search index (what
    /// [`Reader::search_shard`] reads), by language and shard number.
    SearchShard(String, usize),
    /// One chunk of a language's search index, by language and chunk name:
    /// its stems, postings and word forms (see
    /// [`crate::search::index::Index::chunk_hash`]).
    SearchChunk(String, String),
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
    frames::innermost(&LOG, |reads| {
        // A page reads the configuration dozens of times in a row; the log
        // would hold every copy until [`capture`] deduplicates it.
        if !reads.last().is_some_and(|(d, h)| *h == hash && *d == dep) {
            reads.push((dep, hash));
        }
    });
}

/// [`record`], with the hash worked out only inside a [`capture`]: for a
/// value that is costly to hash and also read where nothing records.
pub fn record_with(dep: Dep, hash: impl FnOnce() -> u64) {
    if frames::active(&LOG) {
        record(dep, hash());
    }
}

/// Runs `f` and returns what it read, each dependency once.
pub fn capture<T>(f: impl FnOnce() -> T) -> (T, Reads) {
    let (value, mut reads) = frames::within(&LOG, f);
    // Ordered by a hash (stable, so equal hashes keep the order read):
    // comparing two source paths goes component by component, and sorting
    // a tag page's few hundred reads that way (the sitemap's 100,000) was
    // a tenth of rendering it. Equal reads end up side by side, once each
    // after `dedup` (two different reads of one hash may keep a twin,
    // which costs a check, never a miss).
    reads.sort_by_cached_key(|read| {
        let mut h = rustc_hash::FxHasher::default();
        std::hash::Hash::hash(read, &mut h);
        std::hash::Hasher::finish(&h)
    });
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
        self.site.entries(section)
    }

    // Each read below is a `*_hashed` function, which works out the value and
    // the hash of what it read, and a public method, which records that hash
    // under the read's key. [`Reader::current`] calls the same `*_hashed`
    // function: the hash a file recorded and the one it is compared with in
    // the next build come from one piece of code.

    fn entries_hashed(&self, section: Section) -> (usize, u64) {
        let entries = self.entries_of(section);
        let rels: Vec<&PathBuf> = entries.iter().map(|e| &e.doc.source.rel).collect();
        (entries.len(), stable_hash(&rels))
    }

    /// How many documents `section` publishes.
    pub fn entries(&self, section: Section) -> usize {
        // Hashing 30,000 paths is a watch round's millisecond or two, and
        // counting the sitemap's URLs for the job list records nothing.
        record_with(Dep::Entries(section), || self.entries_hashed(section).1);
        self.entries_of(section).len()
    }

    /// A document's text (front matter and body).
    fn text_hash(entry: &Entry) -> u64 {
        entry.doc.hash()
    }

    /// Where a document lives.
    fn place_hash(entry: &Entry) -> u64 {
        stable_hash(&entry.path)
    }

    /// Entry `index` of `section`: its text and place.
    pub fn entry(&self, section: Section, index: usize) -> &'s Entry {
        let entry = &self.entries_of(section)[index];
        let rel = &entry.doc.source.rel;
        record(Dep::Text(rel.clone()), Self::text_hash(entry));
        record(Dep::Place(rel.clone()), Self::place_hash(entry));
        entry
    }

    /// The site path of entry `index` of `section`, without its text.
    pub fn entry_path(&self, section: Section, index: usize) -> &'s str {
        let entry = &self.entries_of(section)[index];
        record(
            Dep::Place(entry.doc.source.rel.clone()),
            Self::place_hash(entry),
        );
        &entry.path
    }

    fn translations_hashed(&self, section: Section, index: usize) -> (Vec<Version<'s>>, u64) {
        let site = self.site;
        let (entries, groups) = match section {
            Section::Releases => (site.releases(), site.release_groups()),
            Section::Pages => (site.pages(), site.page_groups()),
        };
        let versions: Vec<Version<'s>> = site
            .translations(groups, &entries[index])
            .map(|(code, i)| Version {
                code,
                index: i,
                path: &entries[i].path,
            })
            .collect();
        let value: Vec<(&str, &str)> = versions.iter().map(|v| (v.code, v.path)).collect();
        (versions, stable_hash(&value))
    }

    /// The versions of entry `index` of `section`, in site language order.
    pub fn translations(&self, section: Section, index: usize) -> Vec<Version<'s>> {
        let groups = match section {
            Section::Releases => self.site.release_groups(),
            Section::Pages => self.site.page_groups(),
        };
        let key = &groups[self.entries_of(section)[index].group].key;
        let (versions, hash) = self.translations_hashed(section, index);
        record(Dep::Group(section, key.clone()), hash);
        versions
    }

    fn menu_hashed(&self, lang: &str) -> (Vec<(&'s str, &'s str)>, u64) {
        let items: Vec<(&'s str, &'s str)> = self
            .site
            .pages()
            .iter()
            .filter(|p| p.lang() == lang)
            .map(|p| (p.doc.front.title.as_str(), p.path.as_str()))
            .collect();
        let hash = stable_hash(&items);
        (items, hash)
    }

    /// The static pages of `lang` as (title, site path), in menu order.
    pub fn menu(&self, lang: &str) -> Vec<(&'s str, &'s str)> {
        let (items, hash) = self.menu_hashed(lang);
        record(Dep::Menu(lang.to_owned()), hash);
        items
    }

    fn link_hashed(&self, target: &str, lang: &str) -> (Option<String>, u64) {
        let url = self.site.resolve_link(target, lang);
        let hash = stable_hash(&url);
        (url, hash)
    }

    /// Where the internal link `target` leads from a page in `lang`.
    pub fn resolve_link(&self, target: &str, lang: &str) -> Option<String> {
        let (url, hash) = self.link_hashed(target, lang);
        record(Dep::Link(target.to_owned(), lang.to_owned()), hash);
        url
    }

    /// The list `key` (unlogged).
    fn list(&self, key: &ListKey) -> Option<&'s [ListItem]> {
        let site = self.site;
        match key {
            ListKey::Releases(lang) => site.lists().get(lang).map(Vec::as_slice),
            ListKey::Tag(lang, tag) => {
                let lists = site.tag_lists(lang)?;
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

    fn list_slice_hashed(
        &self,
        key: &ListKey,
        start: usize,
        len: usize,
    ) -> ((&'s [ListItem], usize), u64) {
        let items = self.list(key).unwrap_or(&[]);
        let slice = items
            .get(start..(start + len).min(items.len()))
            .unwrap_or(&[]);
        let lines: Vec<(u64, bool)> = slice
            .iter()
            .map(|i| (self.site.release_id(i.entry), i.translated))
            .collect();
        ((slice, items.len()), stable_hash(&(items.len(), lines)))
    }

    /// Lines `start..start + len` of list `key` (fewer at its end) and its
    /// length.
    pub fn list_slice(&self, key: &ListKey, start: usize, len: usize) -> (&'s [ListItem], usize) {
        let (value, hash) = self.list_slice_hashed(key, start, len);
        record(Dep::List(key.clone(), start, len), hash);
        value
    }

    fn list_pages_hashed(&self, key: &ListKey) -> (Option<usize>, u64) {
        let pages = self.list(key).map(|items| self.pages_for(items.len()));
        (pages, stable_hash(&pages))
    }

    /// The number of pages of list `key`, `None` when there is no such list.
    pub fn list_pages(&self, key: &ListKey) -> Option<usize> {
        let (pages, hash) = self.list_pages_hashed(key);
        record(Dep::ListPages(key.clone()), hash);
        pages
    }

    fn feed_items_hashed(&self, key: &ListKey) -> (Vec<usize>, u64) {
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
        let hash = stable_hash(&rels);
        (items, hash)
    }

    /// The releases (entry indices) the feed of list `key` carries: those
    /// written in the list's language, newest first, as many as a feed holds.
    pub fn feed_items(&self, key: &ListKey) -> Vec<usize> {
        let (items, hash) = self.feed_items_hashed(key);
        record(Dep::Feed(key.clone()), hash);
        items
    }

    fn years_hashed(&self, lang: &str) -> (Vec<(i32, usize)>, u64) {
        let years: Vec<(i32, usize)> = self.site.year_lists()[lang]
            .iter()
            .map(|l| (l.key, l.items.len()))
            .collect();
        let hash = stable_hash(&years);
        (years, hash)
    }

    /// The years of `lang` with their release counts, newest first.
    pub fn years(&self, lang: &str) -> Vec<(i32, usize)> {
        let (years, hash) = self.years_hashed(lang);
        record(Dep::Years(lang.to_owned()), hash);
        years
    }

    /// How many pages a list of `count` releases takes.
    fn pages_for(&self, count: usize) -> usize {
        count.div_ceil(self.site.config().pagination).max(1)
    }

    /// The tags `lang` has lists for, by key, each with `size` of its
    /// release count, and their hash.
    fn tag_sizes_hashed(
        &self,
        lang: &str,
        size: impl Fn(usize) -> usize,
    ) -> (Vec<(&'s str, usize)>, u64) {
        let tags: Vec<(&'s str, usize)> = self
            .site
            .tag_lists(lang)
            .unwrap_or_default()
            .iter()
            .map(|l| (l.key.as_str(), size(l.items.len())))
            .collect();
        let hash = stable_hash(&tags);
        (tags, hash)
    }

    fn tag_pages_hashed(&self, lang: &str) -> (Vec<(&'s str, usize)>, u64) {
        self.tag_sizes_hashed(lang, |n| self.pages_for(n))
    }

    /// The tags `lang` has lists for, by key, with their page counts.
    pub fn tag_pages(&self, lang: &str) -> Vec<(&'s str, usize)> {
        let (tags, hash) = self.tag_pages_hashed(lang);
        record(Dep::TagPages(lang.to_owned()), hash);
        tags
    }

    fn tag_counts_hashed(&self, lang: &str) -> (Vec<(&'s str, usize)>, u64) {
        self.tag_sizes_hashed(lang, |n| n)
    }

    /// The tags `lang` has lists for, by key, with their release counts.
    pub fn tag_counts(&self, lang: &str) -> Vec<(&'s str, usize)> {
        let (tags, hash) = self.tag_counts_hashed(lang);
        record(Dep::TagCounts(lang.to_owned()), hash);
        tags
    }

    fn tag_listed_hashed(&self, lang: &str, key: &str) -> (bool, u64) {
        let listed = self
            .site
            .tag_lists(lang)
            .unwrap_or_default()
            .binary_search_by(|l| l.key.as_str().cmp(key))
            .is_ok();
        (listed, stable_hash(&listed))
    }

    /// Whether `lang` has a list for the tag `key`.
    pub fn tag_listed(&self, lang: &str, key: &str) -> bool {
        let (listed, hash) = self.tag_listed_hashed(lang, key);
        record(Dep::TagListed(lang.to_owned(), key.to_owned()), hash);
        listed
    }

    fn location_hashed(&self, index: usize, lang: &str) -> (Option<(&'s str, &'s str)>, u64) {
        let entry = &self.site.releases()[index];
        let shown = self.site.location_in(entry, lang);
        (shown, stable_hash(&shown))
    }

    /// The location release `index` shows on a page in `lang`, with the
    /// language it is written in: its own, or a translation's along `lang`'s
    /// fallback chain.
    pub fn location(&self, index: usize, lang: &str) -> Option<(&'s str, &'s str)> {
        let (shown, hash) = self.location_hashed(index, lang);
        let rel = &self.site.releases()[index].doc.source.rel;
        record(Dep::Location(rel.clone(), lang.to_owned()), hash);
        shown
    }

    /// Release `index`'s previous, next and related releases, with a hash
    /// of which releases they are (by source path).
    fn reading_hashed(&self, index: usize) -> (&'s crate::site::Reading, u64) {
        let site = self.site;
        let reading = site.reading(index);
        let rel = |i: usize| site.release_id(i);
        let value = (
            reading.previous.map(rel),
            reading.next.map(rel),
            reading.related.iter().map(|&i| rel(i)).collect::<Vec<_>>(),
        );
        (reading, stable_hash(&value))
    }

    /// What release `index` offers to read on: previous, next and related
    /// releases, by entry index.
    pub fn reading(&self, index: usize) -> &'s crate::site::Reading {
        let (reading, hash) = self.reading_hashed(index);
        record(
            Dep::Reading(self.site.releases()[index].doc.source.rel.clone()),
            hash,
        );
        reading
    }

    /// Release `index` with a hash of its title and date.
    fn heading_hashed(&self, index: usize) -> (&'s Entry, u64) {
        let entry = &self.site.releases()[index];
        let front = &entry.doc.front;
        // The day as a number: formatting it took a third of this hash.
        let day = front
            .date
            .map(|d| chrono::Datelike::num_days_from_ce(&d.date));
        (entry, stable_hash(&(&front.title, day)))
    }

    /// The title, date and site path of release `index`, without its text:
    /// what a link to it shows, so that editing its body leaves the pages
    /// linking to it alone.
    pub fn release_heading(&self, index: usize) -> &'s Entry {
        let (entry, hash) = self.heading_hashed(index);
        record(Dep::Heading(entry.doc.source.rel.clone()), hash);
        self.entry_path(Section::Releases, index);
        entry
    }

    /// The documents the search index of `lang` holds, oldest first: its
    /// static pages, then the releases its list shows (a release with no
    /// version in `lang` in another language, as the list shows it), with
    /// a hash of each and, over them, the [`Dep::Search`] hash that stands
    /// for all they are made of, so that a file made from the whole index
    /// records one read, not one per document. The hashes cost no more than
    /// the list of documents (no word is read to make them).
    ///
    /// Records nothing: the renderer works them out once per language
    /// (for [`Dep::Search`], [`Dep::SearchShard`] and the index), and an
    /// index records them with [`Reader::search_docs`].
    pub fn search_docs_unrecorded(&self, lang: &str) -> SearchDocs<'s> {
        let docs = self.search_doc_list(lang);
        let each = docs
            .iter()
            .map(|doc| self.search_doc_hash(doc, lang))
            .collect();
        self.search_hashes(docs, each)
    }

    /// As [`Reader::search_docs_unrecorded`], for a model that is `carried`'s
    /// but for the bodies and tags of some documents and what tags decide
    /// (see [`Site::parts_changed`]; a search document reads neither a tag
    /// list nor a reading list): only the documents whose hash changed are
    /// hashed again, and the
    /// bodies `carried` read are read again. `None` when `carried` does not
    /// hold this language's documents.
    pub fn search_docs_carried(&self, lang: &str, carried: &CarriedDocs) -> Option<SearchDocs<'s>> {
        let docs = self.search_doc_list(lang);
        if docs.len() != carried.docs.len() {
            return None;
        }
        body_reads::replay(&carried.bodies);
        let mut each = carried.hashes.each.clone();
        for (i, doc) in docs.iter().enumerate() {
            if doc.entry.doc.hash() != carried.docs[i] {
                each[i] = self.search_doc_hash(doc, lang);
            }
        }
        Some(self.search_hashes(docs, each))
    }

    /// The documents the search index of `lang` holds, in its order: the
    /// pages, then the releases newest first.
    fn search_doc_list(&self, lang: &str) -> Vec<SearchDoc<'s>> {
        let site = self.site;
        let mut docs: Vec<SearchDoc<'s>> = site
            .pages()
            .iter()
            .enumerate()
            .filter(|(_, p)| p.lang() == lang)
            .map(|(index, entry)| SearchDoc {
                section: Section::Pages,
                index,
                entry,
                translated: true,
            })
            .collect();
        if let Some(list) = site.lists().get(lang) {
            docs.extend(list.iter().rev().map(|item| SearchDoc {
                section: Section::Releases,
                index: item.entry,
                entry: &site.releases()[item.entry],
                translated: item.translated,
            }));
        }
        docs
    }

    /// The hash of one search document of `lang`: its source, text, place,
    /// location and versions.
    fn search_doc_hash(&self, doc: &SearchDoc<'s>, lang: &str) -> u64 {
        let site = self.site;
        let versions: Vec<(&str, &str)> = match doc.section {
            Section::Releases => site
                .translations(site.release_groups(), doc.entry)
                .map(|(code, i)| (code, site.releases()[i].path.as_str()))
                .collect(),
            Section::Pages => Vec::new(),
        };
        let location = match doc.section {
            Section::Releases => site.location_in(doc.entry, lang),
            Section::Pages => None,
        };
        let mut h = StableHasher::new();
        h.add(&doc.entry.doc.source.rel)
            .add(&doc.entry.doc.hash())
            .add(&doc.entry.path)
            .add(&doc.translated)
            .add(&location)
            .add(&versions);
        h.finish()
    }

    fn search_hashes(&self, docs: Vec<SearchDoc<'s>>, each: Vec<u64>) -> SearchDocs<'s> {
        let total = stable_hash(&(self.tags_hash, &each));
        let labels = self.tags_hash;
        (
            docs,
            SearchHashes {
                total,
                each,
                labels,
            },
        )
    }

    /// The documents the search index of `lang` holds, as
    /// [`Reader::search_docs_unrecorded`] gave them (`made`), recorded as
    /// one [`Dep::Search`] read.
    pub fn search_docs<'d>(&self, lang: &str, made: &'d SearchDocs<'s>) -> &'d SearchDocs<'s> {
        record(Dep::Search(lang.to_owned()), made.1.total);
        made
    }

    /// Shard `n` of `docs` (a language's search documents, with `hashes`
    /// as [`Reader::search_docs_unrecorded`] gave them): the documents one `d/{n}.json`
    /// file shows, recorded as one [`Dep::SearchShard`] read, so that the
    /// file depends on its own documents only.
    pub fn search_shard<'d>(
        &self,
        lang: &str,
        n: usize,
        docs: &'d [SearchDoc<'s>],
        hashes: &SearchHashes,
    ) -> &'d [SearchDoc<'s>] {
        let (range, hash) = hashes.shard(n);
        record(Dep::SearchShard(lang.to_owned(), n), hash);
        &docs[range]
    }

    fn alias_hashed(&self, index: usize) -> (&'s Alias, u64) {
        let alias = &self.site.aliases()[index];
        (alias, stable_hash(&(&alias.target, &alias.lang)))
    }

    /// Redirect `index`.
    pub fn alias(&self, index: usize) -> &'s Alias {
        let (alias, hash) = self.alias_hashed(index);
        record(Dep::Alias(alias.output.clone()), hash);
        alias
    }

    fn asset_hashed(&self, index: usize) -> (&'s AssetCopy, u64) {
        let asset = &self.site.assets()[index];
        (
            asset,
            stable_hash(&(&asset.source, file_stamp(&asset.source))),
        )
    }

    /// Bundle file `index`; its hash is the source file's size and
    /// modification time, so an unchanged file is not read again.
    pub fn asset(&self, index: usize) -> &'s AssetCopy {
        let (asset, hash) = self.asset_hashed(index);
        record(Dep::Asset(asset.output.clone()), hash);
        asset
    }

    /// The photo a file reference of `entry` names, if it is one.
    pub fn photo_for(&self, entry: &Entry, target: &str) -> Option<&'s Photo> {
        let output = crate::site::reference_output(entry, target)?;
        self.photo_at(&output)
    }

    /// The photo a reference resolving to the output path `output` shows,
    /// with a hash of what a page showing it depends on: each file's name
    /// and what it is made from, and the photo's size.
    fn photo_at_hashed(&self, output: &str) -> (Option<&'s Photo>, u64) {
        let photos = self.site.photos();
        let photo = photos.by_output.get(output).map(|&i| &photos.list[i]);
        let mut h = StableHasher::new();
        if let Some(photo) = photo {
            let settings = &self.site.config().images;
            h.add(&u64::from(photo.probe.width))
                .add(&u64::from(photo.probe.height));
            for (variant, output) in photo.variants.iter().zip(&photo.outputs) {
                h.add(output).add(&variant.key(&photo.probe, settings));
            }
        }
        (photo, h.finish())
    }

    /// The photo a reference resolving to the output path `output` shows.
    fn photo_at(&self, output: &str) -> Option<&'s Photo> {
        let (photo, hash) = self.photo_at_hashed(output);
        record(Dep::Photo(output.to_owned()), hash);
        photo
    }

    /// File `index` of the photos' files, with a hash of what it is made
    /// from (the variant's key).
    fn photo_file_hashed(&self, index: usize) -> ((usize, &'s Photo, Variant, &'s str), u64) {
        let photos = self.site.photos();
        let (p, v) = photos.files[index];
        let photo = &photos.list[p];
        let output = photo.outputs[v].as_str();
        let hash = photo.variants[v].key(&photo.probe, &self.site.config().images);
        ((p, photo, photo.variants[v], output), hash)
    }

    /// File `index` of the photos' files: the photo, which of its variants,
    /// and the output path.
    pub fn photo_file(&self, index: usize) -> (usize, &'s Photo, Variant, &'s str) {
        let (file, hash) = self.photo_file_hashed(index);
        record(Dep::PhotoFile(file.3.to_owned()), hash);
        file
    }

    /// The current hash of `dep` in this model: what the read that records
    /// `dep` would record now (the same `*_hashed` function). `None` for
    /// dependencies that are not the model's (templates, bundles, static
    /// files).
    pub(super) fn current(&self, dep: &Dep) -> Option<u64> {
        let index = self.site.positions();
        let entry = |rel: &PathBuf| index.entry(self.site, rel);
        let lists = |lang: &str| self.site.tag_lists(lang).is_some();
        Some(match dep {
            Dep::Config => self.config_hash,
            Dep::Tags => self.tags_hash,
            Dep::Entries(section) => self.entries_hashed(*section).1,
            Dep::Text(rel) => entry(rel).map_or(ABSENT, |(section, i)| {
                Self::text_hash(&self.entries_of(section)[i])
            }),
            Dep::Place(rel) => entry(rel).map_or(ABSENT, |(section, i)| {
                Self::place_hash(&self.entries_of(section)[i])
            }),
            Dep::Group(section, key) => index
                .groups
                .get(&(*section, key.clone()))
                .map_or(ABSENT, |&i| self.translations_hashed(*section, i).1),
            Dep::Menu(lang) => self.menu_hashed(lang).1,
            Dep::Link(target, lang) => self.link_hashed(target, lang).1,
            Dep::List(key, start, len) => self.list_slice_hashed(key, *start, *len).1,
            Dep::ListPages(key) => self.list_pages_hashed(key).1,
            Dep::Feed(key) => self.feed_items_hashed(key).1,
            Dep::Years(lang) if self.site.year_lists().contains_key(lang) => {
                self.years_hashed(lang).1
            }
            Dep::TagCounts(lang) if lists(lang) => self.tag_counts_hashed(lang).1,
            Dep::TagPages(lang) if lists(lang) => self.tag_pages_hashed(lang).1,
            Dep::TagListed(lang, key) if lists(lang) => self.tag_listed_hashed(lang, key).1,
            Dep::Years(_) | Dep::TagCounts(_) | Dep::TagPages(_) | Dep::TagListed(..) => ABSENT,
            Dep::Location(rel, lang) => match entry(rel) {
                Some((Section::Releases, i)) => self.location_hashed(i, lang).1,
                _ => ABSENT,
            },
            Dep::Reading(rel) => match entry(rel) {
                Some((Section::Releases, i)) => self.reading_hashed(i).1,
                _ => ABSENT,
            },
            Dep::Heading(rel) => match entry(rel) {
                Some((Section::Releases, i)) => self.heading_hashed(i).1,
                _ => ABSENT,
            },
            // Worked out once per language, and the chunks from the index:
            // see `Renderer::current`.
            Dep::Search(_) | Dep::SearchShard(..) | Dep::SearchChunk(..) => return None,
            Dep::Alias(output) => index
                .aliases
                .get(output)
                .map_or(ABSENT, |&i| self.alias_hashed(i).1),
            Dep::Asset(output) => index
                .assets
                .get(output)
                .map_or(ABSENT, |&i| self.asset_hashed(i).1),
            Dep::Photo(output) => self.photo_at_hashed(output).1,
            Dep::PhotoFile(output) => index
                .photo_files
                .get(output)
                .map_or(ABSENT, |&i| self.photo_file_hashed(i).1),
            Dep::Bundle(_) | Dep::Template(_) | Dep::Static(_) => return None,
        })
    }
}

/// One document of a language's search index.
#[derive(Debug, Clone, Copy)]
pub struct SearchDoc<'s> {
    /// Its section.
    pub section: Section,
    /// Its index in the section's entries.
    pub index: usize,
    /// The entry.
    pub entry: &'s Entry,
    /// False for a release with no version in the index's language.
    pub translated: bool,
}

/// A language's search documents with their hashes.
pub type SearchDocs<'s> = (Vec<SearchDoc<'s>>, SearchHashes);

/// A language's search documents as one renderer worked them out, for the
/// next renderer to take over ([`Reader::search_docs_carried`]).
#[derive(Debug, Clone, Default)]
pub struct CarriedDocs {
    /// Per document, in the index's order: the [`crate::document::Document::hash`] its hash
    /// was made from.
    docs: Vec<u64>,
    hashes: SearchHashes,
    /// The bodies that working them out read (every document's).
    bodies: BodyReads,
}

impl CarriedDocs {
    /// What `docs`, worked out with the reads `bodies`, hand on.
    pub fn new(docs: &SearchDocs<'_>, bodies: &BodyReads) -> CarriedDocs {
        CarriedDocs {
            docs: docs.0.iter().map(|d| d.entry.doc.hash()).collect(),
            hashes: docs.1.clone(),
            bodies: bodies.clone(),
        }
    }
}

/// The hashes of a language's search documents: one per document (its
/// source, text, place, location and versions) and, over them and the tag
/// labels, the [`Dep::Search`] hash.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchHashes {
    /// The [`Dep::Search`] hash.
    pub total: u64,
    /// Per document, in the index's order.
    pub each: Vec<u64>,
    /// The hash of the tag labels, which the documents' texts also read.
    pub labels: u64,
}

impl SearchHashes {
    /// The documents of shard `n` (`n * SHARD..`, at most `SHARD` of them)
    /// and the [`Dep::SearchShard`] hash of what they are; [`ABSENT`] for
    /// a shard past the last document.
    pub fn shard(&self, n: usize) -> (std::ops::Range<usize>, u64) {
        let start = (n * SHARD).min(self.each.len());
        let end = ((n + 1) * SHARD).min(self.each.len());
        let hash = if start < end {
            stable_hash(&self.each[start..end])
        } else {
            ABSENT
        };
        (start..end, hash)
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
        search,
        // Checked when documents are parsed; no page shows them.
        limits: _,
        // Read by `pressroom deploy` only; no page shows it.
        deploy: _,
        organization,
        related_releases,
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
        .add(related_releases)
        // Its JSON is canonical (maps are sorted), so it hashes stably.
        .add(&serde_json::to_string(organization).unwrap_or_default())
        .add(search)
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
        // Each read once however they were interleaved.
        let ((), reads) = capture(|| {
            for n in [3, 1, 2, 1, 3] {
                record(Dep::Text(PathBuf::from(format!("content/{n}.md"))), n);
                record(Dep::Tags, 9);
            }
        });
        assert_eq!(reads.len(), 4);
        let mut sorted = reads.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), 4);
        // Outside a capture nothing is kept.
        record(Dep::Config, 1);
        let ((), none) = capture(|| ());
        assert!(none.is_empty());
    }
}
