//! The example archive shipped in this repository, built as a user would.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::util::tree;

fn build_example() -> (tempfile::TempDir, BTreeMap<String, Vec<u8>>) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = tempfile::tempdir().unwrap();
    let mut opts = pressroom::BuildOptions::new(root, Some(out.path().join("public")));
    opts.now = "2026-11-23T00:00:00Z".parse().unwrap();
    let report = pressroom::build(&opts).unwrap_or_else(|e| {
        panic!(
            "{}",
            e.sorted()
                .iter()
                .map(|d| d.to_string())
                .collect::<Vec<_>>()
                .join("\n")
        )
    });
    let errors: Vec<String> = report
        .warnings
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    let files = tree(&out.path().join("public"));
    (out, files)
}

/// `(hreflang, href)` of every `<link rel="alternate" hreflang>` of a page.
fn alternates(html: &str) -> Vec<(String, String)> {
    html.lines()
        .filter(|l| l.starts_with("<link rel=\"alternate\" hreflang=\""))
        .map(|l| {
            let lang = l
                .split("hreflang=\"")
                .nth(1)
                .unwrap()
                .split('"')
                .next()
                .unwrap();
            let href = l
                .split("href=\"")
                .nth(1)
                .unwrap()
                .split('"')
                .next()
                .unwrap();
            (lang.to_owned(), href.to_owned())
        })
        .collect()
}

#[test]
fn every_internal_link_resolves() {
    let (out, _) = build_example();
    let report = pressroom::commands::linkcheck::check(
        &out.path().join("public"),
        "https://pressroom.example.org",
    )
    .unwrap();
    assert!(report.links > 1000, "{report}");
    assert!(report.broken.is_empty(), "{report}");
}

#[test]
fn every_release_exists_in_three_languages() {
    let (_out, files) = build_example();
    let releases: BTreeSet<String> = files
        .keys()
        .filter_map(|p| p.strip_prefix("en/releases/"))
        .filter(|p| {
            p.matches('/').count() == 2 && p.ends_with("/index.html") && !p.starts_with("page/")
        })
        .map(str::to_owned)
        .collect();
    assert_eq!(releases.len(), 5, "{releases:?}");
    for release in &releases {
        for lang in ["ru", "kk"] {
            assert!(
                files.contains_key(&format!("{lang}/releases/{release}")),
                "{lang}/{release}"
            );
        }
    }
}

/// Every `hreflang` link of every page, `x-default` and the root chooser
/// included, points at a page that links back (issue 19 found the root's
/// links unanswered), and every home names the root as its `x-default`.
#[test]
fn hreflang_alternates_are_reciprocal() {
    let (_out, files) = build_example();
    let base = "https://pressroom.example.org/";
    let mut by_url: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    for (path, bytes) in &files {
        if path.ends_with("index.html") {
            let html = String::from_utf8(bytes.clone()).unwrap();
            by_url.insert(
                format!("{base}{}", path.trim_end_matches("index.html")),
                alternates(&html),
            );
        }
    }
    let mut checked = 0;
    let mut violations = Vec::new();
    for (url, alts) in &by_url {
        if alts.is_empty() {
            continue;
        }
        if !alts.iter().any(|(_, href)| href == url) {
            violations.push(format!("{url} does not list itself"));
        }
        for (lang, href) in alts {
            let Some(theirs) = by_url.get(href) else {
                violations.push(format!("{url}: alternate {lang} {href} is not a page"));
                continue;
            };
            if !theirs.iter().any(|(_, h)| h == url) {
                violations.push(format!("{href} does not link back to {url}"));
            }
            checked += 1;
        }
    }
    assert!(violations.is_empty(), "{violations:#?}");
    assert!(checked > 100, "{checked}");
    let root = &by_url[base];
    assert_eq!(root.len(), 4, "{root:?}");
    for lang in ["en", "ru", "kk"] {
        assert!(
            by_url[&format!("{base}{lang}/")].contains(&("x-default".to_owned(), base.to_owned())),
            "{lang}"
        );
    }
}

#[test]
fn feeds_and_sitemap_reference_existing_pages() {
    let (_out, files) = build_example();
    for lang in ["en", "ru", "kk"] {
        let xml = String::from_utf8(files[&format!("{lang}/atom.xml")].clone()).unwrap();
        let feed: atom_syndication::Feed = xml.parse().unwrap();
        assert_eq!(feed.entries().len(), 5, "{lang}");
        for entry in feed.entries() {
            let path = entry
                .id()
                .strip_prefix("https://pressroom.example.org/")
                .unwrap();
            assert!(
                files.contains_key(&format!("{path}index.html")),
                "{}",
                entry.id()
            );
        }
    }
    let sitemap = String::from_utf8(files["sitemap.xml"].clone()).unwrap();
    assert!(sitemap.matches("<url>").count() > 50);
}
