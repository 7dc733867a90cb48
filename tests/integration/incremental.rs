//! Watch mode's rebuilds: after any sequence of edits, the output equals a
//! clean build of the same inputs, and a change renders only what it can
//! affect.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use pressroom::live::session::Session;
use proptest::prelude::*;

use crate::util::{Site, tree};

const SLUGS: [&str; 4] = ["alpha", "beta", "gamma", "delta"];
const YEARS: [i32; 3] = [2011, 2015, 2020];
const LANGS: [&str; 3] = ["en", "ru", "kk"];
const TAGS: [&str; 2] = ["probation", "prison-reform"];

/// One release file as the test generates it.
#[derive(Debug, Clone)]
struct Doc {
    slug: usize,
    year: usize,
    lang: usize,
    title: String,
    body: String,
    tags: u8,
    broken: bool,
}

impl Doc {
    fn rel(&self) -> String {
        format!(
            "content/releases/{}/{}.{}.md",
            YEARS[self.year], SLUGS[self.slug], LANGS[self.lang]
        )
    }

    fn text(&self) -> String {
        let mut tags: Vec<&str> = TAGS
            .iter()
            .enumerate()
            .filter(|(i, _)| self.tags & (1 << i) != 0)
            .map(|(_, t)| *t)
            .collect();
        if self.broken {
            // An unknown tag: an error that names the file.
            tags.push("probaton");
        }
        format!(
            "---\ntitle: \"{}\"\ndate: {}-0{}-1{}\ntags: [{}]\n---\n\n{}\n",
            self.title,
            YEARS[self.year],
            self.slug + 1,
            self.lang,
            tags.join(", "),
            self.body
        )
    }
}

#[derive(Debug, Clone)]
enum Op {
    Create {
        slug: usize,
        year: usize,
        lang: usize,
        tags: u8,
    },
    EditBody(usize, String),
    EditTitle(usize, String),
    SetTags(usize, u8),
    Rename(usize, usize, usize),
    Delete(usize),
    Break(usize),
    DeleteYear(usize),
    Template(String),
    Partial(String),
    Ftl(usize, String),
    Pagination(usize),
    TagLabel(usize, String),
}

fn word() -> impl Strategy<Value = String> {
    "[a-zа-яәғқңөұүһі]{1,8}"
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0..4usize, 0..3usize, 0..3usize, 0..4u8)
            .prop_map(|(slug, year, lang, tags)| Op::Create { slug, year, lang, tags }),
        3 => (any::<usize>(), word()).prop_map(|(i, w)| Op::EditBody(i, w)),
        2 => (any::<usize>(), word()).prop_map(|(i, w)| Op::EditTitle(i, w)),
        2 => (any::<usize>(), 0..4u8).prop_map(|(i, t)| Op::SetTags(i, t)),
        2 => (any::<usize>(), 0..4usize, 0..3usize).prop_map(|(i, s, y)| Op::Rename(i, s, y)),
        1 => any::<usize>().prop_map(Op::Delete),
        1 => any::<usize>().prop_map(Op::Break),
        1 => (0..3usize).prop_map(Op::DeleteYear),
        1 => word().prop_map(Op::Template),
        1 => word().prop_map(Op::Partial),
        1 => (0..3usize, word()).prop_map(|(l, w)| Op::Ftl(l, w)),
        1 => (1..4usize).prop_map(Op::Pagination),
        1 => (0..2usize, word()).prop_map(|(t, w)| Op::TagLabel(t, w)),
    ]
}

/// The fixture with its own releases replaced by generated ones.
struct World {
    site: Site,
    docs: Vec<Doc>,
    base_html: String,
    card_html: String,
}

impl World {
    fn new() -> World {
        let site = Site::fixture("basic");
        std::fs::remove_dir_all(site.root().join("content/releases")).unwrap();
        let theme = site.root().join("themes/osce/templates");
        let base_html = std::fs::read_to_string(theme.join("base.html")).unwrap();
        let card_html = std::fs::read_to_string(theme.join("partials/release-card.html")).unwrap();
        let mut world = World {
            site,
            docs: Vec::new(),
            base_html,
            card_html,
        };
        for slug in 0..2 {
            world.apply(&Op::Create {
                slug,
                year: slug,
                lang: 0,
                tags: 1,
            });
        }
        world
    }

    fn abs(&self, rel: &str) -> PathBuf {
        self.site.root().join(rel)
    }

    fn pick(&self, i: usize) -> Option<usize> {
        (!self.docs.is_empty()).then(|| i % self.docs.len())
    }

    fn write_doc(&self, doc: &Doc) -> PathBuf {
        self.site.write(&doc.rel(), doc.text());
        self.abs(&doc.rel())
    }

    /// Applies `op` to the files and returns the paths it touched.
    fn apply(&mut self, op: &Op) -> Vec<PathBuf> {
        match op {
            Op::Create {
                slug,
                year,
                lang,
                tags,
            } => {
                let doc = Doc {
                    slug: *slug,
                    year: *year,
                    lang: *lang,
                    title: format!("{} {}", SLUGS[*slug], LANGS[*lang]),
                    body: format!(
                        "Body of {}. Link to [about](@/pages/about.md).",
                        SLUGS[*slug]
                    ),
                    tags: *tags,
                    broken: false,
                };
                let old = self.docs.iter().position(|d| d.rel() == doc.rel());
                if let Some(old) = old {
                    self.docs.remove(old);
                }
                let path = self.write_doc(&doc);
                self.docs.push(doc);
                vec![path]
            }
            Op::EditBody(i, w) | Op::EditTitle(i, w) => {
                let Some(i) = self.pick(*i) else {
                    return vec![];
                };
                if matches!(op, Op::EditBody(..)) {
                    self.docs[i].body.push_str(&format!("\n\nMore: {w}."));
                } else {
                    self.docs[i].title = w.clone();
                }
                vec![self.write_doc(&self.docs[i].clone())]
            }
            Op::SetTags(i, tags) => {
                let Some(i) = self.pick(*i) else {
                    return vec![];
                };
                self.docs[i].tags = *tags;
                self.docs[i].broken = false;
                vec![self.write_doc(&self.docs[i].clone())]
            }
            Op::Break(i) => {
                let Some(i) = self.pick(*i) else {
                    return vec![];
                };
                self.docs[i].broken = true;
                vec![self.write_doc(&self.docs[i].clone())]
            }
            Op::Rename(i, slug, year) => {
                let Some(i) = self.pick(*i) else {
                    return vec![];
                };
                let from = self.abs(&self.docs[i].rel());
                let mut moved = self.docs[i].clone();
                moved.slug = *slug;
                moved.year = *year;
                let to = self.abs(&moved.rel());
                if from == to {
                    return vec![];
                }
                // A rename onto an existing file replaces it, as `mv` does.
                self.docs.retain(|d| d.rel() != moved.rel());
                let i = self
                    .docs
                    .iter()
                    .position(|d| self.abs(&d.rel()) == from)
                    .unwrap();
                std::fs::create_dir_all(to.parent().unwrap()).unwrap();
                std::fs::rename(&from, &to).unwrap();
                self.docs[i] = moved;
                vec![from, to]
            }
            Op::Delete(i) => {
                let Some(i) = self.pick(*i) else {
                    return vec![];
                };
                let doc = self.docs.remove(i);
                std::fs::remove_file(self.abs(&doc.rel())).unwrap();
                vec![self.abs(&doc.rel())]
            }
            Op::DeleteYear(y) => {
                let dir = self.abs(&format!("content/releases/{}", YEARS[*y]));
                if !dir.exists() {
                    return vec![];
                }
                std::fs::remove_dir_all(&dir).unwrap();
                self.docs.retain(|d| d.year != *y);
                vec![dir]
            }
            Op::Template(w) => {
                let html =
                    self.base_html
                        .replacen("</footer>", &format!("</footer><!-- {w} -->"), 1);
                let path = self.abs("themes/osce/templates/base.html");
                std::fs::write(&path, html).unwrap();
                vec![path]
            }
            Op::Partial(w) => {
                let path = self.abs("themes/osce/templates/partials/release-card.html");
                std::fs::write(&path, format!("{}<!-- {w} -->\n", self.card_html)).unwrap();
                vec![path]
            }
            Op::Ftl(l, w) => {
                let rel = format!("locales/{}/override.ftl", LANGS[*l]);
                self.site
                    .write(&rel, format!("read-more = {w}\nnav-home = {w}\n"));
                vec![self.abs(&rel)]
            }
            Op::Pagination(n) => {
                let path = self.abs("site.yaml");
                let text = std::fs::read_to_string(&path).unwrap();
                let mut lines: Vec<String> = text
                    .lines()
                    .filter(|l| !l.starts_with("pagination:"))
                    .map(str::to_owned)
                    .collect();
                lines.push(format!("pagination: {n}"));
                std::fs::write(&path, lines.join("\n") + "\n").unwrap();
                vec![path]
            }
            Op::TagLabel(t, w) => {
                let path = self.abs("content/tags.yaml");
                let mut text = String::new();
                for (i, tag) in TAGS.iter().enumerate() {
                    let label = if i == *t { w.as_str() } else { tag };
                    text.push_str(&format!(
                        "{tag}:\n  label:\n    en: {label}\n    ru: {label} ру\n    kk: {label} қаз\n"
                    ));
                }
                std::fs::write(&path, text).unwrap();
                vec![path]
            }
        }
    }
}

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

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    #[test]
    fn any_edit_sequence_ends_as_a_clean_build(ops in prop::collection::vec(op(), 1..14)) {
        let mut world = World::new();
        let root = world.site.root().to_path_buf();
        let mut session = Session::new(options(&root, world.site.public()));
        session.rebuild().map_err(|e| TestCaseError::fail(messages(&e).join("\n")))?;
        for (step, op) in ops.iter().enumerate() {
            let touched = world.apply(op);
            session.invalidate(&touched);
            let watched = session.rebuild();
            let clean_dir = tempfile::tempdir().unwrap();
            let clean_out = clean_dir.path().join("public");
            let clean = pressroom::build(&options(&root, clean_out.clone()));
            match (&watched, &clean) {
                (Ok(_), Ok(_)) => {
                    let diff = differences(&world.site.tree(), &tree(&clean_out));
                    prop_assert!(diff.is_empty(), "after step {step} ({op:?}): {diff:#?}");
                }
                (Err(w), Err(c)) => prop_assert_eq!(messages(w), messages(c)),
                (w, c) => prop_assert!(false, "after step {step} ({op:?}): watch {:?}, clean {:?}",
                    w.as_ref().map(|_| ()).map_err(messages), c.as_ref().map(|_| ()).map_err(messages)),
            }
        }
    }
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
