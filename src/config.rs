//! Site configuration: `site.yaml` at the root of a site.
//!
//! The configuration is read once per build into a [`SiteConfig`], a plain value
//! that every later stage borrows. Unknown keys are errors with a suggestion,
//! because a misspelt option that is silently ignored costs an editor an
//! afternoon.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::document::yaml;
use crate::util::fs;

mod organization;
pub use organization::{Localized, MediaContact, Organization};

/// The name of the configuration file at the site root.
pub const CONFIG_FILE: &str = "site.yaml";

/// Related releases a release page shows unless `related_releases` says.
pub const DEFAULT_RELATED: usize = 3;

/// The most related releases a page may show: each is a line on every
/// release page, and finding them costs time per release.
pub const MAX_RELATED: usize = 20;

/// The whole site configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteConfig {
    /// The site root: the folder holding `site.yaml`.
    pub root: PathBuf,
    /// The site title (used for languages that do not give their own).
    pub title: String,
    /// A one-line description for search engines and feeds.
    pub description: Option<String>,
    /// Absolute URL the site is published at, without a trailing slash.
    pub base_url: String,
    /// The languages, the default one first.
    pub languages: Vec<Language>,
    /// The theme folder name under `themes/`.
    pub theme: String,
    /// Releases per page in paginated lists.
    pub pagination: usize,
    /// Releases on each language's home page.
    pub home_releases: usize,
    /// Entries in each Atom feed.
    pub feed_releases: usize,
    /// Markdown options.
    pub markdown: MarkdownConfig,
    /// How photos are resized and encoded (see [`crate::images`]).
    pub images: ImagesConfig,
    /// Serve the default language at `/` instead of `/{lang}/`.
    pub default_language_at_root: bool,
    /// List releases that lack a translation in a language's lists, under an
    /// available language, marked as not translated.
    pub list_untranslated: bool,
    /// Write the search index and page of each language (issue 16).
    pub search: bool,
    /// Bounds on what one document may hold.
    pub limits: Limits,
    /// Where `pressroom deploy` publishes the built site.
    pub deploy: DeployConfig,
    /// The press office that publishes the site, when site.yaml names it.
    pub organization: Option<Organization>,
    /// Related releases a release page shows (0 for none).
    pub related_releases: usize,
}

/// Bounds that keep one runaway document from making the build slow, huge
/// or out of memory; `limits:` in site.yaml changes them. Every limit is
/// checked by `check` and `build` alike and reported at the document's line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Limits {
    /// Tags on one release: every tag page lists its releases with their
    /// tags, so the output grows with the square of this number.
    pub tags_per_release: usize,
    /// Bytes of one source file: a 10 MB markdown table took over 3 GB of
    /// memory to render.
    pub document_bytes: usize,
    /// Characters of `summary`.
    pub summary_chars: usize,
    /// Characters of `location`.
    pub location_chars: usize,
    /// Bytes of one part of an output path chosen in front matter (a slug,
    /// a part of an alias); file systems refuse names over 255 bytes.
    pub file_name_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            tags_per_release: 20,
            document_bytes: 512 * 1024,
            summary_chars: 1000,
            location_chars: 200,
            file_name_bytes: 200,
        }
    }
}

/// One language of the site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Language {
    /// BCP 47 tag, e.g. `en`, `ru`, `kk`.
    pub code: String,
    /// The language's name in itself, e.g. `Русский`.
    pub name: String,
    /// The language whose interface strings fill in missing messages.
    pub fallback: Option<String>,
    /// The site title in this language.
    pub title: Option<String>,
    /// The site description in this language.
    pub description: Option<String>,
    /// The locale for dates, numbers and sorting, when it differs from the
    /// code (e.g. `en-GB` for day-month-year dates under `/en/`).
    pub locale: Option<String>,
    /// Quotation marks to use instead of CLDR's: four characters, the outer
    /// pair then the inner pair, e.g. `«»„“`.
    pub quotes: Option<String>,
}

/// Markdown rendering options.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MarkdownConfig {
    /// Pass raw HTML in markdown through instead of escaping it.
    pub allow_html: bool,
    /// Turn straight quotes and dashes into typographic ones.
    pub smart_punctuation: bool,
}

impl Default for MarkdownConfig {
    fn default() -> Self {
        MarkdownConfig {
            allow_html: false,
            smart_punctuation: true,
        }
    }
}

/// The `images:` section: how photos are resized and encoded.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ImagesConfig {
    /// The widths in pixels each photo is made in (those above a photo's own
    /// width are replaced by it).
    pub widths: Vec<u32>,
    /// JPEG and WebP quality, 1 to 100.
    pub quality: u8,
    /// AVIF quality, 1 to 100 (AVIF looks as good as JPEG at a lower number).
    pub avif_quality: u8,
    /// Files at least this many pixels wide are for high-density screens
    /// only (the default theme shows no photo wider than 800 CSS pixels), so
    /// they are encoded at the `dense_` qualities: a screen of three device
    /// pixels to a CSS pixel hides compression a normal one would show.
    pub dense_width: u32,
    /// JPEG and WebP quality of files at least `dense_width` wide, 1 to 100.
    pub dense_quality: u8,
    /// AVIF quality of files at least `dense_width` wide, 1 to 100.
    pub dense_avif_quality: u8,
}

impl ImagesConfig {
    /// The JPEG/WebP and the AVIF quality of a file `width` pixels wide.
    pub fn qualities(&self, width: u32) -> (u8, u8) {
        if width >= self.dense_width {
            (self.dense_quality, self.dense_avif_quality)
        } else {
            (self.quality, self.avif_quality)
        }
    }
}

impl Default for ImagesConfig {
    fn default() -> Self {
        ImagesConfig {
            widths: vec![480, 800, 1200, 1600],
            quality: 75,
            avif_quality: 55,
            dense_width: 1000,
            dense_quality: 60,
            dense_avif_quality: 40,
        }
    }
}

/// The `deploy:` section: the places `pressroom deploy` can publish to.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeployConfig {
    /// The targets, in the order written; the first is the default.
    #[serde(default)]
    pub targets: Vec<DeployTarget>,
}

/// One deploy target: a bucket (and prefix) or a folder.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeployTarget {
    /// The name `--target` picks it by.
    pub name: String,
    /// `s3://bucket/prefix` or `file:///path`.
    pub url: String,
    /// The S3 API endpoint for services other than AWS (MinIO, R2, B2, …).
    #[serde(default)]
    pub endpoint: Option<String>,
    /// The bucket's region (default: `AWS_REGION`, the profile's, then
    /// `us-east-1`).
    #[serde(default)]
    pub region: Option<String>,
    /// `Cache-Control` rules tried before the defaults; the first match wins.
    #[serde(default)]
    pub cache_control: Vec<CacheControlRule>,
    /// How many uploads run at once.
    #[serde(default)]
    pub workers: Option<usize>,
}

/// A `Cache-Control` value for the files whose path matches a glob.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CacheControlRule {
    /// A glob over the path in the output folder, e.g. `**/*.pdf`.
    pub pattern: String,
    /// The header value, e.g. `public, max-age=86400`.
    pub value: String,
}

/// A deploy target's URL, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeployUrl {
    /// An S3 bucket and the key prefix the site goes under (no leading or
    /// trailing slash; empty for the bucket's root).
    S3 {
        /// The bucket name.
        bucket: String,
        /// The key prefix.
        prefix: String,
    },
    /// A local or mounted folder.
    Folder(PathBuf),
}

impl DeployUrl {
    /// Parses `s3://bucket/prefix` or `file:///absolute/path`; the error says
    /// what is wrong in words a maintainer can act on.
    pub fn parse(url: &str) -> Result<DeployUrl, String> {
        if let Some(rest) = url.strip_prefix("s3://") {
            let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
            let valid = (3..=63).contains(&bucket.len())
                && bucket
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"-.".contains(&b));
            if !valid {
                return Err(format!(
                    "`{bucket}` in `{url}` is not an S3 bucket name (3–63 lower-case letters, digits, `-` and `.`)"
                ));
            }
            let prefix = prefix.trim_matches('/');
            if prefix.split('/').any(|s| s == "." || s == "..") || prefix.contains("//") {
                return Err(format!(
                    "the prefix `{prefix}` in `{url}` has an empty, `.` or `..` segment"
                ));
            }
            return Ok(DeployUrl::S3 {
                bucket: bucket.to_owned(),
                prefix: prefix.to_owned(),
            });
        }
        if let Some(path) = url.strip_prefix("file://") {
            if !path.starts_with('/') {
                return Err(format!(
                    "`{url}` is not a file URL with an absolute path (three slashes: `file:///srv/www`)"
                ));
            }
            return Ok(DeployUrl::Folder(PathBuf::from(path)));
        }
        Err(format!(
            "`{url}` is neither an `s3://bucket/prefix` nor a `file:///path` URL"
        ))
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    title: String,
    #[serde(default)]
    description: Option<String>,
    base_url: String,
    languages: Vec<RawLanguage>,
    #[serde(default)]
    theme: Option<String>,
    #[serde(default)]
    pagination: Option<usize>,
    #[serde(default)]
    home_releases: Option<usize>,
    #[serde(default)]
    feed_releases: Option<usize>,
    #[serde(default)]
    markdown: MarkdownConfig,
    #[serde(default)]
    images: ImagesConfig,
    #[serde(default)]
    default_language_at_root: bool,
    #[serde(default)]
    list_untranslated: Option<bool>,
    #[serde(default)]
    search: Option<bool>,
    #[serde(default)]
    limits: Limits,
    #[serde(default)]
    deploy: DeployConfig,
    #[serde(default)]
    organization: Option<Organization>,
    #[serde(default)]
    related_releases: Option<usize>,
}

/// A language entry is either a bare code (`- en`) or a mapping with details.
#[derive(Debug)]
struct RawLanguage(LanguageFields);

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LanguageFields {
    code: String,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    fallback: Option<String>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    locale: Option<String>,
    #[serde(default)]
    quotes: Option<String>,
}

impl<'de> Deserialize<'de> for RawLanguage {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct LanguageVisitor;
        impl<'de> Visitor<'de> for LanguageVisitor {
            type Value = RawLanguage;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a language code or a mapping with `code` and `name`")
            }
            fn visit_str<E: de::Error>(self, code: &str) -> Result<RawLanguage, E> {
                Ok(RawLanguage(LanguageFields {
                    code: code.to_owned(),
                    name: None,
                    fallback: None,
                    title: None,
                    description: None,
                    locale: None,
                    quotes: None,
                }))
            }
            fn visit_map<M: MapAccess<'de>>(self, map: M) -> Result<RawLanguage, M::Error> {
                // Delegating keeps `deny_unknown_fields` and its positions,
                // which an untagged enum would throw away.
                LanguageFields::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(RawLanguage)
            }
        }
        deserializer.deserialize_any(LanguageVisitor)
    }
}

impl SiteConfig {
    /// Reads and validates `site.yaml` under `root`.
    pub fn load(root: &Path) -> Result<SiteConfig, Diagnostics> {
        let path = root.join(CONFIG_FILE);
        let display = PathBuf::from(CONFIG_FILE);
        let text = fs::read_text(&path, &display).map_err(Diagnostics::from)?;
        Self::parse(root, &text)
    }

    /// Parses the text of `site.yaml`; `root` is recorded as the site root.
    pub fn parse(root: &Path, text: &str) -> Result<SiteConfig, Diagnostics> {
        let display = Path::new(CONFIG_FILE);
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let raw: RawConfig = yaml::parse(display, text, 1).map_err(Diagnostics::from)?;
        let mut problems = Diagnostics::new();
        if let Some(m) = yaml::comment_in_text(text) {
            problems
                .push(Diagnostic::error(display, m.line, m.column, m.message).with_help(m.help));
        }
        let at =
            |key: &str, needle: Option<&str>| yaml::find_value(text, key, needle).unwrap_or((1, 1));

        let base_url = raw.base_url.trim_end_matches('/').to_owned();
        if let Err(why) = check_base_url(&raw.base_url) {
            let (line, column) = at("base_url", None);
            problems.push(
                Diagnostic::error(display, line, column, format!("base_url `{}` {why}", raw.base_url.escape_debug()))
                    .with_help("write the address the site is published at, e.g. `base_url: https://example.org`"),
            );
        }
        if raw.languages.is_empty() {
            let (line, column) = at("languages", None);
            problems.push(
                Diagnostic::error(display, line, column, "`languages` is empty").with_help(
                    "list at least one language, the default first, e.g. `languages: [en]`",
                ),
            );
        }
        let mut languages: Vec<Language> = Vec::new();
        for RawLanguage(l) in raw.languages {
            let (line, column) = at("languages", Some(&l.code));
            if !is_language_tag(&l.code) {
                problems.push(
                    Diagnostic::error(
                        display,
                        line,
                        column,
                        format!("`{}` is not a BCP 47 language tag", l.code),
                    )
                    .with_help("use a tag such as `en`, `ru`, `kk` or `pt-BR`"),
                );
            }
            if let Some(locale) = l.locale.as_deref().filter(|x| !is_language_tag(x)) {
                let (line, column) = at("languages", Some(locale));
                problems.push(
                    Diagnostic::error(
                        display,
                        line,
                        column,
                        format!("`{locale}` is not a BCP 47 locale"),
                    )
                    .with_help("use a locale such as `en-GB` or `ru-KZ`"),
                );
            }
            if let Some(quotes) = l.quotes.as_deref().filter(|q| q.chars().count() != 4) {
                let (line, column) = at("languages", Some(quotes));
                problems.push(
                    Diagnostic::error(
                        display,
                        line,
                        column,
                        format!(
                            "`quotes: {quotes}` of language `{}` is not four characters",
                            l.code
                        ),
                    )
                    .with_help("write the opening and closing outer marks, then the inner pair, e.g. `quotes: «»„“`"),
                );
            }
            if languages.iter().any(|x| x.code == l.code) {
                problems.push(
                    Diagnostic::error(
                        display,
                        line,
                        column,
                        format!("language `{}` is listed twice", l.code),
                    )
                    .with_help("list each language once"),
                );
            }
            languages.push(Language {
                name: l.name.unwrap_or_else(|| l.code.clone()),
                code: l.code,
                fallback: l.fallback,
                title: l.title,
                description: l.description,
                locale: l.locale,
                quotes: l.quotes,
            });
        }
        for l in &languages {
            if let Some(fallback) = &l.fallback
                && (!languages.iter().any(|x| &x.code == fallback) || fallback == &l.code)
            {
                let (line, column) = at("languages", Some(&format!("fallback: {fallback}")));
                problems.push(
                        Diagnostic::error(display, line, column, format!("fallback `{fallback}` of language `{}` is not another language of the site", l.code))
                            .with_help("name one of the other codes under `languages`, or remove `fallback`"),
                    );
            }
        }
        // A chain that comes back to where it started never ends in a
        // language that has the message.
        for l in &languages {
            let mut chain = vec![l.code.as_str()];
            let mut next = l.fallback.as_deref();
            while let Some(code) = next {
                if code == l.code {
                    chain.push(code);
                    let (line, column) = at("languages", Some(&format!("fallback: {}", chain[1])));
                    problems.push(
                        Diagnostic::error(display, line, column, format!("the fallback chain of `{}` goes round in a circle: {}", l.code, chain.join(" → ")))
                            .with_help("end the chain at a language without `fallback` (usually the default language)"),
                    );
                    break;
                }
                if chain.contains(&code) {
                    break; // a circle that does not pass through `l`: reported at its own members
                }
                chain.push(code);
                next = languages
                    .iter()
                    .find(|x| x.code == code)
                    .and_then(|x| x.fallback.as_deref());
            }
        }
        if raw.feed_releases == Some(0) {
            let (line, column) = at("feed_releases", None);
            problems.push(
                Diagnostic::error(display, line, column, "`feed_releases` must be at least 1")
                    .with_help("set the number of entries per Atom feed, e.g. `feed_releases: 20`"),
            );
        }
        if raw.home_releases == Some(0) {
            let (line, column) = at("home_releases", None);
            problems.push(
                Diagnostic::error(display, line, column, "`home_releases` must be at least 1")
                    .with_help(
                        "set the number of releases on the home page, e.g. `home_releases: 10`",
                    ),
            );
        }
        let limits = [
            ("tags_per_release", raw.limits.tags_per_release),
            ("document_bytes", raw.limits.document_bytes),
            ("summary_chars", raw.limits.summary_chars),
            ("location_chars", raw.limits.location_chars),
            ("file_name_bytes", raw.limits.file_name_bytes),
        ];
        for (key, value) in limits {
            if value == 0 || (key == "file_name_bytes" && value > 255) {
                let (line, column) = yaml::find_value(text, "limits", None).unwrap_or((1, 1));
                problems.push(
                    Diagnostic::error(
                        display,
                        line,
                        column,
                        format!(
                            "`limits.{key}` must be at least 1{}",
                            if key == "file_name_bytes" {
                                " and at most 255"
                            } else {
                                ""
                            }
                        ),
                    )
                    .with_help("raise the limit, or remove it to use the default"),
                );
            }
        }
        let pagination = raw.pagination.unwrap_or(10);
        if pagination == 0 {
            let (line, column) = at("pagination", None);
            problems.push(
                Diagnostic::error(display, line, column, "`pagination` must be at least 1")
                    .with_help("set the number of releases per list page, e.g. `pagination: 10`"),
            );
        }
        let theme = raw.theme.unwrap_or_else(|| "osce".to_owned());
        if theme.is_empty() || theme.contains(['/', '\\']) || theme.starts_with('.') {
            let (line, column) = at("theme", None);
            problems.push(
                Diagnostic::error(
                    display,
                    line,
                    column,
                    format!("`{theme}` is not a theme folder name"),
                )
                .with_help("name a folder under `themes/`, e.g. `theme: osce`"),
            );
        }
        check_deploy(&raw.deploy, text, &mut problems);
        if let Some(org) = &raw.organization {
            organization::check(org, &languages, text, &mut problems);
        }
        if raw.related_releases.is_some_and(|n| n > MAX_RELATED) {
            let (line, column) = at("related_releases", None);
            problems.push(
                Diagnostic::error(
                    display,
                    line,
                    column,
                    format!("`related_releases` must be at most {MAX_RELATED}"),
                )
                .with_help("set how many related releases a release shows, e.g. `related_releases: 3` (0 for none)"),
            );
        }
        check_images(&raw.images, at("images", None), &mut problems);
        if problems.has_errors() {
            return Err(problems);
        }
        Ok(SiteConfig {
            root: root.to_path_buf(),
            title: raw.title,
            description: raw.description,
            base_url,
            languages,
            theme,
            pagination: pagination.max(1),
            home_releases: raw.home_releases.unwrap_or(pagination),
            feed_releases: raw.feed_releases.unwrap_or(20),
            markdown: raw.markdown,
            images: raw.images,
            default_language_at_root: raw.default_language_at_root,
            list_untranslated: raw.list_untranslated.unwrap_or(true),
            search: raw.search.unwrap_or(true),
            limits: raw.limits,
            deploy: raw.deploy,
            organization: raw.organization,
            related_releases: raw.related_releases.unwrap_or(DEFAULT_RELATED),
        })
    }

    /// The default language: the first one listed.
    pub fn default_language(&self) -> &Language {
        &self.languages[0]
    }

    /// The language with this code, if the site has it.
    pub fn language(&self, code: &str) -> Option<&Language> {
        self.languages.iter().find(|l| l.code == code)
    }

    /// The folder of the theme in use.
    pub fn theme_dir(&self) -> PathBuf {
        self.root.join("themes").join(&self.theme)
    }

    /// The content folder.
    pub fn content_dir(&self) -> PathBuf {
        self.root.join("content")
    }

    /// The site title in `lang`.
    pub fn title_in(&self, lang: &str) -> &str {
        self.language(lang)
            .and_then(|l| l.title.as_deref())
            .unwrap_or(&self.title)
    }

    /// The site description in `lang`.
    pub fn description_in(&self, lang: &str) -> Option<&str> {
        self.language(lang)
            .and_then(|l| l.description.as_deref())
            .or(self.description.as_deref())
    }

    /// The order in which to look for an interface string of `lang`: the
    /// language itself, its fallback chain, then the default language.
    pub fn fallback_chain(&self, lang: &str) -> Vec<String> {
        let mut chain = vec![lang.to_owned()];
        let mut current = self.language(lang);
        while let Some(next) = current.and_then(|l| l.fallback.as_deref()) {
            if chain.iter().any(|c| c == next) {
                break;
            }
            chain.push(next.to_owned());
            current = self.language(next);
        }
        let default = &self.default_language().code;
        if !chain.contains(default) {
            chain.push(default.clone());
        }
        chain
    }
}

/// Why `url` cannot be a base URL, if it cannot: it must be an absolute
/// `http(s)` address with a host, and nothing the site's paths could not be
/// appended to (spaces, control characters, a query or a fragment).
pub fn check_base_url(url: &str) -> Result<(), &'static str> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    let Some(rest) = rest else {
        return Err("is not an absolute http(s) URL");
    };
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("contains a space or a control character");
    }
    if url.contains(['?', '#']) {
        return Err("has a query (`?…`) or a fragment (`#…`), which page paths cannot follow");
    }
    let host = rest.split('/').next().unwrap_or("");
    if host.is_empty() || host.contains('@') {
        return Err("has no host name (or has user information before it)");
    }
    Ok(())
}

/// The widths, in pixels, a photo file may be made in.
const WIDTHS: std::ops::RangeInclusive<u32> = 16..=8192;

/// Checks the values of the `images:` section: widths and qualities must be
/// ones an encoder can make; each error points at the section.
fn check_images(images: &ImagesConfig, (line, column): (usize, usize), problems: &mut Diagnostics) {
    let display = Path::new(CONFIG_FILE);
    let mut error = |message: String, help: &str| {
        problems.push(Diagnostic::error(display, line, column, message).with_help(help));
    };
    if images.widths.is_empty() {
        error(
            "`images.widths` is empty".to_owned(),
            "list the widths photos are made in, e.g. `widths: [480, 800, 1200, 1600]`",
        );
    }
    let (min, max) = (WIDTHS.start(), WIDTHS.end());
    if let Some(w) = images.widths.iter().find(|w| !WIDTHS.contains(*w)) {
        error(
            format!("`images.widths` has {w}, outside {min} to {max} pixels"),
            &format!("use widths between {min} and {max}, e.g. `widths: [480, 800, 1200, 1600]`"),
        );
    }
    if !WIDTHS.contains(&images.dense_width) {
        error(
            format!(
                "`images.dense_width` is {}, outside {min} to {max} pixels",
                images.dense_width
            ),
            "use the width from which files are only for high-density screens, e.g. `dense_width: 1000`",
        );
    }
    for (name, value) in [
        ("quality", images.quality),
        ("avif_quality", images.avif_quality),
        ("dense_quality", images.dense_quality),
        ("dense_avif_quality", images.dense_avif_quality),
    ] {
        if !(1..=100).contains(&value) {
            error(
                format!("`images.{name}` is {value}, outside 1 to 100"),
                "use a number from 1 (smallest files) to 100 (best pictures), e.g. 75",
            );
        }
    }
}

/// Checks the values of the `deploy:` section that serde cannot: URLs,
/// endpoints, names, globs and counts, each error at its value.
fn check_deploy(deploy: &DeployConfig, text: &str, problems: &mut Diagnostics) {
    let display = Path::new(CONFIG_FILE);
    let items = list_items(text, "deploy", "targets");
    for (i, target) in deploy.targets.iter().enumerate() {
        // Two targets may share a value; each error points into its own.
        let mut error = |needle: &str, message: String, help: &str| {
            let (line, column) = locate_in_item(text, &items, i, needle);
            problems.push(Diagnostic::error(display, line, column, message).with_help(help));
        };
        let valid_name = !target.name.is_empty()
            && target
                .name
                .chars()
                .all(|c| c.is_alphanumeric() || c == '-' || c == '_');
        if !valid_name {
            error(
                &target.name,
                format!("`{}` is not a deploy target name", target.name),
                "use letters, digits, `-` and `_`, e.g. `name: production`",
            );
        } else if deploy.targets[..i].iter().any(|t| t.name == target.name) {
            error(
                &target.name,
                format!("the deploy target `{}` is defined twice", target.name),
                "give each target its own name",
            );
        }
        if let Err(message) = DeployUrl::parse(&target.url) {
            error(
                &target.url,
                message,
                "write e.g. `url: s3://my-bucket/archive` or `url: file:///srv/www`",
            );
        }
        if let Some(endpoint) = &target.endpoint
            && !(endpoint.starts_with("http://") || endpoint.starts_with("https://"))
        {
            error(
                endpoint,
                format!("endpoint `{endpoint}` is not an http(s) URL"),
                "write the S3 API address, e.g. `endpoint: https://s3.eu-central-1.example.com`",
            );
        }
        if target.workers.is_some_and(|n| !(1..=256).contains(&n)) {
            error(
                "workers:",
                "`workers` must be between 1 and 256".to_owned(),
                "set how many uploads run at once, e.g. `workers: 16`",
            );
        }
        for rule in &target.cache_control {
            if let Err(e) = globset::Glob::new(&rule.pattern) {
                error(
                    &rule.pattern,
                    format!("`{}` is not a glob pattern: {}", rule.pattern, e.kind()),
                    "write a pattern over output paths, e.g. `pattern: \"**/*.pdf\"`",
                );
            }
            if rule.value.trim().is_empty() || rule.value.chars().any(char::is_control) {
                error(
                    &format!("value: {}", rule.value),
                    format!("`{}` is not a Cache-Control value", rule.value),
                    "write one line such as `value: \"public, max-age=86400\"`",
                );
            }
        }
    }
}

/// The 0-based lines on which the items of the block list `key.list:`
/// start (`- …` at the list's indentation); empty for a flow list.
fn list_items(text: &str, key: &str, list: &str) -> Vec<usize> {
    let lines: Vec<&str> = text.lines().collect();
    let indent = |l: &str| l.len() - l.trim_start().len();
    let Some(section) = yaml::find_key(text, key) else {
        return Vec::new();
    };
    let Some(list_line) = (section..lines.len()).find(|&i| {
        lines[i]
            .trim_start()
            .strip_prefix(list)
            .is_some_and(|r| r.trim_start().starts_with(':'))
    }) else {
        return Vec::new();
    };
    let mut items = Vec::new();
    let mut item_indent = None;
    for (i, line) in lines.iter().enumerate().skip(list_line + 1) {
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        if indent(line) <= indent(lines[list_line]) && !line.trim_start().starts_with('-') {
            break;
        }
        if line.trim_start().starts_with('-')
            && *item_indent.get_or_insert(indent(line)) == indent(line)
        {
            items.push(i);
        }
    }
    items
}

/// The 1-based line and column of `needle` within item `n` of a block list
/// (from [`list_items`]), or in the section at all for a flow list.
fn locate_in_item(text: &str, items: &[usize], n: usize, needle: &str) -> (usize, usize) {
    let lines: Vec<&str> = text.lines().collect();
    let (from, to) = match items.get(n) {
        Some(&from) => (from, items.get(n + 1).copied().unwrap_or(lines.len())),
        None => return yaml::find_value(text, "deploy", Some(needle)).unwrap_or((1, 1)),
    };
    (from..to.min(lines.len()))
        .find_map(|i| {
            let byte = lines[i].find(needle)?;
            Some((i + 1, lines[i][..byte].chars().count() + 1))
        })
        .unwrap_or((from + 1, 1))
}

/// A light check of BCP 47 syntax: alphanumeric subtags of 1–8 characters
/// joined by hyphens, the first one 2–3 letters (ISO 639) or 4–8 (registered).
pub fn is_language_tag(code: &str) -> bool {
    let mut parts = code.split('-');
    let first = parts.next().unwrap_or("");
    (2..=8).contains(&first.len())
        && first.bytes().all(|b| b.is_ascii_lowercase())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<SiteConfig, Diagnostics> {
        SiteConfig::parse(Path::new("/site"), text)
    }

    /// The errors `text` gives, each as the build prints it, in order;
    /// there must be `count` of them.
    fn errors(text: &str, count: usize) -> Vec<String> {
        let e = parse(text).unwrap_err();
        let messages: Vec<String> = e.sorted().iter().map(|d| d.to_string()).collect();
        assert_eq!(e.error_count(), count, "{messages:#?}");
        messages
    }

    #[test]
    fn minimal_config_gets_defaults() {
        let c =
            parse("title: Press\nbase_url: https://example.org/\nlanguages: [en, ru]\n").unwrap();
        assert_eq!(c.base_url, "https://example.org");
        assert_eq!(c.default_language().code, "en");
        assert_eq!(c.languages[1].name, "ru");
        assert_eq!(c.theme, "osce");
        assert_eq!(c.pagination, 10);
        assert!(c.markdown.smart_punctuation);
        assert!(!c.markdown.allow_html);
        assert!(c.list_untranslated);
        assert!(c.search);
    }

    #[test]
    fn languages_may_be_mappings() {
        let c = parse(
            "title: Press\nbase_url: https://example.org\nlanguages:\n  - code: en\n    name: English\n  - code: kk\n    name: Қазақша\n    fallback: ru\n  - code: ru\n    name: Русский\n",
        )
        .unwrap();
        assert_eq!(c.languages[1].name, "Қазақша");
        assert_eq!(c.fallback_chain("kk"), ["kk", "ru", "en"]);
        assert_eq!(c.fallback_chain("en"), ["en"]);
    }

    #[test]
    fn unknown_keys_are_errors_with_suggestions() {
        let e =
            parse("title: Press\nbase_url: https://example.org\nlanguages: [en]\npaginaton: 5\n")
                .unwrap_err();
        let d = e.sorted()[0].clone();
        assert_eq!((d.line, d.column), (4, 1));
        assert_eq!(d.message, "unknown field `paginaton`");
        assert!(d.help.unwrap().starts_with("did you mean `pagination`?"));

        let e = parse(
            "title: P\nbase_url: https://e.org\nlanguages:\n  - code: en\n    nmae: English\n",
        )
        .unwrap_err();
        let d = e.sorted()[0].clone();
        assert_eq!(d.line, 5);
        assert!(d.help.unwrap().starts_with("did you mean `name`?"));
    }

    #[test]
    fn semantic_errors_are_all_reported() {
        let messages = errors(
            "title: P\nbase_url: example.org\nlanguages: [en, en, Russian]\npagination: 0\n",
            4,
        );
        assert!(messages[0].starts_with("site.yaml:2:11: error: base_url"));
    }

    #[test]
    fn image_settings_out_of_range_are_located() {
        let messages = errors(
            "title: P\nbase_url: https://example.org/\nlanguages: [en]\nimages:\n  dense_width: 5\n  dense_avif_quality: 0\n",
            2,
        );
        assert!(
            messages[0].starts_with("site.yaml:5:3: error: `images.dense_avif_quality` is 0"),
            "{messages:#?}"
        );
        assert!(
            messages[1].starts_with("site.yaml:5:3: error: `images.dense_width` is 5"),
            "{messages:#?}"
        );
        let c = parse(
            "title: P\nbase_url: https://example.org/\nlanguages: [en]\nimages:\n  dense_width: 1400\n",
        )
        .unwrap();
        assert_eq!(c.images.qualities(1200), (75, 55));
    }

    #[test]
    fn deploy_targets_are_parsed() {
        let c = parse(
            "title: P\nbase_url: https://e.org\nlanguages: [en]\ndeploy:\n  targets:\n    - name: production\n      url: s3://press-archive/site/\n      endpoint: http://127.0.0.1:9000\n      cache_control:\n        - pattern: \"**/*.pdf\"\n          value: no-cache\n    - name: mirror\n      url: file:///srv/www\n",
        )
        .unwrap();
        let t = &c.deploy.targets;
        assert_eq!(t.len(), 2);
        assert_eq!(t[0].endpoint.as_deref(), Some("http://127.0.0.1:9000"));
        assert_eq!(t[0].cache_control[0].value, "no-cache");
        assert_eq!(
            DeployUrl::parse(&t[0].url),
            Ok(DeployUrl::S3 {
                bucket: "press-archive".to_owned(),
                prefix: "site".to_owned()
            })
        );
        assert_eq!(
            DeployUrl::parse(&t[1].url),
            Ok(DeployUrl::Folder(PathBuf::from("/srv/www")))
        );
        let none = parse("title: P\nbase_url: https://e.org\nlanguages: [en]\n").unwrap();
        assert!(none.deploy.targets.is_empty());
    }

    #[test]
    fn deploy_mistakes_are_located() {
        let messages = errors(
            "title: P\nbase_url: https://e.org\nlanguages: [en]\ndeploy:\n  targets:\n    - name: prod\n      url: ftp://press\n    - name: prod\n      url: s3://Bad_Bucket\n      endpoint: localhost:9000\n      workers: 0\n      cache_control:\n        - pattern: \"a[\"\n          value: \"\"\n",
            7,
        );
        assert!(
            messages[0].starts_with("site.yaml:7:12: error: `ftp://press` is neither"),
            "{messages:#?}"
        );
        assert!(
            messages[1]
                .starts_with("site.yaml:8:7: error: the deploy target `prod` is defined twice")
                || messages.iter().any(|m| m.contains("defined twice")),
            "{messages:#?}"
        );
        assert!(
            messages
                .iter()
                .any(|m| m.starts_with("site.yaml:9:12: error: `Bad_Bucket`")),
            "{messages:#?}"
        );
        assert!(
            messages
                .iter()
                .any(|m| m.starts_with("site.yaml:10:17: error: endpoint")),
            "{messages:#?}"
        );
        assert!(
            messages.iter().any(|m| m.contains("`workers` must be")),
            "{messages:#?}"
        );
        assert!(
            messages.iter().any(|m| m.contains("`a[` is not a glob")),
            "{messages:#?}"
        );
        assert!(
            messages
                .iter()
                .any(|m| m.contains("is not a Cache-Control value")),
            "{messages:#?}"
        );
        let e = parse("title: P\nbase_url: https://e.org\nlanguages: [en]\ndeploy:\n  targets:\n    - name: p\n      url: s3://b-1\n      bucket: x\n").unwrap_err();
        let d = e.sorted()[0].clone();
        assert_eq!(d.line, 8);
        assert!(d.message.contains("unknown field `bucket`"), "{d}");
        for bad in [
            "s3://",
            "s3://ab",
            "s3://b-1/a/../c",
            "file://relative",
            "https://x",
        ] {
            assert!(DeployUrl::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn organization_is_read_per_language() {
        let c = parse(
            "title: P\nbase_url: https://e.org\nlanguages: [en, ru]\norganization:\n  name:\n    en: Press office\n    ru: Пресс-служба\n  logo: img/logo.svg\n  media_contact:\n    email: press@e.org\n  footer: ©\n",
        )
        .unwrap();
        let org = c.organization.clone().unwrap();
        assert_eq!(
            org.name.in_chain(&c.fallback_chain("ru")),
            Some("Пресс-служба")
        );
        assert_eq!(org.logo.as_deref(), Some("img/logo.svg"));
        assert_eq!(c.related_releases, DEFAULT_RELATED);
    }

    #[test]
    fn organization_mistakes_are_located() {
        let text = "title: P\nbase_url: https://e.org\nlanguages: [en, ru]\nrelated_releases: 50\norganization:\n  name:\n    en: Press office\n    de: Pressestelle\n  logo: img/logo.gif\n  url: example.org\n  media_contact:\n    name: Desk\n    phone: call us\n    email: press-at-e.org\n  social:\n    - https://ok.example/p\n    - ftp://bad.example\n";
        let e = parse(text).unwrap_err();
        let messages: Vec<String> = e.sorted().iter().map(|d| d.to_string()).collect();
        let expect = [
            "site.yaml:4:19: error: `related_releases` must be at most 20",
            "site.yaml:8:5: error: `organization.name` has a text for `de`",
            "site.yaml:9:9: error: the logo `img/logo.gif` is not an SVG, PNG, JPEG or WebP file",
            "site.yaml:10:8: error: `organization.url` `example.org` is not an absolute http(s) URL",
            "site.yaml:13:12: error: `call us` is not a telephone number",
            "site.yaml:14:12: error: `press-at-e.org` is not an e-mail address",
            "site.yaml:17:7: error: `organization.social` `ftp://bad.example`",
        ];
        assert_eq!(e.error_count(), expect.len(), "{messages:#?}");
        for (message, expected) in messages.iter().zip(expect) {
            assert!(
                message.starts_with(expected),
                "{message}\n  expected: {expected}"
            );
        }
        // Every message says how to fix it.
        assert!(e.sorted().iter().all(|d| d.help.is_some()));
        let e = parse(
            "title: P\nbase_url: https://e.org\nlanguages: [en]\norganization:\n  name: X\n  media_contact:\n    name: Desk\n",
        )
        .unwrap_err();
        assert!(
            e.sorted()[0]
                .to_string()
                .starts_with("site.yaml:6:3: error: `organization.media_contact` gives neither"),
            "{:?}",
            e.sorted()
        );
        let e = parse(
            "title: P\nbase_url: https://e.org\nlanguages: [en]\norganization:\n  logo: a.svg\n",
        )
        .unwrap_err();
        assert!(
            e.sorted()[0].message.contains("missing field `name`"),
            "{:?}",
            e.sorted()
        );
    }

    #[test]
    fn language_tags() {
        for ok in ["en", "kk", "pt-BR", "zh-Hant-TW", "sr-Latn"] {
            assert!(is_language_tag(ok), "{ok}");
        }
        for bad in ["", "e", "EN", "en_US", "en-", "toolongtag1"] {
            assert!(!is_language_tag(bad), "{bad}");
        }
    }
}
