//! Writing a parsed release as a markdown file with front matter.
//!
//! The format is the one the hand-made releases use, so that imported and
//! hand-made files read alike: quoted title and location, a bare date, one
//! blank line between paragraphs. Paragraph text is kept as written; only a
//! start that markdown would read as syntax (a list item, a heading) is
//! escaped, so the page shows what the old site showed.

use std::borrow::Cow;
use std::fmt::Write as _;

use super::parse::ParsedRelease;

/// The markdown file for a parsed release: front matter, a blank line, then
/// the paragraphs separated by blank lines, ending with one newline.
///
/// `tags` are written as given after `location` when there are any; the
/// editor normally chooses them later. A release that needs review is
/// written with `draft: true` as the last front-matter line.
pub fn render_markdown(parsed: &ParsedRelease, tags: &[String]) -> String {
    let mut out = String::from("---\n");
    // Writing to a String cannot fail.
    let _ = writeln!(out, "title: {}", yaml_quoted(&parsed.title));
    if let Some(date) = parsed.date {
        let _ = writeln!(out, "date: {}", date.format("%Y-%m-%d"));
    }
    if let Some(location) = &parsed.location {
        let _ = writeln!(out, "location: {}", yaml_quoted(location));
    }
    if !tags.is_empty() {
        let tags: Vec<Cow<'_, str>> = tags.iter().map(|t| yaml_plain_or_quoted(t)).collect();
        let _ = writeln!(out, "tags: [{}]", tags.join(", "));
    }
    if parsed.is_draft() {
        out.push_str("draft: true\n");
    }
    out.push_str("---\n");
    for paragraph in &parsed.paragraphs {
        out.push('\n');
        out.push_str(&escape_block_start(paragraph));
        out.push('\n');
    }
    out
}

/// A YAML double-quoted scalar.
fn yaml_quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for ch in text.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A tag as a bare word unless YAML would read it as something other than a
/// string (`2015`, `true`, `null`) or it holds flow-sequence syntax.
fn yaml_plain_or_quoted(tag: &str) -> Cow<'_, str> {
    let special = matches!(
        tag.to_ascii_lowercase().as_str(),
        "" | "~" | "null" | "true" | "false" | "yes" | "no" | "on" | "off"
    ) || tag.parse::<f64>().is_ok()
        || tag.starts_with(|c: char| !c.is_alphanumeric())
        || tag.contains([',', '[', ']', '{', '}', ':', '#', '"']);
    if special {
        Cow::Owned(yaml_quoted(tag))
    } else {
        Cow::Borrowed(tag)
    }
}

/// Escapes the start of a paragraph that markdown would otherwise read as a
/// block: `1. ` (ordered list), `# ` (heading), `> ` (quote), `- `/`* `/`+ `
/// (list), `---` (rule), a code fence, an HTML tag or a link definition.
fn escape_block_start(paragraph: &str) -> Cow<'_, str> {
    let bytes = paragraph.as_bytes();
    let space_or_end = |i: usize| bytes.get(i).is_none_or(|b| b.is_ascii_whitespace());

    let digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
    if (1..=9).contains(&digits)
        && matches!(bytes.get(digits), Some(b'.' | b')'))
        && space_or_end(digits + 1)
    {
        return Cow::Owned(format!(
            "{}\\{}",
            &paragraph[..digits],
            &paragraph[digits..]
        ));
    }

    let hashes = bytes.iter().take_while(|&&b| b == b'#').count();
    let needs_escape = match bytes.first() {
        Some(b'#') => hashes <= 6 && space_or_end(hashes),
        Some(b'>') => true,
        Some(b'-' | b'*' | b'+') if space_or_end(1) => true,
        Some(&c @ (b'-' | b'*' | b'_')) => is_thematic_break(paragraph, c),
        Some(b'`') => paragraph.starts_with("```"),
        Some(b'~') => paragraph.starts_with("~~~"),
        Some(b'<') => bytes
            .get(1)
            .is_some_and(|b| b.is_ascii_alphabetic() || matches!(b, b'/' | b'!' | b'?')),
        Some(b'[') => is_link_definition(paragraph),
        _ => false,
    };
    if needs_escape {
        Cow::Owned(format!("\\{paragraph}"))
    } else {
        Cow::Borrowed(paragraph)
    }
}

/// `---`, `***`, `_ _ _`: three or more of one mark and nothing else.
fn is_thematic_break(line: &str, mark: u8) -> bool {
    let marks = line.bytes().filter(|&b| b == mark).count();
    marks >= 3 && line.bytes().all(|b| b == mark || b == b' ' || b == b'\t')
}

/// `[label]: …` and footnote definitions `[^1]: …`, which markdown would hide.
fn is_link_definition(line: &str) -> bool {
    line.find("]:")
        .is_some_and(|end| end > 1 && !line[1..end].contains(['[', ']']))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn release(paragraphs: &[&str]) -> ParsedRelease {
        ParsedRelease {
            title: "OSCE co-organizes forum on \"re-socialization\" \\ more".to_owned(),
            date: NaiveDate::from_ymd_opt(2015, 12, 11),
            location: Some("Astana".to_owned()),
            paragraphs: paragraphs.iter().map(|p| (*p).to_owned()).collect(),
            notes: Vec::new(),
            needs_review: Vec::new(),
        }
    }

    #[test]
    fn front_matter_and_paragraphs() {
        let text = render_markdown(&release(&["First “quoted” paragraph.", "Second."]), &[]);
        assert_eq!(
            text,
            "---\ntitle: \"OSCE co-organizes forum on \\\"re-socialization\\\" \\\\ more\"\ndate: 2015-12-11\nlocation: \"Astana\"\n---\n\nFirst “quoted” paragraph.\n\nSecond.\n"
        );
    }

    #[test]
    fn tags_follow_the_location() {
        let tags = ["probation".to_owned(), "2015".to_owned()];
        let text = render_markdown(&release(&["Text."]), &tags);
        assert!(text.contains("location: \"Astana\"\ntags: [probation, \"2015\"]\n---\n"));
    }

    #[test]
    fn undated_release_is_a_draft_without_date() {
        let mut parsed = release(&["Text."]);
        parsed.date = None;
        parsed.location = None;
        parsed.needs_review.push(super::super::Note {
            line: 2,
            message: "no date".to_owned(),
        });
        let text = render_markdown(&parsed, &[]);
        assert!(text.starts_with("---\ntitle: \""));
        assert!(text.ends_with("\"\ndraft: true\n---\n\nText.\n"));
        assert!(!text.contains("date: 2"));
        assert!(!text.contains("location"));
    }

    #[test]
    fn markdown_starts_are_escaped_minimally() {
        let cases = [
            ("1. First point", "1\\. First point"),
            ("2015) was a year", "2015\\) was a year"),
            ("2015. The year", "2015\\. The year"),
            ("# Heading", "\\# Heading"),
            ("#hashtag", "#hashtag"),
            ("> quoted", "\\> quoted"),
            ("- item", "\\- item"),
            ("* item", "\\* item"),
            ("+ item", "\\+ item"),
            ("+7 (7172) 787-674", "+7 (7172) 787-674"),
            ("---", "\\---"),
            ("* * *", "\\* * *"),
            ("___", "\\___"),
            ("-5% in prisons", "-5% in prisons"),
            ("```", "\\```"),
            ("<b>bold</b>", "\\<b>bold</b>"),
            ("<3 to all", "<3 to all"),
            ("[1]: footnote", "\\[1]: footnote"),
            ("[see] below", "[see] below"),
            ("Images | gov.kz", "Images | gov.kz"),
            ("“Quoted,” he said.", "“Quoted,” he said."),
            ("100.000 people", "100.000 people"),
            ("Not *emphasis* at the start", "Not *emphasis* at the start"),
        ];
        for (input, expected) in cases {
            assert_eq!(escape_block_start(input), expected, "{input}");
        }
    }
}
