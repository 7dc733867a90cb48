//! Slugs: the URL-safe names of releases, tags and pages, and heading ids.
//!
//! Editors write titles in English, Russian and Kazakh. A slug must read well in
//! an address bar and survive every web server, so Cyrillic is transliterated
//! instead of being percent-encoded. Each language follows one published
//! romanisation, applied to every letter, so that a reader can predict a slug
//! from a title (issue 19 found Kazakh slugs mixing the 2021 Latin alphabet with
//! the Russian table):
//!
//! - Kazakh: BGN/PCGN 1979, the system that covers all 42 letters of the
//!   Cyrillic alphabet, Russian loan letters included.
//! - Russian (and Cyrillic in any other language): BGN/PCGN 1947, with its rule
//!   that `е` and `ё` are written `ye` at the start of a word and after a vowel,
//!   `й`, `ъ` or `ь`.
//!
//! Both are folded to ASCII by one stated rule: diacritics are dropped
//! (`ä ö ü ū ī ė ë` → `a o u u i e e`) and the hard and soft signs, which the
//! systems write as `"` and `'`, are left out like any apostrophe. Kazakh's own
//! letters keep their Kazakh values in a title of another language (a Kazakh
//! name in a Russian release). The tables are in the README.

/// Turns a title into a slug: lower-case ASCII letters, digits and single hyphens.
///
/// `lang` chooses the romanisation of Cyrillic letters: BGN/PCGN for Kazakh
/// when it is `kk` (or `kk-…`), BGN/PCGN for Russian otherwise. Letters that
/// are neither Latin, nor Cyrillic, nor digits become word breaks.
pub fn slugify(title: &str, lang: &str) -> String {
    let kazakh = lang == "kk" || lang.starts_with("kk-");
    let mut out = String::with_capacity(title.len());
    // A pending hyphen is written only before the next letter, so slugs never
    // start or end with one and never contain two in a row.
    let mut pending_hyphen = false;
    // The previous character of the title, for Russian `е`/`ё` → `ye`.
    let mut previous: Option<char> = None;
    for ch in title.chars().flat_map(char::to_lowercase) {
        let before = previous.replace(ch);
        let piece: Option<&str> = if ch.is_ascii_alphanumeric() {
            None
        } else {
            match transliterate(ch, before, kazakh) {
                Some(latin) => Some(latin),
                None => {
                    if matches!(ch, '\'' | '’' | 'ʻ' | 'ʼ' | 'ъ' | 'ь') {
                        // Apostrophes (Uzbek `oʻ` and `gʻ` included) and
                        // hard/soft signs sit inside words ("Kazakhstan's",
                        // "объект"): drop them without a break.
                        continue;
                    }
                    pending_hyphen = true;
                    continue;
                }
            }
        };
        if pending_hyphen && !out.is_empty() {
            out.push('-');
        }
        pending_hyphen = false;
        match piece {
            Some(latin) => out.push_str(latin),
            None => out.push(ch),
        }
    }
    out
}

/// Whether `s` is already a valid slug: non-empty, lower-case ASCII letters,
/// digits and single inner hyphens. Used to validate tag keys and `slug:` fields.
pub fn is_valid_slug(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--")
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// The Kazakh alphabet's romanisation (BGN/PCGN 1979, folded to ASCII), in
/// alphabetical order. `ъ` and `ь` are absent: they are dropped.
pub const KAZAKH: &[(char, &str)] = &[
    ('а', "a"),
    ('ә', "a"),
    ('б', "b"),
    ('в', "v"),
    ('г', "g"),
    ('ғ', "gh"),
    ('д', "d"),
    ('е', "e"),
    ('ё', "yo"),
    ('ж', "zh"),
    ('з', "z"),
    ('и', "i"),
    ('й', "y"),
    ('к', "k"),
    ('қ', "q"),
    ('л', "l"),
    ('м', "m"),
    ('н', "n"),
    ('ң', "ng"),
    ('о', "o"),
    ('ө', "o"),
    ('п', "p"),
    ('р', "r"),
    ('с', "s"),
    ('т', "t"),
    ('у', "u"),
    ('ұ', "u"),
    ('ү', "u"),
    ('ф', "f"),
    ('х', "kh"),
    ('һ', "h"),
    ('ц', "ts"),
    ('ч', "ch"),
    ('ш', "sh"),
    ('щ', "shch"),
    ('ы', "y"),
    ('і', "i"),
    ('э', "e"),
    ('ю', "yu"),
    ('я', "ya"),
];

/// The Russian alphabet's romanisation (BGN/PCGN 1947, folded to ASCII), in
/// alphabetical order; `е` and `ё` become `ye` where [`ye_position`] says so.
/// `ъ` and `ь` are absent: they are dropped.
pub const RUSSIAN: &[(char, &str)] = &[
    ('а', "a"),
    ('б', "b"),
    ('в', "v"),
    ('г', "g"),
    ('д', "d"),
    ('е', "e"),
    ('ё', "e"),
    ('ж', "zh"),
    ('з', "z"),
    ('и', "i"),
    ('й', "y"),
    ('к', "k"),
    ('л', "l"),
    ('м', "m"),
    ('н', "n"),
    ('о', "o"),
    ('п', "p"),
    ('р', "r"),
    ('с', "s"),
    ('т', "t"),
    ('у', "u"),
    ('ф', "f"),
    ('х', "kh"),
    ('ц', "ts"),
    ('ч', "ch"),
    ('ш', "sh"),
    ('щ', "shch"),
    ('ы', "y"),
    ('э', "e"),
    ('ю', "yu"),
    ('я', "ya"),
];

/// Whether a Russian `е` or `ё` after `before` is written `ye`: at the start
/// of a word, and after a vowel, `й`, `ъ` or `ь` (BGN/PCGN 1947).
fn ye_position(before: Option<char>) -> bool {
    match before {
        None => true,
        Some(c) => !c.is_alphanumeric() || "аеёиоуыэюяйъь".contains(c) || "aeiouy".contains(c),
    }
}

fn lookup(table: &[(char, &'static str)], ch: char) -> Option<&'static str> {
    table
        .iter()
        .find(|(c, _)| *c == ch)
        .map(|(_, latin)| *latin)
}

fn transliterate(ch: char, before: Option<char>, kazakh: bool) -> Option<&'static str> {
    if kazakh {
        if let Some(latin) = lookup(KAZAKH, ch) {
            return Some(latin);
        }
    } else if matches!(ch, 'е' | 'ё') && ye_position(before) {
        return Some("ye");
    } else if let Some(latin) = lookup(RUSSIAN, ch).or_else(|| lookup(KAZAKH, ch)) {
        // Kazakh letters in a title of another language (a Kazakh name in a
        // Russian release) keep their Kazakh romanisation.
        return Some(latin);
    }
    Some(match ch {
        // Latin letters with diacritics common in names (Simkić, Zarudna).
        'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' | 'ā' => "a",
        'č' | 'ć' | 'ç' => "c",
        'é' | 'è' | 'ê' | 'ë' | 'ē' | 'ě' | 'ė' => "e",
        'í' | 'ì' | 'î' | 'ï' | 'ī' | 'ı' => "i",
        'ñ' | 'ń' | 'ň' => "n",
        'ó' | 'ò' | 'ô' | 'ö' | 'õ' | 'ø' | 'ō' => "o",
        'š' | 'ś' | 'ş' => "s",
        'ú' | 'ù' | 'û' | 'ü' | 'ū' | 'ů' => "u",
        'ý' | 'ÿ' => "y",
        'ž' | 'ź' | 'ż' => "z",
        'ğ' => "g",
        'đ' => "d",
        'ł' => "l",
        'ř' => "r",
        'ť' => "t",
        'ß' => "ss",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_titles() {
        assert_eq!(
            slugify("OSCE co-organizes forum on re-socialization", "en"),
            "osce-co-organizes-forum-on-re-socialization"
        );
        assert_eq!(
            slugify("Kazakhstan’s penitentiary system", "en"),
            "kazakhstans-penitentiary-system"
        );
        assert_eq!(slugify("  --Hello,   World!-- ", "en"), "hello-world");
        assert_eq!(slugify("“100 Concrete Steps”", "en"), "100-concrete-steps");
    }

    #[test]
    fn russian_titles_are_transliterated() {
        assert_eq!(
            slugify("Форум по ресоциализации осуждённых", "ru"),
            "forum-po-resotsializatsii-osuzhdennykh"
        );
        assert_eq!(slugify("Объявление", "ru"), "obyavleniye");
        assert_eq!(slugify("Европа и её соседи", "ru"), "yevropa-i-yeye-sosedi");
    }

    #[test]
    fn kazakh_letters_are_transliterated() {
        assert_eq!(slugify("Қазақстан", "kk"), "qazaqstan");
        assert_eq!(slugify("Қазақстан", "ru"), "qazaqstan");
        assert_eq!(
            slugify("Пробация және түзеу", "kk"),
            "probatsiya-zhane-tuzeu"
        );
        // One system for every letter: й and я alike (issue 19).
        assert_eq!(
            slugify("Семей, Шымкент, Жамбыл", "kk"),
            "semey-shymkent-zhambyl"
        );
        assert_eq!(slugify("Өскемен ауданы", "kk"), "oskemen-audany");
    }

    /// The whole Kazakh alphabet, capitals and small letters, against the
    /// BGN/PCGN 1979 table folded to ASCII.
    #[test]
    fn the_whole_kazakh_alphabet() {
        let small = "аәбвгғдеёжзийкқлмнңоөпрстуұүфхһцчшщъыіьэюя";
        let latin = [
            "a", "a", "b", "v", "g", "gh", "d", "e", "yo", "zh", "z", "i", "y", "k", "q", "l", "m",
            "n", "ng", "o", "o", "p", "r", "s", "t", "u", "u", "u", "f", "kh", "h", "ts", "ch",
            "sh", "shch", "", "y", "i", "", "e", "yu", "ya",
        ];
        assert_eq!(small.chars().count(), 42);
        for (letter, expected) in small.chars().zip(latin) {
            let upper: String = letter.to_uppercase().collect();
            // Between two a's, so that the hard and soft signs, which vanish,
            // still give a slug.
            assert_eq!(
                slugify(&format!("а{letter}а"), "kk"),
                format!("a{expected}a"),
                "{letter}"
            );
            assert_eq!(
                slugify(&format!("а{upper}а"), "kk"),
                format!("a{expected}a"),
                "{upper}"
            );
        }
        let table: String = KAZAKH.iter().map(|(c, _)| *c).collect();
        assert_eq!(table, small.replace(['ъ', 'ь'], ""));
    }

    /// The whole Russian alphabet against the BGN/PCGN 1947 table folded to
    /// ASCII, with `ye` at the start of a word and after vowels and signs.
    #[test]
    fn the_whole_russian_alphabet() {
        let small = "абвгдеёжзийклмнопрстуфхцчшщъыьэюя";
        let latin = [
            "b", "v", "g", "d", "e", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p", "r",
            "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya",
        ];
        assert_eq!(small.chars().count(), 33);
        // After a consonant, where `е` and `ё` are plain `e`.
        for (letter, expected) in small.chars().skip(1).zip(latin) {
            let upper: String = letter.to_uppercase().collect();
            assert_eq!(
                slugify(&format!("б{letter}б"), "ru"),
                format!("b{expected}b"),
                "{letter}"
            );
            assert_eq!(
                slugify(&format!("б{upper}б"), "ru"),
                format!("b{expected}b"),
                "{upper}"
            );
        }
        assert_eq!(slugify("а", "ru"), "a");
        for (word, slug) in [
            ("Ельцин", "yeltsin"),
            ("ёлка", "yelka"),
            ("проект", "proyekt"),
            ("объект", "obyekt"),
            ("подъём", "podyem"),
            ("бельё", "belye"),
            ("майем", "mayyem"),
            ("осуждённых", "osuzhdennykh"),
        ] {
            assert_eq!(slugify(word, "ru"), slug, "{word}");
        }
        let table: String = RUSSIAN.iter().map(|(c, _)| *c).collect();
        assert_eq!(table, small.replace(['ъ', 'ь'], ""));
    }

    #[test]
    fn titles_without_letters_give_an_empty_slug() {
        assert_eq!(slugify("—?!", "en"), "");
        assert_eq!(slugify("", "ru"), "");
    }

    #[test]
    fn validity() {
        assert!(is_valid_slug("prison-reform"));
        assert!(is_valid_slug("2015"));
        assert!(!is_valid_slug(""));
        assert!(!is_valid_slug("Prison"));
        assert!(!is_valid_slug("a--b"));
        assert!(!is_valid_slug("-a"));
        assert!(!is_valid_slug("../etc"));
        assert!(!is_valid_slug("a/b"));
    }

    #[test]
    fn slugs_are_always_valid_or_empty() {
        for title in [
            "Ёлка и ЁЖ",
            "A  –  B",
            "Ünïcödé ñame",
            "x'y",
            "日本語 text",
            "Oʻzbekiston",
            "السجون",
        ] {
            for lang in ["en", "ru", "kk"] {
                let slug = slugify(title, lang);
                assert!(slug.is_empty() || is_valid_slug(&slug), "{title} → {slug}");
            }
        }
    }
}
