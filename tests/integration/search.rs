//! The search index (issue 16) as the search page reads it: every release of
//! the example archive found by each word of its title in its language, by
//! the same steps as `themes/osce/static/js/search.js`; and the index after
//! edits, with the build cache and in watch mode, byte for byte a clean
//! build's, with only the chunks whose content changed written again.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use pressroom::live::session::Session;
use pressroom::search::{self, index::chunk_file, kazakh, normalize};
use serde_json::Value;

use crate::util::{Site, tree};

/// A built output, read as the search page reads it.
struct Client<'a> {
    files: &'a BTreeMap<String, Vec<u8>>,
    lang: &'a str,
    meta: Value,
}

impl<'a> Client<'a> {
    fn new(files: &'a BTreeMap<String, Vec<u8>>, lang: &'a str) -> Client<'a> {
        let meta = json(files, &format!("{lang}/search/meta.json"));
        Client { files, lang, meta }
    }

    fn chunk(&self, key: &str) -> Value {
        let name = self.meta["chunks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap())
            .filter(|c| key.starts_with(c))
            .max_by_key(|c| c.len())
            .unwrap_or("");
        json(
            self.files,
            &format!("{}/search/t/{}.json", self.lang, chunk_file(name)),
        )
    }

    /// The documents a normalised word finds, as search.js finds them.
    fn find(&self, word: &str) -> BTreeSet<usize> {
        let own = self.chunk(word);
        let stem = if let Some(stem) = own["f"][word].as_str() {
            Some(stem.to_owned())
        } else if own["s"].get(word).is_some() {
            Some(word.to_owned())
        } else if self.lang == "kk" {
            Some(kazakh::stem(word))
        } else {
            let stems: BTreeSet<String> = own["s"].as_object().unwrap().keys().cloned().collect();
            search::stem_by_prefix(self.lang, &stems, word)
                .filter(|s| {
                    // search.js's `plausible`.
                    let (s, w) = (s.chars().count(), word.chars().count());
                    s >= w.min(3) && 3 * s >= w
                })
                .map(str::to_owned)
        };
        let Some(stem) = stem else {
            return BTreeSet::new();
        };
        let mut id = 0;
        let mut found = BTreeSet::new();
        if let Some(list) = self.chunk(&stem)["s"][&stem].as_array() {
            for value in list {
                id += value.as_u64().unwrap() >> 5;
                found.insert(id as usize);
            }
        }
        found
    }

    /// The document numbered `id`.
    fn doc(&self, id: usize) -> Value {
        let shard = self.meta["shard"].as_u64().unwrap() as usize;
        let docs = json(
            self.files,
            &format!("{}/search/d/{}.json", self.lang, id / shard),
        );
        docs[id % shard].clone()
    }
}

fn json(files: &BTreeMap<String, Vec<u8>>, path: &str) -> Value {
    let bytes = files
        .get(path)
        .unwrap_or_else(|| panic!("no {path} in the output"));
    serde_json::from_slice(bytes).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn build_example() -> (tempfile::TempDir, BTreeMap<String, Vec<u8>>) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = tempfile::tempdir().unwrap();
    let mut opts = pressroom::BuildOptions::new(root, Some(out.path().join("public")));
    opts.now = "2026-11-23T00:00:00Z".parse().unwrap();
    pressroom::build(&opts).unwrap_or_else(|e| panic!("{:?}", e.sorted()));
    let files = tree(&out.path().join("public"));
    (out, files)
}

#[test]
fn every_release_of_the_example_is_found_by_each_word_of_its_title() {
    let (_out, files) = build_example();
    let mut checked = 0;
    for lang in ["en", "ru", "kk"] {
        let client = Client::new(&files, lang);
        let docs = client.meta["docs"].as_u64().unwrap() as usize;
        assert!(docs >= 5, "{lang}: {docs} documents");
        for id in 0..docs {
            let doc = client.doc(id);
            let url = doc["u"].as_str().unwrap();
            if !url.contains("/releases/") {
                continue;
            }
            assert!(
                files.contains_key(&format!("{}index.html", &url[1..])),
                "{url}"
            );
            for word in normalize::tokens(lang, doc["t"].as_str().unwrap()) {
                assert!(
                    client.find(&word).contains(&id),
                    "{lang}: «{word}» does not find {url}"
                );
            }
            checked += 1;
        }
    }
    assert!(checked >= 15, "{checked} releases checked");
}

#[test]
fn inflected_forms_no_release_uses_find_the_releases() {
    let (_out, files) = build_example();
    let cases = [
        (
            "ru",
            "пробацией",
            "/ru/releases/2015/belgium-probation-study-visit/",
        ),
        (
            "ru",
            "пробационному",
            "/ru/releases/2015/belgium-probation-study-visit/",
        ),
        (
            "kk",
            "конференцияларда",
            "/kk/releases/2025/human-rights-penitentiary-conference/",
        ),
        (
            "en",
            "conferencing",
            "/en/releases/2025/human-rights-penitentiary-conference/",
        ),
    ];
    for (lang, word, url) in cases {
        let client = Client::new(&files, lang);
        let page =
            String::from_utf8_lossy(&files[&format!("{}index.html", &url[1..])]).to_lowercase();
        assert!(
            !page.contains(word),
            "{url} has «{word}»: pick another form"
        );
        let found: Vec<String> = client
            .find(&normalize::normalize_word(lang, word))
            .into_iter()
            .map(|id| client.doc(id)["u"].as_str().unwrap().to_owned())
            .collect();
        assert!(found.iter().any(|u| u == url), "{lang} «{word}»: {found:?}");
    }
}

/// A site with enough releases for the index of English to have several
/// chunks: each release has words of its own, from one vocabulary.
fn corpus() -> Site {
    let site = Site::fixture("basic");
    for i in 0..120 {
        let words: Vec<String> = (0..60).map(|j| word((i * 7 + j * 13) % 900)).collect();
        site.write(
            &format!("content/releases/2016/gen-{i:03}.en.md"),
            format!(
                "---\ntitle: \"Release {}\"\ndate: 2016-01-{:02}\ntags: [prison-reform]\n---\n\n{}.\n",
                word(i),
                i % 28 + 1,
                words.join(" ")
            ),
        );
    }
    site
}

/// A made-up word of the vocabulary: letters from the number.
fn word(n: usize) -> String {
    let letters = b"bdfgklmnprstvz";
    let vowels = b"aeiou";
    let mut out = String::new();
    let mut n = n + 31;
    while n > 0 {
        out.push(letters[n % letters.len()] as char);
        out.push(vowels[n % vowels.len()] as char);
        n /= letters.len();
    }
    out
}

fn search_files(files: &BTreeMap<String, Vec<u8>>) -> BTreeMap<String, Vec<u8>> {
    files
        .iter()
        .filter(|(path, _)| path.contains("/search/"))
        .map(|(p, b)| (p.clone(), b.clone()))
        .collect()
}

fn clean_build(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let out = tempfile::tempdir().unwrap();
    let mut opts = pressroom::BuildOptions::new(root, Some(out.path().join("public")));
    opts.now = "2026-01-01T00:00:00Z".parse().unwrap();
    pressroom::build(&opts).unwrap_or_else(|e| panic!("{:?}", e.sorted()));
    search_files(&tree(&out.path().join("public")))
}

fn changed(before: &BTreeMap<String, Vec<u8>>, after: &BTreeMap<String, Vec<u8>>) -> Vec<String> {
    let mut out: Vec<String> = after
        .iter()
        .filter(|(p, b)| before.get(*p) != Some(*b))
        .map(|(p, _)| p.clone())
        .collect();
    out.extend(before.keys().filter(|p| !after.contains_key(*p)).cloned());
    out
}

/// The four edits, applied one at a time: one release's body gets a new
/// word, a release is created, a release is deleted, 25 releases with new
/// words are added (so the index has more chunks and document files). `after` runs after
/// each, with the files it touched.
fn edit_create_delete(site: &Site, mut after: impl FnMut(&str, Vec<PathBuf>)) {
    let edit = "content/releases/2016/gen-005.en.md";
    let text = std::fs::read_to_string(site.root().join(edit)).unwrap();
    site.write(edit, text.replace(".\n", " quixotic.\n"));
    after("edit", vec![site.root().join(edit)]);
    // Many new words in one body: the chunks are cut elsewhere, so files
    // of the same number get other names (in watch mode, from a model
    // taken over from the last one).
    let words: Vec<String> = (0..600).map(|j| word(9000 + j)).collect();
    site.write(edit, format!("{text}\n{}.\n", words.join(" ")));
    after("rewrite", vec![site.root().join(edit)]);
    let new = "content/releases/2017/fresh.en.md";
    site.write(
        new,
        "---\ntitle: \"Fresh\"\ndate: 2017-03-01\n---\n\nA new release about quixotic zebras.\n",
    );
    after("create", vec![site.root().join(new)]);
    let gone = "content/releases/2016/gen-100.en.md";
    site.remove(gone);
    after("delete", vec![site.root().join(gone)]);
    // Enough new documents and words for more document files and chunks.
    let grown: Vec<PathBuf> = (0..25)
        .map(|i| {
            let words: Vec<String> = (0..80).map(|j| word(5000 + i * 80 + j)).collect();
            let path = format!("content/releases/2018/more-{i:02}.en.md");
            site.write(
                &path,
                format!(
                    "---\ntitle: \"More {i}\"\ndate: 2018-02-{:02}\n---\n\n{}.\n",
                    i + 1,
                    words.join(" ")
                ),
            );
            site.root().join(path)
        })
        .collect();
    after("grow", grown);
}

/// Builds `site` with the build cache; its search files.
fn cached(site: &Site) -> BTreeMap<String, Vec<u8>> {
    site.try_build(|o| o.cache = true)
        .unwrap_or_else(|e| panic!("{:?}", e.sorted()));
    search_files(&site.tree())
}

#[test]
fn the_index_after_edits_with_the_build_cache_is_a_clean_builds() {
    let site = corpus();
    let first = cached(&site);
    let chunks = first
        .keys()
        .filter(|p| p.starts_with("en/search/t/"))
        .count();
    assert!(chunks >= 4, "{chunks} chunks: the test needs several");
    let mut previous = first;
    edit_create_delete(&site, |step, _| {
        let now = cached(&site);
        assert_eq!(now, clean_build(site.root()), "after the {step}");
        if step == "edit" {
            let rewritten: Vec<String> = changed(&previous, &now)
                .into_iter()
                .filter(|p| p.starts_with("en/search/t/"))
                .collect();
            assert!(
                !rewritten.is_empty() && rewritten.len() <= 2,
                "one new word changes one or two of {chunks} chunks: {rewritten:?}"
            );
        }
        previous = now;
    });
}

#[test]
fn search_files_deleted_by_hand_are_made_again_from_a_known_index_shape() {
    let site = corpus();
    let first = cached(&site);
    // Nothing the index is made from changed, so the next build knows the
    // index's shape from the cache; the deleted files still need the index.
    let chunk = first
        .keys()
        .find(|p| p.starts_with("ru/search/t/"))
        .expect("a Russian chunk")
        .clone();
    for path in ["ru/search/meta.json", chunk.as_str(), "kk/search/d/0.json"] {
        std::fs::remove_file(site.public().join(path)).unwrap();
    }
    assert_eq!(cached(&site), first);
}

#[test]
fn the_index_after_edits_in_watch_mode_is_a_clean_builds() {
    let site = corpus();
    // The release the edit changes, in every language, so that editing its
    // English text changes no other language's index (an untranslated
    // release is in every language's index).
    for lang in ["ru", "kk"] {
        site.write(
            &format!("content/releases/2016/gen-005.{lang}.md"),
            "---\ntitle: \"Перевод\"\ndate: 2016-01-06\n---\n\nТекст перевода.\n",
        );
    }
    let mut opts = pressroom::BuildOptions::new(site.root(), Some(site.public()));
    opts.now = "2026-01-01T00:00:00Z".parse().unwrap();
    let mut session = Session::new(opts);
    session.keep_search_words();
    let first = session
        .rebuild()
        .unwrap_or_else(|e| panic!("{:?}", e.sorted()));
    assert_eq!(
        first.indexed,
        ["en", "ru", "kk"],
        "the first build indexes all"
    );
    edit_create_delete(&site, |step, touched| {
        session.invalidate(&touched);
        let rebuild = session
            .rebuild()
            .unwrap_or_else(|e| panic!("{step}: {:?}", e.sorted()));
        assert_eq!(
            search_files(&site.tree()),
            clean_build(site.root()),
            "after the {step}"
        );
        // Only English changed: the other indexes' shapes are known and
        // none of their files is stale, so they are not made again. (A new
        // or deleted release without translations is in every index.)
        let expected: &[&str] = match step {
            "edit" | "rewrite" => &["en"],
            _ => &["en", "ru", "kk"],
        };
        assert_eq!(rebuild.indexed, expected, "after the {step}");
    });
}

#[test]
fn search_false_writes_no_index_page_or_box() {
    let site = Site::fixture("basic");
    site.build();
    assert!(site.exists("en/search/meta.json"));
    assert!(site.read("en/index.html").contains("role=\"search\""));
    let yaml = std::fs::read_to_string(site.root().join("site.yaml")).unwrap();
    site.write("site.yaml", format!("{yaml}search: false\n"));
    site.build();
    let files = site.tree();
    // The theme's own js/search.js is a static file like any other.
    let left: Vec<&String> = files
        .keys()
        .filter(|p| p.contains("/search/") || p.ends_with("search-core.js"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
    assert!(!site.read("en/index.html").contains("role=\"search\""));
}
