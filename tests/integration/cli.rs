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

#[test]
fn import_writes_releases_that_build() {
    let site = Site::fixture("basic");
    let seeds = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/import/seeds");
    let mut files: Vec<String> = std::fs::read_dir(seeds)
        .unwrap()
        .map(|e| e.unwrap().path().display().to_string())
        .collect();
    files.sort();
    let mut args = vec!["import", "--lang", "en"];
    args.extend(files.iter().map(String::as_str));
    let out = site.cmd(&args).assert().success();
    let stdout = String::from_utf8_lossy(&out.get_output().stdout);
    assert!(
        stdout
            .trim_end()
            .ends_with("imported 4, needs review 1, skipped 0, failed 0"),
        "{stdout}"
    );
    // The undated one is a draft that no build includes until it has a date.
    let build = site.cmd(&["build"]).assert().success();
    let stderr = String::from_utf8_lossy(&build.get_output().stderr);
    assert!(
        stderr.contains("warning: this draft has no `date`, so no build includes it"),
        "{stderr}"
    );
    assert!(site.exists(
        "en/releases/2015/osce-co-organizes-forum-re-socialization-convicted-persons/index.html"
    ));
    // A second run leaves everything alone.
    let again = site.cmd(&args).assert().success();
    assert!(
        String::from_utf8_lossy(&again.get_output().stdout)
            .contains("imported 0, needs review 0, skipped 5, failed 0")
    );
}

#[test]
fn import_refuses_bad_files_and_languages() {
    let site = Site::fixture("basic");
    let empty = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/import/bad/empty.txt"
    );
    let out = site
        .cmd(&["import", "--lang", "en", empty])
        .assert()
        .code(1);
    let stdout = String::from_utf8_lossy(&out.get_output().stdout);
    assert!(stdout.contains("empty.txt:1:1: error:"), "{stdout}");
    let out = site
        .cmd(&["import", "--lang", "de", empty])
        .assert()
        .code(2);
    assert!(
        String::from_utf8_lossy(&out.get_output().stderr)
            .contains("`de` is not a language of this site")
    );
}

#[test]
fn import_reports_releases_already_in_the_archive_as_duplicates() {
    let site = Site::fixture("basic");
    let seed = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/import/seeds/000_36608fe565b78d56.txt"
    );
    site.cmd(&["import", "--lang", "en", seed])
        .assert()
        .success();
    // The editor gives the release a shorter name and polishes the title.
    let imported = site.root().join(
        "content/releases/2015/osce-co-organizes-forum-re-socialization-convicted-persons.en.md",
    );
    let text = std::fs::read_to_string(&imported)
        .unwrap()
        .replace("OSCE co-organizes forum", "OSCE co-organises forum");
    std::fs::remove_file(&imported).unwrap();
    site.write("content/releases/2015/resocialization-forum.en.md", text);

    let out = site
        .cmd(&["import", "--lang", "en", seed])
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&out.get_output().stdout)
        .replace(&site.root().display().to_string(), "[ROOT]")
        .replace(env!("CARGO_MANIFEST_DIR"), "[REPO]");
    insta::assert_snapshot!(stdout);
    assert!(!imported.exists());

    site.cmd(&["import", "--lang", "en", "--force", seed])
        .assert()
        .success();
    assert!(imported.exists(), "--force imports it anyway");
}

/// A full disk or a closed pipe on stdout ends with one line and exit 1,
/// never a panic; the build itself is done by then.
#[test]
fn a_full_or_closed_stdout_is_one_line_and_exit_1() {
    let site = Site::fixture("basic");
    let full = || {
        std::fs::File::options()
            .write(true)
            .open("/dev/full")
            .unwrap()
    };
    let pressroom = |args: &[&str]| {
        let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("pressroom"));
        cmd.args(args).arg("--root").arg(site.root());
        cmd
    };
    let out = pressroom(&["build"]).stdout(full()).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: cannot write to the standard output: No space left on device (os error 28)\n"
    );
    assert!(site.exists("en/index.html"));

    // A reader that went away before the summary was printed (`| head -c0`).
    let mut child = pressroom(&["check"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: cannot write to the standard output: Broken pipe (os error 32)\n"
    );

    // Both full: nothing can be said, but the exit code still tells.
    site.write("content/releases/2015/forum.en.md", "not front matter");
    let out = pressroom(&["build"])
        .stdout(full())
        .stderr(full())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
}
