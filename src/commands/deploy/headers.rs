//! The HTTP headers each uploaded file gets: `Content-Type` from its
//! extension and `Cache-Control` from its kind.
//!
//! A bucket serves whatever type it was told at upload, and a CDN caches by
//! `Cache-Control`, so both are decided here once, from the path alone, for
//! every file type the build writes.

use globset::{Glob, GlobMatcher};

use crate::config::CacheControlRule;

/// Pages, feeds, the sitemap and `robots.txt`: they keep their URLs while
/// their content changes, so caches must check back soon.
pub const REVALIDATE: &str = "public, max-age=60, must-revalidate";
/// Files whose URL changes with their content: cached for a year, never
/// revalidated.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Other files (images, documents, fonts): they rarely change, but their URL
/// stays when they do, so a day.
pub const DAY: &str = "public, max-age=86400";

/// The `Content-Type` for a path in the output folder, with a charset for
/// every text type. Unknown extensions get `application/octet-stream`.
pub fn content_type(path: &str) -> &'static str {
    let name = path.rsplit('/').next().unwrap_or(path);
    if name == "atom.xml" {
        return "application/atom+xml; charset=utf-8";
    }
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" | "map" => "application/json; charset=utf-8",
        "webmanifest" => "application/manifest+json; charset=utf-8",
        "xml" | "xsl" => "application/xml; charset=utf-8",
        "rss" => "application/rss+xml; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "md" => "text/markdown; charset=utf-8",
        "svg" => "image/svg+xml; charset=utf-8",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/vnd.microsoft.icon",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "pdf" => "application/pdf",
        "wasm" => "application/wasm",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        "mp3" => "audio/mpeg",
        "zip" => "application/zip",
        "doc" => "application/msword",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xls" => "application/vnd.ms-excel",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "pptx" => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "odt" => "application/vnd.oasis.opendocument.text",
        _ => "application/octet-stream",
    }
}

/// A target's `Cache-Control` rules: its own, in order, then the defaults.
#[derive(Debug, Clone)]
pub struct CacheRules {
    custom: Vec<(GlobMatcher, String)>,
}

impl CacheRules {
    /// Compiles a target's rules. The configuration has already checked the
    /// globs, so an invalid one here is reported rather than assumed away.
    pub fn new(rules: &[CacheControlRule]) -> Result<CacheRules, String> {
        let mut custom = Vec::with_capacity(rules.len());
        for rule in rules {
            let glob = Glob::new(&rule.pattern)
                .map_err(|e| format!("`{}` is not a glob pattern: {}", rule.pattern, e.kind()))?;
            custom.push((glob.compile_matcher(), rule.value.clone()));
        }
        Ok(CacheRules { custom })
    }

    /// The `Cache-Control` value for a path in the output folder.
    pub fn for_path(&self, path: &str) -> String {
        for (glob, value) in &self.custom {
            if glob.is_match(path) {
                return value.clone();
            }
        }
        default_cache_control(path).to_owned()
    }
}

/// The default `Cache-Control`, by kind of file.
fn default_cache_control(path: &str) -> &'static str {
    let name = path.rsplit('/').next().unwrap_or(path);
    let ext = name.rsplit_once('.').map_or("", |(_, e)| e);
    match ext {
        "html" | "htm" | "xml" | "txt" | "webmanifest" | "json" => REVALIDATE,
        // The theme links its stylesheets and scripts through `asset()`,
        // whose URL carries a hash of the content (`style.css?v=…`): a new
        // version is a new URL, so the old one may be cached for good.
        "css" | "js" | "mjs" => IMMUTABLE,
        _ if is_fingerprinted(name) => IMMUTABLE,
        _ => DAY,
    }
}

/// Whether a file name carries a content hash as one of its dot-separated
/// parts (`app.3f9a1c2b.js`, `font.5e0d9a77c1.woff2`), the usual convention
/// of asset pipelines.
fn is_fingerprinted(name: &str) -> bool {
    let parts: Vec<&str> = name.split('.').collect();
    parts.len() >= 3
        && parts[1..parts.len() - 1]
            .iter()
            .any(|p| p.len() >= 8 && p.bytes().all(|b| b.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_types_have_charsets_for_text() {
        let cases = [
            ("en/index.html", "text/html; charset=utf-8"),
            ("en/atom.xml", "application/atom+xml; charset=utf-8"),
            ("sitemap.xml", "application/xml; charset=utf-8"),
            ("css/style.css", "text/css; charset=utf-8"),
            ("js/app.js", "text/javascript; charset=utf-8"),
            ("search/en.json", "application/json; charset=utf-8"),
            ("favicon.svg", "image/svg+xml; charset=utf-8"),
            ("robots.txt", "text/plain; charset=utf-8"),
            (
                "site.webmanifest",
                "application/manifest+json; charset=utf-8",
            ),
            ("en/releases/2016/visit/photo.JPG", "image/jpeg"),
            ("fonts/pt.woff2", "font/woff2"),
            ("report.pdf", "application/pdf"),
            ("README", "application/octet-stream"),
        ];
        for (path, expected) in cases {
            assert_eq!(content_type(path), expected, "{path}");
        }
    }

    #[test]
    fn default_cache_control_by_kind() {
        let rules = CacheRules::new(&[]).unwrap();
        assert_eq!(rules.for_path("en/index.html"), REVALIDATE);
        assert_eq!(rules.for_path("sitemap.xml"), REVALIDATE);
        assert_eq!(rules.for_path("robots.txt"), REVALIDATE);
        assert_eq!(rules.for_path("css/style.css"), IMMUTABLE);
        assert_eq!(rules.for_path("img/logo.3f9a1c2b.png"), IMMUTABLE);
        assert_eq!(rules.for_path("img/logo.png"), DAY);
        assert_eq!(rules.for_path("img/2015.12.11.png"), DAY);
        assert_eq!(rules.for_path("report.pdf"), DAY);
    }

    #[test]
    fn custom_rules_come_first_in_order() {
        let rule = |pattern: &str, value: &str| CacheControlRule {
            pattern: pattern.to_owned(),
            value: value.to_owned(),
        };
        let rules = CacheRules::new(&[
            rule("**/*.pdf", "no-store"),
            rule("*.pdf", "never reached for top-level pdfs"),
            rule("en/**", "private"),
        ])
        .unwrap();
        assert_eq!(rules.for_path("docs/a.pdf"), "no-store");
        assert_eq!(rules.for_path("a.pdf"), "no-store");
        assert_eq!(rules.for_path("en/index.html"), "private");
        assert_eq!(rules.for_path("ru/index.html"), REVALIDATE);
        assert!(CacheRules::new(&[rule("a[", "x")]).is_err());
    }
}
