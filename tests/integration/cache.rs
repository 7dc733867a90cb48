//! The build cache (`.pressroom-cache/`): a second `build` renders only what
//! changed, and a cache that cannot be trusted never yields wrong output.

use crate::util::{Site, tree};

/// Runs `pressroom build` with `args`; stdout and stderr.
fn build(site: &Site, args: &[&str]) -> (String, String) {
    let mut all = vec!["build"];
    all.extend_from_slice(args);
    let out = site.cmd(&all).assert().success();
    let output = out.get_output();
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// The output of a clean build of the same site, without the cache.
fn clean(site: &Site) -> std::collections::BTreeMap<String, Vec<u8>> {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    site.cmd(&["build", "--no-cache", "-o", out.to_str().unwrap()])
        .assert()
        .success();
    tree(&out)
}

/// Writes `bytes` over the file at `path` of the same length, its
/// modification time set back: only its bytes tell that it changed.
fn write_keeping_stamp(path: &std::path::Path, bytes: &[u8]) {
    let modified = std::fs::metadata(path).unwrap().modified().unwrap();
    assert_eq!(std::fs::metadata(path).unwrap().len(), bytes.len() as u64);
    std::fs::write(path, bytes).unwrap();
    let f = std::fs::File::options().write(true).open(path).unwrap();
    f.set_modified(modified).unwrap();
}

/// The manifests in the cache folder.
fn cache_files(site: &Site) -> Vec<std::path::PathBuf> {
    std::fs::read_dir(site.root().join(".pressroom-cache"))
        .map(|d| {
            d.flatten()
                .map(|e| e.path())
                .filter(|p| p.to_string_lossy().contains("manifest-"))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn a_build_with_nothing_changed_writes_nothing_and_an_edit_writes_its_pages() {
    let site = Site::fixture("basic");
    build(&site, &[]);
    assert_eq!(cache_files(&site).len(), 1);
    let (stdout, _) = build(&site, &[]);
    assert!(stdout.contains(" (0 written, "), "{stdout}");
    // Counted per language as by the build that wrote the files.
    assert!(stdout.contains("en: 0 written, "), "{stdout}");
    let rel = "content/releases/2015/forum.en.md";
    let text = std::fs::read_to_string(site.root().join(rel)).unwrap();
    site.write(rel, text.replace("ASTANA", "ASTANA, cached"));
    // Only the edited file is parsed again; the others come from the cache.
    let (_, stderr) = build(&site, &["--verify-cache", "-vv"]);
    assert!(stderr.contains(": 1 parsed, "), "{stderr}");
    // A body edit leaves every release's tags: the related releases come
    // from the cache too (the verify switch checks every page they are on).
    assert!(
        stderr.contains("reading lists of en taken over"),
        "{stderr}"
    );
    assert!(
        site.read("en/releases/2015/forum/index.html")
            .contains("ASTANA, cached")
    );
    assert_eq!(site.tree(), clean(&site));
}

#[test]
fn after_a_body_edit_a_new_process_works_out_only_what_read_that_body() {
    let site = Site::fixture("basic");
    build(&site, &[]);
    let rel = "content/releases/2015/forum.en.md";
    let text = std::fs::read_to_string(site.root().join(rel)).unwrap();
    // A paragraph at the end: the summary (the first paragraph) stays.
    site.write(rel, format!("{text}\nA closing paragraph, cached.\n"));
    let (_, stderr) = build(&site, &["--verify-cache", "-vv"]);
    assert!(
        stderr.contains("1 part(s) of the model changed since the last build"),
        "{stderr}"
    );
    let hashed = stderr
        .lines()
        .find(|l| l.contains("recorded dependencies hashed"))
        .unwrap_or_else(|| panic!("{stderr}"));
    let counts: Vec<usize> = hashed
        .split_whitespace()
        .filter_map(|w| w.parse().ok())
        .collect();
    assert!(counts[0] < counts[1], "{hashed}");
    assert!(
        site.read("en/releases/2015/forum/index.html")
            .contains("A closing paragraph, cached.")
    );
    assert_eq!(site.tree(), clean(&site));
    // A title is not a body: everything is worked out again.
    let text = std::fs::read_to_string(site.root().join(rel)).unwrap();
    let retitled = text.replacen("title: ", "title: Retitled ", 1);
    assert_ne!(retitled, text);
    site.write(rel, retitled);
    let (_, stderr) = build(&site, &["--verify-cache", "-vv"]);
    assert!(!stderr.contains("only the bodies"), "{stderr}");
    assert_eq!(site.tree(), clean(&site));
}

#[test]
fn a_new_process_updates_the_search_index_from_the_words_the_cache_keeps() {
    let site = Site::fixture("basic");
    // A first build keeps no words (they would raise its peak memory).
    let (_, stderr) = build(&site, &["-vv"]);
    assert!(!stderr.contains("words saved"), "{stderr}");
    let en = "content/releases/2015/forum.en.md";
    let ru = "content/releases/2015/forum.ru.md";
    let text = std::fs::read_to_string(site.root().join(en)).unwrap();
    let ru_text = std::fs::read_to_string(site.root().join(ru)).unwrap();
    let chunks = |lang: &str| -> String {
        let tree = site.tree();
        let prefix = format!("{lang}/search/t/");
        tree.iter()
            .filter(|(path, _)| path.starts_with(&prefix))
            .map(|(_, bytes)| String::from_utf8_lossy(bytes).into_owned())
            .collect()
    };
    // Each step edits releases and builds in a new process: a language
    // is indexed from all its texts the first time, keeping its words,
    // and updated from the edited texts after that.
    for (step, (edits, updated)) in [
        (vec![(en, format!("{text}\nQuokkas gathered.\n"))], vec![]),
        (vec![(en, text.clone())], vec!["en"]),
        (
            vec![(ru, format!("{ru_text}\nКвокки собрались.\n"))],
            vec![],
        ),
        (
            vec![
                (en, format!("{text}\nQuokkas again.\n")),
                (ru, ru_text.clone()),
            ],
            vec!["en", "ru"],
        ),
    ]
    .into_iter()
    .enumerate()
    {
        for (rel, text) in &edits {
            site.write(rel, text);
        }
        let (_, stderr) = build(&site, &["-vv"]);
        for lang in ["en", "ru"] {
            let line = format!("search: {lang} index updated for 1 changed text(s)");
            assert_eq!(
                stderr.contains(&line),
                updated.contains(&lang),
                "step {step}, {lang}: {stderr}"
            );
        }
        assert_eq!(site.tree(), clean(&site), "step {step}");
        let quokka = edits
            .iter()
            .any(|(rel, t)| *rel == en && t.contains("Quokkas"));
        assert_eq!(chunks("en").contains("\"quokka"), quokka, "step {step}");
    }
    // Words the cache cannot vouch for are not used: every text is read.
    let words: Vec<_> = std::fs::read_dir(site.root().join(".pressroom-cache"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.to_string_lossy().contains("search-"))
        .collect();
    // Kazakh shows the English release it has no translation of.
    assert_eq!(words.len(), 3, "one file per language indexed since");
    for file in &words {
        let mut bytes = std::fs::read(file).unwrap();
        let at = bytes.len() / 2;
        bytes[at] ^= 0xff;
        std::fs::write(file, bytes).unwrap();
    }
    site.write(en, format!("{text}\nWombats too.\n"));
    let (_, stderr) = build(&site, &["-vv"]);
    assert!(
        stderr.contains("note: cache: search words of `en` not used: the cache is damaged"),
        "{stderr}"
    );
    assert!(!stderr.contains("index updated"), "{stderr}");
    assert_eq!(site.tree(), clean(&site));
}

#[test]
fn a_text_changed_under_an_unchanged_stamp_fails_the_build_that_reads_it() {
    let site = Site::fixture("basic");
    build(&site, &[]);
    // The same size and modification time: the cache takes the document
    // as it was, unread, until a page needs its text.
    let rel = "content/releases/2015/forum.en.md";
    let path = site.root().join(rel);
    let text = std::fs::read_to_string(&path).unwrap();
    let changed = text.replacen("ASTANA", "ASTANO", 1);
    assert_ne!(changed, text);
    write_keeping_stamp(&path, changed.as_bytes());
    let out = site.cmd(&["build", "--verify-cache"]).assert().failure();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr);
    assert!(
        stderr.contains(&format!("{rel}:1:1"))
            && stderr.contains("changed while the site was being built"),
        "{stderr}"
    );
    // Without the cache the file is read as it is.
    site.cmd(&["build", "--no-cache"]).assert().success();
    assert!(
        site.read("en/releases/2015/forum/index.html")
            .contains("ASTANO")
    );
}

#[test]
fn warnings_are_shown_again_by_a_build_with_nothing_changed() {
    let site = Site::fixture("basic");
    site.write("content/releases/2015/stray.pdf", "%PDF");
    for _ in 0..2 {
        let (_, stderr) = build(&site, &[]);
        assert!(stderr.contains("not inside a release bundle"), "{stderr}");
    }
}

#[test]
fn no_cache_neither_reads_nor_writes_it() {
    let site = Site::fixture("basic");
    build(&site, &["--no-cache"]);
    assert!(!site.root().join(".pressroom-cache").exists());
}

#[test]
fn output_files_changed_or_deleted_by_hand_are_rendered_again() {
    let site = Site::fixture("basic");
    build(&site, &[]);
    let page = site.public().join("en/releases/2015/forum/index.html");
    std::fs::write(&page, "edited by hand").unwrap();
    std::fs::remove_file(site.public().join("en/atom.xml")).unwrap();
    let (_, stderr) = build(&site, &[]);
    assert!(
        stderr.contains("note: cache: 2 output file(s) were changed or deleted"),
        "{stderr}"
    );
    assert_eq!(site.tree(), clean(&site));
}

#[test]
fn a_damaged_truncated_or_foreign_cache_is_not_used() {
    let site = Site::fixture("basic");
    build(&site, &[]);
    let file = cache_files(&site).remove(0);
    let good = std::fs::read(&file).unwrap();
    let rel = "content/releases/2015/forum.en.md";
    let text = std::fs::read_to_string(site.root().join(rel)).unwrap();
    for (n, (bytes, why)) in [
        (good[..good.len() / 2].to_vec(), "truncated"),
        (
            {
                let mut b = good.clone();
                let at = b.len() - 20;
                b[at] ^= 0xff;
                b
            },
            "damaged",
        ),
        (b"something else entirely".to_vec(), "not a pressroom cache"),
    ]
    .into_iter()
    .enumerate()
    {
        // The cache says the release is as before; it is not.
        site.write(rel, text.replace("ASTANA", &format!("ASTANA {n}")));
        std::fs::write(&file, &bytes).unwrap();
        let (_, stderr) = build(&site, &[]);
        assert!(stderr.contains("note: cache: not used"), "{stderr}");
        assert!(stderr.contains(why), "{why}: {stderr}");
        assert_eq!(site.tree(), clean(&site));
    }
}

#[test]
fn verify_mode_fails_on_a_file_the_cache_wrongly_calls_up_to_date() {
    let site = Site::fixture("basic");
    build(&site, &[]);
    // Changed by hand, its stamp set back: only the bytes tell.
    let page = site.public().join("en/about/index.html");
    let mut html = std::fs::read(&page).unwrap();
    let at = html.len() / 2;
    html[at] = if html[at] == b'x' { b'y' } else { b'x' };
    write_keeping_stamp(&page, &html);
    let out = site.cmd(&["build", "--verify-cache"]).assert().failure();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr);
    assert!(stderr.contains("en/about/index.html"), "{stderr}");
    assert!(stderr.contains("called this file up to date"), "{stderr}");
}

#[test]
fn a_file_reached_through_a_linked_folder_is_watched_by_the_cache() {
    let site = Site::fixture("basic");
    // A folder of the site linked into `static/`, and a linked file.
    site.write("shared/logos/mark.svg", "<svg>first</svg>");
    site.write("shared/notice.txt", "first notice");
    std::fs::create_dir_all(site.root().join("static")).unwrap();
    std::os::unix::fs::symlink("../shared/logos", site.root().join("static/logos")).unwrap();
    std::os::unix::fs::symlink(
        "../shared/notice.txt",
        site.root().join("static/notice.txt"),
    )
    .unwrap();
    build(&site, &[]);
    assert_eq!(site.read("logos/mark.svg"), "<svg>first</svg>");
    let (stdout, _) = build(&site, &[]);
    assert!(stdout.contains(" (0 written, "), "{stdout}");
    // Edited where it lives, with another size, so that the stamp differs
    // whatever the clock's resolution.
    site.write("shared/logos/mark.svg", "<svg>second one</svg>");
    site.write("shared/notice.txt", "second, longer notice");
    build(&site, &[]);
    assert_eq!(site.read("logos/mark.svg"), "<svg>second one</svg>");
    assert_eq!(site.read("notice.txt"), "second, longer notice");
    assert_eq!(site.tree(), clean(&site));
}
