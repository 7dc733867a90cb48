//! What a good site produces.

use crate::util::{Site, attr_values, main_of};

#[test]
fn every_page_of_every_language_is_written() {
    let site = Site::fixture("basic");
    site.build();
    let files: Vec<String> = site.tree().into_keys().collect();
    insta::assert_snapshot!(files.join("\n"));
}

#[test]
fn drafts_and_embargoed_releases_are_left_out_unless_asked_for() {
    let site = Site::fixture("basic");
    site.build();
    assert!(!site.exists("en/releases/2015/draft/index.html"));
    assert!(!site.exists("en/releases/2015/embargoed/index.html"));
    for page in [
        "en/index.html",
        "en/releases/index.html",
        "en/releases/page/2/index.html",
    ] {
        let html = site.read(page);
        assert!(
            !html.contains("Unfinished draft") && !html.contains("Embargoed release"),
            "{page}"
        );
    }
    site.try_build(|o| {
        o.drafts = true;
        o.embargoed = true;
    })
    .unwrap();
    assert!(
        site.read("en/releases/2015/draft/index.html")
            .contains("Unfinished draft")
    );
    assert!(
        site.read("en/releases/2015/embargoed/index.html")
            .contains("Secret until 2999.")
    );
}

#[test]
fn an_embargo_lifts_at_its_moment() {
    let site = Site::fixture("basic");
    site.try_build(|o| o.now = "2999-01-01T03:00:01Z".parse().unwrap())
        .unwrap();
    assert!(site.exists("en/releases/2015/embargoed/index.html"));
    site.try_build(|o| o.now = "2999-01-01T02:59:59Z".parse().unwrap())
        .unwrap();
    assert!(!site.exists("en/releases/2015/embargoed/index.html"));
}

#[test]
fn a_release_page_shows_its_content_and_links_its_translations() {
    let site = Site::fixture("basic");
    site.build();
    let html = site.read("en/releases/2015/forum/index.html");
    assert!(html.contains("<html lang=\"en\""));
    assert!(html.contains("<title>Forum on re-socialization — Test press office</title>"));
    assert!(html.contains(
        "<link rel=\"canonical\" href=\"https://press.example.org/en/releases/2015/forum/\">"
    ));
    let alternates: Vec<&str> = html
        .lines()
        .filter(|l| l.contains("rel=\"alternate\" hreflang"))
        .collect();
    assert_eq!(
        alternates,
        [
            "<link rel=\"alternate\" hreflang=\"en\" href=\"https://press.example.org/en/releases/2015/forum/\">",
            "<link rel=\"alternate\" hreflang=\"ru\" href=\"https://press.example.org/ru/releases/2015/forum/\">",
            "<link rel=\"alternate\" hreflang=\"x-default\" href=\"https://press.example.org/en/releases/2015/forum/\">",
        ]
    );
    let main = main_of(&html);
    assert!(
        main.contains("<time datetime=\"2015-12-11\">December 11, 2015</time>"),
        "{main}"
    );
    assert!(main.contains("Astana"));
    assert!(main.contains("<h2 id=\"outcomes\">Outcomes</h2>"));
    assert!(main.contains("<table>"));
    // Smart punctuation, and the internal link resolved in the page's language.
    assert!(main.contains("“quotes” –"));
    assert!(main.contains("<a href=\"/en/releases/2011/conference/\">link</a>"));
    // Raw HTML is escaped by default.
    assert!(main.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!html.contains("<script>"));
    assert!(main.contains(">Probation<") && main.contains(">Prison reform<"));

    let ru = site.read("ru/releases/2015/forum/index.html");
    assert!(ru.contains("<html lang=\"ru\""));
    assert!(main_of(&ru).contains("11 декабря 2015\u{202f}г."));
    // The Russian page's internal link leads to the only version there is.
    assert!(main_of(&ru).contains("href=\"/en/releases/2011/conference/\""));
    assert!(main_of(&ru).contains(">Пробация<"));
}

#[test]
fn lists_are_newest_first_and_paginated() {
    let site = Site::fixture("basic");
    site.build();
    let first = main_of(&site.read("en/releases/index.html")).to_owned();
    let second = main_of(&site.read("en/releases/page/2/index.html")).to_owned();
    let forum = first.find("Forum on re-socialization").unwrap();
    let visit = first.find("Study visit to Belgium").unwrap();
    assert!(forum < visit, "newest first");
    assert!(second.contains("Conference on the penitentiary system"));
    assert!(!first.contains("Conference on the penitentiary system"));
    assert!(
        site.read("en/releases/index.html")
            .contains("<link rel=\"next\" href=\"/en/releases/page/2/\">")
    );
    assert!(
        site.read("en/releases/page/2/index.html")
            .contains("<link rel=\"prev\" href=\"/en/releases/\">")
    );
    assert!(!site.exists("en/releases/page/3/index.html"));
}

#[test]
fn untranslated_releases_are_listed_in_an_available_language() {
    let site = Site::fixture("basic");
    site.build();
    let kk = site.read("kk/releases/index.html");
    let main = main_of(&kk);
    // The forum has no Kazakh version: shown in Russian (kk falls back to ru).
    assert!(main.contains("Форум по ресоциализации"), "{main}");
    assert!(main.contains("lang=\"ru\""));
    // No Kazakh release page exists, and no page claims one.
    assert!(!site.exists("kk/releases/2015/forum/index.html"));
    for (path, bytes) in site.tree() {
        if path.ends_with(".html") {
            let html = String::from_utf8(bytes).unwrap();
            assert!(
                !html.contains("https://press.example.org/kk/releases/2015/forum/"),
                "{path}"
            );
        }
    }
}

/// The root is a chooser in every language, forwarded by script rather
/// than a zero-second refresh, and the `x-default` of the homes (issue 19).
#[test]
fn the_root_offers_every_language_in_its_own_language() {
    let site = Site::fixture("basic");
    site.build();
    let root = site.read("index.html");
    assert!(!root.contains("http-equiv=\"refresh\""), "{root}");
    assert!(root.contains("data-forward"), "{root}");
    assert!(root.contains("/js/language.js?v="), "{root}");
    let hrefs = attr_values(&root, "href");
    for home in ["/en/", "/ru/", "/kk/"] {
        assert!(hrefs.contains(&home), "{home} in {hrefs:?}");
    }
    let main = main_of(&root);
    assert!(
        main.contains(
            "<a class=\"chooser__link\" href=\"/ru/\" lang=\"ru\" hreflang=\"ru\">Русский</a>"
        ),
        "{main}"
    );
    assert!(
        main.contains("<span lang=\"ru\">Выберите язык</span>"),
        "{main}"
    );
    assert!(main.contains("Choose a language"), "{main}");
    assert!(root.contains(
        "<link rel=\"alternate\" hreflang=\"x-default\" href=\"https://press.example.org/\">"
    ));
    let home = site.read("kk/index.html");
    assert!(
        home.contains(
            "<link rel=\"alternate\" hreflang=\"x-default\" href=\"https://press.example.org/\">"
        ),
        "{home}"
    );
}

/// `/404.html` carries the not-found message of every language, each marked
/// with its language, for the script to pick by the address.
#[test]
fn the_root_not_found_page_speaks_every_language() {
    let site = Site::fixture("basic");
    site.build();
    let page = site.read("404.html");
    let main = main_of(&page);
    assert!(main.contains("<section class=\"not-found\" data-language=\"kk\" aria-labelledby=\"page_title_3\" lang=\"kk\">"), "{main}");
    assert!(main.contains("Бет табылмады"), "{main}");
    assert!(main.contains("Страница не найдена"), "{main}");
    assert!(main.contains("Page not found"), "{main}");
    assert!(main.contains("data-root=\"/\""), "{main}");
    // The pages under a language prefix keep their single language.
    let kk = main_of(&site.read("kk/404.html")).to_owned();
    assert!(
        kk.contains("Бет табылмады") && !kk.contains("Page not found"),
        "{kk}"
    );
}

#[test]
fn base_url_can_be_overridden_and_carry_a_path() {
    let site = Site::fixture("basic");
    site.try_build(|o| o.base_url = Some("https://staging.example.org/archive/".into()))
        .unwrap();
    let html = site.read("en/releases/2015/forum/index.html");
    assert!(html.contains("<link rel=\"canonical\" href=\"https://staging.example.org/archive/en/releases/2015/forum/\">"));
    assert!(html.contains("href=\"/archive/en/releases/\""));
    assert!(html.contains("/archive/css/style.css?v="));
}

#[test]
fn bundle_files_are_copied_beside_every_version() {
    let site = Site::fixture("basic");
    site.write("content/releases/2016/bundle/index.en.md", "---\ntitle: Bundle\ndate: 2016-01-05\nimage: photo.svg\nimage_alt: A photo\n---\n\n![A chart](chart.svg)\n");
    site.write(
        "content/releases/2016/bundle/index.ru.md",
        "---\ntitle: Пакет\ndate: 2016-01-05\n---\n\nТекст.\n",
    );
    site.write(
        "content/releases/2016/bundle/photo.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    );
    site.write(
        "content/releases/2016/bundle/chart.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    );
    site.build();
    for lang in ["en", "ru"] {
        assert!(site.exists(&format!("{lang}/releases/2016/bundle/photo.svg")));
        assert!(site.exists(&format!("{lang}/releases/2016/bundle/chart.svg")));
    }
    assert!(
        site.read("en/releases/2016/bundle/index.html")
            .contains("<img src=\"chart.svg\" alt=\"A chart\"")
    );
}

#[test]
fn aliases_redirect_old_paths() {
    let site = Site::fixture("basic");
    site.write(
        "content/releases/2015/visit.en.md",
        "---\ntitle: Study visit to Belgium\ndate: 2015-04-01\naliases: [\"/press/2015/visit.html\", \"/old/visit/\"]\n---\n\nText.\n",
    );
    site.build();
    for alias in ["press/2015/visit.html", "old/visit/index.html"] {
        let html = site.read(alias);
        assert!(
            html.contains(
                "<meta http-equiv=\"refresh\" content=\"0; url=/en/releases/2015/visit/\">"
            ),
            "{html}"
        );
        assert!(html.contains(
            "<link rel=\"canonical\" href=\"https://press.example.org/en/releases/2015/visit/\">"
        ));
    }
}

#[test]
fn the_default_language_may_live_at_the_root() {
    let site = Site::fixture("basic");
    let config = std::fs::read_to_string(site.root().join("site.yaml")).unwrap();
    site.write(
        "site.yaml",
        format!("{config}default_language_at_root: true\n"),
    );
    site.build();
    assert!(site.exists("releases/2015/forum/index.html"));
    assert!(!site.exists("en/index.html"));
    let ru = site.read("ru/releases/2015/forum/index.html");
    assert!(ru.contains("hreflang=\"en\" href=\"https://press.example.org/releases/2015/forum/\""));
    assert!(main_of(&site.read("index.html")).contains("Forum on re-socialization"));
}

/// The JSON-LD of a release whose front matter tries to end the script
/// element, open a comment or smuggle markup: the text stays inside the
/// script, and a JSON reader gets the headline back unchanged.
#[test]
fn structured_data_survives_a_hostile_title() {
    let site = Site::fixture("basic");
    let hostile = "</script><script>alert(1)</script><!-- & </SCRIPT >";
    site.write(
        "content/releases/2015/hostile.en.md",
        format!(
            "---\ntitle: {}\ndate: 2015-12-12\nupdated: 2015-12-14T09:30:00+06:00\ntags: [probation]\n---\n\nBody.\n",
            serde_json::to_string(hostile).unwrap()
        ),
    );
    site.build();
    let html = site.read("en/releases/2015/hostile/index.html");
    let open = "<script type=\"application/ld+json\">";
    let start = html.find(open).expect("a JSON-LD script") + open.len();
    let json = &html[start..start + html[start..].find("</script>").unwrap()];
    assert!(!json.contains('<') && !json.contains('>'), "{json}");
    let value: serde_json::Value = serde_json::from_str(json).unwrap();
    let article = &value["@graph"][0];
    assert_eq!(article["@type"], "NewsArticle");
    assert_eq!(article["headline"], hostile);
    assert_eq!(article["dateModified"], "2015-12-14T09:30:00+06:00");
    assert_eq!(article["inLanguage"], "en");
    // The page runs exactly the scripts the theme wrote.
    assert_eq!(html.matches("<script").count(), 2, "{html}");
}

/// The press office of site.yaml reaches every page: its logo (a static
/// file, checked to exist), its media contact under releases, its footer
/// credit, and its name as the JSON-LD publisher.
#[test]
fn the_press_office_comes_from_site_yaml() {
    let site = Site::fixture("basic");
    let config = std::fs::read_to_string(site.root().join("site.yaml")).unwrap();
    let office = "organization:\n  name:\n    en: Test office\n    ru: Тестовая служба\n  logo: img/office.svg\n  media_contact:\n    phone: \"+7 (7172) 00-00-00\"\n    email: press@press.example.org\n  footer: Credit line\n";
    site.write("site.yaml", format!("{config}{office}"));
    let e = site.try_build(|_| {}).unwrap_err();
    let messages: Vec<String> = e.sorted().iter().map(ToString::to_string).collect();
    // The `logo:` line, the fifth of the block.
    let line = config.lines().count() + 5;
    assert_eq!(messages.len(), 1, "{messages:#?}");
    assert!(
        messages[0].starts_with(&format!(
            "site.yaml:{line}:9: error: the logo `img/office.svg` is not in the site's or the theme's static/ folder"
        )),
        "{messages:#?}"
    );
    site.write(
        "static/img/office.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    );
    site.build();
    let en = site.read("en/releases/2015/forum/index.html");
    assert!(
        en.contains("<a href=\"tel:+77172000000\">+7 (7172) 00-00-00</a>"),
        "{en}"
    );
    assert!(
        en.contains("<p class=\"site-footer__credit\">Credit line</p>"),
        "{en}"
    );
    assert!(en.contains("\"publisher\":{\"@type\":\"Organization\",\"logo\":{\"@type\":\"ImageObject\",\"url\":\"https://press.example.org/img/office.svg\"},\"name\":\"Test office\""), "{en}");
    assert!(
        site.read("ru/releases/2015/forum/index.html")
            .contains("Тестовая служба")
    );
    assert!(site.exists("img/office.svg"));
}
