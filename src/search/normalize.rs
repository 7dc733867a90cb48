//! The one normalisation that runs on the text of a release when the index is
//! built and on the reader's query when they search: words are cut at Unicode
//! word boundaries and each word is put into one canonical spelling, so that
//! the same word typed differently is the same key.
//!
//! The steps, in order, for every word (see [`normalize_word`]):
//!
//! 1. **NFC.** «й» typed as «и» + U+0306, or «ә» as «а» + U+0308, becomes the
//!    single precomposed letter, whatever keyboard or PDF the text came from.
//! 2. **Invisible and apostrophe characters.** Soft hyphens and zero-width
//!    joiners, which PDFs and word processors leave inside words, are removed;
//!    the typographic apostrophes `’` and `ʼ` become `'`.
//! 3. **Latin look-alikes inside a Cyrillic word** are folded to Cyrillic
//!    ([`LOOKALIKES`]): «Kазақстан» with a Latin `K` is «Қазақстан»'s
//!    neighbour «Казақстан», not a Latin word. The fold only happens when the
//!    word has a Cyrillic letter *and* every Latin letter in it has a Cyrillic
//!    twin, so genuinely mixed words (a code, a brand) and all-Latin words
//!    («cop», «pressroom») are left alone. It runs before lower-casing
//!    because some twins exist only in capitals (`B`/`В`, `H`/`Н`, `M`/`М`,
//!    `T`/`Т`), and lower-case `h` is the twin of Kazakh `һ`, not of `н`.
//! 4. **Lower-casing per language** with ICU4X's full case mapping for the
//!    page's language (so a Turkish site would get its dotless ı). Capital
//!    `İ` lowers to `i` + U+0307 outside Turkish and Azerbaijani; the dot is
//!    dropped, because no language of this archive distinguishes it.
//!    Kazakh `І`/`і` (U+0406/U+0456) are ordinary Cyrillic letters and lower
//!    like any other.
//! 5. **`ё` → `е`.** Russian writes `ё` optionally; readers type `е`. This
//!    merges the few pairs that differ only there («все»/«всё»), which every
//!    Russian search engine accepts for the same reason.
//!
//! What is deliberately **not** folded: the nine Kazakh letters
//! (ә ғ қ ң ө ұ ү һ і) are never replaced by the Russian letters people type
//! for them on a Russian keyboard, because that would merge words a reader
//! tells apart: «ұн» (flour) and «үн» (voice) would both be «ун», «он» (ten)
//! and «оң» (right) would be one word, as would «сан» (number) and «сән»
//! (fashion). Instead [`russian_keyboard_key`] gives a second, looser key,
//! which the index can use only for a query word that has none of those
//! letters (the reader could not type them, so could not have meant the
//! difference either).

use std::borrow::Cow;

use icu::casemap::CaseMapperBorrowed;
use icu::locale::LanguageIdentifier;
use unicode_normalization::{IsNormalized, UnicodeNormalization};
use unicode_segmentation::UnicodeSegmentation;

/// Latin letters that look like a Cyrillic letter, with that letter: the
/// table of step 3. Capitals and small letters are listed separately because
/// the shapes differ (`B` looks like `В`, `b` like nothing). `y`/`Y` go to
/// `у`/`У`, the letter people mean in both Russian and Kazakh; `h` goes to
/// Kazakh `һ`, `H` to `Н`; Latin schwa `ə` and barred `ɵ` (on Azerbaijani
/// and some Kazakh Latin layouts) go to Kazakh `ә` and `ө`; `i`/`I`/`İ` go to
/// Kazakh/Ukrainian `і`/`І`.
pub const LOOKALIKES: &[(char, char)] = &[
    ('a', 'а'),
    ('c', 'с'),
    ('e', 'е'),
    ('h', 'һ'),
    ('i', 'і'),
    ('k', 'к'),
    ('o', 'о'),
    ('p', 'р'),
    ('x', 'х'),
    ('y', 'у'),
    ('ə', 'ә'),
    ('ɵ', 'ө'),
    ('A', 'А'),
    ('B', 'В'),
    ('C', 'С'),
    ('E', 'Е'),
    ('H', 'Н'),
    ('I', 'І'),
    ('İ', 'І'),
    ('K', 'К'),
    ('M', 'М'),
    ('O', 'О'),
    ('P', 'Р'),
    ('T', 'Т'),
    ('X', 'Х'),
    ('Y', 'У'),
    ('Ə', 'Ә'),
    ('Ɵ', 'Ө'),
];

/// The Kazakh letters and the Russian letter typed for each on a Russian
/// keyboard: the fold of [`russian_keyboard_key`].
pub const KAZAKH_SUBSTITUTES: &[(char, char)] = &[
    ('ә', 'а'),
    ('ғ', 'г'),
    ('қ', 'к'),
    ('ң', 'н'),
    ('ө', 'о'),
    ('ұ', 'у'),
    ('ү', 'у'),
    ('һ', 'х'),
    ('і', 'и'),
];

/// The words of `text` in the language `lang` (a BCP 47 code such as `kk`),
/// each normalised with [`normalize_word`], in order. Words are cut at
/// Unicode (UAX #29) word boundaries, so punctuation, spaces and symbols
/// never become words, a hyphen separates («БҰҰ-ның» is «бұұ», «ның»), and
/// an apostrophe or a decimal point inside a word does not («Kazakhstan's»,
/// «4,2»).
pub fn tokens(lang: &str, text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for_each_token(lang, text, |word| out.push(word.into_owned()));
    out
}

/// [`tokens`] without a `String` per word: calls `f` with each word of
/// `text`, normalised, in order. The index reads every word of every
/// document this way; most words are already canonical and are passed as
/// the slice of `text` they are (so a caller may keep them without a copy),
/// and only the others are rebuilt.
pub fn for_each_token<'a>(lang: &str, text: &'a str, mut f: impl FnMut(Cow<'a, str>)) {
    let case = Case::new(lang);
    if simple_words(text, &mut |word: &'a str, plain: bool| {
        if let Some(word) = normalized(&case, word, plain) {
            f(word);
        }
    }) {
        return;
    }
    // Cutting words from the NFC text, as a reader's query is: a quick
    // check settles nearly every text without a copy.
    let text: Cow<'_, str> =
        if unicode_normalization::is_nfc_quick(text.chars()) == IsNormalized::Yes {
            Cow::Borrowed(text)
        } else {
            Cow::Owned(text.nfc().collect())
        };
    for word in text.unicode_words() {
        // The words borrow the NFC copy, which this call drops.
        if let Some(word) = normalized(&case, word, is_plain(word)) {
            f(Cow::Owned(word.into_owned()));
        }
    }
}

/// `word` in its canonical spelling, itself when it is `plain`
/// ([`is_plain`]); `None` when nothing of it is left.
fn normalized<'w>(case: &Case, word: &'w str, plain: bool) -> Option<Cow<'w, str>> {
    if plain {
        return Some(Cow::Borrowed(word));
    }
    let word = case.normalize(word);
    (!word.is_empty()).then_some(Cow::Owned(word))
}

/// What a character is to [`simple_words`]: the word-break classes of
/// UAX #29 that its alphabet has.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    /// ALetter: ASCII and Cyrillic letters.
    Letter,
    /// Numeric: ASCII digits.
    Digit,
    /// MidLetter: `:`.
    MidLetter,
    /// MidNumLet and Single_Quote: `.`, `'`, `’`.
    MidNumLet,
    /// MidNum: `,`, `;`.
    MidNum,
    /// ExtendNumLet: `_`.
    Underscore,
    /// Anything that breaks on both sides: spaces, other punctuation.
    Other,
}

/// The class of `c` if it is in the alphabet [`simple_words`] knows: ASCII
/// (but control characters other than tab and line breaks), Latin-1
/// punctuation, Cyrillic letters and the common typographic punctuation.
/// All of them are starters that NFC keeps, so a text of them is in NFC.
fn class(c: char) -> Option<Class> {
    info(c).map(|(k, _)| k)
}

/// What [`is_plain`] makes of a character: a small ASCII letter, a small
/// Russian or Kazakh letter but `ё`, or anything else but a digit.
const PLAIN_LATIN: u8 = 1;
const PLAIN_CYRILLIC: u8 = 2;
const NOT_PLAIN: u8 = 4;

/// [`class`] of `c` with its [`is_plain`] flag (0 for a digit).
fn info(c: char) -> Option<(Class, u8)> {
    // Most characters of a text are ASCII: one table look-up.
    if let Some(&k) = ASCII_INFO.get(c as usize) {
        return k;
    }
    Some(match c {
        '’' => (Class::MidNumLet, NOT_PLAIN),
        '«' | '»' | '–' | '—' | '“' | '”' | '„' | '…' => (Class::Other, NOT_PLAIN),
        'а'..='я' | 'ђ'..='џ' | 'ә' | 'ғ' | 'қ' | 'ң' | 'ө' | 'ұ' | 'ү' | 'һ' => {
            (Class::Letter, PLAIN_CYRILLIC)
        }
        // Cyrillic and Cyrillic Supplement letters: the blocks without the
        // thousands sign U+0482 and the combining marks U+0483–U+0489.
        '\u{400}'..='\u{481}' | '\u{48a}'..='\u{52f}' => (Class::Letter, NOT_PLAIN),
        _ => return None,
    })
}

/// [`info`] of each ASCII character.
const ASCII_INFO: [Option<(Class, u8)>; 128] = {
    let mut table = [None; 128];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        let class = match c {
            b'a'..=b'z' | b'A'..=b'Z' => Class::Letter,
            b'0'..=b'9' => Class::Digit,
            b':' => Class::MidLetter,
            b'.' | b'\'' => Class::MidNumLet,
            b',' | b';' => Class::MidNum,
            b'_' => Class::Underscore,
            b'\t' | b'\n' | b'\r' | b' '..=b'~' => Class::Other,
            // Other control characters.
            _ => {
                b += 1;
                continue;
            }
        };
        let flag = match c {
            b'a'..=b'z' => PLAIN_LATIN,
            b'0'..=b'9' => 0,
            _ => NOT_PLAIN,
        };
        table[b] = Some((class, flag));
        b += 1;
    }
    table
};

/// Cuts `text` into words as UAX #29 does when every character is in the
/// alphabet of [`class`], and calls `f` with each (not normalised) and
/// whether it [`is_plain`]; returns false, having called nothing, when a
/// character is not. Letters
/// and digits join; a `:`, `.` or apostrophe between two letters and a `.`,
/// apostrophe, `,` or `;` between two digits stays inside the word
/// (rules WB6, WB7, WB11, WB12); `_` joins what it touches (WB13a, WB13b).
/// The words of a release are nearly all of this alphabet, and this is
/// several times faster than the general segmentation; a test checks the
/// two agree.
fn simple_words<'a>(text: &'a str, f: &mut impl FnMut(&'a str, bool)) -> bool {
    // Each character's offset, class and plain flag, all of them first: a
    // word must not be passed on before the text is known to be of this
    // alphabet, and the rules below look up to two characters ahead.
    let Ok(len) = u32::try_from(text.len()) else {
        return false;
    };
    let mut chars: Vec<(u32, Class, u8)> = Vec::with_capacity(text.len());
    for (at, c) in text.char_indices() {
        match info(c) {
            // `at` < `len`, which fits.
            Some((k, flag)) => chars.push((at as u32, k, flag)),
            None => return false,
        }
    }
    let wordy = |k: Class| matches!(k, Class::Letter | Class::Digit | Class::Underscore);
    let class_at = |i: usize| chars.get(i).map(|&(_, k, _)| k);
    // The word being read: where it starts, whether it has a letter or
    // digit, and its characters' plain flags together.
    let mut start: Option<(usize, bool, u8)> = None;
    let mut i = 0;
    while let Some(&(at, k, flag)) = chars.get(i) {
        if start.is_none() {
            if !wordy(k) {
                i += 1;
                continue;
            }
            start = Some((at as usize, false, 0));
        }
        // A middle character joins, and is stepped over, only between two
        // letters or two digits.
        let (joins, step) = match (k, class_at(i + 1)) {
            // WB5, WB8–WB10, WB13a, WB13b.
            (_, Some(n)) if wordy(n) => (true, 1),
            (Class::Letter, Some(Class::MidLetter | Class::MidNumLet))
                if class_at(i + 2) == Some(Class::Letter) =>
            {
                (true, 2)
            }
            (Class::Digit, Some(Class::MidNum | Class::MidNumLet))
                if class_at(i + 2) == Some(Class::Digit) =>
            {
                (true, 2)
            }
            _ => (false, 1),
        };
        if let Some((_, alnum, flags)) = start.as_mut() {
            *alnum |= k != Class::Underscore;
            *flags |= flag;
            if step == 2 {
                // The middle character stepped over is in the word.
                *flags |= NOT_PLAIN;
            }
        }
        if !joins && let Some((from, alnum, flags)) = start.take() {
            let end = chars.get(i + 1).map_or(len, |&(at, _, _)| at) as usize;
            if alnum {
                f(&text[from..end], plain(flags));
            }
        }
        i += step;
    }
    true
}

/// Whether `word` is made only of characters that [`Case::normalize`]
/// leaves alone in any order (small ASCII letters and digits, small
/// Russian and Kazakh letters but `ё`) and does not mix Latin and Cyrillic:
/// a shortcut for [`is_canonical`], which checks each character's case
/// mapping and the word's NFC form. Every such character is a starter that
/// NFC keeps, so a word of them is in NFC.
fn is_plain(word: &str) -> bool {
    word.chars()
        .try_fold(0, |flags, c| info(c).map(|(_, flag)| flags | flag))
        .is_some_and(plain)
}

/// Whether a word whose characters' [`info`] flags together are `flags` is
/// plain: no character but small letters and digits, and not Latin and
/// Cyrillic mixed.
fn plain(flags: u8) -> bool {
    flags & NOT_PLAIN == 0 && flags != PLAIN_LATIN | PLAIN_CYRILLIC
}

/// One word in its canonical spelling for the language `lang`: steps 1–5 of
/// the module documentation. Used on each word of a query as well as by
/// [`tokens`].
pub fn normalize_word(lang: &str, word: &str) -> String {
    Case::new(lang).normalize(word)
}

/// The looser key of an already normalised Kazakh word, for a reader typing
/// on a Russian keyboard: each Kazakh letter is replaced by the Russian one
/// typed for it ([`KAZAKH_SUBSTITUTES`]), so «Қазақстан» and «Казакстан»
/// have the same key. Not a normalisation step: it merges real words (see
/// the module documentation), so it is only for a query word in which
/// [`has_kazakh_letters`] is false.
pub fn russian_keyboard_key(word: &str) -> String {
    word.chars().map(kazakh_substitute).collect()
}

/// Whether `word` has one of the nine Kazakh-specific letters (either case).
pub fn has_kazakh_letters(word: &str) -> bool {
    word.chars()
        .flat_map(char::to_lowercase)
        .any(|c| kazakh_substitute(c) != c)
}

/// The normaliser's tables as JSON, for the JavaScript port.
pub(crate) fn tables_json() -> String {
    serde_json::json!({
        "lookalikes": LOOKALIKES,
        "substitutes": KAZAKH_SUBSTITUTES,
    })
    .to_string()
}

/// The Russian letter typed for a Kazakh one; any other letter unchanged.
pub(crate) fn kazakh_substitute(c: char) -> char {
    KAZAKH_SUBSTITUTES
        .iter()
        .find(|(kazakh, _)| *kazakh == c)
        .map_or(c, |(_, russian)| *russian)
}

/// The case mapper with the language it lowers for.
struct Case {
    mapper: CaseMapperBorrowed<'static>,
    langid: LanguageIdentifier,
    /// Whether the language lowers by the root rules: all but Turkish,
    /// Azerbaijani and Lithuanian, which ICU4X treats specially.
    root_rules: bool,
}

impl Case {
    fn new(lang: &str) -> Case {
        Case {
            mapper: CaseMapperBorrowed::new(),
            // An unknown or malformed code lowers with the root rules, which
            // are right for every language but Turkish, Azerbaijani and
            // Lithuanian.
            langid: lang.parse().unwrap_or(LanguageIdentifier::UNKNOWN),
            root_rules: !matches!(
                lang.split(['-', '_'])
                    .next()
                    .unwrap_or("")
                    .to_ascii_lowercase()
                    .as_str(),
                "tr" | "az" | "lt"
            ),
        }
    }

    fn normalize(&self, word: &str) -> String {
        if let Some(lower) = self.simple_lower(word) {
            lower
        } else if is_canonical(word) {
            word.to_owned()
        } else {
            self.rebuild(word)
        }
    }

    /// Steps 1–5 for a word of ASCII letters and digits or of Cyrillic
    /// letters and digits (a capitalised word, mostly), in a language whose
    /// lower-casing has no special rules: each letter lowers to one letter,
    /// as the root rules ICU4X applies lower it, and `ё` becomes `е`.
    /// Nothing to fold, nothing invisible, and NFC already (see
    /// [`class`]). `None` for any other word.
    fn simple_lower(&self, word: &str) -> Option<String> {
        if !self.root_rules {
            return None;
        }
        let (mut cyrillic, mut latin) = (false, false);
        let mut out = String::with_capacity(word.len());
        for c in word.chars() {
            match class(c) {
                Some(Class::Letter) => {
                    if c.is_ascii() {
                        latin = true;
                    } else {
                        cyrillic = true;
                    }
                }
                Some(Class::Digit) => {}
                _ => return None,
            }
            // Small letters and the capitals of most words without the
            // case tables (a binary search per character).
            let l = match c {
                'a'..='z' | '0'..='9' | 'а'..='я' => c,
                'A'..='Z' => c.to_ascii_lowercase(),
                // А–Я to а–я: one block, 32 code points apart.
                'А'..='Я' => char::from_u32(u32::from(c) + 0x20)?,
                _ => {
                    let mut lower = c.to_lowercase();
                    let l = lower.next()?;
                    if lower.next().is_some() {
                        return None;
                    }
                    l
                }
            };
            out.push(if l == 'ё' { 'е' } else { l });
        }
        (!(cyrillic && latin)).then_some(out)
    }

    /// Steps 1–5, the long way.
    fn rebuild(&self, word: &str) -> String {
        let word: Cow<'_, str> = if unicode_normalization::is_nfc(word) {
            Cow::Borrowed(word)
        } else {
            Cow::Owned(word.nfc().collect())
        };
        let cleaned: String = word
            .chars()
            .filter(|c| !is_invisible(*c))
            .map(|c| if matches!(c, '’' | 'ʼ') { '\'' } else { c })
            .collect();
        let folded = fold_lookalikes(&cleaned);
        let lower = self.mapper.lowercase_to_string(&folded, &self.langid);
        let mut out = String::with_capacity(lower.len());
        let mut previous = None;
        for c in lower.chars() {
            // The dot of a lowered `İ` (and of `İ` folded to `І`, which
            // lowers to `і` with no dot to add).
            if c == '\u{307}' && matches!(previous, Some('i' | 'і')) {
                continue;
            }
            let c = if c == 'ё' { 'е' } else { c };
            out.push(c);
            previous = Some(c);
        }
        if unicode_normalization::is_nfc(&out) {
            out
        } else {
            out.nfc().collect()
        }
    }
}

/// Whether `word` is already what [`Case::normalize`] makes of it, as most
/// words of a text are: checking is cheaper than rebuilding. Every
/// character lowers to itself (then no language's case rules change it:
/// their special cases all start from a capital), nothing is invisible,
/// an apostrophe, `ё` or a combining dot, there is nothing to fold (not
/// Latin and Cyrillic together), and the word is in NFC.
fn is_canonical(word: &str) -> bool {
    let (mut cyrillic, mut latin) = (false, false);
    for c in word.chars() {
        let mut lower = c.to_lowercase();
        if lower.next() != Some(c) || lower.next().is_some() {
            return false;
        }
        if is_invisible(c) || matches!(c, '’' | 'ʼ' | 'ё' | '\u{307}') {
            return false;
        }
        cyrillic |= is_cyrillic(c);
        latin |= is_latin(c);
    }
    !(cyrillic && latin) && unicode_normalization::is_nfc(word)
}

/// Characters that are invisible inside a word: soft hyphen, zero-width
/// non-joiner and joiner, word joiner, byte-order mark.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{ad}' | '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{2060}' | '\u{feff}'
    )
}

/// Step 3: Latin look-alikes to Cyrillic, only in a word that has a Cyrillic
/// letter and no Latin letter without a twin.
fn fold_lookalikes(word: &str) -> Cow<'_, str> {
    let has_cyrillic = word.chars().any(is_cyrillic);
    let has_latin = word.chars().any(is_latin);
    if !has_cyrillic || !has_latin {
        return Cow::Borrowed(word);
    }
    if word.chars().any(|c| is_latin(c) && twin(c).is_none()) {
        return Cow::Borrowed(word);
    }
    Cow::Owned(word.chars().map(|c| twin(c).unwrap_or(c)).collect())
}

fn twin(c: char) -> Option<char> {
    LOOKALIKES
        .iter()
        .find(|(latin, _)| *latin == c)
        .map(|(_, cyrillic)| *cyrillic)
}

fn is_cyrillic(c: char) -> bool {
    matches!(c, '\u{400}'..='\u{4ff}' | '\u{500}'..='\u{52f}')
}

/// Latin letters: ASCII, Latin-1 and the Latin Extended blocks, where the
/// look-alikes live (`ə` and `ɵ` are in IPA Extensions).
fn is_latin(c: char) -> bool {
    c.is_ascii_alphabetic()
        || (matches!(c, '\u{c0}'..='\u{24f}' | '\u{250}'..='\u{2af}' | '\u{1e00}'..='\u{1eff}')
            && c.is_alphabetic())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nfd_and_nfc_input_give_the_same_word() {
        // «әй» with ә as а + U+0308 and й as и + U+0306.
        let nfd = "\u{410}\u{308}\u{418}\u{306}";
        let nfc = "Ӓ\u{419}";
        assert_ne!(nfd, nfc);
        assert_eq!(normalize_word("kk", nfd), normalize_word("kk", nfc));
        assert_eq!(normalize_word("kk", nfc), "ӓй");
        // Kazakh ә (U+04D9) has no decomposition; it stays itself.
        assert_eq!(normalize_word("kk", "ӘЙ"), "әй");
        let tokens_nfd = tokens("ru", "Йошкар-Ола и\u{306}од");
        assert_eq!(tokens_nfd, ["йошкар", "ола", "йод"]);
    }

    proptest::proptest! {
        // The shortcut for words that are already canonical never changes
        // a result: any text, and words mixing cases, scripts, ё, NFD and
        // the look-alikes.
        #[test]
        fn the_shortcut_agrees_with_the_long_way(
            word in "(\\PC{0,12}|[aAcCeEhHiIkKoOpPxXyYBMTəɵİаАеЕёЁоОіІқҚәӘ\u{306}\u{307}\u{308}\u{ad}’s]{0,12})",
            lang in "(en|ru|kk|tr|lt)",
        ) {
            let case = Case::new(&lang);
            proptest::prop_assert_eq!(case.normalize(&word), case.rebuild(&word));
        }
    }

    #[test]
    fn capitals_lower_as_the_case_tables_say() {
        let case = Case::new("ru");
        for c in ('A'..='Z').chain('\u{400}'..='\u{52f}') {
            let word = format!("{c}ок");
            if case.simple_lower(&word).is_some() {
                assert_eq!(case.normalize(&word), case.rebuild(&word), "{c:?}");
            }
        }
    }

    /// The words of `text` the long way: the whole text to NFC, every word
    /// through [`Case::rebuild`]. What [`tokens`]' shortcuts must agree with.
    fn tokens_the_long_way(lang: &str, text: &str) -> Vec<String> {
        let text: String = text.nfc().collect();
        let case = Case::new(lang);
        text.unicode_words()
            .map(|word| case.rebuild(word))
            .filter(|word| !word.is_empty())
            .collect()
    }

    proptest::proptest! {
        // Words of every kind the shortcuts treat differently: plain small
        // letters, capitals, ё, Latin beside Cyrillic, NFD marks, invisible
        // characters, apostrophes, digits and punctuation between them.
        #[test]
        fn tokens_agree_with_the_long_way(
            text in "(\\PC{0,40}|[a-zA-Z0-9аяёЁђџәӘқҚіІ\u{450}\u{45d}\u{482}\u{306}\u{308}\u{ad}’'\n .,:;_«»—-]{0,40})",
            lang in "(en|ru|kk|tr)",
        ) {
            proptest::prop_assert_eq!(tokens(&lang, &text), tokens_the_long_way(&lang, &text));
        }
    }

    /// Every text of up to four characters from one of each class the
    /// shortcut knows, and some it does not: the word-break rules look at
    /// most two characters either side, so this covers every rule.
    #[test]
    fn tokens_agree_with_the_long_way_on_every_short_text() {
        let alphabet = [
            "a", "Я", "1", ":", ".", "'", "’", ",", ";", "_", " ", "«", "Ё", "I", "\u{308}",
        ];
        let mut texts = vec![String::new()];
        for _ in 0..4 {
            let longer: Vec<String> = texts
                .iter()
                .filter(|t| t.chars().count() == texts.last().map_or(0, |l| l.chars().count()))
                .flat_map(|t| alphabet.iter().map(move |c| format!("{t}{c}")))
                .collect();
            texts.extend(longer);
        }
        assert!(texts.len() > 50_000);
        // The alphabet with the plain letters of each script, for the
        // plain flag the shortcut works out as it cuts.
        let plain_alphabet = ["a", "я", "қ", "ё", "1", ".", "_", " ", "Z"];
        let mut plain_texts = vec![String::new()];
        for _ in 0..5 {
            let longer: Vec<String> = plain_texts
                .iter()
                .flat_map(|t| plain_alphabet.iter().map(move |c| format!("{t}{c}")))
                .collect();
            plain_texts = longer;
            for text in &plain_texts {
                simple_words(text, &mut |word, plain| {
                    assert_eq!(plain, is_plain(word), "{word:?} in {text:?}");
                });
            }
        }
        for text in &texts {
            for lang in ["ru", "tr"] {
                assert_eq!(
                    tokens(lang, text),
                    tokens_the_long_way(lang, text),
                    "{text:?}"
                );
            }
        }
    }

    #[test]
    fn plain_words_are_canonical_and_others_are_not_plain() {
        for word in ["пробация", "қазақстан", "2011", "ђурђевдан", "probation"]
        {
            assert!(is_plain(word), "{word}");
            assert!(is_canonical(word), "{word}");
        }
        for word in ["Пробация", "всё", "kазақ", "it's", "и\u{306}"] {
            assert!(!is_plain(word), "{word}");
        }
    }

    #[test]
    fn yo_becomes_ye() {
        assert_eq!(normalize_word("ru", "Ёлка"), "елка");
        assert_eq!(normalize_word("ru", "всё"), normalize_word("ru", "все"));
    }

    #[test]
    fn latin_lookalikes_inside_cyrillic_words_are_folded() {
        // Latin K, a, e, o, p, c inside Cyrillic words.
        assert_eq!(normalize_word("kk", "Kазақстан"), "казақстан");
        assert_eq!(normalize_word("ru", "пpoбaция"), "пробация");
        assert_eq!(normalize_word("ru", "Cуд"), "суд");
        // Capital-only twins: B, H, M, T.
        assert_eq!(normalize_word("ru", "BТОРНИК"), "вторник");
        assert_eq!(normalize_word("ru", "HАРОД"), "народ");
        assert_eq!(normalize_word("ru", "MИР"), "мир");
        assert_eq!(normalize_word("ru", "TЮРЬМА"), "тюрьма");
        // Kazakh letters typed with Latin ones: i for і, ə for ә, h for һ.
        assert_eq!(normalize_word("kk", "iшкі"), "ішкі");
        assert_eq!(normalize_word("kk", "Iшкі"), "ішкі");
        assert_eq!(normalize_word("kk", "İшкі"), "ішкі");
        assert_eq!(normalize_word("kk", "əділет"), "әділет");
        assert_eq!(normalize_word("kk", "шаhар"), "шаһар");
        assert_eq!(normalize_word("kk", "ɵкіл"), "өкіл");
    }

    #[test]
    fn latin_words_and_mixed_codes_are_not_folded() {
        assert_eq!(normalize_word("en", "cop"), "cop");
        assert_eq!(normalize_word("kk", "pressroom"), "pressroom");
        // `s` and `r` have no Cyrillic twin: a mixed code stays as written.
        assert_eq!(normalize_word("ru", "sрок"), "sрок");
        assert_eq!(normalize_word("ru", "Фr"), "фr");
    }

    #[test]
    fn kazakh_letters_lower_and_dotted_capital_i_loses_its_dot() {
        assert_eq!(normalize_word("kk", "ІШКІ"), "ішкі");
        assert_eq!(normalize_word("kk", "ӘҒҚҢӨҰҮҺІ"), "әғқңөұүһі");
        assert_eq!(normalize_word("en", "İstanbul"), "istanbul");
        assert_eq!(normalize_word("kk", "İstanbul"), "istanbul");
        // Turkish keeps its own rules: capital I is dotless ı there.
        assert_eq!(normalize_word("tr", "IRMAK"), "ırmak");
    }

    #[test]
    fn tokens_drop_punctuation_and_split_at_hyphens() {
        assert_eq!(
            tokens("kk", "«ЕҚЫҰ-ның» — Астанадағы, 2011 жылғы (4,2%)!"),
            ["еқыұ", "ның", "астанадағы", "2011", "жылғы", "4,2"]
        );
        assert_eq!(
            tokens("en", "Kazakhstan’s prisons."),
            ["kazakhstan's", "prisons"]
        );
        assert_eq!(tokens("ru", "про\u{ad}бация"), ["пробация"]);
        assert!(tokens("en", " — … !? ").is_empty());
    }

    #[test]
    fn russian_keyboard_key_folds_only_the_kazakh_letters() {
        assert_eq!(russian_keyboard_key("қазақстан"), "казакстан");
        assert_eq!(russian_keyboard_key("әңгімелеп"), "ангимелеп");
        assert_eq!(russian_keyboard_key("ұн"), russian_keyboard_key("үн"));
        assert!(has_kazakh_letters("Қазақстан"));
        assert!(has_kazakh_letters("ІС"));
        assert!(!has_kazakh_letters("конференция"));
        // The normalisation itself keeps ұн and үн apart.
        assert_ne!(normalize_word("kk", "ұн"), normalize_word("kk", "үн"));
        assert_ne!(normalize_word("kk", "он"), normalize_word("kk", "оң"));
    }
}
