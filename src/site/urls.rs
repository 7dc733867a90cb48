//! Where each page lives: URLs and output paths.
//!
//! One place decides the URL scheme, so links, hreflang alternates, the sitemap
//! and output files can never disagree. URLs handed to templates are
//! root-relative (they include the path of `base_url`, if any), so the output
//! works on any host; permalinks are absolute, for canonical links and feeds.

use crate::config::SiteConfig;

/// The URL scheme of one build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Urls {
    /// Scheme and host, e.g. `https://example.org`.
    origin: String,
    /// Path part of `base_url` without trailing slash, e.g. `/archive` or ``.
    base_path: String,
    default_language: String,
    default_at_root: bool,
}

impl Urls {
    /// The scheme for `config`, with `base_url` possibly overridden.
    pub fn new(config: &SiteConfig, base_url: Option<&str>) -> Urls {
        let base = base_url.unwrap_or(&config.base_url).trim_end_matches('/');
        // `base_url` is validated as http(s)://host[/path].
        let after_scheme = base.find("://").map_or(0, |i| i + 3);
        let (origin, base_path) = match base[after_scheme..].find('/') {
            Some(i) => base.split_at(after_scheme + i),
            None => (base, ""),
        };
        Urls {
            origin: origin.to_owned(),
            base_path: base_path.to_owned(),
            default_language: config.default_language().code.clone(),
            default_at_root: config.default_language_at_root,
        }
    }

    /// The site path prefix of a language: `/ru`, or `` for the default
    /// language when it sits at the root.
    pub fn lang_prefix(&self, lang: &str) -> String {
        if self.default_at_root && lang == self.default_language {
            String::new()
        } else {
            format!("/{lang}")
        }
    }

    /// A language's home, as a site path.
    pub fn home(&self, lang: &str) -> String {
        format!("{}/", self.lang_prefix(lang))
    }

    /// A release page, as a site path.
    pub fn release(&self, lang: &str, year: i32, slug: &str) -> String {
        format!("{}/releases/{year}/{slug}/", self.lang_prefix(lang))
    }

    /// A static page, as a site path.
    pub fn page(&self, lang: &str, slug: &str) -> String {
        format!("{}/{slug}/", self.lang_prefix(lang))
    }

    /// Page `n` (1-based) of the paginated releases list, as a site path.
    pub fn releases_list(&self, lang: &str, n: usize) -> String {
        paginated(&format!("{}/releases/", self.lang_prefix(lang)), n)
    }

    /// Page `n` of a tag's list, as a site path.
    pub fn tag(&self, lang: &str, key: &str, n: usize) -> String {
        paginated(&format!("{}/tags/{key}/", self.lang_prefix(lang)), n)
    }

    /// The tag index, as a site path.
    pub fn tags(&self, lang: &str) -> String {
        format!("{}/tags/", self.lang_prefix(lang))
    }

    /// A language's search page, as a site path; its index files are under it.
    pub fn search(&self, lang: &str) -> String {
        format!("{}/search/", self.lang_prefix(lang))
    }

    /// Page `n` of a year's list, as a site path.
    pub fn year(&self, lang: &str, year: i32, n: usize) -> String {
        paginated(&format!("{}/releases/{year}/", self.lang_prefix(lang)), n)
    }

    /// A language's Atom feed, as a site path.
    pub fn feed(&self, lang: &str) -> String {
        format!("{}/atom.xml", self.lang_prefix(lang))
    }

    /// A tag's Atom feed in one language, as a site path.
    pub fn tag_feed(&self, lang: &str, key: &str) -> String {
        format!("{}/tags/{key}/atom.xml", self.lang_prefix(lang))
    }

    /// A language's not-found page, as a site path.
    pub fn not_found(&self, lang: &str) -> String {
        format!("{}/404.html", self.lang_prefix(lang))
    }

    /// Scheme and host of the base URL, e.g. `https://example.org`.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// A site path as a root-relative URL (with the base path).
    pub fn url(&self, site_path: &str) -> String {
        format!("{}{site_path}", self.base_path)
    }

    /// A site path as an absolute URL.
    pub fn permalink(&self, site_path: &str) -> String {
        format!("{}{}{site_path}", self.origin, self.base_path)
    }

    /// A static file's root-relative URL.
    pub fn static_file(&self, rel: &str) -> String {
        format!("{}/{rel}", self.base_path)
    }
}

/// Page `n` of a paginated list rooted at `first` (`/x/`, `/x/page/2/`, …).
pub fn paginated(first: &str, n: usize) -> String {
    if n <= 1 {
        first.to_owned()
    } else {
        format!("{first}page/{n}/")
    }
}

/// The output file of a site path, relative to the output folder:
/// `/en/releases/` → `en/releases/index.html`, `/404.html` → `404.html`.
pub fn output_path(site_path: &str) -> String {
    let rel = site_path.trim_start_matches('/');
    if rel.is_empty() || rel.ends_with('/') {
        format!("{rel}index.html")
    } else {
        rel.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn config(extra: &str) -> SiteConfig {
        SiteConfig::parse(
            Path::new("/s"),
            &format!(
                "title: T\nbase_url: https://example.org/archive/\nlanguages: [en, ru]\n{extra}"
            ),
        )
        .unwrap()
    }

    #[test]
    fn every_language_has_a_prefix_by_default() {
        let urls = Urls::new(&config(""), None);
        assert_eq!(
            urls.release("en", 2015, "forum"),
            "/en/releases/2015/forum/"
        );
        assert_eq!(urls.url("/en/"), "/archive/en/");
        assert_eq!(
            urls.permalink("/ru/about/"),
            "https://example.org/archive/ru/about/"
        );
        assert_eq!(urls.releases_list("ru", 3), "/ru/releases/page/3/");
        assert_eq!(urls.releases_list("ru", 1), "/ru/releases/");
    }

    #[test]
    fn the_default_language_may_sit_at_the_root() {
        let urls = Urls::new(
            &config("default_language_at_root: true\n"),
            Some("http://127.0.0.1:1111"),
        );
        assert_eq!(urls.home("en"), "/");
        assert_eq!(urls.home("ru"), "/ru/");
        assert_eq!(urls.permalink("/"), "http://127.0.0.1:1111/");
        assert_eq!(urls.not_found("en"), "/404.html");
    }

    #[test]
    fn output_paths() {
        assert_eq!(output_path("/"), "index.html");
        assert_eq!(
            output_path("/en/releases/2015/x/"),
            "en/releases/2015/x/index.html"
        );
        assert_eq!(output_path("/404.html"), "404.html");
    }
}
