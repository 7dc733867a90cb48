//! Reading one old release text into a title, a date, a place and paragraphs.
//!
//! The texts come from an old website as plain text: a headline on the first
//! line (sometimes in capitals and wrapped), then one paragraph a line, with or
//! without blank lines between them. The first paragraph usually opens with a
//! dateline, `ASTANA, 11 December 2015 – `; when it does not, the date may be
//! in the first sentence instead. Whatever is not stated in the text is left
//! out and reported, never filled in by guessing.

use std::sync::LazyLock;

use chrono::NaiveDate;
use regex::Regex;

use super::dates::{DateMention, find_dates};
use super::titles::{is_all_caps, kept_capitals, place_case, sentence_case};

/// Something the editor should know about one imported release, at a line of
/// the original text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// 1-based line of the original text the note is about.
    pub line: usize,
    /// What was inferred, removed or is missing, and what to do about it.
    pub message: String,
}

/// What the text of one old release says, ready to be written as markdown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedRelease {
    /// The headline, in sentence case when the text had it in capitals; empty
    /// when the text has none.
    pub title: String,
    /// The release date from the dateline or, failing that, the first
    /// paragraph; `None` when the text states none.
    pub date: Option<NaiveDate>,
    /// Where the release was issued, when the text says so.
    pub location: Option<String>,
    /// The body paragraphs, each as written, without the dateline and credit
    /// lines.
    pub paragraphs: Vec<String>,
    /// What was inferred or removed (informational).
    pub notes: Vec<Note>,
    /// Why a human must look at the release before it is published; when
    /// there is any reason, the release is written as a draft.
    pub needs_review: Vec<Note>,
}

impl ParsedRelease {
    /// Whether the release must be written with `draft: true`.
    pub fn is_draft(&self) -> bool {
        !self.needs_review.is_empty()
    }
}

/// Why a text cannot be imported at all. Each carries the 1-based line and
/// column it is about; see [`ImportError::position`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    /// The bytes are not UTF-8 text.
    #[error("the file is not UTF-8 text: byte 0x{byte:02X} at offset {offset} is not valid UTF-8")]
    NotUtf8 {
        /// 0-based byte offset of the first bad byte.
        offset: usize,
        /// The first bad byte.
        byte: u8,
        /// 1-based line of that byte.
        line: usize,
        /// 1-based column of that byte, in characters.
        column: usize,
    },
    /// Nothing but blank lines, or nothing at all.
    #[error("the file is empty: it has no title and no text")]
    Empty,
    /// A title and nothing after it.
    #[error("the file has only a title (“{title}”) and no text after it")]
    TitleOnly {
        /// The title as written.
        title: String,
        /// 1-based line just past the title.
        line: usize,
        /// 1-based column just past the title.
        column: usize,
    },
}

impl ImportError {
    /// The 1-based line and column the error points at.
    pub fn position(&self) -> (usize, usize) {
        match *self {
            ImportError::NotUtf8 { line, column, .. } => (line, column),
            ImportError::Empty => (1, 1),
            ImportError::TitleOnly { line, column, .. } => (line, column),
        }
    }

    /// How to fix the file.
    pub fn help(&self) -> String {
        match self {
            ImportError::NotUtf8 { offset: 0, byte: 0xFF | 0xFE, .. } => {
                "the file looks like UTF-16; convert it to UTF-8 (e.g. `iconv -f UTF-16 -t UTF-8 old.txt > new.txt`) and import the new file".to_owned()
            }
            ImportError::NotUtf8 { .. } => {
                "save the file as UTF-8 and import it again; old Windows exports are usually Windows-1251 (Cyrillic) or Windows-1252 (Latin), e.g. `iconv -f WINDOWS-1251 -t UTF-8 old.txt > new.txt`".to_owned()
            }
            ImportError::Empty => {
                "export the release from the old site again, or leave this file out of the import".to_owned()
            }
            ImportError::TitleOnly { .. } => {
                "add the release text below the title (a dateline such as `ASTANA, 11 December 2015 – ` and the paragraphs), or leave this file out of the import".to_owned()
            }
        }
    }
}

/// Decodes file bytes as UTF-8 text, without a byte-order mark, or says where
/// the first byte that is not UTF-8 is.
fn decode(bytes: &[u8]) -> Result<&str, ImportError> {
    const BOM: &[u8] = b"\xEF\xBB\xBF";
    let (skipped, bytes) = match bytes.strip_prefix(BOM) {
        Some(rest) => (BOM.len(), rest),
        None => (0, bytes),
    };
    std::str::from_utf8(bytes).map_err(|err| {
        let offset = err.valid_up_to();
        let valid = std::str::from_utf8(&bytes[..offset]).unwrap_or_default();
        let line_start = valid.rfind('\n').map_or(0, |i| i + 1);
        ImportError::NotUtf8 {
            // Offsets count from the start of the file, BOM included, so that
            // a hex editor shows the same byte.
            offset: skipped + offset,
            byte: bytes[offset],
            line: valid.matches('\n').count() + 1,
            column: valid[line_start..].chars().count() + 1,
        }
    })
}

/// Reads an old release from the bytes of its file: [`parse_release_text`]
/// after checking that the bytes are UTF-8 text (a byte-order mark is
/// ignored).
pub fn parse_release_bytes(bytes: &[u8], lang: &str) -> Result<ParsedRelease, ImportError> {
    parse_release_text(decode(bytes)?, lang)
}

/// One non-blank line of the text, trimmed, with its 1-based line number.
#[derive(Debug, Clone)]
struct Paragraph {
    line: usize,
    text: String,
}

/// Reads the text of one old release.
///
/// `lang` is the language the release is imported as; it only matters for
/// telling the editor when the text seems to be in another one. Fails when
/// the text is empty or has nothing but a title; everything else that is
/// missing or unclear is written into [`ParsedRelease::needs_review`] or
/// [`ParsedRelease::notes`].
pub fn parse_release_text(text: &str, lang: &str) -> Result<ParsedRelease, ImportError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let normalised = text.replace("\r\n", "\n").replace('\r', "\n");
    let lines: Vec<&str> = normalised.split('\n').collect();
    let head = split_title(&lines).ok_or(ImportError::Empty)?;
    let mut paragraphs: Vec<Paragraph> = lines
        .iter()
        .enumerate()
        .skip(head.body_start)
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| Paragraph {
            line: i + 1,
            text: l.trim().to_owned(),
        })
        .collect();
    if !head.title.is_empty() && paragraphs.is_empty() {
        return Err(ImportError::TitleOnly {
            title: head.title,
            line: head.body_start,
            column: lines[head.body_start - 1].trim_end().chars().count() + 1,
        });
    }
    let first_body_line = paragraphs.first().map_or(head.line, |p| p.line);

    let mut notes: Vec<Note> = head.note.into_iter().collect();
    let mut needs_review = Vec::new();
    remove_credits(&mut paragraphs, &mut notes);
    let (mut date, mut location) = take_dateline(&mut paragraphs, &mut notes);
    if date.is_none() {
        let found = date_from_text(&head.title, &paragraphs, head.line);
        date = found.date;
        location = location.or(found.location);
        notes.extend(found.notes);
        needs_review.extend(found.needs_review);
    }

    let body: Vec<String> = paragraphs.iter().map(|p| p.text.clone()).collect();
    let title = recase_title(head.title, &body, head.line, &mut notes);
    if location.is_none()
        && let Some((place, words)) = location_in_title(&title)
    {
        notes.push(Note {
            line: head.line,
            message: format!("location “{place}” is taken from the title: “… {words}”"),
        });
        location = Some(place);
    }
    if location.is_none() {
        notes.push(Note {
            line: paragraphs.first().map_or(first_body_line, |p| p.line),
            message: "no location: the text does not say where the release was issued (in a dateline, next to the date or at the end of the title); add `location: \"…\"` if you know it".to_owned(),
        });
    }

    if title.is_empty() {
        needs_review.push(Note {
            line: head.line,
            message: "no title: the text starts with its dateline; write the headline in `title:` and remove `draft: true`".to_owned(),
        });
    }
    if paragraphs.is_empty() {
        needs_review.push(Note {
            line: first_body_line,
            message: "no text: nothing is left after the title once the dateline and credit lines are removed; add the text and remove `draft: true`".to_owned(),
        });
    }
    notes.extend(wrapped_lines(&paragraphs));
    let title_line = std::iter::once((head.line, title.as_str()));
    let lines = title_line.chain(paragraphs.iter().map(|p| (p.line, p.text.as_str())));
    notes.extend(lines.flat_map(|(line, text)| mixed_script_words(text, line)));
    notes.extend(script_mismatch(&body, lang, head.line));

    notes.sort_by_key(|n| n.line);
    needs_review.sort_by_key(|n| n.line);
    Ok(ParsedRelease {
        title,
        date,
        location,
        paragraphs: body,
        notes,
        needs_review,
    })
}

/// The headline of a text and where its body starts.
#[derive(Debug)]
struct Head {
    /// The headline on one line; empty when the text opens with its dateline.
    title: String,
    /// 1-based line of the headline (or of the dateline when there is none).
    line: usize,
    /// 0-based index of the first line after the headline.
    body_start: usize,
    /// A hint that the headline may go on in the next line.
    note: Option<Note>,
}

/// Finds the headline: the first non-blank line, and the lines after it while
/// they are in capitals too, because capital headlines were wrapped by hand.
/// `None` when every line is blank.
fn split_title(lines: &[&str]) -> Option<Head> {
    let first = lines.iter().position(|l| !l.trim().is_empty())?;
    let line = first + 1;
    if parse_dateline(lines[first].trim()).is_some() {
        return Some(Head {
            title: String::new(),
            line,
            body_start: first,
            note: None,
        });
    }
    let mut body_start = first + 1;
    if is_all_caps(lines[first]) {
        while let Some(next) = lines.get(body_start).map(|l| l.trim())
            && is_all_caps(next)
            && parse_dateline(next).is_none()
            && credit_kind(next).is_none()
        {
            body_start += 1;
        }
    }
    let title = lines[first..body_start]
        .iter()
        .flat_map(|l| l.split_whitespace())
        .collect::<Vec<_>>()
        .join(" ");
    let note = lines
        .get(body_start)
        .filter(|next| next.trim_start().starts_with(char::is_lowercase))
        .map(|_| Note {
            line,
            message: format!(
                "the title may go on at line {}, which starts in lower case; check the title and the first paragraph",
                body_start + 1
            ),
        });
    Some(Head {
        title,
        line,
        body_start,
        note,
    })
}

/// Takes photo credits and source lines out of the body, noting each.
fn remove_credits(paragraphs: &mut Vec<Paragraph>, notes: &mut Vec<Note>) {
    paragraphs.retain(|p| match credit_kind(&p.text) {
        Some(kind) => {
            notes.push(Note {
                line: p.line,
                message: format!("removed the {kind} “{}” from the text", p.text),
            });
            false
        }
        None => true,
    });
}

/// Takes the dateline off the first paragraph, returning its date and place.
fn take_dateline(
    paragraphs: &mut Vec<Paragraph>,
    notes: &mut Vec<Note>,
) -> (Option<NaiveDate>, Option<String>) {
    let Some(first) = paragraphs.first_mut() else {
        return (None, None);
    };
    let Some(dateline) = parse_dateline(&first.text) else {
        return (None, None);
    };
    if dateline.mention.range {
        notes.push(Note {
            line: first.line,
            message: format!(
                "date {} is the first day of the dateline’s range “{}”",
                dateline.mention.date, dateline.date_text
            ),
        });
    }
    if dateline.rest.is_empty() {
        paragraphs.remove(0);
    } else {
        first.text = dateline.rest;
    }
    (Some(dateline.mention.date), dateline.location)
}

/// A headline typed in capitals in sentence case, with a note for the editor;
/// any other headline as it is.
fn recase_title(title: String, body: &[String], line: usize, notes: &mut Vec<Note>) -> String {
    if !is_all_caps(&title) {
        return title;
    }
    let recased = sentence_case(&title, body);
    let kept = kept_capitals(&recased);
    let kept = if kept.is_empty() {
        String::new()
    } else {
        format!(" (kept as the text writes them: {})", kept.join(", "))
    };
    notes.push(Note {
        line,
        message: format!(
            "the title was in capitals; it is now in sentence case{kept}: check “{recased}”"
        ),
    });
    recased
}

/// A dateline opening a paragraph.
#[derive(Debug)]
struct Dateline {
    location: Option<String>,
    mention: DateMention,
    date_text: String,
    /// The paragraph after the dateline and its dash.
    rest: String,
}

/// Place names in datelines: "ASTANA", "NUR-SULTAN", "ST. PETERSBURG",
/// "ASTANA, KAZAKHSTAN"; letters only, starting with a capital.
static DATELINE_PLACE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\p{Lu}[\p{L} .’'/,-]{0,48}$").expect("valid pattern"));

/// The word for "year" that Russian and Kazakh datelines put after the year.
static YEAR_WORD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*(?:года\b|год\b|г\.|г\b|гг\.|ж\.|жыл\p{L}*)").expect("valid pattern")
});

/// Reads `PLACE, DATE – ` (or `DATE – `) at the start of a paragraph; a
/// paragraph that is nothing but `PLACE, DATE` is a dateline too.
fn parse_dateline(paragraph: &str) -> Option<Dateline> {
    let mention = find_dates(paragraph).into_iter().next()?;
    let prefix = &paragraph[..mention.start];
    let location = if prefix.trim().is_empty() {
        None
    } else {
        let place = prefix.trim_end().strip_suffix(',')?.trim();
        if !DATELINE_PLACE.is_match(place) || place.split_whitespace().count() > 5 {
            return None;
        }
        Some(place_case(place))
    };
    let after = &paragraph[mention.end..];
    let after = YEAR_WORD.find(after).map_or(after, |w| &after[w.end()..]);
    let after = after.trim_start();
    let rest = match after.chars().next() {
        None => "",
        Some(dash @ ('–' | '—' | '-')) => after[dash.len_utf8()..].trim_start(),
        Some(_) => return None,
    };
    Some(Dateline {
        location,
        date_text: paragraph[mention.start..mention.end].to_owned(),
        mention,
        rest: rest.to_owned(),
    })
}

/// Lines that credit a photo or name a source: `Images | gov.kz`, `Photo:
/// OSCE/…`, `Фото: …`, `Source: …`. They are short; a long paragraph that
/// happens to start with "Source:" is text.
static CREDIT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^(?P<word>photo(?:graph)?s?(?:\s+credits?)?|images?|pictures?|credits?|sources?|фото(?:графии)?|фотосурет|сурет(?:тер)?|источник|дереккөз)\s*(?:\||:|[–—-]\s|\s+by\s)\s*\S",
    )
    .expect("valid pattern")
});

/// What kind of credit line this is, if it is one.
fn credit_kind(line: &str) -> Option<&'static str> {
    if line.chars().count() > 100 {
        return None;
    }
    let word = CREDIT.captures(line)?.name("word")?.as_str().to_lowercase();
    Some(
        if word.starts_with("source") || word == "источник" || word == "дереккөз" {
            "source line"
        } else {
            "photo credit"
        },
    )
}

/// What the text says about the date when there is no dateline.
#[derive(Debug, Default)]
struct TextDate {
    date: Option<NaiveDate>,
    location: Option<String>,
    notes: Vec<Note>,
    needs_review: Vec<Note>,
}

/// Looks for the date in the first paragraph, then in the title. Dates
/// further into the text are usually about something else ("As of 1 January
/// 2011, …"), so they are only mentioned to the editor.
fn date_from_text(title: &str, paragraphs: &[Paragraph], title_line: usize) -> TextDate {
    let mut out = TextDate::default();
    let first = paragraphs.first();
    let (source, line, mentions) = match first.map(|p| (p, find_dates(&p.text))) {
        Some((p, found)) if !found.is_empty() => (p.text.as_str(), p.line, found),
        _ => (title, title_line, find_dates(title)),
    };
    let Some(chosen) = mentions.first() else {
        let later: Vec<String> = paragraphs
            .iter()
            .skip(1)
            .flat_map(|p| {
                find_dates(&p.text)
                    .into_iter()
                    .map(move |m| format!("“{}” on line {}", &p.text[m.start..m.end], p.line))
            })
            .collect();
        let later = if later.is_empty() {
            String::new()
        } else {
            format!(
                " (dates further on, about other things, were not used: {})",
                later.join(", ")
            )
        };
        out.needs_review.push(Note {
            line: first.map_or(title_line, |p| p.line),
            message: format!(
                "no date: there is no dateline such as `ASTANA, 11 December 2015 – ` and the first paragraph names no day{later}; add `date: YYYY-MM-DD`, move the file into its year’s folder and remove `draft: true`"
            ),
        });
        return out;
    };

    let phrase = &source[chosen.start..chosen.end];
    out.date = Some(chosen.date);
    let what = if chosen.range {
        format!("the first day of the range “{phrase}”")
    } else {
        format!("“{phrase}”")
    };
    out.notes.push(Note {
        line,
        message: format!(
            "date {} is {what} in the text, as there is no dateline: {}",
            chosen.date,
            excerpt(source, chosen.start, chosen.end)
        ),
    });
    let mut others: Vec<NaiveDate> = Vec::new();
    for m in &mentions {
        if !others.contains(&m.date) {
            others.push(m.date);
        }
    }
    if others.len() > 1 {
        let listed: Vec<String> = others.iter().map(ToString::to_string).collect();
        out.needs_review.push(Note {
            line,
            message: format!(
                "several dates in one paragraph ({}); the first was used: check `date:` and remove `draft: true`",
                listed.join(", ")
            ),
        });
    }
    if let Some(place) = location_near(source, chosen) {
        out.notes.push(Note {
            line,
            message: format!("location “{place}” is taken from the sentence that gives the date"),
        });
        out.location = Some(place);
    }
    out
}

/// A place name: capitalised words, e.g. "Astana", "New York", "Nur-Sultan".
const PLACE: &str = r"\p{Lu}\p{L}*(?:-\p{L}+)*(?: \p{Lu}\p{L}*(?:-\p{L}+)*)*";

/// "… 23 November 2011 in Astana" and "… in Astana on 23 November 2011".
static PLACE_AFTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"^,?\s+(?i:in)\s+(?P<place>{PLACE})(?P<next>[’'\w]|\s+and\s+\p{{Lu}})?"
    ))
    .expect("valid pattern")
});
static PLACE_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"\b(?i:in)\s+(?P<place>{PLACE}),?\s+(?:on\s+)?$")).expect("valid pattern")
});

/// The place named next to a date in English: "held on 23 November 2011 in
/// Astana". Anything less direct ("a visit to Belgium") is not taken.
fn location_near(text: &str, mention: &DateMention) -> Option<String> {
    let after = &text[mention.end..];
    if let Some(c) = PLACE_AFTER.captures(after)
        && c.name("next").is_none()
    {
        return Some(c["place"].to_owned());
    }
    PLACE_BEFORE
        .captures(&text[..mention.start])
        .map(|c| c["place"].to_owned())
}

/// A headline that ends by saying where an event was held: "Conference on …
/// Held in Astana", "Training seminar in Almaty". "… reform in Kazakhstan"
/// names a topic, not a place of issue, so the word before "in" must be an
/// event or a verb of holding one.
static TITLE_PLACE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"\b(?i:held|holds?|opened|opens|hosted|convened|organi[sz]ed|launched|conducted|took place|takes place|started|starts|began|begins|ended|ends|concluded|closed|closes|met|meets|conferences?|seminars?|forums?|workshops?|meetings?|trainings?|round ?tables?|roundtables?|courses?|sessions?|events?|exhibitions?|festivals?|ceremony|ceremonies|summits?|briefings?|symposium|congress)\s+(?i:in)\s+(?P<place>{PLACE})[.!]?$"
    ))
    .expect("valid pattern")
});

/// The place a headline names, with the words that say so ("Held in Astana").
fn location_in_title(title: &str) -> Option<(String, String)> {
    TITLE_PLACE
        .captures(title)
        .map(|c| (c["place"].to_owned(), c[0].to_owned()))
}

/// Up to a few words either side of a date, as written, to show the editor
/// where it came from.
fn excerpt(text: &str, start: usize, end: usize) -> String {
    const WORDS: usize = 6;
    let before = &text[..start];
    let mut from = before.len();
    for (i, _) in before
        .char_indices()
        .rev()
        .filter(|&(i, c)| {
            !c.is_whitespace() && (i == 0 || before[..i].ends_with(char::is_whitespace))
        })
        .take(WORDS)
    {
        from = i;
    }
    let after = &text[end..];
    let mut to = 0;
    for (i, c) in after
        .char_indices()
        .filter(|&(i, c)| {
            let rest = &after[i + c.len_utf8()..];
            !c.is_whitespace() && (rest.is_empty() || rest.starts_with(char::is_whitespace))
        })
        .take(WORDS)
    {
        to = i + c.len_utf8();
    }
    let cut_after = after[to..].trim().is_empty();
    format!(
        "“{}{}{}”",
        if before[..from].trim().is_empty() {
            ""
        } else {
            "… "
        },
        &text[from..end + to],
        if cut_after { "" } else { " …" }
    )
}

/// Lines that seem to be one paragraph hard-wrapped over several: no closing
/// punctuation, and the next line goes on in lower case. They are kept apart,
/// as every line is a paragraph, but the editor should know.
fn wrapped_lines(paragraphs: &[Paragraph]) -> Vec<Note> {
    paragraphs
        .windows(2)
        .filter(|pair| {
            let [this, next] = pair else { return false };
            next.line == this.line + 1
                && !this.text.ends_with(['.', '!', '?', ':', ';', '”', '"', '»', ')'])
                && next.text.chars().next().is_some_and(char::is_lowercase)
        })
        .map(|pair| Note {
            line: pair[0].line,
            message: format!(
                "line {} seems to go on at line {} (no full stop, next line in lower case); they were kept as separate paragraphs: join them if they are one",
                pair[0].line, pair[1].line
            ),
        })
        .collect()
}

/// Notes for words that mix Latin and Cyrillic letters, such as a Cyrillic
/// "а" typed inside "Khojimatov": they look right but search and spelling
/// checks miss them. The text is kept as written; the editor decides.
fn mixed_script_words(text: &str, line: usize) -> Vec<Note> {
    let is_latin =
        |c: char| c.is_alphabetic() && (c.is_ascii() || ('\u{00C0}'..='\u{024F}').contains(&c));
    let is_cyrillic = |c: char| ('\u{0400}'..='\u{04FF}').contains(&c);
    text.split(|c: char| !c.is_alphabetic())
        .filter_map(|word| {
            let latin: String = word.chars().filter(|&c| is_latin(c)).collect();
            let cyrillic: String = word.chars().filter(|&c| is_cyrillic(c)).collect();
            if latin.is_empty() || cyrillic.is_empty() {
                return None;
            }
            let (fewer, script) = if cyrillic.chars().count() <= latin.chars().count() {
                (cyrillic, "Cyrillic")
            } else {
                (latin, "Latin")
            };
            Some(Note {
                line,
                message: format!(
                    "“{word}” mixes Latin and Cyrillic letters ({script}: {fewer}); it is kept as written, but search and spelling checks will miss it"
                ),
            })
        })
        .collect()
}

/// A note when the text is mostly in a script the language does not use, a
/// sign that `--lang` is wrong for this file.
fn script_mismatch(body: &[String], lang: &str, line: usize) -> Option<Note> {
    let (mut cyrillic, mut latin) = (0usize, 0usize);
    for ch in body.iter().flat_map(|p| p.chars()) {
        match ch {
            'a'..='z' | 'A'..='Z' => latin += 1,
            '\u{0400}'..='\u{04FF}' => cyrillic += 1,
            _ => {}
        }
    }
    let cyrillic_lang = ["ru", "kk", "uk", "be", "ky", "tg", "mn"]
        .iter()
        .any(|l| lang == *l || lang.starts_with(&format!("{l}-")));
    let mismatch = if cyrillic_lang {
        latin > cyrillic * 2
    } else {
        cyrillic > latin * 2
    };
    mismatch.then(|| Note {
        line,
        message: format!(
            "the text is mostly in {} letters but is imported as `{lang}`; check the language",
            if cyrillic_lang { "Latin" } else { "Cyrillic" }
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ymd(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, d)
    }

    fn parse(text: &str) -> ParsedRelease {
        parse_release_text(text, "en").unwrap()
    }

    fn messages(notes: &[Note]) -> Vec<String> {
        notes
            .iter()
            .map(|n| format!("{}: {}", n.line, n.message))
            .collect()
    }

    #[test]
    fn english_dateline() {
        let p = parse(
            "OSCE co-organizes forum\nASTANA, 11 December 2015 – An OSCE-supported forum took place today.\nThe event was organized by the Office.",
        );
        assert_eq!(p.title, "OSCE co-organizes forum");
        assert_eq!(p.date, ymd(2015, 12, 11));
        assert_eq!(p.location.as_deref(), Some("Astana"));
        assert_eq!(
            p.paragraphs,
            [
                "An OSCE-supported forum took place today.",
                "The event was organized by the Office."
            ]
        );
        assert!(p.notes.is_empty(), "{:?}", p.notes);
        assert!(!p.is_draft());
    }

    #[test]
    fn dateline_dashes_and_forms() {
        for dateline in [
            "ASTANA, 11 December 2015 — Text.",
            "ASTANA, 11 December 2015 - Text.",
            "ASTANA, 11 December 2015 –Text.",
            "Astana, December 11, 2015 – Text.",
            "ASTANA, 11.12.2015 – Text.",
        ] {
            let p = parse(&format!("Title\n{dateline}\nMore."));
            assert_eq!(p.date, ymd(2015, 12, 11), "{dateline}");
            assert_eq!(p.location.as_deref(), Some("Astana"), "{dateline}");
            assert_eq!(p.paragraphs[0], "Text.", "{dateline}");
        }
        let p = parse("Title\nNUR-SULTAN, 1 July 2019 – Text.");
        assert_eq!(p.location.as_deref(), Some("Nur-Sultan"));
        let p = parse("Title\n11 December 2015 – Text.");
        assert_eq!(p.date, ymd(2015, 12, 11));
        assert_eq!(p.location, None);
        // A dateline on a line of its own.
        let p = parse("Title\nASTANA, 11 December 2015\nText.");
        assert_eq!(p.date, ymd(2015, 12, 11));
        assert_eq!(p.paragraphs, ["Text."]);
    }

    #[test]
    fn russian_dateline() {
        let p = parse_release_text(
            "В Астане обсудили ресоциализацию\nАСТАНА, 11 декабря 2015 г. – Третий форум прошёл в Астане.\n",
            "ru",
        )
        .unwrap();
        assert_eq!(p.date, ymd(2015, 12, 11));
        assert_eq!(p.location.as_deref(), Some("Астана"));
        assert_eq!(p.paragraphs, ["Третий форум прошёл в Астане."]);
        assert!(p.notes.is_empty(), "{:?}", p.notes);
        let p = parse_release_text("Форум\nАЛМАТЫ, 3 марта 2016г. — Текст.", "ru").unwrap();
        assert_eq!(p.date, ymd(2016, 3, 3));
        assert_eq!(p.paragraphs, ["Текст."]);
        let p = parse_release_text("Форум\nАЛМАТЫ, 3 марта 2016 года — Текст.", "ru").unwrap();
        assert_eq!(p.date, ymd(2016, 3, 3));
        assert_eq!(p.location.as_deref(), Some("Алматы"));
        assert_eq!(p.paragraphs, ["Текст."]);
    }

    #[test]
    fn kazakh_dateline() {
        let p = parse_release_text(
            "Астанада форум өтті\nАСТАНА, 2015 жылғы 11 желтоқсан – Форумға 200-ден астам адам қатысты.\n",
            "kk",
        )
        .unwrap();
        assert_eq!(p.date, ymd(2015, 12, 11));
        assert_eq!(p.location.as_deref(), Some("Астана"));
        assert_eq!(p.paragraphs, ["Форумға 200-ден астам адам қатысты."]);
        let p = parse_release_text("Форум\nАСТАНА, 11 желтоқсан 2015 ж. - Мәтін.", "kk").unwrap();
        assert_eq!(p.date, ymd(2015, 12, 11));
        assert_eq!(p.paragraphs, ["Мәтін."]);
    }

    #[test]
    fn date_and_place_from_the_first_sentence() {
        let p = parse(
            "Conference announced\n\nThe conference will be held on 23 November 2011 in Astana.\n\nAs of 1 January 2011, 57.038 people were in prison.\n",
        );
        assert_eq!(p.date, ymd(2011, 11, 23));
        assert_eq!(p.location.as_deref(), Some("Astana"));
        assert!(!p.is_draft());
        let notes = messages(&p.notes);
        assert!(notes[0].starts_with("3: date 2011-11-23 is “23 November 2011” in the text"));
        assert_eq!(
            notes[1],
            "3: location “Astana” is taken from the sentence that gives the date"
        );
        // The place may come first, and a possessive is no place.
        let p = parse("T\nThe forum opened in Almaty on 2 May 2016 with 50 guests.");
        assert_eq!(p.location.as_deref(), Some("Almaty"));
        let p = parse("T\nThe forum was held on 2 May 2016 in Kazakhstan’s capital.");
        assert_eq!(p.location, None);
        let p = parse("T\nForums were held on 2 May 2016 in Astana and Almaty.");
        assert_eq!(p.location, None);
    }

    #[test]
    fn range_gives_its_first_day() {
        let p = parse(
            "Study visit\nOfficials co-organized a study visit to Belgium from 1 to 4 April 2015.\nMore.",
        );
        assert_eq!(p.date, ymd(2015, 4, 1));
        assert_eq!(p.location, None);
        assert!(!p.is_draft());
        let notes = messages(&p.notes);
        assert!(notes[0].contains("is the first day of the range “from 1 to 4 April 2015”"));
        assert!(notes[1].starts_with("2: no location"));
    }

    #[test]
    fn no_date_is_never_computed() {
        let p = parse(
            "Conference Held in Astana\nIt was held on International Human Rights Day, the 77th anniversary of the Declaration.\nAs of 1 January 2011, 57 people attended.",
        );
        assert_eq!(p.date, None);
        assert!(p.is_draft());
        assert_eq!(p.location.as_deref(), Some("Astana"));
        let reasons = messages(&p.needs_review);
        assert!(reasons[0].starts_with("2: no date:"), "{reasons:?}");
        assert!(reasons[0].contains("“1 January 2011” on line 3"));
    }

    #[test]
    fn title_place_needs_an_event() {
        assert_eq!(
            location_in_title("Conference on Human Rights Held in Astana").map(|p| p.0),
            Some("Astana".to_owned())
        );
        assert_eq!(
            location_in_title("Training seminar in Almaty").map(|p| p.0),
            Some("Almaty".to_owned())
        );
        assert_eq!(
            location_in_title("Forum on convicted persons in Kazakhstan"),
            None
        );
        assert_eq!(
            location_in_title("Reform of the penitentiary system in Kazakhstan"),
            None
        );
    }

    #[test]
    fn several_dates_in_the_first_paragraph_need_review() {
        let p = parse("T\nOn 2 May 2016 the law of 1 January 2015 was discussed.");
        assert_eq!(p.date, ymd(2016, 5, 2));
        assert!(p.is_draft());
        assert!(p.needs_review[0].message.contains("2016-05-02, 2015-01-01"));
    }

    #[test]
    fn wrapped_capital_title() {
        let p = parse(
            " EXPERTS DISCUSS THE FUTURE\nOF THE PENITENTIARY SYSTEM IN KAZAKHSTAN\n\nExperts say that Kazakhstan will reform the penitentiary system on 23 November 2011 in Astana.\n",
        );
        assert_eq!(
            p.title,
            "Experts discuss the future of the penitentiary system in Kazakhstan"
        );
        assert_eq!(p.paragraphs.len(), 1);
        assert_eq!(p.notes[0].line, 1);
        assert!(
            p.notes[0]
                .message
                .contains("(kept as the text writes them: Kazakhstan)")
        );
    }

    #[test]
    fn a_title_going_on_in_lower_case_is_pointed_out() {
        let p =
            parse("Conference on human rights\nheld in Astana\n\nASTANA, 11 December 2015 – Text.");
        assert_eq!(p.title, "Conference on human rights");
        assert!(
            p.notes[0]
                .message
                .starts_with("the title may go on at line 2")
        );
        // The dateline is then not at the start of the first paragraph: the
        // release is not dated by guesswork but sent for review.
        assert_eq!(p.paragraphs[0], "held in Astana");
        assert_eq!(p.date, None);
        assert!(p.is_draft());
    }

    #[test]
    fn credit_and_source_lines_are_removed_and_reported() {
        let p = parse(
            "Conference\nImages | gov.kz\nThe conference was held.\nФото: akorda.kz\nSource: Kazakhstan Today\nThis information may not be reproduced without reference to Kazakhstan Today.\n",
        );
        assert_eq!(
            p.paragraphs,
            [
                "The conference was held.",
                "This information may not be reproduced without reference to Kazakhstan Today."
            ]
        );
        let mut notes = messages(&p.notes);
        notes.retain(|n| n.contains("removed"));
        assert_eq!(
            notes[0],
            "2: removed the photo credit “Images | gov.kz” from the text"
        );
        assert_eq!(
            notes[1],
            "4: removed the photo credit “Фото: akorda.kz” from the text"
        );
        assert_eq!(
            notes[2],
            "5: removed the source line “Source: Kazakhstan Today” from the text"
        );
        assert!(credit_kind("Photo by OSCE/John Smith").is_some());
        assert!(credit_kind("Photographers were invited to the event.").is_none());
        assert!(credit_kind(&format!("Source: {}", "long text ".repeat(20))).is_none());
    }

    #[test]
    fn contact_block_is_kept_line_by_line() {
        let p = parse(
            "Forum\nASTANA, 11 December 2015 – Text.\n\nFor more information, please contact:\nZhanna Malayeva\nTel: +7 (7172) 787-674\nE-mail: press@example.org\n",
        );
        assert_eq!(
            p.paragraphs,
            [
                "Text.",
                "For more information, please contact:",
                "Zhanna Malayeva",
                "Tel: +7 (7172) 787-674",
                "E-mail: press@example.org"
            ]
        );
        assert!(p.notes.is_empty(), "{:?}", p.notes);
    }

    #[test]
    fn quotations_are_kept_as_written() {
        let p = parse(
            "Forum\nASTANA, 11 December 2015 – Text.\n“I am pleased,” said the Head. \"The \"100 Steps\" plan,\" she added.\n",
        );
        assert_eq!(
            p.paragraphs[1],
            "“I am pleased,” said the Head. \"The \"100 Steps\" plan,\" she added."
        );
    }

    #[test]
    fn single_and_blank_line_paragraphs_read_the_same() {
        let single = parse("Title\nASTANA, 11 December 2015 – One.  \nTwo.\nThree.");
        let blank = parse(
            "Title\r\n\r\nASTANA, 11 December 2015 – One.\r\n\r\n\r\n  Two.\r\n\r\nThree.\r\n\r\n",
        );
        assert_eq!(single.paragraphs, ["One.", "Two.", "Three."]);
        assert_eq!(blank.paragraphs, single.paragraphs);
        assert_eq!(blank.date, single.date);
    }

    #[test]
    fn hard_wrapped_lines_are_pointed_out() {
        let p = parse(
            "Title\nASTANA, 11 December 2015 – The forum brought together\nofficials and experts.",
        );
        assert_eq!(p.paragraphs.len(), 2);
        assert!(
            p.notes[0]
                .message
                .starts_with("line 2 seems to go on at line 3")
        );
    }

    #[test]
    fn a_text_starting_with_its_dateline_has_no_title() {
        let p = parse("ASTANA, 11 December 2015 – The forum took place.\nMore.");
        assert_eq!(p.title, "");
        assert_eq!(p.date, ymd(2015, 12, 11));
        assert!(p.is_draft());
        assert!(p.needs_review[0].message.starts_with("no title"));
    }

    #[test]
    fn nothing_left_after_removals_needs_review() {
        let p = parse("Title\nImages | gov.kz\n");
        assert!(p.paragraphs.is_empty());
        assert!(
            p.needs_review
                .iter()
                .any(|n| n.message.starts_with("no text"))
        );
    }

    #[test]
    fn empty_and_blank_files() {
        assert_eq!(parse_release_text("", "en"), Err(ImportError::Empty));
        assert_eq!(
            parse_release_text(" \n\n\t\n", "en"),
            Err(ImportError::Empty)
        );
        assert_eq!(ImportError::Empty.position(), (1, 1));
    }

    #[test]
    fn title_only() {
        let err = parse_release_text("\n  OSCE forum on probation  \n\n", "en").unwrap_err();
        assert_eq!(
            err,
            ImportError::TitleOnly {
                title: "OSCE forum on probation".to_owned(),
                line: 2,
                column: 26,
            }
        );
        assert_eq!(
            err.to_string(),
            "the file has only a title (“OSCE forum on probation”) and no text after it"
        );
    }

    #[test]
    fn not_utf8_points_at_the_first_bad_byte() {
        let err = decode(b"Title\nASTANA \xd0\x90, caf\xe9 text\n").unwrap_err();
        assert_eq!(
            err,
            ImportError::NotUtf8 {
                offset: 20,
                byte: 0xE9,
                line: 2,
                column: 14,
            }
        );
        assert_eq!(err.position(), (2, 14));
        assert!(err.help().contains("Windows-1251"));
        // Offsets count the byte-order mark, as a hex editor does.
        let err = decode(b"\xEF\xBB\xBF\xFF").unwrap_err();
        assert!(matches!(
            err,
            ImportError::NotUtf8 {
                offset: 3,
                line: 1,
                column: 1,
                ..
            }
        ));
        let err = decode(b"\xFF\xFET\x00").unwrap_err();
        assert!(err.help().contains("UTF-16"));
        assert_eq!(decode(b"\xEF\xBB\xBFTitle").unwrap(), "Title");
    }

    #[test]
    fn words_mixing_scripts_are_pointed_out() {
        // The "а" in "Khojimаtov" is Cyrillic, as in seed 003.
        let p = parse(
            "Title\nASTANA, 11 December 2015 – Sukhrob Khojim\u{0430}tov spoke.\nКазахстан and Astana.",
        );
        assert_eq!(p.paragraphs[0], "Sukhrob Khojim\u{0430}tov spoke.");
        assert_eq!(
            messages(&p.notes),
            [
                "2: “Khojim\u{0430}tov” mixes Latin and Cyrillic letters (Cyrillic: \u{0430}); it is kept as written, but search and spelling checks will miss it"
            ]
        );
    }

    #[test]
    fn language_mismatch_is_noted() {
        let p =
            parse_release_text("Title\nASTANA, 11 December 2015 – Text in English.", "ru").unwrap();
        assert!(
            p.notes
                .iter()
                .any(|n| n.message.contains("imported as `ru`"))
        );
        let p =
            parse_release_text("Title\nASTANA, 11 December 2015 – Text in English.", "en").unwrap();
        assert!(p.notes.is_empty());
    }
}
