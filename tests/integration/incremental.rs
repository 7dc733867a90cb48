//! Watch mode's rebuilds: after any sequence of edits, the output equals a
//! clean build of the same inputs, and a change renders only what it can
//! affect.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use pressroom::live::session::Session;
use proptest::prelude::*;

use crate::edits::{Op, World, op};
use crate::util::{Site, proptest_cases, tree};

fn options(root: &Path, out: PathBuf) -> pressroom::BuildOptions {
    let mut opts = pressroom::BuildOptions::new(root, Some(out));
    opts.now = "2026-01-01T00:00:00Z".parse().unwrap();
    opts
}

fn messages(e: &pressroom::BuildErrors) -> Vec<String> {
    e.sorted().iter().map(ToString::to_string).collect()
}

fn differences(a: &BTreeMap<String, Vec<u8>>, b: &BTreeMap<String, Vec<u8>>) -> Vec<String> {
    let mut out = Vec::new();
    for (path, bytes) in a {
        match b.get(path) {
            None => out.push(format!("only in watch output: {path}")),
            Some(other) if other != bytes => out.push(format!("differs: {path}")),
            Some(_) => {}
        }
    }
    for path in b.keys().filter(|p| !a.contains_key(*p)) {
        out.push(format!("only in clean build: {path}"));
    }
    out
}

/// Rebuilds after the edits so far and compares the output with a clean
/// build of the same files: the same bytes, or the same errors. `Ok` says
/// whether the build succeeded.
fn check(world: &World, session: &mut Session, step: &str) -> Result<bool, String> {
    let watched = session.rebuild();
    let clean_dir = tempfile::tempdir().unwrap();
    let clean_out = clean_dir.path().join("public");
    let clean = pressroom::build(&options(world.site.root(), clean_out.clone()));
    match (&watched, &clean) {
        (Ok(watched), Ok(clean)) => {
            let diff = differences(&world.site.tree(), &tree(&clean_out));
            // Files rendered or not, each language counts every file of
            // its own, as the clean build does.
            let files = |counts: &BTreeMap<String, pressroom::Counts>| -> Vec<(String, usize)> {
                (counts.iter())
                    .map(|(lang, c)| (lang.clone(), c.files()))
                    .collect()
            };
            if !diff.is_empty() {
                Err(format!("after {step}: {diff:#?}"))
            } else if files(&watched.report.counts) != files(&clean.counts) {
                Err(format!(
                    "after {step}: files per language {:?}, clean {:?}",
                    files(&watched.report.counts),
                    files(&clean.counts)
                ))
            } else {
                Ok(true)
            }
        }
        (Err(w), Err(c)) if messages(w) == messages(c) => Ok(false),
        (w, c) => Err(format!(
            "after {step}: watch {:#?}, clean {:#?}",
            w.as_ref().map(|_| ()).map_err(messages),
            c.as_ref().map(|_| ()).map_err(messages)
        )),
    }
}

/// A session over a fresh [`World`] after its first build.
fn world_session() -> (World, Session) {
    let world = World::new();
    let mut session = Session::new(options(world.site.root(), world.site.public()));
    // As watch mode runs it: the index of an edited language looks up the
    // words of the documents the edit did not change.
    session.keep_search_words();
    session
        .rebuild()
        .unwrap_or_else(|e| panic!("{:#?}", messages(&e)));
    (world, session)
}

/// Applies `op`, tells the session, and checks the result against a clean
/// build; whether the build succeeded.
fn step(world: &mut World, session: &mut Session, op: &Op) -> bool {
    let touched = world.apply(op);
    session.invalidate(&touched);
    check(world, session, &format!("{op:?}")).unwrap_or_else(|e| panic!("{e}"))
}

proptest! {
    // 16 cases take a few seconds in the dev profile.
    #![proptest_config(ProptestConfig { cases: proptest_cases(16), ..ProptestConfig::default() })]

    /// Each step is an edit and whether to rebuild after it: edits that land
    /// in one batch of watch events are rebuilt together.
    #[test]
    fn any_edit_sequence_ends_as_a_clean_build(
        steps in prop::collection::vec((op(), prop::bool::weighted(0.75)), 1..20),
    ) {
        let (mut world, mut session) = world_session();
        let last = steps.len() - 1;
        for (n, (op, rebuild)) in steps.iter().enumerate() {
            let touched = world.apply(op);
            session.invalidate(&touched);
            if *rebuild || n == last {
                check(&world, &mut session, &format!("step {n} ({op:?})"))
                    .map_err(TestCaseError::fail)?;
            }
        }
    }
}

/// Every kind of edit in an order where each one matters: links whose
/// targets then move, aliases of a release whose URL changes, translations
/// made and unmade by key, bundles and their files, the menu, the registry,
/// language settings. Unlike the randomized test it runs the same steps every
/// time, so dropping one input of the incremental engine fails it reliably.
#[test]
fn every_kind_of_edit_in_turn_ends_as_a_clean_build() {
    let (mut w, mut s) = world_session();
    // Macros, not closures: the edit names releases through `w` before
    // `step` borrows it mutably. `fails!` marks the edits that break the
    // site, so the script cannot drift into testing only failures.
    macro_rules! go {
        ($op:expr) => {{
            let op = $op;
            assert!(step(&mut w, &mut s, &op), "{op:?} should build");
        }};
    }
    macro_rules! fails {
        ($op:expr) => {{
            let op = $op;
            assert!(!step(&mut w, &mut s, &op), "{op:?} should fail");
        }};
    }
    go!(Op::Create {
        slug: 0,
        year: 0,
        lang: 1,
        tags: 3
    });
    go!(Op::Create {
        slug: 2,
        year: 2,
        lang: 0,
        tags: 2
    });
    // Links, then their targets move: a new slug, a new date, a new file.
    let (alpha, gamma) = (w.find("alpha", 2011, "en"), w.find("gamma", 2020, "en"));
    go!(Op::Link(gamma, alpha, false));
    let (beta, alpha_ru) = (w.find("beta", 2015, "en"), w.find("alpha", 2011, "ru"));
    go!(Op::Link(beta, alpha_ru, true));
    go!(Op::Slug(w.find("alpha", 2011, "en"), Some(0)));
    go!(Op::Redate(w.find("alpha", 2011, "en"), 2));
    go!(Op::Slug(w.find("alpha", 2011, "ru"), Some(0)));
    // With no Russian version left, the link's target is gone, then back,
    // then unpublished.
    go!(Op::Delete(w.find("alpha", 2011, "ru")));
    fails!(Op::Rename(w.find("alpha", 2011, "en"), 3, 0));
    go!(Op::Rename(w.find("delta", 2011, "en"), 0, 0));
    fails!(Op::Draft(w.find("alpha", 2011, "en"), true));
    go!(Op::Draft(w.find("alpha", 2011, "en"), false));
    // Embargoes and aliases.
    go!(Op::Embargo(w.find("beta", 2015, "en"), Some(true)));
    go!(Op::Embargo(w.find("beta", 2015, "en"), Some(false)));
    go!(Op::Alias(w.find("beta", 2015, "en"), Some(0)));
    go!(Op::Slug(w.find("beta", 2015, "en"), Some(1)));
    go!(Op::Alias(w.find("beta", 2015, "en"), Some(1)));
    fails!(Op::Alias(w.find("gamma", 2020, "en"), Some(1)));
    go!(Op::Alias(w.find("gamma", 2020, "en"), None));
    go!(Op::Embargo(w.find("beta", 2015, "en"), None));
    // Translations by key.
    go!(Op::Create {
        slug: 3,
        year: 1,
        lang: 2,
        tags: 1
    });
    go!(Op::TranslationKey(w.find("delta", 2015, "kk"), Some(0)));
    go!(Op::TranslationKey(w.find("gamma", 2020, "en"), Some(0)));
    go!(Op::EditTitle(
        w.find("gamma", 2020, "en"),
        "gamma renamed".into()
    ));
    go!(Op::Slug(w.find("gamma", 2020, "en"), Some(0)));
    go!(Op::TranslationKey(w.find("delta", 2015, "kk"), Some(1)));
    // A bundle and the file beside it.
    go!(Op::Bundle(w.find("beta", 2015, "en"), true));
    go!(Op::BundleFile(w.find("beta", 2015, "en"), "one".into()));
    go!(Op::BundleFile(
        w.find("beta", 2015, "en"),
        "two, longer".into()
    ));
    go!(Op::Slug(w.find("beta", 2015, "en"), None));
    go!(Op::Bundle(w.find("beta", 2015, "en"), false));
    // Static pages and the menu.
    go!(Op::PageCreate {
        name: 1,
        lang: 0,
        weight: 0
    });
    go!(Op::PageTitle(2, "contacts renamed".into()));
    go!(Op::PageWeight(0, 5));
    go!(Op::PageDraft(1, true));
    go!(Op::LinkPage(w.find("gamma", 2020, "en"), 1));
    fails!(Op::PageDelete(2));
    go!(Op::PageCreate {
        name: 1,
        lang: 0,
        weight: 2
    });
    go!(Op::PageDraft(1, false));
    // Static files, the registry, language settings, templates.
    go!(Op::StaticFile(0, Some("a".into())));
    go!(Op::StaticFile(0, Some("bb".into())));
    go!(Op::StaticFile(0, None));
    go!(Op::ThemeStyle("x".into()));
    go!(Op::TagLabel(1, "relabelled".into()));
    go!(Op::TagDescription(1, Some("described".into())));
    go!(Op::TagDescription(0, Some("other".into())));
    go!(Op::TagDescription(1, None));
    go!(Op::TagRegistered(2, false));
    fails!(Op::TagRegistered(1, false));
    go!(Op::TagRegistered(1, true));
    go!(Op::TagRegistered(2, true));
    go!(Op::LanguageName(1, "Russian".into()));
    go!(Op::LanguageTitle(2, Some("Пресс".into())));
    go!(Op::LanguageTitle(1, None));
    go!(Op::LanguageFallback(2, Some(0)));
    fails!(Op::LanguageFallback(2, Some(2)));
    go!(Op::LanguageFallback(2, None));
    go!(Op::LanguageLocale(0, Some(0)));
    fails!(Op::LanguageLocale(1, Some(3)));
    go!(Op::LanguageLocale(1, Some(1)));
    go!(Op::ListUntranslated(false));
    go!(Op::ListUntranslated(true));
    go!(Op::DefaultLanguageAtRoot(true));
    go!(Op::DefaultLanguageAtRoot(false));
    go!(Op::BaseUrl(true));
    go!(Op::Template("t".into()));
    go!(Op::Partial("p".into()));
    go!(Op::Ftl(2, "ftl".into()));
    go!(Op::Pagination(1));
    // Edits that move nothing: watch mode's quick path.
    go!(Op::SetTags(w.find("gamma", 2020, "en"), 3));
    go!(Op::SetTags(w.find("beta", 2015, "en"), 0));
    go!(Op::EditBody(w.find("alpha", 2011, "en"), "body".into()));
    go!(Op::EditTitle(w.find("alpha", 2011, "en"), "title".into()));
    go!(Op::PageBody(0, "text".into()));
    fails!(Op::Break(w.find("alpha", 2011, "en")));
    go!(Op::SetTags(w.find("alpha", 2011, "en"), 4));
    go!(Op::DeleteYear(1));
}

/// A list page shows how many releases its list holds and switches to the
/// same page number in the other languages: a release added past the page,
/// or one that gives another language a page more, changes it.
#[test]
fn list_pages_follow_their_totals_and_the_other_languages_page_counts() {
    let (mut w, mut s) = world_session();
    // Probation lists gamma, beta, alpha (two pages); delta lands on page 2,
    // and page 1 only says "4 releases" now.
    step(
        &mut w,
        &mut s,
        &Op::Create {
            slug: 2,
            year: 2,
            lang: 0,
            tags: 1,
        },
    );
    step(
        &mut w,
        &mut s,
        &Op::Create {
            slug: 3,
            year: 0,
            lang: 0,
            tags: 1,
        },
    );
    // Only translated releases listed, one a page: Russian goes from one
    // page to two, and the English pages 2 gain a link to it.
    step(&mut w, &mut s, &Op::ListUntranslated(false));
    step(&mut w, &mut s, &Op::Pagination(1));
    step(
        &mut w,
        &mut s,
        &Op::Create {
            slug: 0,
            year: 0,
            lang: 1,
            tags: 1,
        },
    );
    assert!(step(
        &mut w,
        &mut s,
        &Op::Create {
            slug: 1,
            year: 1,
            lang: 1,
            tags: 1
        }
    ));
}

/// Drafts and embargoes set and lifted on a release nothing links to: the
/// edit touches only front matter, so watch mode may take its quick path,
/// which must see that the release leaves (or rejoins) every page.
#[test]
fn a_release_turned_draft_or_embargoed_leaves_every_page_and_comes_back() {
    let (mut w, mut s) = world_session();
    step(
        &mut w,
        &mut s,
        &Op::Create {
            slug: 2,
            year: 2,
            lang: 0,
            tags: 1,
        },
    );
    for op in [
        Op::Draft(2, true),
        Op::Draft(2, false),
        Op::Embargo(2, Some(true)),
        Op::Embargo(2, None),
        Op::Embargo(2, Some(false)),
        Op::Embargo(2, Some(true)),
    ] {
        assert!(step(&mut w, &mut s, &op), "{op:?} should build");
    }
}

/// A link added by an edit that moves nothing else: watch mode must check
/// it as a clean build does, whether its target is missing or a draft.
#[test]
fn a_link_added_by_an_edit_is_checked_as_in_a_clean_build() {
    let (mut w, mut s) = world_session();
    step(
        &mut w,
        &mut s,
        &Op::Create {
            slug: 2,
            year: 2,
            lang: 0,
            tags: 1,
        },
    );
    let gamma = w.find("gamma", 2020, "en");
    // No contacts page exists.
    assert!(!step(&mut w, &mut s, &Op::LinkPage(gamma, 1)));
    assert!(step(&mut w, &mut s, &Op::Unlink(gamma)));
    let alpha = w.find("alpha", 2011, "en");
    assert!(step(&mut w, &mut s, &Op::Draft(alpha, true)));
    assert!(!step(&mut w, &mut s, &Op::Link(gamma, alpha, false)));
    assert!(step(&mut w, &mut s, &Op::Unlink(gamma)));
}

/// How the site's output differs from a clean build of its files.
fn against_clean_build(site: &Site) -> Vec<String> {
    let clean_dir = tempfile::tempdir().unwrap();
    let clean_out = clean_dir.path().join("public");
    pressroom::build(&options(site.root(), clean_out.clone())).unwrap();
    differences(&site.tree(), &tree(&clean_out))
}

/// Replaces `from` with `to` in the site's file `rel` and tells the session.
fn replace_in(site: &Site, session: &mut Session, rel: &str, from: &str, to: &str) {
    let text = std::fs::read_to_string(site.root().join(rel)).unwrap();
    assert!(text.contains(from), "{rel} has no `{from}`");
    site.write(rel, text.replace(from, to));
    session.invalidate(&[site.root().join(rel)]);
}

/// A session over the basic fixture after its first build.
fn started() -> (Site, Session) {
    let site = Site::fixture("basic");
    let mut session = Session::new(options(site.root(), site.public()));
    session.rebuild().unwrap();
    (site, session)
}

#[test]
fn nothing_changed_renders_nothing() {
    let (_site, mut session) = started();
    let again = session.rebuild().unwrap();
    assert_eq!(again.rendered, Vec::<String>::new());
    assert_eq!(again.report.total().written, 0);
}

#[test]
fn a_body_edit_renders_the_release_and_the_pages_that_show_it() {
    let (site, mut session) = started();
    replace_in(
        &site,
        &mut session,
        "content/releases/2015/forum.en.md",
        "ASTANA forum text",
        "ASTANA forum text, edited",
    );
    let rebuild = session.rebuild().unwrap();
    // The page and the feeds that carry its full text; lists show only the
    // summary, which comes from front matter here, yet their inputs include
    // the file, so they are rendered (and found unchanged).
    assert!(
        rebuild
            .rendered
            .contains(&"en/releases/2015/forum/index.html".to_owned())
    );
    assert!(rebuild.rendered.contains(&"en/atom.xml".to_owned()));
    for untouched in [
        "ru/releases/2015/forum/index.html",
        "en/releases/2011/conference/index.html",
        "en/about/index.html",
        "ru/atom.xml",
        "sitemap.xml",
        "en/tags/index.html",
    ] {
        assert!(
            !rebuild.rendered.contains(&untouched.to_owned()),
            "{untouched} was rendered"
        );
    }
    assert!(
        site.read("en/releases/2015/forum/index.html")
            .contains("ASTANA forum text, edited")
    );
}

#[test]
fn a_title_edit_reaches_lists_but_not_translations_bodies() {
    let (site, mut session) = started();
    replace_in(
        &site,
        &mut session,
        "content/releases/2015/forum.en.md",
        "Forum on re-socialization",
        "Forum, renamed",
    );
    let rebuild = session.rebuild().unwrap();
    assert!(rebuild.rendered.contains(&"en/index.html".to_owned()));
    assert!(
        rebuild
            .rendered
            .contains(&"en/tags/probation/index.html".to_owned())
    );
    // The Russian version links to the English one by language name, not by
    // title, so it stays as it is.
    assert!(
        !rebuild
            .rendered
            .contains(&"ru/releases/2015/forum/index.html".to_owned())
    );
    assert!(site.read("en/index.html").contains("Forum, renamed"));
}

#[test]
fn a_template_change_renders_the_pages_that_use_it() {
    let (site, mut session) = started();
    let path = site.root().join("themes/osce/templates/tags.html");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, format!("{text}\n")).unwrap();
    session.invalidate(&[path]);
    let rebuild = session.rebuild().unwrap();
    assert!(
        rebuild
            .rendered
            .iter()
            .all(|p| p.ends_with("tags/index.html")
                || p.ends_with(".css")
                || p.ends_with(".js")
                || p.ends_with(".svg")),
        "{:?}",
        rebuild.rendered
    );
    assert_eq!(
        rebuild
            .rendered
            .iter()
            .filter(|p| p.ends_with("tags/index.html"))
            .count(),
        3
    );
}

#[test]
fn a_locale_change_renders_its_language_and_the_languages_falling_back_to_it() {
    let (site, mut session) = started();
    site.write("locales/ru/extra.ftl", "read-more = Читать целиком\n");
    session.invalidate(&[site.root().join("locales/ru/extra.ftl")]);
    let rebuild = session.rebuild().unwrap();
    // kk falls back to ru in the fixture; en does not.
    assert!(rebuild.rendered.iter().any(|p| p.starts_with("ru/")));
    assert!(rebuild.rendered.iter().any(|p| p.starts_with("kk/")));
    assert!(
        !rebuild
            .rendered
            .iter()
            .any(|p| p.starts_with("en/") && p.ends_with(".html"))
    );
}

#[test]
fn a_failed_rebuild_keeps_the_output_and_the_next_good_one_catches_up() {
    let (site, mut session) = started();
    let before = site.tree();
    let rel = "content/releases/2015/forum.en.md";
    let path = site.root().join(rel);
    let text = std::fs::read_to_string(&path).unwrap();
    site.write(rel, text.replace("tags: [probation", "tags: [probaton"));
    session.invalidate(std::slice::from_ref(&path));
    let err = session.rebuild().unwrap_err();
    assert!(
        messages(&err)
            .iter()
            .any(|m| m.contains("did you mean `probation`"))
    );
    assert_eq!(site.tree(), before);
    site.write(rel, text.replace("ASTANA", "ASTANA again"));
    session.invalidate(&[path]);
    session.rebuild().unwrap();
    assert!(
        site.read("en/releases/2015/forum/index.html")
            .contains("ASTANA again")
    );
}

#[test]
fn untouched_files_keep_their_modification_time() {
    let (site, mut session) = started();
    let other = site.public().join("en/releases/2011/conference/index.html");
    let before = std::fs::metadata(&other).unwrap().modified().unwrap();
    let rel = "content/releases/2015/forum.en.md";
    replace_in(&site, &mut session, rel, "ASTANA", "ASTANA, later");
    session.rebuild().unwrap();
    assert_eq!(
        std::fs::metadata(&other).unwrap().modified().unwrap(),
        before
    );
}

#[test]
fn editor_files_and_the_output_folder_are_not_changes() {
    let (site, mut session) = started();
    let root = site.root();
    for path in [
        root.join("content/releases/2015/.forum.en.md.swp"),
        root.join("content/releases/2015/forum.en.md~"),
        root.join("content/releases/2015/4913"),
        root.join("content/releases/2015/.#forum.en.md"),
        root.join("public/en/index.html"),
        root.join("README.md"),
    ] {
        assert!(
            session.invalidate(std::slice::from_ref(&path)).is_empty(),
            "{}",
            path.display()
        );
    }
}

#[test]
fn a_deleted_output_folder_is_written_whole_again() {
    let (site, mut session) = started();
    std::fs::remove_dir_all(site.public()).unwrap();
    let rel = "content/releases/2015/forum.en.md";
    replace_in(&site, &mut session, rel, "ASTANA", "ASTANA, once more");
    session.rebuild().unwrap();
    assert_eq!(against_clean_build(&site), Vec::<String>::new());
    // The same after a change that takes the full path.
    std::fs::remove_dir_all(site.public()).unwrap();
    let new = "content/releases/2015/added.en.md";
    site.write(new, "---\ntitle: Added\ndate: 2015-03-03\n---\n\nText.\n");
    session.invalidate(&[site.root().join(new)]);
    session.rebuild().unwrap();
    assert_eq!(against_clean_build(&site), Vec::<String>::new());
}

#[test]
fn a_tag_edit_renders_the_tag_pages_and_removes_pages_a_list_no_longer_needs() {
    let (site, mut session) = started();
    replace_in(
        &site,
        &mut session,
        "site.yaml",
        "pagination: 2",
        "pagination: 1",
    );
    session.rebuild().unwrap();
    let rel = "content/releases/2015/forum.en.md";
    let (both, one) = ("tags: [probation, prison-reform]", "tags: [probation]");
    assert!(
        site.public()
            .join("en/tags/prison-reform/page/2/index.html")
            .is_file()
    );
    replace_in(&site, &mut session, rel, both, one);
    let rebuild = session.rebuild().unwrap();
    assert!(
        rebuild
            .rendered
            .contains(&"en/tags/prison-reform/index.html".to_owned()),
        "{:?}",
        rebuild.rendered
    );
    assert!(
        !rebuild
            .rendered
            .iter()
            .any(|p| p.starts_with("ru/releases/"))
    );
    assert_eq!(rebuild.removed, 1);
    assert!(!site.public().join("en/tags/prison-reform/page/2").exists());
    // The Russian list keeps two pages; its second no longer has an English
    // counterpart to switch to.
    assert!(
        rebuild
            .rendered
            .contains(&"ru/tags/prison-reform/page/2/index.html".to_owned())
    );
    assert_eq!(against_clean_build(&site), Vec::<String>::new());
    // Giving the tag back brings the page back.
    replace_in(&site, &mut session, rel, one, both);
    session.rebuild().unwrap();
    assert_eq!(against_clean_build(&site), Vec::<String>::new());
}

/// The sitemap lists tag pages, not counts: a tag edit that leaves every
/// tag's page count as it was does not make it again, while the tag index,
/// which shows the counts, is made again.
#[test]
fn a_tag_edit_that_keeps_every_page_count_leaves_the_sitemap_alone() {
    let (site, mut session) = started();
    let rel = "content/releases/2015/forum.en.md";
    // Two English releases carry `probation`, one page of two.
    replace_in(
        &site,
        &mut session,
        rel,
        "tags: [probation, prison-reform]",
        "tags: [prison-reform]",
    );
    let rebuild = session.rebuild().unwrap();
    assert!(
        rebuild.rendered.contains(&"en/tags/index.html".to_owned()),
        "{:?}",
        rebuild.rendered
    );
    assert!(
        !rebuild.rendered.contains(&"sitemap.xml".to_owned()),
        "{:?}",
        rebuild.rendered
    );
    assert_eq!(against_clean_build(&site), Vec::<String>::new());
}

/// Text shown from another language follows its source in watch mode: a
/// Russian location shown on the Kazakh page that has none, and a Kazakh
/// message on the root chooser and `/404.html`, which speak every language.
#[test]
fn fallback_text_follows_its_source() {
    let (site, mut session) = started();
    let kk = "content/releases/2015/forum.kk.md";
    site.write(
        kk,
        "---\ntitle: \"Форум\"\ndate: 2015-12-11\ntags: [probation]\n---\n\nМәтін.\n",
    );
    session.invalidate(&[site.root().join(kk)]);
    session.rebuild().unwrap();
    assert!(
        site.read("kk/releases/2015/forum/index.html")
            .contains("Астана")
    );

    replace_in(
        &site,
        &mut session,
        "content/releases/2015/forum.ru.md",
        "location: \"Астана\"",
        "location: \"Нур-Султан\"",
    );
    session.rebuild().unwrap();
    assert!(
        site.read("kk/releases/2015/forum/index.html")
            .contains("<span lang=\"ru\">Нур-Султан</span>")
    );
    assert_eq!(against_clean_build(&site), Vec::<String>::new());

    site.write(
        "locales/kk/extra.ftl",
        "choose-language = Тілді таңдаңыз, өтінеміз\nnot-found-title = Мұндай бет жоқ\n",
    );
    session.invalidate(&[site.root().join("locales/kk/extra.ftl")]);
    let rebuild = session.rebuild().unwrap();
    assert!(
        rebuild.rendered.contains(&"index.html".to_owned()),
        "{:?}",
        rebuild.rendered
    );
    assert!(site.read("index.html").contains("Тілді таңдаңыз, өтінеміз"));
    assert!(site.read("404.html").contains("Мұндай бет жоқ"));
    assert_eq!(against_clean_build(&site), Vec::<String>::new());
}

/// The related releases a release page shows, as HTML (empty without).
fn related_section(html: &str) -> String {
    html.split_once("<section class=\"related\"")
        .and_then(|(_, rest)| rest.split_once("</section>"))
        .map(|(section, _)| section.to_owned())
        .unwrap_or_default()
}

/// Editing a release's tags renders that release and exactly the other
/// release pages whose related list changes; every other release page is
/// left alone (its recorded reading is the same).
#[test]
fn a_tag_edit_renders_exactly_the_release_pages_whose_related_list_changes() {
    let (site, mut session) = started();
    // One related release each, so that a tag edit moves some lists and
    // not others.
    replace_in(
        &site,
        &mut session,
        "site.yaml",
        "pagination: 2",
        "pagination: 2\nrelated_releases: 1",
    );
    session.rebuild().unwrap();
    let pages: Vec<String> = site
        .tree()
        .into_keys()
        // `en/releases/2015/forum/index.html`, not the year lists.
        .filter(|p| p.contains("/releases/20") && p.split('/').count() == 5)
        .collect();
    let sections = |site: &Site| -> Vec<String> {
        pages
            .iter()
            .map(|p| related_section(&site.read(p)))
            .collect()
    };
    let before = sections(&site);
    // The conference shares only `prison-reform`, and only with the forum:
    // taking the tag from the forum empties the conference's list; the
    // visit's one related release stays the forum.
    replace_in(
        &site,
        &mut session,
        "content/releases/2015/forum.en.md",
        "tags: [probation, prison-reform]",
        "tags: [probation]",
    );
    let rebuild = session.rebuild().unwrap();
    let after = sections(&site);
    let edited = "en/releases/2015/forum/index.html";
    let changed: Vec<&String> = pages
        .iter()
        .zip(before.iter().zip(&after))
        .filter(|(p, (b, a))| b != a && p.as_str() != edited)
        .map(|(p, _)| p)
        .collect();
    let rendered: Vec<&String> = rebuild
        .rendered
        .iter()
        .filter(|p| pages.contains(p) && p.as_str() != edited)
        .collect();
    assert!(!changed.is_empty(), "the edit changes no related list");
    assert_eq!(rendered, changed);
    assert_eq!(against_clean_build(&site), Vec::<String>::new());
}
