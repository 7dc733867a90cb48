//! The output folder's contract.

use std::time::{Duration, SystemTime};

use crate::util::{Site, tree};

#[test]
fn the_same_input_gives_byte_identical_output() {
    let a = Site::fixture("basic");
    let b = Site::fixture("basic");
    a.build();
    b.build();
    assert_eq!(a.tree(), b.tree());
}

#[test]
fn a_rebuild_without_changes_writes_nothing() {
    let site = Site::fixture("basic");
    let first = site.build();
    assert_eq!(first.total().unchanged, 0);
    let page = site.public().join("en/releases/2015/forum/index.html");
    let old = SystemTime::now() - Duration::from_secs(7200);
    std::fs::File::options()
        .write(true)
        .open(&page)
        .unwrap()
        .set_modified(old)
        .unwrap();

    let second = site.build();
    assert_eq!(second.total().written, 0, "{second:?}");
    assert_eq!(second.total().unchanged, first.total().written);
    assert_eq!(std::fs::metadata(&page).unwrap().modified().unwrap(), old);
}

#[test]
fn pages_that_are_no_longer_produced_are_removed() {
    let site = Site::fixture("basic");
    site.build();
    assert!(site.exists("en/releases/2015/visit/index.html"));
    site.remove("content/releases/2015/visit.en.md");
    site.build();
    assert!(!site.exists("en/releases/2015/visit/index.html"));
    assert!(
        !site.public().join("en/releases/2015/visit").exists(),
        "empty folders go too"
    );
}

#[test]
fn a_failed_build_leaves_the_previous_output_exactly_as_it_was() {
    let site = Site::fixture("basic");
    site.build();
    let before = site.tree();
    // One change that would alter pages, one error that fails the build.
    site.write(
        "content/releases/2015/visit.en.md",
        "---\ntitle: Changed title\ndate: 2015-04-01\n---\n\nText.\n",
    );
    site.write(
        "content/releases/2015/broken.en.md",
        "---\ntitle: Broken\ndate: 2015-02-30\n---\n",
    );
    assert!(site.try_build(|_| {}).is_err());
    assert_eq!(site.tree(), before);
    assert!(!site.root().join(".public.pressroom-staging").exists());
}

#[test]
fn a_template_error_also_leaves_the_output_alone() {
    let site = Site::fixture("basic");
    site.build();
    let before = site.tree();
    site.write("templates/release.html", "{% extends \"base.html\" %}{% block content %}{{ release.no_such_field }}{% endblock content %}");
    let errors = site.try_build(|_| {}).unwrap_err();
    let first = errors.sorted()[0].to_string();
    assert!(first.starts_with("templates/release.html:1:"), "{first}");
    assert_eq!(site.tree(), before);
}

#[test]
fn output_can_go_to_another_folder() {
    let site = Site::fixture("basic");
    let out = tempfile::tempdir().unwrap();
    let target = out.path().join("site");
    site.try_build(|o| o.output = Some(target.clone())).unwrap();
    assert!(tree(&target).contains_key("en/index.html"));
    assert!(!site.public().exists());
}

#[test]
fn a_foreign_non_empty_folder_is_not_used_as_output() {
    let site = Site::fixture("basic");
    let out = tempfile::tempdir().unwrap();
    std::fs::write(out.path().join("thesis.docx"), "precious").unwrap();
    let errors = site
        .try_build(|o| o.output = Some(out.path().to_path_buf()))
        .unwrap_err();
    assert!(
        errors.sorted()[0]
            .message
            .contains("not empty and was not written by pressroom")
    );
    assert_eq!(
        std::fs::read_to_string(out.path().join("thesis.docx")).unwrap(),
        "precious"
    );
}
