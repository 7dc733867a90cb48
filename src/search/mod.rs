//! Language analysis for the built-in search (issue 16): how the words of a
//! release and of a reader's query become the keys that are matched.
//!
//! This module is what the search index ([`index`], written by the
//! renderer's search jobs) and the search page build on. It has two steps, and both run identically when the
//! index is built and when a reader types a query:
//!
//! 1. [`normalize`]: the text is cut into words at Unicode word boundaries
//!    and each word is put into one canonical spelling (NFC, lower case for
//!    its language, `ё` → `е`, Latin look-alikes inside Cyrillic words
//!    folded to Cyrillic).
//! 2. [`stem`]: each word is reduced to a stem, so that the forms of one word
//!    share a key: English and Russian with the Snowball stemmers of the
//!    `rust-stemmers` crate, Kazakh with [`kazakh`], a suffix stripper written
//!    for this project (no Snowball stemmer exists for Kazakh); any other
//!    language of `site.yaml` is matched on the normalised word, unstemmed.
//!
//! # The browser side
//!
//! The search page must key a query exactly as the index keys the releases,
//! including forms of a word that no release uses (the issue's «пробацией»
//! when the releases say «пробации»). `search.js`, next to this file, is a
//! JavaScript port of [`normalize`], of the [`kazakh`] stemmer and of
//! [`stem_by_prefix`]; a test runs it with `node` over the word table and
//! the example archive and compares every result with this module.
//!
//! English and Russian Snowball are **not** ported. Decision: the planned
//! index ships, in the chunk a query word's first letters select anyway,
//! the table of the archive's normalised word forms with their stems, so a
//! form the archive has gets its exact Snowball stem from the table; a form
//! it does not have gets the longest stem of that chunk that is a prefix of
//! it ([`stem_by_prefix`]; for English also with a final `y` read as `i` or
//! an `e` added, the two ways Porter 2 writes a stem that is not a prefix).
//! Both Snowball stemmers only cut endings, so the stem of a new form is
//! nearly always a prefix of it: leaving each word of the example archive
//! out in turn, the rule finds the Snowball stem of 435 of 437 Russian and
//! all 188 English words whose stem another form keeps in the index (see
//! `tests`). Porting both Snowball algorithms and keeping them in step with
//! the crate would be about a thousand lines of JavaScript for those two
//! words; compiling Rust to WebAssembly would add a toolchain target to
//! every build and a binary to every site. Kazakh has no such shortcut:
//! its stems are not always prefixes (final voicing, the fleeting vowel),
//! and its rich morphology makes unseen forms the rule, not the exception;
//! the stemmer is small, so the browser runs the port.

pub mod index;
pub mod kazakh;
pub mod normalize;

use std::collections::BTreeSet;

use rust_stemmers::{Algorithm, Stemmer};

/// `search.js` as written, with a placeholder for the tables.
const SEARCH_JS_TEMPLATE: &str = include_str!("search.js");

/// The JavaScript port of [`normalize`], [`kazakh`] and [`stem_by_prefix`],
/// for the search page to ship: `search.js` with the letter and suffix
/// tables of the Rust modules filled in, so the two cannot drift apart.
pub fn search_js() -> String {
    let tables = format!(
        "{{\"normalize\":{},\"kazakh\":{}}}",
        normalize::tables_json(),
        kazakh::tables_json()
    );
    SEARCH_JS_TEMPLATE.replace("/* TABLES */ null", &tables)
}

/// [`search_js`], made once: the build ships it as a static file.
pub fn search_js_static() -> &'static str {
    static JS: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    JS.get_or_init(search_js)
}

/// How the words of one language are stemmed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stemming {
    /// Snowball English (Porter 2).
    English,
    /// Snowball Russian.
    Russian,
    /// This project's Kazakh stemmer, [`kazakh`].
    Kazakh,
    /// Not stemmed: the normalised word is the key.
    None,
}

impl Stemming {
    /// The stemming for a BCP 47 language code from `site.yaml`, by its
    /// primary language subtag (`en-GB` is English).
    pub fn for_language(lang: &str) -> Stemming {
        let primary = lang.split(['-', '_']).next().unwrap_or("");
        match primary.to_ascii_lowercase().as_str() {
            "en" => Stemming::English,
            "ru" => Stemming::Russian,
            "kk" => Stemming::Kazakh,
            _ => Stemming::None,
        }
    }
}

/// The stem of one word of the language `lang`, which must already be
/// normalised with [`normalize::normalize_word`] (or come from
/// [`normalize::tokens`]). Never empty for a non-empty word.
pub fn stem(lang: &str, word: &str) -> String {
    let stemmed = match Stemming::for_language(lang) {
        Stemming::English => Stemmer::create(Algorithm::English).stem(word).into_owned(),
        Stemming::Russian => russian(word),
        Stemming::Kazakh => kazakh::stem(word),
        Stemming::None => word.to_owned(),
    };
    // Snowball returns a non-empty stem for every word we have seen, but
    // nothing in its contract says so; an empty key would match nothing.
    if stemmed.is_empty() {
        word.to_owned()
    } else {
        stemmed
    }
}

/// The stem of `word` (normalised) found without a stemmer, among the
/// `stems` an index holds: the longest candidate that is in `stems`, where
/// the candidates are the prefixes of the word and, for English, each
/// prefix with a final `y` as `i` or with an `e` added (Porter 2 writes
/// «crying» as «cri» and «hoping» as «hope»). This is what the search page
/// does for English and Russian instead of running Snowball (see the
/// module documentation); `None` if no candidate is in `stems`.
pub fn stem_by_prefix<'a>(lang: &str, stems: &'a BTreeSet<String>, word: &str) -> Option<&'a str> {
    let english = Stemming::for_language(lang) == Stemming::English;
    let ends: Vec<usize> = word
        .char_indices()
        .map(|(at, c)| at + c.len_utf8())
        .collect();
    for &end in ends.iter().rev() {
        let prefix = &word[..end];
        let mut candidates = vec![prefix.to_owned()];
        if english {
            candidates.push(format!("{prefix}e"));
            if let Some(rest) = prefix.strip_suffix('y') {
                candidates.push(format!("{rest}i"));
            }
        }
        for candidate in candidates {
            if let Some(found) = stems.get(&candidate) {
                return Some(found);
            }
        }
    }
    None
}

/// Snowball Russian, and one step after it: the adjectives in «-ционный»
/// keep «-цион» in their Snowball stem («пробационного» → «пробацион»)
/// while their noun in «-ция» loses «-ия» («пробации» → «пробац»). The
/// step cuts «-ион» after «ц», so a reader searching «пробацией» finds
/// «пробационного» too (the example); the same holds for
/// «конституционный», «традиционный», «информационный».
///
/// Names of countries in «-стан» are their own stem: Snowball reads their
/// «-ан» as a verb ending and cuts the «н» of «Казахстан» but not of
/// «Казахстана» (and the «-ана» of «Казахстана» but not of «Казахстане»),
/// so one form would not find the others: their stem is the name.
fn russian(word: &str) -> String {
    if let Some(at) = word.rfind("стан") {
        let ending = &word[at + "стан".len()..];
        let cases = ["", "а", "у", "ом", "е", "ы", "ов", "ам", "ами", "ах"];
        if at >= 4 && cases.contains(&ending) {
            return word[..at + "стан".len()].to_owned();
        }
    }
    let mut stem = Stemmer::create(Algorithm::Russian).stem(word).into_owned();
    if stem.ends_with("цион") && stem.chars().count() > 5 {
        stem.truncate(stem.len() - "ион".len());
    }
    stem
}

/// The keys of `text` in the language `lang`: its words normalised and
/// stemmed, in order. What the index stores and what a query looks up.
pub fn keys(lang: &str, text: &str) -> Vec<String> {
    normalize::tokens(lang, text)
        .iter()
        .map(|word| stem(lang, word))
        .collect()
}

#[cfg(test)]
mod tests;
