//! The output manifest, and the build cache that keeps it between runs.
//!
//! The manifest says, for every file of the output folder, what it was made
//! from (the [`Dep`]s its rendering read, each with the hash of the value
//! read), the stamp the file had on disk when it was written (size and
//! modification time) and the hash of its bytes. A build renders only the
//! files one of whose dependencies now hashes differently.
//!
//! `pressroom build` saves the manifest in the site's cache folder,
//! [`CACHE_DIR`] (`.pressroom-cache/` under the site root), one file per
//! output folder, with the stamps of every input file (content, theme,
//! templates, static files, locales, `site.yaml`): when none changed, nothing
//! is loaded at all. The cache is only ever a hint. It starts with the
//! pressroom version, the build of the program ([`build_id`]) and the format
//! version and ends with a checksum: a cache from another version or build,
//! or a damaged or truncated one, is ignored (and the
//! build says so in one line). An output file whose stamp no longer matches,
//! and whose bytes no longer hash as recorded, was changed by hand and is
//! rendered again; a missing one too.
//!
//! Beside the manifests, `documents.bin` keeps what parsing each content file
//! derived (front matter, summary, links), by the hash of the file's text and
//! identity, so that the next process re-parses only the files that changed.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate};

use crate::document::markdown::LinkRef;
use crate::document::reads::BodyReads;
use crate::document::{Derived, Document, FrontMatter, PubDate};
use crate::render::SearchShape;
use crate::render::deps::{Dep, ListKey, Reads};
use crate::search::index::{Index, WordMemo};
use crate::site::ReadingMemo;
use crate::source::Section;
use crate::util::bytes::{Damaged, Decoder, Encode};
use crate::util::hash::{StableHasher, hash_bytes};
use xxhash_rust::xxh3::Xxh3;

/// The cache folder, under the site root.
pub const CACHE_DIR: &str = ".pressroom-cache";

/// Bumped whenever the encoding or the meaning of a hash changes.
const FORMAT: u32 = 15;

/// What the manifest knows about one output file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileRecord {
    /// Which kind of job made it (see [`crate::render::Job`]).
    pub kind: u8,
    /// Its dependencies: a range of the manifest's dependency list (see
    /// [`Manifest::deps_of`]).
    pub deps: DepRange,
    /// Its size and modification time on disk after it was written.
    pub stamp: Option<(u64, u64)>,
    /// The hash of its bytes.
    pub content: u64,
}

/// Where a file's dependencies sit in [`Manifest`]'s list: start and length.
pub type DepRange = (u32, u32);

/// What a file read, each dependency as its index in the key table where
/// the table had it when [`Manifest::resolve`] looked.
pub type Resolved = Vec<(Result<u32, Dep>, u64)>;

/// Every output file with what it was made from.
#[derive(Debug, Clone, Default)]
pub struct Manifest {
    /// Every file's dependencies, one after another, as indices into `keys`
    /// with hashes: one allocation instead of one per file, which kept a
    /// 47k-file build's heap from fragmenting.
    deps: Vec<(u32, u64)>,
    keys: Vec<Dep>,
    // Fx rather than the standard SipHash: these maps hold 100k keys and
    // nothing in them comes from an adversary. Fx takes a key's paths eight
    // bytes at a time (FNV, one at a time, was most of interning a watch
    // rebuild's reads).
    index: rustc_hash::FxHashMap<Dep, u32>,
    /// Per key, when it was worked out in the model of the build that
    /// wrote the manifest: its hash and the documents whose bodies that
    /// read (see [`Manifest::known`]); shorter than `keys` when the last
    /// keys were never worked out (empty until something is).
    known: Vec<Option<(u64, BodyReads)>>,
    /// Per document of that model, by [`Document::id`], sorted: its
    /// [`Document::meta_hash`] and [`Document::hash`]. With the input
    /// stamps, what tells a later process that only bodies changed since,
    /// and which text an unchanged file holds without reading it.
    metas: Vec<(u64, u64, u64)>,
    /// By output path; FxHash reads a path eight bytes at a time, and a
    /// watch rebuild looks every path up a few times.
    files: rustc_hash::FxHashMap<String, FileRecord>,
    /// The input files and their stamps as of the build that wrote it, with
    /// the options that build ran with; empty when not known.
    pub inputs: Inputs,
    /// The shape of each language's search index as of that build, so the
    /// next one need not index a language whose documents did not change.
    pub search: Vec<SearchShape>,
    /// The related releases that build's model worked out, so that the
    /// next build's model need not rank the languages whose releases and
    /// tags did not change. Read with the dependencies.
    pub reading: ReadingMemo,
}

/// The stamps of every input file, and what else decides the output.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Inputs {
    /// A hash of the build options that change the output.
    pub options: u64,
    /// Seconds since 1970 at which an embargo lifts, the earliest after the
    /// build; the inputs are not enough to tell the output after that.
    pub valid_until: Option<i64>,
    /// Whether that build warned: then the next one loads everything again,
    /// so that the warnings are shown again.
    pub warned: bool,
    /// Output files per language (`""` for none), for the next report.
    pub counts: Vec<(String, u64)>,
    /// Path relative to the site root, size and modification time.
    pub files: Vec<(String, u64, u64)>,
}

impl Manifest {
    /// An empty manifest.
    pub fn new() -> Manifest {
        Manifest::default()
    }

    /// The record of output file `path`.
    pub fn get(&self, path: &str) -> Option<&FileRecord> {
        self.files.get(path)
    }

    /// Every dependency some file records, by index.
    pub fn keys(&self) -> &[Dep] {
        &self.keys
    }

    /// The output files it lists.
    pub fn paths(&self) -> impl Iterator<Item = &String> {
        self.files.keys()
    }

    /// How many output files it lists.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// Whether it lists no file.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// Records output file `path`, made by a job of `kind` that read `reads`.
    /// `content` is the hash of its bytes.
    pub fn insert(&mut self, path: String, kind: u8, reads: Reads, content: u64) {
        let deps = self.intern_reads(reads);
        self.insert_interned(path, kind, deps, content);
    }

    /// Adds `reads` to the dependency list, each dependency replaced by its
    /// index in the key table; where they went.
    pub fn intern_reads(&mut self, reads: Reads) -> DepRange {
        self.intern_resolved(self.resolve(reads))
    }

    /// `reads` with each dependency the key table already has replaced by
    /// its index: the part of interning that only reads the table, for the
    /// threads that render files to do in parallel.
    pub fn resolve(&self, reads: Reads) -> Resolved {
        (reads.into_iter())
            .map(|(dep, hash)| (self.index.get(&dep).copied().ok_or(dep), hash))
            .collect()
    }

    /// [`Manifest::intern_reads`] for reads already [`Manifest::resolve`]d
    /// against this table, or against an earlier state of it that
    /// [`Manifest::tidy`] has not renumbered since: keys are only added.
    pub fn intern_resolved(&mut self, reads: Resolved) -> DepRange {
        let start = self.deps.len() as u32;
        for (key, hash) in reads {
            let k = key.unwrap_or_else(|dep| self.intern(dep));
            self.deps.push((k, hash));
        }
        (start, self.deps.len() as u32 - start)
    }

    /// The dependencies (key index, hash) of a file.
    pub fn deps_of(&self, record: &FileRecord) -> &[(u32, u64)] {
        self.deps_at(record.deps)
    }

    /// The dependencies (key index, hash) at `range`, as a record or
    /// [`Manifest::intern_reads`] gives it.
    pub fn deps_at(&self, range: DepRange) -> &[(u32, u64)] {
        let (start, len) = range;
        &self.deps[start as usize..(start + len) as usize]
    }

    /// Records output file `path` with dependencies from [`Manifest::intern_reads`].
    pub fn insert_interned(&mut self, path: String, kind: u8, deps: DepRange, content: u64) {
        self.files.insert(
            path,
            FileRecord {
                kind,
                deps,
                stamp: None,
                content,
            },
        );
    }

    /// Sets the on-disk stamp of `path`.
    pub fn set_stamp(&mut self, path: &str, stamp: Option<(u64, u64)>) {
        if let Some(record) = self.files.get_mut(path) {
            record.stamp = stamp;
        }
    }

    /// Forgets output file `path`.
    pub fn remove(&mut self, path: &str) {
        self.files.remove(path);
    }

    fn intern(&mut self, dep: Dep) -> u32 {
        if let Some(&i) = self.index.get(&dep) {
            return i;
        }
        let i = self.keys.len() as u32;
        self.keys.push(dep.clone());
        self.index.insert(dep, i);
        i
    }

    /// Key `k`'s hash in the last model and the documents whose bodies
    /// working it out read, when this session or the build that wrote the
    /// cache worked it out.
    pub fn known(&self, k: usize) -> Option<&(u64, BodyReads)> {
        self.known.get(k)?.as_ref()
    }

    /// The keys never worked out (first recorded by a file rendered since).
    pub fn unknown_keys(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.keys.len()).filter(|&k| self.known(k).is_none())
    }

    /// Keeps the id, [`Document::meta_hash`] and [`Document::hash`] of
    /// every document of this build's model.
    pub fn set_metas(&mut self, mut metas: Vec<(u64, u64, u64)>) {
        metas.sort_unstable();
        self.metas = metas;
    }

    /// The [`Document::meta_hash`] document `id` had in the model of the
    /// build that wrote the manifest.
    pub fn meta_of(&self, id: u64) -> Option<u64> {
        let at = self.metas.binary_search_by_key(&id, |&(i, ..)| i).ok()?;
        Some(self.metas[at].1)
    }

    /// The [`Document::hash`] document `id` had in the model of the build
    /// that wrote the manifest: the hash of its file's text then.
    pub fn content_of(&self, id: u64) -> Option<u64> {
        let at = self.metas.binary_search_by_key(&id, |&(i, ..)| i).ok()?;
        Some(self.metas[at].2)
    }

    /// Records what working out key `k` in this build's model gave.
    pub fn set_known(&mut self, k: usize, hash: u64, reads: BodyReads) {
        if k >= self.keys.len() {
            return;
        }
        if self.known.len() <= k {
            self.known.resize(k + 1, None);
        }
        self.known[k] = Some((hash, reads));
    }

    /// Compacts the manifest when most of its dependency list is left over
    /// from files rendered again since (watch mode adds to it on every
    /// rebuild).
    /// Whether it did: then keys are numbered anew and records moved.
    pub fn tidy(&mut self) -> bool {
        let live: usize = self.files.values().map(|r| r.deps.1 as usize).sum();
        if self.deps.len() > 2 * live + 4096 {
            let in_use = self.keys_in_use();
            self.compact(&in_use);
            return true;
        }
        false
    }

    /// Per key, whether some file's dependencies use it.
    fn keys_in_use(&self) -> Vec<bool> {
        let mut in_use = vec![false; self.keys.len()];
        for record in self.files.values() {
            for &(k, _) in self.deps_of(record) {
                in_use[k as usize] = true;
            }
        }
        in_use
    }

    /// Drops the dependencies and keys no file uses any more; `in_use` is
    /// [`Manifest::keys_in_use`].
    fn compact(&mut self, in_use: &[bool]) {
        let live: usize = self.files.values().map(|r| r.deps.1 as usize).sum();
        if live == self.deps.len() && in_use.iter().all(|&u| u) {
            return;
        }
        let mut renumber = vec![u32::MAX; self.keys.len()];
        let mut keys = Vec::new();
        let mut known = Vec::new();
        let was = std::mem::take(&mut self.known)
            .into_iter()
            .chain(std::iter::repeat(None));
        for (i, (dep, state)) in std::mem::take(&mut self.keys)
            .into_iter()
            .zip(was)
            .enumerate()
        {
            if in_use[i] {
                renumber[i] = keys.len() as u32;
                keys.push(dep);
                known.push(state);
            }
        }
        // Kept as short as what was worked out.
        known.truncate(known.iter().rposition(Option::is_some).map_or(0, |i| i + 1));
        self.known = known;
        let mut deps = Vec::with_capacity(live);
        let mut paths: Vec<&String> = self.files.keys().collect();
        paths.sort();
        let mut ranges = Vec::with_capacity(paths.len());
        for path in paths {
            let (start, len) = self.files[path].deps;
            let new = deps.len() as u32;
            for &(k, h) in &self.deps[start as usize..(start + len) as usize] {
                deps.push((renumber[k as usize], h));
            }
            ranges.push((path.clone(), (new, len)));
        }
        for (path, range) in ranges {
            if let Some(record) = self.files.get_mut(&path) {
                record.deps = range;
            }
        }
        self.deps = deps;
        self.index = keys
            .iter()
            .enumerate()
            .map(|(i, d)| (d.clone(), i as u32))
            .collect();
        self.keys = keys;
    }

    /// The manifest as bytes: header, body, checksum.
    pub fn encode(&mut self) -> Vec<u8> {
        let mut w = Writer::new(None);
        self.write(&mut w);
        // Nothing is written to a sink here, so nothing can fail.
        w.finish().unwrap_or_default()
    }

    /// Writes header, body and checksum to `w`.
    fn write(&mut self, w: &mut Writer<'_>) {
        // Only live dependencies are written; keys no file uses any more
        // are, until they are a quarter of all (compacting renumbers
        // 100k keys and rebuilds their table, a large share of saving
        // after a small edit).
        let in_use = self.keys_in_use();
        if in_use.iter().filter(|&&u| !u).count() * 4 > in_use.len() {
            self.compact(&in_use);
        }
        w.header();
        w.u64(self.inputs.options);
        match self.inputs.valid_until {
            Some(t) => {
                w.u8(1);
                w.u64(t as u64);
            }
            None => w.u8(0),
        }
        w.u8(u8::from(self.inputs.warned));
        w.u64(self.inputs.counts.len() as u64);
        for (lang, n) in &self.inputs.counts {
            w.str(lang);
            w.u64(*n);
        }
        w.u64(self.inputs.files.len() as u64);
        for (path, size, mtime) in &self.inputs.files {
            w.str(path);
            w.u64(*size);
            w.u64(*mtime);
        }
        // With the stamps: a build reads the documents whose files did not
        // change from the cache, by these hashes, before the rest is decoded.
        w.u64(self.metas.len() as u64);
        for &(id, meta, content) in &self.metas {
            w.u64(id);
            w.u64(meta);
            w.u64(content);
        }
        w.u64(self.search.len() as u64);
        for shape in &self.search {
            w.str(&shape.lang);
            w.u64(shape.hash);
            w.u64(shape.docs as u64);
            w.u64(shape.chunks.len() as u64);
            for (chunk, hash) in shape.chunks.iter().zip(&shape.chunk_hashes) {
                w.str(chunk);
                w.u64(*hash);
            }
        }
        // Before the files' dependencies too: the model needs them, and
        // the dependencies are decoded while it is built.
        let langs: Vec<_> = self.reading.parts().collect();
        w.u64(langs.len() as u64);
        for (lang, key, lists) in langs {
            w.str(lang);
            w.u64(key);
            w.u64(lists.len() as u64);
            for list in lists {
                w.u32s(list);
            }
        }
        // The files with their stamps come before what they depend on, so
        // that a build with nothing changed reads no further (see
        // [`Manifest::decode_stamps`]).
        // Looked up once: three passes go over them in this order.
        let mut files: Vec<(&String, &FileRecord)> = self.files.iter().collect();
        files.sort_unstable_by_key(|&(path, _)| path);
        w.u64(files.len() as u64);
        for &(path, record) in &files {
            w.str(path);
            w.u8(record.kind);
            let (size, mtime) = record.stamp.unwrap_or((u64::MAX, u64::MAX));
            w.u64(size);
            w.u64(mtime);
            w.u64(record.content);
            w.u64(u64::from(record.deps.1));
        }
        w.u64(self.keys.len() as u64);
        for dep in &self.keys {
            w.dep(dep);
        }
        // Each key's hash where a file first records it. After a build
        // every file is up to date, so every file that records a key
        // records that same hash: a dependency is written as its key
        // alone, and only one whose hash differs (a file left stale by a
        // failed build, say) carries its own. Read back, every file's
        // dependencies are exactly what was written; this only saves two
        // thirds of the largest part of the file.
        let mut first: Vec<Option<u64>> = vec![None; self.keys.len()];
        for &(_, record) in &files {
            for &(k, h) in self.deps_of(record) {
                first[k as usize].get_or_insert(h);
            }
        }
        for hash in &first {
            w.u64(hash.unwrap_or_default());
        }
        for &(_, record) in &files {
            for &(k, h) in self.deps_of(record) {
                // Keys are numbered below 2^31: each takes far more than
                // a byte of memory.
                if first[k as usize] == Some(h) {
                    w.u32(k << 1);
                } else {
                    w.u32(k << 1 | 1);
                    w.u64(h);
                }
            }
        }
        // Per key what working it out gave, the lists of documents read
        // written once each (a language's search files share one list).
        let mut at: HashMap<*const u64, u32> = HashMap::new();
        let mut lists: Vec<&[u64]> = Vec::new();
        for k in 0..self.keys.len() {
            match self.known(k) {
                None => w.u8(0),
                Some((hash, reads)) => {
                    w.u8(1);
                    w.u64(*hash);
                    let index = reads.list().map_or(0, |list| {
                        *at.entry(list.as_ptr()).or_insert_with(|| {
                            lists.push(list);
                            lists.len() as u32
                        })
                    });
                    w.u32(index);
                }
            }
        }
        w.u64(lists.len() as u64);
        for list in lists {
            w.u64s(list);
        }
    }

    /// Reads a manifest written by [`Manifest::encode`]; why not, when it is
    /// from another version or damaged.
    pub fn decode(bytes: &[u8]) -> Result<Manifest, String> {
        let mut r = open(bytes)?;
        Manifest::read_body(&mut r).map_err(|Damaged| "the cache is damaged".to_owned())
    }

    /// Reads what a build with nothing changed needs: the inputs and the
    /// output files with their stamps, without what they depend on; and
    /// what the model and the list of files need (the reading lists and
    /// the search index's shape). The manifest it gives has no
    /// dependencies.
    pub fn decode_stamps(bytes: &[u8]) -> Result<Manifest, String> {
        let mut r = open(bytes)?;
        let (manifest, _) =
            Manifest::read_files(&mut r).map_err(|Damaged| "the cache is damaged".to_owned())?;
        Ok(manifest)
    }

    /// Reads up to the end of the file records; their dependency counts in
    /// the order the dependencies follow.
    fn read_files(r: &mut Reader<'_>) -> Result<(Manifest, Vec<(String, u32)>), Damaged> {
        let options = r.u64()?;
        let valid_until = match r.u8()? {
            0 => None,
            _ => Some(r.u64()? as i64),
        };
        let warned = r.u8()? != 0;
        let n = r.count()?;
        let mut counts = Vec::with_capacity(n);
        for _ in 0..n {
            counts.push((r.string()?, r.u64()?));
        }
        let n = r.count()?;
        let mut files = Vec::with_capacity(n);
        for _ in 0..n {
            files.push((r.str()?.to_owned(), r.u64()?, r.u64()?));
        }
        let n = r.count()?;
        let mut metas = Vec::with_capacity(n.min(r.left() / 24));
        for _ in 0..n {
            metas.push((r.u64()?, r.u64()?, r.u64()?));
        }
        let n = r.count()?;
        let mut search = Vec::with_capacity(n);
        for _ in 0..n {
            let (lang, hash, docs) = (r.string()?, r.u64()?, r.u64()?);
            let count = r.count()?;
            let mut chunks = Vec::with_capacity(count);
            let mut chunk_hashes = Vec::with_capacity(count);
            for _ in 0..count {
                chunks.push(r.string()?);
                chunk_hashes.push(r.u64()?);
            }
            let docs = usize::try_from(docs).map_err(|_| Damaged)?;
            search.push(SearchShape {
                lang,
                hash,
                docs,
                chunks,
                chunk_hashes,
            });
        }
        let n = r.count()?;
        let mut langs = Vec::with_capacity(n);
        for _ in 0..n {
            let (lang, key) = (r.string()?, r.u64()?);
            let releases = r.count()?;
            let mut lists = Vec::with_capacity(releases);
            for _ in 0..releases {
                lists.push(r.u32s()?);
            }
            langs.push((lang, key, lists));
        }
        let reading = ReadingMemo::from_parts(langs);
        let mut manifest = Manifest {
            metas,
            search,
            reading,
            inputs: Inputs {
                options,
                valid_until,
                warned,
                counts,
                files,
            },
            ..Manifest::default()
        };
        let n = r.count()?;
        let mut order = Vec::with_capacity(n);
        manifest.files.reserve(n);
        for _ in 0..n {
            let path = r.str()?.to_owned();
            let kind = r.u8()?;
            let (size, mtime) = (r.u64()?, r.u64()?);
            let content = r.u64()?;
            let count = u32::try_from(r.count()?).map_err(|_| Damaged)?;
            let stamp = (size != u64::MAX || mtime != u64::MAX).then_some((size, mtime));
            manifest.files.insert(
                path.clone(),
                FileRecord {
                    kind,
                    deps: (0, 0),
                    stamp,
                    content,
                },
            );
            order.push((path, count));
        }
        Ok((manifest, order))
    }

    fn read_body(r: &mut Reader<'_>) -> Result<Manifest, Damaged> {
        let (mut manifest, order) = Manifest::read_files(r)?;
        let n = r.count()?;
        // Sized once: growing the table would hash every dependency (paths,
        // hashed part by part) again at each doubling.
        let room = n.min(r.left());
        manifest.keys.reserve_exact(room);
        manifest.index.reserve(room);
        for _ in 0..n {
            let dep = r.dep()?;
            manifest.intern(dep);
        }
        if manifest.keys.len() != n {
            return Err(Damaged);
        }
        let mut first = Vec::with_capacity(n.min(r.left() / 8));
        for _ in 0..n {
            first.push(r.u64()?);
        }
        let total: usize = order.iter().map(|(_, c)| *c as usize).sum();
        manifest.deps.reserve_exact(total.min(r.left() / 4));
        for (path, count) in order {
            let start = manifest.deps.len() as u32;
            for _ in 0..count {
                let word = r.u32()?;
                let k = word >> 1;
                let hash = match word & 1 {
                    0 => *first.get(k as usize).ok_or(Damaged)?,
                    _ => r.u64()?,
                };
                if k as usize >= manifest.keys.len() {
                    return Err(Damaged);
                }
                manifest.deps.push((k, hash));
            }
            let record = manifest.files.get_mut(&path).ok_or(Damaged)?;
            record.deps = (start, count);
        }
        let mut states = Vec::with_capacity(manifest.keys.len());
        for _ in 0..manifest.keys.len() {
            states.push(match r.u8()? {
                0 => None,
                1 => Some((r.u64()?, r.u32()?)),
                _ => return Err(Damaged),
            });
        }
        let n = r.count()?;
        let mut lists: Vec<std::sync::Arc<[u64]>> = Vec::with_capacity(n.min(r.left()));
        for _ in 0..n {
            lists.push(r.u64s()?.into());
        }
        manifest.known = states
            .into_iter()
            .map(|state| {
                let Some((hash, list)) = state else {
                    return Ok(None);
                };
                let list = match list {
                    0 => None,
                    i => Some(lists.get(i as usize - 1).ok_or(Damaged)?.clone()),
                };
                Ok(Some((hash, BodyReads::from_list(list))))
            })
            .collect::<Result<_, Damaged>>()?;
        if !r.is_done() {
            return Err(Damaged);
        }
        Ok(manifest)
    }

    /// The bytes of the manifest of output folder `out` in the cache of
    /// `root`, for [`Manifest::decode_stamps`] and [`Manifest::decode`]:
    /// `Ok(None)` when there is none, `Err` with the reason it is not used.
    pub fn read(root: &Path, out: &Path) -> Result<Option<Vec<u8>>, String> {
        match std::fs::read(root.join(CACHE_DIR).join(cache_file(out))) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(format!("the cache cannot be read: {e}")),
        }
    }

    /// Saves the manifest of output folder `out` in the cache of `root`,
    /// replacing the old one in one step.
    pub fn save(&mut self, root: &Path, out: &Path) -> std::io::Result<()> {
        write_file(root, &cache_file(out), |w| self.write(w))
    }
}

/// The parsed documents of a site, by [`crate::document::Document::hash`]
/// (which covers the file's text and identity): shared by every output
/// folder, in `.pressroom-cache/documents.bin`.
pub fn load_documents(root: &Path) -> Result<HashMap<u64, Derived>, String> {
    let bytes = match std::fs::read(root.join(CACHE_DIR).join(DOCUMENTS)) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(HashMap::new()),
        Err(e) => return Err(format!("the cache cannot be read: {e}")),
    };
    let mut r = open(&bytes)?;
    let read = |r: &mut Reader<'_>| -> Result<HashMap<u64, Derived>, Damaged> {
        let n = r.count()?;
        let mut docs = HashMap::with_capacity(n);
        for _ in 0..n {
            let hash = r.u64()?;
            docs.insert(hash, r.derived()?);
        }
        if !r.is_done() {
            return Err(Damaged);
        }
        Ok(docs)
    };
    read(&mut r).map_err(|Damaged| "the cache is damaged".to_owned())
}

/// Saves the parsed documents (see [`load_documents`]): what parsing
/// derived from each, by the key it is looked up with.
pub fn save_documents<'a>(
    root: &Path,
    docs: impl ExactSizeIterator<Item = (u64, &'a Document)>,
) -> std::io::Result<()> {
    write_file(root, DOCUMENTS, |w| {
        w.header();
        w.u64(docs.len() as u64);
        for (key, doc) in docs {
            w.u64(key);
            w.derived(&doc.derived());
        }
    })
}

/// Where [`save_documents`] keeps the parsed documents.
const DOCUMENTS: &str = "documents.bin";

/// The search words of language `lang` that the last build to index it
/// kept (see [`WordMemo::write`]), shared by every output folder:
/// `Ok(None)` when there are none, `Err` with the reason they are not used.
pub fn load_search_words(root: &Path, lang: &str) -> Result<Option<WordMemo>, String> {
    let bytes = match std::fs::read(root.join(CACHE_DIR).join(words_file(lang))) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("the cache cannot be read: {e}")),
    };
    let mut r = open(&bytes)?;
    match WordMemo::read(&mut r) {
        Ok(memo) if r.is_done() => Ok(Some(memo)),
        _ => Err("the cache is damaged".to_owned()),
    }
}

/// Keeps the search words of language `lang` for [`load_search_words`],
/// with the index last made with them (see [`WordMemo::write`]).
pub fn save_search_words(
    root: &Path,
    lang: &str,
    memo: &WordMemo,
    last: Option<(&Index, &[u64])>,
) -> std::io::Result<()> {
    write_file(root, &words_file(lang), |w| {
        w.header();
        memo.write(last, w);
    })
}

/// The name of language `lang`'s search words in the cache folder, after
/// a hash of its code (which the file system need not accept as a name).
fn words_file(lang: &str) -> String {
    format!("search-{:016x}.bin", crate::util::hash::stable_hash(lang))
}

/// Which build of pressroom this is: the size and modification time of
/// the running program. Two builds of one version can render the same input
/// differently (a developer's fix between releases), and the manifest's
/// hashes say nothing of the code that rendered; a new build must therefore
/// not trust the old build's cache. 0 when the program cannot be found.
fn build_id() -> u64 {
    let Some(meta) = std::env::current_exe()
        .ok()
        .and_then(|exe| std::fs::metadata(exe).ok())
    else {
        return 0;
    };
    let modified = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .unwrap_or_default();
    let mut h = StableHasher::new();
    h.add(&meta.len())
        .add(&modified.as_secs())
        .add(&u64::from(modified.subsec_nanos()));
    h.finish()
}

/// Checks a cache file's header and checksum; a reader of its body.
fn open(bytes: &[u8]) -> Result<Reader<'_>, String> {
    let body = bytes.len().checked_sub(8).ok_or("the cache is truncated")?;
    let sum = u64::from_le_bytes(bytes[body..].try_into().map_err(|_| "truncated")?);
    let mut r = Reader(Decoder::new(&bytes[..body]));
    if r.take(16).ok() != Some(b"pressroom-cache\n".as_slice()) {
        return Err("the cache folder holds a file that is not a pressroom cache".into());
    }
    let version = r.str().map_err(|_| "the cache is damaged")?;
    if version != env!("CARGO_PKG_VERSION") {
        return Err(format!(
            "the cache was written by pressroom {version}, this is {}",
            env!("CARGO_PKG_VERSION")
        ));
    }
    if r.u64().ok() != Some(build_id()) {
        return Err(format!(
            "the cache was written by another build of pressroom {}",
            env!("CARGO_PKG_VERSION")
        ));
    }
    if r.u32().ok() != Some(FORMAT) {
        return Err("the cache has another format".into());
    }
    if hash_bytes(&bytes[..body]) != sum {
        return Err("the cache is damaged or truncated (its checksum does not match)".into());
    }
    Ok(r)
}

/// Writes `name` in the cache folder with what `fill` gives a [`Writer`],
/// replacing the old file in one step. The bytes go to the file as they come
/// (the checksum is computed on the way), so that a 40 MB manifest is never
/// held in memory beside the manifest itself.
fn write_file(root: &Path, name: &str, fill: impl FnOnce(&mut Writer<'_>)) -> std::io::Result<()> {
    let dir = root.join(CACHE_DIR);
    std::fs::create_dir_all(&dir)?;
    let mut file = tempfile::NamedTempFile::new_in(&dir)?;
    let mut w = Writer::new(Some(file.as_file_mut()));
    fill(&mut w);
    w.finish()?;
    file.persist(dir.join(name)).map_err(|e| e.error)?;
    Ok(())
}

/// The name of the manifest of output folder `out` in the cache folder: one
/// per output folder, named after the folder's absolute path.
fn cache_file(out: &Path) -> String {
    let absolute = std::path::absolute(out).unwrap_or_else(|_| out.to_path_buf());
    let mut h = StableHasher::new();
    h.add(&absolute);
    format!("manifest-{:016x}.bin", h.finish())
}

/// Bytes kept before they are passed on to the file.
const WRITE_CHUNK: usize = 1 << 20;

/// The encoder of cache files: into memory, or through a buffer into a file.
struct Writer<'a> {
    buf: Vec<u8>,
    /// The checksum of everything passed on so far.
    sum: Xxh3,
    sink: Option<&'a mut dyn std::io::Write>,
    /// The first write error; later writes are skipped.
    failed: Option<std::io::Error>,
}

impl Encode for Writer<'_> {
    fn bytes(&mut self, b: &[u8]) {
        self.buf.extend_from_slice(b);
        if self.buf.len() >= WRITE_CHUNK {
            self.flush();
        }
    }
}

impl<'a> Writer<'a> {
    fn new(sink: Option<&'a mut dyn std::io::Write>) -> Writer<'a> {
        Writer {
            buf: Vec::with_capacity(if sink.is_some() { WRITE_CHUNK } else { 0 }),
            sum: Xxh3::new(),
            sink,
            failed: None,
        }
    }

    /// The start of every cache file: what it is and which version wrote it.
    fn header(&mut self) {
        self.bytes(b"pressroom-cache\n");
        self.str(env!("CARGO_PKG_VERSION"));
        self.u64(build_id());
        self.u32(FORMAT);
    }

    /// Passes the buffer on to the sink, if there is one.
    fn flush(&mut self) {
        let Some(sink) = &mut self.sink else { return };
        self.sum.update(&self.buf);
        if self.failed.is_none()
            && let Err(e) = sink.write_all(&self.buf)
        {
            self.failed = Some(e);
        }
        self.buf.clear();
    }

    /// Ends the file with the checksum of everything before it; the bytes
    /// when there is no sink.
    fn finish(mut self) -> std::io::Result<Vec<u8>> {
        self.flush();
        self.sum.update(&self.buf);
        let sum = self.sum.digest();
        self.buf.extend_from_slice(&sum.to_le_bytes());
        self.flush();
        match self.failed {
            Some(e) => Err(e),
            None => Ok(self.buf),
        }
    }

    fn section(&mut self, s: Section) {
        self.u8(match s {
            Section::Releases => 0,
            Section::Pages => 1,
        });
    }
    fn list(&mut self, key: &ListKey) {
        match key {
            ListKey::Releases(lang) => {
                self.u8(0);
                self.str(lang);
            }
            ListKey::Tag(lang, tag) => {
                self.u8(1);
                self.str(lang);
                self.str(tag);
            }
            ListKey::Year(lang, year) => {
                self.u8(2);
                self.str(lang);
                self.u32(*year as u32);
            }
        }
    }
    fn dep(&mut self, dep: &Dep) {
        match dep {
            Dep::Config => self.u8(0),
            Dep::Tags => self.u8(1),
            Dep::Bundle(s) => {
                self.u8(2);
                self.str(s);
            }
            Dep::Template(s) => {
                self.u8(3);
                self.str(s);
            }
            Dep::Static(s) => {
                self.u8(4);
                self.str(s);
            }
            Dep::Asset(s) => {
                self.u8(5);
                self.str(s);
            }
            Dep::Alias(s) => {
                self.u8(6);
                self.str(s);
            }
            Dep::Entries(section) => {
                self.u8(7);
                self.section(*section);
            }
            Dep::Text(p) => {
                self.u8(8);
                self.str(&p.to_string_lossy());
            }
            Dep::Place(p) => {
                self.u8(9);
                self.str(&p.to_string_lossy());
            }
            Dep::Group(section, key) => {
                self.u8(10);
                self.section(*section);
                self.str(key);
            }
            Dep::Menu(s) => {
                self.u8(11);
                self.str(s);
            }
            Dep::Link(target, lang) => {
                self.u8(12);
                self.str(target);
                self.str(lang);
            }
            Dep::List(key, start, len) => {
                self.u8(13);
                self.list(key);
                self.u64(*start as u64);
                self.u64(*len as u64);
            }
            Dep::ListPages(key) => {
                self.u8(14);
                self.list(key);
            }
            Dep::Feed(key) => {
                self.u8(15);
                self.list(key);
            }
            Dep::Years(s) => {
                self.u8(16);
                self.str(s);
            }
            Dep::TagCounts(s) => {
                self.u8(17);
                self.str(s);
            }
            Dep::TagPages(s) => {
                self.u8(27);
                self.str(s);
            }
            Dep::TagListed(lang, key) => {
                self.u8(18);
                self.str(lang);
                self.str(key);
            }
            Dep::Location(p, lang) => {
                self.u8(19);
                self.str(&p.to_string_lossy());
                self.str(lang);
            }
            Dep::Reading(p) => {
                self.u8(20);
                self.str(&p.to_string_lossy());
            }
            Dep::Heading(p) => {
                self.u8(21);
                self.str(&p.to_string_lossy());
            }
            Dep::Search(lang) => {
                self.u8(22);
                self.str(lang);
            }
            Dep::SearchShard(lang, n) => {
                self.u8(25);
                self.str(lang);
                self.u64(*n as u64);
            }
            Dep::SearchChunk(lang, name) => {
                self.u8(26);
                self.str(lang);
                self.str(name);
            }
            Dep::Photo(s) => {
                self.u8(23);
                self.str(s);
            }
            Dep::PhotoFile(s) => {
                self.u8(24);
                self.str(s);
            }
        }
    }
}

impl Writer<'_> {
    fn opt_str(&mut self, s: &Option<String>) {
        match s {
            Some(s) => {
                self.u8(1);
                self.str(s);
            }
            None => self.u8(0),
        }
    }
    fn strs(&mut self, v: &[String]) {
        self.u64(v.len() as u64);
        for s in v {
            self.str(s);
        }
    }
    fn datetime(&mut self, t: &Option<DateTime<FixedOffset>>) {
        match t {
            Some(t) => {
                self.u8(1);
                self.u64(t.timestamp() as u64);
                self.u32(t.timestamp_subsec_nanos());
                self.u32(t.offset().local_minus_utc() as u32);
            }
            None => self.u8(0),
        }
    }
    fn pub_date(&mut self, date: &Option<PubDate>) {
        match date {
            Some(date) => {
                self.u8(1);
                self.u32(date.date.num_days_from_ce() as u32);
                self.datetime(&date.datetime);
            }
            None => self.u8(0),
        }
    }
    fn derived(&mut self, derived: &Derived) {
        // Named one by one, so that a new field cannot be forgotten here.
        let Derived {
            front,
            summary: shown,
            links,
            files,
            body_line,
            front_hash,
        } = derived;
        let FrontMatter {
            title,
            date,
            summary,
            location,
            tags,
            slug,
            draft,
            embargo,
            aliases,
            image,
            image_alt,
            image_caption,
            image_credit,
            translation_key,
            weight,
            updated,
        } = front;
        self.str(title);
        self.pub_date(date);
        self.opt_str(summary);
        self.opt_str(location);
        self.strs(tags);
        self.opt_str(slug);
        self.u8(u8::from(*draft));
        self.datetime(embargo);
        self.strs(aliases);
        self.opt_str(image);
        self.opt_str(image_alt);
        self.opt_str(image_caption);
        self.opt_str(image_credit);
        self.opt_str(translation_key);
        self.u64(*weight as u64);
        self.pub_date(updated);
        // The summary pages show (the front matter's, or the first paragraph).
        self.str(shown);
        self.link_refs(links);
        self.link_refs(files);
        self.u64(*body_line as u64);
        self.u64(*front_hash);
    }

    fn link_refs(&mut self, refs: &[LinkRef]) {
        self.u64(refs.len() as u64);
        for link in refs {
            self.str(&link.target);
            self.opt_str(&link.fragment);
            self.u64(link.line as u64);
            self.u64(link.column as u64);
        }
    }
}

/// The decoder of cache files: the shared layout's [`Decoder`], with the
/// cache's own values on top.
struct Reader<'a>(Decoder<'a>);

impl<'a> std::ops::Deref for Reader<'a> {
    type Target = Decoder<'a>;
    fn deref(&self) -> &Decoder<'a> {
        &self.0
    }
}

impl std::ops::DerefMut for Reader<'_> {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.0
    }
}

impl Reader<'_> {
    fn opt_str(&mut self) -> Result<Option<String>, Damaged> {
        Ok(match self.u8()? {
            0 => None,
            _ => Some(self.string()?),
        })
    }
    fn strs(&mut self) -> Result<Vec<String>, Damaged> {
        let n = self.count()?;
        (0..n).map(|_| self.string()).collect()
    }
    fn datetime(&mut self) -> Result<Option<DateTime<FixedOffset>>, Damaged> {
        if self.u8()? == 0 {
            return Ok(None);
        }
        let secs = self.u64()? as i64;
        let nanos = self.u32()?;
        let offset = FixedOffset::east_opt(self.u32()? as i32).ok_or(Damaged)?;
        let utc = DateTime::from_timestamp(secs, nanos).ok_or(Damaged)?;
        Ok(Some(utc.with_timezone(&offset)))
    }
    fn pub_date(&mut self) -> Result<Option<PubDate>, Damaged> {
        Ok(match self.u8()? {
            0 => None,
            _ => Some(PubDate {
                date: NaiveDate::from_num_days_from_ce_opt(self.u32()? as i32).ok_or(Damaged)?,
                datetime: self.datetime()?,
            }),
        })
    }
    fn derived(&mut self) -> Result<Derived, Damaged> {
        let title = self.string()?;
        let date = self.pub_date()?;
        let front = FrontMatter {
            title,
            date,
            summary: self.opt_str()?,
            location: self.opt_str()?,
            tags: self.strs()?,
            slug: self.opt_str()?,
            draft: self.u8()? != 0,
            embargo: self.datetime()?,
            aliases: self.strs()?,
            image: self.opt_str()?,
            image_alt: self.opt_str()?,
            image_caption: self.opt_str()?,
            image_credit: self.opt_str()?,
            translation_key: self.opt_str()?,
            weight: self.u64()? as i64,
            updated: self.pub_date()?,
        };
        let summary = self.string()?;
        let links = self.link_refs()?;
        let files = self.link_refs()?;
        let body_line = usize::try_from(self.u64()?).map_err(|_| Damaged)?;
        let front_hash = self.u64()?;
        Ok(Derived {
            front,
            summary,
            links,
            files,
            body_line,
            front_hash,
        })
    }

    fn link_refs(&mut self) -> Result<Vec<LinkRef>, Damaged> {
        let n = self.count()?;
        let mut refs = Vec::with_capacity(n);
        for _ in 0..n {
            refs.push(LinkRef {
                target: self.string()?,
                fragment: self.opt_str()?,
                line: self.u64()? as usize,
                column: self.u64()? as usize,
            });
        }
        Ok(refs)
    }
    fn section(&mut self) -> Result<Section, Damaged> {
        match self.u8()? {
            0 => Ok(Section::Releases),
            1 => Ok(Section::Pages),
            _ => Err(Damaged),
        }
    }
    fn list(&mut self) -> Result<ListKey, Damaged> {
        Ok(match self.u8()? {
            0 => ListKey::Releases(self.string()?),
            1 => ListKey::Tag(self.string()?, self.string()?),
            2 => ListKey::Year(self.string()?, self.u32()? as i32),
            _ => return Err(Damaged),
        })
    }
    fn dep(&mut self) -> Result<Dep, Damaged> {
        Ok(match self.u8()? {
            0 => Dep::Config,
            1 => Dep::Tags,
            2 => Dep::Bundle(self.string()?),
            3 => Dep::Template(self.string()?),
            4 => Dep::Static(self.string()?),
            5 => Dep::Asset(self.string()?),
            6 => Dep::Alias(self.string()?),
            7 => Dep::Entries(self.section()?),
            8 => Dep::Text(PathBuf::from(self.string()?)),
            9 => Dep::Place(PathBuf::from(self.string()?)),
            10 => Dep::Group(self.section()?, self.string()?),
            11 => Dep::Menu(self.string()?),
            12 => Dep::Link(self.string()?, self.string()?),
            13 => Dep::List(self.list()?, self.u64()? as usize, self.u64()? as usize),
            14 => Dep::ListPages(self.list()?),
            15 => Dep::Feed(self.list()?),
            16 => Dep::Years(self.string()?),
            17 => Dep::TagCounts(self.string()?),
            18 => Dep::TagListed(self.string()?, self.string()?),
            19 => Dep::Location(PathBuf::from(self.string()?), self.string()?),
            20 => Dep::Reading(PathBuf::from(self.string()?)),
            21 => Dep::Heading(PathBuf::from(self.string()?)),
            22 => Dep::Search(self.string()?),
            23 => Dep::Photo(self.string()?),
            24 => Dep::PhotoFile(self.string()?),
            25 => Dep::SearchShard(self.string()?, self.u64()? as usize),
            26 => Dep::SearchChunk(self.string()?, self.string()?),
            27 => Dep::TagPages(self.string()?),
            _ => return Err(Damaged),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Manifest {
        let mut m = Manifest::new();
        m.inputs.files.push(("site.yaml".into(), 10, 20));
        m.inputs.valid_until = Some(1_700_000_000);
        m.inputs.warned = true;
        m.inputs.counts = vec![(String::new(), 3), ("en".into(), 2)];
        let reads = vec![
            (Dep::Config, 1),
            (Dep::Text(PathBuf::from("content/releases/a.en.md")), 2),
            (Dep::List(ListKey::Year("en".into(), 2015), 0, 10), 3),
            (Dep::TagListed("ru".into(), "x".into()), 4),
            (Dep::Group(Section::Pages, "about".into()), 5),
            (Dep::SearchShard("kk".into(), 7), 6),
            (Dep::SearchChunk("kk".into(), "қа".into()), 7),
        ];
        m.insert("en/index.html".into(), 1, reads, 8);
        m.set_stamp("en/index.html", Some((6, 7)));
        m.insert("robots.txt".into(), 2, vec![(Dep::Config, 1)], 9);
        // A file that recorded another hash of a key than the others did
        // (left stale), and a key only it records.
        m.insert(
            "z.html".into(),
            3,
            vec![(Dep::Tags, 28), (Dep::Config, 29)],
            30,
        );
        m.search = vec![SearchShape {
            lang: "kk".into(),
            hash: 10,
            docs: 11,
            chunks: vec![String::new(), "қа".into()],
            chunk_hashes: vec![12, 13],
        }];
        m.reading = ReadingMemo::from_parts([("en".into(), 14, vec![vec![1, 2], Vec::new()])]);
        // Two keys share a list of bodies read, one read one body, one none;
        // the rest were never worked out.
        let shared = BodyReads::from_list(Some(vec![15, 16].into()));
        m.set_known(0, 17, BodyReads::default());
        m.set_known(1, 18, BodyReads::from_list(Some(vec![19].into())));
        m.set_known(5, 20, shared.clone());
        m.set_known(6, 21, shared);
        m.set_metas(vec![(23, 24, 26), (22, 25, 27)]);
        m
    }

    #[test]
    fn a_manifest_reads_back_as_written() {
        let mut m = sample();
        let bytes = m.encode();
        let back = Manifest::decode(&bytes).unwrap();
        assert_eq!(back.inputs, m.inputs);
        assert_eq!(back.keys, m.keys);
        assert_eq!(back.files.len(), m.files.len());
        assert_eq!(back.search, m.search);
        assert_eq!(back.reading, m.reading);
        for k in 0..m.keys.len() {
            assert_eq!(back.known(k), m.known(k), "key {k}");
        }
        assert!(m.known(2).is_none() && m.known(5).is_some());
        let (a, b) = (back.known(5).unwrap(), back.known(6).unwrap());
        assert!(std::sync::Arc::ptr_eq(
            a.1.list().unwrap(),
            b.1.list().unwrap()
        ));
        assert_eq!((back.meta_of(22), back.meta_of(23)), (Some(25), Some(24)));
        assert_eq!(back.meta_of(24), None);
        for (path, record) in &m.files {
            assert_eq!(back.deps_of(&back.files[path]), m.deps_of(record));
            assert_eq!(back.files[path].stamp, record.stamp);
        }
        // The stamps alone: everything but the dependencies.
        let stamps = Manifest::decode_stamps(&bytes).unwrap();
        assert_eq!((stamps.inputs, stamps.search), (m.inputs.clone(), m.search));
        assert!(stamps.keys.is_empty());
        for (path, record) in &m.files {
            let got = &stamps.files[path];
            assert_eq!(
                (got.kind, got.stamp, got.content),
                (record.kind, record.stamp, record.content)
            );
        }
    }

    #[test]
    fn parsed_documents_read_back_as_written() {
        let dir = tempfile::tempdir().unwrap();
        let source = crate::source::SourceDoc {
            path: dir.path().join("content/releases/2015/a.en.md"),
            rel: PathBuf::from("content/releases/2015/a.en.md"),
            section: Section::Releases,
            key: "2015/a".into(),
            stem: "a".into(),
            lang: "en".into(),
            bundle: false,
        };
        let text = "---\ntitle: A\ndate: 2015-01-02T10:00:00+06:00\ntags: [x, y]\nembargo: 2030-01-01T00:00:00Z\naliases: [/old/]\nweight: -3\n---\n\nSee [b](@/releases/2015/b.md#top).\n";
        let (doc, _) = crate::document::parse(source.clone(), text).unwrap();
        let derived = doc.derived();
        save_documents(dir.path(), std::iter::once((doc.hash(), &doc))).unwrap();
        let back = load_documents(dir.path()).unwrap();
        assert_eq!(back[&doc.hash()], derived);
        let rebuilt = crate::document::Document::from_derived(source, text, derived).unwrap();
        assert_eq!(rebuilt, doc);
    }

    #[test]
    fn damaged_truncated_and_foreign_caches_are_refused() {
        let bytes = sample().encode();
        for cut in [0, 7, 20, bytes.len() / 2, bytes.len() - 1] {
            assert!(Manifest::decode(&bytes[..cut]).is_err(), "cut at {cut}");
        }
        let mut flipped = bytes.clone();
        let middle = flipped.len() / 2;
        flipped[middle] ^= 1;
        assert!(Manifest::decode(&flipped).unwrap_err().contains("checksum"));
        // The version follows the 16-byte magic and its 8-byte length.
        let version = env!("CARGO_PKG_VERSION").len();
        let mut foreign = bytes.clone();
        foreign[24..24 + version].fill(b'9');
        assert!(
            Manifest::decode(&foreign)
                .unwrap_err()
                .contains("written by")
        );
        // Then the build of the program that wrote it.
        let mut rebuilt = bytes.clone();
        rebuilt[24 + version] ^= 1;
        assert!(
            Manifest::decode(&rebuilt)
                .unwrap_err()
                .contains("another build")
        );
    }

    #[test]
    fn search_words_read_back_whole_and_with_nothing_after_them() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        assert_eq!(load_search_words(root, "kk"), Ok(None));
        let memo = WordMemo::from_bytes(&WordMemo::default().to_bytes()).unwrap();
        save_search_words(root, "kk", &memo, None).unwrap();
        assert_eq!(load_search_words(root, "kk"), Ok(Some(memo)));
        // A checksum that holds over bytes the memo does not account for:
        // what wrote them is not this build's memo writer.
        write_file(root, &words_file("kk"), |w| {
            w.header();
            WordMemo::default().write(None, w);
            w.u8(0);
        })
        .unwrap();
        assert_eq!(
            load_search_words(root, "kk"),
            Err("the cache is damaged".to_owned())
        );
    }
}
