//! The commands and options besides error reporting.

use crate::util::Site;

#[test]
fn build_prints_a_summary_per_language() {
    let site = Site::fixture("basic");
    let out = site.cmd(&["build"]).assert().success();
    let stdout = String::from_utf8_lossy(&out.get_output().stdout);
    assert!(stdout.starts_with("built "), "{stdout}");
    for lang in ["en: ", "ru: ", "kk: "] {
        assert!(stdout.contains(lang), "{stdout}");
    }
    let again = site.cmd(&["build"]).assert().success();
    let stdout = String::from_utf8_lossy(&again.get_output().stdout);
    assert!(stdout.contains(" (0 written, "), "{stdout}");
}

#[test]
fn check_writes_nothing() {
    let site = Site::fixture("basic");
    let out = site.cmd(&["check"]).assert().success();
    assert!(String::from_utf8_lossy(&out.get_output().stdout).starts_with("check: no errors"));
    assert!(!site.public().exists());
}

#[test]
fn drafts_flag_includes_drafts() {
    let site = Site::fixture("basic");
    site.cmd(&["build", "--drafts"]).assert().success();
    assert!(site.exists("en/releases/2015/draft/index.html"));
    site.cmd(&["build"]).assert().success();
    assert!(!site.exists("en/releases/2015/draft/index.html"));
}

#[test]
fn base_url_flag_overrides_the_config() {
    let site = Site::fixture("basic");
    site.cmd(&["build", "--base-url", "https://staging.example.org"])
        .assert()
        .success();
    assert!(
        site.read("en/index.html")
            .contains("https://staging.example.org/en/")
    );
    site.cmd(&["build", "--base-url", "staging"])
        .assert()
        .code(2);
}

#[test]
fn new_release_writes_a_file_that_builds() {
    let site = Site::fixture("basic");
    let args = [
        "new",
        "release",
        "Форум по пробации в Астане",
        "--lang",
        "ru",
        "--date",
        "2016-03-01",
    ];
    let out = site.cmd(&args).assert().success();
    let stdout = String::from_utf8_lossy(&out.get_output().stdout);
    assert!(
        stdout.contains("content/releases/2016/forum-po-probatsii-v-astane.ru.md"),
        "{stdout}"
    );
    let text = std::fs::read_to_string(
        site.root()
            .join("content/releases/2016/forum-po-probatsii-v-astane.ru.md"),
    )
    .unwrap();
    assert!(
        text.starts_with("---\ntitle: \"Форум по пробации в Астане\"\ndate: 2016-03-01\n"),
        "{text}"
    );
    // A draft until the editor publishes it.
    site.cmd(&["build", "--drafts"]).assert().success();
    assert!(site.exists("ru/releases/2016/forum-po-probatsii-v-astane/index.html"));
    // Never overwrites.
    site.cmd(&args).assert().code(1);
    site.cmd(&["new", "release", "X", "--date", "2016-02-30"])
        .assert()
        .code(2);
}
