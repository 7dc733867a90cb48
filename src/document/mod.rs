//! Parsing one source file: front matter and markdown body.
//!
//! A document is YAML front matter between two `---` lines followed by a
//! markdown body. This stage checks everything that can be checked from the file
//! alone (required fields, types, dates, slugs, aliases) and reports each
//! problem at its line and column in the file. Checks that need the whole site
//! (duplicate URLs, unknown tags, broken links) belong to the model.

pub mod markdown;
pub mod reads;
pub mod typography;
pub mod yaml;

use std::sync::OnceLock;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, TimeZone, Utc};
use serde::Deserialize;

use crate::config::Limits;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::document::typography::Typography;
use crate::source::{Section, SourceDoc};
use crate::util::slug::is_valid_slug;
use markdown::LinkRef;

/// Titles longer than this are refused: a title is a headline, and a runaway
/// paste would otherwise be copied into every list, feed and `<title>`.
pub const MAX_TITLE_CHARS: usize = 500;

/// The front matter as written, before validation.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFrontMatter {
    title: Option<String>,
    date: Option<String>,
    summary: Option<String>,
    location: Option<String>,
    #[serde(default)]
    tags: Vec<String>,
    slug: Option<String>,
    #[serde(default)]
    draft: bool,
    embargo: Option<String>,
    #[serde(default)]
    aliases: Vec<String>,
    image: Option<String>,
    image_alt: Option<String>,
    image_caption: Option<String>,
    image_credit: Option<String>,
    translation_key: Option<String>,
    weight: Option<i64>,
    updated: Option<String>,
}

/// A publication date: a calendar date, with the exact moment when the editor
/// gave one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PubDate {
    /// The calendar date as written.
    pub date: NaiveDate,
    /// The exact moment, when front matter gave a datetime with offset.
    pub datetime: Option<DateTime<FixedOffset>>,
}

impl PubDate {
    /// The moment used for sorting and feeds: the datetime, or midnight UTC.
    pub fn instant(&self) -> DateTime<FixedOffset> {
        self.datetime.unwrap_or_else(|| {
            Utc.from_utc_datetime(&self.date.and_time(NaiveTime::MIN))
                .fixed_offset()
        })
    }
}

/// Validated front matter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrontMatter {
    /// The headline.
    pub title: String,
    /// Publication date; always present for releases.
    pub date: Option<PubDate>,
    /// A plain-text summary; derived from the body when absent.
    pub summary: Option<String>,
    /// Where the release was issued, e.g. "Astana".
    pub location: Option<String>,
    /// Tag keys.
    pub tags: Vec<String>,
    /// A slug that overrides the file name.
    pub slug: Option<String>,
    /// Left out of the build unless drafts are asked for.
    pub draft: bool,
    /// Left out of the build until this moment unless embargoed releases are asked for.
    pub embargo: Option<DateTime<FixedOffset>>,
    /// Old site paths that must redirect to this page.
    pub aliases: Vec<String>,
    /// An image for the page (relative to the page or absolute URL).
    pub image: Option<String>,
    /// The image's alternative text; empty for a decorative photo.
    pub image_alt: Option<String>,
    /// A caption shown under the lead photo.
    pub image_caption: Option<String>,
    /// Who made the photo and under which licence, shown with it.
    pub image_credit: Option<String>,
    /// Links translations whose file names differ.
    pub translation_key: Option<String>,
    /// Ordering of static pages in menus, lowest first.
    pub weight: i64,
    /// When the text was last changed after publication, if it was.
    pub updated: Option<PubDate>,
}

/// A parsed source file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// Where it came from.
    pub source: SourceDoc,
    /// Its validated front matter.
    pub front: FrontMatter,
    /// The file's text: read with the document, or on first use when the
    /// document was rebuilt from the build cache (see [`Document::cached`]).
    /// The body is read through [`Document::body`], which logs the read
    /// (see [`reads`]).
    text: Text,
    /// A stable hash of the front matter text: what tells two documents'
    /// front matter apart without their texts.
    front_hash: u64,
    /// The 1-based line of the file on which the body starts.
    pub body_line: usize,
    /// Plain-text summary: front matter's, or the body's first paragraph.
    pub summary: String,
    /// Internal links (`@/…`) in the body, checked by the model.
    pub links: Vec<LinkRef>,
    /// References to files (images, linked documents) in the body, checked
    /// by the model against the bundle's files and the static files.
    pub files: Vec<LinkRef>,
    /// A stable hash of the file's text and identity: what a page that reads
    /// the document records (see `render::deps`). Read through
    /// [`Document::hash`], which logs the read as one of the body's.
    hash: u64,
    /// [`Document::id`], worked out once: every logged read names it.
    id: u64,
}

/// A document's text, split at its body, once read.
#[derive(Debug, Clone, Default)]
struct Text(OnceLock<Option<Split>>);

/// Two texts are compared through their documents' `hash`, which covers
/// the text: a text not read yet has nothing else to compare.
impl PartialEq for Text {
    fn eq(&self, _: &Text) -> bool {
        true
    }
}

impl Eq for Text {}

impl Text {
    /// A text already read.
    fn read(split: Split) -> Text {
        Text(OnceLock::from(Some(split)))
    }
}

/// A file's text with where its front matter and its body start in it.
#[derive(Debug, Clone)]
struct Split {
    text: Box<str>,
    front: std::ops::Range<usize>,
    body: usize,
}

impl Split {
    /// `text` split as [`split_front_matter`] splits it, which returned
    /// `front` and `body`, two slices of it.
    fn of(text: &str, front: &str, body: &str) -> Split {
        let at = |part: &str| part.as_ptr() as usize - text.as_ptr() as usize;
        Split {
            text: text.into(),
            front: at(front)..at(front) + front.len(),
            body: at(body),
        }
    }
}

/// A document without its body (see [`Document::meta`]).
#[derive(PartialEq)]
struct Meta<'a> {
    source: &'a SourceDoc,
    front: &'a FrontMatter,
    front_hash: u64,
    summary: &'a str,
    links: &'a [LinkRef],
    files: &'a [LinkRef],
}

/// What parsing a file derives beyond slicing its text: kept by the build
/// cache (keyed by [`Document::hash`]) so that an unchanged file need not be
/// parsed again in the next process.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Derived {
    /// The validated front matter.
    pub front: FrontMatter,
    /// The summary.
    pub summary: String,
    /// The internal links of the body.
    pub links: Vec<LinkRef>,
    /// The references to files in the body.
    pub files: Vec<LinkRef>,
    /// The 1-based line of the file on which the body starts.
    pub body_line: usize,
    /// A stable hash of the front matter text.
    pub front_hash: u64,
}

impl Document {
    /// What [`Derived`] keeps of this document.
    pub fn derived(&self) -> Derived {
        Derived {
            front: self.front.clone(),
            summary: self.summary.clone(),
            links: self.links.clone(),
            files: self.files.clone(),
            body_line: self.body_line,
            front_hash: self.front_hash,
        }
    }

    /// The document of `text` rebuilt from what parsing the same text (same
    /// [`content_hash`]) derived earlier, without parsing it again; `None`
    /// when the text does not split into front matter and body.
    pub fn from_derived(source: SourceDoc, text: &str, derived: Derived) -> Option<Document> {
        let (front_text, body, _) = split_front_matter(text, &source).ok()?;
        let hash = content_hash(&source, text);
        let mut doc = Document::cached(source, hash, derived);
        doc.text = Text::read(Split::of(text, front_text, body));
        Some(doc)
    }

    /// The document whose file had the text of [`content_hash`] `hash`
    /// when parsing it derived `derived`, rebuilt without reading the file:
    /// for a file whose stamp says it did not change since. Its text is
    /// read on first use; if the file holds another text by then,
    /// [`Document::text_lost`] says so and the text reads as empty.
    pub fn cached(source: SourceDoc, hash: u64, derived: Derived) -> Document {
        Document {
            front: derived.front,
            text: Text::default(),
            front_hash: derived.front_hash,
            body_line: derived.body_line,
            summary: derived.summary,
            links: derived.links,
            files: derived.files,
            hash,
            id: crate::util::hash::stable_hash(&source.rel),
            source,
        }
    }

    /// The text, read now if it was not: `None` when the file cannot be
    /// read or no longer holds the text the document was made from.
    fn split(&self) -> Option<&Split> {
        self.text
            .0
            .get_or_init(|| {
                with_text(&self.source, |text| {
                    if content_hash(&self.source, text) != self.hash {
                        return None;
                    }
                    let (front, body, _) = split_front_matter(text, &self.source).ok()?;
                    Some(Split::of(text, front, body))
                })
                .ok()
                .flatten()
            })
            .as_ref()
    }

    /// Reads the text now if it was not, without logging a read: so that
    /// many documents' texts can be read in parallel before one thread
    /// reads their bodies.
    pub fn preload(&self) {
        self.split();
    }

    /// Whether the text, read on first use, was not the one the document
    /// was made from (or could not be read): then the build read an empty
    /// body and must not be kept.
    pub fn text_lost(&self) -> bool {
        self.text.0.get().is_some_and(Option::is_none)
    }

    /// The markdown body.
    pub fn body(&self) -> &str {
        reads::note(|| self.id());
        self.split().map_or("", |s| &s.text[s.body..])
    }

    /// The front matter text, to locate fields in later diagnostics.
    pub fn front_text(&self) -> &str {
        self.split().map_or("", |s| &s.text[s.front.clone()])
    }

    /// A stable hash of the file's text and identity (which changes with
    /// the body, so reading it counts as reading the body).
    pub fn hash(&self) -> u64 {
        reads::note(|| self.id());
        self.hash
    }

    /// Its identity across builds and processes: a stable hash of its path
    /// relative to the site root.
    pub fn id(&self) -> u64 {
        self.id
    }

    /// Everything but the body: the file, the parsed and the written front
    /// matter, and what the model derives from the body (summary, links
    /// and file references). Every field is named, so that a new one has to
    /// be placed on one side or the other.
    fn meta(&self) -> Meta<'_> {
        let Document {
            source,
            front,
            text: _,
            front_hash,
            body_line: _,
            summary,
            links,
            files,
            hash: _,
            id: _,
        } = self;
        Meta {
            source,
            front,
            front_hash: *front_hash,
            summary,
            links,
            files,
        }
    }

    /// Whether `other` is this document with only its body changed (see
    /// [`Document::meta`]): a model built from one is the model built from
    /// the other but for the text pages show.
    pub fn same_but_body(&self, other: &Document) -> bool {
        self.meta() == other.meta()
    }

    /// Whether `other` is this document with only its body and its tags
    /// changed: the front matter parses to the same values but for `tags`
    /// (its text differs, which only places the fields for reports), and
    /// what the model derives from the body is the same. A model built from
    /// one differs from the model built from the other only in what reads
    /// tags (see `Site::build`).
    pub fn same_but_body_and_tags(&self, other: &Document) -> bool {
        let (mine, theirs) = (self.meta(), other.meta());
        let untagged = |front: &FrontMatter| FrontMatter {
            tags: Vec::new(),
            ..front.clone()
        };
        mine.source == theirs.source
            && mine.summary == theirs.summary
            && mine.links == theirs.links
            && mine.files == theirs.files
            && untagged(mine.front) == untagged(theirs.front)
    }

    /// Its tag keys. Reading them counts as reading the body (see
    /// [`reads`]): a model taken over after a tag edit differs in them.
    pub fn tags(&self) -> &[String] {
        reads::note(|| self.id());
        &self.front.tags
    }

    /// A stable hash of what [`Document::same_but_body`] compares, for a
    /// later process to compare with. The parsed front matter is not
    /// hashed: it is made from the front matter text, the file's identity
    /// and the configuration, which the build cache stamps.
    pub fn meta_hash(&self) -> u64 {
        let Meta {
            source,
            front: _,
            front_hash,
            summary,
            links,
            files,
        } = self.meta();
        let mut h = crate::util::hash::StableHasher::new();
        h.add(&source.path)
            .add(&source.rel)
            .add(&(source.section as u64))
            .add(&source.key)
            .add(&source.stem)
            .add(&source.lang)
            .add(&source.bundle)
            .add(&front_hash)
            .add(summary);
        for list in [links, files] {
            h.add(&list.len());
            for link in list {
                h.add(&link.target)
                    .add(&link.fragment.is_some())
                    .add(link.fragment.as_deref().unwrap_or(""))
                    .add(&link.line)
                    .add(&link.column);
            }
        }
        h.finish()
    }

    /// The 1-based line and column of a front-matter field (or of `needle`
    /// inside its value) in the file.
    pub fn position_of(&self, key: &str, needle: Option<&str>) -> (usize, usize) {
        yaml::find_value(self.front_text(), key, needle).map_or((1, 1), |(l, c)| (l + 1, c))
    }
}

/// Splits text into (front matter, body, body's first line), or explains why
/// it cannot.
pub fn split_front_matter<'a>(
    text: &'a str,
    source: &SourceDoc,
) -> Result<(&'a str, &'a str, usize), Diagnostic> {
    let rel = &source.rel;
    if text.trim().is_empty() {
        return Err(Diagnostic::error(rel, 1, 1, "the file is empty").with_help(
            "start it with front matter: a line `---`, `title: \"…\"`, `date: YYYY-MM-DD`, a line `---`, then the text",
        ));
    }
    let Some(rest) = text
        .strip_prefix("---\n")
        .or_else(|| (text.trim_end() == "---").then_some(""))
    else {
        return Err(Diagnostic::error(rel, 1, 1, "the file does not start with front matter").with_help(
            "add a line `---` at the very top, then `title: \"…\"` and `date: YYYY-MM-DD`, then another `---` line before the text",
        ));
    };
    let mut offset = 0;
    for (index, line) in rest.split_inclusive('\n').enumerate() {
        if line.trim_end() == "---" {
            let front = &rest[..offset];
            let body = &rest[offset + line.len()..];
            // Line 1 is the opening `---`, the front matter starts on line 2,
            // and the closing `---` is on line `index + 2`.
            return Ok((front, body, index + 3));
        }
        offset += line.len();
    }
    Err(
        Diagnostic::error(rel, 1, 1, "the front matter is not closed").with_help(
            "add a line `---` after the last front-matter field, before the text of the release",
        ),
    )
}

/// Parses a document from its text under the default [`Limits`]. On success
/// the document comes with the warnings found; on failure every problem
/// found is returned.
pub fn parse(source: SourceDoc, text: &str) -> Result<(Document, Diagnostics), Diagnostics> {
    parse_with(source, text, &Limits::default())
}

/// Parses a document from its text under the site's `limits`.
pub fn parse_with(
    source: SourceDoc,
    text: &str,
    limits: &Limits,
) -> Result<(Document, Diagnostics), Diagnostics> {
    // Before any parsing: the size is what makes a document expensive.
    if text.len() > limits.document_bytes {
        return Err(Diagnostic::error(
            &source.rel,
            1,
            1,
            format!(
                "the file is {} bytes long, more than the {} allowed",
                text.len(),
                limits.document_bytes
            ),
        )
        .with_help("split it, attach large tables as files of a bundle, or raise `limits: { document_bytes: … }` in site.yaml")
        .into());
    }
    let (front_text, body, body_line) =
        split_front_matter(text, &source).map_err(Diagnostics::from)?;
    let rel = source.rel.clone();
    let has_fields = front_text
        .lines()
        .any(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'));
    if !has_fields {
        return Err(Diagnostic::error(&rel, 2, 1, "the front matter is empty")
            .with_help("add at least `title: \"…\"` and, for a release, `date: YYYY-MM-DD`")
            .into());
    }
    let raw: RawFrontMatter = yaml::parse(&rel, front_text, 2).map_err(Diagnostics::from)?;
    let mut problems = Diagnostics::new();
    // Valid YAML that silently drops text: `title: Forum #2` is `Forum`.
    let comment = yaml::comment_in_text(front_text);
    let title_commented = comment
        .as_ref()
        .is_some_and(|m| Some(m.line) == yaml::find_key(front_text, "title"));
    if let Some(m) = comment {
        problems.push(Diagnostic::error(&rel, m.line + 1, m.column, m.message).with_help(m.help));
    }
    let at = |key: &str, needle: Option<&str>| {
        yaml::find_value(front_text, key, needle).map_or((1, 1), |(l, c)| (l + 1, c))
    };
    let error = |key: &str, needle: Option<&str>, message: String, help: &str| {
        let (line, column) = at(key, needle);
        Diagnostic::error(&rel, line, column, message).with_help(help)
    };

    let title = match raw.title.as_deref().map(str::trim) {
        None if title_commented => String::new(),
        None => {
            problems.push(
                Diagnostic::error(&rel, 1, 1, "the front matter has no `title`")
                    .with_help("add a line `title: \"…\"` between the `---` lines"),
            );
            String::new()
        }
        Some("") => {
            problems.push(error(
                "title",
                None,
                "the title is empty".into(),
                "write the release's headline after `title:`",
            ));
            String::new()
        }
        Some(t) if t.chars().count() > MAX_TITLE_CHARS => {
            problems.push(error(
                "title",
                None,
                format!(
                    "the title is {} characters long, more than the {MAX_TITLE_CHARS} allowed",
                    t.chars().count()
                ),
                "shorten the headline; put the details in `summary` or the text",
            ));
            String::new()
        }
        Some(t) => t.to_owned(),
    };

    let date = match raw.date.as_deref() {
        // A draft may wait for its date (`pressroom import` writes such drafts
        // when a text does not say when it was issued); it is built once dated.
        None if source.section == Section::Releases && !raw.draft => {
            problems.push(
                Diagnostic::error(&rel, 1, 1, "the front matter has no `date`").with_help(
                    "add a line `date: YYYY-MM-DD` with the release date, e.g. `date: 2015-12-11`",
                ),
            );
            None
        }
        None => None,
        Some(text) => match parse_date(text) {
            Ok(d) => Some(d),
            Err(why) => {
                problems.push(error("date", None, format!("`{text}` is not a valid date: {why}"),
                    "write the date as YYYY-MM-DD (e.g. 2015-12-11) or as a datetime with offset (e.g. 2015-12-11T10:00:00+06:00)"));
                None
            }
        },
    };

    let updated = match raw.updated.as_deref() {
        None => None,
        Some(text) => match parse_date(text) {
            Ok(d) if date.is_some_and(|p| d.instant() < p.instant()) => {
                problems.push(error(
                    "updated",
                    None,
                    format!("`updated: {text}` is before the release's `date`"),
                    "give the date of the last change, on or after the publication date",
                ));
                None
            }
            Ok(d) => Some(d),
            Err(why) => {
                problems.push(error("updated", None, format!("`{text}` is not a valid date: {why}"),
                    "write the date of the last change as YYYY-MM-DD (e.g. 2015-12-14) or as a datetime with offset (e.g. 2015-12-14T10:00:00+06:00)"));
                None
            }
        },
    };

    let embargo = match raw.embargo.as_deref() {
        None => None,
        Some(text) => match DateTime::parse_from_rfc3339(text.trim()) {
            Ok(dt) => Some(dt),
            Err(_) => {
                problems.push(error("embargo", None, format!("`{text}` is not a datetime with a UTC offset"),
                    "write the moment the embargo lifts with its offset, e.g. `embargo: 2015-12-11T09:00:00+06:00`"));
                None
            }
        },
    };

    if let Some(slug) = &raw.slug
        && !is_valid_slug(slug)
    {
        problems.push(error("slug", None, format!("the slug `{}` is not a valid slug", slug.escape_debug()),
                "use lower-case ASCII letters, digits and single hyphens, e.g. `slug: penitentiary-forum`"));
    }
    if raw.tags.len() > limits.tags_per_release {
        problems.push(error("tags", None, format!("the release has {} tags, more than the {} allowed", raw.tags.len(), limits.tags_per_release),
            "keep the tags a reader would browse by, or raise `limits: { tags_per_release: … }` in site.yaml"));
    }
    for (key, value, limit) in [
        ("summary", &raw.summary, limits.summary_chars),
        ("location", &raw.location, limits.location_chars),
    ] {
        let count = value.as_deref().map_or(0, |v| v.chars().count());
        if count > limit {
            problems.push(error(
                key,
                None,
                format!("`{key}` is {count} characters long, more than the {limit} allowed"),
                &format!("shorten it, or raise `limits: {{ {key}_chars: … }}` in site.yaml"),
            ));
        }
    }
    if let Some(slug) = &raw.slug
        && slug.len() > limits.file_name_bytes
    {
        problems.push(error("slug", None, format!("the slug is {} bytes long, more than the {} a file name may have", slug.len(), limits.file_name_bytes),
            "shorten it (file systems refuse longer names); `limits: { file_name_bytes: … }` in site.yaml sets the bound"));
    }
    for alias in &raw.aliases {
        if let Some(part) = alias.split('/').find(|p| p.len() > limits.file_name_bytes) {
            problems.push(error("aliases", Some(alias), format!("a part of the alias is {} bytes long, more than the {} a file name may have", part.len(), limits.file_name_bytes),
                "shorten it (file systems refuse longer names); `limits: { file_name_bytes: … }` in site.yaml sets the bound"));
        }
    }
    for tag in &raw.tags {
        if !is_valid_slug(tag) {
            problems.push(error("tags", Some(tag), format!("the tag key `{}` is not a valid key", tag.escape_debug()),
                "tag keys are lower-case ASCII letters, digits and single hyphens, e.g. `prison-reform`; labels go in content/tags.yaml"));
        }
    }
    for alias in &raw.aliases {
        if let Err(why) = check_alias(alias) {
            problems.push(error("aliases", Some(alias), format!("the alias `{}` {why}", alias.escape_debug()),
                "write the old page's path on this site, starting with `/`, e.g. `/press/2015/forum.html`"));
        }
    }
    if let Some(key) = &raw.translation_key
        && key.trim().is_empty()
    {
        problems.push(error(
            "translation_key",
            None,
            "the translation key is empty".into(),
            "give all translations of a release the same non-empty key, or remove the field",
        ));
    }
    if raw.image_alt.is_some() && raw.image.is_none() {
        problems.push(error(
            "image_alt",
            None,
            "`image_alt` is given without `image`".into(),
            "add `image: photo.jpg` or remove `image_alt`",
        ));
    }
    for (key, value) in [
        ("image_caption", &raw.image_caption),
        ("image_credit", &raw.image_credit),
    ] {
        if value.is_some() && raw.image.is_none() {
            problems.push(error(
                key,
                None,
                format!("`{key}` is given without `image`"),
                "add `image: photo.jpg` or remove it",
            ));
        }
    }
    if raw.image.is_some() {
        match raw.image_alt.as_deref() {
            // `image_alt: ""` says on purpose that the photo is decorative.
            Some("") => {}
            Some(alt) if alt.trim().is_empty() => problems.push(error(
                "image_alt",
                None,
                "`image_alt` is only spaces".into(),
                "describe the photo in `image_alt: \"…\"`, or write `image_alt: \"\"` if it is only decoration",
            )),
            Some(_) => {}
            None => {
                let (line, column) = at("image", None);
                problems.push(
                    Diagnostic::error(&rel, line, column, "the photo has no `image_alt` text").with_help(
                        "describe it for readers who cannot see it in `image_alt: \"…\"`, or write `image_alt: \"\"` if it is only decoration",
                    ),
                );
            }
        }
    }
    // YAML escapes (`"\x01"`) reach the text past the check on the file.
    for (key, value) in [
        ("title", &raw.title),
        ("summary", &raw.summary),
        ("location", &raw.location),
        ("image_alt", &raw.image_alt),
        ("image_caption", &raw.image_caption),
        ("image_credit", &raw.image_credit),
    ] {
        if let Some(c) = value
            .as_deref()
            .and_then(|v| v.chars().find(|&c| crate::util::fs::is_xml_forbidden(c)))
        {
            problems.push(error(key, None, format!("`{key}` contains the invisible control character U+{:04X}, which feeds and the sitemap (XML) cannot carry", u32::from(c)),
                "remove the escape that writes it"));
        }
    }
    let markdown::Scanned {
        links,
        files,
        unsafe_urls,
    } = markdown::scan(body, body_line);
    for bad in unsafe_urls {
        problems.push(unsafe_url_error(
            &rel,
            bad.line,
            bad.column,
            &bad.scheme,
            &bad.url,
        ));
    }
    if let Some(image) = &raw.image
        && let Some(scheme) = markdown::disallowed_scheme(image)
    {
        let (line, column) = at("image", None);
        problems.push(unsafe_url_error(&rel, line, column, &scheme, image));
    }
    let summary = match raw.summary.as_deref().map(str::trim) {
        Some(s) if !s.is_empty() => s.to_owned(),
        // CLDR's typography of the document's language: the site's `locale`
        // and `quotes` are not known at this stage.
        _ => match Typography::for_locale(&source.lang, None) {
            Some(typography) => {
                markdown::first_paragraph_text(body, markdown::SUMMARY_CHARS, &typography)
            }
            None => String::new(),
        },
    };

    if problems.has_errors() {
        return Err(problems);
    }
    let doc = Document {
        front: FrontMatter {
            title,
            date,
            summary: raw.summary,
            location: raw.location.filter(|l| !l.trim().is_empty()),
            tags: raw.tags,
            slug: raw.slug,
            draft: raw.draft,
            embargo,
            aliases: raw.aliases,
            image: raw.image,
            image_alt: raw.image_alt,
            image_caption: raw.image_caption.filter(|c| !c.trim().is_empty()),
            image_credit: raw.image_credit.filter(|c| !c.trim().is_empty()),
            translation_key: raw.translation_key,
            weight: raw.weight.unwrap_or(0),
            updated,
        },
        text: Text::read(Split::of(text, front_text, body)),
        front_hash: crate::util::hash::stable_hash(front_text),
        body_line,
        summary,
        links,
        files,
        hash: content_hash(&source, text),
        id: crate::util::hash::stable_hash(&source.rel),
        source,
    };
    Ok((doc, problems))
}

/// The error for a link or image URL whose scheme is not allowed.
fn unsafe_url_error(
    rel: &std::path::Path,
    line: usize,
    column: usize,
    scheme: &str,
    url: &str,
) -> Diagnostic {
    let shown: String = url.chars().take(80).collect();
    Diagnostic::error(
        rel,
        line,
        column,
        format!(
            "the URL `{}` uses the `{scheme}:` scheme, which could run code in readers' browsers",
            shown.escape_debug()
        ),
    )
    .with_help("link only to http(s), mailto: and tel: addresses, relative paths, or other files with `@/…`")
}

/// Reads `source`'s file and hands its text to `with`, decoded as every
/// content file is ([`crate::util::fs::decode_str`]: UTF-8, no BOM, `\n`
/// line endings) and borrowed from the bytes read where it can be.
pub fn with_text<T>(source: &SourceDoc, with: impl FnOnce(&str) -> T) -> Result<T, Diagnostic> {
    use crate::util::fs;
    let bytes =
        std::fs::read(&source.path).map_err(|e| fs::io_diagnostic(&source.rel, &e, "read"))?;
    Ok(with(&fs::decode_str(&bytes, &source.rel)?))
}

/// The stable hash of a file's text and identity: [`Document::hash`].
pub fn content_hash(source: &SourceDoc, text: &str) -> u64 {
    // Stable across processes: the build cache compares it with the hash of
    // an earlier run.
    let mut h = crate::util::hash::StableHasher::new();
    h.add(&source.rel)
        .add(&source.lang)
        .add(&source.key)
        .add(text);
    h.finish()
}

/// Parses `YYYY-MM-DD` or an RFC 3339 datetime with offset.
pub fn parse_date(text: &str) -> Result<PubDate, &'static str> {
    let text = text.trim();
    if text.len() == 10 {
        return NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .map(|date| PubDate {
                date,
                datetime: None,
            })
            .map_err(|_| "there is no such day in the calendar, or the format is not YYYY-MM-DD");
    }
    if text.contains('T') || text.contains(' ') {
        return match DateTime::parse_from_rfc3339(&text.replacen(' ', "T", 1)) {
            Ok(dt) => Ok(PubDate {
                date: dt.date_naive(),
                datetime: Some(dt),
            }),
            Err(_) if !has_offset(text) => Err("a datetime needs a UTC offset such as +06:00 or Z"),
            Err(_) => Err("it is not an RFC 3339 datetime"),
        };
    }
    Err("the format is not YYYY-MM-DD")
}

fn has_offset(text: &str) -> bool {
    text.ends_with('Z')
        || text
            .rsplit_once(['+', '-'])
            .is_some_and(|(a, b)| a.contains('T') && b.contains(':'))
}

/// An alias must be a path on this site that maps to a file inside the output
/// folder, whatever the editor typed.
fn check_alias(alias: &str) -> Result<(), &'static str> {
    if !alias.starts_with('/') || alias.starts_with("//") {
        return Err("is not a path on this site starting with `/`");
    }
    if alias.contains(['\0', '\\', '?', '#', ':']) || alias.chars().any(char::is_control) {
        return Err("contains a character that cannot be part of a file path");
    }
    if alias.split('/').any(|seg| seg == ".." || seg == ".") {
        return Err("contains `.` or `..` segments");
    }
    if alias.split('/').any(|seg| seg.starts_with('.')) {
        return Err(
            "names a hidden file or folder (a part starts with `.`), which the build never writes",
        );
    }
    if alias.trim_matches('/').is_empty() {
        return Err("is the site root, which is not a page to redirect");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn source(section: Section) -> SourceDoc {
        SourceDoc {
            path: PathBuf::from("/site/content/releases/2015/forum.en.md"),
            rel: PathBuf::from("content/releases/2015/forum.en.md"),
            section,
            key: "2015/forum".into(),
            stem: "forum".into(),
            lang: "en".into(),
            bundle: false,
        }
    }

    fn parse_release(text: &str) -> Result<Document, Diagnostics> {
        parse(source(Section::Releases), text).map(|(doc, _)| doc)
    }

    fn first_error(text: &str) -> String {
        parse_release(text).unwrap_err().sorted()[0].to_string()
    }

    #[test]
    fn a_document_from_the_cache_reads_its_text_on_first_use_and_checks_it() {
        let dir = tempfile::tempdir().unwrap();
        let text = "---\ntitle: \"Forum\"\ndate: 2015-12-11\n---\n\nFirst paragraph.\n\nSecond.\n";
        let mut src = source(Section::Releases);
        src.path = dir.path().join("forum.en.md");
        std::fs::write(&src.path, text).unwrap();
        let parsed = parse(src.clone(), text).unwrap().0;
        let cached = || Document::cached(src.clone(), parsed.hash(), parsed.derived());
        // The same document, its text read from the file when asked for.
        let doc = cached();
        assert_eq!(doc.front_text(), parsed.front_text());
        assert_eq!(doc.body(), parsed.body());
        assert_eq!(doc.body_line, parsed.body_line);
        assert_eq!(doc.meta_hash(), parsed.meta_hash());
        assert!(doc.same_but_body(&parsed) && !doc.text_lost());
        assert_eq!(
            doc.position_of("date", None),
            parsed.position_of("date", None)
        );
        // A file that holds another text by then: an empty body, and the
        // document says so.
        let doc = cached();
        std::fs::write(&src.path, text.replace("First", "Fixed")).unwrap();
        doc.preload();
        assert!(doc.text_lost());
        assert_eq!(doc.body(), "");
        // Compared without its text: a text it never read stays unread.
        let doc = cached();
        assert!(doc.same_but_body(&parsed) && doc == parsed);
        assert!(!doc.text_lost() && doc.text.0.get().is_none());
    }

    #[test]
    fn a_release_parses() {
        let doc = parse_release("---\ntitle: \"Forum\"\ndate: 2015-12-11\nlocation: Astana\ntags: [probation]\n---\n\nFirst *paragraph*.\n\nSecond.\n").unwrap();
        assert_eq!(doc.front.title, "Forum");
        assert_eq!(
            doc.front.date.unwrap().date,
            NaiveDate::from_ymd_opt(2015, 12, 11).unwrap()
        );
        assert_eq!(doc.front.location.as_deref(), Some("Astana"));
        assert_eq!(doc.body_line, 7);
        assert_eq!(doc.summary, "First paragraph.");
        assert_eq!(doc.position_of("tags", Some("probation")), (5, 8));
    }

    #[test]
    fn datetimes_need_an_offset() {
        let d = parse_date("2015-12-11T10:00:00+06:00").unwrap();
        assert_eq!(d.date, NaiveDate::from_ymd_opt(2015, 12, 11).unwrap());
        assert_eq!(d.instant().to_rfc3339(), "2015-12-11T10:00:00+06:00");
        assert_eq!(
            parse_date("2015-12-11T10:00:00"),
            Err("a datetime needs a UTC offset such as +06:00 or Z")
        );
        assert!(parse_date("2015-02-30").is_err());
        assert!(parse_date("yesterday").is_err());
    }

    #[test]
    fn structural_errors() {
        assert_eq!(
            first_error(""),
            "content/releases/2015/forum.en.md:1:1: error: the file is empty\n  help: start it with front matter: a line `---`, `title: \"…\"`, `date: YYYY-MM-DD`, a line `---`, then the text"
        );
        assert!(
            first_error("---\ntitle: x\ndate: 2015-01-01\n")
                .contains("1:1: error: the front matter is not closed")
        );
        assert!(first_error("Just text\n").contains("does not start with front matter"));
        assert!(first_error("---\n---\nbody").contains("2:1: error: the front matter is empty"));
        assert!(first_error("---\n- a\n- b\n---\n").contains("expected a mapping"));
    }

    #[test]
    fn field_errors_point_at_the_value() {
        assert!(
            first_error("---\ndate: 2015-01-01\n---\n")
                .contains("1:1: error: the front matter has no `title`")
        );
        assert!(first_error("---\ntitle: x\n---\n").contains("has no `date`"));
        assert!(
            first_error("---\ntitle: x\ndate: 2015-02-30\n---\n")
                .contains(":3:7: error: `2015-02-30` is not a valid date")
        );
        assert!(
            first_error("---\ntitle: x\ndate: yesterday\n---\n")
                .contains(":3:7: error: `yesterday`")
        );
        assert!(
            first_error("---\ntitle: x\ndate: 2015-01-01\ntags: probation\n---\n")
                .contains(":4:7: error: `tags`: expected a list")
        );
        assert!(
            first_error("---\ntitle: x\ndate: 2015-01-01\ncolour: red\n---\n")
                .contains(":4:1: error: unknown field `colour`")
        );
        assert!(
            first_error("---\ntitle: x\ndate: 2015-01-01\ntags: [ok, Not OK]\n---\n")
                .contains(":4:12: error: the tag key `Not OK`")
        );
        assert!(
            first_error("---\ntitle: x\ndate: 2015-01-01\nslug: ../../etc\n---\n")
                .contains(":4:7: error: the slug `../../etc` is not a valid slug")
        );
    }

    #[test]
    fn every_error_is_reported_at_once() {
        let e = parse_release(
            "---\ntitle: \"\"\ndate: 2015-13-01\nslug: A B\naliases: [\"../x\"]\n---\n",
        )
        .unwrap_err();
        assert_eq!(e.error_count(), 4, "{:#?}", e.sorted());
    }

    #[test]
    fn aliases_stay_inside_the_site() {
        assert!(check_alias("/press/2015/forum.html").is_ok());
        assert!(check_alias("/ru/старый-адрес/").is_ok());
        for bad in [
            "press/x",
            "//evil.example/x",
            "/a/../../etc",
            "/a\0b",
            "/",
            "C:\\x",
            "/a/./b",
        ] {
            assert!(check_alias(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn long_titles_are_refused() {
        let text = format!(
            "---\ntitle: \"{}\"\ndate: 2015-01-01\n---\n",
            "x".repeat(MAX_TITLE_CHARS + 1)
        );
        assert!(first_error(&text).contains("characters long"));
    }

    #[test]
    fn drafts_may_wait_for_their_date() {
        let doc = parse_release("---\ntitle: Undated\ndraft: true\n---\nText").unwrap();
        assert!(doc.front.date.is_none());
    }

    #[test]
    fn pages_need_no_date() {
        let (doc, warnings) = parse(
            source(Section::Pages),
            "---\ntitle: About\nweight: 2\n---\nText",
        )
        .unwrap();
        assert!(warnings.is_empty());
        assert_eq!(doc.front.weight, 2);
        assert!(doc.front.date.is_none());
    }
}
