//! Typography per language: quotation marks, dashes and non-breaking spaces.
//!
//! pulldown-cmark's smart punctuation turns straight quotes into English
//! ones (“…” and ‘…’) and `--` into an en dash whatever the language. This
//! pass runs over its events and sets them the way the document's language
//! does (issue 19):
//!
//! - Quotation marks come from Unicode CLDR's `delimiters` for the language's
//!   locale: the outer pair for a quotation, the alternate pair for one inside
//!   it, whatever the editor typed (`"` or `'`). ICU4X does not expose that
//!   data, so `cldr-delimiters.tsv` beside this file holds it, generated from
//!   CLDR's JSON release by `examples/cldr-delimiters.rs`, and looked up along
//!   ICU4X's locale fallback (`uz-Latn` → `uz` → `und`). A site may set other
//!   marks for a language in `site.yaml` (`quotes:`).
//! - In the languages of the Russian typographic tradition a spaced ` -- `
//!   becomes an em dash, and every spaced em dash is tied to the word before
//!   it by a no-break space, so that no line starts with a dash. CLDR has no
//!   data on dashes; [`SPACED_EM_DASH`] lists those languages.
//! - A number is tied to the unit or abbreviation after it (`2015 г.`,
//!   `5 км`, `10 kg`) by a no-break space.
//!
//! Only text produced by smart punctuation changes: a quotation mark or dash
//! the editor typed as such is kept, and code is never touched.

use std::ops::Range;
use std::sync::OnceLock;

use icu::locale::Locale;
use icu::locale::fallback::{LocaleFallbackConfig, LocaleFallbacker};
use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

/// CLDR's quotation marks per locale (see the module docs).
const CLDR_DELIMITERS: &str = include_str!("cldr-delimiters.tsv");

/// Languages (primary subtags) whose typography uses a spaced em dash with a
/// no-break space before it, as Russian does.
pub const SPACED_EM_DASH: &[&str] = &["be", "bg", "kk", "ky", "ru", "tg", "tt", "uk"];

/// Unit symbols and abbreviations that a number is tied to in every language
/// (SI symbols).
const UNITS: &[&str] = &["km", "m", "cm", "mm", "kg", "g", "t", "ha", "%", "°C"];

/// What the languages of [`SPACED_EM_DASH`] also tie to a number: year
/// abbreviations (Russian «г.», Kazakh «ж.») and Cyrillic units.
const CYRILLIC_UNITS: &[&str] = &[
    "г.", "гг.", "ж.", "жж.", "км", "м", "см", "мм", "кг", "г", "т", "га", "л", "тыс.", "млн",
    "млрд", "трлн", "тг", "₸", "руб.",
];

/// How the text of one language is set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Typography {
    /// Outer quotation marks: opening, closing.
    pub quotes: (String, String),
    /// Quotation marks for a quotation inside another.
    pub inner_quotes: (String, String),
    /// Whether ` -- ` becomes a spaced em dash tied to the word before it.
    pub spaced_em_dash: bool,
    /// What a number is tied to by a no-break space.
    pub units: Vec<&'static str>,
}

impl Typography {
    /// The typography of `locale` (a BCP 47 tag) from CLDR, with `quotes`
    /// (four characters: open, close, inner open, inner close) instead of
    /// CLDR's marks when given. Returns `None` for a `quotes` that is not
    /// four characters.
    pub fn for_locale(locale: &str, quotes: Option<&str>) -> Option<Typography> {
        let marks: Vec<String> = match quotes {
            Some(q) => q.chars().map(String::from).collect(),
            None => cldr_quotes(locale)
                .iter()
                .map(|s| (*s).to_owned())
                .collect(),
        };
        let [open, close, inner_open, inner_close] = <[String; 4]>::try_from(marks).ok()?;
        let primary = locale.split(['-', '_']).next().unwrap_or(locale);
        let spaced_em_dash = SPACED_EM_DASH.contains(&primary);
        let mut units = UNITS.to_vec();
        if spaced_em_dash {
            units.extend_from_slice(CYRILLIC_UNITS);
        }
        Some(Typography {
            quotes: (open, close),
            inner_quotes: (inner_open, inner_close),
            spaced_em_dash,
            units,
        })
    }
}

/// CLDR's four quotation marks for `locale`, found along ICU4X's fallback
/// chain; the root locale's (“ ” ‘ ’) when nothing closer has them.
pub fn cldr_quotes(locale: &str) -> [&'static str; 4] {
    static TABLE: OnceLock<Vec<(&'static str, [&'static str; 4])>> = OnceLock::new();
    let table = TABLE.get_or_init(|| {
        CLDR_DELIMITERS
            .lines()
            .filter(|l| !l.starts_with('#'))
            .filter_map(|l| {
                let mut f = l.split('\t');
                Some((f.next()?, [f.next()?, f.next()?, f.next()?, f.next()?]))
            })
            .collect()
    });
    let find = |tag: &str| {
        table
            .binary_search_by(|(l, _)| (*l).cmp(tag))
            .ok()
            .map(|i| table[i].1)
    };
    let root = find("und").unwrap_or(["“", "”", "‘", "’"]);
    let Ok(parsed) = locale.parse::<Locale>() else {
        return root;
    };
    let fallbacker = LocaleFallbacker::new();
    let mut chain = fallbacker
        .for_config(LocaleFallbackConfig::default())
        .fallback_for((&parsed).into());
    loop {
        let current = chain.get();
        if current.is_unknown() {
            return root;
        }
        if let Some(marks) = find(&current.to_string()) {
            return marks;
        }
        chain.step();
    }
}

/// What a smart-punctuation event stood for in the source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mark {
    Open,
    Close,
    OpenSingle,
    CloseSingle,
}

/// Sets the events of a parsed body (with their source ranges, from
/// `into_offset_iter`) in `typography`, and returns the events.
pub fn apply<'a>(
    parsed: impl Iterator<Item = (Event<'a>, Range<usize>)>,
    body: &str,
    typography: &Typography,
) -> Vec<Event<'a>> {
    let mut events: Vec<Event<'a>> = Vec::new();
    // Quotation marks of the current block: (event index, mark).
    let mut marks: Vec<(usize, Mark)> = Vec::new();
    let mut in_code = false;
    for (event, range) in parsed {
        let source = &body[range.clone()];
        let event = match event {
            Event::Text(text) if !in_code => {
                let mark = match (source, text.as_ref()) {
                    ("\"", "“" | "”") => Some(if opens(body, &range) {
                        Mark::Open
                    } else {
                        Mark::Close
                    }),
                    ("'", "‘" | "’") => Some(if opens(body, &range) {
                        Mark::OpenSingle
                    } else {
                        Mark::CloseSingle
                    }),
                    _ => None,
                };
                if let Some(mark) = mark {
                    marks.push((events.len(), mark));
                    Event::Text(text)
                } else if typography.spaced_em_dash
                    && (source == "--" || source == "---")
                    && body[..range.start].ends_with(' ')
                {
                    Event::Text(CowStr::from("—"))
                } else {
                    Event::Text(text)
                }
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                in_code = true;
                Event::Start(Tag::CodeBlock(kind))
            }
            Event::End(TagEnd::CodeBlock) => {
                in_code = false;
                Event::End(TagEnd::CodeBlock)
            }
            Event::End(
                end @ (TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item | TagEnd::TableCell),
            ) => {
                set_quotes(&mut events, &marks, typography);
                marks.clear();
                Event::End(end)
            }
            other => other,
        };
        events.push(event);
    }
    set_quotes(&mut events, &marks, typography);
    tie_spaces(merge_text(events), typography)
}

/// Whether the straight quote at `range` opens a quotation: it does at the
/// start of the text and after a space or an opening bracket or mark.
/// pulldown-cmark pairs quotes like emphasis, which goes wrong when both levels
/// are typed with `"` («проект "Пробация" готов»), so the source decides.
fn opens(body: &str, range: &Range<usize>) -> bool {
    match body[..range.start].chars().next_back() {
        None => true,
        // `"'word'…`: a quote right after another opens when that one does.
        Some(c @ ('"' | '\'')) => opens(body, &(range.start - c.len_utf8()..range.start)),
        Some(c) => c.is_whitespace() || "([{«„“‘‚‹—–-/".contains(c),
    }
}

/// Replaces the quotation marks of one block: marks that pair up get the
/// language's outer or inner marks by their depth; a single closing mark
/// without an opening one is an apostrophe and stays `’`.
fn set_quotes(events: &mut [Event<'_>], marks: &[(usize, Mark)], typography: &Typography) {
    // Pair the marks: which opening mark each closing one closes.
    let mut pairs: Vec<(usize, usize)> = Vec::new();
    let mut open: Vec<(usize, Mark)> = Vec::new();
    for (k, &(_, mark)) in marks.iter().enumerate() {
        match mark {
            Mark::Open | Mark::OpenSingle => open.push((k, mark)),
            Mark::Close | Mark::CloseSingle => {
                let opener = if mark == Mark::Close {
                    Mark::Open
                } else {
                    Mark::OpenSingle
                };
                if let Some(at) = open.iter().rposition(|&(_, m)| m == opener) {
                    pairs.push((open[at].0, k));
                    open.truncate(at);
                }
            }
        }
    }
    pairs.sort_unstable();
    let mut depth_of = vec![None; marks.len()];
    let mut ends: Vec<usize> = Vec::new();
    for &(start, end) in &pairs {
        while ends.last().is_some_and(|&e| e < start) {
            ends.pop();
        }
        let depth = ends.len();
        depth_of[start] = Some((depth, true));
        depth_of[end] = Some((depth, false));
        ends.push(end);
    }
    for (k, &(index, mark)) in marks.iter().enumerate() {
        let text = match depth_of[k] {
            Some((depth, opening)) => {
                let pair = if depth % 2 == 0 {
                    &typography.quotes
                } else {
                    &typography.inner_quotes
                };
                if opening { &pair.0 } else { &pair.1 }
            }
            // An unpaired double quote still gets the language's outer mark.
            None if mark == Mark::Open => &typography.quotes.0,
            None if mark == Mark::Close => &typography.quotes.1,
            None => continue,
        };
        events[index] = Event::Text(CowStr::from(text.clone()));
    }
}

/// Joins adjacent text events, so that the spacing rules see a sentence
/// rather than the pieces smart punctuation cut it into. The HTML is the same.
fn merge_text(events: Vec<Event<'_>>) -> Vec<Event<'_>> {
    let mut out: Vec<Event<'_>> = Vec::with_capacity(events.len());
    for event in events {
        match (out.last_mut(), event) {
            (Some(Event::Text(previous)), Event::Text(text)) => {
                let mut joined = previous.to_string();
                joined.push_str(&text);
                *previous = CowStr::from(joined);
            }
            (_, event) => out.push(event),
        }
    }
    out
}

/// Ties what must not be split at a line end with no-break spaces.
fn tie_spaces<'a>(events: Vec<Event<'a>>, typography: &Typography) -> Vec<Event<'a>> {
    let mut in_code = false;
    events
        .into_iter()
        .map(|event| match event {
            Event::Start(Tag::CodeBlock(kind)) => {
                in_code = true;
                Event::Start(Tag::CodeBlock(kind))
            }
            Event::End(TagEnd::CodeBlock) => {
                in_code = false;
                Event::End(TagEnd::CodeBlock)
            }
            Event::Text(text) if !in_code => match tie(&text, typography) {
                Some(tied) => Event::Text(CowStr::from(tied)),
                None => Event::Text(text),
            },
            other => other,
        })
        .collect()
}

/// `text` with its breakable spaces before a spaced em dash and between a
/// number and a unit made no-break; `None` when nothing changes.
pub fn tie(text: &str, typography: &Typography) -> Option<String> {
    let mut out = String::with_capacity(text.len() + 8);
    let mut changed = false;
    let mut rest = text;
    while let Some(at) = rest.find(' ') {
        let (before, after) = (&rest[..at], &rest[at + 1..]);
        out.push_str(before);
        let dash = typography.spaced_em_dash && after.starts_with('—');
        let unit = before
            .chars()
            .next_back()
            .is_some_and(|c| c.is_ascii_digit())
            && typography.units.iter().any(|u| {
                after.strip_prefix(u).is_some_and(|tail| {
                    u.ends_with('.') || !tail.chars().next().is_some_and(char::is_alphanumeric)
                })
            });
        if dash || unit {
            out.push('\u{a0}');
            changed = true;
        } else {
            out.push(' ');
        }
        rest = after;
    }
    out.push_str(rest);
    changed.then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cldr_quotes_follow_the_locale_fallback() {
        assert_eq!(cldr_quotes("en"), ["“", "”", "‘", "’"]);
        assert_eq!(cldr_quotes("en-GB"), ["“", "”", "‘", "’"]);
        assert_eq!(cldr_quotes("ru"), ["«", "»", "„", "“"]);
        assert_eq!(cldr_quotes("de-AT"), ["„", "“", "‚", "‘"]);
        assert_eq!(cldr_quotes("ar"), ["”", "“", "’", "‘"]);
        assert_eq!(cldr_quotes("uz-Latn"), ["“", "”", "’", "‘"]);
        assert_eq!(cldr_quotes("fr-CA"), ["«", "»", "”", "“"]);
        // A language CLDR does not know gets the root locale's marks.
        assert_eq!(cldr_quotes("tlh"), ["“", "”", "‘", "’"]);
    }

    #[test]
    fn quotes_override_must_be_four_characters() {
        let t = Typography::for_locale("kk", Some("«»„“")).unwrap();
        assert_eq!(t.inner_quotes, ("„".to_owned(), "“".to_owned()));
        assert!(Typography::for_locale("kk", Some("«»")).is_none());
    }

    #[test]
    fn numbers_are_tied_to_units_and_dashes_to_the_word_before() {
        let ru = Typography::for_locale("ru", None).unwrap();
        assert_eq!(
            tie("в 2015 г. — 5 км и 10 % из 3 гостей", &ru).unwrap(),
            "в 2015\u{a0}г.\u{a0}— 5\u{a0}км и 10\u{a0}% из 3 гостей"
        );
        assert_eq!(tie("3 года", &ru), None);
        let en = Typography::for_locale("en", None).unwrap();
        assert_eq!(
            tie("a 10 km walk — 2 men", &en).unwrap(),
            "a 10\u{a0}km walk — 2 men"
        );
    }
}
