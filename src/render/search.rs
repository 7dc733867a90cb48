//! The search files of each language (issue 16): the search page and, under
//! it, the index the page reads (see [`crate::search::index`]).
//!
//! | file (under `/{lang}/search/`) | what |
//! | --- | --- |
//! | `index.html` | the page (template `search.html`) |
//! | `meta.json` | documents count, chunk names, year ranges of documents |
//! | `t/{chunk}.json` | stems with postings and word forms with stems |
//! | `d/{n}.json` | title, URL, date, place, summary of documents `n*SHARD..` |
//! | `tags.json` | per tag key, the documents that have it |
//!
//! Each file is an ordinary output: it reads the model through the
//! [`Reader`], so the build cache and watch mode re-render it exactly when
//! what it was made from changed. The index of a language is computed once
//! per renderer (the first search file of the language to need it), with
//! the reads that made it: one [`Dep::Search`] for all the language's
//! documents. `meta.json` and `tags.json` replay those reads, as they are
//! made from every document. A chunk file records the one thing it shows,
//! its chunk ([`Dep::SearchChunk`], hashed by
//! [`Index::chunk_hash`]), and a shard file its ten documents
//! ([`Dep::SearchShard`]): an edited release makes its own shard stale and
//! the chunks whose postings or forms changed, not every file of the
//! language.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use rayon::prelude::*;
use serde::Serialize;

use super::deps::{self, Dep, Reader, Reads, SearchDoc, SearchHashes};
use super::{Job, Rendered, Renderer};
use crate::diagnostics::Diagnostic;
use crate::document::reads::{self as body_reads, BodyReads};
use crate::render::i18n::I18n;
use crate::search::index::{DocText, Index, WordMemo, chunk_file};
use crate::source::Section;
use crate::util::hash::stable_hash;

/// Documents per `d/{n}.json` file: a result list of ten loads at most ten
/// small files, usually two or three.
pub(super) const SHARD: usize = 10;

/// The index of one language with the documents it numbers.
pub(super) struct Built<'s> {
    index: Index,
    docs: Vec<SearchDoc<'s>>,
    /// The hashes of the documents it was made from.
    hashes: SearchHashes,
    /// Per chunk, in the order of [`Index::chunks`], its
    /// [`Index::chunk_hash`].
    chunk_hashes: Vec<u64>,
}

/// What the job list needs of a language's index: how many documents it
/// numbers and the names of its chunks. Both follow from the language's
/// [`Dep::Search`] value alone, so a build may take them from an earlier
/// build's manifest while that hash is unchanged (see
/// [`super::Renderer::know_search`]); then the language is not indexed at
/// all unless one of its search files must be rendered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchShape {
    /// The language's code.
    pub lang: String,
    /// The [`Dep::Search`] hash of the documents the index was made from.
    pub hash: u64,
    /// How many documents the index numbers.
    pub docs: usize,
    /// Its chunk names, sorted.
    pub chunks: Vec<String>,
    /// Per chunk, its [`Index::chunk_hash`].
    pub chunk_hashes: Vec<u64>,
}

/// The hash in `hashes` of chunk `name` of the sorted `chunks`, if there
/// is such a chunk.
fn hash_of(chunks: &[String], hashes: &[u64], name: &str) -> Option<u64> {
    let at = chunks.binary_search_by(|c| c.as_str().cmp(name)).ok()?;
    hashes.get(at).copied()
}

/// Per language, the index once made, with the reads that made it and the
/// documents whose bodies it read.
pub(super) type Cache<'s> = Vec<OnceLock<(Built<'s>, Reads, BodyReads)>>;

/// A new, empty cache for `languages` languages.
pub(super) fn cache<'s>(languages: usize) -> Cache<'s> {
    (0..languages).map(|_| OnceLock::new()).collect()
}

/// The index of language `l`, made on first use; its reads are replayed in
/// the caller's capture.
pub(super) fn built<'r, 's>(renderer: &'r Renderer<'s>, l: usize) -> &'r Built<'s> {
    let (built, reads, bodies) = renderer.search[l].get_or_init(|| {
        let lang = renderer.read.config().languages[l].code.clone();
        let memo = renderer.search_words.get(l);
        let started = std::time::Instant::now();
        if let (Some((root, problems)), Some(memo)) = (&renderer.words_from, memo) {
            match crate::cache::load_search_words(root, &lang) {
                Ok(Some(words)) => *memo.lock().unwrap_or_else(|e| e.into_inner()) = words,
                Ok(None) => {}
                Err(why) => problems
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push(format!("cache: search words of `{lang}` not used: {why}; reading every text of the language")),
            }
            log::debug!("search: {lang} words read after {:?}", started.elapsed());
        }
        let ((built, reads), bodies) = body_reads::track(|| {
            let docs = renderer.search_docs(l);
            deps::capture(|| build(renderer.read, &lang, docs, memo))
        });
        log::debug!("search: {lang} indexed in {:?}", started.elapsed());
        if let (Some((root, problems)), Some(memo)) = (&renderer.words_from, memo) {
            // Saved now, and let go: this process indexes the language
            // once, and the memo is most of what the index needs in memory.
            let memo = std::mem::take(&mut *memo.lock().unwrap_or_else(|e| e.into_inner()));
            let last = (&built.index, built.chunk_hashes.as_slice());
            if let Err(e) = crate::cache::save_search_words(root, &lang, &memo, Some(last)) {
                (problems.lock().unwrap_or_else(|e| e.into_inner()))
                    .push(format!("cache: search words of `{lang}` could not be saved ({e})"));
            }
            log::debug!("search: {lang} words saved after {:?}", started.elapsed());
        }
        (built, reads, bodies)
    });
    deps::replay(reads);
    body_reads::replay(bodies);
    built
}

fn build<'s>(
    read: Reader<'s>,
    lang: &str,
    docs: &deps::SearchDocs<'s>,
    memo: Option<&std::sync::Mutex<WordMemo>>,
) -> Built<'s> {
    let (docs, hashes) = read.search_docs(lang, docs).clone();
    let registry = read.tags();
    let site = read.unlogged();
    // What the index reads of each document is covered by the one
    // `Dep::Search` that `search_docs` recorded.
    // A document's text is made of its fields, tag labels and location: a
    // document whose search hash is as the memo's last index had it is
    // not read again (see `Index::build_sourced`).
    let sources: Vec<u64> = hashes
        .each
        .iter()
        .map(|each| stable_hash(&(hashes.labels, each)))
        .collect();
    // Labels and locations are model values, not bodies: worked out on
    // every thread. The bodies are taken on this one, where their reads
    // are tracked (see `document::reads`).
    let made: Vec<OnceLock<(String, Option<&str>)>> =
        (0..docs.len()).map(|_| OnceLock::new()).collect();
    let made_at = |i: usize| {
        made[i].get_or_init(|| {
            let d = &docs[i];
            let labels: Vec<&str> = (d.entry.doc.tags().iter())
                .map(|key| registry.label(key, lang))
                .collect();
            (labels.join(" "), location(site, d, lang))
        })
    };
    let texts = |at: &[usize]| {
        // Texts a build took from the cache unread are read here in
        // parallel; their reads are logged below, on this thread.
        at.par_iter().for_each(|&i| {
            made_at(i);
            docs[i].entry.doc.preload();
        });
        at.iter()
            .map(|&i| {
                let d = &docs[i];
                let (tags, location) = made_at(i);
                DocText {
                    title: &d.entry.doc.front.title,
                    summary: &d.entry.doc.summary,
                    tags,
                    location: *location,
                    body: d.entry.doc.body(),
                }
            })
            .collect()
    };
    // Each language is indexed once per renderer, so its memo is never
    // waited for.
    let mut memo = memo.map(|m| m.lock().unwrap_or_else(|e| e.into_inner()));
    let (index, chunk_hashes) = Index::build_sourced(lang, &sources, texts, memo.as_deref_mut());
    Built {
        index,
        docs,
        hashes,
        chunk_hashes,
    }
}

fn location<'s>(site: &'s crate::site::Site, doc: &SearchDoc<'s>, lang: &str) -> Option<&'s str> {
    match doc.section {
        Section::Releases => site.location_in(doc.entry, lang).map(|(text, _)| text),
        Section::Pages => None,
    }
}

/// The index of language `l` and its chunk hashes, if this renderer made
/// it, taken out of the renderer (for the word memo to keep).
pub(super) fn take_index(renderer: &mut Renderer<'_>, l: usize) -> Option<(Index, Vec<u64>)> {
    let (built, ..) = renderer.search.get_mut(l)?.take()?;
    Some((built.index, built.chunk_hashes))
}

/// The index of language `l` without its reads: for a file that records
/// the part of the index it shows instead.
fn made<'r, 's>(renderer: &'r Renderer<'s>, l: usize) -> &'r Built<'s> {
    deps::capture(|| built(renderer, l)).0
}

/// The current [`Dep::SearchChunk`] hash of chunk `name` of language `l`:
/// from the index's shape an earlier build recorded while the language's
/// documents hash the same, or else from the index, which the job list has
/// made ([`Renderer::jobs`]). [`deps::ABSENT`] for a chunk the index does
/// not have.
pub(super) fn chunk_hash(renderer: &Renderer<'_>, l: usize, name: &str) -> u64 {
    let found = match (&renderer.known_search[l], renderer.search[l].get()) {
        (Some(known), _) => hash_of(&known.chunks, &known.chunk_hashes, name),
        (None, Some((built, ..))) => hash_of(built.index.chunks(), &built.chunk_hashes, name),
        // Search is off, or the language has no search file.
        (None, None) => None,
    };
    found.unwrap_or(deps::ABSENT)
}

/// The document count and chunk names of language `l`'s index: known from
/// an earlier build, or from the index, made now if need be. Which files
/// exist is not something a file reads, so nothing is recorded.
fn shape<'r>(renderer: &'r Renderer<'_>, l: usize) -> (usize, &'r [String]) {
    if let Some(known) = &renderer.known_search[l] {
        return (known.docs, &known.chunks);
    }
    let (built, _) = deps::capture(|| built(renderer, l));
    (built.docs.len(), built.index.chunks())
}

/// The shape of every language's index this renderer knows, made or
/// taken from an earlier build, for the next build to take.
pub(super) fn shapes(renderer: &Renderer<'_>) -> Vec<SearchShape> {
    let languages = &renderer.read.unlogged().config().languages;
    languages
        .iter()
        .enumerate()
        .filter_map(|(l, language)| match renderer.search[l].get() {
            Some((built, ..)) => Some(SearchShape {
                lang: language.code.clone(),
                hash: built.hashes.total,
                docs: built.docs.len(),
                chunks: built.index.chunks().to_vec(),
                chunk_hashes: built.chunk_hashes.clone(),
            }),
            None => renderer.known_search[l].clone(),
        })
        .collect()
}

/// Makes at once the indexes of the languages `wanted` says, that are not
/// made yet: each index's sequential part (numbering the words, stemming
/// each new one, sorting the keys) then overlaps the others' instead of
/// following them. Rendering a search file needs its index made before:
/// made inside a rendering thread, its parallel part could take another
/// file of the same language meanwhile, which would wait for the index
/// being made under it.
pub(super) fn prepare(renderer: &Renderer<'_>, wanted: impl Fn(usize) -> bool + Sync) {
    if !renderer.read.unlogged().config().search {
        return;
    }
    (0..renderer.search.len())
        .into_par_iter()
        .filter(|&l| wanted(l) && renderer.search[l].get().is_none())
        .for_each(|l| {
            // Captured and dropped: the files made from it replay the reads.
            let _ = deps::capture(|| built(renderer, l));
        });
}

/// Whether rendering `job` reads its language's index.
pub(super) fn reads_index(job: Job) -> Option<usize> {
    match job {
        Job::SearchMeta(l)
        | Job::SearchTags(l)
        | Job::SearchChunk(l, _)
        | Job::SearchShard(l, _) => Some(l),
        _ => None,
    }
}

/// The search jobs of language `l`.
pub(super) fn jobs(renderer: &Renderer<'_>, l: usize) -> Vec<Job> {
    if !renderer.read.unlogged().config().search {
        return Vec::new();
    }
    let (docs, chunks) = shape(renderer, l);
    let mut jobs = Vec::new();
    if renderer.templates.has(super::templates::SEARCH_TEMPLATE) {
        jobs.push(Job::SearchPage(l));
    }
    jobs.extend([Job::SearchMeta(l), Job::SearchTags(l)]);
    jobs.extend((0..chunks.len()).map(|c| Job::SearchChunk(l, c)));
    jobs.extend((0..docs.div_ceil(SHARD)).map(|n| Job::SearchShard(l, n)));
    jobs
}

/// The folder of language `l`'s search files, relative to the output.
fn folder(renderer: &Renderer<'_>, l: usize) -> String {
    let site = renderer.read.unlogged();
    let code = &site.config().languages[l].code;
    site.urls().search(code).trim_start_matches('/').to_owned()
}

/// Where a search job's file goes, relative to the output folder.
pub(super) fn path(renderer: &Renderer<'_>, job: Job) -> String {
    match job {
        Job::SearchPage(l) => format!("{}index.html", folder(renderer, l)),
        Job::SearchMeta(l) => format!("{}meta.json", folder(renderer, l)),
        Job::SearchTags(l) => format!("{}tags.json", folder(renderer, l)),
        Job::SearchChunk(l, c) => {
            let name = &shape(renderer, l).1[c];
            format!("{}t/{}.json", folder(renderer, l), chunk_file(name))
        }
        Job::SearchShard(l, n) => format!("{}d/{n}.json", folder(renderer, l)),
        _ => String::new(),
    }
}

#[derive(Serialize)]
struct Meta<'a> {
    docs: usize,
    shard: usize,
    chunks: &'a [String],
    /// (year, first document, last document): documents are numbered oldest
    /// first, so a year's documents are one range.
    years: Vec<(i32, usize, usize)>,
}

/// One document as a result shows it.
#[derive(Serialize)]
struct ShardDoc<'a> {
    /// Title.
    t: &'a str,
    /// URL.
    u: String,
    /// Date, ISO.
    d: String,
    /// Date as the language writes it.
    dd: String,
    /// Place.
    p: Option<&'a str>,
    /// Summary, where the snippet comes from.
    s: &'a str,
    /// The language it is written in.
    l: &'a str,
    /// For a release not translated into the index's language: its versions
    /// as (code, language name, URL).
    a: Vec<(&'a str, &'a str, String)>,
}

/// Renders a search job other than the page.
pub(super) fn render(renderer: &Renderer<'_>, job: Job) -> Result<Rendered, Diagnostic> {
    debug_assert!(
        reads_index(job).is_none_or(|l| renderer.search[l].get().is_some()),
        "the index of {job:?} is made before rendering (Renderer::prepare)"
    );
    let path = path(renderer, job);
    let bytes = match job {
        Job::SearchMeta(l) => meta(renderer, l),
        Job::SearchTags(l) => tags(renderer, l),
        Job::SearchChunk(l, c) => {
            let built = made(renderer, l);
            // The job list may have come from an earlier build's shape; it
            // is the same function of the same documents, so the names agree.
            debug_assert_eq!(shape(renderer, l).1, built.index.chunks());
            let name = &built.index.chunks()[c];
            // The chunk's hash stands for all the file shows: nothing else
            // is recorded, not even the configuration.
            let lang = &renderer.read.unlogged().config().languages[l].code;
            deps::record(
                Dep::SearchChunk(lang.clone(), name.clone()),
                built.chunk_hashes[c],
            );
            built.index.chunk_json(name)
        }
        Job::SearchShard(l, n) => shard(renderer, l, n),
        _ => String::new(),
    };
    Ok(Rendered {
        path,
        bytes: bytes.into_bytes(),
    })
}

fn meta(renderer: &Renderer<'_>, l: usize) -> String {
    let built = built(renderer, l);
    let mut years: Vec<(i32, usize, usize)> = Vec::new();
    for (id, doc) in built.docs.iter().enumerate() {
        let Some(date) = doc.entry.doc.front.date else {
            continue;
        };
        let year = chrono::Datelike::year(&date.date);
        match years.last_mut() {
            Some((y, _, last)) if *y == year => *last = id,
            _ => years.push((year, id, id)),
        }
    }
    let meta = Meta {
        docs: built.docs.len(),
        shard: SHARD,
        chunks: built.index.chunks(),
        years,
    };
    json(&meta)
}

fn tags(renderer: &Renderer<'_>, l: usize) -> String {
    let built = built(renderer, l);
    // Hashed, then sorted once: a tree map compared tag keys some twenty
    // times per tag of every document (a sixth of a watch rebuild).
    let mut by_tag: rustc_hash::FxHashMap<&str, Vec<usize>> = Default::default();
    for (id, doc) in built.docs.iter().enumerate() {
        for key in doc.entry.doc.tags() {
            let ids = by_tag.entry(key).or_default();
            if ids.last() != Some(&id) {
                ids.push(id);
            }
        }
    }
    // Gaps rather than numbers: shorter, as in the chunks.
    let deltas: BTreeMap<&str, Vec<usize>> = by_tag
        .into_iter()
        .map(|(key, ids)| {
            let mut previous = 0;
            let gaps = ids
                .into_iter()
                .map(|id| {
                    let gap = id - previous;
                    previous = id;
                    gap
                })
                .collect();
            (key, gaps)
        })
        .collect();
    json(&deltas)
}

fn shard(renderer: &Renderer<'_>, l: usize, n: usize) -> String {
    let built = made(renderer, l);
    let read = renderer.read;
    let site = read.unlogged();
    let urls = read.urls();
    let config = read.config();
    let lang = config.languages[l].code.as_str();
    let i18n: &I18n = &renderer.i18n;
    deps::record(Dep::Bundle(lang.to_owned()), i18n.fingerprint(lang));
    let docs: Vec<ShardDoc<'_>> = read
        .search_shard(lang, n, &built.docs, &built.hashes)
        .iter()
        .map(|doc| {
            let date = doc.entry.doc.front.date.map(|d| d.date);
            let available = if doc.translated {
                Vec::new()
            } else {
                site.translations(site.release_groups(), doc.entry)
                    .map(|(code, i)| {
                        let name = config.language(code).map_or(code, |c| c.name.as_str());
                        (code, name, urls.url(&site.releases()[i].path))
                    })
                    .collect()
            };
            ShardDoc {
                t: &doc.entry.doc.front.title,
                u: urls.url(&doc.entry.path),
                d: date.map(|d| d.to_string()).unwrap_or_default(),
                dd: date.map(|d| i18n.format_date(lang, d)).unwrap_or_default(),
                p: location(site, doc, lang),
                s: &doc.entry.doc.summary,
                l: doc.entry.lang(),
                a: available,
            }
        })
        .collect();
    json(&docs)
}

fn json(value: &impl Serialize) -> String {
    // Serialising plain strings, numbers and maps cannot fail.
    let mut text = serde_json::to_string(value).unwrap_or_default();
    text.push('\n');
    text
}
