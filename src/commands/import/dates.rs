//! Calendar dates written out in English, Russian and Kazakh prose.
//!
//! Old releases give their date in words ("11 December 2015", "11 декабря
//! 2015 г.", "2015 жылғы 11 желтоқсан"), sometimes as a range ("from 1 to 4
//! April 2015"). This scanner finds every such mention with its byte span, so
//! the parser can tell a dateline at the start of a paragraph from a date
//! further into a sentence. A mention that names an impossible day (31 April)
//! is dropped rather than corrected.

use std::sync::LazyLock;

use chrono::NaiveDate;
use regex::{Captures, Regex};

/// One date found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DateMention {
    /// Byte offset where the mention starts (including "from"/"с" of a range).
    pub(crate) start: usize,
    /// Byte offset just past the mention.
    pub(crate) end: usize,
    /// The date, or the first day when the text gives a range.
    pub(crate) date: NaiveDate,
    /// Whether the text gave a range of days rather than one day.
    pub(crate) range: bool,
}

const ENGLISH_MONTHS: [(&str, u32); 24] = [
    ("january", 1),
    ("february", 2),
    ("march", 3),
    ("april", 4),
    ("may", 5),
    ("june", 6),
    ("july", 7),
    ("august", 8),
    ("september", 9),
    ("october", 10),
    ("november", 11),
    ("december", 12),
    ("jan", 1),
    ("feb", 2),
    ("mar", 3),
    ("apr", 4),
    ("jun", 6),
    ("jul", 7),
    ("aug", 8),
    ("sep", 9),
    ("sept", 9),
    ("oct", 10),
    ("nov", 11),
    ("dec", 12),
];

/// Russian dates put the month in the genitive ("11 декабря").
const RUSSIAN_MONTHS: [(&str, u32); 12] = [
    ("января", 1),
    ("февраля", 2),
    ("марта", 3),
    ("апреля", 4),
    ("мая", 5),
    ("июня", 6),
    ("июля", 7),
    ("августа", 8),
    ("сентября", 9),
    ("октября", 10),
    ("ноября", 11),
    ("декабря", 12),
];

/// Kazakh month names take case endings in running text ("желтоқсанда", "in
/// December"), so they are matched as stems.
const KAZAKH_MONTHS: [(&str, u32); 12] = [
    ("қаңтар", 1),
    ("ақпан", 2),
    ("наурыз", 3),
    ("сәуір", 4),
    ("мамыр", 5),
    ("маусым", 6),
    ("шілде", 7),
    ("тамыз", 8),
    ("қыркүйек", 9),
    ("қазан", 10),
    ("қараша", 11),
    ("желтоқсан", 12),
];

/// The month a (possibly abbreviated or inflected) month name stands for.
fn month_number(word: &str) -> Option<u32> {
    let word = word.trim_end_matches('.').to_lowercase();
    ENGLISH_MONTHS
        .iter()
        .chain(RUSSIAN_MONTHS.iter())
        .find(|(name, _)| *name == word)
        .or_else(|| {
            KAZAKH_MONTHS
                .iter()
                .find(|(stem, _)| word.starts_with(stem))
        })
        .map(|&(_, month)| month)
}

/// A regex alternation of month names; longer names first so that "March"
/// is not cut short to "Mar".
fn alternation(exact: &[&[(&str, u32)]], stems: &[(&str, u32)]) -> String {
    let mut names: Vec<String> = exact
        .iter()
        .flat_map(|table| table.iter().map(|(name, _)| (*name).to_owned()))
        .collect();
    names.sort_by_key(|name| std::cmp::Reverse(name.chars().count()));
    let mut alts: Vec<String> = names.into_iter().map(|n| format!(r"{n}\b")).collect();
    alts.extend(stems.iter().map(|(stem, _)| format!(r"{stem}\p{{L}}*")));
    alts.join("|")
}

const ORDINAL: &str = r"(?:st|nd|rd|th)?";
const DASH: &str = r"\s*[-–—]\s*";
/// The end of a year: not followed by another digit. An ASCII boundary, so
/// that "2015г." (Russian, no space before "year") still ends at "2015".
const YEAR_END: &str = r"(?-u:\b)";

struct Patterns {
    /// "from 1 to 4 April 2015", "1–4 April 2015", "30 March – 2 April 2015",
    /// "с 1 по 4 апреля 2015".
    day_first_range: Regex,
    /// "11 December 2015", "11 декабря 2015", "11 желтоқсан 2015".
    day_first: Regex,
    /// "December 11, 2015", "April 1-4, 2015".
    month_first: Regex,
    /// "2015 жылғы 11 желтоқсан", "2015 жылғы 1-4 сәуір".
    year_first: Regex,
    /// "11.12.2015".
    dotted: Regex,
    /// "2015-12-11".
    iso: Regex,
}

static PATTERNS: LazyLock<Patterns> = LazyLock::new(|| {
    let any = alternation(&[&ENGLISH_MONTHS, &RUSSIAN_MONTHS], &KAZAKH_MONTHS);
    let english = alternation(&[&ENGLISH_MONTHS], &[]);
    let kazakh = alternation(&[], &KAZAKH_MONTHS);
    let separator = format!(r"(?:{DASH}|\s+(?:to|till|until|through|and|по|до)\s+)");
    let build = |pattern: String| Regex::new(&format!("(?i){pattern}")).expect("valid pattern");
    Patterns {
        day_first_range: build(format!(
            r"\b(?:(?:from|between|с|со)\s+)?(?P<d1>\d{{1,2}}){ORDINAL}(?:\s+(?P<m1>{any})\.?(?:\s+(?P<y1>\d{{4}}))?)?{separator}(?P<d2>\d{{1,2}}){ORDINAL}\s+(?P<m2>{any})\.?,?\s+(?P<y2>\d{{4}}){YEAR_END}"
        )),
        day_first: build(format!(
            r"\b(?P<d1>\d{{1,2}}){ORDINAL}\s+(?:of\s+)?(?P<m2>{any})\.?,?\s+(?P<y2>\d{{4}}){YEAR_END}"
        )),
        month_first: build(format!(
            r"\b(?P<m2>{english})\.?\s+(?P<d1>\d{{1,2}}){ORDINAL}(?:(?:{DASH}|\s+(?:to|through)\s+)(?P<d2>\d{{1,2}}){ORDINAL})?,?\s+(?P<y2>\d{{4}}){YEAR_END}"
        )),
        year_first: build(format!(
            r"\b(?P<y2>\d{{4}})\s*(?:жылғы|жылы|жылдың|ж\.)\s*(?P<d1>\d{{1,2}})(?:{DASH}(?P<d2>\d{{1,2}}))?\s+(?P<m2>{kazakh})"
        )),
        dotted: build(r"\b(?P<d1>\d{1,2})\.(?P<m2>\d{1,2})\.(?P<y2>\d{4})(?-u:\b)".to_owned()),
        iso: build(r"\b(?P<y2>\d{4})-(?P<m2>\d{2})-(?P<d1>\d{2})\b".to_owned()),
    }
});

/// Every date mentioned in `text`, in order of appearance, without overlaps.
pub(crate) fn find_dates(text: &str) -> Vec<DateMention> {
    let p = &*PATTERNS;
    let mut found: Vec<DateMention> = Vec::new();
    for regex in [
        &p.day_first_range,
        &p.day_first,
        &p.month_first,
        &p.year_first,
        &p.dotted,
        &p.iso,
    ] {
        found.extend(regex.captures_iter(text).filter_map(|c| mention(&c)));
    }
    // Ranges and single dates overlap ("4 April 2015" sits inside "from 1 to 4
    // April 2015"); the earliest, then the longest, mention wins.
    found.sort_by_key(|m| (m.start, std::cmp::Reverse(m.end)));
    let mut kept: Vec<DateMention> = Vec::new();
    for m in found {
        if kept.last().is_none_or(|last| m.start >= last.end) {
            kept.push(m);
        }
    }
    kept
}

fn number(c: &Captures<'_>, name: &str) -> Option<u32> {
    c.name(name).and_then(|m| m.as_str().parse().ok())
}

fn month(c: &Captures<'_>, name: &str) -> Option<u32> {
    let text = c.name(name)?.as_str();
    text.parse()
        .ok()
        .filter(|m| (1..=12).contains(m))
        .or_else(|| month_number(text))
}

fn mention(c: &Captures<'_>) -> Option<DateMention> {
    let whole = c.get(0)?;
    let year = i32::try_from(number(c, "y2")?).ok()?;
    if !(1900..=2100).contains(&year) {
        return None;
    }
    let end_month = month(c, "m2")?;
    let first_day = number(c, "d1")?;
    let (date, range) = match number(c, "d2") {
        None => (NaiveDate::from_ymd_opt(year, end_month, first_day)?, false),
        Some(last_day) => {
            let start_month = if c.name("m1").is_some() {
                month(c, "m1")?
            } else {
                end_month
            };
            // "30 December – 2 January 2016" names the year only once, at the end.
            let start_year = match number(c, "y1") {
                Some(y) => i32::try_from(y).ok()?,
                None if start_month > end_month => year - 1,
                None => year,
            };
            let start = NaiveDate::from_ymd_opt(start_year, start_month, first_day)?;
            let end = NaiveDate::from_ymd_opt(year, end_month, last_day)?;
            if start > end {
                return None;
            }
            (start, true)
        }
    };
    Some(DateMention {
        start: whole.start(),
        end: whole.end(),
        date,
        range,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn dates(text: &str) -> Vec<(NaiveDate, bool, &str)> {
        find_dates(text)
            .into_iter()
            .map(|m| (m.date, m.range, &text[m.start..m.end]))
            .collect()
    }

    #[test]
    fn english_day_first_and_month_first() {
        assert_eq!(
            dates("ASTANA, 11 December 2015 – An OSCE-supported forum"),
            [(ymd(2015, 12, 11), false, "11 December 2015")]
        );
        assert_eq!(
            dates("held on December 11, 2015 and on 3rd Dec. 2015"),
            [
                (ymd(2015, 12, 11), false, "December 11, 2015"),
                (ymd(2015, 12, 3), false, "3rd Dec. 2015")
            ]
        );
    }

    #[test]
    fn ranges_give_their_first_day() {
        assert_eq!(
            dates("a study visit to Belgium from 1 to 4 April 2015."),
            [(ymd(2015, 4, 1), true, "from 1 to 4 April 2015")]
        );
        assert_eq!(dates("on 1–4 April 2015")[0].0, ymd(2015, 4, 1));
        assert_eq!(
            dates("April 1-4, 2015")[0],
            (ymd(2015, 4, 1), true, "April 1-4, 2015")
        );
        assert_eq!(
            dates("from 30 March to 2 April 2015")[0].0,
            ymd(2015, 3, 30)
        );
        assert_eq!(
            dates("from 30 December to 2 January 2016")[0].0,
            ymd(2015, 12, 30)
        );
        assert_eq!(
            dates("с 1 по 4 апреля 2015 года")[0],
            (ymd(2015, 4, 1), true, "с 1 по 4 апреля 2015")
        );
        assert_eq!(
            dates("2015 жылғы 1-4 сәуір аралығында")[0].0,
            ymd(2015, 4, 1)
        );
    }

    #[test]
    fn russian_and_kazakh_dates() {
        assert_eq!(
            dates("АСТАНА, 11 декабря 2015 г. – Форум")[0],
            (ymd(2015, 12, 11), false, "11 декабря 2015")
        );
        assert_eq!(
            dates("АСТАНА, 2015 жылғы 11 желтоқсан – Форум")[0],
            (ymd(2015, 12, 11), false, "2015 жылғы 11 желтоқсан")
        );
        assert_eq!(
            dates("2015 жылғы 23 қарашада Астанада өтеді")[0].0,
            ymd(2015, 11, 23)
        );
        assert_eq!(dates("11 желтоқсан 2015 ж.")[0].0, ymd(2015, 12, 11));
        assert_eq!(
            dates("11 декабря 2015г.")[0],
            (ymd(2015, 12, 11), false, "11 декабря 2015")
        );
        assert!(dates("11 December 20151").is_empty());
    }

    #[test]
    fn numeric_dates() {
        assert_eq!(dates("11.12.2015")[0].0, ymd(2015, 12, 11));
        assert_eq!(dates("2015-12-11")[0].0, ymd(2015, 12, 11));
    }

    #[test]
    fn things_that_are_not_dates() {
        assert!(dates("321 convicts per 100.000 population").is_empty());
        assert!(dates("Over 10 months of 2011, 1.628 convicts").is_empty());
        assert!(dates("the 77th anniversary of the Declaration").is_empty());
        assert!(dates("31 April 2015").is_empty());
        assert!(dates("in December 2015").is_empty());
        assert!(dates("may 2015").is_empty());
    }

    #[test]
    fn several_dates_in_order() {
        let text = "held on 23 November 2011 in Astana. As of 1 January 2011, 57.038 people";
        let found = dates(text);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].0, ymd(2011, 11, 23));
        assert_eq!(found[1].0, ymd(2011, 1, 1));
    }
}
