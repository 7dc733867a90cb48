//! A rule-based suffix stripper for Kazakh, written for this project: no
//! Snowball stemmer or search library we know of covers Kazakh.
//!
//! Kazakh is agglutinative: a noun takes, in this order, derivational
//! suffixes, the plural, a possessive and a case ending
//! («түрме-лер-і-нде», in their prisons). The stemmer takes them off from
//! the end, one layer at a time, in the reverse order:
//!
//! 1. **word-final endings** (`FINAL`): the cases (genitive, dative,
//!    accusative, locative, ablative, instrumental, and the equative
//!    «-нша» after a possessive), the attributive locative «-дағы» and
//!    attributive «-ғы», and the third-person verb
//!    endings «-ады/-еді» (present) and «-ды/-ті» (past, spelled like the
//!    accusative);
//! 2. **possessives** (`POSSESSIVE`): third person «-ы/-і/-сы/-сі», first
//!    person plural «-(ы)мыз», polite second person «-(ы)ңыз»;
//! 3. **plural** (`PLURAL`): «-лар/-лер/-дар/-дер/-тар/-тер»;
//! 4. **past participle** (`PARTICIPLE`): «-ған/-ген/-қан/-кен», which makes
//!    the nouns and adjectives of verbs («сотталған», convicted;
//!    «сотталғандар», the convicted).
//!
//! At most one suffix comes off per layer, the longest that fits. A suffix
//! fits only where Kazakh would have written it:
//!
//! - **The consonant at the boundary.** Each variant follows only the sounds
//!   it follows in the language: «-лар» after a vowel, у, и, й or р; «-дар»
//!   after л, з, ж, м, н, ң; «-тар» after a voiceless consonant. So «қатар»
//!   (row) keeps its «-тар», because a plural after а would be «-лар», and
//!   «доллар» keeps «-лар». The forms that only follow a third-person
//!   possessive («-н», «-на», «-нда», «-нан», «-ндағы») need an ы or і
//!   before them.
//! - **Vowel harmony.** A suffix with a back vowel (а, о, ұ, ы) is not taken
//!   from a stem whose last vowel is front (ә, е, ө, ү, і), and the other way
//!   round. и, у, э, ю and я say nothing about harmony (they occur in loans,
//!   and у also as a consonant), so a stem ending on one of them takes
//!   either: «мониторинг-і», «институт-ы».
//! - **A minimum stem.** What is left has at least two letters and a vowel,
//!   so «ол», «іс», «ел», «үй» survive and «олар» (they) is not «о».
//! - **Ambiguous boundaries,** where a root ending in a vowel plus a suffix
//!   spells the same as a root ending in a consonant plus another suffix.
//!   The nominative is the form a reader types most, so it must keep its
//!   key: the accusative «-н» after a possessive vowel is not taken if it
//!   would leave a one-syllable root, because many two-syllable words end
//!   in «-ын/-ін» («бүгін», today; «мәтін», text; «тұтқын», prisoner;
//!   «орын», place), which costs «сан-ы-н» and «бас-ы-н» (known misses of
//!   the table). For the same reason «-ны/-ні» and «-сы/-сі» after a vowel
//!   leave at least two vowels («күн-і», its day, is not «кү-ні»; «бас-ы»,
//!   its head, is not «ба-сы»), and «-сы/-сі» after ы/і only follows the
//!   agent suffix «-шы/-ші» («сарапшы-сы», but «жұмыс-ы», its work). The
//!   possessive «-ы/-і» is not taken after a consonant or у + ш, which is
//!   that agent suffix itself («сарапшы», expert; «қатысушы», participant;
//!   but «күш-і», its force). The attributive «-гі» is not taken after
//!   «-ин», a loan in «-инг» («мониторинг-і»). The present «-ады/-еді»
//!   after л only comes off a one-syllable root («бол-ады», «кел-еді»); on
//!   a longer stem «-лады» is the past of a «-ла» verb («талқыла-ды»,
//!   discussed), where only «-ды» comes off.
//!
//! Then the boundary alternations are undone, so every form of a word gives
//! the same key:
//!
//! - **Final voicing.** Before a vowel, a final к, қ, п become г, ғ, б
//!   («кітап» → «кітабы», «бостандық» → «бостандығы»). Where a vowel-initial
//!   suffix came off, a stem-final ғ and б are written қ and п again, and г
//!   is written к if the stem is front (a back native word has ғ, so a г
//!   after a back vowel belongs to a loan: «мониторинг-і», «диалог-ы»).
//!   Elsewhere the letter stays: «тег» (tag) must not become «тек» (only).
//! - **Fleeting vowel.** A few two-syllable words lose their second vowel
//!   before a vowel-initial suffix («халық» → «халқы», «орын» → «орны»,
//!   «ауыз» → «аузы»). When a possessive vowel came off and the stem left
//!   has one vowel and ends in р, л, у or й followed by н, з, қ or к, the
//!   vowel is put back, ы or і by harmony.
//!
//! **Known limits.** Without a dictionary some boundaries cannot be told
//! apart, and the table's misses show them: a nominative that ends like a
//! suffix loses it («тұлға», person, keyed «тұл» like a dative; «нұсқа»,
//! «қабырға»), while its other forms keep it («тұлғалар» → «тұлға»); a
//! root in «-Vс» before «-і» reads as «-сі» («кеңесі» → «кеңе»); and the
//! adjectives in «-ды/-ті» («лауазымды», official) lose it like an
//! accusative. The index, which knows every word of the archive, can mend
//! the first: when a word is itself the stem of other words, use the word.
//!
//! What is **not** stripped, on purpose: derivational suffixes that make a
//! new word a reader tells apart (-лық/-лік «бостандық» freedom vs «бос»
//! empty, -шы/-ші, -сыз/-сіз, -лы/-лі), the verbal noun -у (it is the
//! dictionary form), the first-person singular and familiar second-person
//! possessives («-ым», «-ың»), which a press release does not use and which
//! would eat the end of «адам», «білім», «ғылым», «қатаң»; the bare dative
//! «-а/-е» that only follows them, so «мәселе» stays whole. A short list of
//! function words that look inflected ([`UNCHANGED`]: «үшін», for, is not
//! «үш», three) is left as it is, and the personal and demonstrative
//! pronouns, which decline irregularly, map to their nominative
//! ([`PRONOUNS`]: «онда», there, is «ол», not «он», ten).
//!
//! **Typed on a Russian keyboard.** A query word with none of the nine
//! Kazakh letters may be a Kazakh word typed with Russian substitutes
//! («казакстандагы»). [`stem_russian_keyboard`] stems it with every
//! comparison (suffixes, the sounds before them, the lists) made after the
//! same substitution ([`crate::search::normalize::russian_keyboard_key`])
//! and without the harmony check (ә and а, ү and у are one letter there),
//! so its stem is the looser key of the stem the correctly typed word gets
//! (96 % of the table). It is for queries only: it would read the «-ган»
//! of «орган» as the participle «-ған», so [`stem`] never uses it.

use crate::search::normalize::kazakh_substitute;

/// Vowels that carry harmony and the sound before a suffix: back and front.
const BACK: &str = "аоұы";
const FRONT: &str = "әеөүі";
/// Vowels that carry no harmony (loans, and у/и also as consonants).
const NEUTRAL: &str = "иуэюя";
/// Classes of the last letter before a suffix, which pick the suffix's
/// first consonant: vowels; у, и, й and ю, which end a syllable like a
/// consonant («дамыту-ды», «күшею-і»); voiced р, л, з, ж; nasals; and the
/// voiceless consonants with б, в, г, д, ғ, after which Kazakh spells the
/// voiceless variant too («-тың», «-қа», «-пен»).
const VOWEL: &str = "аоұыәеөүіэюя";
const GLIDE: &str = "уийю";
const SONORANT: &str = "рлзж";
const NASAL: &str = "мнң";
const VOICELESS: &str = "кқпстшфхцчщбвгдғ";
/// The vowel of a third-person possessive, after which the case endings
/// take an н.
const POSS: &str = "ыі";

/// Where a suffix may follow: the classes of the letter before it.
type After = &'static [&'static str];

const A_VOWEL: After = &[VOWEL];
const A_VOICED: After = &[VOWEL, GLIDE, SONORANT, NASAL];
const A_VOICED_CONS: After = &[GLIDE, SONORANT, NASAL];
const A_VOICELESS: After = &[VOICELESS];
const A_CONSONANT: After = &[GLIDE, SONORANT, NASAL, VOICELESS];
const A_POSS: After = &[POSS];

/// One suffix and where it may follow.
struct Suffix {
    text: &'static str,
    after: After,
    check: Check,
}

/// A condition on the stem beyond the letter before the suffix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Check {
    None,
    /// The accusative «-н» after a possessive vowel: two vowels before that
    /// vowel, unless the possessive is «-сы/-сі» (see the module docs).
    AccusativeN,
    /// The present «-ады/-еді» after л: only on a one-syllable root
    /// («бол-ады», «кел-еді»); on a longer stem «-лады» is the past of a
    /// «-ла» verb («талқыла-ды», discussed), where only «-ды» comes off.
    Present,
    /// The third-person «-сы/-сі» after a vowel: not after ы/і, save after
    /// the agent suffix «-шы/-ші» («сарапшы-сы»), since elsewhere «-ысы» is
    /// a root in «-ыс» with the possessive «-ы» («жұмыс-ы», its work); and
    /// not leaving a one-vowel stem («бас-ы», its head, is not «ба-сы»).
    AfterVowelSy,
    /// The accusative «-ны/-ні» after a vowel: not leaving a one-vowel stem,
    /// where it is a root in н with the possessive («күн-і», its day, is
    /// not «кү-ні»).
    TwoVowels,
    /// The possessive «-ы/-і» after ш: not after a consonant or у + ш,
    /// which is the agent suffix «-шы/-ші» itself («сарапшы», expert;
    /// «қатысушы», participant), but after a vowel + ш («күш-і», its force).
    PossessiveAfterSh,
    /// The attributive «-гі/-ғы» after н: not after «ин», which is a loan in
    /// «-инг» with a possessive («мониторинг-і», «тренинг-і»).
    Attributive,
}

const fn s(text: &'static str, after: After) -> Suffix {
    Suffix {
        text,
        after,
        check: Check::None,
    }
}

/// Layer 1: case endings, attributive endings and third-person verb endings.
const FINAL: &[Suffix] = &[
    // Genitive.
    s("ның", &[VOWEL, NASAL]),
    s("нің", &[VOWEL, NASAL]),
    s("дың", &[GLIDE, SONORANT]),
    s("дің", &[GLIDE, SONORANT]),
    s("тың", A_VOICELESS),
    s("тің", A_VOICELESS),
    // Accusative, and the past tense «-ды», spelled alike. After a vowel
    // the accusative is «-ны», so «-ды» there is the past («талқылады»).
    Suffix {
        text: "ны",
        after: A_VOWEL,
        check: Check::TwoVowels,
    },
    Suffix {
        text: "ні",
        after: A_VOWEL,
        check: Check::TwoVowels,
    },
    s("ды", A_VOICED),
    s("ді", A_VOICED),
    s("ты", A_VOICELESS),
    s("ті", A_VOICELESS),
    Suffix {
        text: "н",
        after: A_POSS,
        check: Check::AccusativeN,
    },
    // Dative.
    s("ға", A_VOICED),
    s("ге", A_VOICED),
    s("қа", A_VOICELESS),
    s("ке", A_VOICELESS),
    s("на", A_POSS),
    s("не", A_POSS),
    // Locative.
    s("да", A_VOICED),
    s("де", A_VOICED),
    s("та", A_VOICELESS),
    s("те", A_VOICELESS),
    s("нда", A_POSS),
    s("нде", A_POSS),
    // Equative after a possessive («пікірінше», in his opinion).
    s("нша", A_POSS),
    s("нше", A_POSS),
    // Ablative.
    s("дан", &[VOWEL, GLIDE, SONORANT]),
    s("ден", &[VOWEL, GLIDE, SONORANT]),
    s("тан", A_VOICELESS),
    s("тен", A_VOICELESS),
    s("нан", &[NASAL, POSS]),
    s("нен", &[NASAL, POSS]),
    // Instrumental (no harmony: «мен» is invariant), with its long form.
    s("мен", A_VOICED),
    s("бен", &[SONORANT, NASAL]),
    s("пен", A_VOICELESS),
    s("менен", A_VOICED),
    s("бенен", &[SONORANT, NASAL]),
    s("пенен", A_VOICELESS),
    // Attributive locative («Астанадағы», in Astana; of Astana).
    s("дағы", A_VOICED),
    s("дегі", A_VOICED),
    s("тағы", A_VOICELESS),
    s("тегі", A_VOICELESS),
    s("ндағы", A_POSS),
    s("ндегі", A_POSS),
    // Attributive «-ғы» («жылғы», of the year; «ішкі», inner). Not after a
    // vowel: there a «ғ» is a voiced «қ» before a possessive («бағы»).
    Suffix {
        text: "ғы",
        after: A_VOICED_CONS,
        check: Check::Attributive,
    },
    Suffix {
        text: "гі",
        after: A_VOICED_CONS,
        check: Check::Attributive,
    },
    s("қы", A_VOICELESS),
    s("кі", A_VOICELESS),
    // Present-future, third person («өтеді», takes place).
    Suffix {
        text: "ады",
        after: A_CONSONANT,
        check: Check::Present,
    },
    Suffix {
        text: "еді",
        after: A_CONSONANT,
        check: Check::Present,
    },
];

/// Layer 2: possessives.
const POSSESSIVE: &[Suffix] = &[
    Suffix {
        text: "сы",
        after: A_VOWEL,
        check: Check::AfterVowelSy,
    },
    Suffix {
        text: "сі",
        after: A_VOWEL,
        check: Check::AfterVowelSy,
    },
    Suffix {
        text: "ы",
        after: A_CONSONANT,
        check: Check::PossessiveAfterSh,
    },
    Suffix {
        text: "і",
        after: A_CONSONANT,
        check: Check::PossessiveAfterSh,
    },
    s("мыз", A_VOWEL),
    s("міз", A_VOWEL),
    s("ымыз", A_CONSONANT),
    s("іміз", A_CONSONANT),
    s("ңыз", A_VOWEL),
    s("ңіз", A_VOWEL),
    s("ыңыз", A_CONSONANT),
    s("іңіз", A_CONSONANT),
];

/// Layer 3: plural.
const PLURAL: &[Suffix] = &[
    s("лар", &[VOWEL, GLIDE, "р"]),
    s("лер", &[VOWEL, GLIDE, "р"]),
    s("дар", &["лзж", NASAL]),
    s("дер", &["лзж", NASAL]),
    s("тар", A_VOICELESS),
    s("тер", A_VOICELESS),
];

/// Layer 4: past participle.
const PARTICIPLE: &[Suffix] = &[
    s("ған", A_VOICED),
    s("ген", A_VOICED),
    s("қан", A_VOICELESS),
    s("кен", A_VOICELESS),
];

/// Nouns that end like a participle but are not one.
const NOT_PARTICIPLES: &[&str] = &["қорған", "туған", "ауған", "тікен", "балқан"];

/// Words that look inflected and are words of their own, left as they
/// are: function words («үшін», for, is not «үш», three; «басқа», other,
/// is not «бас», head, in the dative), a few lexicalised forms («басты»,
/// main; «ескі», old) and the forms of «де-» (say), whose root would be the
/// particle «де» (also).
pub const UNCHANGED: &[&str] = &[
    "үшін",
    "туралы",
    "арқылы",
    "қарсы",
    "сияқты",
    "тағы",
    "бойынша",
    "және",
    "немесе",
    "бірақ",
    "әрі",
    "басқа",
    "басты",
    "ескі",
    "деп",
    "деді",
    "деген",
    "дейді",
];

/// Irregular forms of the personal and demonstrative pronouns, with the
/// nominative they are keyed as.
pub const PRONOUNS: &[(&str, &str)] = &[
    ("оның", "ол"),
    ("оған", "ол"),
    ("оны", "ол"),
    ("онда", "ол"),
    ("одан", "ол"),
    ("онымен", "ол"),
    ("бұның", "бұл"),
    ("мұның", "бұл"),
    ("бұған", "бұл"),
    ("мұған", "бұл"),
    ("бұны", "бұл"),
    ("мұны", "бұл"),
    ("бұнда", "бұл"),
    ("мұнда", "бұл"),
    ("бұдан", "бұл"),
    ("мұдан", "бұл"),
    ("бұнымен", "бұл"),
    ("мұнымен", "бұл"),
    ("соның", "сол"),
    ("соған", "сол"),
    ("соны", "сол"),
    ("сонда", "сол"),
    ("содан", "сол"),
    ("сонымен", "сол"),
    ("осының", "осы"),
    ("осыған", "осы"),
    ("осыны", "осы"),
    ("осында", "осы"),
    ("осыдан", "осы"),
    ("осымен", "осы"),
    ("осы", "осы"),
];

/// The stem of one Kazakh word, already normalised
/// ([`crate::search::normalize::normalize_word`]). A word with anything but
/// Cyrillic letters (digits, Latin, an apostrophe) is returned unchanged.
pub fn stem(word: &str) -> String {
    stem_in(word, View { loose: false })
}

/// The stem of a word typed without the Kazakh letters, as its looser key
/// ([`crate::search::normalize::russian_keyboard_key`]): for a query word
/// in which [`crate::search::normalize::has_kazakh_letters`] is false, to be
/// looked up among the looser keys of the index's stems. Not for indexing:
/// it reads «-ган» as the participle «-ған», so «орган» would lose it.
pub fn stem_russian_keyboard(word: &str) -> String {
    let word = crate::search::normalize::russian_keyboard_key(word);
    stem_in(&word, View { loose: true })
}

fn stem_in(word: &str, view: View) -> String {
    if word.is_empty() || !word.chars().all(is_cyrillic_letter) {
        return view.key(word);
    }
    if UNCHANGED.iter().any(|w| view.same(word, w)) {
        return view.key(word);
    }
    if let Some((_, lemma)) = PRONOUNS.iter().find(|(form, _)| view.same(word, form)) {
        return view.key(lemma);
    }
    let mut stem: Vec<char> = word.chars().collect();
    let last = view.strip(&mut stem, FINAL);
    let possessive = view.strip(&mut stem, POSSESSIVE);
    view.strip(&mut stem, PLURAL);
    let listed = |w: &&str| w.chars().map(|c| view.ch(c)).eq(stem.iter().copied());
    if !NOT_PARTICIPLES.iter().any(listed) {
        view.strip(&mut stem, PARTICIPLE);
    }
    // The alternations happen before a vowel: undo them only where a
    // vowel-initial suffix came off the stem as it is now.
    let vowel_initial =
        |suffix: Option<&str>| suffix.is_some_and(|s| s.starts_with(['ы', 'і', 'а', 'е']));
    if vowel_initial(possessive) || (possessive.is_none() && vowel_initial(last)) {
        devoice(&mut stem, view);
    }
    if possessive.is_some_and(|suffix| suffix.starts_with(['ы', 'і'])) {
        restore_fleeting_vowel(&mut stem, view);
    }
    stem.into_iter().collect()
}

/// How letters are compared: as written, or (for a word typed without the
/// Kazakh letters) after the Russian-keyboard substitution.
#[derive(Clone, Copy)]
struct View {
    loose: bool,
}

impl View {
    fn ch(self, c: char) -> char {
        if self.loose { kazakh_substitute(c) } else { c }
    }

    fn key(self, text: &str) -> String {
        text.chars().map(|c| self.ch(c)).collect()
    }

    fn same(self, word: &str, listed: &str) -> bool {
        if !self.loose {
            return word == listed;
        }
        word.chars()
            .map(|c| self.ch(c))
            .eq(listed.chars().map(|c| self.ch(c)))
    }

    fn in_class(self, c: char, class: &str) -> bool {
        // Typed on a Russian keyboard, и is nearly always the substitute for
        // the vowel і, not the glide и of loans.
        if !self.loose {
            return class.contains(c);
        }
        if c == 'и' && class == GLIDE {
            return false;
        }
        class.chars().any(|k| self.ch(k) == c)
    }

    /// Takes the longest suffix of `table` that fits off `stem`; returns it.
    fn strip(self, stem: &mut Vec<char>, table: &'static [Suffix]) -> Option<&'static str> {
        let mut best: Option<(&Suffix, usize)> = None;
        for suffix in table {
            let len = suffix.text.chars().count();
            // The first of the longest: the table's order breaks ties.
            if best.is_none_or(|(_, best_len)| len > best_len) && self.fits(stem, suffix) {
                best = Some((suffix, len));
            }
        }
        let (suffix, len) = best?;
        stem.truncate(stem.len() - len);
        Some(suffix.text)
    }

    fn fits(self, stem: &[char], suffix: &Suffix) -> bool {
        let len = suffix.text.chars().count();
        if stem.len() < len + 2 {
            return false;
        }
        let (rest, end) = stem.split_at(stem.len() - len);
        if !end
            .iter()
            .copied()
            .eq(suffix.text.chars().map(|c| self.ch(c)))
        {
            return false;
        }
        if !has_vowel(rest, self) {
            return false;
        }
        let before = rest[rest.len() - 1];
        if !suffix
            .after
            .iter()
            .any(|class| self.in_class(before, class))
        {
            return false;
        }
        match suffix.check {
            Check::None => {}
            Check::AccusativeN => {
                let root = &rest[..rest.len() - 1];
                if vowel_count(root, self) < 2 && !after_sy(rest, self) {
                    return false;
                }
            }
            Check::Present => {
                if before == self.ch('л') && vowel_count(rest, self) > 1 {
                    return false;
                }
            }
            Check::AfterVowelSy => {
                let n = rest.len();
                if self.in_class(before, POSS) && (n < 2 || rest[n - 2] != 'ш') {
                    return false;
                }
                if vowel_count(rest, self) < 2 {
                    return false;
                }
            }
            Check::TwoVowels => {
                if vowel_count(rest, self) < 2 {
                    return false;
                }
            }
            Check::PossessiveAfterSh => {
                let n = rest.len();
                if before == 'ш' && n >= 2 {
                    let previous = rest[n - 2];
                    if previous == 'у' || !is_vowel_like(previous, self) {
                        return false;
                    }
                }
            }
            Check::Attributive => {
                let n = rest.len();
                if before == 'н' && n >= 2 && rest[n - 2] == 'и' {
                    return false;
                }
            }
        }
        if ends_in_stan(stem, len, self) {
            return false;
        }
        self.loose || harmonizes(rest, suffix.text)
    }
}

/// The ablative «-тан» is not taken off a country name in «-стан»
/// («Қазақстан», «Өзбекстан»): there the «с» follows a consonant, where a
/// root ending in «с» («жұмыс-тан», from work) has a vowel.
fn ends_in_stan(stem: &[char], len: usize, view: View) -> bool {
    if len != 3 || stem.len() < 5 {
        return false;
    }
    let n = stem.len();
    let tail = &stem[n - 4..];
    let is_stan = tail.iter().copied().eq("стан".chars().map(|c| view.ch(c)));
    is_stan && !is_vowel_like(stem[n - 5], view)
}

/// Whether the possessive vowel at the end of `rest` is the «-сы/-сі» after
/// a vowel, where the accusative «-н» is unambiguous.
fn after_sy(rest: &[char], view: View) -> bool {
    let n = rest.len();
    n >= 3 && rest[n - 2] == 'с' && is_vowel_like(rest[n - 3], view)
}

fn is_vowel_like(c: char, view: View) -> bool {
    view.in_class(c, VOWEL) || view.in_class(c, "иу")
}

fn has_vowel(stem: &[char], view: View) -> bool {
    stem.iter().any(|&c| is_vowel_like(c, view))
}

fn vowel_count(stem: &[char], view: View) -> usize {
    stem.iter()
        .filter(|&&c| view.in_class(c, VOWEL) || c == 'и')
        .count()
}

/// Back or front, by the last harmony vowel of `text`; `None` if it has none
/// or ends on a neutral vowel.
fn harmony(text: impl DoubleEndedIterator<Item = char>) -> Option<bool> {
    for c in text.rev() {
        if BACK.contains(c) {
            return Some(true);
        }
        if FRONT.contains(c) {
            return Some(false);
        }
        if NEUTRAL.contains(c) {
            return None;
        }
    }
    None
}

fn harmonizes(rest: &[char], suffix: &str) -> bool {
    // «мен» does not follow harmony.
    if matches!(suffix, "мен" | "бен" | "пен" | "менен" | "бенен" | "пенен")
    {
        return true;
    }
    match (harmony(rest.iter().copied()), harmony(suffix.chars())) {
        (Some(stem), Some(suffix)) => stem == suffix,
        _ => true,
    }
}

/// Final voicing undone: «бостандығ» → «бостандық», «жүрег» → «жүрек»,
/// «кітаб» → «кітап». A г after a back or neutral vowel is not a voiced к
/// (a back Kazakh word would have ғ): it is a loan's own
/// («мониторинг-і», «диалог-ы») and stays.
fn devoice(stem: &mut [char], view: View) {
    let front = harmony(stem.iter().copied()) == Some(false);
    if let Some(last) = stem.last_mut() {
        let voiceless = match *last {
            'ғ' => 'қ',
            'г' if front || view.loose => 'к',
            'б' => 'п',
            c => c,
        };
        *last = view.ch(voiceless);
    }
}

/// The fleeting vowel put back: «халқ» → «халық», «орн» → «орын».
fn restore_fleeting_vowel(stem: &mut Vec<char>, view: View) {
    let n = stem.len();
    if n < 3 || vowel_count(stem, view) != 1 {
        return;
    }
    let (c1, c2) = (stem[n - 2], stem[n - 1]);
    // Typed on a Russian keyboard, у may be ү or ұ, a vowel: «кун-і».
    let glide = if view.loose { "рлй" } else { "рлуй" };
    if !view.in_class(c1, glide) || !view.in_class(c2, "нзқк") {
        return;
    }
    let back = if view.loose {
        // ә, ө, ү have become а, о, у: only е and и (from і) still say front.
        !stem.iter().any(|&c| "еи".contains(c))
    } else {
        harmony(stem.iter().copied()).unwrap_or(true)
    };
    stem.insert(n - 1, view.ch(if back { 'ы' } else { 'і' }));
}

/// The stemmer's tables as JSON, for the JavaScript port, which takes them
/// from here rather than from a copy that could drift.
pub(crate) fn tables_json() -> String {
    let suffixes = |table: &[Suffix]| {
        table
            .iter()
            .map(|s| serde_json::json!([s.text, s.after, format!("{:?}", s.check)]))
            .collect::<Vec<_>>()
    };
    serde_json::json!({
        "back": BACK,
        "front": FRONT,
        "neutral": NEUTRAL,
        "vowel": VOWEL,
        "glide": GLIDE,
        "poss": POSS,
        "final": suffixes(FINAL),
        "possessive": suffixes(POSSESSIVE),
        "plural": suffixes(PLURAL),
        "participle": suffixes(PARTICIPLE),
        "notParticiples": NOT_PARTICIPLES,
        "unchanged": UNCHANGED,
        "pronouns": PRONOUNS,
    })
    .to_string()
}

fn is_cyrillic_letter(c: char) -> bool {
    matches!(c, '\u{400}'..='\u{4ff}') && c.is_alphabetic()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layers_come_off_in_order() {
        assert_eq!(stem("түрмелеріндегі"), "түрме");
        assert_eq!(stem("елдерінің"), "ел");
        assert_eq!(stem("еліміздегі"), "ел");
        assert_eq!(stem("сотталғандарды"), "соттал");
    }

    #[test]
    fn voicing_is_undone_only_before_a_vowel_initial_suffix() {
        assert_eq!(stem("бостандығынан"), "бостандық");
        assert_eq!(stem("жүрегі"), "жүрек");
        assert_eq!(stem("кітабы"), "кітап");
        // A loan's own г after a back vowel, and a г before a consonant.
        assert_eq!(stem("диалогы"), "диалог");
        assert_eq!(stem("тегтерді"), "тег");
    }

    #[test]
    fn the_fleeting_vowel_is_put_back_by_harmony() {
        assert_eq!(stem("халқы"), "халық");
        assert_eq!(stem("орны"), "орын");
        assert_eq!(stem("еркі"), "ерік");
        // Two syllables left: nothing to put back.
        assert_eq!(stem("бөлімі"), "бөлім");
    }

    #[test]
    fn agent_nouns_in_shy_keep_their_vowel() {
        assert_eq!(stem("сарапшы"), "сарапшы");
        assert_eq!(stem("қатысушы"), "қатысушы");
        assert_eq!(stem("сарапшылары"), "сарапшы");
        assert_eq!(stem("күші"), "күш");
    }

    #[test]
    fn short_roots_survive() {
        for word in ["ол", "іс", "ел", "үй", "олар", "ата", "өте"] {
            assert_eq!(stem(word), word);
        }
        assert_eq!(stem("істер"), "іс");
        assert_eq!(stem("үйге"), "үй");
    }

    #[test]
    fn a_word_with_latin_letters_or_digits_is_left_alone() {
        assert_eq!(stem("pressroom"), "pressroom");
        assert_eq!(stem("2011"), "2011");
        assert_eq!(stem(""), "");
    }

    #[test]
    fn typed_on_a_russian_keyboard_the_stem_is_the_looser_key() {
        assert_eq!(stem_russian_keyboard("казакстандагы"), "казакстан");
        assert_eq!(stem_russian_keyboard("бостандыгынан"), "бостандык");
        assert_eq!(stem_russian_keyboard("конференцияларда"), "конференция");
    }
}
