//! A build that remembers: the parsed documents, bundles and templates, and
//! what every output file was made from.
//!
//! `build` runs one session once. Watch and serve keep the session and, after
//! each change, tell it which paths changed. The session re-reads only those
//! files, rebuilds the model from its cached documents (cheap), and renders
//! only the jobs whose input fingerprint ([`crate::render::Plan`]) differs from
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
use crate::i18n::I18n;
use crate::output::{Staging, WriteOutcome};
use crate::render::{Renderer, TemplateSet};
use crate::site::{ModelOptions, Site, TagRegistry};
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
    /// Parsed documents by path, with the identity they were parsed under.
    docs: HashMap<PathBuf, (SourceDoc, Parsed)>,
    tags: Option<Result<(TagRegistry, Diagnostics), Diagnostics>>,
    i18n: Option<Result<(Arc<I18n>, Diagnostics), Diagnostics>>,
    templates: Option<Arc<TemplateSet>>,
    /// Output path → input fingerprint, as of the last successful build.
    previous: HashMap<String, Option<u64>>,
    /// Whether the output folder is known to hold exactly `previous`.
    in_sync: bool,
}

/// What one rebuild did, beyond [`BuildReport`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rebuild {
    /// Files written, unchanged, per language.
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
            docs: HashMap::new(),
            tags: None,
            i18n: None,
            templates: None,
            previous: HashMap::new(),
            in_sync: false,
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
                    true
                }
                ChangeKind::Locale => {
                    self.i18n = None;
                    self.templates = None;
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
        self.config = None;
        self.files = None;
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
        self.docs.retain(|p, _| !p.starts_with(path));
        let exists = path.exists();
        let Some(files) = &mut self.files else {
            return true;
        };
        let before = files.len();
        files.retain(|p| !p.starts_with(path));
        let mut known = files.len() != before || tags_file.starts_with(path);
        if path.is_file() {
            files.insert(path.to_path_buf());
        } else if path.is_dir() {
            for entry in walkdir::WalkDir::new(path)
                .follow_links(true)
                .into_iter()
                .filter_entry(|e| {
                    e.depth() == 0 || !source::is_ignored_name(&e.file_name().to_string_lossy())
                })
                .flatten()
            {
                if entry.file_type().is_file() {
                    files.insert(entry.into_path());
                    known = true;
                }
            }
        }
        known || exists
    }

    /// Builds the site from what changed since the last call: re-reads what
    /// was invalidated, renders the jobs whose inputs changed and updates the
    /// output folder (all or nothing). On failure the output stays as the last
    /// good build left it, and the next rebuild tries again.
    pub fn rebuild(&mut self) -> Result<Rebuild, Diagnostics> {
        let started = Instant::now();
        let (site, i18n, templates, mut warnings) = self.load()?;
        let renderer = Renderer::with_templates(&site, i18n, templates);
        let jobs = renderer.jobs();
        let fingerprinter = renderer.fingerprinter();
        let plans: Vec<_> = jobs
            .par_iter()
            .map(|&job| fingerprinter.plan(job))
            .collect();

        let staging = match &self.opts.output {
            Some(out) => Some(Staging::begin(out).map_err(Diagnostics::from)?),
            None => None,
        };
        let previous = if self.in_sync {
            Some(&self.previous)
        } else {
            None
        };
        // Pages are rendered and staged one at a time on each thread, so memory
        // holds a handful of pages, never the whole site.
        let results: Vec<Result<Handled, Diagnostic>> = jobs
            .par_iter()
            .zip(&plans)
            .map(|(&job, plan)| {
                let lang = job_language(&site, job);
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

        let mut problems = Diagnostics::new();
        let mut produced = BTreeSet::new();
        let mut counts: BTreeMap<String, Counts> = BTreeMap::new();
        let mut rendered = Vec::new();
        for (result, plan) in results.into_iter().zip(&plans) {
            match result {
                Ok(handled) => {
                    let c = counts.entry(handled.lang.unwrap_or_default()).or_default();
                    match handled.outcome {
                        WriteOutcome::Written => c.written += 1,
                        WriteOutcome::Unchanged => c.unchanged += 1,
                    }
                    if handled.rendered {
                        rendered.push(plan.path.clone());
                    }
                    if !produced.insert(plan.path.clone()) {
                        problems.push(Diagnostic::error(&plan.path, 1, 1, "two pages of the build write this same file")
                            .with_help("a generated page and a release, page or alias share a URL; rename one of them"));
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
            let result = match previous {
                Some(previous) => {
                    let stale: Vec<&String> =
                        previous.keys().filter(|p| !produced.contains(*p)).collect();
                    removed = stale.len();
                    s.commit_changes(&stale)
                }
                None => s.commit(&produced),
            };
            if let Err(e) = result {
                // The output folder may now be partly updated: trust nothing
                // about it until a build has compared every file again.
                self.in_sync = false;
                return Err(e.into());
            }
            self.previous = plans.into_iter().map(|p| (p.path, p.fingerprint)).collect();
            self.in_sync = true;
        }
        warnings.extend(problems);
        rendered.sort();
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
        let files: Vec<PathBuf> = self
            .files
            .as_ref()
            .expect("listed above")
            .iter()
            .cloned()
            .collect();
        let sources = source::classify(config, &files)?;
        let mut problems = sources.warnings.clone();

        // Parse what is new or changed, in parallel; reuse the rest.
        let stale: Vec<&SourceDoc> = sources
            .docs
            .iter()
            .filter(|d| self.docs.get(&d.path).is_none_or(|(was, _)| was != *d))
            .collect();
        let fresh: Vec<(SourceDoc, Parsed)> = stale
            .par_iter()
            .map(|&doc| (doc.clone(), parse_file(doc)))
            .collect();
        for (doc, parsed) in fresh {
            self.docs.insert(doc.path.clone(), (doc, parsed));
        }
        let keep: BTreeSet<&Path> = sources.docs.iter().map(|d| d.path.as_path()).collect();
        self.docs.retain(|p, _| keep.contains(p.as_path()));

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
        let site = Site::build(config.clone(), &docs, &sources.assets, tags, &model_opts).map_err(
            |mut e| {
                e.extend(problems.clone());
                e
            },
        )?;
        Ok(crate::Loaded {
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

struct Handled {
    lang: Option<String>,
    outcome: WriteOutcome,
    rendered: bool,
}

fn parse_file(doc: &SourceDoc) -> Parsed {
    let text = crate::fs::read_text(&doc.path, &doc.rel)?;
    document::parse(doc.clone(), &text).map(|(d, w)| (Arc::new(d), w))
}

/// The language a job's file belongs to, for the summary line.
fn job_language(site: &Site, job: crate::render::Job) -> Option<String> {
    use crate::render::Job;
    let code = |l: usize| Some(site.config.languages[l].code.clone());
    match job {
        Job::Home(l)
        | Job::List(l, _)
        | Job::NotFound(l)
        | Job::TagIndex(l)
        | Job::Tag(l, _, _)
        | Job::Year(l, _, _)
        | Job::Feed(l)
        | Job::TagFeed(l, _) => code(l),
        Job::Release(i) => Some(site.releases[i].lang().to_owned()),
        Job::Page(i) => Some(site.pages[i].lang().to_owned()),
        Job::Root
        | Job::Alias(_)
        | Job::Asset(_)
        | Job::Static(_)
        | Job::Sitemap(_)
        | Job::Robots => None,
    }
}
