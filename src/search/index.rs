//! The search index of one language: its documents' words, stemmed, as
//! posting lists cut into chunks that the search page downloads on demand.
//!
//! # What a chunk holds
//!
//! Every key of the index is either a stem (with its posting list) or a
//! normalised word form whose stem differs from it (with that stem), or both.
//! Keys are sorted, and the key space is cut by prefix: a chunk is named by a
//! prefix and holds the keys that start with it and with no longer chunk
//! name. The search page takes, for a query word, the chunk whose name is the
//! longest prefix of the word, reads the word's stem there (or finds it by
//! [`super::stem_by_prefix`] among the chunk's stems, or by the Kazakh
//! stemmer), then the stem's chunk (nearly always the same one).
//!
//! The cut follows the data: a prefix whose keys weigh more than
//! [`CHUNK_BUDGET`] bytes is split by its next letter, and each next letter
//! heavy enough gets its own chunk; the light ones stay with the prefix. So a
//! query loads a few tens of kilobytes whatever the archive's size, except
//! for a stem that alone is heavier (a word in nearly every release).
//!
//! # Postings
//!
//! Documents are numbered oldest first (static pages before releases), so a
//! new release usually takes the next number and the chunks of words it does
//! not have keep their bytes. A posting is the document number and a score
//! from 1 to 31 ([`score`]: title over summary and tags over location over
//! body); a list is written as one JSON number per posting, the first
//! `id * 32 + score`, each next `(id - previous id) * 32 + score`, which keeps
//! the common words' lists to two or three digits per document.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::ops::Bound;

use rustc_hash::FxHashMap;
use std::fmt::Write as _;

use rayon::prelude::*;

use crate::util::bytes::{Damaged, Decoder, Encode};
use crate::util::hash::StableHasher;

use super::{normalize, stem};

/// The bytes above which a prefix's keys are split into longer prefixes.
pub const CHUNK_BUDGET: usize = 24_000;

/// The longest chunk name, in characters: past it a prefix is not split.
const MAX_PREFIX: usize = 8;

/// Documents read in parallel at a time.
const BATCH: usize = 256;

/// Field bits of a word in a document.
const IN_TITLE: u8 = 1;
const IN_SUMMARY: u8 = 2;
const IN_TAGS: u8 = 4;
const IN_LOCATION: u8 = 8;

/// The text of one document as the index reads it.
#[derive(Debug, Clone, Copy)]
pub struct DocText<'a> {
    /// Its title.
    pub title: &'a str,
    /// Its summary (plain text).
    pub summary: &'a str,
    /// Its tags' labels in the index's language, joined.
    pub tags: &'a str,
    /// The place it was issued at, if any.
    pub location: Option<&'a str>,
    /// Its body (markdown; its punctuation never forms words).
    pub body: &'a str,
}

/// What a document's words are: per normalised word, the fields it is in and
/// how often it is in the body. Hashed with FxHash: the keys are short
/// words, which FNV hashes a byte at a time and FxHash a word at a time.
type DocWords<'a> = FxHashMap<Cow<'a, str>, (u8, u32)>;

/// The score of a stem in a document: 8 for the title, 4 for the summary or
/// the tags, 2 for the location, and one for each time in the body up to 3.
pub fn score(fields: u8, body: u32) -> u32 {
    let mut score = body.min(3);
    if fields & IN_TITLE != 0 {
        score += 8;
    }
    if fields & (IN_SUMMARY | IN_TAGS) != 0 {
        score += 4;
    }
    if fields & IN_LOCATION != 0 {
        score += 2;
    }
    score.clamp(1, 31)
}

fn words_of<'a>(lang: &str, doc: &DocText<'a>) -> DocWords<'a> {
    // Sized for a release's distinct words, so that the table rarely grows.
    let mut words = DocWords::with_capacity_and_hasher(512, Default::default());
    let mut add = |word: Cow<'a, str>, bit: u8, body: u32| match words.get_mut(word.as_ref()) {
        Some(seen) => {
            seen.0 |= bit;
            seen.1 += body;
        }
        None => {
            words.insert(word, (bit, body));
        }
    };
    let fields = [
        (doc.title, IN_TITLE),
        (doc.summary, IN_SUMMARY),
        (doc.tags, IN_TAGS),
        (doc.location.unwrap_or(""), IN_LOCATION),
    ];
    for (text, bit) in fields {
        normalize::for_each_token(lang, text, |word| add(word, bit, 0));
    }
    normalize::for_each_token(lang, doc.body, |word| add(word, 0, 1));
    words
}

/// One key of the index.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Key {
    /// Packed postings (`id << 5 | score`), ascending, when the key is a stem.
    postings: Vec<u32>,
    /// The stem, when the key is a word form whose stem differs from it.
    stem: Option<String>,
}

/// The index of one language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Index {
    keys: BTreeMap<String, Key>,
    /// Chunk names, sorted.
    chunks: Vec<String>,
    docs: usize,
}

/// What indexing a language found in each document, kept between builds of
/// a watch session: the words of each document text (by the text's hash) as
/// numbers, with the fields they are in and their count in the body, and the
/// stem of every word seen. Re-indexing after an edit then reads the words of
/// the edited documents only; every other document's table is looked up.
#[derive(Debug, Default, PartialEq)]
pub struct WordMemo {
    /// Words by number, and their numbers.
    words: Vec<Box<str>>,
    ids: FxHashMap<Box<str>, u32>,
    /// The stem of each word, by number into `stems`.
    stem_of: Vec<u32>,
    stems: Vec<Box<str>>,
    stem_ids: FxHashMap<Box<str>, u32>,
    /// Per document text hash, its words packed as `word << 32 | fields << 24
    /// | body count` (the count capped: a score reads at most 3 of it).
    docs: FxHashMap<u64, Box<[u64]>>,
    /// The text hash of each document of the last index made with this
    /// memo, in its order.
    order: Vec<u64>,
    /// The source hash of each of those documents ([`Index::build_sourced`]),
    /// when that index was made from sources.
    sources: Vec<u64>,
    /// Per word, how many of those documents have it: a word form stays in
    /// the index while one does.
    word_docs: Vec<u32>,
    /// That index with its chunk hashes, once handed back
    /// ([`WordMemo::keep_index`]): the next index is that one updated when
    /// only a few documents' texts changed in place.
    last: Option<(Index, Vec<u64>)>,
}

impl WordMemo {
    /// The number of `word`, given it and its stem a number if new.
    fn intern(&mut self, lang: &str, word: Cow<'_, str>) -> u32 {
        if let Some(&id) = self.ids.get(word.as_ref()) {
            return id;
        }
        let stem = stem(lang, &word);
        let stem_id = match self.stem_ids.get(stem.as_str()) {
            Some(&id) => id,
            None => {
                let id = self.stems.len() as u32;
                let stem: Box<str> = stem.into();
                self.stems.push(stem.clone());
                self.stem_ids.insert(stem, id);
                id
            }
        };
        let id = self.words.len() as u32;
        let word: Box<str> = word.into_owned().into();
        self.words.push(word.clone());
        self.ids.insert(word, id);
        self.stem_of.push(stem_id);
        id
    }

    /// A document's word table split by what this memo knows: the words it
    /// has a number for, packed (looked up in parallel, as the memo is only
    /// read), and the others, which [`WordMemo::pack`] numbers in order.
    fn look_up<'a>(&self, table: DocWords<'a>) -> Looked<'a> {
        let mut looked = Looked::default();
        for (word, (fields, body)) in table {
            match self.ids.get(word.as_ref()) {
                Some(&id) => looked.known.push(packed(id, fields, body)),
                None => looked.new.push((word, fields, body)),
            }
        }
        looked
    }

    /// A document's packed words, numbering those [`WordMemo::look_up`]
    /// found new (another document may have numbered one since).
    fn pack(&mut self, lang: &str, looked: Looked<'_>) -> Box<[u64]> {
        let mut out = looked.known;
        for (word, fields, body) in looked.new {
            let id = self.intern(lang, word);
            out.push(packed(id, fields, body));
        }
        out.into_boxed_slice()
    }
}

impl WordMemo {
    /// Keeps `index` (the last one [`Index::build_hashed`] made with this
    /// memo) and its chunk hashes for the next build to update.
    pub fn keep_index(&mut self, index: Index, chunk_hashes: Vec<u64>) {
        if index.docs == self.order.len() {
            self.last = Some((index, chunk_hashes));
        }
    }

    /// Reads the words of `docs[i]` for each `i` of `at` whose text hash
    /// (`hash(i)`) it does not have yet: in parallel, as the memo is only
    /// read, then numbering their new words in order.
    fn read_missing(
        &mut self,
        lang: &str,
        docs: &[DocText<'_>],
        at: impl Iterator<Item = usize>,
        hash: impl Fn(usize) -> u64,
    ) {
        let todo: Vec<usize> = at.filter(|&i| !self.docs.contains_key(&hash(i))).collect();
        let known: &WordMemo = self;
        let tables: Vec<Looked<'_>> = todo
            .par_iter()
            .map(|&i| known.look_up(words_of(lang, &docs[i])))
            .collect();
        for (&i, table) in todo.iter().zip(tables) {
            let packed = self.pack(lang, table);
            self.docs.insert(hash(i), packed);
        }
    }

    /// A document's words summed per stem: the fields they are in and their
    /// count in the body.
    fn per_stem(&self, packed: &[u64]) -> FxHashMap<u32, (u8, u32)> {
        let mut by_stem: FxHashMap<u32, (u8, u32)> = FxHashMap::default();
        for &p in packed {
            let stem = self.stem_of[(p >> 32) as usize];
            let seen = by_stem.entry(stem).or_default();
            seen.0 |= (p >> 24) as u8;
            seen.1 += (p & 0xFF_FFFF) as u32;
        }
        by_stem
    }
}

impl WordMemo {
    /// Writes the memo to `out`, for the build cache to keep between
    /// processes (see [`WordMemo::read`]), with `last` as the index
    /// it was last used to make (see [`WordMemo::keep_index`]): a later
    /// build that finds the same documents but for a few texts then updates
    /// that index instead of reading every document's text again.
    pub fn write(&self, last: Option<(&Index, &[u64])>, out: &mut impl Encode) {
        out.count(self.words.len());
        for (word, stem) in self.words.iter().zip(&self.stem_of) {
            out.str(word);
            out.u32(*stem);
        }
        out.count(self.stems.len());
        for stem in &self.stems {
            out.str(stem);
        }
        out.u32s(&self.word_docs);
        out.u64s(&self.order);
        out.u64s(&self.sources);
        let mut hashes: Vec<u64> = self.docs.keys().copied().collect();
        hashes.sort_unstable();
        out.count(hashes.len());
        for hash in hashes {
            out.u64(hash);
            out.u64s(&self.docs[&hash]);
        }
        let last = last
            .or_else(|| self.last.as_ref().map(|(i, h)| (i, h.as_slice())))
            .filter(|(index, _)| index.docs == self.order.len());
        match last {
            None => out.u8(0),
            Some((index, chunk_hashes)) => {
                out.u8(1);
                out.count(index.docs);
                out.count(index.keys.len());
                for (name, key) in &index.keys {
                    out.str(name);
                    match &key.stem {
                        None => out.u8(0),
                        Some(stem) => {
                            out.u8(1);
                            out.str(stem);
                        }
                    }
                    out.u32s(&key.postings);
                }
                out.count(index.chunks.len());
                for chunk in &index.chunks {
                    out.str(chunk);
                }
                out.u64s(chunk_hashes);
            }
        }
    }

    /// The memo as bytes (see [`WordMemo::write`]).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut bytes = Vec::new();
        self.write(None, &mut bytes);
        bytes
    }

    /// The memo `bytes` hold, and nothing after it (see
    /// [`WordMemo::read`]).
    pub fn from_bytes(bytes: &[u8]) -> Option<WordMemo> {
        let mut r = Decoder::new(bytes);
        let memo = WordMemo::read(&mut r).ok()?;
        r.is_done().then_some(memo)
    }

    /// The memo [`WordMemo::write`] wrote, read from `r`; [`Damaged`] when
    /// the bytes do not hold one whose numbers all point where they should.
    pub fn read(r: &mut Decoder<'_>) -> Result<WordMemo, Damaged> {
        let mut memo = WordMemo::default();
        let n = r.count_of(12)?;
        for _ in 0..n {
            let word: Box<str> = r.str()?.into();
            memo.stem_of.push(r.u32()?);
            memo.ids.insert(word.clone(), memo.words.len() as u32);
            memo.words.push(word);
        }
        let n = r.count_of(8)?;
        for _ in 0..n {
            let stem: Box<str> = r.str()?.into();
            memo.stem_ids.insert(stem.clone(), memo.stems.len() as u32);
            memo.stems.push(stem);
        }
        let (words, stems) = (memo.words.len(), memo.stems.len());
        if memo.ids.len() != words
            || memo.stem_ids.len() != stems
            || memo.stem_of.iter().any(|&s| s as usize >= stems)
        {
            return Err(Damaged);
        }
        memo.word_docs = r.u32s()?;
        memo.order = r.u64s()?;
        memo.sources = r.u64s()?;
        let n = r.count_of(16)?;
        memo.docs.reserve(n);
        for _ in 0..n {
            let hash = r.u64()?;
            let packed = r.u64s()?;
            if packed.iter().any(|p| (p >> 32) as usize >= words) {
                return Err(Damaged);
            }
            memo.docs.insert(hash, packed.into_boxed_slice());
        }
        if memo.word_docs.len() > words || memo.order.iter().any(|h| !memo.docs.contains_key(h)) {
            return Err(Damaged);
        }
        if r.u8()? == 1 {
            let docs = usize::try_from(r.u64()?).map_err(|_| Damaged)?;
            let n = r.count_of(17)?;
            let mut keys = BTreeMap::new();
            for _ in 0..n {
                let name = r.str()?.to_owned();
                let stem = match r.u8()? {
                    0 => None,
                    _ => Some(r.str()?.to_owned()),
                };
                let postings = r.u32s()?;
                keys.insert(name, Key { postings, stem });
            }
            let n = r.count_of(8)?;
            let mut chunks = Vec::with_capacity(n);
            for _ in 0..n {
                chunks.push(r.str()?.to_owned());
            }
            let chunk_hashes = r.u64s()?;
            if chunk_hashes.len() != chunks.len() || !chunks.is_sorted() || docs != memo.order.len()
            {
                return Err(Damaged);
            }
            memo.last = Some((Index { keys, chunks, docs }, chunk_hashes));
        }
        Ok(memo)
    }
}

/// Documents whose text may change for an index to be updated rather than
/// made again.
const UPDATE_LIMIT: usize = 16;

/// A document's words as [`WordMemo::look_up`] finds them.
#[derive(Default)]
struct Looked<'a> {
    known: Vec<u64>,
    new: Vec<(Cow<'a, str>, u8, u32)>,
}

/// A word number with the fields it is in and its count in the body.
fn packed(id: u32, fields: u8, body: u32) -> u64 {
    (u64::from(id) << 32) | (u64::from(fields) << 24) | u64::from(body.min(0xFF_FFFF))
}

/// The least string above every string that starts with `prefix`: its
/// last character moved up by one (the characters before it kept). `None`
/// when there is none (an empty prefix, or one of nothing but the last
/// character there is).
fn prefix_end(prefix: &str) -> Option<String> {
    let mut chars: Vec<char> = prefix.chars().collect();
    while let Some(last) = chars.pop() {
        let next = match last as u32 + 1 {
            0xD800 => Some('\u{E000}'),
            n => char::from_u32(n),
        };
        if let Some(next) = next {
            chars.push(next);
            return Some(chars.into_iter().collect());
        }
    }
    None
}

/// The hash a document's text is memoised by: every field the index reads
/// (a missing location reads as an empty one).
fn text_hash(doc: &DocText<'_>) -> u64 {
    let mut h = crate::util::hash::StableHasher::new();
    h.add(doc.title)
        .add(doc.summary)
        .add(doc.tags)
        .add(doc.location.unwrap_or(""))
        .add(doc.body);
    h.finish()
}

impl Index {
    /// Indexes `docs` (numbered in this order) for the language `lang`.
    pub fn build(lang: &str, docs: &[DocText<'_>]) -> Index {
        // Without a memo there is nothing to update and no chunk hash is
        // wanted: neither the texts nor the chunks are hashed.
        Index::build_all(lang, docs, None)
    }

    /// Indexes `docs` as [`Index::build`] does, reading each document's
    /// words from `memo` when an earlier build read the same text, and
    /// leaving in `memo` the words of exactly these documents. The index is
    /// the same byte for byte.
    pub fn build_with(lang: &str, docs: &[DocText<'_>], memo: Option<&mut WordMemo>) -> Index {
        Index::build_hashed(lang, docs, memo).0
    }

    /// [`Index::build_with`] with the hash of each chunk
    /// ([`Index::chunk_hash`], in the order of [`Index::chunks`]). When the
    /// memo holds the last index it made ([`WordMemo::keep_index`]) and the
    /// documents are the same but for the texts of a few, that index is
    /// updated: the postings and word forms of those documents' old and new
    /// words, the chunk cut worked out again, and the hashes of the chunks
    /// whose keys changed. The result is the same byte for byte.
    pub fn build_hashed(
        lang: &str,
        docs: &[DocText<'_>],
        memo: Option<&mut WordMemo>,
    ) -> (Index, Vec<u64>) {
        let sources: Vec<u64> = docs.par_iter().map(text_hash).collect();
        let texts = |at: &[usize]| at.iter().map(|&i| docs[i]).collect();
        Index::build_sourced(lang, &sources, texts, memo)
    }

    /// [`Index::build_hashed`] over documents given by number, each with a
    /// hash of whatever its text is made from (`sources[i]`); `texts(at)`
    /// makes the texts of the documents `at`. Where the memo's last index
    /// had a document of the same source at the same place, its text is not
    /// made again, nor hashed.
    pub fn build_sourced<'a>(
        lang: &str,
        sources: &[u64],
        texts: impl Fn(&[usize]) -> Vec<DocText<'a>>,
        mut memo: Option<&mut WordMemo>,
    ) -> (Index, Vec<u64>) {
        if let Some(memo) = memo.as_deref_mut()
            && let Some(last) = memo.last.take()
            && memo.order.len() == sources.len()
            && memo.sources.len() == sources.len()
        {
            let moved: Vec<usize> = (0..sources.len())
                .filter(|&i| sources[i] != memo.sources[i])
                .collect();
            if moved.len() <= UPDATE_LIMIT {
                let texts = texts(&moved);
                let hashes: Vec<u64> = texts.iter().map(text_hash).collect();
                let changed: Vec<(usize, u64, DocText<'a>)> = (0..moved.len())
                    .filter(|&m| hashes[m] != memo.order[moved[m]])
                    .map(|m| (moved[m], hashes[m], texts[m]))
                    .collect();
                if changed
                    .iter()
                    .all(|(i, ..)| memo.docs.contains_key(&memo.order[*i]))
                {
                    for &i in &moved {
                        memo.sources[i] = sources[i];
                    }
                    return Index::update(lang, memo, last, &changed);
                }
            }
        }
        let all: Vec<usize> = (0..sources.len()).collect();
        let docs = texts(&all);
        let index = Index::build_all(lang, &docs, memo.as_deref_mut());
        if let Some(memo) = memo {
            memo.sources = sources.to_vec();
        }
        let hashes = index
            .chunks
            .par_iter()
            .map(|c| index.chunk_hash(c))
            .collect();
        (index, hashes)
    }

    /// `last` (made with `memo` from the documents `memo.order` names)
    /// updated to the documents whose texts changed (`changed`: each one's
    /// number, new text hash and text), with its chunk hashes.
    fn update(
        lang: &str,
        memo: &mut WordMemo,
        last: (Index, Vec<u64>),
        changed: &[(usize, u64, DocText<'_>)],
    ) -> (Index, Vec<u64>) {
        log::debug!(
            "search: {lang} index updated for {} changed text(s)",
            changed.len()
        );
        let (mut index, mut hashes) = last;
        let docs: Vec<DocText<'_>> = changed.iter().map(|c| c.2).collect();
        memo.read_missing(lang, &docs, 0..docs.len(), |m| changed[m].1);
        memo.word_docs.resize(memo.words.len(), 0);
        let mut touched: Vec<String> = Vec::new();
        for &(n, text, _) in changed {
            let id = n as u32;
            let old = memo.docs[&memo.order[n]].clone();
            let new = memo.docs[&text].clone();
            for stem in memo.per_stem(&old).into_keys() {
                let name = &memo.stems[stem as usize];
                if let Some(key) = index.keys.get_mut(&**name) {
                    if let Ok(at) = key.postings.binary_search_by_key(&id, |p| p >> 5) {
                        key.postings.remove(at);
                    }
                    touched.push(name.to_string());
                }
            }
            for (stem, (fields, body)) in memo.per_stem(&new) {
                let name = &memo.stems[stem as usize];
                let postings = &mut index.keys.entry(name.to_string()).or_default().postings;
                let at = postings.partition_point(|p| (p >> 5) < id);
                postings.insert(at, (id << 5) | score(fields, body));
                touched.push(name.to_string());
            }
            // A word form is a key while some document has the word.
            for &p in old.iter() {
                let word = (p >> 32) as usize;
                memo.word_docs[word] -= 1;
                let stem = &memo.stems[memo.stem_of[word] as usize];
                if memo.word_docs[word] == 0 && memo.words[word] != *stem {
                    if let Some(key) = index.keys.get_mut(&*memo.words[word]) {
                        key.stem = None;
                    }
                    touched.push(memo.words[word].to_string());
                }
            }
            for &p in new.iter() {
                let word = (p >> 32) as usize;
                memo.word_docs[word] += 1;
                let stem = &memo.stems[memo.stem_of[word] as usize];
                if memo.word_docs[word] == 1 && memo.words[word] != *stem {
                    index
                        .keys
                        .entry(memo.words[word].to_string())
                        .or_default()
                        .stem = Some(stem.to_string());
                    touched.push(memo.words[word].to_string());
                }
            }
            memo.order[n] = text;
        }
        touched.sort_unstable();
        touched.dedup();
        for name in &touched {
            if index
                .keys
                .get(name)
                .is_some_and(|k| k.postings.is_empty() && k.stem.is_none())
            {
                index.keys.remove(name);
            }
        }
        // Texts no document has any more are forgotten, as a full build does.
        let kept: rustc_hash::FxHashSet<u64> = memo.order.iter().copied().collect();
        memo.docs.retain(|hash, _| kept.contains(hash));
        let chunks = cut(&index.keys);
        if chunks == index.chunks {
            let mut stale: Vec<usize> = touched
                .iter()
                .map(|name| Index::chunk_of(&chunks, name))
                .filter_map(|c| chunks.binary_search_by(|x| x.as_str().cmp(c)).ok())
                .collect();
            stale.sort_unstable();
            stale.dedup();
            let fresh: Vec<u64> = stale
                .par_iter()
                .map(|&c| index.chunk_hash(&chunks[c]))
                .collect();
            for (c, hash) in stale.into_iter().zip(fresh) {
                hashes[c] = hash;
            }
        } else {
            index.chunks = chunks;
            hashes = index
                .chunks
                .par_iter()
                .map(|c| index.chunk_hash(c))
                .collect();
        }
        (index, hashes)
    }

    /// Indexes every document (see [`Index::build_with`]).
    fn build_all(lang: &str, docs: &[DocText<'_>], memo: Option<&mut WordMemo>) -> Index {
        // Documents are read in parallel; stems are found once per distinct
        // word, in document order, so the result does not depend on threads.
        // Without a memo, in batches whose tables are dropped once merged, so
        // that memory holds the words of a batch, not of every document.
        // Words and stems are numbered as first seen, so that the
        // per-document work touches numbers, not strings; the sorted keys are
        // made once at the end.
        let mut scratch = WordMemo::default();
        let keep = memo.is_some();
        let memo = memo.unwrap_or(&mut scratch);
        // Per stem of the memo, its number in this index (u32::MAX: none
        // yet); per word, whether it was seen.
        let mut local: Vec<u32> = Vec::new();
        let mut seen: Vec<bool> = Vec::new();
        let mut postings: Vec<Vec<u32>> = Vec::new();
        let mut stem_of_local: Vec<u32> = Vec::new();
        let mut forms: Vec<(u32, u32)> = Vec::new();
        let mut by_stem: FxHashMap<u32, (u8, u32)> = FxHashMap::default();
        let mut used: Vec<u64> = Vec::with_capacity(if keep { docs.len() } else { 0 });
        // Per word, the documents that have it (for a later update, so
        // only with a memo to keep).
        let mut counts: Vec<u32> = Vec::new();
        for (b, batch) in docs.chunks(BATCH).enumerate() {
            // Without a memo to keep, a document's number is key enough (the
            // batch's tables are dropped below): hashing every text of a
            // clean build would buy nothing.
            let hashes: Vec<u64> = if keep {
                batch.par_iter().map(text_hash).collect()
            } else {
                (0..batch.len()).map(|i| (b * BATCH + i) as u64).collect()
            };
            memo.read_missing(lang, batch, 0..batch.len(), |i| hashes[i]);
            local.resize(memo.stems.len(), u32::MAX);
            seen.resize(memo.words.len(), false);
            if keep {
                counts.resize(memo.words.len(), 0);
            }
            for (i, hash) in hashes.iter().enumerate() {
                let id = (b * BATCH + i) as u32;
                by_stem.clear();
                for &packed in memo.docs[hash].iter() {
                    let word = (packed >> 32) as u32;
                    let fields = (packed >> 24) as u8;
                    let body = (packed & 0xFF_FFFF) as u32;
                    if keep {
                        counts[word as usize] += 1;
                    }
                    let stem = memo.stem_of[word as usize];
                    let stem_id = match local[stem as usize] {
                        u32::MAX => {
                            let next = postings.len() as u32;
                            local[stem as usize] = next;
                            postings.push(Vec::new());
                            stem_of_local.push(stem);
                            next
                        }
                        id => id,
                    };
                    if !std::mem::replace(&mut seen[word as usize], true)
                        && memo.words[word as usize] != memo.stems[stem as usize]
                    {
                        forms.push((word, stem_id));
                    }
                    let seen = by_stem.entry(stem_id).or_default();
                    seen.0 |= fields;
                    seen.1 += body;
                }
                for (&stem_id, &(fields, body)) in &by_stem {
                    postings[stem_id as usize].push((id << 5) | score(fields, body));
                }
            }
            if keep {
                used.extend(&hashes);
            } else {
                for hash in &hashes {
                    memo.docs.remove(hash);
                }
            }
        }
        if keep {
            let set: rustc_hash::FxHashSet<u64> = used.iter().copied().collect();
            memo.docs.retain(|hash, _| set.contains(hash));
            memo.order = used;
            // Set again by the caller that knows them.
            memo.sources.clear();
            memo.word_docs = counts;
        }
        let memo = &*memo;
        let mut keys: BTreeMap<String, Key> = BTreeMap::new();
        for (word, stem_id) in forms {
            let stem = &memo.stems[stem_of_local[stem_id as usize] as usize];
            keys.entry(memo.words[word as usize].to_string())
                .or_default()
                .stem = Some(stem.to_string());
        }
        for (stem, list) in stem_of_local.iter().zip(postings) {
            keys.entry(memo.stems[*stem as usize].to_string())
                .or_default()
                .postings = list;
        }
        let chunks = cut(&keys);
        Index {
            keys,
            chunks,
            docs: docs.len(),
        }
    }

    /// How many documents it has.
    pub fn docs(&self) -> usize {
        self.docs
    }

    /// The chunk names, sorted.
    pub fn chunks(&self) -> &[String] {
        &self.chunks
    }

    /// The name of the chunk that holds `key`: the longest chunk name that
    /// is a prefix of it.
    pub fn chunk_of<'a>(chunks: &'a [String], key: &str) -> &'a str {
        // `chunks` is sorted: look each prefix of the key up, longest first,
        // instead of testing every chunk (the index has hundreds).
        // Every char boundary but 0, longest first, then the empty prefix.
        let ends = key.char_indices().rev().map(|(at, c)| at + c.len_utf8());
        ends.chain([0])
            .find_map(|end| {
                let prefix = &key[..end];
                let at = chunks.binary_search_by(|c| c.as_str().cmp(prefix)).ok()?;
                Some(chunks[at].as_str())
            })
            .unwrap_or("")
    }

    /// The keys of chunk `name`, in order: what [`Index::chunk_json`]
    /// writes and [`Index::chunk_hash`] hashes.
    fn chunk_keys<'a>(&'a self, name: &'a str) -> impl Iterator<Item = (&'a String, &'a Key)> {
        // The keys starting with `name`, less those of the longer chunks
        // that start with it (each a run of keys of its own): walked run by
        // run, so that a chunk with a short name (the empty one's keys lie
        // all over the key space) does not test every key of the index.
        let mut inner: Vec<&'a str> = Vec::new();
        let after = self.chunks.partition_point(|c| c.as_str() <= name);
        for chunk in self.chunks[after..]
            .iter()
            .take_while(|c| c.starts_with(name))
        {
            if !inner.last().is_some_and(|last| chunk.starts_with(last)) {
                inner.push(chunk);
            }
        }
        let mut runs: Vec<(Bound<String>, Bound<String>)> = Vec::with_capacity(inner.len() + 1);
        let mut from = Some(name.to_owned());
        for chunk in inner {
            let Some(start) = from else { break };
            runs.push((Bound::Included(start), Bound::Excluded(chunk.to_owned())));
            // None: every key from here on starts with `chunk`.
            from = prefix_end(chunk);
        }
        if let Some(start) = from {
            let last = prefix_end(name).map_or(Bound::Unbounded, Bound::Excluded);
            runs.push((Bound::Included(start), last));
        }
        runs.into_iter()
            .filter(|(from, to)| match (from, to) {
                (Bound::Included(a), Bound::Excluded(b)) => a < b,
                _ => true,
            })
            .flat_map(move |run| self.keys.range(run))
    }

    /// A stable hash of everything chunk `name` holds: two indexes whose
    /// chunk hashes agree write the same [`Index::chunk_json`], so a chunk
    /// file can record this hash instead of the whole language's documents.
    pub fn chunk_hash(&self, name: &str) -> u64 {
        let mut h = StableHasher::new();
        // The postings go in as one slice of bytes per key: the hasher is
        // slow on many tiny writes.
        let mut bytes = Vec::new();
        for (key, entry) in self.chunk_keys(name) {
            bytes.clear();
            bytes.extend(entry.postings.iter().flat_map(|p| p.to_le_bytes()));
            h.add(key.as_str())
                .add(&entry.stem)
                .add(&(bytes.len() as u64));
            h.bytes(&bytes);
        }
        h.finish()
    }

    /// Chunk `name` as JSON: `{"s":{stem:[postings]},"f":{form:stem}}`.
    pub fn chunk_json(&self, name: &str) -> String {
        let mut stems = String::new();
        let mut forms = String::new();
        for (key, entry) in self.chunk_keys(name) {
            if !entry.postings.is_empty() {
                if !stems.is_empty() {
                    stems.push(',');
                }
                push_json_string(&mut stems, key);
                stems.push_str(":[");
                let mut previous = 0;
                for (i, &p) in entry.postings.iter().enumerate() {
                    let id = p >> 5;
                    if i > 0 {
                        stems.push(',');
                    }
                    let _ = write!(stems, "{}", ((id - previous) << 5) | (p & 31));
                    previous = id;
                }
                stems.push(']');
            }
            if let Some(stem) = &entry.stem {
                if !forms.is_empty() {
                    forms.push(',');
                }
                push_json_string(&mut forms, key);
                forms.push(':');
                push_json_string(&mut forms, stem);
            }
        }
        format!("{{\"s\":{{{stems}}},\"f\":{{{forms}}}}}\n")
    }

    /// The postings of `stem` as (document, score), for tests and the
    /// benchmark.
    pub fn postings(&self, stem: &str) -> Vec<(usize, u32)> {
        self.keys.get(stem).map_or_else(Vec::new, |k| {
            k.postings
                .iter()
                .map(|p| ((p >> 5) as usize, p & 31))
                .collect()
        })
    }

    /// The stem the index knows for the normalised word `word`.
    pub fn stem_of<'a>(&'a self, word: &'a str) -> Option<&'a str> {
        let key = self.keys.get(word)?;
        match &key.stem {
            Some(stem) => Some(stem),
            None if !key.postings.is_empty() => Some(word),
            None => None,
        }
    }
}

/// A chunk's file name (without `.json`): `_` for the empty prefix, else the
/// prefix's UTF-8 bytes in hex, so that any script gives a plain ASCII name.
pub fn chunk_file(name: &str) -> String {
    if name.is_empty() {
        return "_".to_owned();
    }
    name.bytes().fold(String::new(), |mut out, b| {
        let _ = write!(out, "{b:02x}");
        out
    })
}

/// The bytes a key adds to its chunk, about.
fn key_size(name: &str, key: &Key) -> usize {
    let mut size = 0;
    if !key.postings.is_empty() {
        size += name.len() + 5 + key.postings.len() * 4;
    }
    if let Some(stem) = &key.stem {
        size += name.len() + stem.len() + 6;
    }
    size
}

/// The chunk names of `keys`, sorted (see the module's documentation).
fn cut(keys: &BTreeMap<String, Key>) -> Vec<String> {
    let sizes: Vec<(&str, usize)> = keys
        .iter()
        .map(|(name, key)| (name.as_str(), key_size(name, key)))
        .collect();
    let mut chunks = Vec::new();
    split(&sizes, String::new(), &mut chunks);
    chunks.sort();
    chunks
}

/// Adds `prefix` and, when its keys (sorted, all starting with it) are
/// heavier than the budget, the chunks of its heavy next letters.
fn split(keys: &[(&str, usize)], prefix: String, out: &mut Vec<String>) {
    let total: usize = keys.iter().map(|(_, s)| s).sum();
    let depth = prefix.chars().count();
    out.push(prefix.clone());
    if total <= CHUNK_BUDGET || depth >= MAX_PREFIX {
        return;
    }
    let mut start = 0;
    while start < keys.len() {
        let next = keys[start].0[prefix.len()..].chars().next();
        let Some(next) = next else {
            start += 1;
            continue;
        };
        let mut child = prefix.clone();
        child.push(next);
        let end = start
            + keys[start..]
                .iter()
                .take_while(|(k, _)| k.starts_with(child.as_str()))
                .count();
        let weight: usize = keys[start..end].iter().map(|(_, s)| s).sum();
        // A light letter stays with its prefix: a file per letter would
        // cost a request for a handful of bytes.
        if weight > CHUNK_BUDGET / 8 {
            split(&keys[start..end], child, out);
        }
        start = end;
    }
}

/// Appends `s` as a JSON string.
pub fn push_json_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc<'a>(title: &'a str, body: &'a str) -> DocText<'a> {
        DocText {
            title,
            summary: "",
            tags: "",
            location: None,
            body,
        }
    }

    #[test]
    fn stems_forms_and_scores() {
        let docs = [
            doc("Conference on probation", "The conferences met."),
            doc(
                "Elections",
                "A conference; a conference; a conference; more.",
            ),
        ];
        let index = Index::build("en", &docs);
        assert_eq!(index.stem_of("conferences"), Some("confer"));
        assert_eq!(index.stem_of("confer"), Some("confer"));
        // Title and body (once) beat body alone (three times).
        assert_eq!(index.postings("confer"), vec![(0, 9), (1, 3)]);
        assert_eq!(index.postings("elect"), vec![(1, 8)]);
        assert!(index.postings("nothing").is_empty());
    }

    #[test]
    fn a_memo_gives_the_index_a_fresh_build_gives_and_keeps_only_current_documents() {
        let first = [
            doc("Conference on probation", "The conferences met in Astana."),
            doc("Elections", "Observers watched the elections."),
            doc("Water", "Rivers and conferences."),
        ];
        let mut memo = WordMemo::default();
        let index = Index::build_with("en", &first, Some(&mut memo));
        assert_eq!(index, Index::build("en", &first));
        assert_eq!(memo.docs.len(), 3);
        // One document edited (a word gone, one new), one deleted, one added.
        let second = [
            doc("Conference on probation", "The conferences met in Almaty."),
            doc("Elections", "Observers watched the elections."),
            doc("Schools", "Teachers met."),
        ];
        let index = Index::build_with("en", &second, Some(&mut memo));
        assert_eq!(index, Index::build("en", &second));
        assert!(index.postings("astana").is_empty());
        assert_eq!(index.postings("almati"), vec![(0, 1)]);
        assert_eq!(memo.docs.len(), 3, "the old texts are forgotten");
    }

    #[test]
    fn every_key_is_in_exactly_its_chunk_and_heavy_prefixes_split() {
        let body: String = (0..4000).map(|i| format!("word{i} ")).collect();
        let docs: Vec<DocText<'_>> = (0..3).map(|_| doc("t", &body)).collect();
        let index = Index::build("xx", &docs);
        assert!(index.chunks().len() > 1, "{:?}", index.chunks());
        let mut seen = 0;
        for name in index.chunks() {
            let json = index.chunk_json(name);
            let value: serde_json::Value = serde_json::from_str(&json).unwrap();
            let stems = value["s"].as_object().unwrap();
            assert!(json.len() < CHUNK_BUDGET * 2, "{name}: {}", json.len());
            for stem in stems.keys() {
                assert_eq!(Index::chunk_of(index.chunks(), stem), name);
            }
            seen += stems.len();
        }
        assert_eq!(seen, 4001);
    }

    #[test]
    fn a_key_belongs_to_its_longest_chunk_prefix() {
        // Sorted, as an index keeps them.
        let chunks: Vec<String> = ["", "a", "ab", "abd", "z", "ка", "қ"]
            .map(String::from)
            .to_vec();
        // The definition, tested against every chunk.
        let longest = |key: &str| {
            chunks
                .iter()
                .filter(|c| key.starts_with(c.as_str()))
                .max_by_key(|c| c.len())
                .map_or("", String::as_str)
        };
        for key in [
            "", "a", "ab", "abc", "abd", "abde", "b", "кат", "к", "қаз", "z", "zz", "ä",
        ] {
            assert_eq!(Index::chunk_of(&chunks, key), longest(key), "{key}");
        }
        assert_eq!(Index::chunk_of(&chunks[1..], "b"), "");
    }

    #[test]
    fn chunk_hashes_differ_exactly_where_the_chunks_do() {
        let body: String = (0..3000).map(|i| format!("word{i} ")).collect();
        let first: Vec<DocText<'_>> = (0..3).map(|_| doc("t", &body)).collect();
        let edited = format!("{body} word77 word2999 fresh");
        let mut second = first.clone();
        second[1] = doc("t", &edited);
        let (a, b) = (Index::build("xx", &first), Index::build("xx", &second));
        assert_eq!(a.chunks(), b.chunks());
        let mut differ = 0;
        for name in a.chunks() {
            let same_json = a.chunk_json(name) == b.chunk_json(name);
            assert_eq!(
                same_json,
                a.chunk_hash(name) == b.chunk_hash(name),
                "{name:?}"
            );
            differ += usize::from(!same_json);
        }
        // The new word and the two with more postings, not every chunk.
        assert!(
            (1..=3).contains(&differ),
            "{differ} of {}",
            a.chunks().len()
        );
    }

    /// Words with shared stems and forms, for edits to move postings and
    /// forms between documents.
    const WORDS: [&str; 12] = [
        "conference",
        "conferences",
        "confer",
        "elections",
        "elected",
        "election",
        "rivers",
        "river",
        "schools",
        "schooling",
        "observers",
        "observed",
    ];

    proptest::proptest! {
        /// A chunk's keys, walked run by run, are the keys whose longest
        /// chunk-name prefix is that chunk's name.
        #[test]
        fn a_chunk_holds_the_keys_it_is_the_longest_prefix_of(
            keys in proptest::collection::btree_set("[ab\u{44F}\u{10FFFF}]{0,4}", 0..40),
            names in proptest::collection::btree_set("[ab\u{44F}\u{10FFFF}]{0,3}", 0..8),
        ) {
            let index = Index {
                keys: keys.iter().map(|k| (k.clone(), Key::default())).collect(),
                chunks: names.iter().cloned().collect(),
                docs: 0,
            };
            for name in &index.chunks {
                let walked: Vec<&String> = index.chunk_keys(name).map(|(k, _)| k).collect();
                let meant: Vec<&String> = (index.keys.keys())
                    .filter(|k| k.starts_with(name.as_str()) && Index::chunk_of(&index.chunks, k) == name)
                    .collect();
                proptest::prop_assert_eq!(walked, meant, "chunk {:?}", name);
            }
        }
    }

    #[test]
    fn a_prefix_ends_at_its_last_character_moved_up() {
        assert_eq!(prefix_end("ab").as_deref(), Some("ac"));
        assert_eq!(prefix_end("a\u{D7FF}").as_deref(), Some("a\u{E000}"));
        assert_eq!(prefix_end("a\u{10FFFF}").as_deref(), Some("b"));
        assert_eq!(prefix_end("\u{10FFFF}"), None);
        assert_eq!(prefix_end(""), None);
    }

    proptest::proptest! {
        // Each case indexes a 2,000-word document a dozen times: 32 cases
        // unless PROPTEST_CASES asks for more.
        #![proptest_config(proptest::test_runner::Config {
            cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(32),
            ..proptest::test_runner::Config::default()
        })]

        /// An index updated after edits of a few documents is the one a
        /// fresh build makes, chunk hashes included; so is one made again
        /// after larger edits or a document added.
        #[test]
        fn an_updated_index_is_the_one_a_fresh_build_makes(
            start in proptest::collection::vec(proptest::collection::vec(0..WORDS.len(), 0..8), 2..8),
            steps in proptest::collection::vec(
                proptest::collection::vec((0..8usize, proptest::collection::vec(0..WORDS.len(), 0..8)), 1..4),
                1..6,
            ),
            grow in proptest::bool::ANY,
        ) {
            // One heavy document, so that the key space is cut into chunks
            // and an edit can move a cut.
            let heavy: String = (0..2000).map(|i| format!("word{i} ")).collect();
            proptest::prop_assert!(Index::build("en", &[doc("t", &heavy)]).chunks().len() > 1);
            let text = |words: &Vec<usize>| -> String {
                words.iter().map(|&w| WORDS[w]).collect::<Vec<_>>().join(" ")
            };
            let mut bodies: Vec<String> = start.iter().map(text).collect();
            bodies.push(heavy.clone());
            let mut memo = WordMemo::default();
            let build = |bodies: &[String], memo: &mut WordMemo| {
                let docs: Vec<DocText<'_>> = bodies.iter().map(|b| doc("t", b)).collect();
                let (index, hashes) = Index::build_hashed("en", &docs, Some(memo));
                let fresh = Index::build("en", &docs);
                proptest::prop_assert_eq!(&index, &fresh);
                let expected: Vec<u64> = fresh.chunks().iter().map(|c| fresh.chunk_hash(c)).collect();
                proptest::prop_assert_eq!(&hashes, &expected);
                memo.keep_index(index, hashes);
                // As a later process finds it in the build cache.
                let stored = WordMemo::from_bytes(&memo.to_bytes());
                proptest::prop_assert_eq!(stored.as_ref(), Some(&*memo));
                *memo = stored.unwrap_or_default();
                Ok(())
            };
            build(&bodies, &mut memo)?;
            for (n, edits) in steps.iter().enumerate() {
                for (at, words) in edits {
                    let at = at % bodies.len();
                    bodies[at] = if at == bodies.len() - 1 {
                        // The heavy document loses or gains words.
                        format!("{} {}", &heavy[..heavy.len() / (2 + n % 2)], text(words))
                    } else {
                        text(words)
                    };
                }
                if grow && n == 2 {
                    bodies.insert(0, text(&vec![0, 3]));
                }
                build(&bodies, &mut memo)?;
            }
        }
    }

    #[test]
    fn a_stored_memo_reads_back_whole_or_not_at_all() {
        let docs = [
            doc("Conference on probation", "The conferences met in Astana."),
            doc("Elections", "Observers watched the elections."),
        ];
        let mut memo = WordMemo::default();
        let (index, hashes) = Index::build_hashed("en", &docs, Some(&mut memo));
        memo.keep_index(index, hashes);
        let bytes = memo.to_bytes();
        assert_eq!(WordMemo::from_bytes(&bytes).as_ref(), Some(&memo));
        // Cut anywhere, or with a word number past the words: refused.
        for end in 0..bytes.len() {
            assert_eq!(WordMemo::from_bytes(&bytes[..end]), None, "cut at {end}");
        }
        let mut wrong = WordMemo::from_bytes(&bytes).unwrap();
        let hash = wrong.order[0];
        let mut packed = wrong.docs[&hash].to_vec();
        packed[0] = (1 << 40) | (packed[0] & 0xFFFF_FFFF);
        wrong.docs.insert(hash, packed.into_boxed_slice());
        assert_eq!(WordMemo::from_bytes(&wrong.to_bytes()), None);
    }

    #[test]
    fn postings_are_delta_coded() {
        let docs = [doc("a", ""), doc("b", ""), doc("a", "")];
        let index = Index::build("xx", &docs);
        let json = index.chunk_json("");
        assert!(json.contains("\"a\":[8,72]"), "{json}");
        assert_eq!(chunk_file(""), "_");
        assert_eq!(chunk_file("ка"), "d0bad0b0");
    }
}
