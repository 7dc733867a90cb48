//! Tags, years, pagination, feeds and the sitemap.

use std::collections::BTreeSet;

use crate::util::{Site, attr_values, main_of};

/// A copy of the basic fixture whose releases are replaced by `n` releases,
/// one a day from 2015-01-01, all tagged `probation`.
fn site_with_releases(n: usize) -> Site {
    let site = Site::fixture("basic");
    std::fs::remove_dir_all(site.root().join("content/releases")).unwrap();
    std::fs::create_dir_all(site.root().join("content/releases")).unwrap();
    for i in 1..=n {
        site.write(
            &format!("content/releases/2015/r{i:02}.en.md"),
            format!("---\ntitle: Release {i:02}\ndate: 2015-01-{i:02}\ntags: [probation]\n---\n\nBody {i}.\n"),
        );
    }
    site
}

#[test]
fn pagination_boundaries() {
    // The fixture's page size is 2.
    for (n, pages) in [(0, 1), (1, 1), (2, 1), (3, 2)] {
        let site = site_with_releases(n);
        site.build();
        let list = site.read("en/releases/index.html");
        let titles = main_of(&list).matches("class=\"card__title\"").count();
        assert_eq!(titles, n.min(2), "n = {n}");
        assert_eq!(
            site.exists("en/releases/page/2/index.html"),
            pages == 2,
            "n = {n}"
        );
        assert!(!site.exists("en/releases/page/3/index.html"));
        if n == 3 {
            let last = site.read("en/releases/page/2/index.html");
            assert!(main_of(&last).contains("Release 01"));
            assert!(main_of(&last).contains("aria-current=\"page\">2<"));
            assert!(
                site.read("en/tags/probation/page/2/index.html")
                    .contains("Release 01")
            );
        }
        // The tag page exists only when releases carry the tag.
        assert_eq!(
            site.exists("en/tags/probation/index.html"),
            n > 0,
            "n = {n}"
        );
        assert!(site.exists("en/tags/index.html"));
    }
}

#[test]
fn tag_index_counts_and_pages_per_language() {
    let site = Site::fixture("basic");
    site.build();
    let index = main_of(&site.read("en/tags/index.html")).to_owned();
    assert!(index.contains(">Probation</a>"), "{index}");
    assert!(index.contains(">Prison reform</a>"));
    assert!(index.contains("2 press releases"), "{index}");
    let ru = main_of(&site.read("ru/tags/index.html")).to_owned();
    // Russian labels, sorted by Russian collation: Пробация before Тюремная.
    let p = ru.find(">Пробация</a>").unwrap();
    let t = ru.find(">Тюремная реформа</a>").unwrap();
    assert!(p < t);
    // The switcher on a tag page leads to the same tag elsewhere.
    let tag = site.read("ru/tags/probation/index.html");
    let hrefs = attr_values(&tag, "href");
    assert!(hrefs.contains(&"/en/tags/probation/"), "{hrefs:?}");
    assert!(hrefs.contains(&"/kk/tags/probation/"), "{hrefs:?}");
    // Newest first on the tag page.
    let en = main_of(&site.read("en/tags/probation/index.html")).to_owned();
    assert!(
        en.find("Forum on re-socialization").unwrap() < en.find("Study visit to Belgium").unwrap()
    );
    // Chips link to the tag page in the page's language.
    assert!(
        site.read("ru/releases/2015/forum/index.html")
            .contains("href=\"/ru/tags/probation/\"")
    );
}

#[test]
fn year_archive() {
    let site = Site::fixture("basic");
    site.build();
    let y2015 = main_of(&site.read("en/releases/2015/index.html")).to_owned();
    assert!(
        y2015.contains("Forum on re-socialization") && y2015.contains("Study visit to Belgium")
    );
    assert!(!y2015.contains("Conference on the penitentiary system"));
    assert!(site.exists("en/releases/2011/index.html"));
    let list = main_of(&site.read("en/releases/index.html")).to_owned();
    assert!(list.contains("href=\"/en/releases/2015/\""), "{list}");
    assert!(list.contains("href=\"/en/releases/2011/\""));
}

#[test]
fn feeds_are_atom_with_the_latest_releases_of_their_language() {
    let site = Site::fixture("basic");
    site.build();
    let en: atom_syndication::Feed = site.read("en/atom.xml").parse().unwrap();
    let titles: Vec<&str> = en.entries().iter().map(|e| e.title().as_str()).collect();
    assert_eq!(
        titles,
        [
            "Forum on re-socialization",
            "Study visit to Belgium",
            "Conference on the penitentiary system"
        ]
    );
    assert_eq!(en.id(), "https://press.example.org/en/atom.xml");
    assert_eq!(en.lang(), Some("en"));
    assert_eq!(en.updated().to_rfc3339(), "2015-12-11T00:00:00+00:00");
    let content = en.entries()[0].content().unwrap();
    assert!(
        content
            .value()
            .unwrap()
            .contains("<h2 id=\"outcomes\">Outcomes</h2>")
    );

    let ru: atom_syndication::Feed = site.read("ru/atom.xml").parse().unwrap();
    assert_eq!(ru.entries().len(), 1);
    assert_eq!(ru.entries()[0].title().as_str(), "Форум по ресоциализации");

    let tag: atom_syndication::Feed = site.read("en/tags/prison-reform/atom.xml").parse().unwrap();
    let titles: Vec<&str> = tag.entries().iter().map(|e| e.title().as_str()).collect();
    assert_eq!(
        titles,
        [
            "Forum on re-socialization",
            "Conference on the penitentiary system"
        ]
    );
    // Advertised in the pages they belong to.
    assert!(
        site.read("en/index.html")
            .contains("type=\"application/atom+xml\"")
    );
    assert!(
        site.read("en/tags/prison-reform/index.html")
            .contains("/en/tags/prison-reform/atom.xml")
    );
}

#[test]
fn sitemap_lists_every_page_once_with_alternates() {
    let site = Site::fixture("basic");
    site.build();
    let sitemap = site.read("sitemap.xml");
    let locs: Vec<&str> = sitemap
        .match_indices("<loc>")
        .map(|(i, _)| {
            let rest = &sitemap[i + 5..];
            &rest[..rest.find("</loc>").unwrap()]
        })
        .collect();
    let unique: BTreeSet<&str> = locs.iter().copied().collect();
    assert_eq!(unique.len(), locs.len(), "no URL twice");
    let pages: BTreeSet<String> = site
        .tree()
        .into_keys()
        // The root chooser included: it is the homes' x-default.
        .filter(|p| p.ends_with("index.html"))
        // Search pages have nothing of their own to index.
        .filter(|p| !p.contains("/search/"))
        .map(|p| {
            format!(
                "https://press.example.org/{}",
                p.trim_end_matches("index.html")
            )
        })
        .collect();
    let listed: BTreeSet<String> = unique.iter().map(|s| s.to_string()).collect();
    assert_eq!(listed, pages);
    assert!(sitemap.contains(
        "<loc>https://press.example.org/ru/releases/2015/forum/</loc>\n    <xhtml:link rel=\"alternate\" hreflang=\"en\" href=\"https://press.example.org/en/releases/2015/forum/\"/>\n    <xhtml:link rel=\"alternate\" hreflang=\"ru\" href=\"https://press.example.org/ru/releases/2015/forum/\"/>\n  </url>"
    ));
    assert_eq!(
        site.read("robots.txt"),
        "User-agent: *\nAllow: /\n\nSitemap: https://press.example.org/sitemap.xml\n"
    );
}

#[test]
fn an_alias_colliding_with_a_page_is_an_error() {
    let site = Site::fixture("basic");
    site.write(
        "content/releases/2015/visit.en.md",
        "---\ntitle: Visit\ndate: 2015-04-01\naliases: [\"/en/releases/2015/forum/\"]\n---\n\nText.\n",
    );
    let errors = site.try_build(|_| {}).unwrap_err();
    let first = errors.sorted()[0].to_string();
    assert!(
        first.contains("both produce `/en/releases/2015/forum/index.html`"),
        "{first}"
    );
}

/// A release with many tags is on every one of their pages; lists show its
/// first few tags and say how many more there are, so the output grows with
/// the number of tags, not with its square (issue 14).
#[test]
fn lists_show_a_few_tags_of_a_release_and_count_the_rest() {
    let site = Site::fixture("basic");
    let keys: Vec<String> = (1..=8).map(|i| format!("topic-{i}")).collect();
    let mut registry = std::fs::read_to_string(site.root().join("content/tags.yaml")).unwrap();
    for key in &keys {
        registry.push_str(&format!(
            "{key}:\n  label:\n    en: Topic {key}\n    ru: Тема {key}\n    kk: Тақырып {key}\n"
        ));
    }
    site.write("content/tags.yaml", registry);
    site.write(
        "content/releases/2011/conference.en.md",
        format!(
            "---\ntitle: Many topics\ndate: 2011-11-23\ntags: [{}]\n---\n\nText.\n",
            keys.join(", ")
        ),
    );
    site.build();
    let tag_page = main_of(&site.read("en/tags/topic-8/index.html")).to_owned();
    assert_eq!(tag_page.matches("class=\"chip\"").count(), 5, "{tag_page}");
    assert!(tag_page.contains("and 3 more topics"), "{tag_page}");
    // The release page itself shows them all.
    let release = main_of(&site.read("en/releases/2011/conference/index.html")).to_owned();
    assert_eq!(release.matches("class=\"chip\"").count(), 8, "{release}");
    // Russian counts with its own plural forms.
    let ru = main_of(&site.read("ru/tags/topic-8/index.html")).to_owned();
    assert!(ru.contains("и ещё 3 темы"), "{ru}");
}
