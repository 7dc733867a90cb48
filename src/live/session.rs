//! A build that remembers: the parsed inputs, and what every output file was
//! made from.
//!
//! `build` runs one session once. Watch and serve keep the session and, after
//! each change, tell it which paths changed. The session has three parts:
//!
//! - the input cache ([`InputCache`]): configuration, file list, parsed
//!   documents, tag registry, bundles and templates, each dropped by
//!   [`Session::invalidate`] when a path it came from changes;
//! - the output manifest ([`Manifest`]): every output file with the
//!   dependencies its rendering recorded ([`crate::render::deps`]);
//! - what the session knows about the output folder ([`OutputState`]).
//!
//! Every rebuild runs the whole pipeline over the cached inputs: the model is
//! built again from the cached documents (it is a value, never patched), the
//! list of files is made, and each file whose recorded dependencies all hash
//! as before is skipped; the others are rendered, and written if their bytes
//! changed. So the output after any sequence of changes is the output of a
//! clean build.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use crate::build::{BuildOptions, BuildReport, Counts, Loaded};
use crate::cache::{DepRange, Inputs, Manifest, Resolved};
use crate::config::{CONFIG_FILE, SiteConfig};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::document::reads::{self as body_reads, BodyReads};
use crate::document::{self, Derived, Document};
use crate::live::users::KeyUsers;
use crate::output::{self, Staging, WriteOutcome};
use crate::progress::Progress;
use crate::render::deps::file_stamp;
use crate::render::i18n::I18n;
use crate::render::{Carry, Job, Rendered, Renderer, TemplateSet};
use crate::search::index::WordMemo;
use crate::site::{ModelOptions, ReadingMemo, Site, TagRegistry};
use crate::source::{self, Section, SourceDoc};
use crate::util::hash::StableHasher;

/// A parsed source file, or why it could not be parsed.
type Parsed = Result<(Arc<Document>, Diagnostics), Diagnostics>;

/// When at most this many files are stale, they are rendered into memory
/// and written in place ([`output::update_in_place`]); more go through a
/// staging folder. Only the files that came out changed are held: a tag
/// edit at 10k × 3 renders about 2,100 files (1,840 of them its language's
/// search files) and changes about 240.
const IN_PLACE_LIMIT: usize = 4000;

/// Documents parsed in full before the parsed documents are saved again.
const REPARSED_BEFORE_SAVE: usize = 64;

/// Files rendered in parallel before what they read is interned: what a
/// chunk's files read is held until then (at 1024, 20 % of a clean build's
/// heap at its peak).
const RENDER_CHUNK: usize = 256;

/// What the session has read, each part dropped when its sources change.
#[derive(Default)]
struct InputCache {
    config: Option<SiteConfig>,
    /// Every file under `content/`, kept up to date from change events.
    files: Option<BTreeSet<PathBuf>>,
    /// What the files are; kept while the list stays the same.
    sources: Option<source::SourceSet>,
    /// Parsed documents by path, with the identity they were parsed under.
    /// Keyed by the path's bytes: a rebuild looks up every document, and
    /// `Path` hashes and compares component by component.
    docs: FxHashMap<OsString, (SourceDoc, Parsed)>,
    /// The documents the last model was built from, as `sources` lists
    /// them; with `dropped`, what the next load reuses instead of looking up
    /// every document again.
    assembled: Option<Assembled>,
    /// Paths whose parsed document was dropped since `assembled` was made.
    dropped: Vec<PathBuf>,
    /// The last model's reading lists (previous, next and related releases).
    reading: Option<ReadingMemo>,
    /// The model of the last rebuild that succeeded, while nothing but
    /// documents changed since: the next model may take it over (see
    /// [`Site::build`]).
    model: Option<Site>,
    tags: Option<Result<(TagRegistry, Diagnostics), Diagnostics>>,
    i18n: Option<Result<(Arc<I18n>, Diagnostics), Diagnostics>>,
    templates: Option<Arc<TemplateSet>>,
    /// What earlier processes parsed, by content hash (the build cache);
    /// emptied once the documents are loaded, so that what they derived is
    /// not held twice.
    parsed: Arc<HashMap<u64, Derived>>,
    /// Whether the cache folder holds the parsed documents (read or saved).
    saved: bool,
    /// Files parsed in full since the parsed documents were last saved.
    reparsed: usize,
}

/// The parsed documents in the order of a classification's `docs`, every one
/// of which parsed, with what each reported (its warnings, and a draft's
/// missing date). Valid while that classification is: a rebuild replaces the
/// documents that changed and keeps the rest, so that an edit costs its own
/// documents, not a lookup of each of the archive's 30,000.
#[derive(Default)]
struct Assembled {
    docs: Vec<Arc<Document>>,
    problems: Vec<Diagnostics>,
}

/// What the session knows about the output folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputState {
    /// Nothing yet: every file is rendered and compared with what the folder
    /// holds, and files the build does not make are deleted.
    Unknown,
    /// The manifest was read from the cache folder: a file it calls up to
    /// date is trusted only while its size and modification time (or else
    /// its bytes) are still the ones recorded.
    FromCache,
    /// The folder holds what the manifest lists: this session wrote it.
    Written,
}

/// What the session knows between rebuilds.
pub struct Session {
    opts: BuildOptions,
    inputs: InputCache,
    manifest: Manifest,
    state: OutputState,
    /// Whether the cache folder was looked at (once per session).
    cache_read: bool,
    /// Whether the parsed documents were read from the cache folder.
    documents_read: bool,
    /// The cache file of the manifest, while only its stamps are decoded.
    manifest_bytes: Option<Vec<u8>>,
    /// The rest of the manifest, being decoded on a thread of its own while
    /// the documents are read and the model is built, which need none of
    /// it (see [`Session::settle_manifest`]).
    decoding: Option<std::thread::JoinHandle<Result<Manifest, String>>>,
    /// The input files whose stamps differ from the cache's, when nothing
    /// else differs (no file added or removed, the same options): what a
    /// new process compares with the cache's document hashes to tell
    /// whether only bodies changed.
    edited: Option<Vec<String>>,
    /// Whether the words of indexed documents are kept between rebuilds.
    keep_words: bool,
    /// Per language, the words of its documents as the last index read them
    /// (after a rebuild that succeeded, while `keep_words`).
    search_words: BTreeMap<String, WordMemo>,
    /// What the last rebuild that succeeded worked out of its model, for a
    /// next model that takes that one over (while `keep_words`).
    last_round: Option<LastRound>,
}

/// What one rebuild hands on to the next, valid while the next model is
/// this one's but for the bodies and tags of some documents ([`Site::parts_changed`]).
struct LastRound {
    carry: Carry,
    /// Every job with its output path.
    jobs: Vec<Job>,
    paths: Vec<String>,
    /// Which of those jobs' files recorded each key, unless the manifest
    /// renumbered its keys since.
    users: Option<KeyUsers>,
    /// How many of those jobs' files each language has (`""` for files of
    /// no language), so that a round making the same files counts its
    /// unrendered ones without looking each job's language up.
    per_lang: Vec<(String, usize)>,
}

/// What one rebuild did, beyond [`BuildReport`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rebuild {
    /// Files written and unchanged, per language; files not rendered count
    /// as unchanged.
    pub report: BuildReport,
    /// Output paths of the files rendered, sorted (the others' recorded
    /// dependencies had not changed, so they were not rendered at all).
    pub rendered: Vec<String>,
    /// Output files the build no longer produces, deleted.
    pub removed: usize,
    /// The languages whose search index this build made, in site order: the
    /// others' were known from the build before and none of their search
    /// files was stale.
    pub indexed: Vec<String>,
}

/// What a changed path is to the session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ChangeKind {
    /// `site.yaml`.
    Config,
    /// A file or folder under `content/`.
    Content,
    /// A template or static file of the theme or the site.
    Theme,
    /// An `.ftl` file of the theme or the site.
    Locale,
    /// Something the site does not read (the output folder, `.git`, editor
    /// files).
    Unrelated,
}

impl Session {
    /// Keeps the words of every indexed document between rebuilds (by the
    /// hash of its text), so that re-indexing a language after an edit reads
    /// only the documents whose text changed. For sessions that rebuild again
    /// and again (watch and serve); it costs memory, about 1.6 kB a document.
    pub fn keep_search_words(&mut self) {
        self.keep_words = true;
    }

    /// A session that has built nothing yet.
    pub fn new(opts: BuildOptions) -> Session {
        Session {
            opts,
            inputs: InputCache::default(),
            manifest: Manifest::new(),
            state: OutputState::Unknown,
            cache_read: false,
            documents_read: false,
            manifest_bytes: None,
            decoding: None,
            edited: None,
            keep_words: false,
            search_words: BTreeMap::new(),
            last_round: None,
        }
    }

    /// The options the session builds with.
    pub fn options(&self) -> &BuildOptions {
        &self.opts
    }

    /// The configuration of the last build that got that far.
    pub fn config(&self) -> Option<&SiteConfig> {
        self.inputs.config.as_ref()
    }

    /// The folders whose changes matter: `content/`, the theme, and the site's
    /// `templates/`, `static/` and `locales/` (whether or not they exist).
    pub fn watched_dirs(&self) -> Vec<PathBuf> {
        let root = &self.opts.root;
        let mut dirs = vec![
            root.join("content"),
            root.join("templates"),
            root.join("static"),
            root.join("locales"),
        ];
        match &self.inputs.config {
            Some(config) => {
                dirs[0] = config.content_dir();
                dirs.push(config.theme_dir());
            }
            None => dirs.push(root.join("themes")),
        }
        dirs
    }

    /// What `path` (absolute) is to this site.
    pub fn classify(&self, path: &Path) -> ChangeKind {
        let root = &self.opts.root;
        if path == root.join(CONFIG_FILE) {
            return ChangeKind::Config;
        }
        if let Some(out) = &self.opts.output
            && path.starts_with(out)
        {
            return ChangeKind::Unrelated;
        }
        let under = |dir: &Path| -> Option<bool> {
            let rest = path.strip_prefix(dir).ok()?;
            // Editor and OS files (swap files, backups, `.git`) never count.
            Some(
                rest.components()
                    .all(|c| !source::is_ignored_name(&c.as_os_str().to_string_lossy())),
            )
        };
        let content = self
            .inputs
            .config
            .as_ref()
            .map_or_else(|| root.join("content"), SiteConfig::content_dir);
        let theme = self
            .inputs
            .config
            .as_ref()
            .map_or_else(|| root.join("themes"), SiteConfig::theme_dir);
        let is_ftl = path.extension().is_some_and(|e| e == "ftl");
        let checks = [
            (content, ChangeKind::Content),
            (root.join("locales"), ChangeKind::Locale),
            (theme.join("locales"), ChangeKind::Locale),
            (theme, ChangeKind::Theme),
            (root.join("templates"), ChangeKind::Theme),
            (root.join("static"), ChangeKind::Theme),
        ];
        for (dir, kind) in checks {
            match under(&dir) {
                Some(true) if kind == ChangeKind::Locale && !is_ftl && path.is_file() => {
                    return ChangeKind::Unrelated;
                }
                Some(true) => return kind,
                Some(false) => return ChangeKind::Unrelated,
                None => {}
            }
        }
        ChangeKind::Unrelated
    }

    /// Forgets what `paths` (absolute) may have changed. The next
    /// [`Session::rebuild`] reads them again. Returns the paths that matter
    /// to the site, with their kind; a temporary file that came and went
    /// within one batch does not.
    pub fn invalidate(&mut self, paths: &[PathBuf]) -> Vec<(PathBuf, ChangeKind)> {
        let mut relevant = Vec::new();
        for path in paths {
            let kind = self.classify(path);
            // The model reads photos and static files from disk: it may be
            // taken over only after edits of documents it was built from.
            if kind != ChangeKind::Unrelated && !self.is_document(path) {
                self.inputs.model = None;
            }
            let matters = match kind {
                ChangeKind::Config => {
                    self.forget_all();
                    true
                }
                ChangeKind::Content => self.content_changed(path),
                ChangeKind::Theme => {
                    self.inputs.templates = None;
                    true
                }
                ChangeKind::Locale => {
                    self.inputs.i18n = None;
                    self.inputs.templates = None;
                    true
                }
                ChangeKind::Unrelated => false,
            };
            if matters {
                relevant.push((path.clone(), kind));
            }
        }
        relevant
    }

    /// Whether `path` is one of the documents of the current classification.
    fn is_document(&self, path: &Path) -> bool {
        self.inputs
            .sources
            .as_ref()
            .is_some_and(|sources| sources.position(path).is_some())
    }

    /// Forgets everything read; used when `site.yaml` changes or events were
    /// lost. The manifest stays: it still describes the output folder.
    pub fn forget_all(&mut self) {
        // What the documents derived is kept by content hash, so that they
        // need not be parsed again (only what the new limits reject is).
        let parsed = match &self.inputs.config {
            Some(config) => {
                let limits = &config.limits;
                let mut parsed = HashMap::with_capacity(self.inputs.docs.len());
                for (_, doc) in self.inputs.docs.values() {
                    if let Ok((doc, warnings)) = doc
                        && warnings.is_empty()
                    {
                        parsed.insert(derived_key(doc.hash(), limits), doc.derived());
                    }
                }
                Arc::new(parsed)
            }
            None => std::mem::take(&mut self.inputs.parsed),
        };
        self.inputs = InputCache {
            parsed,
            saved: self.inputs.saved,
            ..InputCache::default()
        };
    }

    /// Updates the file list for a changed path; whether the path is or was
    /// part of the content.
    fn content_changed(&mut self, path: &Path) -> bool {
        let Some(config) = &self.inputs.config else {
            return true;
        };
        let tags_file = config.content_dir().join("tags.yaml");
        if tags_file.starts_with(path) {
            self.inputs.tags = None;
        }
        self.inputs.docs.remove(path.as_os_str());
        self.inputs.dropped.push(path.to_path_buf());
        let exists = path.exists();
        if path.is_symlink() {
            // A full walk checks where links lead (see `util::fs::Confinement`).
            self.inputs.files = None;
        }
        let Some(files) = &mut self.inputs.files else {
            self.inputs
                .docs
                .retain(|p, _| !Path::new(p).starts_with(path));
            self.inputs.assembled = None;
            return true;
        };
        // A folder's files sort right after it, so they are found without
        // looking at the rest of a large archive.
        let gone: Vec<PathBuf> = files
            .range(path.to_path_buf()..)
            .take_while(|p| p.starts_with(path))
            .cloned()
            .collect();
        for p in &gone {
            files.remove(p);
            self.inputs.docs.remove(p.as_os_str());
            self.inputs.dropped.push(p.clone());
        }
        let removed = !gone.is_empty();
        let mut known = removed || tags_file.starts_with(path);
        let mut links = false;
        if path.is_file() {
            // The same list as before: its classification stays valid.
            if gone != [path] {
                self.inputs.sources = None;
            }
            files.insert(path.to_path_buf());
        } else if path.is_dir() {
            self.inputs.sources = None;
            for entry in walkdir::WalkDir::new(path)
                .follow_links(true)
                .into_iter()
                .filter_entry(|e| {
                    e.depth() == 0 || !source::is_ignored_name(&e.file_name().to_string_lossy())
                })
                .flatten()
            {
                if entry.path_is_symlink() {
                    // As above: the full walk judges links.
                    links = true;
                }
                if entry.file_type().is_file() {
                    files.insert(entry.into_path());
                    known = true;
                }
            }
        }
        if links {
            self.inputs.files = None;
        }
        if removed && !exists {
            self.inputs.sources = None;
        }
        // A temporary file that came and went (an editor's, `sed -i`'s)
        // changes nothing.
        known || exists
    }

    /// What the session knows about the output folder now.
    pub fn output_state(&self) -> OutputState {
        self.state
    }

    /// Builds the site from what changed since the last call: re-reads what
    /// was invalidated, renders the files whose recorded dependencies changed
    /// and updates the output folder (all or nothing). On failure the output
    /// stays as the last good build left it, and the next rebuild tries again.
    pub fn rebuild(&mut self) -> Result<Rebuild, Diagnostics> {
        let started = Instant::now();
        self.opts.progress.report(Progress::Reading);
        let mut notes = Vec::new();
        self.read_cache(&mut notes);
        // Someone deleted the output folder (or its marker) since the last
        // build: what it holds is no longer known.
        if let Some(out) = &self.opts.output
            && !out.join(output::MARKER).is_file()
            && self.state != OutputState::Unknown
        {
            if self.state == OutputState::FromCache && out.exists() {
                notes.push("cache: the output folder is not the one the cache describes; building everything".to_owned());
            }
            self.state = OutputState::Unknown;
        }
        log::debug!("cache read after {:?}", started.elapsed());
        let inputs = self.opts.cache.then(|| self.input_stamps());
        log::debug!("inputs stamped after {:?}", started.elapsed());
        if let Some(inputs) = &inputs
            && let Some(done) = self.unchanged(inputs, started)
        {
            return Ok(done);
        }
        // Something changed: the check of the output's record runs beside
        // the reading and the model (watch mode's small rebuilds update the
        // output in place and do not need it).
        let ahead = match &self.opts.output {
            Some(out) if self.state != OutputState::Written => {
                let out = out.clone();
                Some(std::thread::spawn(move || Staging::check_ahead(&out)))
            }
            _ => None,
        };
        self.edited = inputs
            .as_ref()
            .and_then(|inputs| self.stamps_changed(inputs));
        self.read_dependencies_and_documents(&mut notes);
        log::debug!(
            "dependencies and parsed documents read after {:?}",
            started.elapsed()
        );
        let result = self.rebuild_from_inputs(started, &mut notes, ahead);
        match result {
            Ok(mut rebuild) => {
                if let (Some(mut inputs), Some(out)) = (inputs, self.opts.output.clone()) {
                    inputs.valid_until = self.valid_until();
                    inputs.warned = !rebuild.report.warnings.is_empty();
                    inputs.counts = rebuild
                        .report
                        .counts
                        .iter()
                        .map(|(lang, c)| (lang.clone(), c.files() as u64))
                        .collect();
                    self.manifest.inputs = inputs;
                    if let Some(assembled) = &self.inputs.assembled {
                        let metas = assembled
                            .docs
                            .par_iter()
                            .map(|d| (d.id(), d.meta_hash(), d.hash()))
                            .collect();
                        self.manifest.set_metas(metas);
                    }
                    log::debug!("saving the cache after {:?}", started.elapsed());
                    if let Err(e) = self.manifest.save(&self.opts.root, &out) {
                        notes.push(format!(
                            "cache: could not be saved ({e}); the next build renders everything"
                        ));
                    }
                    if let Err(e) = self.save_documents() {
                        notes.push(format!("cache: parsed documents could not be saved ({e})"));
                    }
                    log::debug!("cache saved after {:?}", started.elapsed());
                }
                rebuild.report.notes = notes;
                Ok(rebuild)
            }
            Err(e) => Err(e),
        }
    }

    /// Saves what parsing derived from every document that parsed cleanly,
    /// once enough was parsed in full since the last save: rewriting the
    /// whole file (23 MB at 10k × 3) for one edited document costs more than
    /// parsing that document again in the next build.
    fn save_documents(&mut self) -> std::io::Result<()> {
        let Some(limits) = self.inputs.config.as_ref().map(|c| c.limits) else {
            return Ok(());
        };
        let limits = &limits;
        if self.inputs.reparsed == 0
            || (self.inputs.saved && self.inputs.reparsed < REPARSED_BEFORE_SAVE)
        {
            return Ok(());
        }
        let docs: Vec<(u64, &Document)> = self
            .inputs
            .docs
            .values()
            .filter_map(|(_, parsed)| match parsed {
                Ok((doc, warnings)) if warnings.is_empty() => {
                    Some((derived_key(doc.hash(), limits), &**doc))
                }
                _ => None,
            })
            .collect();
        crate::cache::save_documents(&self.opts.root, docs.into_iter())?;
        self.inputs.saved = true;
        self.inputs.reparsed = 0;
        Ok(())
    }

    /// Starts decoding the rest of the manifest (see
    /// [`Session::settle_manifest`]) and reads the parsed documents from the
    /// cache folder, the first time only: after the check for a build with
    /// nothing changed, which needs neither (60 MB and 23 MB at 10k × 3).
    fn read_dependencies_and_documents(&mut self, notes: &mut Vec<String>) {
        if let Some(bytes) = self.manifest_bytes.take() {
            // Half a second of one core at 10k × 3, which the documents and
            // the model (a single thread for most of its 150 ms) leave free.
            self.decoding = Some(std::thread::spawn(move || Manifest::decode(&bytes)));
        }
        let documents = !self.documents_read && self.opts.cache;
        self.documents_read |= documents;
        match documents.then(|| crate::cache::load_documents(&self.opts.root)) {
            Some(Ok(parsed)) => {
                self.inputs.saved = !parsed.is_empty();
                self.inputs.parsed = Arc::new(parsed);
            }
            Some(Err(why)) => notes.push(format!("cache: parsed documents not used: {why}")),
            None => {}
        }
    }

    /// Takes the whole manifest, dependencies included, once its decoding
    /// (started by [`Session::read_dependencies_and_documents`]) is done:
    /// called before anything reads a dependency or changes the manifest.
    /// (A rebuild that fails before that leaves the decoding to the next.)
    fn settle_manifest(&mut self, notes: &mut Vec<String>) {
        if let Some(decoding) = self.decoding.take() {
            let decoded = decoding
                .join()
                .unwrap_or_else(|_| Err("it could not be decoded".to_owned()));
            self.read_dependencies(decoded, notes);
        }
    }

    /// Reads the manifest from the cache folder, the first time only.
    fn read_cache(&mut self, notes: &mut Vec<String>) {
        if self.cache_read || !self.opts.cache {
            return;
        }
        self.cache_read = true;
        let Some(out) = &self.opts.output else { return };
        // Only the stamps for now: a build with nothing changed needs no
        // more, and the rest is most of the file (see `read_dependencies`).
        match Manifest::read(&self.opts.root, out).and_then(|bytes| {
            bytes
                .map(|b| Manifest::decode_stamps(&b).map(|m| (m, b)))
                .transpose()
        }) {
            Ok(Some((manifest, bytes))) => {
                if self.inputs.reading.is_none() {
                    self.inputs.reading = Some(manifest.reading.clone());
                }
                self.manifest = manifest;
                self.manifest_bytes = Some(bytes);
                self.state = OutputState::FromCache;
            }
            Ok(None) => {}
            Err(why) => notes.push(format!("cache: not used: {why}; building everything")),
        }
    }

    /// Takes the whole manifest, dependencies included, decoded when only
    /// its stamps were read so far.
    fn read_dependencies(&mut self, decoded: Result<Manifest, String>, notes: &mut Vec<String>) {
        match decoded {
            Ok(manifest) => {
                self.manifest = manifest;
            }
            Err(why) => {
                notes.push(format!("cache: not used: {why}; building everything"));
                self.manifest = Manifest::new();
                self.state = OutputState::Unknown;
            }
        }
    }

    /// When no input file changed since the build the cache describes and
    /// every output file is as that build left it, that build's report: no
    /// model, no rendering.
    fn unchanged(&mut self, inputs: &Inputs, started: Instant) -> Option<Rebuild> {
        let out = self.opts.output.as_ref()?;
        let recorded = &self.manifest.inputs;
        let now = self.opts.now.timestamp();
        if self.state != OutputState::FromCache
            || self.opts.verify
            || recorded.files.is_empty()
            || recorded.warned
            || recorded.options != inputs.options
            || recorded.files != inputs.files
            || recorded.valid_until.is_some_and(|t| t <= now)
        {
            return None;
        }
        let paths: Vec<&String> = self.manifest.paths().collect();
        let intact = paths.par_iter().all(|path| {
            let record = self.manifest.get(path).expect("listed");
            record.stamp.is_some() && file_stamp(&out.join(path.as_str())) == record.stamp
        });
        if !intact {
            return None;
        }
        log::debug!("no input changed; {} files checked", paths.len());
        let counts: BTreeMap<String, Counts> = recorded
            .counts
            .iter()
            .map(|(lang, n)| {
                let unchanged = *n as usize;
                (
                    lang.clone(),
                    Counts {
                        written: 0,
                        unchanged,
                    },
                )
            })
            .collect();
        self.state = OutputState::Written;
        Some(Rebuild {
            report: BuildReport {
                counts,
                warnings: Diagnostics::new(),
                notes: Vec::new(),
                elapsed: started.elapsed(),
            },
            rendered: Vec::new(),
            removed: 0,
            indexed: Vec::new(),
        })
    }

    /// The paths whose stamps differ between the cache's inputs and
    /// `inputs`, when the manifest came from the cache and nothing else
    /// differs: the same files, options and embargoes.
    fn stamps_changed(&self, inputs: &Inputs) -> Option<Vec<String>> {
        let recorded = &self.manifest.inputs;
        if self.state != OutputState::FromCache
            || recorded.options != inputs.options
            || recorded
                .valid_until
                .is_some_and(|t| t <= self.opts.now.timestamp())
            || recorded.files.len() != inputs.files.len()
        {
            return None;
        }
        let mut changed = Vec::new();
        for (was, now) in recorded.files.iter().zip(&inputs.files) {
            if was.0 != now.0 {
                return None;
            }
            if was != now {
                changed.push(now.0.clone());
            }
        }
        Some(changed)
    }

    /// The ids of the documents at the `edited` paths, when each is a
    /// document whose [`Document::meta_hash`] is the one the cache's
    /// manifest has for it: then this model is the cached build's but for
    /// their bodies.
    fn bodies_edited(&self, edited: &[String]) -> Option<Vec<u64>> {
        let sources = self.inputs.sources.as_ref()?;
        let assembled = self.inputs.assembled.as_ref()?;
        let mut ids = Vec::with_capacity(edited.len());
        for rel in edited {
            let i = sources.position(&self.opts.root.join(rel))?;
            let doc = assembled.docs.get(i)?;
            if self.manifest.meta_of(doc.id()) != Some(doc.meta_hash()) {
                return None;
            }
            ids.push(doc.id());
        }
        ids.sort_unstable();
        ids.dedup();
        Some(ids)
    }

    /// The stamps of every file the build can read (whatever the
    /// configuration says, so that two processes compare the same list), and
    /// the options.
    fn input_stamps(&self) -> Inputs {
        let root = &self.opts.root;
        let dirs = ["content", "locales", "static", "templates", "themes"].map(|d| root.join(d));
        // The walk reads folders only; the files are stamped afterwards, in
        // parallel. A walk that follows links would ask for every entry's
        // metadata one by one, and 30,000 such calls were a tenth of a
        // one-edit build at 10k × 3.
        let mut paths = vec![root.join(CONFIG_FILE)];
        let walk = |dir: &Path, follow: bool| {
            walkdir::WalkDir::new(dir)
                .follow_links(follow)
                .sort_by_file_name()
                .into_iter()
                .flatten()
        };
        for dir in dirs {
            for entry in walk(&dir, false) {
                if entry.file_type().is_file() {
                    paths.push(entry.into_path());
                } else if entry.file_type().is_symlink() {
                    // Followed, to a file or into a folder.
                    paths.extend(
                        walk(entry.path(), true)
                            .filter(|e| e.file_type().is_file())
                            .map(walkdir::DirEntry::into_path),
                    );
                }
            }
        }
        let files = paths
            .par_iter()
            .filter_map(|path| {
                let (size, mtime) = file_stamp(path)?;
                let rel = path.strip_prefix(root).unwrap_or(path);
                Some((rel.to_string_lossy().into_owned(), size, mtime))
            })
            .collect();
        let mut h = StableHasher::new();
        h.add(&self.opts.drafts)
            .add(&self.opts.embargoed)
            .add(&self.opts.base_url);
        Inputs {
            options: h.finish(),
            files,
            ..Inputs::default()
        }
    }

    /// The earliest embargo that lifts after this build's moment, when the
    /// build leaves embargoed releases out.
    fn valid_until(&self) -> Option<i64> {
        if self.opts.embargoed {
            return None;
        }
        let now = self.opts.now;
        self.inputs
            .docs
            .values()
            .filter_map(|(_, parsed)| parsed.as_ref().ok()?.0.front.embargo)
            .map(|e| e.with_timezone(&chrono::Utc))
            .filter(|e| *e > now)
            .min()
            .map(|e| e.timestamp())
    }

    /// The pipeline over the cached inputs.
    fn rebuild_from_inputs(
        &mut self,
        started: Instant,
        notes: &mut Vec<String>,
        ahead: Option<std::thread::JoinHandle<Option<output::Ahead>>>,
    ) -> Result<Rebuild, Diagnostics> {
        // Taken first: it is handed on only by a rebuild that succeeds.
        let last = self.last_round.take();
        let (site, i18n, templates, mut warnings) = self.load()?;
        log::debug!("model ready after {:?}", started.elapsed());
        let mut renderer = Renderer::with_templates(&site, i18n, templates);
        let (last_jobs, last_paths, last_users, last_per_lang) = match last {
            Some(last) if site.parts_changed().is_some() => {
                renderer.carry_over(last.carry);
                (last.jobs, last.paths, last.users, last.per_lang)
            }
            _ => (Vec::new(), Vec::new(), None, Vec::new()),
        };
        if self.opts.cache {
            renderer.keep_images();
        }
        // Verify mode renders every file from scratch, the index included,
        // so that it also checks what the shapes stood for.
        if !self.opts.verify {
            renderer.know_search(&self.manifest.search);
        }
        if self.keep_words {
            renderer.keep_search_words(std::mem::take(&mut self.search_words));
        } else if self.opts.cache && !self.opts.verify && self.state == OutputState::FromCache {
            // Only after a build the cache describes: a first build keeps
            // no words, which would raise its peak memory by a language's
            // words while it indexes.
            renderer.read_search_words(&self.opts.root);
        }
        let jobs = renderer.jobs();
        // A model taken over makes the same files as the last one but for
        // the search index's, at the same paths.
        let mut paths = last_paths;
        let same_jobs = last_jobs == jobs;
        paths.resize(jobs.len(), String::new());
        let moved_paths = paths
            .par_iter_mut()
            .enumerate()
            .map(|(i, path)| {
                let job = jobs[i];
                if last_jobs.get(i) == Some(&job) && job.path_from_model() {
                    return 0;
                }
                let new = renderer.path(job);
                let moved = *path != new;
                *path = new;
                usize::from(moved)
            })
            .sum::<usize>();
        // The same files at the same paths as the last round, which wrote
        // them all and left the manifest listing exactly those: no two
        // jobs share a path and no file of the output is left over.
        let same_files = same_jobs && moved_paths == 0 && self.state == OutputState::Written;
        let mut users = last_users.filter(|_| same_files);
        // Per job, where its file's dependencies sit in the manifest, as
        // far as this round finds out (for the next round's `users`).
        let mut ranges: Vec<Option<DepRange>> = vec![None; jobs.len()];

        self.settle_manifest(notes);
        // Which files are up to date: all their recorded dependencies hash as
        // they did, each distinct dependency computed once.
        let fresh: Vec<bool> = if self.state == OutputState::Unknown {
            vec![false; jobs.len()]
        } else {
            let revalidating = Instant::now();
            // A model taken over differs from the last one only in the
            // parts it names (bodies and tags of some documents, tag lists,
            // reading lists): a dependency worked out in this session
            // without reading one of them hashes as it did.
            let edited = self.edited.take();
            let from_cache = match site.parts_changed() {
                Some(_) => None,
                None => edited.and_then(|e| self.bodies_edited(&e)),
            };
            let bodies = site.parts_changed().or(from_cache.as_deref());
            if let Some(ids) = bodies {
                log::debug!(
                    "{} part(s) of the model changed since the last build",
                    ids.len()
                );
            }
            let manifest = &self.manifest;
            let worked: Vec<(u64, Option<BodyReads>)> = manifest
                .keys()
                .par_iter()
                .enumerate()
                .map(|(k, dep)| {
                    if let (Some(changed), Some((hash, read))) = (bodies, manifest.known(k))
                        && !read.meets(changed)
                    {
                        return (*hash, None);
                    }
                    let (hash, read) = body_reads::track(|| renderer.current(dep));
                    (hash, Some(read))
                })
                .collect();
            let mut current = Vec::with_capacity(worked.len());
            // Keys whose hash is not the one the last round knew.
            let mut moved = vec![false; worked.len()];
            let mut again = 0;
            for (k, (hash, read)) in worked.into_iter().enumerate() {
                if let Some(read) = read {
                    moved[k] = self.manifest.known(k).is_none_or(|(was, _)| *was != hash);
                    self.manifest.set_known(k, hash, read);
                    again += 1;
                }
                current.push(hash);
            }
            log::debug!(
                "{again} of {} recorded dependencies hashed in {:?}",
                current.len(),
                revalidating.elapsed()
            );
            let out = self.opts.output.as_deref();
            let from_cache = self.state == OutputState::FromCache;
            let up_to_date =
                |deps: &[(u32, u64)]| deps.iter().all(|&(k, h)| current[k as usize] == h);
            let checks: Vec<(bool, Option<String>)> = if let Some(users) = &users {
                // The same files as the last round wrote: only those of a
                // key whose hash moved can be stale.
                let mut checks = vec![(true, None); jobs.len()];
                for job in users.of(&moved) {
                    checks[job].0 = up_to_date(self.manifest.deps_at(users.range(job)));
                }
                checks
            } else {
                let checked: Vec<(bool, Option<String>, Option<DepRange>)> = jobs
                    .par_iter()
                    .zip(&paths)
                    .map(|(&job, path)| {
                        let Some(record) = self.manifest.get(path) else {
                            return (false, None, None);
                        };
                        if record.kind != job.kind() || !up_to_date(self.manifest.deps_of(record)) {
                            return (false, None, None);
                        }
                        let (fresh, why) = match out {
                            Some(out) if from_cache => output_intact(&out.join(path), record),
                            _ => (true, None),
                        };
                        (fresh, why, Some(record.deps))
                    })
                    .collect();
                checked
                    .into_iter()
                    .enumerate()
                    .map(|(i, (fresh, why, range))| {
                        ranges[i] = range.filter(|_| fresh);
                        (fresh, why)
                    })
                    .collect()
            };
            let touched: Vec<&String> = checks
                .iter()
                .zip(&paths)
                .filter_map(|((_, why), path)| why.as_ref().map(|_| path))
                .collect();
            if let Some(first) = touched.first() {
                notes.push(format!(
                    "cache: {} output file(s) were changed or deleted since the last build (first: {first}); rendering them again",
                    touched.len()
                ));
            }
            checks.into_iter().map(|(fresh, _)| fresh).collect()
        };
        let stale_count = fresh.iter().filter(|f| !**f).count();
        log::debug!(
            "{} of {} files to render after {:?}",
            stale_count,
            jobs.len(),
            started.elapsed()
        );

        let verify = self.opts.verify;
        let todo: Vec<usize> = (0..jobs.len()).filter(|&i| !fresh[i] || verify).collect();
        renderer.prepare(todo.iter().map(|&i| jobs[i]));
        let in_place = self.state == OutputState::Written && stale_count <= IN_PLACE_LIMIT;
        if let Some(out) = &self.opts.output {
            output::check_placement(out, site.config()).map_err(Diagnostics::from)?;
        }
        let staging = match &self.opts.output {
            Some(out) if !in_place => {
                let ahead = ahead.and_then(|a| a.join().ok().flatten());
                Some(Staging::begin_after(out, ahead).map_err(Diagnostics::from)?)
            }
            _ => None,
        };
        // Pages are rendered and staged one at a time on each thread, so
        // memory holds a handful of pages, never the whole site (except for
        // the few files of an in-place update).
        let out = self.opts.output.clone();
        // In chunks, so that what each file read is interned into the
        // manifest's key table as it comes instead of held for every file.
        let mut results: Vec<(usize, Result<Done, Diagnostic>)> = Vec::with_capacity(todo.len());
        let (rendering, total) = (AtomicUsize::new(0), todo.len());
        for chunk in todo.chunks(RENDER_CHUNK) {
            let rendered: Vec<(usize, Result<Unrecorded, Diagnostic>)> = chunk
                .par_iter()
                .map(|&i| {
                    let done = rendering.fetch_add(1, Ordering::Relaxed) + 1;
                    self.opts
                        .progress
                        .report(Progress::Rendering { done, total });
                    let t = Instant::now();
                    let result = renderer.render_recorded(jobs[i]).and_then(|(page, reads)| {
                        debug_assert_eq!(page.path, paths[i], "path and render disagree");
                        if fresh[i] {
                            verify_file(out.as_deref(), &page)?;
                            return Ok((None, Done::Verified));
                        }
                        let outcome = match &staging {
                            Some(s) => Some(s.put(&paths[i], &page.bytes)?),
                            None => None,
                        };
                        let content = crate::util::hash::hash_bytes(&page.bytes);
                        // Kept for writing in place after every file rendered,
                        // unless it came out as the folder (which this session
                        // wrote) already has it: most files an edit makes
                        // stale do, so memory holds the changed ones only.
                        let same = in_place
                            && self
                                .manifest
                                .get(&paths[i])
                                .is_some_and(|r| r.content == content);
                        let kept =
                            (outcome.is_none() && out.is_some() && !same).then_some(page.bytes);
                        Ok((
                            // Looked up here, on the rendering threads: only
                            // keys new to the table are left for the
                            // interning below, which runs on one.
                            Some(self.manifest.resolve(reads)),
                            Done::Rendered {
                                outcome,
                                kept,
                                record: ((0, 0), content),
                            },
                        ))
                    });
                    log::trace!("{} in {:?}", paths[i], t.elapsed());
                    (i, result)
                })
                .collect();
            for (i, result) in rendered {
                results.push((
                    i,
                    result.map(|(reads, mut done)| {
                        if let (Some(reads), Done::Rendered { record, .. }) = (reads, &mut done) {
                            record.0 = self.manifest.intern_resolved(reads);
                        }
                        done
                    }),
                ));
            }
        }
        log::debug!("rendered after {:?}", started.elapsed());
        if !site.photos().files.is_empty() {
            // Tells whether the image cache served the build (0 when no
            // photo changed), the slow part of a build with photos.
            notes.push(format!(
                "images: {} file(s) encoded; the others were up to date or in the image cache",
                renderer.images_encoded()
            ));
        }

        let mut problems = Diagnostics::new();
        let mut produced: rustc_hash::FxHashMap<&str, usize> = Default::default();
        let checked = if same_files { &[][..] } else { &paths[..] };
        produced.reserve(checked.len());
        for (i, path) in checked.iter().enumerate() {
            if produced.insert(path.as_str(), i).is_some() {
                problems.push(site.blame_output(path).unwrap_or_else(|| {
                    Diagnostic::error(path, 1, 1, "two pages of the build write this same file")
                        .with_help("a generated page and a release, page or alias share a URL; rename one of them")
                }));
            }
        }
        // A text read on first use that was not the one its document was
        // made from: the file changed during the build, which then read
        // an empty body. Read again by the next build.
        let lost: Vec<PathBuf> = (self.inputs.assembled.iter())
            .flat_map(|a| &a.docs)
            .filter(|d| d.text_lost())
            .map(|d| {
                problems.push(
                    Diagnostic::error(
                        &d.source.rel,
                        1,
                        1,
                        "this file changed while the site was being built (or was rewritten keeping its size and modification time)",
                    )
                    .with_help("build again; `pressroom build --no-cache` reads every file as it is now"),
                );
                d.source.path.clone()
            })
            .collect();
        self.invalidate(&lost);
        let mut done = Vec::new();
        for (i, result) in results {
            match result {
                Ok(Done::Verified) => {}
                Ok(Done::Rendered {
                    outcome,
                    kept,
                    record,
                }) => done.push((i, outcome, kept, record)),
                Err(d) => problems.push(d),
            }
        }
        if problems.has_errors() {
            if let Some(s) = staging {
                s.abort();
            }
            problems.extend(warnings);
            return Err(problems);
        }

        let stale: Vec<&String> = match same_files {
            true => Vec::new(),
            false => (self.manifest.paths())
                .filter(|p| !produced.contains_key(p.as_str()))
                .collect(),
        };
        let removed = if self.state == OutputState::Unknown {
            0
        } else {
            stale.len()
        };
        let mut outcomes: Vec<WriteOutcome> = done
            .iter()
            .map(|(_, outcome, _, _)| outcome.unwrap_or(WriteOutcome::Unchanged))
            .collect();
        if let Some(out) = &self.opts.output {
            self.opts.progress.report(Progress::Writing);
            let written = if let Some(s) = staging {
                // The staging folder becomes the whole new output in one step.
                let all: BTreeSet<String> = paths.iter().cloned().collect();
                match s.commit(&all) {
                    Ok(left) => {
                        warnings.extend(left);
                        Ok(())
                    }
                    Err(e) => Err(Diagnostics::from(e)),
                }
            } else {
                let files: Vec<(&str, &[u8])> = done
                    .iter()
                    .filter_map(|(i, _, kept, _)| Some((paths[*i].as_str(), kept.as_deref()?)))
                    .collect();
                match output::update_in_place(out, &files, &stale) {
                    Some(Ok(o)) => {
                        // Files not kept came out as they were.
                        let mut written = o.into_iter();
                        outcomes = done
                            .iter()
                            .map(|(_, _, kept, _)| match kept {
                                Some(_) => written.next().unwrap_or(WriteOutcome::Unchanged),
                                None => WriteOutcome::Unchanged,
                            })
                            .collect();
                        Ok(())
                    }
                    Some(Err(e)) => Err(e),
                    None => Err(Diagnostic::error(
                        out,
                        1,
                        1,
                        "the output folder changed during the build",
                    )
                    .with_help("build again")
                    .into()),
                }
            };
            if let Err(e) = written {
                // The output folder may now be partly updated: trust nothing
                // about it until a build has compared every file again.
                self.state = OutputState::Unknown;
                return Err(e);
            }
        }

        // The manifest now describes the output folder.
        let stale: Vec<String> = stale.into_iter().cloned().collect();
        for path in &stale {
            self.manifest.remove(path);
        }
        let mut counts = Tally::default();
        let mut rendered = Vec::with_capacity(done.len());
        for ((i, _, _, (reads, content)), outcome) in done.into_iter().zip(&outcomes) {
            counts.add(jobs[i].language(&site), *outcome);
            ranges[i] = Some(reads);
            if let Some(users) = &mut users {
                users.record(&self.manifest, i, reads);
            }
            self.manifest
                .insert_interned(paths[i].clone(), jobs[i].kind(), reads, content);
            rendered.push(paths[i].clone());
        }
        if self.state == OutputState::Unknown {
            // Files of the output nobody made are gone.
            let listed: Vec<String> = self.manifest.paths().cloned().collect();
            for path in listed {
                if !produced.contains_key(path.as_str()) {
                    self.manifest.remove(&path);
                }
            }
        }
        if same_files && !last_per_lang.is_empty() {
            // The same jobs as the last round: the files not rendered are
            // the rest of each language's.
            for (lang, all) in &last_per_lang {
                counts.add_unchanged(lang, all - counts.of(lang));
            }
        } else {
            for (i, f) in fresh.iter().enumerate() {
                if *f {
                    counts.add(jobs[i].language(&site), WriteOutcome::Unchanged);
                }
            }
        }
        if let Some(out) = &self.opts.output {
            let stamps: Vec<(String, Option<(u64, u64)>)> = rendered
                .par_iter()
                .map(|p| (p.clone(), file_stamp(&out.join(p))))
                .collect();
            for (path, stamp) in stamps {
                self.manifest.set_stamp(&path, stamp);
            }
            self.state = OutputState::Written;
        }
        // Keys first recorded by this build's files are worked out once
        // more, tracked, so that the next process knows which bodies they
        // read (in a clean build, every key: about 1% of its time); so does
        // a session that rebuilds after edits (watch mode), so that its
        // first edit does not pay for them. Another session works them out
        // when it next needs to.
        let saved = self.opts.cache && self.opts.output.is_some();
        let unknown: Vec<usize> = match saved || self.keep_words {
            true => self.manifest.unknown_keys().collect(),
            false => Vec::new(),
        };
        let keys = self.manifest.keys();
        let worked: Vec<(u64, BodyReads)> = unknown
            .par_iter()
            .map(|&k| body_reads::track(|| renderer.current(&keys[k])))
            .collect();
        for (k, (hash, reads)) in unknown.into_iter().zip(worked) {
            self.manifest.set_known(k, hash, reads);
        }
        self.manifest.search = renderer.search_shapes();
        self.manifest.reading = self.inputs.reading.clone().unwrap_or_default();
        let indexed = renderer.indexed_languages();
        if self.keep_words {
            // Takes the indexes this renderer made along with the words.
            self.search_words = renderer.take_search_words();
        } else {
            // Saved as each language was indexed.
            notes.extend(renderer.search_words_problems());
        }
        if !indexed.is_empty() {
            log::debug!("search: indexed {}", indexed.join(", "));
        }
        // Compacting numbers the keys anew and moves every file's
        // dependencies: what this round found of them no longer holds.
        let compacted = self.manifest.tidy();
        if compacted {
            users = None;
        }
        log::debug!("manifest updated after {:?}", started.elapsed());
        warnings.extend(problems);
        rendered.sort();
        let counts = counts.into_map();
        if self.keep_words {
            let per_lang = (counts.iter())
                .map(|(lang, c)| (lang.clone(), c.files()))
                .collect();
            let users = match users {
                Some(users) => Some(users.tidy(&self.manifest)),
                // Made when every file's dependencies are known, as after
                // a round that checked or rendered every file.
                None if !compacted => (ranges.into_iter().collect::<Option<Vec<DepRange>>>())
                    .map(|ranges| KeyUsers::new(&self.manifest, ranges)),
                None => None,
            };
            self.last_round = Some(LastRound {
                carry: renderer.carry(),
                jobs,
                paths,
                users,
                per_lang,
            });
        }
        drop(renderer);
        // Kept for the next model; the reading memo above is part of it.
        self.inputs.model = Some(site);
        Ok(Rebuild {
            report: BuildReport {
                counts,
                warnings,
                notes: Vec::new(),
                elapsed: started.elapsed(),
            },
            rendered,
            removed,
            indexed,
        })
    }

    /// Stages 1–4 and the templates, from the cache where it is valid.
    fn load(&mut self) -> Result<(Site, Arc<I18n>, Arc<TemplateSet>, Diagnostics), Diagnostics> {
        let Loaded {
            site,
            i18n,
            warnings,
        } = self.load_model()?;
        let templates = match &self.inputs.templates {
            Some(t) => Arc::clone(t),
            None => {
                let t = Instant::now();
                let loaded = TemplateSet::load(site.config(), site.urls(), Arc::clone(&i18n))
                    .map_err(|mut e| {
                        e.extend(warnings.clone());
                        e
                    })?;
                log::debug!("templates loaded in {:?}", t.elapsed());
                let loaded = Arc::new(loaded);
                self.inputs.templates = Some(Arc::clone(&loaded));
                loaded
            }
        };
        Ok((site, i18n, templates, warnings))
    }

    /// Stages 1–4 from the cache, reading only what was invalidated.
    pub fn load_model(&mut self) -> Result<Loaded, Diagnostics> {
        if self.inputs.config.is_none() {
            self.inputs.config = Some(SiteConfig::load(&self.opts.root)?);
        }
        let config = self.inputs.config.as_ref().expect("loaded above");
        if self.inputs.files.is_none() {
            self.inputs.files = Some(source::list_files(config)?.into_iter().collect());
        }
        let t = Instant::now();
        let reclassified = self.inputs.sources.is_none();
        if reclassified {
            let files: Vec<PathBuf> = self
                .inputs
                .files
                .as_ref()
                .expect("listed above")
                .iter()
                .cloned()
                .collect();
            self.inputs.sources = Some(source::classify(config, &files)?);
        }
        let sources = self.inputs.sources.as_ref().expect("classified above");
        let files = &sources.docs;
        log::debug!("classified {} files in {:?}", files.len(), t.elapsed());
        let mut problems = sources.warnings.clone();

        // Parse what is new or changed, in parallel; reuse the rest. A
        // changed file was dropped from the parsed documents by `invalidate`
        // (and listed in `dropped`); a document parsed under another identity
        // (its key, language or section) can only be left over from an
        // earlier classification, so identities are compared only after one.
        let reuse = !reclassified && self.inputs.assembled.is_some();
        let mut changed: Vec<usize> = Vec::new();
        let stale: Vec<&SourceDoc> = if reuse {
            for path in std::mem::take(&mut self.inputs.dropped) {
                changed.extend(sources.position(&path));
            }
            changed.sort_unstable();
            changed.dedup();
            changed
                .iter()
                .map(|&i| &sources.docs[i])
                .filter(|d| !self.inputs.docs.contains_key(d.path.as_os_str()))
                .collect()
        } else {
            self.inputs.dropped.clear();
            sources
                .docs
                .iter()
                .filter(|d| {
                    self.inputs
                        .docs
                        .get(d.path.as_os_str())
                        .is_none_or(|(was, _)| reclassified && was != *d)
                })
                .collect()
        };
        // What the cache derived, taken whole: the documents of unchanged
        // files move their parts out of it instead of copying them.
        let mut derived = Arc::try_unwrap(std::mem::take(&mut self.inputs.parsed))
            .unwrap_or_else(|shared| (*shared).clone());
        // The files whose stamps say they hold the text the cache's build
        // read: their documents come from the cache unread (see
        // `Document::cached`), by the hash of that text.
        let unchanged: Option<HashSet<&str>> = self.edited.as_ref().map(|edited| {
            let edited: HashSet<&str> = edited.iter().map(String::as_str).collect();
            (self.manifest.inputs.files.iter())
                .map(|(rel, ..)| rel.as_str())
                .filter(|rel| !edited.contains(rel))
                .collect()
        });
        let manifest = &self.manifest;
        let limits = &config.limits;
        // Boxed: a slot per document, most of them empty in a first build,
        // and a derived document is a few hundred bytes.
        let cached: Vec<Option<(u64, Box<Derived>)>> = stale
            .iter()
            .map(|doc| {
                let rel = doc.rel.to_str()?;
                unchanged.as_ref()?.contains(rel).then_some(())?;
                let hash = manifest.content_of(crate::util::hash::stable_hash(&doc.rel))?;
                Some((hash, Box::new(derived.remove(&derived_key(hash, limits))?)))
            })
            .collect();
        let parsed = &derived;
        let fresh: Vec<(SourceDoc, Parsed, bool)> = stale
            .par_iter()
            .zip(cached)
            .map(|(&doc, cached)| {
                let (result, reparsed) = match cached {
                    // Not read now: only if something reads its text.
                    Some((hash, derived)) => {
                        let d = Document::cached(doc.clone(), hash, *derived);
                        (Ok((Arc::new(d), Diagnostics::new())), false)
                    }
                    None => parse_file(doc, parsed, limits),
                };
                (doc.clone(), result, reparsed)
            })
            .collect();
        let full = fresh.iter().filter(|(_, _, full)| *full).count();
        log::debug!(
            "{} documents read: {full} parsed, {} as the cache had them",
            fresh.len(),
            fresh.len() - full
        );
        self.inputs.reparsed += full;
        for (doc, parsed, _) in fresh {
            self.inputs
                .docs
                .insert(doc.path.clone().into_os_string(), (doc, parsed));
        }
        // Every document is loaded: what the cache derived lives on in them.
        // Freeing what is left of it can take a single thread tens of
        // milliseconds at 10k × 3, in the way of the model; a thread of its
        // own frees it while the model is built.
        if !derived.is_empty() {
            std::thread::spawn(move || drop(derived));
        }
        // Documents that left the file list were dropped by `invalidate`.

        let docs = &self.inputs.docs;
        let entry = |source: &SourceDoc| -> Result<(Arc<Document>, Diagnostics), Diagnostics> {
            let (doc, warnings) = docs[source.path.as_os_str()].1.clone()?;
            let mut problems = warnings;
            if doc.source.section == Section::Releases && doc.front.date.is_none() {
                problems.push(
                    Diagnostic::warning(
                        &doc.source.rel,
                        1,
                        1,
                        "this draft has no `date`, so no build includes it",
                    )
                    .with_help("add `date: YYYY-MM-DD` when the release date is known"),
                );
            }
            Ok((doc, problems))
        };
        let mut failed = Diagnostics::new();
        match &mut self.inputs.assembled {
            Some(assembled) if reuse => {
                for &i in &changed {
                    match entry(&sources.docs[i]) {
                        Ok((doc, problems)) => {
                            assembled.docs[i] = doc;
                            assembled.problems[i] = problems;
                        }
                        Err(e) => failed.extend(e),
                    }
                }
            }
            _ => {
                let mut assembled = Assembled::default();
                for source in &sources.docs {
                    match entry(source) {
                        Ok((doc, problems)) => {
                            assembled.docs.push(doc);
                            assembled.problems.push(problems);
                        }
                        Err(e) => failed.extend(e),
                    }
                }
                self.inputs.assembled = Some(assembled);
            }
        }
        if !failed.is_empty() {
            // Kept only while every document parses: the next load starts
            // over from the parsed documents. What each reported, in order.
            self.inputs.assembled = None;
            for source in &sources.docs {
                match entry(source) {
                    Ok((_, p)) | Err(p) => problems.extend(p),
                }
            }
            return Err(problems);
        }
        let assembled = self.inputs.assembled.as_ref().expect("assembled above");
        for p in assembled.problems.iter().filter(|p| !p.is_empty()) {
            problems.extend(p.clone());
        }

        let tags = self
            .inputs
            .tags
            .get_or_insert_with(|| TagRegistry::load(sources.tags_file.as_deref(), config));
        let tags = match tags {
            Ok((tags, warnings)) => {
                problems.extend(warnings.clone());
                Some(tags.clone())
            }
            Err(e) => {
                problems.extend(e.clone());
                None
            }
        };
        let i18n = self.inputs.i18n.get_or_insert_with(|| {
            I18n::load(config).map(|(i18n, warnings)| (Arc::new(i18n), warnings))
        });
        let i18n = match i18n {
            Ok((i18n, warnings)) => {
                problems.extend(warnings.clone());
                Some(Arc::clone(i18n))
            }
            Err(e) => {
                problems.extend(e.clone());
                None
            }
        };
        let (Some(tags), Some(i18n)) = (tags, i18n) else {
            return Err(problems);
        };
        if problems.has_errors() {
            return Err(problems);
        }
        let model_opts = ModelOptions {
            drafts: self.opts.drafts,
            embargoed: self.opts.embargoed,
            now: self.opts.now,
            base_url: self.opts.base_url.clone(),
            image_cache: self
                .opts
                .cache
                .then(|| crate::images::cache_dir(&self.opts.root)),
            reading: self.inputs.reading.clone(),
        };
        log::debug!("documents ready after {:?}", t.elapsed());
        let t = Instant::now();
        let docs = &assembled.docs;
        let previous = self.inputs.model.take().filter(|_| reuse);
        let site = Site::build(
            config.clone(),
            docs,
            &sources.assets,
            tags,
            &model_opts,
            previous,
        )
        .map_err(|mut e| {
            e.extend(problems.clone());
            e
        })?;
        log::debug!(
            "model {} in {:?}",
            if site.parts_changed().is_some() {
                "taken over"
            } else {
                "built"
            },
            t.elapsed()
        );
        self.inputs.reading = Some(site.reading_memo());
        // Locations shown from another version (issue 19: every fallback is
        // reported).
        problems.extend(site.fallback_warnings());
        Ok(Loaded {
            site,
            i18n,
            warnings: problems,
        })
    }
}

impl std::fmt::Display for ChangeKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            ChangeKind::Config => "site.yaml",
            ChangeKind::Content => "content",
            ChangeKind::Theme => "theme",
            ChangeKind::Locale => "locales",
            ChangeKind::Unrelated => "other",
        })
    }
}

/// Reads and parses one file, unless an earlier process parsed the same
/// text (`parsed`); whether it was parsed in full.
fn parse_file(
    doc: &SourceDoc,
    parsed: &HashMap<u64, Derived>,
    limits: &crate::config::Limits,
) -> (Parsed, bool) {
    let read = document::with_text(doc, |text| {
        // A text the cache derived from passed every check of reading and
        // parsing (only documents without problems are kept), so it is not
        // scanned for forbidden characters again.
        if !parsed.is_empty()
            && let Some(derived) =
                parsed.get(&derived_key(document::content_hash(doc, text), limits))
            && let Some(d) = Document::from_derived(doc.clone(), text, derived.clone())
        {
            return (Ok((Arc::new(d), Diagnostics::new())), false);
        }
        if let Err(e) = crate::util::fs::check_xml_chars(text, &doc.rel) {
            return (Err(e.into()), false);
        }
        let result = document::parse_with(doc.clone(), text, limits).map(|(d, w)| (Arc::new(d), w));
        (result, true)
    });
    read.unwrap_or_else(|e| (Err(e.into()), false))
}

/// A document's key in the parsed-documents cache: its content hash and the
/// `limits:` it was checked against, so that a document kept under other
/// limits is parsed, and checked, again.
fn derived_key(content: u64, limits: &crate::config::Limits) -> u64 {
    let crate::config::Limits {
        tags_per_release,
        document_bytes,
        summary_chars,
        location_chars,
        file_name_bytes,
    } = limits;
    let mut h = crate::util::hash::StableHasher::new();
    h.add(&content)
        .add(tags_per_release)
        .add(document_bytes)
        .add(summary_chars)
        .add(location_chars)
        .add(file_name_bytes);
    h.finish()
}

/// Files handled per language (`""` for none), counted without an
/// allocation per file: a watch rebuild counts every file of the site.
#[derive(Default)]
struct Tally<'a>(Vec<(&'a str, Counts)>);

impl<'a> Tally<'a> {
    /// Counts one handled file under its language.
    fn add(&mut self, lang: Option<&'a str>, outcome: WriteOutcome) {
        let c = self.slot(lang.unwrap_or_default());
        match outcome {
            WriteOutcome::Written => c.written += 1,
            WriteOutcome::Unchanged => c.unchanged += 1,
        }
    }

    /// Counts `n` files of `lang` as unchanged.
    fn add_unchanged(&mut self, lang: &'a str, n: usize) {
        if n > 0 {
            self.slot(lang).unchanged += n;
        }
    }

    /// The counts of `lang`, new ones if it had none yet.
    fn slot(&mut self, lang: &'a str) -> &mut Counts {
        let at = match self.0.iter().position(|(l, _)| *l == lang) {
            Some(at) => at,
            None => {
                self.0.push((lang, Counts::default()));
                self.0.len() - 1
            }
        };
        &mut self.0[at].1
    }

    /// How many files of `lang` were counted so far.
    fn of(&self, lang: &str) -> usize {
        (self.0.iter())
            .find(|(l, _)| *l == lang)
            .map_or(0, |(_, c)| c.files())
    }

    fn into_map(self) -> BTreeMap<String, Counts> {
        self.0.into_iter().map(|(l, c)| (l.to_owned(), c)).collect()
    }
}

/// A rendered file and what it read, before the reads are interned.
type Unrecorded = (Option<Resolved>, Done);

/// One rendered file, before the manifest takes it.
enum Done {
    /// A file the manifest called up to date, rendered again in verify mode
    /// and found identical.
    Verified,
    /// A file rendered because a dependency changed (or it is new).
    Rendered {
        /// Staged or left; `None` when it is written in place later.
        outcome: Option<WriteOutcome>,
        /// Its bytes, for writing in place.
        kept: Option<Vec<u8>>,
        /// What it read (interned in the manifest), and the hash of its bytes.
        record: (crate::cache::DepRange, u64),
    },
}

/// Whether output file `path` is as the manifest recorded it; with the
/// reason when it is not.
fn output_intact(path: &Path, record: &crate::cache::FileRecord) -> (bool, Option<String>) {
    let stamp = file_stamp(path);
    if stamp.is_none() {
        return (false, Some("deleted".to_owned()));
    }
    if stamp == record.stamp {
        return (true, None);
    }
    // Touched: the bytes decide.
    match std::fs::read(path) {
        Ok(bytes) if crate::util::hash::hash_bytes(&bytes) == record.content => (true, None),
        _ => (false, Some("changed".to_owned())),
    }
}

/// Verify mode: `page` must be what the output folder holds.
fn verify_file(out: Option<&Path>, page: &Rendered) -> Result<(), Diagnostic> {
    let Some(out) = out else { return Ok(()) };
    let path = out.join(&page.path);
    let on_disk = std::fs::read(&path).unwrap_or_default();
    if on_disk == page.bytes {
        return Ok(());
    }
    let at = on_disk
        .iter()
        .zip(&page.bytes)
        .position(|(a, b)| a != b)
        .unwrap_or(on_disk.len().min(page.bytes.len()));
    let line = 1 + page.bytes[..at].iter().filter(|&&b| b == b'\n').count();
    Err(Diagnostic::error(
        &path,
        line,
        1,
        format!(
            "the build cache called this file up to date, but rendering it again gives different bytes (from byte {at})"
        ),
    )
    .with_help("a dependency of this file is not recorded; please report it with the edits that led here"))
}
