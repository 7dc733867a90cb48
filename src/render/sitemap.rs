//! `sitemap.xml`: every page of every language with its translations.
//!
//! Search engines accept at most 50,000 URLs per sitemap file, so a larger
//! site gets a sitemap index at `/sitemap.xml` pointing at `sitemap-1.xml`, …

use std::fmt::Write as _;

use quick_xml::escape::escape;

use super::Rendered;
use super::deps::{ListKey, Reader};
use crate::site::Site;
use crate::source::Section;

/// The most URLs one sitemap file may hold.
pub(super) const MAX_URLS: usize = 50_000;

/// One `<url>`: a site path and its versions in other languages.
struct SitemapUrl {
    path: String,
    alternates: Vec<(String, String)>,
}

/// How many files the sitemap needs: 1, or the index plus its parts.
pub(super) fn parts(site: &Site) -> usize {
    parts_with_limit(Reader::new(site), MAX_URLS)
}

/// Renders part `k` (0: `sitemap.xml`).
pub(super) fn render(read: Reader<'_>, k: usize) -> Rendered {
    render_with_limit(read, k, MAX_URLS)
}

fn parts_with_limit(read: Reader<'_>, max: usize) -> usize {
    let n = count(read);
    if n <= max { 1 } else { 1 + n.div_ceil(max) }
}

fn render_with_limit(read: Reader<'_>, k: usize, max: usize) -> Rendered {
    let all = urls(read);
    let site_urls = read.urls();
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let path = if all.len() <= max {
        urlset(read, &all, &mut xml);
        "sitemap.xml".to_owned()
    } else if k == 0 {
        xml.push_str("<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
        for part in 1..=all.len().div_ceil(max) {
            let _ = writeln!(
                xml,
                "  <sitemap><loc>{}</loc></sitemap>",
                escape(site_urls.permalink(&format!("/sitemap-{part}.xml")))
            );
        }
        xml.push_str("</sitemapindex>\n");
        "sitemap.xml".to_owned()
    } else {
        let chunk = all.chunks(max).nth(k - 1).unwrap_or(&[]);
        urlset(read, chunk, &mut xml);
        format!("sitemap-{k}.xml")
    };
    Rendered {
        path,
        bytes: xml.into_bytes(),
    }
}

fn urlset(read: Reader<'_>, urls: &[SitemapUrl], xml: &mut String) {
    let site_urls = read.urls();
    xml.push_str("<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n");
    for url in urls {
        let _ = writeln!(
            xml,
            "  <url>\n    <loc>{}</loc>",
            escape(site_urls.permalink(&url.path))
        );
        if url.alternates.len() > 1 {
            for (lang, path) in &url.alternates {
                let _ = writeln!(
                    xml,
                    "    <xhtml:link rel=\"alternate\" hreflang=\"{}\" href=\"{}\"/>",
                    escape(lang.as_str()),
                    escape(site_urls.permalink(path))
                );
            }
        }
        xml.push_str("  </url>\n");
    }
    xml.push_str("</urlset>\n");
}

/// Every HTML page a reader or a search engine should find: homes, lists,
/// tag and year pages, releases and static pages (not redirects or 404s).
fn urls(read: Reader<'_>) -> Vec<SitemapUrl> {
    let mut out = Vec::new();
    each_url(read, &mut |make| out.push(make()));
    out
}

/// How many URLs [`urls`] makes, without making them: the list of jobs asks
/// after every edit in watch mode, and making 47k URLs took 120 ms. Both walk
/// [`each_url`], so they cannot disagree.
fn count(read: Reader<'_>) -> usize {
    let mut n = 0;
    each_url(read, &mut |_| n += 1);
    n
}

/// Calls `f` once per sitemap URL, in order, with a function that makes it.
fn each_url(read: Reader<'_>, f: &mut dyn FnMut(&dyn Fn() -> SitemapUrl)) {
    let urls = read.urls();
    let per_page = read.config().pagination;
    let languages: Vec<&str> = read
        .config()
        .languages
        .iter()
        .map(|l| l.code.as_str())
        .collect();
    // The same kind of page in every language that has it.
    let same_in = |path_of: &dyn Fn(&str) -> Option<String>| -> Vec<(String, String)> {
        languages
            .iter()
            .filter_map(|l| path_of(l).map(|p| ((*l).to_owned(), p)))
            .collect()
    };
    let pages_of = |key: ListKey| read.list_pages(&key);
    // The homes and the root chooser name each other, the chooser as their
    // `x-default`, as their pages do.
    let mut homes = same_in(&|l| Some(urls.home(l)));
    if !read.config().default_language_at_root {
        homes.push(("x-default".to_owned(), "/".to_owned()));
        f(&|| SitemapUrl {
            path: "/".to_owned(),
            alternates: homes.clone(),
        });
    }
    for &lang in &languages {
        f(&|| SitemapUrl {
            path: urls.home(lang),
            alternates: homes.clone(),
        });
        let list_pages = pages_of(ListKey::Releases(lang.to_owned())).unwrap_or(1);
        for n in 1..=list_pages {
            f(&|| SitemapUrl {
                path: urls.releases_list(lang, n),
                alternates: same_in(&|l| {
                    let pages = pages_of(ListKey::Releases(l.to_owned())).unwrap_or(1);
                    (n <= pages).then(|| urls.releases_list(l, n))
                }),
            });
        }
        f(&|| SitemapUrl {
            path: urls.tags(lang),
            alternates: same_in(&|l| Some(urls.tags(l))),
        });
        // Page counts, not release counts: a tag edit seldom changes them,
        // and this file is the slowest to make again.
        for (key, pages) in read.tag_pages(lang) {
            for n in 1..=pages {
                f(&|| SitemapUrl {
                    path: urls.tag(lang, key, n),
                    alternates: same_in(&|l| {
                        pages_of(ListKey::Tag(l.to_owned(), key.to_owned()))
                            .filter(|&pages| n <= pages)
                            .map(|_| urls.tag(l, key, n))
                    }),
                });
            }
        }
        for (year, count) in read.years(lang) {
            for n in 1..=count.div_ceil(per_page).max(1) {
                f(&|| SitemapUrl {
                    path: urls.year(lang, year, n),
                    alternates: same_in(&|l| {
                        pages_of(ListKey::Year(l.to_owned(), year))
                            .filter(|&pages| n <= pages)
                            .map(|_| urls.year(l, year, n))
                    }),
                });
            }
        }
    }
    for section in [Section::Releases, Section::Pages] {
        for index in 0..read.entries(section) {
            f(&|| SitemapUrl {
                path: read.entry_path(section, index).to_owned(),
                alternates: read
                    .translations(section, index)
                    .into_iter()
                    .map(|v| (v.code.to_owned(), v.path.to_owned()))
                    .collect(),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn large_sitemaps_are_split_under_an_index() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/basic");
        let loaded = crate::load(&crate::BuildOptions::new(root, None)).unwrap();
        let site = Reader::new(&loaded.site);
        let total = urls(site).len();
        assert!(total > 20, "{total}");
        assert_eq!(count(site), total);
        assert_eq!(parts_with_limit(site, total), 1);
        let parts = parts_with_limit(site, 10);
        assert_eq!(parts, 1 + total.div_ceil(10));
        let index = String::from_utf8(render_with_limit(site, 0, 10).bytes).unwrap();
        assert!(index.contains("<sitemapindex"));
        assert_eq!(index.matches("<sitemap>").count(), parts - 1);
        assert!(index.contains("<loc>https://press.example.org/sitemap-1.xml</loc>"));
        let mut seen = 0;
        for k in 1..parts {
            let part = render_with_limit(site, k, 10);
            assert_eq!(part.path, format!("sitemap-{k}.xml"));
            let text = String::from_utf8(part.bytes).unwrap();
            let n = text.matches("<url>").count();
            assert!(n <= 10 && n > 0);
            seen += n;
        }
        assert_eq!(seen, total);
    }

    #[test]
    fn the_root_chooser_is_the_x_default_of_the_homes() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/basic");
        let loaded = crate::load(&crate::BuildOptions::new(root, None)).unwrap();
        let xml = String::from_utf8(render(Reader::new(&loaded.site), 0).bytes).unwrap();
        let chooser = "<url>\n    <loc>https://press.example.org/</loc>\n";
        assert!(xml.contains(chooser), "{xml}");
        let x_default = "<xhtml:link rel=\"alternate\" hreflang=\"x-default\" href=\"https://press.example.org/\"/>";
        // The chooser and the three homes.
        assert_eq!(xml.matches(x_default).count(), 4, "{xml}");
    }
}
