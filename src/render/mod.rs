//! Rendering: the model in, output files as bytes out.
//!
//! Templates are Tera 2, loaded once per build from the theme and overridden
//! file by file by the site's `templates/`. Interface strings come from the
//! Fluent bundles through the `t()` function. The renderer lists the files a
//! build produces as [`Job`]s and renders each one on demand, so the caller can
//! stream them to disk in parallel without ever holding every page in memory.
//! Rendering reads the model only through a [`deps::Reader`], which records
//! what each file was made from.

pub mod deps;
mod feeds;
pub mod i18n;
pub mod jsonld;
mod search;
pub use search::SearchShape;
mod sitemap;
mod templates;
pub mod views;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use rayon::prelude::*;

use tera::{Context, Value};

use crate::config::SiteConfig;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::document::markdown::{self, RenderOptions};
use crate::document::reads::{self as body_reads, BodyReads};
use crate::images::{self, Format, Shape};
use crate::render::i18n::I18n;
use crate::search::index::WordMemo;
use crate::site::{Entry, ListItem, Site, output_path, paginated};
use crate::source::Section;
use deps::{Dep, ListKey, Reader, Reads};
use jsonld::{Publisher, SocialImage};
pub use templates::TemplateSet;
use views::*;

/// Tag chips a line of a list shows; the release page shows them all. Every
/// tag page lists its releases, so with every chip shown a release with N
/// tags would add N chips to each of N tag pages: output growing with N².
pub const LIST_TAGS: usize = 5;

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
    /// A file made from a photo; index into `Site::photos().files`.
    Image(usize),
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
    /// A language's search page.
    SearchPage(usize),
    /// A language's search index summary: chunk names, year ranges.
    SearchMeta(usize),
    /// A language's search documents by tag.
    SearchTags(usize),
    /// Chunk `c` of a language's search index: (language, c).
    SearchChunk(usize, usize),
    /// Documents `n * SHARD..` of a language's search index: (language, n).
    SearchShard(usize, usize),
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
    /// Whether the job's output path follows from the model alone: a
    /// search file's may follow from its index's shape.
    pub fn path_from_model(self) -> bool {
        !matches!(
            self,
            Job::SearchPage(_)
                | Job::SearchMeta(_)
                | Job::SearchTags(_)
                | Job::SearchChunk(..)
                | Job::SearchShard(..)
        )
    }

    /// Which kind of job this is, as a number kept in the build cache: a
    /// file made by another kind of job than before is rendered again.
    pub fn kind(self) -> u8 {
        match self {
            Job::Root => 0,
            Job::Home(_) => 1,
            Job::List(..) => 2,
            Job::Release(_) => 3,
            Job::Page(_) => 4,
            Job::NotFound(_) => 5,
            Job::Alias(_) => 6,
            Job::Asset(_) => 7,
            Job::Static(_) => 8,
            Job::TagIndex(_) => 9,
            Job::Tag(..) => 10,
            Job::Year(..) => 11,
            Job::Feed(_) => 12,
            Job::TagFeed(..) => 13,
            Job::Sitemap(_) => 14,
            Job::Robots => 15,
            Job::SearchPage(_) => 16,
            Job::SearchMeta(_) => 17,
            Job::SearchTags(_) => 18,
            Job::SearchChunk(..) => 19,
            Job::SearchShard(..) => 20,
            Job::Image(_) => 21,
        }
    }

    /// The language the job's file belongs to, for build summaries; `None`
    /// for files of no language (root, redirects, static files, sitemap).
    pub fn language(self, site: &Site) -> Option<&str> {
        let code = |l: usize| Some(site.config().languages[l].code.as_str());
        match self {
            Job::Home(l)
            | Job::List(l, _)
            | Job::NotFound(l)
            | Job::TagIndex(l)
            | Job::Tag(l, _, _)
            | Job::Year(l, _, _)
            | Job::Feed(l)
            | Job::TagFeed(l, _)
            | Job::SearchPage(l)
            | Job::SearchMeta(l)
            | Job::SearchTags(l)
            | Job::SearchChunk(l, _)
            | Job::SearchShard(l, _) => code(l),
            Job::Release(i) => Some(site.releases()[i].lang()),
            Job::Page(i) => Some(site.pages()[i].lang()),
            Job::Root
            | Job::Alias(_)
            | Job::Asset(_)
            | Job::Static(_)
            | Job::Image(_)
            | Job::Sitemap(_)
            | Job::Robots => None,
        }
    }
}

/// Renders the pages of one site.
pub struct Renderer<'s> {
    read: Reader<'s>,
    i18n: Arc<I18n>,
    templates: Arc<TemplateSet>,
    /// Per language, in site order: the context values that are the same on
    /// every page of the language, converted to template values once, with
    /// the reads that made them (replayed on every page that uses them).
    shared: Vec<(Shared, Reads)>,
    /// Per language, its search index once made (see [`search`]).
    search: search::Cache<'s>,
    /// Per language, its index's shape as an earlier build made it, when
    /// the language's search documents still hash the same.
    known_search: Vec<Option<SearchShape>>,
    /// Per language, the words of its documents as earlier builds read them,
    /// when the caller keeps them between builds (watch mode): taken by the
    /// language's indexing, and handed back by [`Renderer::take_search_words`].
    search_words: Vec<Mutex<WordMemo>>,
    /// The site root whose build cache holds each language's words as the
    /// last process to index it left them (see
    /// [`Renderer::read_search_words`]), with why they could not be used.
    words_from: Option<(PathBuf, Mutex<Vec<String>>)>,
    /// Per language, its search documents with their hashes, worked out
    /// once: its index, its [`Dep::Search`] and every [`Dep::SearchShard`]
    /// come from them.
    search_docs: Vec<OnceLock<(deps::SearchDocs<'s>, BodyReads)>>,
    /// Per language, its search documents as the last renderer worked them
    /// out, when this renderer's model is that renderer's but for some
    /// bodies (see [`Renderer::carry_over`]).
    carried_docs: Vec<Option<deps::CarriedDocs>>,
    /// Encoded photo files, kept across builds.
    images: images::Store,
}

/// What one renderer hands on to the next in a session whose model changes
/// only in bodies between them (see [`Renderer::carry_over`]).
#[derive(Debug, Default)]
pub struct Carry {
    /// Per language code, its search documents.
    search_docs: BTreeMap<String, deps::CarriedDocs>,
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
        let templates = TemplateSet::load(site.config(), site.urls(), Arc::clone(&i18n))?;
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
        let read = Reader::new(site);
        let shared = site
            .config()
            .languages
            .iter()
            .map(|l| deps::capture(|| shared(read, &l.code)))
            .collect();
        let images = images::Store::new(None, site.photos().list.len());
        Renderer {
            read,
            i18n,
            templates,
            shared,
            search: search::cache(site.config().languages.len()),
            known_search: vec![None; site.config().languages.len()],
            search_words: Vec::new(),
            words_from: None,
            carried_docs: Vec::new(),
            search_docs: site
                .config()
                .languages
                .iter()
                .map(|_| OnceLock::new())
                .collect(),
            images,
        }
    }

    /// Every file the build produces, in a stable order.
    pub fn jobs(&self) -> Vec<Job> {
        let site = self.read.unlogged();
        // With the default language at the root, its home is `/index.html`.
        let mut jobs = if site.config().default_language_at_root {
            Vec::new()
        } else {
            vec![Job::Root]
        };
        for (l, language) in site.config().languages.iter().enumerate() {
            jobs.push(Job::Home(l));
            jobs.extend((1..=site.list_pages(&language.code)).map(|n| Job::List(l, n)));
            jobs.push(Job::NotFound(l));
        }
        jobs.extend((0..site.releases().len()).map(Job::Release));
        jobs.extend((0..site.pages().len()).map(Job::Page));
        jobs.extend((0..site.aliases().len()).map(Job::Alias));
        jobs.extend((0..site.assets().len()).map(Job::Asset));
        jobs.extend((0..self.templates.statics.len()).map(Job::Static));
        jobs.extend((0..site.photos().files.len()).map(Job::Image));
        let per_page = site.config().pagination;
        for (l, language) in site.config().languages.iter().enumerate() {
            jobs.push(Job::TagIndex(l));
            jobs.push(Job::Feed(l));
            for (t, listing) in site
                .tag_lists(&language.code)
                .unwrap_or_default()
                .iter()
                .enumerate()
            {
                jobs.extend((1..=listing.pages(per_page)).map(|n| Job::Tag(l, t, n)));
                jobs.push(Job::TagFeed(l, t));
            }
            for (y, listing) in site.year_lists()[&language.code].iter().enumerate() {
                jobs.extend((1..=listing.pages(per_page)).map(|n| Job::Year(l, y, n)));
            }
        }
        // The job list needs the index of every language whose shape is
        // not known from an earlier build.
        search::prepare(self, |l| self.known_search[l].is_none());
        for l in 0..site.config().languages.len() {
            jobs.extend(search::jobs(self, l));
        }
        jobs.extend((0..sitemap::parts(site)).map(Job::Sitemap));
        jobs.push(Job::Robots);
        jobs
    }

    /// Where `job`'s file goes, relative to the output folder: what
    /// [`Renderer::render`] puts in [`Rendered::path`], without rendering.
    pub fn path(&self, job: Job) -> String {
        let site = self.read.unlogged();
        let urls = site.urls();
        let code = |l: usize| site.config().languages[l].code.as_str();
        match job {
            Job::Root => output_path("/"),
            Job::Home(l) => output_path(&urls.home(code(l))),
            Job::List(l, n) => output_path(&paginated(&urls.releases_list(code(l), 1), n)),
            Job::Release(i) => output_path(&site.releases()[i].path),
            Job::Page(i) => output_path(&site.pages()[i].path),
            Job::NotFound(0) => output_path("/404.html"),
            Job::NotFound(l) => output_path(&urls.not_found(code(l))),
            Job::Alias(i) => site.aliases()[i].output.clone(),
            Job::Asset(i) => site.assets()[i].output.clone(),
            Job::Static(i) => self.templates.statics[i].rel.clone(),
            Job::Image(i) => {
                let photos = site.photos();
                let (p, v) = photos.files[i];
                photos.list[p].outputs[v].clone()
            }
            Job::TagIndex(l) => output_path(&urls.tags(code(l))),
            Job::Tag(l, t, n) => {
                let key = &site.tag_lists(code(l)).unwrap_or_default()[t].key;
                output_path(&paginated(&urls.tag(code(l), key, 1), n))
            }
            Job::Year(l, y, n) => {
                let key = site.year_lists()[code(l)][y].key;
                output_path(&paginated(&urls.year(code(l), key, 1), n))
            }
            Job::Feed(l) => output_path(&urls.feed(code(l))),
            Job::TagFeed(l, t) => output_path(
                &urls.tag_feed(code(l), &site.tag_lists(code(l)).unwrap_or_default()[t].key),
            ),
            Job::Sitemap(0) => "sitemap.xml".to_owned(),
            Job::Sitemap(k) => format!("sitemap-{k}.xml"),
            Job::Robots => "robots.txt".to_owned(),
            Job::SearchPage(_)
            | Job::SearchMeta(_)
            | Job::SearchTags(_)
            | Job::SearchChunk(..)
            | Job::SearchShard(..) => search::path(self, job),
        }
    }

    /// Renders one job.
    pub fn render(&self, job: Job) -> Result<Rendered, Diagnostic> {
        self.render_recorded(job).map(|(page, _)| page)
    }

    /// Renders one job and returns what it read (see [`deps`]).
    pub fn render_recorded(&self, job: Job) -> Result<(Rendered, Reads), Diagnostic> {
        let (result, reads) = deps::capture(|| self.render_job(job));
        result.map(|page| (page, reads))
    }

    fn render_job(&self, job: Job) -> Result<Rendered, Diagnostic> {
        let site = self.read.unlogged();
        let lang_code = |l: usize| site.config().languages[l].code.clone();
        match job {
            Job::Root => self.render_root(),
            Job::Home(l) => self.render_home(&lang_code(l)),
            Job::List(l, n) => self.render_list(&lang_code(l), n),
            Job::Release(i) => self.render_release(i),
            Job::Page(i) => self.render_page(i),
            Job::NotFound(l) => self.render_not_found(l),
            Job::Alias(i) => Ok(self.render_alias(i)),
            Job::Asset(i) => {
                let asset = self.read.asset(i);
                copy(&asset.source, &site.config().root, asset.output.clone())
            }
            Job::Static(i) => {
                let file = &self.templates.statics[i];
                deps::record(Dep::Static(file.rel.clone()), file.hash);
                file.render()
            }
            Job::Image(i) => self.render_image(i),
            Job::TagIndex(l) => self.render_tag_index(&lang_code(l)),
            Job::Tag(l, t, n) => {
                let key = site.tag_lists(&lang_code(l)).unwrap_or_default()[t]
                    .key
                    .clone();
                self.render_tag(&lang_code(l), &key, n)
            }
            Job::Year(l, y, n) => {
                let year = site.year_lists()[&lang_code(l)][y].key;
                self.render_year(&lang_code(l), year, n)
            }
            Job::Feed(l) => Ok(feeds::language_feed(self, &lang_code(l))),
            Job::TagFeed(l, t) => {
                let key = site.tag_lists(&lang_code(l)).unwrap_or_default()[t]
                    .key
                    .clone();
                Ok(feeds::tag_feed(self, &lang_code(l), &key))
            }
            Job::Sitemap(k) => Ok(sitemap::render(self.read, k)),
            Job::Robots => Ok(Rendered {
                path: "robots.txt".to_owned(),
                bytes: format!(
                    "User-agent: *\nAllow: /\n\nSitemap: {}\n",
                    self.read.urls().permalink("/sitemap.xml")
                )
                .into_bytes(),
            }),
            Job::SearchPage(l) => self.render_search_page(l),
            Job::SearchMeta(_)
            | Job::SearchTags(_)
            | Job::SearchChunk(..)
            | Job::SearchShard(..) => search::render(self, job),
        }
    }

    /// Keeps encoded photo files in `.pressroom-cache/images/` of the site
    /// and reuses the ones there (without it, nothing is kept).
    pub fn keep_images(&mut self) {
        let dir = images::cache_dir(&self.read.unlogged().config().root);
        self.images = images::Store::new(Some(dir), self.read.unlogged().photos().list.len());
    }

    /// Makes what rendering `jobs` needs made once beforehand (the search
    /// index of each language with a search file among them), several at
    /// once. Call it before rendering any of them.
    pub fn prepare(&self, jobs: impl Iterator<Item = Job>) {
        let mut wanted = vec![false; self.search.len()];
        for l in jobs.filter_map(search::reads_index) {
            wanted[l] = true;
        }
        search::prepare(self, |l| wanted[l]);
    }

    /// Indexes each language with `memos`, the words of its documents as
    /// earlier builds read them (by language code; a language without one
    /// starts an empty one), so that only documents whose text changed are
    /// read again. [`Renderer::take_search_words`] gives them back.
    pub fn keep_search_words(&mut self, mut memos: BTreeMap<String, WordMemo>) {
        self.search_words = self
            .read
            .unlogged()
            .config()
            .languages
            .iter()
            .map(|l| Mutex::new(memos.remove(&l.code).unwrap_or_default()))
            .collect();
    }

    /// Indexes each language with the words the build cache of the site at
    /// `root` keeps for it (see [`crate::cache::load_search_words`]), read
    /// when the language is indexed: a process that indexes a language
    /// again after a few texts changed then reads those texts only. Each
    /// language's words, with the index made from them, are saved back to
    /// the cache as soon as it is indexed, and let go.
    pub fn read_search_words(&mut self, root: &Path) {
        self.keep_search_words(BTreeMap::new());
        self.words_from = Some((root.to_path_buf(), Mutex::new(Vec::new())));
    }

    /// Why the words of some language kept in the build cache could not be
    /// used, one line each.
    pub fn search_words_problems(&self) -> Vec<String> {
        self.words_from
            .as_ref()
            .map_or_else(Vec::new, |(_, problems)| {
                problems.lock().unwrap_or_else(|e| e.into_inner()).clone()
            })
    }

    /// The memos given to [`Renderer::keep_search_words`], each now holding
    /// the words of its language's documents as indexed by this renderer (or
    /// as it was given, for a language this renderer did not index).
    ///
    /// A language this renderer indexed leaves its index in its memo, for
    /// the next renderer to update rather than make again.
    pub fn take_search_words(&mut self) -> BTreeMap<String, WordMemo> {
        let languages = &self.read.unlogged().config().languages;
        let memos = std::mem::take(&mut self.search_words);
        let mut out = BTreeMap::new();
        for (l, (memo, language)) in memos.into_iter().zip(languages).enumerate() {
            let mut memo = memo.into_inner().unwrap_or_else(|e| e.into_inner());
            if let Some((index, hashes)) = search::take_index(self, l) {
                memo.keep_index(index, hashes);
            }
            out.insert(language.code.clone(), memo);
        }
        out
    }

    /// Takes the index shapes an earlier build recorded ([`Renderer::search_shapes`]):
    /// a language whose search documents hash as they did then gets its
    /// search jobs without being indexed, and is indexed only if one of
    /// those files must be rendered.
    pub fn know_search(&mut self, shapes: &[SearchShape]) {
        let languages = &self.read.unlogged().config().languages;
        // Each language's documents on their own thread (each tracks its
        // own reads): a tenth of a watch rebuild at 10k × 3 in one go.
        (0..languages.len()).into_par_iter().for_each(|l| {
            self.search_docs(l);
        });
        self.known_search = languages
            .iter()
            .enumerate()
            .map(|(l, language)| {
                let shape = shapes.iter().find(|s| s.lang == language.code)?;
                (shape.hash == self.search_docs(l).1.total).then(|| shape.clone())
            })
            .collect();
    }

    /// Takes over what the renderer of the last model handed on
    /// ([`Renderer::carry`]), used only while this renderer's model is that
    /// one but for the bodies and tags of some documents
    /// ([`Site::parts_changed`]):
    /// then each language's search documents are hashed again only where a
    /// document changed.
    pub fn carry_over(&mut self, carry: Carry) {
        if self.read.unlogged().parts_changed().is_none() {
            return;
        }
        let mut docs = carry.search_docs;
        self.carried_docs = (self.read.unlogged().config().languages.iter())
            .map(|l| docs.remove(&l.code))
            .collect();
    }

    /// What the next renderer may take over ([`Renderer::carry_over`]).
    pub fn carry(&self) -> Carry {
        let languages = &self.read.unlogged().config().languages;
        let search_docs = languages
            .iter()
            .zip(&self.search_docs)
            .filter_map(|(language, docs)| {
                let (docs, bodies) = docs.get()?;
                Some((language.code.clone(), deps::CarriedDocs::new(docs, bodies)))
            })
            .collect();
        Carry { search_docs }
    }

    /// Language `l`'s search documents with their hashes, recording
    /// nothing.
    fn search_docs(&self, l: usize) -> &deps::SearchDocs<'s> {
        let (docs, bodies) = self.search_docs[l].get_or_init(|| {
            let code = &self.read.unlogged().config().languages[l].code;
            body_reads::track(|| {
                let carried = self.carried_docs.get(l).and_then(Option::as_ref);
                carried
                    .and_then(|c| self.read.search_docs_carried(code, c))
                    .unwrap_or_else(|| self.read.search_docs_unrecorded(code))
            })
        });
        body_reads::replay(bodies);
        docs
    }

    /// The shape of each language's search index as of this build, for
    /// the next one ([`Renderer::know_search`]).
    pub fn search_shapes(&self) -> Vec<SearchShape> {
        search::shapes(self)
    }

    /// The languages whose search index this renderer made, in site order.
    pub fn indexed_languages(&self) -> Vec<String> {
        let languages = &self.read.unlogged().config().languages;
        languages
            .iter()
            .zip(&self.search)
            .filter(|(_, built)| built.get().is_some())
            .map(|(language, _)| language.code.clone())
            .collect()
    }

    /// How many photo files this renderer encoded (the rest came from the
    /// image cache).
    pub fn images_encoded(&self) -> usize {
        self.images.encoded()
    }

    /// The current hash of `dep`: what a file that read it would record now.
    pub(crate) fn current(&self, dep: &Dep) -> u64 {
        match dep {
            Dep::Bundle(lang) => self.i18n.fingerprint(lang),
            Dep::Template(name) => self.templates.template_hash(name),
            Dep::Static(rel) => self.templates.static_hash(rel),
            Dep::Search(lang) | Dep::SearchShard(lang, _) | Dep::SearchChunk(lang, _) => {
                let languages = &self.read.unlogged().config().languages;
                let Some(l) = languages.iter().position(|x| x.code == *lang) else {
                    return deps::ABSENT;
                };
                // Every search file of a language is made from its search
                // documents, and whether an earlier build's index shape
                // still holds is decided by them: their reads come first.
                let (_, hashes) = self.search_docs(l);
                match dep {
                    Dep::SearchChunk(_, name) => search::chunk_hash(self, l, name),
                    Dep::SearchShard(_, n) => hashes.shard(*n).1,
                    _ => hashes.total,
                }
            }
            _ => self.read.current(dep).unwrap_or(deps::ABSENT),
        }
    }

    fn common(&self, lang: &str, site_path: &str, translations: Vec<LanguageView<'s>>) -> Context {
        let urls = self.read.urls();
        let (shared, reads) = &self.shared[self.lang_index(lang)];
        deps::replay(reads);
        let mut ctx = Context::new();
        ctx.insert("lang", lang);
        ctx.insert("dir", self.i18n.direction(lang));
        ctx.insert_value("site", shared.site.clone());
        ctx.insert("page_url", &urls.url(site_path));
        ctx.insert("permalink", &urls.permalink(site_path));
        let config = self.read.config();
        let og = |code: &str| {
            let locale = config.language(code).and_then(|l| l.locale.as_deref());
            jsonld::og_locale(code, locale)
        };
        ctx.insert("og_locale", &og(lang));
        // Pages that have them replace these.
        ctx.insert("social_image", &None::<SocialImage>);
        ctx.insert("jsonld", "");
        let alternates: Vec<String> = translations
            .iter()
            .filter(|t| !t.current)
            .map(|t| og(t.code))
            .collect();
        ctx.insert("og_locale_alternates", &alternates);
        ctx.insert("translations", &translations);
        ctx.insert_value("urls", shared.urls.clone());
        if self
            .read
            .menu(lang)
            .iter()
            .any(|(_, path)| *path == site_path)
        {
            ctx.insert("menu", &menu(self.read, lang, site_path));
        } else {
            ctx.insert_value("menu", shared.menu.clone());
        }
        ctx.insert_value("feeds", shared.feeds.clone());
        ctx
    }

    /// The position of `lang` among the site's languages (the default
    /// language's for an unknown code, as the i18n lookups do).
    fn lang_index(&self, lang: &str) -> usize {
        self.read
            .config()
            .languages
            .iter()
            .position(|l| l.code == lang)
            .unwrap_or(0)
    }

    /// Every language, each pointing at the same kind of page (`path_of`).
    fn all_languages(&self, lang: &str, path_of: impl Fn(&str) -> String) -> Vec<LanguageView<'s>> {
        all_languages(self.read, lang, path_of)
    }

    /// The versions of an entry that exist.
    fn entry_translations(&self, section: Section, index: usize) -> Vec<LanguageView<'s>> {
        let config = self.read.config();
        let urls = self.read.urls();
        self.read
            .translations(section, index)
            .into_iter()
            .map(|v| LanguageView {
                code: v.code,
                name: config.language(v.code).map_or(v.code, |l| l.name.as_str()),
                url: urls.url(v.path),
                permalink: urls.permalink(v.path),
                current: v.index == index,
            })
            .collect()
    }

    /// `lang` as the configuration spells it, so that views can borrow it for
    /// as long as the model.
    fn code(&self, lang: &str) -> &'s str {
        let config = self.read.config();
        config
            .language(lang)
            .unwrap_or_else(|| config.default_language())
            .code
            .as_str()
    }

    /// The interface string `key` in `lang`, as plain text, its bundle
    /// recorded (for texts that Rust puts into a page, such as breadcrumbs).
    fn text(&self, lang: &str, key: &str) -> String {
        deps::record(Dep::Bundle(lang.to_owned()), self.i18n.fingerprint(lang));
        self.i18n
            .message(lang, key, &[])
            .unwrap_or_else(|_| key.to_owned())
    }

    /// The organisation as author and publisher in structured data: the
    /// press office of site.yaml, or the site itself when it names none.
    fn publisher(&self, lang: &str) -> Publisher {
        let config = self.read.config();
        let urls = self.read.urls();
        let home = urls.permalink(&urls.home(lang));
        match organization_view(config, lang) {
            Some(org) => Publisher {
                name: org.name.to_owned(),
                url: org.url.map_or(home, str::to_owned),
                logo: org.logo.map(|path| {
                    // The logo's content is not in the JSON-LD, but whether
                    // it is published is: record it like `asset()` does.
                    deps::record(
                        Dep::Static(path.to_owned()),
                        self.templates.static_hash(path),
                    );
                    urls.permalink(&format!("/{path}"))
                }),
                same_as: org.social.iter().map(|s| s.url.to_owned()).collect(),
            },
            None => Publisher {
                name: config.title_in(lang).to_owned(),
                url: home,
                logo: None,
                same_as: Vec::new(),
            },
        }
    }

    /// The breadcrumb trail from `lang`'s home: (interface string key or
    /// plain name, site path) pairs after the home.
    fn trail(&self, lang: &str, steps: &[(String, String)]) -> serde_json::Value {
        let urls = self.read.urls();
        let mut trail = vec![(
            self.text(lang, "nav-home"),
            urls.permalink(&urls.home(lang)),
        )];
        trail.extend(
            steps
                .iter()
                .map(|(name, path)| (name.clone(), urls.permalink(path))),
        );
        jsonld::breadcrumbs(&trail)
    }

    /// The JSON-LD of a list page: a `CollectionPage` named `name` and its
    /// breadcrumbs (`steps` after the home, the list itself last).
    fn list_jsonld(&self, lang: &str, name: &str, steps: &[(String, String)]) -> String {
        let urls = self.read.urls();
        let url = steps.last().map_or_else(
            || urls.permalink(&urls.home(lang)),
            |(_, p)| urls.permalink(p),
        );
        jsonld::script(vec![
            jsonld::collection_page(name, &url, lang, &urls.permalink(&urls.home(lang))),
            self.trail(lang, steps),
        ])
    }

    /// A release linked from another one's page.
    fn linked(&self, index: usize, lang: &str) -> LinkedRelease<'s> {
        let urls = self.read.urls();
        let entry = self.read.release_heading(index);
        let (date, date_display) = self.dates(entry, lang);
        LinkedRelease {
            title: &entry.doc.front.title,
            url: urls.url(&entry.path),
            date,
            date_display,
        }
    }

    /// A release's date in ISO form and written out in `lang` (empty when
    /// it has none).
    fn dates(&self, entry: &Entry, lang: &str) -> (String, String) {
        entry.doc.front.date.map_or_else(Default::default, |d| {
            (d.date.to_string(), self.i18n.format_date(lang, d.date))
        })
    }

    fn tags(&self, entry: &'s Entry, lang: &str) -> Vec<TagView<'s>> {
        let urls = self.read.urls();
        let registry = self.read.tags();
        let lang = self.code(lang);
        entry
            .doc
            .tags()
            .iter()
            .map(|key| {
                let (label, label_lang) = registry.label_in(key, lang);
                TagView {
                    key,
                    label,
                    label_lang,
                    // Every tag of a listed release has a page in every language
                    // whose lists show the release.
                    url: self
                        .read
                        .tag_listed(lang, key)
                        .then(|| urls.url(&urls.tag(lang, key, 1))),
                }
            })
            .collect()
    }

    fn summary(&self, item: &ListItem, lang: &str) -> SummaryView<'s> {
        let entry = self.read.entry(Section::Releases, item.entry);
        let urls = self.read.urls();
        let (date, date_display) = self.dates(entry, lang);
        let location = self.read.location(item.entry, lang);
        let mut tags = self.tags(entry, lang);
        let more_tags = tags.len().saturating_sub(LIST_TAGS);
        tags.truncate(LIST_TAGS);
        SummaryView {
            title: &entry.doc.front.title,
            url: urls.url(&entry.path),
            date,
            date_display,
            location: location.map(|(text, _)| text),
            location_lang: location.map_or(self.code(lang), |(_, code)| code),
            summary: &entry.doc.summary,
            tags,
            more_tags,
            lang: entry.lang(),
            image: self.lead_image(entry),
            draft: entry.doc.front.draft,
            translated: item.translated,
            available: if item.translated {
                Vec::new()
            } else {
                self.entry_translations(Section::Releases, item.entry)
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
        let config = self.read.config();
        let lang = entry.lang();
        let opts = RenderOptions {
            allow_html: config.markdown.allow_html,
            smart_punctuation: config.markdown.smart_punctuation,
            lang,
            typography: self.i18n.typography(lang),
        };
        markdown::render_with_pictures(
            entry.doc.body(),
            opts,
            &|target| self.read.resolve_link(target, lang),
            &|target, alt| {
                let image = self.image(entry, target, alt, None, None)?;
                image.card.as_ref()?;
                Some(picture_html(&image, BODY_SIZES, true))
            },
        )
    }

    /// The view of the image `target` names on `entry`'s page: its
    /// processed files when it is a photo of the bundle, or the URL as
    /// written.
    fn image<'a>(
        &self,
        entry: &Entry,
        target: &'a str,
        alt: &'a str,
        caption: Option<&'a str>,
        credit: Option<&'a str>,
    ) -> Option<ImageView<'a>> {
        let Some(photo) = self.read.photo_for(entry, target) else {
            return Some(ImageView {
                src: target.to_owned(),
                srcset: String::new(),
                width: None,
                height: None,
                sources: Vec::new(),
                alt,
                caption,
                credit,
                card: None,
            });
        };
        let urls = self.read.urls();
        let url = |output: &str| urls.url(&format!("/{output}"));
        let widths = photo.widths();
        let srcset = |format: Format| -> String {
            widths
                .iter()
                .filter_map(|&w| {
                    let output = photo.output_of(images::Variant {
                        shape: Shape::Width(w),
                        format,
                    })?;
                    Some(format!("{} {w}w", url(output)))
                })
                .collect::<Vec<_>>()
                .join(", ")
        };
        let fallback = if photo.probe.alpha {
            Format::Png
        } else {
            Format::Jpeg
        };
        // The widest file up to 800 pixels: sharp enough in a browser that
        // ignores `srcset`, small enough for one on a phone.
        let src_width = widths
            .iter()
            .copied()
            .filter(|&w| w <= FALLBACK_WIDTH)
            .max()
            .or_else(|| widths.first().copied())?;
        let src_variant = images::Variant {
            shape: Shape::Width(src_width),
            format: fallback,
        };
        let card_variant = images::Variant {
            shape: Shape::Card,
            format: Format::Jpeg,
        };
        Some(ImageView {
            src: url(photo.output_of(src_variant)?),
            srcset: srcset(fallback),
            width: Some(src_width),
            height: Some(images::scaled_height(&photo.probe, src_width)),
            sources: [Format::Avif, Format::Webp]
                .into_iter()
                .map(|f| SourceView {
                    mime: f.mime(),
                    srcset: srcset(f),
                })
                .collect(),
            alt,
            caption,
            credit,
            card: Some(CardView {
                url: urls.permalink(&format!("/{}", photo.output_of(card_variant)?)),
                width: images::CARD.0,
                height: images::CARD.1,
                alt,
            }),
        })
    }

    /// The lead photo of a release, if it has one.
    fn lead_image(&self, entry: &'s Entry) -> Option<ImageView<'s>> {
        let front = &entry.doc.front;
        self.image(
            entry,
            front.image.as_deref()?,
            front.image_alt.as_deref().unwrap_or(""),
            front.image_caption.as_deref(),
            front.image_credit.as_deref(),
        )
    }

    fn render_image(&self, index: usize) -> Result<Rendered, Diagnostic> {
        let (p, photo, variant, output) = self.read.photo_file(index);
        let site = self.read.unlogged();
        let bytes = self
            .images
            .get(
                p,
                &photo.source,
                &photo.probe,
                &site.config().images,
                &photo.variants,
                variant,
            )
            .map_err(|why| {
                let shown = crate::diagnostics::relative(&photo.source, &site.config().root);
                Diagnostic::error(
                    &shown,
                    1,
                    1,
                    format!("the photo could not be processed: {why}"),
                )
                .with_help(
                    "check that the file is a whole JPEG, PNG or WebP image, then build again",
                )
            })?;
        Ok(Rendered {
            path: output.to_owned(),
            bytes,
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
        let urls = self.read.urls();
        let default = self.read.config().default_language().code.as_str();
        let mut ctx = self.common(default, "/", self.all_languages(default, |l| urls.home(l)));
        ctx.insert("default_url", &urls.url(&urls.home(default)));
        self.page("root.html", &ctx, "/")
    }

    fn render_home(&self, lang: &str) -> Result<Rendered, Diagnostic> {
        let urls = self.read.urls();
        let path = urls.home(lang);
        let mut ctx = self.common(lang, &path, self.all_languages(lang, |l| urls.home(l)));
        let shown = self.read.config().home_releases;
        let (items, total) = self
            .read
            .list_slice(&ListKey::Releases(lang.to_owned()), 0, shown);
        let releases: Vec<SummaryView<'_>> =
            items.iter().map(|item| self.summary(item, lang)).collect();
        ctx.insert("releases", &releases);
        ctx.insert("total_releases", &total);
        ctx.insert("years", &self.years(lang, None));
        let config = self.read.config();
        ctx.insert(
            "jsonld",
            &jsonld::script(vec![jsonld::website(
                config.title_in(lang),
                &urls.permalink(&path),
                lang,
                config.description_in(lang),
                &self.publisher(lang),
            )]),
        );
        self.page("home.html", &ctx, &path)
    }

    fn render_list(&self, lang: &str, n: usize) -> Result<Rendered, Diagnostic> {
        let urls = self.read.urls();
        let translations = self.all_languages(lang, |l| {
            let pages = self
                .read
                .list_pages(&ListKey::Releases(l.to_owned()))
                .unwrap_or(1);
            urls.releases_list(l, n.min(pages))
        });
        let first = urls.releases_list(lang, 1);
        let key = ListKey::Releases(lang.to_owned());
        let mut ctx = self.listing(lang, &first, n, &key, translations);
        ctx.insert("years", &self.years(lang, None));
        let name = self.text(lang, "releases-heading");
        let steps = [(name.clone(), paginated(&first, n))];
        ctx.insert("jsonld", &self.list_jsonld(lang, &name, &steps));
        self.page("releases.html", &ctx, &paginated(&first, n))
    }

    /// The common context plus `releases` and `paginator` for page `n` of
    /// list `key`, whose first page is `first`.
    fn listing(
        &self,
        lang: &str,
        first: &str,
        n: usize,
        key: &ListKey,
        translations: Vec<LanguageView<'s>>,
    ) -> Context {
        let urls = self.read.urls();
        let per_page = self.read.config().pagination;
        let mut ctx = self.common(lang, &paginated(first, n), translations);
        let (items, total) = self.read.list_slice(key, (n - 1) * per_page, per_page);
        let releases: Vec<SummaryView<'_>> =
            items.iter().map(|item| self.summary(item, lang)).collect();
        ctx.insert("releases", &releases);
        let total_pages = total.div_ceil(per_page).max(1);
        ctx.insert(
            "paginator",
            &paginator(&|k| urls.url(&paginated(first, k)), n, total_pages, total),
        );
        ctx
    }

    /// The year archive of a language, newest first.
    fn years(&self, lang: &str, current: Option<i32>) -> Vec<YearView> {
        let urls = self.read.urls();
        self.read
            .years(lang)
            .into_iter()
            .map(|(year, count)| YearView {
                year,
                count,
                url: urls.url(&urls.year(lang, year, 1)),
                current: Some(year) == current,
            })
            .collect()
    }

    /// The tags `lang` has lists for, with labels, descriptions and counts,
    /// sorted as a reader of the language expects.
    fn tag_items(&self, lang: &str) -> Vec<TagIndexItem<'s>> {
        let urls = self.read.urls();
        let registry = self.read.tags();
        let code = self.code(lang);
        let mut tags: Vec<TagIndexItem<'_>> = self
            .read
            .tag_counts(lang)
            .into_iter()
            .map(|(key, count)| {
                let (label, label_lang) = registry.label_in(key, code);
                let description = registry.description_in(key, code);
                TagIndexItem {
                    key,
                    label,
                    label_lang,
                    description: description.map(|(text, _)| text),
                    description_lang: description.map(|(_, code)| code),
                    count,
                    url: urls.url(&urls.tag(lang, key, 1)),
                }
            })
            .collect();
        // Sorted as a reader of the language expects, not by code point.
        tags.sort_by(|a, b| {
            self.i18n
                .compare(lang, a.label, b.label)
                .then_with(|| a.key.cmp(b.key))
        });
        tags
    }

    fn render_tag_index(&self, lang: &str) -> Result<Rendered, Diagnostic> {
        let urls = self.read.urls();
        let path = urls.tags(lang);
        let mut ctx = self.common(lang, &path, self.all_languages(lang, |l| urls.tags(l)));
        let tags = self.tag_items(lang);
        ctx.insert("tags", &tags);
        let name = self.text(lang, "tags-heading");
        let steps = [(name.clone(), path.clone())];
        ctx.insert("jsonld", &self.list_jsonld(lang, &name, &steps));
        self.page("tags.html", &ctx, &path)
    }

    /// Page `n` (or the last one it has) of the same list in every language
    /// that has it; `key_in` names the list in a language.
    fn listing_translations(
        &self,
        lang: &str,
        n: usize,
        key_in: impl Fn(&str) -> ListKey,
        path_of: impl Fn(&str, usize) -> String,
    ) -> Vec<LanguageView<'s>> {
        let urls = self.read.urls();
        self.read
            .config()
            .languages
            .iter()
            .filter_map(|l| {
                let pages = self.read.list_pages(&key_in(&l.code))?;
                let path = path_of(&l.code, n.min(pages));
                Some(LanguageView {
                    code: &l.code,
                    name: &l.name,
                    url: urls.url(&path),
                    permalink: urls.permalink(&path),
                    current: l.code == lang,
                })
            })
            .collect()
    }

    fn render_tag(&self, lang: &str, key: &str, n: usize) -> Result<Rendered, Diagnostic> {
        let urls = self.read.urls();
        let config = self.read.config();
        let registry = self.read.tags();
        // The switcher leads to the same tag in the languages that list it.
        let translations = self.listing_translations(
            lang,
            n,
            |l| ListKey::Tag(l.to_owned(), key.to_owned()),
            |l, k| urls.tag(l, key, k),
        );
        let first = urls.tag(lang, key, 1);
        let list = ListKey::Tag(lang.to_owned(), key.to_owned());
        let mut ctx = self.listing(lang, &first, n, &list, translations);
        let code = self.code(lang);
        let (label, label_lang) = registry.label_in(key, code);
        let description = registry.description_in(key, code);
        let feed_url = urls.url(&urls.tag_feed(lang, key));
        ctx.insert(
            "tag",
            &TagPageView {
                key,
                label,
                label_lang,
                description: description.map(|(text, _)| text),
                description_lang: description.map(|(_, code)| code),
                url: urls.url(&first),
                feed_url: feed_url.clone(),
            },
        );
        ctx.insert(
            "feeds",
            &[
                FeedLink {
                    title: config.title_in(lang).to_owned(),
                    url: urls.url(&urls.feed(lang)),
                },
                FeedLink {
                    title: format!("{} — {label}", config.title_in(lang)),
                    url: feed_url,
                },
            ],
        );
        let steps = [
            (self.text(lang, "tags-heading"), urls.tags(lang)),
            (label.to_owned(), paginated(&first, n)),
        ];
        ctx.insert("jsonld", &self.list_jsonld(lang, label, &steps));
        self.page("tag.html", &ctx, &paginated(&first, n))
    }

    fn render_year(&self, lang: &str, year: i32, n: usize) -> Result<Rendered, Diagnostic> {
        let urls = self.read.urls();
        let translations = self.listing_translations(
            lang,
            n,
            |l| ListKey::Year(l.to_owned(), year),
            |l, k| urls.year(l, year, k),
        );
        let first = urls.year(lang, year, 1);
        let list = ListKey::Year(lang.to_owned(), year);
        let mut ctx = self.listing(lang, &first, n, &list, translations);
        ctx.insert("year", &year);
        ctx.insert("years", &self.years(lang, Some(year)));
        let steps = [
            (
                self.text(lang, "releases-heading"),
                urls.releases_list(lang, 1),
            ),
            (year.to_string(), paginated(&first, n)),
        ];
        ctx.insert("jsonld", &self.list_jsonld(lang, &year.to_string(), &steps));
        self.page("year.html", &ctx, &paginated(&first, n))
    }

    fn render_release(&self, index: usize) -> Result<Rendered, Diagnostic> {
        let urls = self.read.urls();
        let entry = self.read.entry(Section::Releases, index);
        let lang = entry.lang();
        let front = &entry.doc.front;
        let (date, date_display) = self.dates(entry, lang);
        let location = self.read.location(index, lang);
        let lead = self.lead_image(entry);
        let permalink = urls.permalink(&entry.path);
        // The social card crop when the photo was processed; otherwise the
        // image as the front matter names it (a remote URL, an SVG).
        let image = match lead.as_ref().and_then(|l| l.card.as_ref()) {
            Some(card) => Some(SocialImage {
                url: card.url.clone(),
                width: Some(card.width),
                height: Some(card.height),
                alt: Some(card.alt.to_owned()).filter(|a| !a.is_empty()),
            }),
            None => social_image(
                front.image.as_deref(),
                front.image_alt.as_deref(),
                &permalink,
                urls.origin(),
            ),
        };
        let mut ctx = self.common(
            lang,
            &entry.path,
            self.entry_translations(Section::Releases, index),
        );
        ctx.insert(
            "release",
            &ReleaseView {
                title: &front.title,
                url: urls.url(&entry.path),
                permalink: urls.permalink(&entry.path),
                date,
                date_display,
                location: location.map(|(text, _)| text),
                location_lang: location.map_or(lang, |(_, code)| code),
                summary: &entry.doc.summary,
                tags: self.tags(entry, lang),
                content: self.body_html(entry),
                image: lead,
                lang,
                draft: front.draft,
            },
        );
        ctx.insert("social_image", &image);
        ctx.insert(
            "jsonld",
            &self.release_jsonld(index, &permalink, image.as_ref()),
        );
        let reading = self.read.reading(index);
        ctx.insert(
            "reading",
            &ReadingView {
                previous: reading.previous.map(|i| self.linked(i, lang)),
                next: reading.next.map(|i| self.linked(i, lang)),
                related: reading
                    .related
                    .iter()
                    .map(|&i| self.linked(i, lang))
                    .collect(),
            },
        );
        self.page("release.html", &ctx, &entry.path)
    }

    /// The `NewsArticle` and breadcrumbs of release `index`.
    fn release_jsonld(&self, index: usize, permalink: &str, image: Option<&SocialImage>) -> String {
        let urls = self.read.urls();
        let registry = self.read.tags();
        let entry = self.read.entry(Section::Releases, index);
        let lang = entry.lang();
        let front = &entry.doc.front;
        let stamp = |d: &crate::document::PubDate| match d.datetime {
            Some(t) => t.to_rfc3339(),
            None => d.date.to_string(),
        };
        // The first version in the site's language order is the original
        // (the default language's, when there is one); the others
        // translate it.
        let versions = self.read.translations(Section::Releases, index);
        let version = |v: &deps::Version<'_>| jsonld::Version {
            url: urls.permalink(v.path),
            lang: v.code.to_owned(),
        };
        let is_original = versions.first().is_none_or(|v| v.index == index);
        let article = jsonld::Article {
            headline: &front.title,
            description: &entry.doc.summary,
            url: permalink,
            lang,
            published: front.date.as_ref().map(stamp).unwrap_or_default(),
            modified: front.updated.as_ref().map(stamp),
            keywords: (entry.doc.tags().iter())
                .map(|key| registry.label_in(key, self.code(lang)).0)
                .collect(),
            location: front.location.as_deref(),
            image,
            original: if is_original {
                None
            } else {
                versions.first().map(version)
            },
            translations: if is_original {
                versions.iter().skip(1).map(version).collect()
            } else {
                Vec::new()
            },
        };
        let steps = [
            (
                self.text(lang, "releases-heading"),
                urls.releases_list(lang, 1),
            ),
            (front.title.clone(), entry.path.clone()),
        ];
        jsonld::script(vec![
            jsonld::news_article(&article, &self.publisher(lang)),
            self.trail(lang, &steps),
        ])
    }

    fn render_page(&self, index: usize) -> Result<Rendered, Diagnostic> {
        let urls = self.read.urls();
        let entry = self.read.entry(Section::Pages, index);
        let lang = entry.lang();
        let mut ctx = self.common(
            lang,
            &entry.path,
            self.entry_translations(Section::Pages, index),
        );
        ctx.insert(
            "page",
            &PageView {
                title: &entry.doc.front.title,
                url: urls.url(&entry.path),
                permalink: urls.permalink(&entry.path),
                summary: &entry.doc.summary,
                content: self.body_html(entry),
                lang,
            },
        );
        self.page("page.html", &ctx, &entry.path)
    }

    fn render_not_found(&self, l: usize) -> Result<Rendered, Diagnostic> {
        let urls = self.read.urls();
        let lang = self.read.config().languages[l].code.as_str();
        // Web servers look for `/404.html`; the default language's page goes
        // there, the others under their prefix.
        let path = if l == 0 {
            "/404.html".to_owned()
        } else {
            urls.not_found(lang)
        };
        let ctx = self.common(
            lang,
            &path,
            self.all_languages(lang, |code| urls.home(code)),
        );
        self.page("404.html", &ctx, &path)
    }

    fn render_search_page(&self, l: usize) -> Result<Rendered, Diagnostic> {
        let urls = self.read.urls();
        let lang = self.read.config().languages[l].code.as_str();
        let path = urls.search(lang);
        let mut ctx = self.common(lang, &path, self.all_languages(lang, |l| urls.search(l)));
        let topics = self.tag_items(lang);
        ctx.insert("topics", &topics);
        ctx.insert("years", &self.years(lang, None));
        ctx.insert("search_index", &urls.url(&path));
        self.page("search.html", &ctx, &path)
    }

    fn render_alias(&self, index: usize) -> Rendered {
        let urls = self.read.urls();
        let alias = self.read.alias(index);
        let url = urls.url(&alias.target);
        let permalink = urls.permalink(&alias.target);
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

/// Every language of the site, each pointing at the same kind of page (`path_of`).
fn all_languages<'a>(
    read: Reader<'a>,
    lang: &str,
    path_of: impl Fn(&str) -> String,
) -> Vec<LanguageView<'a>> {
    let urls = read.urls();
    read.config()
        .languages
        .iter()
        .map(|l| LanguageView {
            code: &l.code,
            name: &l.name,
            url: urls.url(&path_of(&l.code)),
            permalink: urls.permalink(&path_of(&l.code)),
            current: l.code == lang,
        })
        .collect()
}

/// The press office of site.yaml with its texts in `lang`.
fn organization_view<'a>(config: &'a SiteConfig, lang: &str) -> Option<OrganizationView<'a>> {
    let org = config.organization.as_ref()?;
    let chain = config.fallback_chain(lang);
    let text =
        |l: &'a Option<crate::config::Localized>| l.as_ref().and_then(|l| l.in_chain(&chain));
    Some(OrganizationView {
        name: org.name.in_chain(&chain).unwrap_or(config.title_in(lang)),
        logo: org.logo.as_deref().map(|l| l.trim_start_matches('/')),
        url: org.url.as_deref(),
        social: org
            .social
            .iter()
            .map(|url| SocialLinkView {
                url,
                label: url
                    .split_once("://")
                    .map_or(url.as_str(), |(_, rest)| rest)
                    .trim_end_matches('/'),
            })
            .collect(),
        contact: org.media_contact.as_ref().map(|c| {
            let phone = text(&c.phone);
            ContactView {
                name: text(&c.name),
                phone,
                phone_href: phone.map(|p| {
                    p.chars()
                        .filter(|c| c.is_ascii_digit() || *c == '+')
                        .collect()
                }),
                email: text(&c.email),
            }
        }),
        footer: text(&org.footer).filter(|f| !f.trim().is_empty()),
    })
}

/// The picture a release shares: its `image` made absolute (against the
/// origin when root-relative, the page when relative).
fn social_image(
    image: Option<&str>,
    alt: Option<&str>,
    permalink: &str,
    origin: &str,
) -> Option<SocialImage> {
    let image = image?;
    let url = if image.starts_with("http://") || image.starts_with("https://") {
        image.to_owned()
    } else if image.starts_with('/') {
        format!("{origin}{image}")
    } else {
        format!("{permalink}{image}")
    };
    Some(SocialImage {
        url,
        width: None,
        height: None,
        alt: alt.map(str::to_owned),
    })
}

/// The context values shared by every page of `lang`.
fn shared(read: Reader<'_>, lang: &str) -> Shared {
    let urls = read.urls();
    let config = read.config();
    let site_view = SiteView {
        title: config.title_in(lang),
        description: config.description_in(lang),
        base_url: urls.permalink("").trim_end_matches('/').to_owned(),
        origin: urls.origin().to_owned(),
        default_language: &config.default_language().code,
        languages: all_languages(read, lang, |l| urls.home(l)),
        chooser: (!config.default_language_at_root).then(|| urls.permalink("/")),
        organization: organization_view(config, lang),
    };
    let urls_view = UrlsView {
        home: urls.url(&urls.home(lang)),
        releases: urls.url(&urls.releases_list(lang, 1)),
        root: urls.url("/"),
        tags: urls.url(&urls.tags(lang)),
        feed: urls.url(&urls.feed(lang)),
        search: config.search.then(|| urls.url(&urls.search(lang))),
    };
    let feeds = [FeedLink {
        title: config.title_in(lang).to_owned(),
        url: urls.url(&urls.feed(lang)),
    }];
    Shared {
        site: Value::from_serializable(&site_view),
        urls: Value::from_serializable(&urls_view),
        feeds: Value::from_serializable(&feeds),
        // No page of the site has the path of a generated page.
        menu: Value::from_serializable(&menu(read, lang, "")),
    }
}

/// The static pages of `lang`, the one at `site_path` marked current.
fn menu<'a>(read: Reader<'a>, lang: &str, site_path: &str) -> Vec<MenuItem<'a>> {
    let urls = read.urls();
    read.menu(lang)
        .into_iter()
        .map(|(title, path)| MenuItem {
            title,
            url: urls.url(path),
            current: path == site_path,
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

/// The widest fallback file `<img src>` names, for browsers without
/// `srcset`.
const FALLBACK_WIDTH: u32 = 800;

/// `sizes` of a photo in a release's text: the width of the text column
/// (the theme's 46rem, 736 pixels) or the screen less its margins.
pub const BODY_SIZES: &str = "(min-width: 50rem) 46rem, calc(100vw - 2rem)";

/// A `<picture>` for a processed photo, with an AVIF and a WebP source and
/// the fallback `<img>`; `lazy` for photos below the top of the page.
pub fn picture_html(image: &ImageView<'_>, sizes: &str, lazy: bool) -> String {
    let esc = templates::escape;
    let mut html = String::from("<picture>");
    for source in &image.sources {
        html.push_str(&format!(
            "<source type=\"{}\" srcset=\"{}\" sizes=\"{}\">",
            source.mime,
            esc(&source.srcset),
            esc(sizes)
        ));
    }
    html.push_str(&format!(
        "<img src=\"{}\" srcset=\"{}\" sizes=\"{}\" width=\"{}\" height=\"{}\" alt=\"{}\"{} decoding=\"async\">",
        esc(&image.src),
        esc(&image.srcset),
        esc(sizes),
        image.width.unwrap_or(0),
        image.height.unwrap_or(0),
        esc(image.alt),
        if lazy { " loading=\"lazy\"" } else { "" },
    ));
    html.push_str("</picture>");
    html
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
