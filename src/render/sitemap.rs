//! `sitemap.xml`: every page of every language with its translations.
//!
//! Search engines accept at most 50,000 URLs per sitemap file, so a larger
//! site gets a sitemap index at `/sitemap.xml` pointing at `sitemap-1.xml`, …

use std::fmt::Write as _;

use quick_xml::escape::escape;

use super::Rendered;
use crate::site::{Group, Site};

/// The most URLs one sitemap file may hold.
pub(super) const MAX_URLS: usize = 50_000;

/// One `<url>`: a site path and its versions in other languages.
struct SitemapUrl {
    path: String,
    alternates: Vec<(String, String)>,
}

/// How many files the sitemap needs: 1, or the index plus its parts.
pub(super) fn parts(site: &Site) -> usize {
    parts_with_limit(site, MAX_URLS)
}

/// Renders part `k` (0: `sitemap.xml`).
pub(super) fn render(site: &Site, k: usize) -> Rendered {
    render_with_limit(site, k, MAX_URLS)
}

fn parts_with_limit(site: &Site, max: usize) -> usize {
    let n = count(site);
    if n <= max { 1 } else { 1 + n.div_ceil(max) }
}

fn render_with_limit(site: &Site, k: usize, max: usize) -> Rendered {
    let all = urls(site);
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let path = if all.len() <= max {
        urlset(site, &all, &mut xml);
        "sitemap.xml".to_owned()
    } else if k == 0 {
        xml.push_str("<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
        for part in 1..=all.len().div_ceil(max) {
            let _ = writeln!(
                xml,
                "  <sitemap><loc>{}</loc></sitemap>",
                escape(site.urls.permalink(&format!("/sitemap-{part}.xml")))
            );
        }
        xml.push_str("</sitemapindex>\n");
        "sitemap.xml".to_owned()
    } else {
        let chunk = all.chunks(max).nth(k - 1).unwrap_or(&[]);
        urlset(site, chunk, &mut xml);
        format!("sitemap-{k}.xml")
    };
    Rendered {
        path,
        bytes: xml.into_bytes(),
    }
}

fn urlset(site: &Site, urls: &[SitemapUrl], xml: &mut String) {
    xml.push_str("<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n");
    for url in urls {
        let _ = writeln!(
            xml,
            "  <url>\n    <loc>{}</loc>",
            escape(site.urls.permalink(&url.path))
        );
        if url.alternates.len() > 1 {
            for (lang, path) in &url.alternates {
                let _ = writeln!(
                    xml,
                    "    <xhtml:link rel=\"alternate\" hreflang=\"{}\" href=\"{}\"/>",
                    escape(lang.as_str()),
                    escape(site.urls.permalink(path))
                );
            }
        }
        xml.push_str("  </url>\n");
    }
    xml.push_str("</urlset>\n");
}

/// Every HTML page a reader or a search engine should find: homes, lists,
/// tag and year pages, releases and static pages (not redirects or 404s).
fn urls(site: &Site) -> Vec<SitemapUrl> {
    let urls = &site.urls;
    let per_page = site.config.pagination;
    let languages: Vec<&str> = site
        .config
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
    let mut out = Vec::new();
    // The homes and the root chooser name each other, the chooser as their
    // `x-default`, as their pages do.
    let mut homes = same_in(&|l| Some(urls.home(l)));
    if !site.config.default_language_at_root {
        homes.push(("x-default".to_owned(), "/".to_owned()));
        out.push(SitemapUrl {
            path: "/".to_owned(),
            alternates: homes.clone(),
        });
    }
    for &lang in &languages {
        let mut push = |path: String, alternates: Vec<(String, String)>| {
            out.push(SitemapUrl { path, alternates });
        };
        push(urls.home(lang), homes.clone());
        for n in 1..=site.list_pages(lang) {
            push(
                urls.releases_list(lang, n),
                same_in(&|l| (n <= site.list_pages(l)).then(|| urls.releases_list(l, n))),
            );
        }
        push(urls.tags(lang), same_in(&|l| Some(urls.tags(l))));
        for listing in &site.tag_lists[lang] {
            for n in 1..=listing.pages(per_page) {
                let alternates = same_in(&|l| {
                    site.tag_lists[l]
                        .iter()
                        .find(|x| x.key == listing.key)
                        .filter(|x| n <= x.pages(per_page))
                        .map(|_| urls.tag(l, &listing.key, n))
                });
                push(urls.tag(lang, &listing.key, n), alternates);
            }
        }
        for listing in &site.year_lists[lang] {
            for n in 1..=listing.pages(per_page) {
                let alternates = same_in(&|l| {
                    site.year_lists[l]
                        .iter()
                        .find(|x| x.key == listing.key)
                        .filter(|x| n <= x.pages(per_page))
                        .map(|_| urls.year(l, listing.key, n))
                });
                push(urls.year(lang, listing.key, n), alternates);
            }
        }
    }
    for (entries, groups) in [
        (&site.releases, &site.release_groups),
        (&site.pages, &site.page_groups),
    ] {
        for entry in entries {
            out.push(SitemapUrl {
                path: entry.path.clone(),
                alternates: versions(site, groups, entries, entry.group),
            });
        }
    }
    out
}

/// `urls(site).len()` without making them: watch mode asks after every edit.
fn count(site: &Site) -> usize {
    let per_page = site.config.pagination;
    let generated: usize = site
        .config
        .languages
        .iter()
        .map(|l| {
            let code = l.code.as_str();
            let tags: usize = site.tag_lists[code].iter().map(|x| x.pages(per_page)).sum();
            let years: usize = site.year_lists[code]
                .iter()
                .map(|x| x.pages(per_page))
                .sum();
            // The home, the releases list, the tag index, tags and years.
            1 + site.list_pages(code) + 1 + tags + years
        })
        .sum();
    let root = usize::from(!site.config.default_language_at_root);
    root + generated + site.releases.len() + site.pages.len()
}

fn versions(
    site: &Site,
    groups: &[Group],
    entries: &[crate::site::Entry],
    group: usize,
) -> Vec<(String, String)> {
    site.config
        .languages
        .iter()
        .filter_map(|l| {
            groups[group]
                .versions
                .get(&l.code)
                .map(|&i| (l.code.clone(), entries[i].path.clone()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn large_sitemaps_are_split_under_an_index() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/basic");
        let loaded = crate::load(&crate::BuildOptions::new(root, None)).unwrap();
        let site = &loaded.site;
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
        let xml = String::from_utf8(render(&loaded.site, 0).bytes).unwrap();
        let chooser = "<url>\n    <loc>https://press.example.org/</loc>\n";
        assert!(xml.contains(chooser), "{xml}");
        let x_default = "<xhtml:link rel=\"alternate\" hreflang=\"x-default\" href=\"https://press.example.org/\"/>";
        // The chooser and the three homes.
        assert_eq!(xml.matches(x_default).count(), 4, "{xml}");
    }
}
