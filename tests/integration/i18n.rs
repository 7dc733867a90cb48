//! Languages: translations, interface strings, coverage.

use crate::util::{Site, main_of};

#[test]
fn translations_link_by_key_when_names_differ() {
    let site = Site::fixture("basic");
    site.write(
        "content/releases/2015/vizit.ru.md",
        "---\ntitle: Визит в Бельгию\ndate: 2015-04-01\ntranslation_key: belgium-visit\n---\n\nТекст.\n",
    );
    site.write(
        "content/releases/2015/visit.en.md",
        "---\ntitle: Study visit to Belgium\ndate: 2015-04-01\ntranslation_key: belgium-visit\n---\n\nText.\n",
    );
    site.build();
    let ru = site.read("ru/releases/2015/vizit/index.html");
    assert!(
        ru.contains("hreflang=\"en\" href=\"https://press.example.org/en/releases/2015/visit/\""),
        "{ru}"
    );
    let en = site.read("en/releases/2015/visit/index.html");
    assert!(
        en.contains("hreflang=\"ru\" href=\"https://press.example.org/ru/releases/2015/vizit/\"")
    );
}

#[test]
fn two_versions_in_one_language_are_an_error() {
    let site = Site::fixture("basic");
    site.write(
        "content/releases/2015/other.en.md",
        "---\ntitle: Other\ndate: 2015-04-01\ntranslation_key: 2015/forum\n---\n",
    );
    let errors = site.try_build(|_| {}).unwrap_err();
    let text = errors.sorted()[0].to_string();
    assert!(
        text.contains("are both the `en` version of `2015/forum`"),
        "{text}"
    );
    assert!(text.starts_with("content/releases/2015/"), "{text}");
}

#[test]
fn interface_strings_are_in_the_page_language_with_plurals() {
    let site = Site::fixture("basic");
    site.build();
    let ru = site.read("ru/releases/index.html");
    // Three releases listed in Russian lists (one translated, two shown in English).
    assert!(main_of(&ru).contains("3 пресс-релиза"), "{}", main_of(&ru));
    let kk = site.read("kk/index.html");
    assert!(kk.contains("<html lang=\"kk\""));
}

#[test]
fn a_message_no_language_has_is_an_error_at_the_template_line() {
    let site = Site::fixture("basic");
    site.write("templates/404.html", "{% extends \"base.html\" %}\n{% block content %}\n<p>{{ t(key=\"no-such-message\") }}</p>\n{% endblock content %}\n");
    let out = site.cmd(&["build"]).assert().code(1);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr);
    assert!(stderr.contains("templates/404.html:3:"), "{stderr}");
    assert!(stderr.contains("no-such-message"), "{stderr}");
}

#[test]
fn a_fluent_syntax_error_has_its_position() {
    let site = Site::fixture("basic");
    site.write("locales/ru/site.ftl", "good = хорошо\nbroken = { $x\n");
    let out = site.cmd(&["check"]).assert().code(1);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr);
    assert!(
        stderr.contains("locales/ru/site.ftl:2:1: error: Fluent syntax error"),
        "{stderr}"
    );
}

#[test]
fn site_messages_override_the_theme_one_by_one() {
    let site = Site::fixture("basic");
    site.write("locales/en/site.ftl", "nav-home = Front page\n");
    site.build();
    let html = site.read("en/index.html");
    assert!(html.contains(">Front page</a>"));
    assert!(
        html.contains(">Press releases</a>"),
        "other messages stay the theme's"
    );
}

#[test]
fn coverage_report_as_table_and_json() {
    let site = Site::fixture("basic");
    let out = site.cmd(&["check", "--translations"]).assert().success();
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    insta::assert_snapshot!(stdout);
    let out = site
        .cmd(&["check", "--translations", "--format", "json"])
        .assert()
        .success();
    let json: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(json["totals"]["ru"]["translated"], 1);
    assert_eq!(json["totals"]["kk"]["missing"], 3);
    assert_eq!(
        json["releases"][0]["versions"]["ru"],
        "content/releases/2015/forum.ru.md"
    );
}

/// The warnings of `check`, one per line.
fn check_warnings(site: &Site) -> String {
    let out = site.cmd(&["check"]).assert().success();
    String::from_utf8_lossy(&out.get_output().stderr).into_owned()
}

/// Issue 19: a tag label, a tag description, a location and an interface
/// string missing in Kazakh all come from Russian (the chain kk → ru → en),
/// carry `lang="ru"`, and `check` names the file and what is missing.
#[test]
fn every_kind_of_text_falls_back_along_the_chain_with_its_language() {
    let site = Site::fixture("basic");
    site.write(
        "content/tags.yaml",
        "probation:\n  label:\n    en: Probation\n    ru: Пробация\n  description:\n    en: Alternatives to prison.\n    ru: Альтернативы лишению свободы.\nprison-reform:\n  label:\n    en: Prison reform\n    ru: Тюремная реформа\n    kk: Түрме реформасы\n",
    );
    site.write(
        "content/releases/2015/forum.kk.md",
        "---\ntitle: \"Ресоциализация форумы\"\ndate: 2015-12-11\ntags: [probation]\n---\n\nМәтін.\n",
    );
    let theme_kk = "themes/osce/locales/kk/main.ftl";
    let ftl = std::fs::read_to_string(site.root().join(theme_kk)).unwrap();
    let ftl: String = ftl
        .lines()
        .filter(|l| !l.starts_with("nav-home =") && !l.starts_with("not-translated ="))
        .map(|l| format!("{l}\n"))
        .collect();
    site.write(theme_kk, ftl);
    site.build();

    // The conference exists in English only: the Russian fallback text of the
    // "not translated" marker names the language shown, never "no Russian
    // version".
    for (page, expected) in [
        (
            "kk/releases/2015/forum/index.html",
            "<a class=\"chip\" href=\"/kk/tags/probation/\" lang=\"ru\">Пробация</a>",
        ),
        (
            "kk/releases/2015/forum/index.html",
            "<span lang=\"ru\">Астана</span>",
        ),
        (
            "kk/releases/2015/forum/index.html",
            "<span lang=\"ru\">Главная</span>",
        ),
        (
            "kk/tags/probation/index.html",
            "<p class=\"page-header__lead\" lang=\"ru\">Альтернативы лишению свободы.</p>",
        ),
        (
            "kk/tags/index.html",
            "<p class=\"tag-index__description\" lang=\"ru\">Альтернативы лишению свободы.</p>",
        ),
        (
            "kk/releases/index.html",
            "<span class=\"card__note-text\"><span lang=\"ru\">Перевода нет. Показана версия:</span></span>\n    <span class=\"card__note-shown\" lang=\"en\">English</span>.",
        ),
    ] {
        let html = site.read(page);
        assert!(html.contains(expected), "{page}: {expected}\n{html}");
    }

    let warnings = check_warnings(&site);
    for expected in [
        "content/tags.yaml:1:1: warning: tag `probation` has no label in `kk`",
        "content/tags.yaml:1:1: warning: tag `probation` has no description in `kk`",
        "content/releases/2015/forum.kk.md:1:1: warning: this `kk` version has no `location`; the `ru` version's \"Астана\" is shown",
        "themes/osce/locales/kk/main.ftl:1:1: warning: the message `nav-home` is missing in `kk`",
        "themes/osce/locales/kk/main.ftl:1:1: warning: the message `not-translated` is missing in `kk`",
    ] {
        assert!(warnings.contains(expected), "{expected}\n{warnings}");
    }
}

/// Pages in the page's own language carry no `lang` of their own, and page
/// numbers and counts are the locale's numbers.
#[test]
fn text_in_the_page_language_is_not_marked() {
    let site = Site::fixture("basic");
    site.build();
    let ru = site.read("ru/releases/2015/forum/index.html");
    assert!(
        ru.contains("<a class=\"chip\" href=\"/ru/tags/probation/\">Пробация</a>"),
        "{ru}"
    );
    assert!(ru.contains("<span>Астана</span>"), "{ru}");
    assert!(ru.contains("<html lang=\"ru\" dir=\"ltr\">"), "{ru}");
}

/// Issue 19: a site adds Arabic (right to left) and Uzbek in Latin script
/// beside English with nothing but `site.yaml` and its `.ftl` bundles; plurals,
/// dates, quotation marks, collation and direction come from CLDR.
#[test]
fn a_site_adds_arabic_and_uzbek_latin_without_code() {
    let site = Site::fixture("rtl");
    let report = site.build();
    let warnings: Vec<String> = report.warnings.iter().map(|d| d.to_string()).collect();
    assert!(warnings.is_empty(), "{warnings:#?}");

    let ar = site.read("ar/releases/index.html");
    assert!(ar.contains("<html lang=\"ar\" dir=\"rtl\">"), "{ar}");
    for expected in [
        // CLDR's Arabic plural category `few` for 3.
        "3 بيانات صحفية",
        "<time datetime=\"2016-04-01\">1 أبريل 2016</time>",
        // A release shown in English for lack of an Arabic version: its text
        // is marked with its language and direction.
        "<a href=\"/en/releases/2017/report/\" lang=\"en\" dir=\"ltr\" hreflang=\"en\">Report on conditions of detention</a>",
        "<span lang=\"en\" dir=\"ltr\">Tashkent</span>",
    ] {
        assert!(ar.contains(expected), "{expected}\n{}", main_of(&ar));
    }
    let forum = site.read("ar/releases/2015/forum/index.html");
    assert!(
        forum.contains("<p>وصف الخبراء الخطة بأنها ”خطوة نحو عدالة ’إنسانية‘“ – "),
        "{}",
        main_of(&forum)
    );
    let uz = site.read("uz-Latn/releases/2015/forum/index.html");
    assert!(uz.contains("<html lang=\"uz-Latn\" dir=\"ltr\">"), "{uz}");
    assert!(
        uz.contains("“’insonparvar‘ odil sudlov sari qadam”"),
        "{}",
        main_of(&uz)
    );
    assert!(uz.contains("<time datetime=\"2015-12-11\">"), "{uz}");
    let uz_list = site.read("uz-Latn/releases/page/2/index.html");
    assert!(
        uz_list.contains("2 sahifadan 2-sahifa"),
        "{}",
        main_of(&uz_list)
    );

    // The English switcher names Arabic right to left.
    let en = site.read("en/index.html");
    assert!(
        en.contains("<a href=\"/ar/\" lang=\"ar\" dir=\"rtl\" hreflang=\"ar\">العربية</a>"),
        "{en}"
    );
    // Tags sorted by Arabic collation: إصلاح، حقوق، المراقبة (the article
    // «ال» counts as letters).
    let tags = main_of(&site.read("ar/tags/index.html")).to_owned();
    let at = |label: &str| {
        tags.find(label)
            .unwrap_or_else(|| panic!("{label}\n{tags}"))
    };
    assert!(at("إصلاح السجون") < at("المراقبة القضائية"), "{tags}");
    assert!(at("المراقبة القضائية") < at("حقوق الإنسان"), "{tags}");
}
