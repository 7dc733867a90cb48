//! Bad input, through the CLI: exit code 1, every error with its location,
//! and the output left as it was.

use crate::util::Site;

/// Builds `site` with one extra file and returns stderr, checking the exit
/// code and that the previous output did not change.
fn build_errors(files: &[(&str, &[u8])]) -> String {
    let site = Site::fixture("basic");
    site.build();
    let before = site.tree();
    for (path, text) in files {
        site.write(path, text);
    }
    let out = site.cmd(&["build"]).assert().code(1);
    assert_eq!(site.tree(), before, "the output changed");
    String::from_utf8(out.get_output().stderr.clone()).unwrap()
}

fn release(text: &str) -> String {
    build_errors(&[("content/releases/2015/bad.en.md", text.as_bytes())])
}

#[test]
fn missing_title() {
    insta::assert_snapshot!(release("---\ndate: 2015-12-11\n---\n\nText.\n"));
}

#[test]
fn bad_date() {
    insta::assert_snapshot!(release("---\ntitle: Bad\ndate: 2015-02-30\n---\n\nText.\n"));
}

#[test]
fn unclosed_front_matter() {
    insta::assert_snapshot!(release("---\ntitle: Bad\ndate: 2015-12-11\n\nText.\n"));
}

#[test]
fn unknown_field() {
    insta::assert_snapshot!(release(
        "---\ntitle: Bad\ndate: 2015-12-11\nlocaton: Astana\n---\n\nText.\n"
    ));
}

#[test]
fn invalid_yaml() {
    insta::assert_snapshot!(release(
        "---\ntitle: \"Bad\ndate: 2015-12-11\n---\n\nText.\n"
    ));
}

#[test]
fn not_utf8() {
    let stderr = build_errors(&[(
        "content/releases/2015/bad.en.md",
        b"---\ntitle: Caf\xE9\ndate: 2015-12-11\n---\n",
    )]);
    insta::assert_snapshot!(stderr);
}

#[test]
fn duplicate_url_names_both_files() {
    let stderr = release("---\ntitle: Copy\ndate: 2015-12-11\nslug: forum\n---\n\nText.\n");
    assert!(
        stderr.contains("content/releases/2015/bad.en.md"),
        "{stderr}"
    );
    assert!(
        stderr.contains("content/releases/2015/forum.en.md"),
        "{stderr}"
    );
    insta::assert_snapshot!(stderr);
}

#[test]
fn unknown_tag_suggests_the_registered_one() {
    insta::assert_snapshot!(release(
        "---\ntitle: Bad\ndate: 2015-12-11\ntags: [probaton]\n---\n\nText.\n"
    ));
}

#[test]
fn broken_internal_link() {
    insta::assert_snapshot!(release(
        "---\ntitle: Bad\ndate: 2015-12-11\n---\n\nSee [this](@/releases/2015/nope.md).\n"
    ));
}

#[test]
fn unknown_language_suffix() {
    insta::assert_snapshot!(build_errors(&[(
        "content/releases/2015/forum.de.md",
        b"---\ntitle: Forum\ndate: 2015-12-11\n---\n"
    )]));
}

#[test]
fn every_error_of_a_build_is_reported_at_once() {
    let stderr = build_errors(&[
        (
            "content/releases/2015/a.en.md",
            b"---\ndate: 2015-12-11\n---\n",
        ),
        (
            "content/releases/2015/b.en.md",
            b"---\ntitle: B\ndate: 2015-13-01\n---\n",
        ),
        ("content/releases/2015/c.en.md", b"no front matter\n"),
    ]);
    assert_eq!(stderr.matches(": error: ").count(), 3, "{stderr}");
    assert!(
        stderr.ends_with("build failed: 3 errors; the output folder was left as it was\n"),
        "{stderr}"
    );
}

#[test]
fn bad_site_yaml() {
    let site = Site::fixture("basic");
    site.write(
        "site.yaml",
        "title: T\nbase_url: https://e.org\nlanguages: [en]\npagnation: 3\n",
    );
    let out = site.cmd(&["build"]).assert().code(1);
    insta::assert_snapshot!(String::from_utf8_lossy(&out.get_output().stderr));
}

#[test]
fn missing_theme() {
    let site = Site::fixture("basic");
    let config = std::fs::read_to_string(site.root().join("site.yaml")).unwrap();
    site.write("site.yaml", format!("{config}theme: nosuch\n"));
    let out = site.cmd(&["build"]).assert().code(1);
    insta::assert_snapshot!(String::from_utf8_lossy(&out.get_output().stderr));
}

#[test]
fn check_reports_the_same_errors_and_writes_nothing() {
    let site = Site::fixture("basic");
    site.write(
        "content/releases/2015/bad.en.md",
        "---\ntitle: Bad\ndate: 2015-02-30\n---\n",
    );
    let out = site.cmd(&["check"]).assert().code(1);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr);
    assert!(
        stderr.contains(
            "content/releases/2015/bad.en.md:3:7: error: `2015-02-30` is not a valid date"
        ),
        "{stderr}"
    );
    assert!(!site.public().exists());
}

#[test]
fn missing_files_suggest_the_closest() {
    let stderr = build_errors(&[
        (
            "content/releases/2015/trip/index.en.md",
            b"---\ntitle: Trip\ndate: 2015-06-01\nimage: cover.jpeg\nimage_alt: The cover\n---\n\n![The group](grup.jpg) and [the programme](programme.pdf).\n\nOur logo: ![logo](/img/logo.png)\n",
        ),
        ("content/releases/2015/trip/group.jpg", b"jpeg"),
        ("content/releases/2015/trip/cover.jpg", b"jpeg"),
        (
            "content/releases/2015/single.en.md",
            b"---\ntitle: Single\ndate: 2015-06-02\n---\n\n![map](map.png)\n",
        ),
    ]);
    insta::assert_snapshot!(stderr);
}

#[test]
fn files_that_exist_are_accepted_and_check_reports_missing_ones() {
    let site = Site::fixture("basic");
    site.write(
        "content/releases/2015/trip/index.en.md",
        "---\ntitle: Trip\ndate: 2015-06-01\nimage: group.jpg\nimage_alt: The group\n---\n\n![The group](./group.jpg) [logo](/img/logo.svg) [feed](/en/atom.xml) [page](../../2015/forum/) [web](https://e.org/x.png)\n",
    );
    // A real image: photos are decoded (tests/fixtures/photos/, made here).
    let photo =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/photos/chart.png");
    site.write(
        "content/releases/2015/trip/group.jpg",
        std::fs::read(photo).unwrap(),
    );
    site.cmd(&["check"]).assert().success();
    site.remove("content/releases/2015/trip/group.jpg");
    let out = site.cmd(&["check"]).assert().code(1);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr);
    assert_eq!(
        stderr.matches("names a file that does not exist").count(),
        2,
        "{stderr}"
    );
}

#[test]
fn yaml_mistakes_are_explained_where_they_are() {
    let stderr = build_errors(&[
        (
            "content/releases/2015/colon.en.md",
            "---\ntitle: OSCE: forum on probation\ndate: 2015-12-11\n---\n".as_bytes(),
        ),
        (
            "content/releases/2015/hash.en.md",
            b"---\ntitle: Forum #2 held\ndate: 2015-12-11\n---\n",
        ),
        (
            "content/releases/2015/quote.en.md",
            b"---\ntitle: \"Forum\ndate: 2015-12-11\nlocation: Astana\n---\n",
        ),
        (
            "content/releases/2015/tab.en.md",
            b"---\ntitle: Tab\ndate: 2015-12-11\ntags:\n\t- probation\n---\n",
        ),
        (
            "content/releases/2015/dash.en.md",
            b"---\ntitle: Dash\ndate: 2015-12-11\ntags:\n  - probation\n  prison-reform\n---\n",
        ),
        (
            "content/releases/2015/indent.en.md",
            b"---\ntitle: Indent\n  date: 2015-12-11\n---\n",
        ),
    ]);
    insta::assert_snapshot!(stderr);
}
