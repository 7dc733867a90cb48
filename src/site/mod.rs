//! The site model: every published document, where it lives, and how the
//! documents relate (translations, lists).
//!
//! The model is a plain value built once per build from the parsed documents
//! and never changed afterwards. It knows nothing about templates or Fluent:
//! rendering reads it. Building it is cheap (no parsing, no I/O), so watch mode
//! can rebuild it from cached documents after every change; when only bodies
//! changed, the new value takes the last one's lists and checks over (see
//! [`Site::build`]), as nothing it works out reads a body. Problems that need
//! the whole site, such as two files claiming one URL, an unknown tag or a link
//! to a missing file, are found here and reported with the files involved.

mod fallbacks;
mod files;
pub mod images;
mod reading;
pub mod tags;
pub mod urls;

use std::collections::BTreeMap;

use rustc_hash::FxHashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, Datelike, Utc};

use crate::config::SiteConfig;
use crate::diagnostics::{Diagnostic, Diagnostics, closest};
use crate::document::Document;
use crate::source::{Section, SourceAsset};
use crate::util::slug::is_valid_slug;
pub use files::output_of as reference_output;
pub use images::{Photo, Photos};
pub use reading::{Reading, ReadingMemo};
pub use tags::TagRegistry;
pub use urls::{Urls, output_path, paginated};

/// What to include in a build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelOptions {
    /// Include documents marked `draft: true`.
    pub drafts: bool,
    /// Include releases whose embargo has not lifted yet.
    pub embargoed: bool,
    /// The moment embargoes are compared with.
    pub now: DateTime<Utc>,
    /// Overrides `base_url` from site.yaml.
    pub base_url: Option<String>,
    /// Where the sizes of photos are remembered between builds (by file
    /// size and modification time), so that an unchanged photo is not read
    /// again; `None` reads every photo.
    pub image_cache: Option<PathBuf>,
    /// The related releases an earlier model worked out
    /// ([`Site::reading_memo`]): a language's are taken over when worked
    /// out from the same releases, in the same order, with the same tags
    /// (watch mode's body edits, and every other language than the edited
    /// one's), instead of ranking its releases' related ones again.
    pub reading: Option<ReadingMemo>,
}

/// One published document in one language.
#[derive(Debug, Clone)]
pub struct Entry {
    /// The parsed document, shared with the caller's cache.
    pub doc: Arc<Document>,
    /// Its slug.
    pub slug: String,
    /// Its site path, e.g. `/en/releases/2015/forum/`.
    pub path: String,
    /// Index of its translation group.
    pub group: usize,
}

impl Entry {
    /// The document's language.
    pub fn lang(&self) -> &str {
        &self.doc.source.lang
    }
}

/// The versions of one document in the languages that have it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// The translation key (explicit, or the source key).
    pub key: String,
    /// Entry index per language code.
    pub versions: BTreeMap<String, usize>,
}

/// One line of a language's releases list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListItem {
    /// The release entry shown.
    pub entry: usize,
    /// False when the release has no version in the list's language and is
    /// shown in another one.
    pub translated: bool,
}

/// A sub-list of a language's releases list (one tag, one year).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listing<K> {
    /// The tag key or the year.
    pub key: K,
    /// Its releases, newest first.
    pub items: Vec<ListItem>,
}

impl<K> Listing<K> {
    /// Number of list pages (at least one).
    pub fn pages(&self, per_page: usize) -> usize {
        self.items.len().div_ceil(per_page).max(1)
    }
}

/// A file copied into the output as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssetCopy {
    /// The source file.
    pub source: PathBuf,
    /// Output path relative to the output folder.
    pub output: String,
}

/// A redirect from an old path to a page.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Alias {
    /// Output path of the redirect page.
    pub output: String,
    /// Site path of the page it leads to.
    pub target: String,
    /// The document that declares it.
    pub source: PathBuf,
    /// The language of the page it leads to.
    pub lang: String,
    /// Line and column of the alias in its document's front matter.
    pub at: (usize, usize),
}

/// Where things are in a model, by keys that mean the same in the next
/// build: what finds a recorded dependency's subject again.
#[derive(Debug, Clone, Default)]
pub struct Positions {
    /// Entries by the stable hash of their source path (see
    /// [`Positions::entry`]): a lookup hashes the path's bytes once,
    /// where a map keyed by `PathBuf` took it apart into components to
    /// hash and to compare, and building the map copied every path.
    entries: FxHashMap<u64, (Section, usize)>,
    /// Entries whose path hash another entry's path already has (two paths
    /// with one 64-bit hash are possible, if never seen).
    collided: Vec<(PathBuf, (Section, usize))>,
    /// Translation groups by section and key: one version's entry.
    pub groups: fnv::FnvHashMap<(Section, String), usize>,
    /// Redirect pages by output path.
    pub aliases: fnv::FnvHashMap<String, usize>,
    /// Bundle files by output path.
    pub assets: fnv::FnvHashMap<String, usize>,
    /// Photo files by output path.
    pub photo_files: fnv::FnvHashMap<String, usize>,
}

/// Whether two paths are the same text: what their stable hashes stand
/// for. (`Path`'s `==` takes both apart into components, which was a tenth
/// of hashing a tag edit's dependencies.)
fn same_path(a: &Path, b: &Path) -> bool {
    a.as_os_str() == b.as_os_str()
}

impl Positions {
    /// Where the entry published from source path `rel` is in `site`, the
    /// model these positions were worked out from.
    pub fn entry(&self, site: &Site, rel: &Path) -> Option<(Section, usize)> {
        let found = self
            .entries
            .get(&crate::util::hash::stable_hash(rel))
            .copied()
            .filter(|&(section, i)| same_path(&site.entries(section)[i].doc.source.rel, rel));
        found.or_else(|| {
            self.collided
                .iter()
                .find(|(path, _)| same_path(path, rel))
                .map(|&(_, at)| at)
        })
    }

    fn of(site: &Site) -> Positions {
        let mut entries: FxHashMap<u64, (Section, usize)> = Default::default();
        let mut collided = Vec::new();
        let mut groups = fnv::FnvHashMap::default();
        for (section, list) in [
            (Section::Releases, site.releases()),
            (Section::Pages, site.pages()),
        ] {
            for (i, entry) in list.iter().enumerate() {
                let id = match section {
                    Section::Releases => site.release_id(i),
                    Section::Pages => crate::util::hash::stable_hash(&entry.doc.source.rel),
                };
                if let Some(&(s, j)) = entries.get(&id) {
                    debug_assert!(site.entries(s)[j].doc.source.rel != entry.doc.source.rel);
                    collided.push((entry.doc.source.rel.clone(), (section, i)));
                } else {
                    entries.insert(id, (section, i));
                }
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
        Positions {
            entries,
            collided,
            groups,
            aliases,
            assets,
            photo_files,
        }
    }
}

/// The whole site, ready to render.
#[derive(Debug, Clone)]
pub struct Site {
    /// The configuration it was built with.
    config: SiteConfig,
    /// The URL scheme.
    urls: Urls,
    /// The tag registry.
    tags: TagRegistry,
    /// Published releases, newest first.
    releases: Vec<Entry>,
    /// Per release, the stable hash of its source path (see
    /// [`Site::release_id`]).
    release_ids: Vec<u64>,
    /// Release translation groups.
    release_groups: Vec<Group>,
    /// Published static pages, by language, weight and title.
    pages: Vec<Entry>,
    /// Page translation groups.
    page_groups: Vec<Group>,
    /// Per language: the releases list, newest first.
    lists: BTreeMap<String, Vec<ListItem>>,
    /// Per language: each tag with releases, by key, with its list.
    tag_lists: BTreeMap<String, Vec<Listing<String>>>,
    /// Per language: each year with releases, newest first, with its list.
    year_lists: BTreeMap<String, Vec<Listing<i32>>>,
    /// Bundle files to copy.
    assets: Vec<AssetCopy>,
    /// Redirect pages from `aliases`.
    aliases: Vec<Alias>,
    /// Photos published as resized derivatives.
    photos: Photos,
    /// `releases/2015/forum` or `pages/about` → (section, group), for `@/` links.
    sources: FxHashMap<String, (Section, usize)>,
    /// Per release: previous, next and related releases.
    reading: Vec<Reading>,
    /// The related releases per language, for the next model.
    reading_memo: ReadingMemo,
    /// What it was built from, so that the next build can take it over.
    origin: Origin,
    /// When it was taken over from the model before (see [`Site::build`]):
    /// the ids of what changed ([`Site::parts_changed`]).
    parts_changed: Option<Vec<u64>>,
    /// Where things are, made on first use; a model taken over keeps it.
    positions: std::sync::OnceLock<Positions>,
}

/// The inputs of a model that decide it, besides the configuration and the
/// tags it keeps anyway.
#[derive(Debug, Clone)]
struct Origin {
    docs: Vec<Arc<Document>>,
    assets: Vec<SourceAsset>,
    /// The options, without the reading memo ([`Origin::decisive`]).
    opts: ModelOptions,
}

impl Origin {
    fn new(docs: &[Arc<Document>], assets: &[SourceAsset], opts: &ModelOptions) -> Origin {
        Origin {
            docs: docs.to_vec(),
            assets: assets.to_vec(),
            opts: Origin::decisive(opts),
        }
    }

    /// `opts` without the reading memo, which saves work, not output.
    fn decisive(opts: &ModelOptions) -> ModelOptions {
        ModelOptions {
            reading: None,
            ..opts.clone()
        }
    }
}

impl Site {
    /// The configuration it was built with.
    pub fn config(&self) -> &SiteConfig {
        &self.config
    }

    /// The stable hash of release `index`'s source path, worked out once
    /// per model: a read that names many releases (a list, a reading list)
    /// hashes these numbers instead of every path again, and reads one
    /// small array instead of every release's document.
    pub fn release_id(&self, index: usize) -> u64 {
        self.release_ids[index]
    }

    /// What release `index` offers to read on. The read is logged (see
    /// [`crate::document::reads`]), as a tag edit taken over changes it.
    pub fn reading(&self, index: usize) -> &Reading {
        crate::document::reads::note(|| reading_part(self.release_ids[index]));
        &self.reading[index]
    }

    /// The reading lists of this model, for the next model's
    /// [`ModelOptions::reading`].
    pub fn reading_memo(&self) -> ReadingMemo {
        self.reading_memo.clone()
    }

    /// The URL scheme.
    pub fn urls(&self) -> &Urls {
        &self.urls
    }

    /// The tag registry.
    pub fn tags(&self) -> &TagRegistry {
        &self.tags
    }

    /// Published releases, newest first.
    pub fn releases(&self) -> &[Entry] {
        &self.releases
    }

    /// Release translation groups.
    pub fn release_groups(&self) -> &[Group] {
        &self.release_groups
    }

    /// Published static pages, by language, weight and title.
    pub fn pages(&self) -> &[Entry] {
        &self.pages
    }

    /// The published entries of `section`.
    pub fn entries(&self, section: Section) -> &[Entry] {
        match section {
            Section::Releases => &self.releases,
            Section::Pages => &self.pages,
        }
    }

    /// Page translation groups.
    pub fn page_groups(&self) -> &[Group] {
        &self.page_groups
    }

    /// Per language: the releases list, newest first.
    pub fn lists(&self) -> &BTreeMap<String, Vec<ListItem>> {
        &self.lists
    }

    /// Each tag with releases in `lang`, by key, with its list; `None` for
    /// a language the site does not have. The read is logged (see
    /// [`crate::document::reads`]), as a tag edit taken over changes them.
    pub fn tag_lists(&self, lang: &str) -> Option<&[Listing<String>]> {
        crate::document::reads::note(|| tag_lists_part(lang));
        self.tag_lists.get(lang).map(Vec::as_slice)
    }

    /// Per language: each year with releases, newest first, with its list.
    pub fn year_lists(&self) -> &BTreeMap<String, Vec<Listing<i32>>> {
        &self.year_lists
    }

    /// Bundle files to copy.
    pub fn assets(&self) -> &[AssetCopy] {
        &self.assets
    }

    /// Redirect pages from `aliases`.
    pub fn aliases(&self) -> &[Alias] {
        &self.aliases
    }

    /// Photos published as resized derivatives.
    pub fn photos(&self) -> &Photos {
        &self.photos
    }

    /// Where its entries, groups, redirects, bundle files and photo files
    /// are, by stable keys.
    pub fn positions(&self) -> &Positions {
        self.positions.get_or_init(|| Positions::of(self))
    }

    /// When this model was taken over from the one before (see
    /// [`Site::build`]), the ids of what changed (sorted): the documents
    /// ([`Document::id`]) whose body or tags changed, and the tag lists and
    /// reading lists that changed with them. Everything else in it is as it
    /// was, and reading any of these is logged (see
    /// [`crate::document::reads`]).
    pub fn parts_changed(&self) -> Option<&[u64]> {
        self.parts_changed.as_deref()
    }

    /// Builds the model from parsed documents. Reports every site-wide problem.
    ///
    /// `previous` is the model of the build before, if the caller knows that
    /// no file besides documents changed since (photos, static files and
    /// templates are read from disk, not passed here). When the same
    /// configuration, tags, options and bundle files meet the same
    /// documents, some with only their body changed
    /// ([`Document::same_but_body`]), nothing the model works out can differ
    /// (lists, URLs, links and checks read no body), so that model is taken
    /// over with the new documents in place instead of worked out again:
    /// 30,000 documents' lists and checks cost more than the whole of a body
    /// edit in watch mode. Documents with their tags changed too
    /// ([`Document::same_but_body_and_tags`]) are taken over the same way,
    /// with what tags decide worked out again (see `Site::take_over`).
    pub fn build(
        config: SiteConfig,
        docs: &[Arc<Document>],
        assets: &[SourceAsset],
        tags: TagRegistry,
        opts: &ModelOptions,
        previous: Option<Site>,
    ) -> Result<Site, Diagnostics> {
        match previous.map(|p| p.take_over(&config, docs, assets, &tags, opts)) {
            Some(Ok(site)) => return Ok(site),
            // Freed on a thread of its own: a 10k × 3 model takes 15 ms to
            // free, which the new one need not wait for.
            Some(Err(old)) => drop(std::thread::spawn(move || drop(old))),
            None => {}
        }
        let mut problems = Diagnostics::new();
        let urls = Urls::new(&config, opts.base_url.as_deref());
        let lang_order = |code: &str| {
            config
                .languages
                .iter()
                .position(|l| l.code == code)
                .unwrap_or(usize::MAX)
        };

        let published = |d: &&Arc<Document>| {
            // An undated draft has no URL yet (the year is part of it).
            (d.front.date.is_some() || d.source.section != Section::Releases)
                && (opts.drafts || !d.front.draft)
                && (opts.embargoed || d.front.embargo.is_none_or(|e| e <= opts.now))
        };
        let release_docs: Vec<&Arc<Document>> = docs
            .iter()
            .filter(|d| d.source.section == Section::Releases)
            .filter(published)
            .collect();
        // Newest first; ties broken by key and language so the order never
        // depends on the file system. The keys are worked out once per
        // document, not once per comparison.
        let mut keyed: Vec<_> = release_docs
            .into_iter()
            .map(|d| {
                let instant = d.front.date.map(|p| p.instant());
                ((std::cmp::Reverse(instant), lang_order(&d.source.lang)), d)
            })
            .collect();
        keyed.sort_by(|((instant_a, lang_a), a), ((instant_b, lang_b), b)| {
            instant_a
                .cmp(instant_b)
                .then_with(|| a.source.key.cmp(&b.source.key))
                .then_with(|| lang_a.cmp(lang_b))
        });
        let release_docs: Vec<&Arc<Document>> = keyed.into_iter().map(|(_, d)| d).collect();
        let mut page_docs: Vec<&Arc<Document>> = docs
            .iter()
            .filter(|d| d.source.section == Section::Pages)
            .filter(published)
            .collect();
        page_docs.sort_by(|a, b| {
            lang_order(&a.source.lang)
                .cmp(&lang_order(&b.source.lang))
                .then_with(|| a.front.weight.cmp(&b.front.weight))
                .then_with(|| a.front.title.cmp(&b.front.title))
                .then_with(|| a.source.key.cmp(&b.source.key))
        });

        let (releases, release_groups) = entries(&release_docs, &mut problems, |doc, slug| {
            let year = doc.front.date.map_or(0, |d| d.date.year());
            urls.release(&doc.source.lang, year, slug)
        });
        let (pages, page_groups) = entries(&page_docs, &mut problems, |doc, slug| {
            urls.page(&doc.source.lang, slug)
        });

        // The related releases (a third of a model worked out again after
        // a tag edit) need the releases only: they are ranked while the
        // lookups and lists are made.
        let ((reading, reading_memo), lookups) = rayon::join(
            || reading::compute(&releases, config.related_releases, opts.reading.as_ref()),
            || Lookups::of(&config, &releases, &release_groups, &pages, &page_groups),
        );
        let Lookups {
            sources,
            lists,
            tag_lists,
            year_lists,
            release_ids,
        } = lookups;
        let mut site = Site {
            reading,
            reading_memo,
            release_ids,
            tag_lists,
            year_lists,
            urls,
            tags,
            releases,
            release_groups,
            pages,
            page_groups,
            lists,
            assets: Vec::new(),
            aliases: Vec::new(),
            photos: Photos::default(),
            sources,
            config,
            origin: Origin::new(docs, assets, opts),
            parts_changed: None,
            positions: std::sync::OnceLock::new(),
        };
        site.collect_assets(assets);
        images::collect(&mut site, opts.image_cache.as_deref(), &mut problems);
        let statics = crate::theme::static_paths(&site.config);
        files::check(&site, &statics, &mut problems);
        site.check_logo(&statics, &mut problems);
        site.collect_aliases();
        // Three checks that only read the model, on two threads (the report
        // is sorted, so the order they find things in does not show).
        let (mut used, mut claimed) = (Diagnostics::new(), Diagnostics::new());
        rayon::join(
            || {
                site.check_tags(&mut used);
                site.check_links(docs, &mut used);
            },
            || site.check_outputs(&mut claimed),
        );
        problems.extend(used);
        problems.extend(claimed);
        if problems.has_errors() {
            return Err(problems);
        }
        Ok(site)
    }

    /// This model with `docs` in place of the documents it was built from,
    /// if they differ from those only in bodies and tags and everything else
    /// is the same (see [`Site::build`]); itself, when a model has to be
    /// built again (then perhaps partly changed: it is only dropped).
    ///
    /// Tags decide the tag lists and the related releases only, so after a
    /// tag edit those two are worked out again where a changed tag is
    /// found (see [`reading::retag`] and [`tag_lists_retagged`]). A tag
    /// list that appears, goes or changes its page count (the only way a
    /// tag edit changes which files the site makes) sends the edit to a
    /// full build, which checks the files. So does a tag missing from the
    /// registry, the one check that reads tags: the model before had no
    /// such tag, so no list of it, and a published release is on its own
    /// language's list.
    fn take_over(
        mut self,
        config: &SiteConfig,
        docs: &[Arc<Document>],
        assets: &[SourceAsset],
        tags: &TagRegistry,
        opts: &ModelOptions,
    ) -> Result<Site, Box<Site>> {
        let origin = &self.origin;
        if self.config != *config
            || self.tags != *tags
            || origin.assets != assets
            || origin.opts != Origin::decisive(opts)
            || origin.docs.len() != docs.len()
        {
            return Err(Box::new(self));
        }
        let mut changed = Vec::new();
        for (i, (was, now)) in origin.docs.iter().zip(docs).enumerate() {
            if !Arc::ptr_eq(was, now) {
                let retagged = !was.same_but_body(now);
                if retagged && !was.same_but_body_and_tags(now) {
                    return Err(Box::new(self));
                }
                changed.push((i, retagged));
            }
        }
        let mut ids = Vec::with_capacity(changed.len());
        // Releases whose tags changed: entry index and the document before.
        let mut retagged = Vec::new();
        for (i, tags_too) in changed {
            let (was, now) = (&self.origin.docs[i], &docs[i]);
            // An unpublished document (a draft) has no entry.
            for (k, entry) in self.releases.iter_mut().enumerate() {
                if Arc::ptr_eq(&entry.doc, was) {
                    entry.doc = Arc::clone(now);
                    if tags_too {
                        retagged.push((k, Arc::clone(was)));
                    }
                }
            }
            for entry in self.pages.iter_mut() {
                if Arc::ptr_eq(&entry.doc, was) {
                    entry.doc = Arc::clone(now);
                }
            }
            ids.push(now.id());
            self.origin.docs[i] = Arc::clone(now);
        }
        if !retagged.is_empty() {
            let before: Vec<(usize, &[String])> =
                retagged.iter().map(|(k, was)| (*k, was.tags())).collect();
            let mut reading = std::mem::take(&mut self.reading);
            let ((memo, moved), tag_lists) = rayon::join(
                || {
                    let related = self.config.related_releases;
                    let memo = &self.reading_memo;
                    reading::retag(&self.releases, related, &mut reading, memo, &before)
                },
                || {
                    let old = self.tag_lists.clone();
                    tag_lists_retagged(&self.releases, &self.lists, old, &before)
                },
            );
            let per_page = self.config.pagination;
            let pages = |lists: &BTreeMap<String, Vec<Listing<String>>>| {
                let mut all = Vec::new();
                for (lang, listings) in lists {
                    for l in listings {
                        all.push((lang.clone(), l.key.clone(), l.pages(per_page)));
                    }
                }
                all
            };
            // Which files a site makes, and at which paths, is then as
            // before: what a renderer of the last model worked out about
            // them holds (see `Renderer::jobs`).
            if pages(&tag_lists) != pages(&self.tag_lists) {
                return Err(Box::new(self));
            }
            for (lang, lists) in &tag_lists {
                if self.tag_lists.get(lang) != Some(lists) {
                    ids.push(tag_lists_part(lang));
                }
            }
            ids.extend(moved.into_iter().map(|i| reading_part(self.release_ids[i])));
            self.reading = reading;
            self.reading_memo = memo;
            self.tag_lists = tag_lists;
        }
        ids.sort_unstable();
        ids.dedup();
        self.parts_changed = Some(ids);
        Ok(self)
    }

    /// The organisation's logo must be a static file that gets published.
    fn check_logo(&self, statics: &std::collections::BTreeSet<String>, problems: &mut Diagnostics) {
        let Some(logo) = self
            .config
            .organization
            .as_ref()
            .and_then(|o| o.logo.as_deref())
        else {
            return;
        };
        if statics.contains(logo.trim_start_matches('/')) {
            return;
        }
        let text = std::fs::read_to_string(self.config.root.join(crate::config::CONFIG_FILE))
            .unwrap_or_default();
        let (line, column) =
            crate::document::yaml::find_value(&text, "organization", Some(logo)).unwrap_or((1, 1));
        problems.push(
            Diagnostic::error(
                crate::config::CONFIG_FILE,
                line,
                column,
                format!("the logo `{logo}` is not in the site's or the theme's static/ folder"),
            )
            .with_help(format!(
                "put the file at static/{} under the site root, or correct the path",
                logo.trim_start_matches('/')
            )),
        );
    }

    /// Resolves an internal link target (`releases/2015/forum.md`, optionally
    /// with a language suffix) to a root-relative URL for a page in `lang`.
    pub fn resolve_link(&self, target: &str, lang: &str) -> Option<String> {
        let (key, explicit_lang) = self.normalise_target(target);
        let &(section, group) = self.sources.get(&key)?;
        let (groups, entries) = match section {
            Section::Releases => (&self.release_groups, &self.releases),
            Section::Pages => (&self.page_groups, &self.pages),
        };
        let group = &groups[group];
        let wanted = explicit_lang.unwrap_or_else(|| lang.to_owned());
        let index = group
            .versions
            .get(&wanted)
            .or_else(|| {
                self.config
                    .fallback_chain(&wanted)
                    .iter()
                    .find_map(|c| group.versions.get(c))
            })
            .or_else(|| group.versions.values().next())?;
        Some(self.urls.url(&entries[*index].path))
    }

    /// `releases/2015/forum.ru.md` → (`releases/2015/forum`, Some(`ru`));
    /// bundle targets (`…/forum/index.md`) name their folder.
    fn normalise_target(&self, target: &str) -> (String, Option<String>) {
        let trimmed = target.trim_start_matches('/');
        let without_ext = trimmed.strip_suffix(".md").unwrap_or(trimmed);
        let (stem, lang) = match without_ext.rsplit_once('.') {
            Some((stem, code)) if self.config.language(code).is_some() => {
                (stem, Some(code.to_owned()))
            }
            _ => (without_ext, None),
        };
        let stem = stem.strip_suffix("/index").unwrap_or(stem);
        (stem.to_owned(), lang)
    }

    /// Translations of an entry: (language code, entry index) in site order.
    pub fn translations<'a>(
        &'a self,
        groups: &'a [Group],
        entry: &Entry,
    ) -> impl Iterator<Item = (&'a str, usize)> + 'a {
        let group = &groups[entry.group];
        self.config
            .languages
            .iter()
            .filter_map(move |l| group.versions.get(&l.code).map(|&i| (l.code.as_str(), i)))
    }

    /// Static pages of one language, in menu order.
    pub fn pages_in<'a>(&'a self, lang: &'a str) -> impl Iterator<Item = &'a Entry> + 'a {
        self.pages.iter().filter(move |p| p.lang() == lang)
    }

    /// Number of pages of the releases list of `lang` (at least one).
    pub fn list_pages(&self, lang: &str) -> usize {
        let items = self.lists.get(lang).map_or(0, Vec::len);
        items.div_ceil(self.config.pagination).max(1)
    }

    fn check_tags(&self, problems: &mut Diagnostics) {
        // Each tag looked up once, not once per use (a tree of strings
        // searched 90,000 times at 10k × 3); the releases are read again
        // only when one is not registered.
        let used: rustc_hash::FxHashSet<&str> = self
            .releases
            .iter()
            .flat_map(|e| e.doc.tags().iter().map(String::as_str))
            .collect();
        let all_known = used.into_iter().all(|tag| self.tags.contains(tag));
        if all_known {
            return;
        }
        for entry in &self.releases {
            let doc = &entry.doc;
            for tag in doc.tags() {
                if !self.tags.contains(tag) {
                    let (line, column) = doc.position_of("tags", Some(tag));
                    let help = match closest(tag, self.tags.keys()) {
                        Some(best) => format!(
                            "did you mean `{best}`? Otherwise register `{tag}` in content/tags.yaml with a label per language"
                        ),
                        None => format!(
                            "register `{tag}` in content/tags.yaml with a label per language"
                        ),
                    };
                    problems.push(
                        Diagnostic::error(
                            &doc.source.rel,
                            line,
                            column,
                            format!("the tag `{tag}` is not in the tag registry"),
                        )
                        .with_help(help),
                    );
                }
            }
        }
    }

    fn check_links(&self, all_docs: &[Arc<Document>], problems: &mut Diagnostics) {
        for entry in self.releases.iter().chain(&self.pages) {
            let doc = &entry.doc;
            for link in &doc.links {
                let (key, _) = self.normalise_target(&link.target);
                if self.sources.contains_key(&key) {
                    continue;
                }
                let unpublished = all_docs
                    .iter()
                    .any(|d| format!("{}/{}", d.source.section.dir(), d.source.key) == key);
                let (message, help) = if unpublished {
                    (
                        format!(
                            "the link `@/{}` points at a draft or embargoed document that this build leaves out",
                            link.target
                        ),
                        "publish the target, build with --drafts/--embargoed, or remove the link"
                            .to_owned(),
                    )
                } else {
                    (format!("the link `@/{}` points at a file that does not exist", link.target),
                     "internal links name a file under content/, e.g. `@/releases/2015/penitentiary-forum.md`".to_owned())
                };
                problems.push(
                    Diagnostic::error(&doc.source.rel, link.line, link.column, message)
                        .with_help(help),
                );
            }
        }
    }

    fn collect_assets(&mut self, assets: &[SourceAsset]) {
        for asset in assets {
            let entries = match asset.section {
                Section::Releases => &self.releases,
                Section::Pages => &self.pages,
            };
            for entry in entries
                .iter()
                .filter(|e| e.doc.source.bundle && e.doc.source.key == asset.bundle_key)
            {
                self.assets.push(AssetCopy {
                    source: asset.path.clone(),
                    output: format!(
                        "{}{}",
                        output_path(&entry.path).trim_end_matches("index.html"),
                        asset.name
                    ),
                });
            }
        }
        self.assets.sort_by(|a, b| a.output.cmp(&b.output));
    }

    fn collect_aliases(&mut self) {
        for entry in self.releases.iter().chain(&self.pages) {
            for alias in &entry.doc.front.aliases {
                let output = if alias.ends_with('/')
                    || !alias.rsplit('/').next().unwrap_or("").contains('.')
                {
                    format!("{}/index.html", alias.trim_matches('/'))
                } else {
                    alias.trim_start_matches('/').to_owned()
                };
                self.aliases.push(Alias {
                    output,
                    target: entry.path.clone(),
                    source: entry.doc.source.rel.clone(),
                    lang: entry.lang().to_owned(),
                    at: entry.doc.position_of("aliases", Some(alias)),
                });
            }
        }
        self.aliases.sort_by(|a, b| a.output.cmp(&b.output));
    }

    /// The error for a document whose alias or slug produces `output` when
    /// a file of the theme (a static file) produces it too: the model does
    /// not know static files, the renderer finds the clash, and this puts
    /// the blame on the front-matter line.
    pub fn blame_output(&self, output: &str) -> Option<Diagnostic> {
        let (path, (line, column), field) = self
            .aliases
            .iter()
            .find(|a| a.output == output)
            .map(|a| (&a.source, a.at, "alias"))
            .or_else(|| {
                self.releases
                    .iter()
                    .chain(&self.pages)
                    .find(|e| e.doc.front.slug.is_some() && output_path(&e.path) == output)
                    .map(|e| (&e.doc.source.rel, e.doc.position_of("slug", None), "slug"))
            })?;
        Some(
            Diagnostic::error(
                path,
                line,
                column,
                format!("this {field} produces `/{output}`, which a static file of the theme or the site produces too"),
            )
            .with_help(format!("change the {field}, or rename the static file")),
        )
    }

    /// Every output file must have exactly one source.
    fn check_outputs(&self, problems: &mut Diagnostics) {
        // Generated pages claim their paths first, so that a document taking
        // one of them is the one reported.
        let mut owners: FxHashMap<String, Claim<'_>> = FxHashMap::with_capacity_and_hasher(
            self.releases.len() + self.pages.len() + self.aliases.len(),
            Default::default(),
        );
        let generated = |what: &'static str| Claim {
            path: Path::new(what),
            at: (1, 1),
            field: "slug",
            explicit: false,
        };
        for language in &self.config.languages {
            owners.insert(
                output_path(&self.urls.home(&language.code)),
                generated("(the language's home page)"),
            );
            let code = &language.code;
            let per_page = self.config.pagination;
            for n in 1..=self.list_pages(code) {
                owners.insert(
                    output_path(&self.urls.releases_list(code, n)),
                    generated("(the releases list)"),
                );
            }
            owners.insert(
                output_path(&self.urls.tags(code)),
                generated("(the tag index)"),
            );
            owners.insert(
                output_path(&self.urls.feed(code)),
                generated("(the Atom feed)"),
            );
            for listing in &self.tag_lists[code] {
                for n in 1..=listing.pages(per_page) {
                    owners.insert(
                        output_path(&self.urls.tag(code, &listing.key, n)),
                        generated("(a tag page)"),
                    );
                }
                owners.insert(
                    output_path(&self.urls.tag_feed(code, &listing.key)),
                    generated("(a tag feed)"),
                );
            }
            for listing in &self.year_lists[code] {
                for n in 1..=listing.pages(per_page) {
                    owners.insert(
                        output_path(&self.urls.year(code, listing.key, n)),
                        generated("(a year page)"),
                    );
                }
            }
        }
        // Files every build writes, whatever the content.
        for (path, what) in [
            ("index.html".to_owned(), "(the language chooser)"),
            ("robots.txt".to_owned(), "(robots.txt)"),
            ("sitemap.xml".to_owned(), "(the sitemap)"),
        ]
        .into_iter()
        .chain(self.config.languages.iter().map(|l| {
            (
                output_path(&self.urls.not_found(&l.code)),
                "(the not-found page)",
            )
        })) {
            owners.entry(path).or_insert_with(|| generated(what));
        }
        let sitemap_part = generated("(a part of the sitemap)");
        let mut claims = Vec::new();
        for entry in self.releases.iter().chain(&self.pages) {
            let doc = &entry.doc;
            let explicit = doc.front.slug.is_some();
            let (field, at) = if explicit {
                ("`slug`", doc.position_of("slug", None))
            } else {
                ("file name", (1, 1))
            };
            claims.push((
                output_path(&entry.path),
                Claim {
                    path: &doc.source.rel,
                    at,
                    field,
                    explicit,
                },
            ));
        }
        for alias in &self.aliases {
            claims.push((
                alias.output.clone(),
                Claim {
                    path: &alias.source,
                    at: alias.at,
                    field: "alias",
                    explicit: true,
                },
            ));
        }
        for (output, claim) in claims {
            let part = output
                .strip_prefix("sitemap-")
                .and_then(|rest| rest.strip_suffix(".xml"))
                .is_some_and(|n| n.parse::<usize>().is_ok());
            let Some(first) = owners.get(&output).or(part.then_some(&sitemap_part)) else {
                owners.insert(output, claim);
                continue;
            };
            if first.path == claim.path {
                continue;
            }
            // Blame the file whose slug or alias chose the path, when one did.
            let (culprit, other) = if first.explicit && !claim.explicit {
                (first, &claim)
            } else {
                (&claim, first)
            };
            problems.push(
                Diagnostic::error(
                    culprit.path,
                    culprit.at.0,
                    culprit.at.1,
                    format!(
                        "this file and {} both produce `/{output}`",
                        other.path.display()
                    ),
                )
                .with_help(format!(
                    "change this file's {}, or delete the duplicate",
                    culprit.field
                )),
            );
        }
    }
}

/// Who produces an output path, for duplicate reports.
struct Claim<'a> {
    path: &'a Path,
    at: (usize, usize),
    field: &'static str,
    /// Whether the path was chosen in front matter (slug, alias).
    explicit: bool,
}

/// What a model works out from its entries besides the related releases:
/// the `@/` link targets, the lists and the release ids (see [`Site`]).
struct Lookups {
    sources: FxHashMap<String, (Section, usize)>,
    lists: BTreeMap<String, Vec<ListItem>>,
    tag_lists: BTreeMap<String, Vec<Listing<String>>>,
    year_lists: BTreeMap<String, Vec<Listing<i32>>>,
    release_ids: Vec<u64>,
}

impl Lookups {
    fn of(
        config: &SiteConfig,
        releases: &[Entry],
        release_groups: &[Group],
        pages: &[Entry],
        page_groups: &[Group],
    ) -> Lookups {
        let mut sources = FxHashMap::default();
        for (list, groups, section) in [
            (releases, release_groups, Section::Releases),
            (pages, page_groups, Section::Pages),
        ] {
            for entry in list {
                let key = format!("{}/{}", section.dir(), entry.doc.source.key);
                sources.insert(key, (section, entry.group));
            }
            debug_assert!(groups.iter().all(|g| !g.versions.is_empty()));
        }

        let mut lists = BTreeMap::new();
        for language in &config.languages {
            let chain = config.fallback_chain(&language.code);
            let mut items = Vec::new();
            let mut seen = vec![false; release_groups.len()];
            for entry in releases {
                if std::mem::replace(&mut seen[entry.group], true) {
                    continue;
                }
                let group = &release_groups[entry.group];
                if let Some(&own) = group.versions.get(&language.code) {
                    items.push(ListItem {
                        entry: own,
                        translated: true,
                    });
                } else if config.list_untranslated {
                    let shown = chain
                        .iter()
                        .find_map(|code| group.versions.get(code))
                        .or_else(|| group.versions.values().next());
                    if let Some(&shown) = shown {
                        items.push(ListItem {
                            entry: shown,
                            translated: false,
                        });
                    }
                }
            }
            lists.insert(language.code.clone(), items);
        }

        let tag_lists = tag_lists_of(releases, &lists);
        let mut year_lists = BTreeMap::new();
        for (lang, items) in &lists {
            let mut by_year: BTreeMap<i32, Vec<ListItem>> = BTreeMap::new();
            for item in items {
                let doc = &releases[item.entry].doc;
                let year = doc.front.date.map_or(0, |d| d.date.year());
                by_year.entry(year).or_default().push(*item);
            }
            year_lists.insert(
                lang.clone(),
                by_year
                    .into_iter()
                    .rev()
                    .map(|(key, items)| Listing { key, items })
                    .collect(),
            );
        }

        let release_ids: Vec<u64> = releases
            .iter()
            .map(|e| crate::util::hash::stable_hash(&e.doc.source.rel))
            .collect();
        Lookups {
            sources,
            lists,
            tag_lists,
            year_lists,
            release_ids,
        }
    }
}

/// Per language: each tag with releases on the language's list (`lists`),
/// by key, with its releases in the list's order.
fn tag_lists_of(
    releases: &[Entry],
    lists: &BTreeMap<String, Vec<ListItem>>,
) -> BTreeMap<String, Vec<Listing<String>>> {
    let mut tag_lists = BTreeMap::new();
    for (lang, items) in lists {
        // Hashed, then sorted once: a tree map compared tag strings at
        // every one of the 90,000 insertions of a 10k × 3 archive.
        let mut by_tag: FxHashMap<&str, Vec<ListItem>> = Default::default();
        for item in items {
            for tag in releases[item.entry].doc.tags() {
                by_tag.entry(tag).or_default().push(*item);
            }
        }
        let mut by_tag: Vec<(&str, Vec<ListItem>)> = by_tag.into_iter().collect();
        by_tag.sort_unstable_by_key(|(key, _)| *key);
        tag_lists.insert(
            lang.clone(),
            by_tag
                .into_iter()
                .map(|(key, items)| Listing {
                    key: key.to_owned(),
                    items,
                })
                .collect(),
        );
    }
    tag_lists
}

/// The tag lists of a model taken over after the tags of some releases
/// changed (see `Site::take_over`): `old`, the lists before, with those of
/// each tag added to or taken off one of `retagged` (entry index, tags
/// before) worked out again as [`tag_lists_of`] would, in each language
/// whose list shows one of those releases. No other list can differ: no
/// release joined or left it.
fn tag_lists_retagged(
    releases: &[Entry],
    lists: &BTreeMap<String, Vec<ListItem>>,
    mut old: BTreeMap<String, Vec<Listing<String>>>,
    retagged: &[(usize, &[String])],
) -> BTreeMap<String, Vec<Listing<String>>> {
    let mut moved: Vec<&str> = Vec::new();
    for &(i, before) in retagged {
        moved.extend(reading::changed_tags(before, releases[i].doc.tags()));
    }
    moved.sort_unstable();
    moved.dedup();
    let mut shown = vec![false; releases.len()];
    for &(i, _) in retagged {
        shown[i] = true;
    }
    for (lang, items) in lists {
        if !items.iter().any(|item| shown[item.entry]) {
            continue;
        }
        let listings = old.entry(lang.clone()).or_default();
        for &tag in &moved {
            // As `tag_lists_of` gathers them: once per time a release
            // names the tag, in the list's order.
            let mut found = Vec::new();
            for item in items {
                let names = releases[item.entry].doc.tags();
                found.extend(names.iter().filter(|t| *t == tag).map(|_| *item));
            }
            match (
                listings.binary_search_by(|l| l.key.as_str().cmp(tag)),
                found.is_empty(),
            ) {
                (Ok(at), true) => drop(listings.remove(at)),
                (Ok(at), false) => listings[at].items = found,
                (Err(at), false) => listings.insert(
                    at,
                    Listing {
                        key: tag.to_owned(),
                        items: found,
                    },
                ),
                (Err(_), true) => {}
            }
        }
    }
    old
}

/// The id under which reading the tag lists of `lang` is logged (see
/// [`crate::document::reads`]): a tag edit taken over changes it when it
/// changes one of them.
fn tag_lists_part(lang: &str) -> u64 {
    crate::util::hash::stable_hash(&("tag lists", lang))
}

/// The id under which reading the reading list of the release with the id
/// `release` ([`Site::release_id`]) is logged.
fn reading_part(release: u64) -> u64 {
    crate::util::hash::stable_hash(&("reading", release))
}

/// Turns sorted documents into entries and translation groups, reporting
/// invalid slugs and two files of one language claiming one translation.
fn entries(
    docs: &[&Arc<Document>],
    problems: &mut Diagnostics,
    path_of: impl Fn(&Document, &str) -> String,
) -> (Vec<Entry>, Vec<Group>) {
    let mut entries = Vec::with_capacity(docs.len());
    let mut groups: Vec<Group> = Vec::new();
    let mut group_of: FxHashMap<String, usize> = FxHashMap::default();
    for doc in docs {
        let slug = doc
            .front
            .slug
            .clone()
            .unwrap_or_else(|| doc.source.stem.clone());
        if doc.front.slug.is_none() && !is_valid_slug(&slug) {
            problems.push(
                Diagnostic::error(&doc.source.rel, 1, 1, format!("the file name `{}` does not make a valid URL slug", doc.source.stem))
                    .with_help("rename the file with lower-case letters, digits and hyphens (e.g. `penitentiary-forum.en.md`), or add `slug: …` to the front matter"),
            );
            continue;
        }
        let key = doc
            .front
            .translation_key
            .as_deref()
            .unwrap_or(&doc.source.key);
        let group = match group_of.get(key) {
            Some(&group) => group,
            None => {
                groups.push(Group {
                    key: key.to_owned(),
                    versions: BTreeMap::new(),
                });
                group_of.insert(key.to_owned(), groups.len() - 1);
                groups.len() - 1
            }
        };
        let index = entries.len();
        if let Some(&other) = groups[group].versions.get(&doc.source.lang) {
            let other: &Entry = &entries[other];
            let (line, column) = doc.position_of("translation_key", None);
            problems.push(
                Diagnostic::error(
                    &doc.source.rel,
                    line,
                    column,
                    format!(
                        "this file and {} are both the `{}` version of `{}`",
                        other.doc.source.rel.display(),
                        doc.source.lang,
                        groups[group].key
                    ),
                )
                .with_help(
                    "give one of them a different `translation_key`, or fix its language suffix",
                ),
            );
            continue;
        }
        groups[group]
            .versions
            .insert(doc.source.lang.clone(), index);
        entries.push(Entry {
            path: path_of(doc, &slug),
            doc: Arc::clone(doc),
            slug,
            group,
        });
    }
    (entries, groups)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceDoc;

    /// A two-language site with four tags and lists of two per page.
    struct Fixture {
        _dir: tempfile::TempDir,
        config: SiteConfig,
        tags: TagRegistry,
        opts: ModelOptions,
    }

    impl Fixture {
        fn new() -> Fixture {
            let dir = tempfile::tempdir().unwrap();
            let tags_file = dir.path().join("tags.yaml");
            std::fs::write(
                &tags_file,
                "a:\n  label:\n    en: A\n    ru: А\nb:\n  label:\n    en: B\n    ru: Б\nc:\n  label:\n    en: C\n    ru: В\nd:\n  label:\n    en: D\n    ru: Г\n",
            )
            .unwrap();
            let config = SiteConfig::parse(
                dir.path(),
                "title: T\nbase_url: https://e.org\nlanguages: [en, ru]\npagination: 2\n",
            )
            .unwrap();
            let (tags, _) = TagRegistry::load(Some(&tags_file), &config).unwrap();
            let opts = ModelOptions {
                drafts: false,
                embargoed: false,
                now: "2026-01-01T00:00:00Z".parse().unwrap(),
                base_url: None,
                image_cache: None,
                reading: None,
            };
            Fixture {
                _dir: dir,
                config,
                tags,
                opts,
            }
        }

        fn build(&self, docs: &[Arc<Document>]) -> Site {
            self.build_after(docs, None)
        }

        /// The model of `docs`, taking over `previous` where it can.
        fn build_after(&self, docs: &[Arc<Document>], previous: Option<Site>) -> Site {
            let (config, tags) = (self.config.clone(), self.tags.clone());
            Site::build(config, docs, &[], tags, &self.opts, previous).unwrap()
        }
    }

    fn release(stem: &str, lang: &str, front: &str) -> Arc<Document> {
        let source = SourceDoc {
            path: PathBuf::from(format!("/site/content/releases/{stem}.{lang}.md")),
            rel: PathBuf::from(format!("content/releases/{stem}.{lang}.md")),
            section: Section::Releases,
            key: stem.to_owned(),
            stem: stem.to_owned(),
            lang: lang.to_owned(),
            bundle: false,
        };
        let text = format!("---\ntitle: {stem}\n{front}\n---\n\nBody of {stem}.\n");
        Arc::new(crate::document::parse(source, &text).unwrap().0)
    }

    fn docs() -> Vec<Arc<Document>> {
        vec![
            release("one", "en", "date: 2015-01-01\ntags: [a]"),
            release("one", "ru", "date: 2015-01-01\ntags: [a, b]"),
            release("two", "en", "date: 2016-01-01\ntags: [a, b]"),
            release("three", "en", "date: 2017-01-01\ntags: [a]"),
            release("four", "ru", "date: 2018-01-01\ntags: [b, c]"),
        ]
    }

    /// The releases (by key) on the `lang` list of tag `key`.
    fn on_list(site: &Site, lang: &str, key: &str) -> Vec<String> {
        site.tag_lists(lang)
            .unwrap_or_default()
            .iter()
            .find(|l| l.key == key)
            .map(|l| {
                l.items
                    .iter()
                    .map(|i| site.releases()[i.entry].doc.source.key.clone())
                    .collect()
            })
            .unwrap_or_default()
    }

    #[test]
    fn reading_lists_are_taken_over_only_from_the_same_releases_and_tags() {
        let mut fixture = Fixture::new();
        let mut docs = docs();
        let first = fixture.build(&docs);
        let fresh = |fixture: &mut Fixture, docs: &[Arc<Document>]| {
            let memo = fixture.opts.reading.take();
            let site = fixture.build(docs);
            fixture.opts.reading = memo;
            site.reading
        };
        fixture.opts.reading = Some(first.reading_memo());
        // A body edit: the same releases and tags, so the lists are shared.
        docs[2] = release("two", "en", "date: 2016-01-01\ntags: [a, b]\nsummary: new");
        let same = fixture.build(&docs);
        assert!(same.reading_memo.shares(&first.reading_memo, "en"));
        assert!(same.reading_memo.shares(&first.reading_memo, "ru"));
        // A tag edit: English worked out again, as a model without a memo
        // does; Russian taken over.
        docs[3] = release("three", "en", "date: 2017-01-01\ntags: [b]");
        let moved = fixture.build(&docs);
        assert!(!moved.reading_memo.shares(&first.reading_memo, "en"));
        assert!(moved.reading_memo.shares(&first.reading_memo, "ru"));
        assert_eq!(moved.reading, fresh(&mut fixture, &docs));
        assert_ne!(moved.reading, first.reading);
        // A new Russian release between English ones moves every release
        // after it in the model: the English lists, taken over, still name
        // the right releases.
        fixture.opts.reading = Some(moved.reading_memo());
        docs.push(release("five", "ru", "date: 2016-06-01\ntags: [a]"));
        let grown = fixture.build(&docs);
        assert!(grown.reading_memo.shares(&moved.reading_memo, "en"));
        assert!(!grown.reading_memo.shares(&moved.reading_memo, "ru"));
        assert_eq!(grown.reading, fresh(&mut fixture, &docs));
    }

    #[test]
    fn a_model_is_taken_over_after_body_edits() {
        let fixture = Fixture::new();
        let build = |docs: &[Arc<Document>], previous| fixture.build_after(docs, previous);
        let mut docs = docs();
        let first = build(&docs, None);
        assert!(first.parts_changed().is_none());
        // A paragraph added after the first (the summary) changes the body
        // only: the model is the one a fresh build makes, new text in place.
        let two = &docs[2];
        let text = format!("---\n{}---\n\nBody of two.\n\nMore.\n", two.front_text());
        docs[2] = Arc::new(crate::document::parse(two.source.clone(), &text).unwrap().0);
        let taken = build(&docs, Some(first));
        assert_eq!(taken.parts_changed(), Some(&[docs[2].id()][..]));
        let fresh = build(&docs, None);
        let same = |a: &[Entry], b: &[Entry]| {
            a.len() == b.len()
                && a.iter()
                    .zip(b)
                    .all(|(x, y)| Arc::ptr_eq(&x.doc, &y.doc) && x.path == y.path)
        };
        assert!(same(&taken.releases, &fresh.releases));
        assert!(
            taken
                .releases
                .iter()
                .any(|e| e.doc.body().contains("More."))
        );
        assert_eq!(taken.lists, fresh.lists);
        assert_eq!(taken.tag_lists, fresh.tag_lists);
        assert_eq!(taken.reading, fresh.reading);
        // A changed summary, a tag edit that changes a list's page count
        // (`three` leaves `a`, two pages of two, for `b`) or an option is
        // worked out again.
        let text = format!("---\n{}---\n\nNew first paragraph.\n", docs[2].front_text());
        docs[2] = Arc::new(
            crate::document::parse(docs[2].source.clone(), &text)
                .unwrap()
                .0,
        );
        assert!(build(&docs, Some(taken)).parts_changed().is_none());
        let again = build(&docs, None);
        docs[3] = release("three", "en", "date: 2017-01-01\ntags: [b]");
        let moved = build(&docs, Some(again));
        assert!(moved.parts_changed().is_none());
        assert_eq!(on_list(&moved, "en", "a"), ["two", "one"]);
        let mut drafts = fixture.opts.clone();
        drafts.drafts = true;
        let config = fixture.config.clone();
        let tags = fixture.tags.clone();
        let other = Site::build(config, &docs, &[], tags, &drafts, Some(moved)).unwrap();
        assert!(other.parts_changed().is_none());
    }

    #[test]
    fn a_tag_edit_is_taken_over_with_what_tags_decide_worked_out_again() {
        let fixture = Fixture::new();
        let build = |docs: &[Arc<Document>], previous| fixture.build_after(docs, previous);
        let mut docs = docs();
        let first = build(&docs, None);
        // `c` joins `three`: its lists (where `four` is, shown untranslated
        // in English, and `three` in Russian) keep one page each, so the
        // site makes the same files.
        docs[3] = release("three", "en", "date: 2017-01-01\ntags: [a, c]");
        let taken = build(&docs, Some(first));
        let fresh = build(&docs, None);
        let parts = taken.parts_changed().expect("taken over");
        assert!(parts.contains(&docs[3].id()));
        assert!(parts.contains(&tag_lists_part("en")));
        assert!(parts.contains(&tag_lists_part("ru")));
        assert_eq!(on_list(&taken, "en", "c"), ["four", "three"]);
        assert_eq!(taken.tag_lists, fresh.tag_lists);
        assert_eq!(taken.reading, fresh.reading);
        assert_eq!(taken.reading_memo, fresh.reading_memo);
        // Every release whose reading changed is named, and no other.
        let was = build(&self::docs(), None);
        for (i, (a, b)) in was.reading.iter().zip(&taken.reading).enumerate() {
            let part = reading_part(taken.release_ids[i]);
            assert_eq!(a != b, parts.contains(&part), "release {i}");
        }
        // A tag no release has any longer takes files away: built again.
        let mut untagged = self::docs();
        let before = build(&untagged, None);
        untagged[4] = release("four", "ru", "date: 2018-01-01\ntags: [b]");
        let after = build(&untagged, Some(before));
        assert!(after.parts_changed().is_none());
        assert!(on_list(&after, "ru", "c").is_empty());
        // A tag no release had makes new files: built again.
        docs[2] = release("two", "en", "date: 2016-01-01\ntags: [a, b, d]");
        assert!(build(&docs, Some(taken)).parts_changed().is_none());
        // So is a tag the registry does not know, which a build reports.
        let again = build(&docs, None);
        docs[3] = release("three", "en", "date: 2017-01-01\ntags: [a, c, zzz]");
        let config = fixture.config.clone();
        let tags = fixture.tags.clone();
        let failed = Site::build(config, &docs, &[], tags, &fixture.opts, Some(again));
        assert!(failed.unwrap_err().has_errors());
    }

    #[test]
    fn tag_edits_taken_over_make_the_model_a_fresh_build_makes() {
        // Random tag edits on a random archive: each model, taken over or
        // built again, equals the one built from nothing.
        let fixture = Fixture::new();
        let build = |docs: &[Arc<Document>], previous| fixture.build_after(docs, previous);
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = move |n: u64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state % n
        };
        let tags_of = |next: &mut dyn FnMut(u64) -> u64| {
            let picked: Vec<&str> = ["a", "b", "c", "d"]
                .into_iter()
                .filter(|_| next(3) == 0)
                .collect();
            picked.join(", ")
        };
        let release_of = |k: usize, lang: &str, tags: &str| {
            let day = 1 + k % 28;
            release(
                &format!("r{k}"),
                lang,
                &format!("date: 2015-02-{day:02}\ntags: [{tags}]"),
            )
        };
        let mut docs: Vec<Arc<Document>> = (0..40)
            .map(|k| release_of(k, ["en", "ru"][k % 2], &tags_of(&mut next)))
            .collect();
        let mut site = build(&docs, None);
        let mut taken = 0;
        for _ in 0..60 {
            let k = next(docs.len() as u64) as usize;
            docs[k] = release_of(k, ["en", "ru"][k % 2], &tags_of(&mut next));
            site = build(&docs, Some(site));
            taken += usize::from(site.parts_changed().is_some());
            let fresh = build(&docs, None);
            assert_eq!(site.tag_lists, fresh.tag_lists);
            assert_eq!(site.reading, fresh.reading);
            assert_eq!(site.reading_memo, fresh.reading_memo);
            assert_eq!(site.lists, fresh.lists);
        }
        assert!(taken > 10, "{taken} of 60 edits taken over");
    }

    #[test]
    fn the_model_built_again_after_an_edit_follows_it() {
        let fixture = Fixture::new();
        let mut docs = docs();
        let before = fixture.build(&docs);
        assert_eq!(on_list(&before, "en", "a"), ["three", "two", "one"]);
        docs[3] = release("three", "en", "date: 2017-01-01\ntags: [b]");
        let after = fixture.build(&docs);
        assert_eq!(on_list(&after, "en", "a"), ["two", "one"]);
        assert_eq!(on_list(&after, "en", "b"), ["four", "three", "two"]);
        // The same documents make the same model.
        assert_eq!(fixture.build(&docs).tag_lists, after.tag_lists);
    }
}
