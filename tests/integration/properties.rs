//! Property tests: no input makes the parser or the pipeline panic, and no
//! input writes outside the output folder. Cargo fuzzing needs a nightly
//! toolchain, which CI machines do not have; these run on stable with every
//! `cargo test`. More cases: `PROPTEST_CASES=100000 cargo test --release --test integration properties`.

use std::path::PathBuf;

use proptest::prelude::*;

use crate::util::{Site, proptest_cases};
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
        let _ = pressroom::document::markdown::render(&body, opts, &|_| None);
    }

    #[test]
    fn hostile_markup_never_becomes_live(body in hostile_markdown()) {
        let typography = pressroom::document::typography::Typography::for_locale("en", None).unwrap();
        let opts = pressroom::document::markdown::RenderOptions { allow_html: false, smart_punctuation: true, lang: "en", typography: &typography };
        let html = pressroom::document::markdown::render(&body, opts, &|_| None);
        if let Err(e) = no_live_markup(&html) {
            prop_assert!(false, "{e}\nfrom: {body:?}\nto: {html}");
        }
    }
}

/// Pieces of markup that would run script if they reached a page as written:
/// raw elements, event attributes, `javascript:` and `data:` URLs in markdown
/// links, images, autolinks and reference definitions, in mixed case, with
/// entities and with whitespace a browser ignores.
fn hostile_markdown() -> impl Strategy<Value = String> {
    let piece = prop::sample::select(vec![
        "<script>alert(1)</script>",
        "<SCRIPT SRC=//x.example/x.js></SCRIPT>",
        "<ScRiPt>alert(1)</sCrIpT>",
        "<img src=x onerror=alert(1)>",
        "<IMG SRC=x OnErRoR=alert(1)>",
        "<svg/onload=alert(1)>",
        "<iframe src=\"javascript:alert(1)\"></iframe>",
        "<a href=\"javascript:alert(1)\">x</a>",
        "<div onclick=\"alert(1)\">x</div>",
        "<style>body{}</style>",
        "<object data=x></object>",
        "<!-- <script>alert(1)</script> -->",
        "<scr<script>ipt>alert(1)</script>",
        "&lt;script&gt;alert(1)&lt;/script&gt;",
        "&#60;script&#62;alert(1)&#60;/script&#62;",
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x](&#106;avascript:alert(1))",
        "[x](&#x6A;avascript&#58;alert(1))",
        "[x](<java\tscript:alert(1)>)",
        "[x]( javascript:alert(1) \"t\")",
        "[x](vbscript:msgbox(1))",
        "[x](data:text/html,<script>alert(1)</script>)",
        "![x](javascript:alert(1))",
        "![x](data:text/html;base64,PHNjcmlwdD4=)",
        "<javascript:alert(1)>",
        "<JAVASCRIPT:alert(1)>",
        "[x][r]\n\n[r]: javascript:alert(1)",
        "[x](\"onmouseover=alert(1))",
        "[x](https://ok.example/ \"\\\" onmouseover=alert(1)\")",
        "`<script>alert(1)</script>`",
        "    <script>alert(1)</script>",
        "```html\n<script>alert(1)</script>\n```",
        "# <script>alert(1)</script>",
        "| <img src=x onerror=alert(1)> | b |\n|---|---|\n| c | d |",
        "[^n]\n\n[^n]: <script>alert(1)</script>",
        "plain text",
        "*emphasis*",
        "\n\n",
        "> ",
        "- ",
        "\"",
        "'",
        "<",
        ">",
        "&",
    ]);
    prop::collection::vec(piece, 1..8).prop_map(|pieces| pieces.concat())
}

/// `value` with the character references a browser decodes in attributes.
fn decode_entities(value: &str) -> String {
    let mut out = String::new();
    let mut rest = value;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let Some(semi) = after.find(';') else {
            out.push_str(&rest[at..]);
            return out;
        };
        let entity = &after[..semi];
        let decoded = match entity.strip_prefix('#') {
            Some(hex) if hex.starts_with(['x', 'X']) => u32::from_str_radix(&hex[1..], 16).ok(),
            Some(dec) => dec.parse().ok(),
            None => match entity {
                "colon" => Some(58),
                "Tab" => Some(9),
                "NewLine" => Some(10),
                "amp" => Some(38),
                _ => None,
            },
        };
        match decoded.and_then(char::from_u32) {
            Some(c) => out.push(c),
            None => out.push_str(&rest[at..at + semi + 2]),
        }
        rest = &after[semi + 1..];
    }
    out.push_str(rest);
    out
}

/// Whether `html` (rendered with raw HTML off) holds anything a browser would
/// run: an element other than those markdown makes, an `on…` attribute, or a
/// URL with a script-capable scheme.
fn no_live_markup(html: &str) -> Result<(), String> {
    const MARKDOWN_ELEMENTS: &[&str] = &[
        "p",
        "a",
        "img",
        "em",
        "strong",
        "del",
        "code",
        "pre",
        "blockquote",
        "ul",
        "ol",
        "li",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "br",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "sup",
        "div",
        "section",
    ];
    let mut rest = html;
    while let Some(at) = rest.find('<') {
        let tag = &rest[at + 1..];
        let end = tag
            .find('>')
            .ok_or_else(|| format!("unclosed `<` in {rest}"))?;
        let inside = &tag[..end];
        rest = &tag[end..];
        let name: String = inside
            .trim_start_matches('/')
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .collect();
        if !MARKDOWN_ELEMENTS.contains(&name.as_str()) {
            return Err(format!("element `<{inside}>`"));
        }
        // Attributes as markdown writes them: name="value", value escaped.
        let mut attrs = &inside[name.len()..];
        while let Some(eq) = attrs.find("=\"") {
            let attr = attrs[..eq].trim().to_ascii_lowercase();
            let value_end = attrs[eq + 2..]
                .find('"')
                .ok_or_else(|| format!("unquoted attribute in <{inside}>"))?;
            let value = &attrs[eq + 2..eq + 2 + value_end];
            if attr.starts_with("on") {
                return Err(format!("event attribute in <{inside}>"));
            }
            let scheme: String = decode_entities(value)
                .chars()
                .filter(|c| !c.is_ascii_whitespace() && !c.is_ascii_control())
                .collect::<String>()
                .to_ascii_lowercase();
            if ["javascript:", "vbscript:", "data:"]
                .iter()
                .any(|s| scheme.starts_with(s))
            {
                return Err(format!("script URL in <{inside}>"));
            }
            attrs = &attrs[eq + 2 + value_end + 1..];
        }
    }
    Ok(())
}

/// Paths that try to climb out of the folder they are joined to, by `..`,
/// absolute paths, backslashes, encodings and empty segments.
fn hostile_path() -> impl Strategy<Value = String> {
    let climb = prop::sample::select(vec![
        "../", "..", "/..", "./", "/", "//", "\\..\\", "%2e%2e/", "..%2f", "x/", "~/", "c:/",
    ]);
    let leaf = prop::sample::select(vec!["x.html", "index.html", "", "y/", "etc/passwd", "."]);
    (prop::collection::vec(climb, 1..10), leaf).prop_map(|(c, l)| c.concat() + l)
}

proptest! {
    // Each case builds a whole site: fewer cases, same strength per case.
    #![proptest_config(ProptestConfig { cases: proptest_cases(24), ..ProptestConfig::default() })]

    /// The output folder sits eight levels below the site root, so a path that
    /// climbs out of it (as far as a generated one can) lands in folders this
    /// test owns and sees: every file outside the output folder must be as it
    /// was, and every file inside it must really be inside (no symbolic link
    /// or `..` leads out). Each hostile field is often left out, and the
    /// noisy front matter usually, so that many cases build and write.
    #[test]
    fn the_pipeline_never_writes_outside_its_output(
        front in prop::option::weighted(0.1, front_matter()),
        slug in prop::option::weighted(0.2, hostile_path()),
        alias in prop::option::weighted(0.8, hostile_path()),
        link in prop::option::weighted(0.15, hostile_path()),
        body in "[\\PC\n]{0,200}",
    ) {
        let site = Site::fixture("basic");
        let quoted = |s: &str| format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""));
        let mut text = String::from("---\ntitle: Fuzz\ndate: 2015-01-01\n");
        if let Some(slug) = &slug {
            text.push_str(&format!("slug: {}\n", quoted(slug)));
        }
        if let Some(alias) = &alias {
            // Aliases must start with `/`; past that, anything goes.
            text.push_str(&format!("aliases: [{}]\n", quoted(&format!("/{alias}"))));
        }
        text.push_str(&front.unwrap_or_default());
        text.push_str("---\n");
        if let Some(link) = &link {
            text.push_str(&format!("[link](@/{link}) "));
        }
        text.push_str(&body);
        site.write("content/releases/2015/fuzz.en.md", text);
        let out = site.root().join("1/2/3/4/5/6/7/public");
        let outside = |site: &Site| {
            let mut files = crate::util::tree(site.root());
            // The output folder itself, and what pressroom keeps beside it
            // to swap a whole new tree in at once (its lock, staging folder
            // and the previous tree, all named `.public.pressroom-…`).
            files.retain(|path, _| {
                !path.starts_with("1/2/3/4/5/6/7/public/")
                    && !path.starts_with("1/2/3/4/5/6/7/.public.pressroom-")
            });
            files
        };
        let before = outside(&site);
        let result = site.try_build(|o| o.output = Some(out.clone()));
        prop_assert_eq!(outside(&site), before);
        if result.is_ok() {
            let real = out.canonicalize().unwrap();
            for path in crate::util::tree(&out).keys() {
                let file = out.join(path).canonicalize().unwrap();
                prop_assert!(file.starts_with(&real), "{path} is really {}", file.display());
            }
        }
    }
}
