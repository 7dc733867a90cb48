//! YAML parsing with diagnostics an editor can act on.
//!
//! `serde_yaml` reports a position and a message written for programmers
//! ("unknown field `titel`, expected one of …"). This module turns those into
//! [`Diagnostic`]s whose line is shifted to the real place in the file (front
//! matter starts one line below the opening `---`) and whose help suggests the
//! closest valid key.
//!
//! libyaml's syntax errors ("mapping values are not allowed in this
//! context") say what the parser met, not what the editor did, and often
//! point past the mistake (an unclosed quote is noticed at the end of the
//! text). For the common mistakes, [`parse`] looks at the text itself and
//! names the line and column where the mistake is, in plain words, with the
//! fix: a colon or `#` in an unquoted value, an unclosed quote or bracket, a
//! tab, a list item without its dash, a field indented by mistake.

use std::path::Path;

use serde::de::DeserializeOwned;

use crate::diagnostics::{Diagnostic, closest};

/// Parses `text` as YAML into `T`. `first_line` is the 1-based line of the file
/// on which `text` starts, so that positions point into the real file.
pub fn parse<T: DeserializeOwned>(
    path: &Path,
    text: &str,
    first_line: usize,
) -> Result<T, Diagnostic> {
    check_depth(path, text, first_line)?;
    serde_yaml::from_str(text).map_err(|err| {
        let d = to_diagnostic(path, &err, first_line);
        let error_line = err.location().map_or(usize::MAX, |l| l.line());
        match is_syntax_error(&err.to_string())
            .then(|| explain_syntax(text, error_line))
            .flatten()
        {
            Some(m) => Diagnostic::error(path, m.line + first_line - 1, m.column, m.message)
                .with_help(m.help),
            None => d,
        }
    })
}

/// Whether serde_yaml's message is libyaml's (the text is not YAML), rather
/// than serde's (the YAML does not fit the fields).
fn is_syntax_error(message: &str) -> bool {
    [
        "while scanning",
        "while parsing",
        "mapping values are not allowed",
        "did not find expected",
        "could not find expected",
        "found character that cannot start any token",
    ]
    .iter()
    .any(|m| message.contains(m))
}

/// A mistake found in the text: 1-based line and column within it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mistake {
    /// 1-based line in the text.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub help: String,
}

/// Finds the first common mistake on or before line `error_line` (1-based;
/// the parser notices a mistake where it fails, which is never before the
/// mistake itself).
pub fn explain_syntax(text: &str, error_line: usize) -> Option<Mistake> {
    let lines: Vec<&str> = text.lines().collect();
    let col = |line: &str, byte: usize| line[..byte].chars().count() + 1;
    let mut list_indent: Option<usize> = None;
    for (i, line) in lines.iter().enumerate().take(error_line.max(1)) {
        let at = |byte: usize, message: String, help: String| {
            Some(Mistake {
                line: i + 1,
                column: col(line, byte),
                message,
                help,
            })
        };
        let indent = line.len() - line.trim_start_matches([' ', '\t']).len();
        if let Some(tab) = line[..indent].find('\t') {
            return at(
                tab,
                "a tab is used to indent this line".to_owned(),
                "YAML allows only spaces for indentation: replace the tab with spaces".to_owned(),
            );
        }
        // From the end of the indentation, so byte offsets in `content` and
        // `line` differ by exactly `indent`.
        let content = line[indent..].trim_end();
        if content.is_empty() || content.starts_with('#') {
            continue;
        }
        if content.starts_with("- ") {
            list_indent = Some(indent);
            continue;
        }
        let key_end = plain_key_end(content);
        if key_end.is_none()
            && list_indent == Some(indent)
            && !content.starts_with(['-', '[', '{', '"', '\''])
        {
            return at(
                indent,
                format!("`{content}` is in a list but has no `- ` in front"),
                format!("write each list item on its own line as `- {content}`"),
            );
        }
        let Some(key_end) = key_end else { continue };
        list_indent =
            list_indent.filter(|&n| indent > n || (indent == n && content.starts_with('-')));
        let key = &content[..key_end];
        if indent > 0 && i > 0 {
            // A field indented under a field that has a value already.
            let previous = lines[..i]
                .iter()
                .rev()
                .find(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'));
            if let Some(previous) = previous {
                let p_indent = previous.len() - previous.trim_start().len();
                let p = previous.trim();
                let opens = p.ends_with(':') || p.starts_with("- ");
                if indent > p_indent && !opens && plain_key_end(p).is_some() {
                    return at(
                        indent,
                        format!("`{key}:` is indented, so YAML reads it as part of the line above"),
                        format!(
                            "start `{key}:` at the beginning of the line, like the other fields"
                        ),
                    );
                }
            }
        }
        let value_start = indent + key_end + 1;
        let value = line[value_start..].trim_start();
        let value_at = line.len() - value.len();
        if value.is_empty() {
            continue;
        }
        match value.chars().next() {
            Some(q @ ('"' | '\'')) => match closing_quote(&value[1..], q) {
                None => {
                    return at(
                        value_at,
                        format!("the quote `{q}` opened here is never closed"),
                        format!("end the value with `{q}` on the same line, e.g. `{key}: {q}…{q}`"),
                    );
                }
                Some(end) => {
                    let after = value[1 + end + 1..].trim_start();
                    if !after.is_empty() && !after.starts_with('#') {
                        let inner = &value[1..1 + end];
                        return at(
                            value_at,
                            format!("text follows the closing quote of `{key}`"),
                            format!(
                                "put the whole value inside the quotes: `{key}: {q}{inner} {after}{q}`"
                            ),
                        );
                    }
                }
            },
            Some(open @ ('[' | '{')) => {
                let close = if open == '[' { ']' } else { '}' };
                if !value.contains(close) {
                    return at(
                        value_at,
                        format!("the `{open}` opened here is never closed"),
                        format!(
                            "close it with `{close}` on the same line, e.g. `{key}: [probation, prison-reform]`"
                        ),
                    );
                }
            }
            _ => {
                let colon = value
                    .find(": ")
                    .or_else(|| value.ends_with(':').then(|| value.len() - 1));
                if let Some(c) = colon {
                    return at(
                        value_at + c,
                        format!(
                            "the `:` in the value of `{key}` makes YAML read the rest as another field"
                        ),
                        format!(
                            "put the value in quotes: `{key}: \"{}\"`",
                            value.replace('"', "\\\"")
                        ),
                    );
                }
            }
        }
    }
    None
}

/// The byte length of a plain `key` at the start of `content` when it is
/// followed by `:` and a space or the end of the line.
fn plain_key_end(content: &str) -> Option<usize> {
    let end = content.find(':')?;
    let key = &content[..end];
    let valid = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-'));
    let rest = &content[end + 1..];
    (valid && (rest.is_empty() || rest.starts_with([' ', '\t']))).then_some(end)
}

/// The byte offset in `rest` of the quote `q` that closes a value (`""` and
/// `\"` are escapes inside double quotes, `''` inside single quotes).
fn closing_quote(rest: &str, q: char) -> Option<usize> {
    let mut chars = rest.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if q == '"' && c == '\\' {
            chars.next();
        } else if c == q {
            if q == '\'' && chars.peek().is_some_and(|&(_, n)| n == '\'') {
                chars.next();
                continue;
            }
            return Some(i);
        }
    }
    None
}

/// The text fields whose plain values are most likely to hold a `#` meant
/// as text, which YAML would read as the start of a comment.
const TEXT_FIELDS: [&str; 7] = [
    "title",
    "summary",
    "location",
    "image_alt",
    "image_caption",
    "image_credit",
    "description",
];

/// A `#` that cuts short the unquoted value of a text field (`title: Forum
/// #2`, read as `Forum`). Valid YAML, but never what the editor meant.
pub fn comment_in_text(text: &str) -> Option<Mistake> {
    for (i, line) in text.lines().enumerate() {
        let Some(key_end) = plain_key_end(line) else {
            continue;
        };
        let key = &line[..key_end];
        if !TEXT_FIELDS.contains(&key) {
            continue;
        }
        let value = line[key_end + 1..].trim_start();
        if value.starts_with(['"', '\'', '|', '>']) {
            continue;
        }
        let hash = if value.starts_with('#') {
            Some(0)
        } else {
            value.find(" #").map(|h| h + 1)
        };
        if let Some(h) = hash {
            let byte = line.len() - value.len() + h;
            let kept = value[..h].trim_end();
            let message = if kept.is_empty() {
                format!("the `#` starts a comment, so `{key}` is left empty")
            } else {
                format!("the `#` starts a comment, so `{key}` is cut to `{kept}`")
            };
            return Some(Mistake {
                line: i + 1,
                column: line[..byte].chars().count() + 1,
                message,
                help: format!(
                    "put the value in quotes: `{key}: \"{}\"`",
                    value.replace('"', "\\\"")
                ),
            });
        }
    }
    None
}

/// How deeply `[…]` and `{…}` may nest. Front matter and settings need two or
/// three levels; serde_yaml refuses more than 128 itself, but only after its
/// parser has read every level, which takes time quadratic in the depth
/// (100,000 levels, 200 KB of brackets, took minutes).
pub const MAX_DEPTH: usize = 128;

/// Refuses text whose flow collections nest deeper than [`MAX_DEPTH`], at the
/// bracket that goes too deep, before the parser sees it. Brackets inside
/// quoted text and comments do not count; others in plain text do, which
/// errs on the side of refusing: no real value holds 128 of them.
fn check_depth(path: &Path, text: &str, first_line: usize) -> Result<(), Diagnostic> {
    let mut depth = 0usize;
    let mut quote = None;
    let mut escaped = false;
    let mut comment = false;
    let mut previous = '\n';
    for (at, c) in text.char_indices() {
        match (quote, c) {
            (_, '\n') if quote.is_none() || comment => comment = false,
            _ if comment => {}
            (Some('"'), '\\') if !escaped => {
                escaped = true;
                previous = c;
                continue;
            }
            (Some(q), c) if c == q && !escaped => quote = None,
            (Some(_), _) => {}
            // A quote opens quoted text only where a value starts: `a'b`
            // is plain text, and must not hide the brackets after it.
            (None, '"' | '\'') if previous.is_whitespace() || "[{,:".contains(previous) => {
                quote = Some(c);
            }
            (None, '#') if previous.is_whitespace() => comment = true,
            (None, '[' | '{') => {
                depth += 1;
                if depth > MAX_DEPTH {
                    let (line, column) = crate::diagnostics::line_col(text, at);
                    return Err(Diagnostic::error(
                        path,
                        line + first_line - 1,
                        column,
                        format!("lists and mappings nest more than {MAX_DEPTH} levels deep here"),
                    )
                    .with_help("close the brackets (`]`, `}`) where the value ends; front matter needs two or three levels at most"));
                }
            }
            (None, ']' | '}') => depth = depth.saturating_sub(1),
            (None, _) => {}
        }
        escaped = false;
        previous = c;
    }
    Ok(())
}

/// Converts a `serde_yaml` error into a diagnostic at the right place.
pub fn to_diagnostic(path: &Path, err: &serde_yaml::Error, first_line: usize) -> Diagnostic {
    let (line, column) = err
        .location()
        .map_or((first_line, 1), |l| (l.line() + first_line - 1, l.column()));
    let message = strip_location(&err.to_string());
    let (message, help) = explain(&message);
    let d = Diagnostic::error(path, line, column, message);
    match help {
        Some(help) => d.with_help(help),
        None => d,
    }
}

/// Removes the " at line N column M" that serde_yaml appends: the diagnostic
/// carries the position itself.
fn strip_location(message: &str) -> String {
    // libyaml's messages can carry more than one position ("found unexpected
    // end of stream at line 3 column 1, while scanning …"), each relative to
    // the front matter rather than the file: all of them go.
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(i) = rest.find(" at line ") {
        out.push_str(&rest[..i]);
        let after = &rest[i + " at line ".len()..];
        let digits = |s: &str| s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
        let n = digits(after);
        match after[n..].strip_prefix(" column ") {
            Some(col) if n > 0 => rest = &col[digits(col)..],
            _ => {
                out.push_str(" at line ");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Rewrites serde's wording into an editor's and finds a suggestion.
fn explain(message: &str) -> (String, Option<String>) {
    // serde_yaml prefixes nested errors with the path to the value ("languages[1]: …").
    let (prefix, body) = match message.find(": ") {
        Some(i) if !message[..i].contains(' ') => {
            (format!("`{}`: ", &message[..i]), &message[i + 2..])
        }
        _ => (String::new(), message),
    };
    if let Some(rest) = body.strip_prefix("unknown field `") {
        let (field, expected) = rest.split_once('`').unwrap_or((rest, ""));
        let valid: Vec<&str> = expected
            .split('`')
            .skip(1)
            .step_by(2)
            .filter(|s| !s.is_empty())
            .collect();
        let mut help = match closest(field, valid.iter().copied()) {
            Some(best) => format!("did you mean `{best}`? "),
            None => String::new(),
        };
        if valid.is_empty() {
            help.push_str("remove this field");
        } else {
            help.push_str(&format!("valid fields are: {}", valid.join(", ")));
        }
        return (format!("{prefix}unknown field `{field}`"), Some(help));
    }
    if let Some(field) = body
        .strip_prefix("duplicate field `")
        .and_then(|r| r.split_once('`'))
        .map(|(f, _)| f)
    {
        return (
            format!("{prefix}the field `{field}` is given twice"),
            Some(format!("keep one `{field}:` line and delete the other")),
        );
    }
    if body.starts_with("invalid type: ") && body.contains("expected struct") {
        return (
            format!(
                "{prefix}expected a mapping of `key: value` fields, found {}",
                found(body)
            ),
            Some("write one `key: value` pair per line, e.g. `title: \"…\"`".to_owned()),
        );
    }
    if body.starts_with("invalid type: ") && body.contains("expected a sequence") {
        return (
            format!("{prefix}expected a list, found {}", found(body)),
            Some("write a list in brackets, e.g. `[probation, prison-reform]`".to_owned()),
        );
    }
    if let Some(rest) = body.strip_prefix("invalid type: ") {
        let (found, expected) = rest
            .split_once(", expected ")
            .unwrap_or((rest, "another type"));
        let expected = match expected {
            "a string" => "text",
            "a boolean" => "true or false",
            "i64" | "u64" | "usize" => "a whole number",
            other => other,
        };
        return (
            format!("{prefix}expected {expected}, found {found}"),
            Some(format!(
                "write the value as {expected}; quote text that YAML would read otherwise, e.g. `\"2015\"`"
            )),
        );
    }
    if body.contains("found character that cannot start any token") || body.contains("found a tab")
    {
        return (
            format!("{prefix}{body}"),
            Some("YAML does not allow tabs for indentation; indent with spaces".to_owned()),
        );
    }
    if body.contains("while scanning a quoted scalar") {
        return (
            format!("{prefix}a quoted value is not closed"),
            Some("add the closing quote at the end of the value".to_owned()),
        );
    }
    if body.contains("repetition limit exceeded") || body.contains("recursion limit exceeded") {
        return (
            format!("{prefix}the YAML is nested or aliased too deeply to be front matter"),
            Some(
                "remove the anchors (`&name`) and aliases (`*name`) and write the values out"
                    .to_owned(),
            ),
        );
    }
    (format!("{prefix}{body}"), None)
}

/// The "found" part of serde's "invalid type: X, expected Y".
fn found(body: &str) -> &str {
    body.trim_start_matches("invalid type: ")
        .split(", expected")
        .next()
        .unwrap_or("something else")
}

/// The 1-based line and column, within `text`, of the value of the top-level
/// `key`, or of `needle` inside that value when given. serde_yaml does not keep
/// positions of values after a successful parse, so checks done after parsing
/// (dates, tag keys) find their place by looking at the text again.
pub fn find_value(text: &str, key: &str, needle: Option<&str>) -> Option<(usize, usize)> {
    let lines: Vec<&str> = text.lines().collect();
    let start = lines.iter().position(|line| {
        line.strip_prefix(key)
            .is_some_and(|rest| rest.trim_start().starts_with(':'))
    })?;
    // The value may continue on the following, indented lines (a block list).
    let mut end = start + 1;
    while end < lines.len() && (lines[end].starts_with(' ') || lines[end].starts_with('-')) {
        end += 1;
    }
    for (i, line) in lines.iter().enumerate().take(end).skip(start) {
        let from = if i == start {
            line.find(':').map_or(0, |c| c + 1)
        } else {
            0
        };
        let value = &line[from..];
        let hit = match needle {
            Some(n) => value.find(n).map(|o| from + o),
            None => Some(from + (value.len() - value.trim_start().len())),
        };
        if let Some(byte) = hit {
            if needle.is_none() && i == start && line[byte..].trim().is_empty() {
                continue;
            }
            return Some((i + 1, line[..byte].chars().count() + 1));
        }
    }
    Some((start + 1, 1))
}

/// The 1-based line on which the top-level `key` is defined.
pub fn find_key(text: &str, key: &str) -> Option<usize> {
    text.lines()
        .position(|line| {
            let unquoted = line.trim_start_matches(['"', '\'']);
            !line.starts_with([' ', '\t'])
                && unquoted.strip_prefix(key).is_some_and(|rest| {
                    rest.trim_start_matches(['"', '\''])
                        .trim_start()
                        .starts_with(':')
                })
        })
        .map(|i| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Fields {
        title: String,
        #[serde(default)]
        tags: Vec<String>,
    }

    fn err(text: &str) -> Diagnostic {
        parse::<Fields>(Path::new("a.md"), text, 2).unwrap_err()
    }

    #[test]
    fn unknown_field_suggests_the_closest() {
        let d = err("title: x\ntitel: y\n");
        assert_eq!((d.line, d.column), (3, 1));
        assert_eq!(d.message, "unknown field `titel`");
        assert_eq!(
            d.help.as_deref(),
            Some("did you mean `title`? valid fields are: title, tags")
        );
    }

    #[test]
    fn wrong_types_are_explained() {
        let d = err("title: x\ntags: probation\n");
        assert!(d.message.contains("expected a list"), "{}", d.message);
        assert_eq!(d.line, 3);
        let d = err("- a\n- b\n");
        assert!(d.message.contains("expected a mapping"), "{}", d.message);
    }

    #[test]
    fn duplicate_keys_and_tabs_are_errors() {
        let d = err("title: x\ntitle: y\n");
        assert!(
            d.message.contains("twice") || d.message.contains("duplicate"),
            "{}",
            d.message
        );
        let d = err("title: x\ntags:\n\t- a\n");
        assert_eq!(d.line, 4, "{d}");
    }

    #[test]
    fn anchors_cannot_explode() {
        let mut text = String::from(
            "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
        );
        for i in 1..10 {
            let prev = (b'a' + i - 1) as char;
            let cur = (b'a' + i) as char;
            text.push_str(&format!("{cur}: &{cur} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"));
        }
        text.push_str("title: x\n");
        let d = err(&text);
        assert!(d.is_error());
    }

    #[test]
    fn deep_nesting_is_refused_before_parsing() {
        let deep = |n: usize| format!("title: x\ntags: {}{}\n", "[".repeat(n), "]".repeat(n));
        let d = err(&deep(MAX_DEPTH + 1));
        assert_eq!((d.line, d.column), (3, 7 + MAX_DEPTH));
        assert!(
            d.message.contains("nest more than 128 levels"),
            "{}",
            d.message
        );
        // Within the limit, the parser decides (here: not a list of text).
        assert!(!err(&deep(MAX_DEPTH)).message.contains("levels"));
        // Brackets in quotes and comments are text.
        let text = format!(
            "title: \"{0}\\\"{0}\"\ntags: ['{0}'] # {0}\n",
            "[".repeat(200)
        );
        assert!(parse::<Fields>(Path::new("a.md"), &text, 2).is_ok());
        // An apostrophe inside plain text opens no quote to hide behind.
        let d = err(&format!("title: x\ntags: [a'b, {}\n", "[".repeat(200)));
        assert!(d.message.contains("levels"), "{}", d.message);
    }

    #[test]
    fn positions_inside_messages_are_removed() {
        assert_eq!(
            strip_location("found x at line 3 column 1, while y at line 2 column 8"),
            "found x, while y"
        );
        assert_eq!(strip_location("at line of fire"), "at line of fire");
        let d = err("title: \"x\n");
        assert_eq!(d.message, "the quote `\"` opened here is never closed");
    }

    fn mistake(text: &str) -> (usize, usize, String, String) {
        let d = err(text);
        (d.line, d.column, d.message, d.help.unwrap_or_default())
    }

    #[test]
    fn common_syntax_mistakes_are_explained_where_they_are() {
        // Positions are in the file: the text starts on line 2.
        let (line, column, message, help) = mistake("title: OSCE: forum on probation\n");
        assert_eq!((line, column), (2, 12));
        assert_eq!(
            message,
            "the `:` in the value of `title` makes YAML read the rest as another field"
        );
        assert_eq!(
            help,
            "put the value in quotes: `title: \"OSCE: forum on probation\"`"
        );

        let (line, column, message, _) = mistake("title: \"Forum\ntags: [a]\nslug: x\n");
        assert_eq!((line, column), (2, 8));
        assert_eq!(message, "the quote `\"` opened here is never closed");

        let (line, column, message, _) = mistake("title: x\ntags:\n\t- a\n");
        assert_eq!(
            (line, column, message.as_str()),
            (4, 1, "a tab is used to indent this line")
        );

        let (line, column, message, help) = mistake("title: x\ntags:\n  - a\n  b\n");
        assert_eq!((line, column), (5, 3));
        assert_eq!(message, "`b` is in a list but has no `- ` in front");
        assert_eq!(help, "write each list item on its own line as `- b`");

        let (line, _, message, _) = mistake("title: x\n  tags: [a]\n");
        assert_eq!(line, 3);
        assert_eq!(
            message,
            "`tags:` is indented, so YAML reads it as part of the line above"
        );

        let (line, _, message, help) = mistake("title: \"Forum\" extra\n");
        assert_eq!(line, 2);
        assert_eq!(message, "text follows the closing quote of `title`");
        assert_eq!(
            help,
            "put the whole value inside the quotes: `title: \"Forum extra\"`"
        );

        let (line, column, message, _) = mistake("title: x\ntags: [a, b\n");
        assert_eq!((line, column), (3, 7));
        assert_eq!(message, "the `[` opened here is never closed");
    }

    proptest::proptest! {
        /// The explanations slice lines by byte offsets: any mix of
        /// indentation (tabs, non-ASCII spaces), keys, quotes, brackets and
        /// colons must leave them in bounds.
        #[test]
        fn explaining_never_panics(text in "([ \t\u{3000}\u{a0}]{0,2}-? ?[a-zé_]{0,3}:?[ \t]?[\"'a-zé :#{}\\[\\]\\\\-]{0,12}\n){0,6}") {
            let _ = explain_syntax(&text, usize::MAX);
            let _ = comment_in_text(&text);
            let _ = parse::<Fields>(Path::new("a.md"), &text, 2);
        }
    }

    #[test]
    fn valid_quotes_and_colons_are_not_mistakes() {
        assert_eq!(
            explain_syntax(
                "title: \"a: b \\\" c\"\nimage: https://e.org/x.png\nalt: 'it''s'\n",
                99
            ),
            None
        );
    }

    #[test]
    fn a_hash_in_a_text_value_is_a_comment() {
        let m = comment_in_text("date: 2015-01-01\ntitle: Forum #2 held\n").unwrap();
        assert_eq!((m.line, m.column), (2, 14));
        assert_eq!(
            m.message,
            "the `#` starts a comment, so `title` is cut to `Forum`"
        );
        assert_eq!(
            m.help,
            "put the value in quotes: `title: \"Forum #2 held\"`"
        );
        let m = comment_in_text("title: #2 forum\n").unwrap();
        assert_eq!(
            m.message,
            "the `#` starts a comment, so `title` is left empty"
        );
        assert_eq!(
            comment_in_text("title: \"Forum #2\"\ndraft: true # for now\ntitle: C#\n"),
            None
        );
    }

    #[test]
    fn find_value_positions() {
        let text = "title: \"A\"\ndate: 2015-02-30\ntags: [a, bad tag]\nlist:\n  - one\n  - two\n";
        assert_eq!(find_value(text, "date", None), Some((2, 7)));
        assert_eq!(find_value(text, "tags", Some("bad tag")), Some((3, 11)));
        assert_eq!(find_value(text, "list", Some("two")), Some((6, 5)));
        assert_eq!(find_value(text, "list", None), Some((5, 3)));
        assert_eq!(find_value(text, "missing", None), None);
        assert_eq!(find_key(text, "list"), Some(4));
        assert_eq!(find_key("a:\n  b: 1\n\"b\": 2\n", "b"), Some(3));
    }
}
