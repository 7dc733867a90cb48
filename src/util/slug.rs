//! Slugs: the URL-safe names of releases, tags and pages.
//!
//! Editors write titles in English, Russian and Kazakh. A slug must read well in
//! an address bar and survive every web server, so Cyrillic is transliterated by a
//! per-language table instead of being percent-encoded. Kazakh uses the Russian
//! alphabet plus nine letters of its own (ә ғ қ ң ө ұ ү һ і); those get their own
//! romanisation, and a few shared letters read differently in Kazakh (for example
//! `х` is `kh` in Russian but `h` in the Kazakh Latin alphabet of 2021).

/// Turns a title into a slug: lower-case ASCII letters, digits and single hyphens.
///
/// `lang` chooses the transliteration table for Cyrillic letters; any language
/// other than `kk` uses the Russian table, which also covers Ukrainian-free
/// Russian text found in Kazakh titles. Letters that are neither Latin, nor
/// Cyrillic, nor digits become word breaks.
pub fn slugify(title: &str, lang: &str) -> String {
    let kazakh = lang == "kk" || lang.starts_with("kk-");
    let mut out = String::with_capacity(title.len());
    // A pending hyphen is written only before the next letter, so slugs never
    // start or end with one and never contain two in a row.
    let mut pending_hyphen = false;
    for ch in title.chars().flat_map(char::to_lowercase) {
        let piece: Option<&str> = if ch.is_ascii_alphanumeric() {
            None
        } else {
            match transliterate(ch, kazakh) {
                Some(latin) => Some(latin),
                None => {
                    if ch == '\'' || ch == '’' || ch == 'ъ' || ch == 'ь' {
                        // Apostrophes and hard/soft signs sit inside words
                        // ("Kazakhstan's", "объект"): drop them without a break.
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

fn transliterate(ch: char, kazakh: bool) -> Option<&'static str> {
    if kazakh {
        // Kazakh letters first; the letters shared with Russian that Kazakh
        // romanises differently come next.
        let kk = match ch {
            'ә' => Some("a"),
            'ғ' => Some("g"),
            'қ' => Some("q"),
            'ң' => Some("n"),
            'ө' => Some("o"),
            'ұ' => Some("u"),
            'ү' => Some("u"),
            'һ' => Some("h"),
            'і' => Some("i"),
            'х' => Some("h"),
            'у' => Some("u"),
            'и' => Some("i"),
            'й' => Some("i"),
            'ы' => Some("y"),
            _ => None,
        };
        if kk.is_some() {
            return kk;
        }
    }
    Some(match ch {
        'а' => "a",
        'б' => "b",
        'в' => "v",
        'г' => "g",
        'д' => "d",
        'е' => "e",
        'ё' => "e",
        'ж' => "zh",
        'з' => "z",
        'и' => "i",
        'й' => "y",
        'к' => "k",
        'л' => "l",
        'м' => "m",
        'н' => "n",
        'о' => "o",
        'п' => "p",
        'р' => "r",
        'с' => "s",
        'т' => "t",
        'у' => "u",
        'ф' => "f",
        'х' => "kh",
        'ц' => "ts",
        'ч' => "ch",
        'ш' => "sh",
        'щ' => "shch",
        'ы' => "y",
        'э' => "e",
        'ю' => "yu",
        'я' => "ya",
        // Kazakh letters in a non-Kazakh title (a Kazakh name in a Russian
        // release) still deserve a readable slug.
        'ә' => "a",
        'ғ' => "g",
        'қ' => "k",
        'ң' => "n",
        'ө' => "o",
        'ұ' => "u",
        'ү' => "u",
        'һ' => "h",
        'і' => "i",
        // Latin letters with diacritics common in names (Simkić, Zarudna).
        'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' | 'ā' => "a",
        'č' | 'ć' | 'ç' => "c",
        'é' | 'è' | 'ê' | 'ë' | 'ē' | 'ě' => "e",
        'í' | 'ì' | 'î' | 'ï' | 'ī' => "i",
        'ñ' | 'ń' | 'ň' => "n",
        'ó' | 'ò' | 'ô' | 'ö' | 'õ' | 'ø' | 'ō' => "o",
        'š' | 'ś' | 'ş' => "s",
        'ú' | 'ù' | 'û' | 'ü' | 'ū' | 'ů' => "u",
        'ý' | 'ÿ' => "y",
        'ž' | 'ź' | 'ż' => "z",
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
        assert_eq!(slugify("Объявление", "ru"), "obyavlenie");
    }

    #[test]
    fn kazakh_letters_are_transliterated() {
        assert_eq!(slugify("әғқңөұүһі", "kk"), "agqnouuhi");
        assert_eq!(slugify("Қазақстан", "kk"), "qazaqstan");
        assert_eq!(slugify("Қазақстан", "ru"), "kazakstan");
        assert_eq!(
            slugify("Пробация және түзеу", "kk"),
            "probatsiya-zhane-tuzeu"
        );
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
        for title in ["Ёлка и ЁЖ", "A  –  B", "Ünïcödé ñame", "x'y", "日本語 text"]
        {
            for lang in ["en", "ru", "kk"] {
                let slug = slugify(title, lang);
                assert!(slug.is_empty() || is_valid_slug(&slug), "{title} → {slug}");
            }
        }
    }
}
