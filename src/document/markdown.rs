//! Markdown to HTML with pulldown-cmark.
//!
//! Tables, footnotes, strikethrough and (optionally) smart punctuation are on.
//! Raw HTML is escaped unless the site allows it, as Hugo does by default,
//! because press releases are pasted from word processors and e-mails. Headings
//! get ids from their text, transliterated like slugs so that Russian and Kazakh
//! anchors stay readable, and made unique within the page. Links written as
//! `@/releases/2015/forum.md` point at another source file and are resolved by
//! the caller to that document's URL in the current language. Only
//! `http`, `https`, `mailto`, `tel`, relative and `@/` URLs may be linked
//! ([`disallowed_scheme`]); the document reports any other as an error.

use std::collections::HashMap;

use pulldown_cmark::{CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd};

use crate::diagnostics::line_col;
use crate::document::typography::{self, Typography};
use crate::util::slug::slugify;

/// How long a derived summary may be, in characters.
pub const SUMMARY_CHARS: usize = 300;

/// Prefix of internal links to source files.
pub const INTERNAL_PREFIX: &str = "@/";

/// Element ids that themes use for the page layout; headings never take them.
pub const RESERVED_IDS: &[&str] = &["main", "content", "top"];

/// Options for rendering one body.
#[derive(Debug, Clone, Copy)]
pub struct RenderOptions<'a> {
    /// Pass raw HTML through.
    pub allow_html: bool,
    /// Typographic quotes and dashes.
    pub smart_punctuation: bool,
    /// Language of the text, for heading ids.
    pub lang: &'a str,
    /// How the language sets quotes, dashes and no-break spaces (with
    /// `smart_punctuation`).
    pub typography: &'a Typography,
}

/// An internal link found in a body, with its position in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkRef {
    /// The source path after `@/`, e.g. `releases/2015/forum.md`.
    pub target: String,
    /// The fragment after `#`, if any.
    pub fragment: Option<String>,
    /// 1-based line in the file.
    pub line: usize,
    /// 1-based column in the file.
    pub column: usize,
}

fn options(smart_punctuation: bool) -> Options {
    let mut options =
        Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES | Options::ENABLE_STRIKETHROUGH;
    if smart_punctuation {
        options |= Options::ENABLE_SMART_PUNCTUATION;
    }
    options
}

/// Renders `body` to HTML. `resolve` maps an internal link target (the part
/// after `@/`, without fragment) to a URL; unresolved ones are left as written,
/// since the model has already reported them.
pub fn render(
    body: &str,
    opts: RenderOptions<'_>,
    resolve: &dyn Fn(&str) -> Option<String>,
) -> String {
    render_with_pictures(body, opts, resolve, &|_, _| None)
}

/// [`render`], with each image handed to `picture` (its URL as written and
/// its alternative text), which may return the HTML to show instead of a
/// plain `<img>`: a processed photo's `<picture>`.
pub fn render_with_pictures(
    body: &str,
    opts: RenderOptions<'_>,
    resolve: &dyn Fn(&str) -> Option<String>,
    picture: &dyn Fn(&str, &str) -> Option<String>,
) -> String {
    let parsed = Parser::new_ext(body, options(opts.smart_punctuation)).into_offset_iter();
    let parsed: Vec<Event<'_>> = if opts.smart_punctuation {
        typography::apply(parsed, body, opts.typography)
    } else {
        parsed.map(|(event, _)| event).collect()
    };
    let mut events: Vec<Event<'_>> = parsed
        .into_iter()
        .map(|event| match event {
            Event::Html(html) | Event::InlineHtml(html) if !opts.allow_html => Event::Text(html),
            // A markdown link or image to a `javascript:` URL runs script as
            // surely as raw HTML does, so it goes with raw HTML.
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) if !opts.allow_html && runs_script(&dest_url) => Event::Start(Tag::Link {
                link_type,
                dest_url: CowStr::from("#"),
                title,
                id,
            }),
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) if !opts.allow_html && runs_script(&dest_url) => Event::Start(Tag::Image {
                link_type,
                dest_url: CowStr::from("#"),
                title,
                id,
            }),
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) if dest_url.starts_with(INTERNAL_PREFIX) => {
                let (target, fragment) = split_fragment(&dest_url[INTERNAL_PREFIX.len()..]);
                let dest_url = match resolve(target) {
                    Some(url) => CowStr::from(match fragment {
                        Some(f) => format!("{url}#{f}"),
                        None => url,
                    }),
                    None => dest_url,
                };
                Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                })
            }
            other => other,
        })
        .collect();
    assign_heading_ids(&mut events, opts.lang);
    replace_images(&mut events, picture);
    let mut html = String::with_capacity(body.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    html
}

/// Replaces each image (its start, alternative text and end events) for
/// which `picture` gives HTML by that HTML.
fn replace_images(events: &mut Vec<Event<'_>>, picture: &dyn Fn(&str, &str) -> Option<String>) {
    let mut i = 0;
    while i < events.len() {
        if let Event::Start(Tag::Image { dest_url, .. }) = &events[i] {
            let mut alt = String::new();
            let mut j = i + 1;
            while j < events.len() && !matches!(events[j], Event::End(TagEnd::Image)) {
                if let Event::Text(t) | Event::Code(t) = &events[j] {
                    alt.push_str(t);
                }
                j += 1;
            }
            if j < events.len()
                && let Some(html) = picture(dest_url, &alt)
            {
                events.splice(i..=j, [Event::InlineHtml(CowStr::from(html))]);
            }
        }
        i += 1;
    }
}

/// Gives every heading without an explicit id one made from its text, unique
/// within the page.
fn assign_heading_ids(events: &mut [Event<'_>], lang: &str) {
    // Ids the theme's layout uses itself (the skip link's target) are taken.
    let mut used: HashMap<String, usize> = RESERVED_IDS
        .iter()
        .map(|id| ((*id).to_owned(), 1))
        .collect();
    let mut i = 0;
    while i < events.len() {
        if let Event::Start(Tag::Heading { id: None, .. }) = &events[i] {
            let mut text = String::new();
            let mut j = i + 1;
            while j < events.len() && !matches!(events[j], Event::End(TagEnd::Heading(_))) {
                if let Event::Text(t) | Event::Code(t) = &events[j] {
                    text.push_str(t);
                }
                j += 1;
            }
            let mut base = slugify(&text, lang);
            if base.is_empty() {
                base = "section".to_owned();
            }
            let count = used.entry(base.clone()).or_insert(0);
            let id = if *count == 0 {
                base.clone()
            } else {
                format!("{base}-{count}")
            };
            *count += 1;
            if let Event::Start(Tag::Heading { id: slot, .. }) = &mut events[i] {
                *slot = Some(CowStr::from(id));
            }
            i = j;
        }
        i += 1;
    }
}

/// Whether a browser would run `url` as script: its scheme, ignoring case
/// and the whitespace and control characters browsers drop, is `javascript:`,
/// `vbscript:` or `data:` (a `data:text/html` page runs its scripts).
fn runs_script(url: &str) -> bool {
    let scheme: String = url
        .chars()
        .filter(|c| !c.is_ascii_whitespace() && !c.is_ascii_control())
        .take(11)
        .collect::<String>()
        .to_ascii_lowercase();
    ["javascript:", "vbscript:", "data:"]
        .iter()
        .any(|s| scheme.starts_with(s))
}

fn split_fragment(target: &str) -> (&str, Option<&str>) {
    match target.split_once('#') {
        Some((path, fragment)) => (path, Some(fragment)),
        None => (target, None),
    }
}

/// A link or image whose URL has a scheme that is not allowed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnsafeUrl {
    /// The URL as the browser would read it.
    pub url: String,
    /// Its scheme, lower-cased (`javascript`).
    pub scheme: String,
    /// 1-based line in the file.
    pub line: usize,
    /// 1-based column in the file.
    pub column: usize,
}

/// The schemes a link or image may use; anything else (`javascript:`,
/// `vbscript:`, `data:`, `file:`) could run code or read files in the
/// reader's browser. Relative links and `@/` links have no scheme.
pub const ALLOWED_SCHEMES: &[&str] = &["http", "https", "mailto", "tel"];

/// The scheme of `url` if it is not allowed, read the way a browser reads it:
/// leading spaces and control characters dropped, tabs and newlines removed
/// anywhere, case ignored. (Entities are already decoded by the markdown
/// parser, and a percent-encoded colon makes no scheme.)
pub fn disallowed_scheme(url: &str) -> Option<String> {
    let cleaned: String = url
        .trim_start_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    let (scheme, _) = cleaned.split_once(':')?;
    let is_scheme = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    let scheme = scheme.to_ascii_lowercase();
    (is_scheme && !ALLOWED_SCHEMES.contains(&scheme.as_str())).then_some(scheme)
}

/// What [`scan`] finds in a body.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scanned {
    /// The internal links (`@/…`).
    pub links: Vec<LinkRef>,
    /// The references to files (images and links such as `photo.jpg`,
    /// `../report.pdf` or `/docs/plan.pdf`): the destination as written,
    /// without its `#fragment`. URLs with a scheme, `//host/…`, fragments
    /// alone and paths without a file extension (pages, not files) are not
    /// file references.
    pub files: Vec<LinkRef>,
    /// The links, images, autolinks and reference definitions whose scheme
    /// is not allowed.
    pub unsafe_urls: Vec<UnsafeUrl>,
}

/// Finds the internal links, the references to files and the unsafe URLs of
/// a body, in one pass; `first_line` is the body's first line in the file, so
/// that positions point into the file.
pub fn scan(body: &str, first_line: usize) -> Scanned {
    let mut found = Scanned::default();
    let flag = |url: &str, at: usize, unsafe_urls: &mut Vec<UnsafeUrl>| {
        if let Some(scheme) = disallowed_scheme(url) {
            let (line, column) = line_col(body, at);
            unsafe_urls.push(UnsafeUrl {
                url: url.to_owned(),
                scheme,
                line: line + first_line - 1,
                column,
            });
        }
    };
    let parser = Parser::new_ext(body, options(false)).into_offset_iter();
    // Every definition, used or not: a later edit may start using it.
    let mut definitions: Vec<_> = parser
        .reference_definitions()
        .iter()
        .map(|(_, def)| (def.span.start, def.dest.to_string()))
        .collect();
    definitions.sort();
    for (at, dest) in &definitions {
        flag(dest, *at, &mut found.unsafe_urls);
    }
    for (event, range) in parser {
        let Event::Start(
            Tag::Link {
                dest_url,
                link_type,
                ..
            }
            | Tag::Image {
                dest_url,
                link_type,
                ..
            },
        ) = event
        else {
            continue;
        };
        // Reference links were flagged at their definition.
        if !matches!(
            link_type,
            LinkType::Reference | LinkType::Collapsed | LinkType::Shortcut
        ) {
            flag(&dest_url, range.start, &mut found.unsafe_urls);
        }
        let (list, prefix, rest) = match dest_url.strip_prefix(INTERNAL_PREFIX) {
            Some(rest) => (&mut found.links, INTERNAL_PREFIX, rest),
            None if is_file_reference(&dest_url) => (&mut found.files, "", &*dest_url),
            None => continue,
        };
        let (target, fragment) = split_fragment(rest);
        // Point at the destination itself, not the link text.
        let needle = if prefix.is_empty() { target } else { prefix };
        let at = body[range.clone()]
            .find(needle)
            .map_or(range.start, |o| range.start + o);
        let (line, column) = line_col(body, at);
        list.push(LinkRef {
            target: target.to_owned(),
            fragment: fragment.map(str::to_owned),
            line: line + first_line - 1,
            column,
        });
    }
    found
}

/// Whether a link destination names a file of this site: no scheme, not
/// protocol-relative, and a file extension in its last segment.
pub fn is_file_reference(dest: &str) -> bool {
    let path = dest.split(['#', '?']).next().unwrap_or("");
    let scheme = path
        .split_once(':')
        .is_some_and(|(s, _)| !s.is_empty() && !s.contains('/'));
    let last = path.rsplit('/').next().unwrap_or("");
    !path.is_empty()
        && !scheme
        && !path.starts_with("//")
        && last.rsplit_once('.').is_some_and(|(stem, ext)| {
            !stem.is_empty() && !ext.is_empty() && ext.chars().all(|c| c.is_ascii_alphanumeric())
        })
}

/// The plain text of the first paragraph, cut at a word boundary to at most
/// `max_chars` characters (with an ellipsis when cut), its quotes, dashes and
/// no-break spaces set in `typography` (the document's language), as the
/// body is.
pub fn first_paragraph_text(body: &str, max_chars: usize, typography: &Typography) -> String {
    let mut text = String::new();
    let mut depth = 0usize;
    let mut started = false;
    let parsed = Parser::new_ext(body, options(true)).into_offset_iter();
    for event in typography::apply(parsed, body, typography) {
        match event {
            Event::Start(Tag::Paragraph) => {
                depth += 1;
                started = true;
            }
            Event::End(TagEnd::Paragraph) => {
                depth = depth.saturating_sub(1);
                if depth == 0 && !text.trim().is_empty() {
                    break;
                }
            }
            Event::Start(Tag::Heading {
                level: HeadingLevel::H1,
                ..
            }) => {}
            Event::Text(t) | Event::Code(t) if started && depth > 0 => text.push_str(&t),
            Event::SoftBreak | Event::HardBreak if depth > 0 => text.push(' '),
            _ => {}
        }
    }
    // ASCII whitespace only: the no-break spaces typography put are meant.
    let text = text.split_ascii_whitespace().collect::<Vec<_>>().join(" ");
    truncate_words(&text, max_chars)
}

fn truncate_words(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        return text.to_owned();
    }
    let cut: String = text.chars().take(max_chars).collect();
    let cut = match cut.rfind(' ') {
        Some(i) if i > 0 => &cut[..i],
        _ => &cut,
    };
    format!(
        "{}…",
        cut.trim_end_matches([',', ';', ':', '.', ' ', '–', '-'])
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn html(body: &str, allow_html: bool) -> String {
        let opts = RenderOptions {
            allow_html,
            smart_punctuation: true,
            lang: "en",
            typography: &Typography::for_locale("en", None).unwrap(),
        };
        render(body, opts, &|t| {
            (t == "releases/2015/forum.md").then(|| "/en/releases/2015/forum/".to_owned())
        })
    }

    #[test]
    fn raw_html_is_escaped_unless_allowed() {
        assert_eq!(
            html("<script>alert(1)</script>\n", false),
            "&lt;script&gt;alert(1)&lt;/script&gt;\n"
        );
        assert_eq!(
            html("a <b>b</b>\n", false),
            "<p>a &lt;b&gt;b&lt;/b&gt;</p>\n"
        );
        assert_eq!(html("a <b>b</b>\n", true), "<p>a <b>b</b></p>\n");
    }

    #[test]
    fn script_urls_are_dropped_unless_raw_html_is_allowed() {
        assert_eq!(
            html("[x](JavaScript:alert(1)) ![y](data:text/html,z)\n", false),
            "<p><a href=\"#\">x</a> <img src=\"#\" alt=\"y\" /></p>\n"
        );
        assert_eq!(
            html("<javascript:alert(1)>\n", false),
            "<p><a href=\"#\">javascript:alert(1)</a></p>\n"
        );
        assert_eq!(
            html("[x](javascript:alert(1))\n", true),
            "<p><a href=\"javascript:alert(1)\">x</a></p>\n"
        );
        assert_eq!(
            html("[x](https://example.org/)\n", false),
            "<p><a href=\"https://example.org/\">x</a></p>\n"
        );
    }

    #[test]
    fn extensions_are_on() {
        let out = html(
            "| a | b |\n|---|---|\n| 1 | 2 |\n\n~~old~~ \"quoted\"[^1]\n\n[^1]: Note.\n",
            false,
        );
        assert!(out.contains("<table>"), "{out}");
        assert!(out.contains("<del>old</del>"), "{out}");
        assert!(out.contains("“quoted”"), "{out}");
        assert!(
            out.contains("footnote-definition") || out.contains("footnote"),
            "{out}"
        );
    }

    fn typeset(body: &str, locale: &str, quotes: Option<&str>) -> String {
        let typography = Typography::for_locale(locale, quotes).unwrap();
        let opts = RenderOptions {
            allow_html: false,
            smart_punctuation: true,
            lang: locale,
            typography: &typography,
        };
        render(body, opts, &|_| None)
    }

    #[test]
    fn quotes_follow_the_language_and_nest() {
        let body = "He said \"we call it 'reform' here\" -- and left. Don't.\n";
        assert_eq!(
            typeset(body, "en", None),
            "<p>He said “we call it ‘reform’ here” – and left. Don’t.</p>\n"
        );
        // Editors type straight quotes at both levels; the depth decides.
        let body = "Он сказал: \"проект \"Пробация\" готов\" -- в 2015 г.\n";
        assert_eq!(
            typeset(body, "ru", None),
            "<p>Он сказал: «проект „Пробация“ готов»\u{a0}— в 2015\u{a0}г.</p>\n"
        );
        let body = "\"Жоба 'Пробация'\" -- 2015 ж.\n";
        assert_eq!(
            typeset(body, "kk", Some("«»„“")),
            "<p>«Жоба „Пробация“»\u{a0}— 2015\u{a0}ж.</p>\n"
        );
        assert_eq!(
            typeset(body, "kk", None),
            "<p>«Жоба “Пробация”»\u{a0}— 2015\u{a0}ж.</p>\n"
        );
        assert_eq!(typeset("\"سجن\"\n", "ar", None), "<p>”سجن“</p>\n");
        assert_eq!(
            typeset("\"'qamoq' deb\" 'x'\n", "uz-Latn", None),
            "<p>“’qamoq‘ deb” “x”</p>\n"
        );
    }

    #[test]
    fn typography_leaves_code_typed_marks_and_ranges_alone() {
        assert_eq!(
            typeset("`\"a\" -- 5 км`\n\n    \"b\" 5 км\n", "ru", None),
            "<p><code>\"a\" -- 5 км</code></p>\n<pre><code>\"b\" 5 км\n</code></pre>\n"
        );
        assert_eq!(
            typeset("2011--2015, “как есть”\n", "ru", None),
            "<p>2011–2015, “как есть”</p>\n"
        );
    }

    #[test]
    fn headings_get_unique_readable_ids() {
        let opts = RenderOptions {
            allow_html: false,
            smart_punctuation: false,
            lang: "ru",
            typography: &Typography::for_locale("ru", None).unwrap(),
        };
        let out = render(
            "## Итоги форума\n\n## Итоги форума\n\n## !!!\n",
            opts,
            &|_| None,
        );
        assert_eq!(
            out,
            "<h2 id=\"itogi-foruma\">Итоги форума</h2>\n<h2 id=\"itogi-foruma-1\">Итоги форума</h2>\n<h2 id=\"section\">!!!</h2>\n"
        );
    }

    #[test]
    fn headings_never_take_layout_ids() {
        let opts = RenderOptions {
            allow_html: false,
            smart_punctuation: false,
            lang: "en",
            typography: &Typography::for_locale("en", None).unwrap(),
        };
        assert_eq!(
            render("# Main\n", opts, &|_| None),
            "<h1 id=\"main-1\">Main</h1>\n"
        );
    }

    #[test]
    fn internal_links_are_resolved_and_located() {
        let body =
            "Intro.\n\nSee [the forum](@/releases/2015/forum.md#quotes) and [x](@/nope.md).\n";
        let out = html(body, false);
        assert!(
            out.contains("href=\"/en/releases/2015/forum/#quotes\""),
            "{out}"
        );
        let links = scan(body, 5).links;
        assert_eq!(links.len(), 2);
        assert_eq!((links[0].line, links[0].column), (7, 17));
        assert_eq!(links[0].target, "releases/2015/forum.md");
        assert_eq!(links[0].fragment.as_deref(), Some("quotes"));
        assert_eq!(links[1].target, "nope.md");
    }

    #[test]
    fn file_references_are_found_and_located() {
        let body = "![A photo](photo.jpg \"t\") and [plan](../docs/plan.pdf#page=2).\n\n[site](https://e.org/a.jpg) [top](#top) [page](../other/) [mail](mailto:a@b.c) [cdn](//cdn.org/x.js) [root](/css/style.css?v=1)\n";
        let Scanned { links, files, .. } = scan(body, 3);
        assert!(links.is_empty());
        let found: Vec<(&str, usize, usize)> = files
            .iter()
            .map(|f| (f.target.as_str(), f.line, f.column))
            .collect();
        assert_eq!(
            found,
            [
                ("photo.jpg", 3, 12),
                ("../docs/plan.pdf", 3, 38),
                ("/css/style.css?v=1", 5, 109)
            ]
        );
        assert_eq!(files[1].fragment.as_deref(), Some("page=2"));
        for not_a_file in [
            "c:x.png",
            "README",
            "a/",
            ".hidden",
            "x.",
            "https://e.org/a.png",
        ] {
            assert!(!is_file_reference(not_a_file), "{not_a_file}");
        }
    }

    #[test]
    fn summaries_come_from_the_first_paragraph() {
        let en = Typography::for_locale("en", None).unwrap();
        assert_eq!(
            first_paragraph_text("# Title\n\nFirst *para*\ncontinues.\n\nSecond.", 300, &en),
            "First para continues."
        );
        assert_eq!(
            first_paragraph_text("Alpha beta gamma delta", 12, &en),
            "Alpha beta…"
        );
        assert_eq!(first_paragraph_text("", 10, &en), "");
        let ru = Typography::for_locale("ru", None).unwrap();
        assert_eq!(
            first_paragraph_text("План \"100 шагов\" -- в 2015 г.", 300, &ru),
            "План «100 шагов»\u{a0}— в 2015\u{a0}г."
        );
    }

    #[test]
    fn only_safe_schemes_pass_whatever_the_spelling() {
        for ok in [
            "https://example.org",
            "HTTP://example.org",
            "mailto:press@example.org",
            "tel:+77172000000",
            "/en/releases/",
            "photo.jpg",
            "../x/",
            "#top",
            "@/releases/2015/forum.md",
            "javascript%3Aalert(1)",
            "?a=b:c",
        ] {
            assert_eq!(disallowed_scheme(ok), None, "{ok}");
        }
        for (bad, scheme) in [
            ("javascript:alert(1)", "javascript"),
            ("JaVaScRiPt:alert(1)", "javascript"),
            (" \u{1}javascript:alert(1)", "javascript"),
            ("java\tscript:alert(1)", "javascript"),
            ("jav\nascript:alert(1)", "javascript"),
            ("vbscript:msgbox", "vbscript"),
            ("data:text/html;base64,PHNjcmlwdD4=", "data"),
            ("file:///etc/passwd", "file"),
        ] {
            assert_eq!(disallowed_scheme(bad).as_deref(), Some(scheme), "{bad:?}");
        }
    }

    #[test]
    fn unsafe_urls_are_found_in_links_images_autolinks_and_definitions() {
        let body = "[a](javascript:alert(1))\n\n![i](DATA:image/svg+xml,x)\n\n<vbscript:msgbox>\n\n[b][r]\n\n[r]: &#106;avascript:alert(2)\n[unused]: java&#x09;script:x\n\n[ok](https://example.org) [e](&#x6A;avascript&colon;x)\n";
        let found = scan(body, 10).unsafe_urls;
        let got: Vec<(usize, usize, &str)> = found
            .iter()
            .map(|u| (u.line, u.column, u.scheme.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                (18, 1, "javascript"),
                (19, 1, "javascript"),
                (10, 1, "javascript"),
                (12, 1, "data"),
                (14, 1, "vbscript"),
                (21, 27, "javascript"),
            ]
        );
    }
}
