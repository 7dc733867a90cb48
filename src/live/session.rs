//! A build that remembers: the parsed documents, bundles and templates, and
//! what every output file was made from.
//!
//! `build` runs one session once. Watch and serve keep the session and, after
//! each change, tell it which paths changed. The session re-reads only those
//! files, rebuilds the model from its cached documents (cheap), and renders
//! only the jobs whose input fingerprint ([`Plan`]) differs from
//! the last good build's. Every rebuild walks the same pipeline as a clean
//! build over the same inputs, so the output after any sequence of changes is
//! the output of a clean build.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use rayon::prelude::*;

use crate::config::{CONFIG_FILE, SiteConfig};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::document::{self, Document};
use crate::output::{self, Staging, WriteOutcome};
use crate::render::i18n::I18n;
use crate::render::{Job, Plan, Read, Rendered, Renderer, TemplateSet};
use crate::site::{ModelOptions, Site, TagChanges, TagRegistry};
use crate::source::{self, Section, SourceDoc};
use crate::{BuildOptions, BuildReport, Counts};

/// A parsed source file, or why it could not be parsed.
type Parsed = Result<(Arc<Document>, Diagnostics), Diagnostics>;

/// What the session knows between rebuilds.
pub struct Session {
    opts: BuildOptions,
    config: Option<SiteConfig>,
    /// Every file under `content/`, kept up to date from change events.
    files: Option<BTreeSet<PathBuf>>,
    /// What the files are; kept while the list stays the same.
    sources: Option<source::SourceSet>,
    /// Parsed documents by path, with the identity they were parsed under.
    docs: HashMap<PathBuf, (SourceDoc, Parsed)>,
    tags: Option<Result<(TagRegistry, Diagnostics), Diagnostics>>,
    i18n: Option<Result<(Arc<I18n>, Diagnostics), Diagnostics>>,
    templates: Option<Arc<TemplateSet>>,
    /// Output path → input fingerprint, as of the last successful build.
    previous: HashMap<String, Option<u64>>,
    /// Whether the output folder is known to hold exactly `previous`.
    in_sync: bool,
    /// The last good build, for edits that move nothing (see [`Last`]).
    last: Option<Last>,
    /// Documents edited since the last rebuild (the quick path's candidates)…
    edited: BTreeSet<PathBuf>,
    /// …unless anything else changed too.
    structural: bool,
}

/// What the last good build made, kept so that an edit that moves nothing
/// (see [`Site::replace_release`]) can skip the walk, the model and the
/// planning of every job: the model after such an edit is the same except for
/// that document and the tag lists it is on, so only the jobs that read the
/// document (recorded in their [`Plan::reads`]) or those lists can change.
struct Last {
    site: Site,
    i18n: Arc<I18n>,
    templates: Arc<TemplateSet>,
    jobs: Vec<Job>,
    plans: Vec<Plan>,
    warnings: Diagnostics,
    /// Source path → the entry it became.
    entries: HashMap<PathBuf, Read>,
    /// Entry → the jobs that read it.
    readers: HashMap<Read, Vec<usize>>,
}

/// What one rebuild did, beyond [`BuildReport`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rebuild {
    /// Files written, unchanged, per language. On the quick path (edits that
    /// move nothing) it counts only the files that were rendered.
    pub report: BuildReport,
    /// Output paths of the jobs rendered, sorted (the others' inputs had not
    /// changed, so they were not rendered at all).
    pub rendered: Vec<String>,
    /// Output files the build no longer produces, deleted.
    pub removed: usize,
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
    /// A session that has built nothing yet.
    pub fn new(opts: BuildOptions) -> Session {
        Session {
            opts,
            config: None,
            files: None,
            sources: None,
            docs: HashMap::new(),
            tags: None,
            i18n: None,
            templates: None,
            previous: HashMap::new(),
            in_sync: false,
            last: None,
            edited: BTreeSet::new(),
            structural: true,
        }
    }

    /// The options the session builds with.
    pub fn options(&self) -> &BuildOptions {
        &self.opts
    }

    /// The configuration of the last build that got that far.
    pub fn config(&self) -> Option<&SiteConfig> {
        self.config.as_ref()
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
        match &self.config {
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
            .config
            .as_ref()
            .map_or_else(|| root.join("content"), SiteConfig::content_dir);
        let theme = self
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
            let matters = match kind {
                ChangeKind::Config => {
                    self.forget_all();
                    true
                }
                ChangeKind::Content => self.content_changed(path),
                ChangeKind::Theme => {
                    self.templates = None;
                    self.structural = true;
                    true
                }
                ChangeKind::Locale => {
                    self.i18n = None;
                    self.templates = None;
                    self.structural = true;
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

    /// Forgets everything read; used when `site.yaml` changes or events were
    /// lost. The fingerprints stay: they still describe the output folder.
    pub fn forget_all(&mut self) {
        self.structural = true;
        self.config = None;
        self.files = None;
        self.sources = None;
        self.docs.clear();
        self.tags = None;
        self.i18n = None;
        self.templates = None;
    }

    /// Updates the file list for a changed path; whether the path is or was
    /// part of the content.
    fn content_changed(&mut self, path: &Path) -> bool {
        let Some(config) = &self.config else {
            return true;
        };
        let tags_file = config.content_dir().join("tags.yaml");
        if tags_file.starts_with(path) {
            self.tags = None;
        }
        // A document that parsed cleanly and is still a file may have had
        // only its text edited; anything else changes the site's shape.
        let clean = matches!(self.docs.get(path), Some((_, Ok((_, w)))) if w.is_empty());
        let edit = clean && path.is_file();
        if edit {
            self.edited.insert(path.to_path_buf());
        }
        self.docs.remove(path);
        let exists = path.exists();
        if path.is_symlink() {
            // A full walk checks where links lead (see `util::fs::Confinement`).
            self.files = None;
        }
        let Some(files) = &mut self.files else {
            self.docs.retain(|p, _| !p.starts_with(path));
            self.structural = true;
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
            self.docs.remove(p);
        }
        let removed = !gone.is_empty();
        let mut known = removed || tags_file.starts_with(path);
        let mut links = false;
        if path.is_file() {
            // The same list as before: its classification stays valid.
            if gone != [path] {
                self.sources = None;
            }
            files.insert(path.to_path_buf());
        } else if path.is_dir() {
            self.sources = None;
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
            self.files = None;
        }
        if removed && !exists {
            self.sources = None;
        }
        // A temporary file that came and went (an editor's, `sed -i`'s)
        // changes nothing.
        let matters = known || exists;
        if matters && !edit {
            self.structural = true;
        }
        matters
    }

    /// Builds the site from what changed since the last call: re-reads what
    /// was invalidated, renders the jobs whose inputs changed and updates the
    /// output folder (all or nothing). On failure the output stays as the last
    /// good build left it, and the next rebuild tries again.
    pub fn rebuild(&mut self) -> Result<Rebuild, Diagnostics> {
        // Someone deleted the output folder (or its marker) since the last
        // build: what it holds is no longer known.
        if let Some(out) = &self.opts.output
            && !out.join(output::MARKER).is_file()
        {
            self.in_sync = false;
        }
        let quick = !self.structural && self.in_sync && !self.edited.is_empty();
        if quick && let Some(result) = self.rebuild_edited() {
            self.edited.clear();
            if result.is_err() {
                // The kept model may now hold text the output does not; the
                // next rebuild starts over from the files.
                self.last = None;
                self.structural = true;
            }
            return result;
        }
        self.edited.clear();
        // Until a full rebuild succeeds, the next one must be full too.
        self.structural = true;
        self.last = None;
        let result = self.rebuild_all();
        self.structural = result.is_err();
        result
    }

    /// The quick path for edits that move nothing (see
    /// [`Site::replace_release`]); `None` when an edit does, and a full
    /// rebuild is needed. It swaps the new documents into the kept model and
    /// re-plans only the jobs that read them, and after a tag edit those that
    /// read the tags' lists.
    fn rebuild_edited(&mut self) -> Option<Result<Rebuild, Diagnostics>> {
        let started = Instant::now();
        let out = self.opts.output.clone()?;
        let last = self.last.as_mut()?;
        let mut fresh = Vec::new();
        for path in &self.edited {
            let read = *last.entries.get(path)?;
            let source = match read {
                Read::Release(i) => &last.site.releases[i].doc.source,
                Read::Page(i) => &last.site.pages[i].doc.source,
            };
            let (doc, warnings) = parse_file(source, &last.site.config.limits).ok()?;
            if !warnings.is_empty() {
                return None;
            }
            fresh.push((read, doc));
        }
        // On `None` from here the model is part-patched; `rebuild` drops it.
        let mut retagged = TagChanges::default();
        let mut affected = BTreeSet::new();
        let reads: Vec<Read> = fresh.iter().map(|(read, _)| *read).collect();
        for (read, doc) in fresh {
            match read {
                Read::Release(i) => {
                    retagged.extend(last.site.replace_release(i, Arc::clone(&doc))?);
                }
                Read::Page(i) => last.site.replace_page(i, Arc::clone(&doc))?,
            }
            self.docs.insert(
                doc.source.path.clone(),
                (doc.source.clone(), Ok((doc, Diagnostics::new()))),
            );
            affected.extend(last.readers.get(&read).into_iter().flatten().copied());
        }

        let renderer = Renderer::with_templates(
            &last.site,
            Arc::clone(&last.i18n),
            Arc::clone(&last.templates),
        );
        let fingerprinter = renderer.fingerprinter();
        let mut stale = Vec::new();
        if !retagged.is_empty() {
            let jobs = renderer.jobs();
            if jobs != last.jobs {
                // A tag list gained or lost a page: line the kept plans up with
                // the new jobs. New jobs have no plan yet and are rendered.
                let mut kept: HashMap<Job, Plan> = last
                    .jobs
                    .iter()
                    .copied()
                    .zip(last.plans.drain(..))
                    .collect();
                let mut plans = Vec::with_capacity(jobs.len());
                for &job in &jobs {
                    plans.push(match kept.remove(&job) {
                        Some(plan) => plan,
                        None => {
                            let plan = fingerprinter.plan(job);
                            if self.previous.contains_key(&plan.path) {
                                // Another file already has this path; the full
                                // build reports the clash.
                                return None;
                            }
                            Plan {
                                fingerprint: None,
                                ..plan
                            }
                        }
                    });
                }
                stale.extend(kept.into_values().map(|p| p.path));
                last.jobs = jobs;
                last.plans = plans;
                last.readers = readers(&last.plans);
                affected.clear();
                for read in &reads {
                    affected.extend(last.readers.get(read).into_iter().flatten().copied());
                }
            }
            affected.extend(
                last.jobs
                    .iter()
                    .enumerate()
                    .filter(|(_, job)| job.reads_tag_lists(&last.site, &retagged))
                    .map(|(k, _)| k),
            );
        }
        log::debug!(
            "{} edit(s) patched in, {} jobs to re-plan, after {:?}",
            reads.len(),
            affected.len(),
            started.elapsed()
        );
        // Few files: render them all, and only then touch the output.
        let (jobs, plans) = (&last.jobs, &last.plans);
        let results: Vec<Replanned> = affected
            .par_iter()
            .map(|&index| {
                let job = jobs[index];
                let plan = fingerprinter.plan(job);
                if plan.fingerprint.is_some() && plan.fingerprint == plans[index].fingerprint {
                    return (index, plan, None);
                }
                let t = Instant::now();
                let page = renderer.render(job);
                log::trace!("{} in {:?}", plan.path, t.elapsed());
                (index, plan, Some(page))
            })
            .collect();
        let mut pages = Vec::new();
        let mut replanned = Vec::new();
        let mut problems = Diagnostics::new();
        for (index, plan, page) in results {
            match page {
                None if plan.reads == plans[index].reads => {}
                None => replanned.push((index, plan)),
                Some(Ok(page)) => {
                    pages.push((index, page));
                    replanned.push((index, plan));
                }
                Some(Err(d)) => problems.push(d),
            }
        }
        if problems.has_errors() {
            problems.extend(last.warnings.clone());
            return Some(Err(problems));
        }
        log::debug!("rendered after {:?}", started.elapsed());
        drop(fingerprinter);
        drop(renderer);
        let files: Vec<(&str, &[u8])> = pages
            .iter()
            .map(|(_, page)| (page.path.as_str(), page.bytes.as_slice()))
            .collect();
        let stale_refs: Vec<&String> = stale.iter().collect();
        let outcomes = match output::update_in_place(&out, &files, &stale_refs) {
            Some(Ok(outcomes)) => outcomes,
            Some(Err(e)) => {
                self.in_sync = false;
                return Some(Err(e));
            }
            None => {
                // The output folder is gone or not ours: compare everything.
                self.in_sync = false;
                return None;
            }
        };
        let mut counts: BTreeMap<String, Counts> = BTreeMap::new();
        let mut rendered = Vec::new();
        for ((index, page), outcome) in pages.iter().zip(outcomes) {
            tally(&mut counts, last.jobs[*index].language(&last.site), outcome);
            rendered.push(page.path.clone());
        }
        for path in &stale {
            self.previous.remove(path);
        }
        for (index, plan) in replanned {
            self.previous.insert(plan.path.clone(), plan.fingerprint);
            let old = std::mem::replace(&mut last.plans[index], plan);
            let new = &last.plans[index].reads;
            if &old.reads != new {
                for read in &old.reads {
                    if let Some(jobs) = last.readers.get_mut(read) {
                        jobs.retain(|&j| j != index);
                    }
                }
                for &read in new {
                    last.readers.entry(read).or_default().push(index);
                }
            }
        }
        rendered.sort();
        Some(Ok(Rebuild {
            report: BuildReport {
                counts,
                warnings: last.warnings.clone(),
                elapsed: started.elapsed(),
            },
            rendered,
            removed: stale.len(),
        }))
    }

    /// The full path: every job planned, the changed ones rendered.
    fn rebuild_all(&mut self) -> Result<Rebuild, Diagnostics> {
        let started = Instant::now();
        let (site, i18n, templates, mut warnings) = self.load()?;
        log::debug!("model ready after {:?}", started.elapsed());
        let (i18n_kept, templates_kept) = (Arc::clone(&i18n), Arc::clone(&templates));
        let renderer = Renderer::with_templates(&site, i18n, templates);
        let jobs = renderer.jobs();
        let fingerprinter = renderer.fingerprinter();
        let plans: Vec<_> = jobs
            .par_iter()
            .map(|&job| fingerprinter.plan(job))
            .collect();

        log::debug!("{} jobs planned after {:?}", jobs.len(), started.elapsed());
        let staging = match &self.opts.output {
            Some(out) => Some(
                output::check_placement(out, &site.config)
                    .and_then(|()| Staging::begin(out))
                    .map_err(Diagnostics::from)?,
            ),
            None => None,
        };
        let previous = if self.in_sync {
            Some(&self.previous)
        } else {
            None
        };
        // Pages are rendered and staged one at a time on each thread, so memory
        // holds a handful of pages, never the whole site.
        let results: Vec<Result<Handled<'_>, Diagnostic>> = jobs
            .par_iter()
            .zip(&plans)
            .map(|(&job, plan)| {
                let lang = job.language(&site);
                let unchanged = plan.fingerprint.is_some()
                    && previous.and_then(|p| p.get(&plan.path)) == Some(&plan.fingerprint);
                if unchanged {
                    return Ok(Handled {
                        lang,
                        outcome: WriteOutcome::Unchanged,
                        rendered: false,
                    });
                }
                let rendered = renderer.render(job)?;
                debug_assert_eq!(
                    rendered.path, plan.path,
                    "plan and render disagree on {job:?}"
                );
                let outcome = match &staging {
                    Some(s) => s.put(&plan.path, &rendered.bytes)?,
                    None => WriteOutcome::Unchanged,
                };
                Ok(Handled {
                    lang,
                    outcome,
                    rendered: true,
                })
            })
            .collect();

        log::debug!("rendered after {:?}", started.elapsed());
        let mut problems = Diagnostics::new();
        let mut produced = BTreeSet::new();
        let mut counts: BTreeMap<String, Counts> = BTreeMap::new();
        let mut rendered = Vec::new();
        for (result, plan) in results.into_iter().zip(&plans) {
            match result {
                Ok(handled) => {
                    tally(&mut counts, handled.lang, handled.outcome);
                    if handled.rendered {
                        rendered.push(plan.path.clone());
                    }
                    if !produced.insert(plan.path.clone()) {
                        problems.push(site.blame_output(&plan.path).unwrap_or_else(|| Diagnostic::error(&plan.path, 1, 1, "two pages of the build write this same file")
                            .with_help("a generated page and a release, page or alias share a URL; rename one of them")));
                    }
                }
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
        let mut removed = 0;
        if let Some(s) = staging {
            if let Some(previous) = previous {
                removed = previous.keys().filter(|p| !produced.contains(*p)).count();
            }
            match s.commit(&produced) {
                Ok(left) => warnings.extend(left),
                Err(e) => {
                    // Trust nothing about the output folder until a build has
                    // compared every file again.
                    self.in_sync = false;
                    return Err(e.into());
                }
            }
            self.previous = plans
                .iter()
                .map(|p| (p.path.clone(), p.fingerprint))
                .collect();
            self.in_sync = true;
        }
        warnings.extend(problems);
        rendered.sort();
        drop(fingerprinter);
        drop(renderer);
        self.last = Some(Last::new(
            site,
            i18n_kept,
            templates_kept,
            jobs,
            plans,
            warnings.clone(),
        ));
        Ok(Rebuild {
            report: BuildReport {
                counts,
                warnings,
                elapsed: started.elapsed(),
            },
            rendered,
            removed,
        })
    }

    /// Stages 1–4 and the templates, from the cache where it is valid.
    fn load(&mut self) -> Result<(Site, Arc<I18n>, Arc<TemplateSet>, Diagnostics), Diagnostics> {
        let crate::Loaded {
            site,
            i18n,
            warnings,
        } = self.load_model()?;
        let templates = match &self.templates {
            Some(t) => Arc::clone(t),
            None => {
                let loaded = TemplateSet::load(&site.config, &site.urls, Arc::clone(&i18n))
                    .map_err(|mut e| {
                        e.extend(warnings.clone());
                        e
                    })?;
                let loaded = Arc::new(loaded);
                self.templates = Some(Arc::clone(&loaded));
                loaded
            }
        };
        Ok((site, i18n, templates, warnings))
    }

    /// Stages 1–4 from the cache, reading only what was invalidated.
    pub fn load_model(&mut self) -> Result<crate::Loaded, Diagnostics> {
        if self.config.is_none() {
            self.config = Some(SiteConfig::load(&self.opts.root)?);
        }
        let config = self.config.as_ref().expect("loaded above");
        if self.files.is_none() {
            self.files = Some(source::list_files(config)?.into_iter().collect());
        }
        let t = Instant::now();
        if self.sources.is_none() {
            let files: Vec<PathBuf> = self
                .files
                .as_ref()
                .expect("listed above")
                .iter()
                .cloned()
                .collect();
            self.sources = Some(source::classify(config, &files)?);
        }
        let sources = self.sources.as_ref().expect("classified above");
        let files = &sources.docs;
        log::debug!("classified {} files in {:?}", files.len(), t.elapsed());
        let mut problems = sources.warnings.clone();

        // Parse what is new or changed, in parallel; reuse the rest.
        let stale: Vec<&SourceDoc> = sources
            .docs
            .iter()
            .filter(|d| self.docs.get(&d.path).is_none_or(|(was, _)| was != *d))
            .collect();
        let fresh: Vec<(SourceDoc, Parsed)> = stale
            .par_iter()
            .map(|&doc| (doc.clone(), parse_file(doc, &config.limits)))
            .collect();
        for (doc, parsed) in fresh {
            self.docs.insert(doc.path.clone(), (doc, parsed));
        }
        // Documents that left the file list were dropped by `invalidate`.

        let mut docs = Vec::with_capacity(sources.docs.len());
        for source in &sources.docs {
            match &self.docs[&source.path].1 {
                Ok((doc, warnings)) => {
                    problems.extend(warnings.clone());
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
                    docs.push(Arc::clone(doc));
                }
                Err(e) => problems.extend(e.clone()),
            }
        }

        let tags = self
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
        let i18n = self.i18n.get_or_insert_with(|| {
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
        };
        log::debug!("documents ready after {:?}", t.elapsed());
        let t = Instant::now();
        let site = Site::build(config.clone(), &docs, &sources.assets, tags, &model_opts).map_err(
            |mut e| {
                e.extend(problems.clone());
                e
            },
        )?;
        log::debug!("model built in {:?}", t.elapsed());
        Ok(crate::Loaded {
            site,
            i18n,
            warnings: problems,
        })
    }
}

impl Last {
    fn new(
        site: Site,
        i18n: Arc<I18n>,
        templates: Arc<TemplateSet>,
        jobs: Vec<Job>,
        plans: Vec<Plan>,
        warnings: Diagnostics,
    ) -> Last {
        let mut entries = HashMap::new();
        for (i, entry) in site.releases.iter().enumerate() {
            entries.insert(entry.doc.source.path.clone(), Read::Release(i));
        }
        for (i, entry) in site.pages.iter().enumerate() {
            entries.insert(entry.doc.source.path.clone(), Read::Page(i));
        }
        let readers = readers(&plans);
        Last {
            site,
            i18n,
            templates,
            jobs,
            plans,
            warnings,
            entries,
            readers,
        }
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

struct Handled<'a> {
    lang: Option<&'a str>,
    outcome: WriteOutcome,
    rendered: bool,
}

/// A job of the quick path: its index, its new plan, and its page unless the
/// plan showed nothing changed.
type Replanned = (usize, Plan, Option<Result<Rendered, Diagnostic>>);

/// Entry → the jobs (indices into `plans`) that read it.
fn readers(plans: &[Plan]) -> HashMap<Read, Vec<usize>> {
    let mut readers: HashMap<Read, Vec<usize>> = HashMap::new();
    for (index, plan) in plans.iter().enumerate() {
        for &read in &plan.reads {
            readers.entry(read).or_default().push(index);
        }
    }
    readers
}

fn parse_file(doc: &SourceDoc, limits: &crate::config::Limits) -> Parsed {
    let text = crate::util::fs::read_text(&doc.path, &doc.rel)?;
    document::parse_with(doc.clone(), &text, limits).map(|(d, w)| (Arc::new(d), w))
}

/// Counts one handled file under its language (`""` for none).
fn tally(counts: &mut BTreeMap<String, Counts>, lang: Option<&str>, outcome: WriteOutcome) {
    let c = counts
        .entry(lang.unwrap_or_default().to_owned())
        .or_default();
    match outcome {
        WriteOutcome::Written => c.written += 1,
        WriteOutcome::Unchanged => c.unchanged += 1,
    }
}
