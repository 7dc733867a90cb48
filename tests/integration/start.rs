//! Starting an archive and working on it as an editor: `init`, the built-in
//! theme, `new translation`, `schema`, command-line mistakes, the formats of
//! `check` for tools, and what the terminal shows (colour, progress).

use assert_cmd::Command;

use crate::util::{Site, tree};

fn pressroom() -> Command {
    Command::cargo_bin("pressroom").unwrap()
}

fn stderr(out: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&out.get_output().stderr).into_owned()
}

fn stdout(out: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&out.get_output().stdout).into_owned()
}

#[test]
fn init_writes_a_site_that_builds_without_a_theme_folder() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("my-archive");
    let out = pressroom().arg("init").arg(&site).assert().success();
    assert!(stdout(&out).contains("pressroom serve"), "{}", stdout(&out));
    assert!(!site.join("themes").exists());
    let gitignore = std::fs::read_to_string(site.join(".gitignore")).unwrap();
    assert!(
        gitignore.contains("/public/\n/.pressroom-cache/\n"),
        "{gitignore}"
    );
    pressroom()
        .args(["build", "--root"])
        .arg(&site)
        .assert()
        .success();
    let public = tree(&site.join("public"));
    for page in [
        "en/index.html",
        "ru/about/index.html",
        "kk/contacts/index.html",
    ] {
        assert!(public.contains_key(page), "{page}: {:?}", public.keys());
    }
    assert!(public.contains_key("css/style.css"));
    let kk_release = public
        .iter()
        .find(|(path, _)| path.starts_with("kk/releases/") && path.ends_with("/welcome/index.html"))
        .map(|(_, bytes)| String::from_utf8_lossy(bytes).into_owned())
        .expect("the Kazakh example release");
    assert!(kk_release.contains("қош келдіңіз"), "{kk_release}");
    // No warnings: every message and label exists in every language.
    let check = pressroom()
        .args(["check", "--root"])
        .arg(&site)
        .assert()
        .success();
    assert_eq!(stderr(&check), "");
}

#[test]
fn init_refuses_a_folder_with_files_unless_forced() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.txt"), "mine").unwrap();
    let out = pressroom().arg("init").arg(dir.path()).assert().code(2);
    insta::assert_snapshot!(stderr(&out).replace(&dir.path().display().to_string(), "[DIR]"));
    assert!(!dir.path().join("site.yaml").exists());
    pressroom()
        .arg("init")
        .arg(dir.path())
        .args(["--force", "--languages", "ru,en", "--title", "Архив"])
        .assert()
        .success();
    let config = pressroom::config::SiteConfig::load(dir.path()).unwrap();
    assert_eq!(config.default_language().code, "ru");
    assert_eq!(config.title, "Архив");
    let out = pressroom()
        .arg("init")
        .arg(dir.path().join("other"))
        .args(["--languages", "en,Russian"])
        .assert()
        .code(2);
    insta::assert_snapshot!("init_bad_language", stderr(&out));
}

#[test]
fn the_built_in_theme_gives_the_same_bytes_as_the_theme_folder() {
    let site = Site::fixture("basic");
    site.build();
    let from_folder = site.tree();
    std::fs::remove_dir_all(site.root().join("themes")).unwrap();
    std::fs::remove_dir_all(site.public()).unwrap();
    site.build();
    assert_eq!(site.tree(), from_folder);
}

#[test]
fn errors_in_built_in_templates_name_them() {
    let site = Site::fixture("basic");
    std::fs::remove_dir_all(site.root().join("themes")).unwrap();
    // Every page includes the site's broken partial: one error, not one per page.
    site.write("templates/partials/meta.html", "{{ nope }}\n");
    let out = site.cmd(&["build"]).assert().code(1);
    insta::assert_snapshot!(stderr(&out));
    // The built-in card partial, included without the `item` it expects.
    site.remove("templates/partials/meta.html");
    site.write(
        "templates/page.html",
        "{% extends \"base.html\" %}\n{% block content %}{% include \"partials/release-card.html\" %}{% endblock %}\n",
    );
    let out = site.cmd(&["build"]).assert().code(1);
    insta::assert_snapshot!("error_in_a_built_in_template", stderr(&out));
}

#[test]
fn new_translation_starts_a_draft_beside_the_release() {
    let site = Site::fixture("basic");
    let out = site
        .cmd(&[
            "new",
            "translation",
            "content/releases/2015/visit.en.md",
            "--lang",
            "kk",
        ])
        .assert()
        .success();
    assert!(stdout(&out).contains("visit.kk.md"), "{}", stdout(&out));
    let text =
        std::fs::read_to_string(site.root().join("content/releases/2015/visit.kk.md")).unwrap();
    insta::assert_snapshot!(text);
    site.cmd(&["build"]).assert().success();
    assert!(!site.exists("kk/releases/2015/visit/index.html"), "a draft");
    site.cmd(&["build", "--drafts"]).assert().success();
    let page = site.read("kk/releases/2015/visit/index.html");
    assert!(page.contains("АУДАРУ: Study visit to Belgium"), "{page}");
    // Linked to the English version.
    assert!(page.contains("/en/releases/2015/visit/"), "{page}");
}

#[test]
fn command_line_mistakes_are_reported_as_such() {
    let site = Site::fixture("basic");
    let mut all = String::new();
    for args in [
        &["new", "release", "?!", "--lang", "en"][..],
        &["new", "release", "Forum", "--lang", "tr"],
        &[
            "new",
            "translation",
            "content/releases/2015/visit.en.md",
            "--lang",
            "tr",
        ],
        &["new", "translation", "content/nosuch.md", "--lang", "kk"],
        &["import", "--lang", "tr", "x.txt"],
        &["build", "--base-url", "staging"],
        &["check", "--translations", "--format", "github"],
    ] {
        let out = site.cmd(args).assert().code(2);
        all.push_str(&format!("## {}\n{}\n", args.join(" "), stderr(&out)));
    }
    assert!(!all.contains("site.yaml:"), "{all}");
    insta::assert_snapshot!(all);
}

#[test]
fn check_formats_for_tools() {
    let site = Site::fixture("basic");
    site.write(
        "content/releases/2015/bad.en.md",
        "---\ntitle: Bad\ndate: 2015-12-11\ntags: [probaton]\n---\n\nText.\n",
    );
    let json = site.cmd(&["check", "--format", "json"]).assert().code(1);
    let value: serde_json::Value = serde_json::from_slice(&json.get_output().stdout).unwrap();
    insta::assert_snapshot!("check_json", serde_json::to_string_pretty(&value).unwrap());
    let github = site.cmd(&["check", "--format", "github"]).assert().code(1);
    insta::assert_snapshot!("check_github", stdout(&github));
    site.remove("content/releases/2015/bad.en.md");
    let clean = site.cmd(&["check", "--format", "json"]).assert().success();
    assert_eq!(stdout(&clean), "[]\n");
}

#[test]
fn colour_only_when_allowed_and_no_progress_in_pipes() {
    let site = Site::fixture("basic");
    site.write(
        "content/releases/2015/bad.en.md",
        "---\ntitle: Bad\ndate: 2015-12-11\ntags: [probaton]\n---\n\nText.\n",
    );
    let build = |env: &[(&str, &str)]| {
        let mut cmd = site.cmd(&["build"]);
        cmd.env_remove("NO_COLOR").env_remove("CLICOLOR_FORCE");
        for (k, v) in env {
            cmd.env(k, v);
        }
        stderr(&cmd.assert().code(1))
    };
    let piped = build(&[]);
    assert!(!piped.contains('\u{1b}'), "{piped:?}");
    // No progress bar either: it redraws with carriage returns.
    assert!(!piped.contains('\r'), "{piped:?}");
    let forced = build(&[("CLICOLOR_FORCE", "1")]);
    assert!(forced.contains("\u{1b}[1m\u{1b}[31merror"), "{forced:?}");
    let no_color = build(&[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]);
    assert_eq!(no_color, piped);
}

#[test]
fn verbosity_flags_go_before_or_after_the_command() {
    let site = Site::fixture("basic");
    let quiet_before = site.cmd(&["-q", "build"]).assert().success();
    assert_eq!(stdout(&quiet_before), "");
    let quiet_after = site.cmd(&["build", "-q"]).assert().success();
    assert_eq!(stdout(&quiet_after), "");
    let verbose = site.cmd(&["-v", "check"]).assert().success();
    assert!(stdout(&verbose).starts_with("check: no errors"));
}

#[test]
fn schema_lists_the_registered_tags() {
    let site = Site::fixture("basic");
    let out = site.cmd(&["schema"]).assert().success();
    assert!(stdout(&out).contains("front-matter.schema.json"));
    let text =
        std::fs::read_to_string(site.root().join("schemas/front-matter.schema.json")).unwrap();
    let schema: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        schema["properties"]["tags"]["items"]["enum"],
        serde_json::json!(["prison-reform", "probation"])
    );
    assert!(site.root().join("schemas/site.schema.json").is_file());
}
