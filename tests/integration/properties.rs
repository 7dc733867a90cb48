//! Property tests: no input makes the parser or the pipeline panic, and no
//! input writes outside the output folder. Cargo fuzzing needs a nightly
//! toolchain, which CI machines do not have; these run on stable with every
//! `cargo test`. More cases: `PROPTEST_CASES=100000 cargo test --release --test integration properties`.

use std::path::PathBuf;

use proptest::prelude::*;

use crate::util::Site;
use pressroom::document;
use pressroom::source::{Section, SourceDoc};

fn source() -> SourceDoc {
    SourceDoc {
        path: PathBuf::from("/site/content/releases/2015/x.en.md"),
        rel: PathBuf::from("content/releases/2015/x.en.md"),
        section: Section::Releases,
        key: "2015/x".into(),
        stem: "x".into(),
        lang: "en".into(),
        bundle: false,
    }
}

/// Front-matter lines built from the real field names and YAML's tricky bits.
fn front_matter() -> impl Strategy<Value = String> {
    let key = prop::sample::select(vec![
        "title",
        "date",
        "summary",
        "location",
        "tags",
        "slug",
        "draft",
        "embargo",
        "aliases",
        "image",
        "image_alt",
        "translation_key",
        "weight",
        "unknown",
        "- ",
        "  ",
        "\t",
        "? ",
        "&a ",
        "*a",
        "!!binary ",
        "<<",
    ]);
    let value = prop::sample::select(vec![
        "\"x\"",
        "2015-12-11",
        "2015-02-30",
        "2015-12-11T10:00:00+06:00",
        "[a, b]",
        "[",
        "{",
        "}",
        "|",
        ">",
        "'",
        "\"",
        "null",
        "~",
        "true",
        "1e309",
        "-1",
        "[[[[[[",
        "*a",
        "&a [x]",
        "/../x",
        "\\0",
        "—",
        "Қазақ",
        "\u{feff}",
        "#",
        "",
    ]);
    prop::collection::vec(
        (
            key,
            ":",
            value,
            prop::sample::select(vec!["\n", " ", "\r\n"]),
        ),
        0..12,
    )
    .prop_map(|parts| {
        parts
            .into_iter()
            .map(|(k, c, v, e)| format!("{k}{c} {v}{e}"))
            .collect()
    })
}

proptest! {
    #[test]
    fn any_text_parses_or_fails_cleanly(text in "\\PC*") {
        let _ = document::parse(source(), &text);
    }

    #[test]
    fn structured_documents_parse_or_fail_cleanly(
        front in front_matter(),
        close in prop::bool::ANY,
        body in "[\\PC\n]{0,200}",
    ) {
        let text = format!("---\n{front}{}{body}", if close { "---\n" } else { "" });
        match document::parse(source(), &text) {
            Ok((doc, _)) => {
                prop_assert!(!doc.front.title.is_empty());
                prop_assert!(doc.front.date.is_some());
            }
            Err(errors) => {
                prop_assert!(errors.has_errors());
                for d in errors.iter() {
                    prop_assert!(d.line >= 1 && d.column >= 1);
                }
            }
        }
    }

    #[test]
    fn any_bytes_decode_or_fail_cleanly(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        if let Ok(text) = pressroom::util::fs::decode_text(bytes, std::path::Path::new("x.md")) {
            let _ = document::parse(source(), &text);
        }
    }

    #[test]
    fn markdown_renders_anything(body in "[\\PC\n]{0,400}", allow_html in prop::bool::ANY) {
        let typography = pressroom::document::typography::Typography::for_locale("kk", None).unwrap();
        let opts = pressroom::document::markdown::RenderOptions { allow_html, smart_punctuation: true, lang: "kk", typography: &typography };
        let html = pressroom::document::markdown::render(&body, opts, &|_| None);
        if !allow_html {
            prop_assert!(!html.contains("<script"));
        }
    }
}

proptest! {
    // Each case builds a whole site: fewer cases, same strength per case.
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn the_pipeline_never_writes_outside_its_output(
        front in front_matter(),
        slug in "[a-z./\\\\-]{1,12}",
        alias in "/[a-z./\\\\-]{0,12}",
        body in "[\\PC\n]{0,200}",
    ) {
        let site = Site::fixture("basic");
        site.write(
            "content/releases/2015/fuzz.en.md",
            format!("---\ntitle: Fuzz\ndate: 2015-01-01\nslug: \"{slug}\"\naliases: [\"{alias}\"]\n{front}---\n{body}"),
        );
        let outside = site.root().parent().unwrap().to_path_buf();
        let before: Vec<_> = std::fs::read_dir(&outside).unwrap().filter_map(Result::ok).map(|e| e.file_name()).collect();
        let result = site.try_build(|_| {});
        let after: Vec<_> = std::fs::read_dir(&outside).unwrap().filter_map(Result::ok).map(|e| e.file_name()).collect();
        // Other tests create folders beside ours concurrently; ours must add nothing named like output.
        for name in after.iter().filter(|n| !before.contains(n)) {
            prop_assert!(!name.to_string_lossy().contains("pressroom-staging"), "{name:?}");
        }
        if result.is_ok() {
            for path in site.tree().keys() {
                prop_assert!(!path.contains(".."), "{path}");
            }
        }
    }
}
