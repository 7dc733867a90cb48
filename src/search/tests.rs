//! Tests of the language analysis as a whole: the Kazakh word-form table,
//! false merges in the example archive, the Russian and English stemmers,
//! properties of the Kazakh stemmer, and the JavaScript port against this
//! module.

use std::collections::{BTreeMap, BTreeSet};

use proptest::prelude::*;

use super::normalize::{normalize_word, russian_keyboard_key, tokens};
use super::*;

/// The table of Kazakh forms and expected stems, `form<TAB>stem`.
const KK_FORMS: &str = include_str!("kk_forms.tsv");
/// The Kazakh text of the example archive.
const KK_CORPUS: &str = include_str!("fixtures/kk_corpus.txt");
/// The reviewed list of the archive's most frequent Kazakh stems.
const KK_TOP_STEMS: &str = include_str!("fixtures/kk_top_stems.tsv");

/// The issue's target: at least 95 % of the table.
const TARGET_PERCENT: usize = 95;

fn table() -> Vec<(String, String)> {
    KK_FORMS
        .lines()
        .filter(|line| !line.trim().is_empty() && !line.starts_with('#'))
        .map(|line| {
            let (form, stem) = line
                .split_once('\t')
                .unwrap_or_else(|| panic!("kk_forms.tsv: no tab in {line:?}"));
            (form.to_owned(), stem.to_owned())
        })
        .collect()
}

fn kk(word: &str) -> String {
    stem("kk", &normalize_word("kk", word))
}

/// Pass rate of `stemmer` on the table, with the misses, for the report.
fn pass_rate(
    stemmer: impl Fn(&str) -> String,
    expected: impl Fn(&str) -> String,
) -> (usize, usize, Vec<String>) {
    let rows = table();
    let mut misses = Vec::new();
    for (form, want) in &rows {
        let got = stemmer(form);
        if got != expected(want) {
            misses.push(format!("{form}: got {got}, expected {}", expected(want)));
        }
    }
    (rows.len() - misses.len(), rows.len(), misses)
}

// The pass rate is printed (visible with `--nocapture`) because the issue
// asks for the figure, not only for the threshold.
#[allow(clippy::print_stderr)]
#[test]
fn kazakh_table_has_200_forms_and_95_percent_reach_their_stem() {
    let (passed, total, misses) = pass_rate(kk, str::to_owned);
    assert!(total >= 200, "the table has {total} forms, fewer than 200");
    let percent = passed * 100 / total;
    eprintln!(
        "Kazakh stemmer: {passed}/{total} forms ({:.1} %) reach their stem; misses:\n  {}",
        passed as f64 * 100.0 / total as f64,
        misses.join("\n  ")
    );
    assert!(
        passed * 100 >= TARGET_PERCENT * total,
        "only {percent} % of the table; misses:\n{}",
        misses.join("\n")
    );
}

#[allow(clippy::print_stderr)]
#[test]
fn kazakh_typed_on_a_russian_keyboard_gets_the_looser_key_of_its_stem() {
    // Every form typed with the Russian substitutes for the Kazakh letters
    // gets (nearly always) the substituted form of the expected stem, which
    // is what the index will look such a query word up by.
    let (passed, total, misses) = pass_rate(
        |form| kazakh::stem_russian_keyboard(&russian_keyboard_key(&normalize_word("kk", form))),
        russian_keyboard_key,
    );
    eprintln!(
        "Russian-keyboard Kazakh: {passed}/{total}; misses:\n  {}",
        misses.join("\n  ")
    );
    assert!(passed * 100 >= 90 * total, "misses:\n{}", misses.join("\n"));
}

#[test]
fn the_issues_example_query_meets_every_form_of_conference() {
    let query = kk("конференцияларда");
    for form in [
        "конференция",
        "конференцияда",
        "конференцияның",
        "Конференцияға",
    ] {
        assert_eq!(kk(form), query, "{form}");
    }
}

/// The stems of the archive's Kazakh words, each with its distinct forms,
/// most frequent first (ties by stem, for a stable order).
fn corpus_stems() -> Vec<(String, usize, BTreeSet<String>)> {
    let mut stems: BTreeMap<String, (usize, BTreeSet<String>)> = BTreeMap::new();
    for line in KK_CORPUS.lines().filter(|line| !line.starts_with('#')) {
        for word in tokens("kk", line) {
            // Only Kazakh words: numbers and Latin names are not stemmed.
            if !word.chars().any(|c| matches!(c, '\u{400}'..='\u{4ff}')) {
                continue;
            }
            let entry = stems.entry(stem("kk", &word)).or_default();
            entry.0 += 1;
            entry.1.insert(word);
        }
    }
    let mut stems: Vec<_> = stems
        .into_iter()
        .map(|(s, (n, forms))| (s, n, forms))
        .collect();
    stems.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    stems
}

#[test]
fn no_false_merge_among_the_50_most_frequent_kazakh_stems() {
    // kk_top_stems.tsv lists, for each frequent stem, the one word it stands
    // for and every form of it in the archive, reviewed by hand: all the
    // forms on a line are forms of that word. A stem whose forms are not all
    // listed is a merge nobody has reviewed, and fails.
    let reviewed: BTreeMap<&str, (&str, BTreeSet<&str>)> = KK_TOP_STEMS
        .lines()
        .filter(|line| !line.trim().is_empty() && !line.starts_with('#'))
        .map(|line| {
            let mut fields = line.split('\t');
            let stem = fields.next().unwrap_or_default();
            let word = fields.next().unwrap_or_default();
            let forms = fields.next().unwrap_or_default().split(' ').collect();
            (stem, (word, forms))
        })
        .collect();
    let mut problems = Vec::new();
    for (stem, count, forms) in corpus_stems().into_iter().take(50) {
        match reviewed.get(stem.as_str()) {
            None => problems.push(format!(
                "{stem} ({count}×, forms {forms:?}) is not in kk_top_stems.tsv"
            )),
            Some((word, listed)) => {
                let new: Vec<_> = forms
                    .iter()
                    .filter(|f| !listed.contains(f.as_str()))
                    .collect();
                if !new.is_empty() {
                    problems.push(format!(
                        "{stem} (reviewed as {word}) now also stands for {new:?}"
                    ));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn words_a_reader_tells_apart_keep_apart() {
    // Pairs from the archive and from everyday Kazakh that share letters or
    // a root and are different words.
    let pairs = [
        ("үшін", "үш"),              // for / three
        ("онда", "он"),              // there / ten
        ("бостандық", "бос"),        // freedom / empty
        ("құқықтық", "құқық"),       // legal / right
        ("қоғамдық", "қоғам"),       // public / society
        ("мемлекеттік", "мемлекет"), // state (adj.) / state
        ("сотталған", "сот"),        // convicted / court
        ("қатар", "қа"),             // row / —
        ("орын", "ор"),              // place / ditch
        ("қылмыстық", "қылмыс"),     // criminal / crime
        ("қызметкер", "қызмет"),     // employee / service
        ("түрме", "түр"),            // prison / kind
        ("ұн", "үн"),                // flour / voice
        ("он", "оң"),                // ten / right
        ("сан", "сән"),              // number / fashion
        ("білім", "біл"),            // knowledge / know
        ("адам", "ада"),             // person / —
    ];
    for (a, b) in pairs {
        assert_ne!(kk(a), kk(b), "{a} and {b} merged");
    }
}

#[test]
fn kazakh_harmony_keeps_a_suffix_of_the_other_row() {
    // «ноге» (a Russian locative quoted in Kazakh text) ends like the dative
    // «-ге» after a vowel, but its stem vowel is back: not a Kazakh form.
    assert_eq!(kk("ноге"), "ноге");
    assert_eq!(kk("жерға"), "жерға");
    assert_eq!(kk("жерге"), "жер");
}

#[test]
fn russian_forms_share_a_stem() {
    let ru = |w: &str| stem("ru", &normalize_word("ru", w));
    for group in [
        &[
            "пробацией",
            "пробации",
            "пробационного",
            "пробация",
            "пробационный",
        ][..],
        &[
            "конференция",
            "конференции",
            "конференциями",
            "конференциях",
        ],
        &["тюрьма", "тюрьмы", "тюрьмах", "тюрьмой"],
        &["осуждённых", "осужденные", "осуждённым"],
        &["Казахстан", "Казахстана", "Казахстане", "Казахстаном"],
        &["Узбекистан", "Узбекистана"],
        &["реформа", "реформы", "реформой", "реформах"],
        &["реформирования", "реформирование", "реформированию"],
    ] {
        let stems: BTreeSet<String> = group.iter().map(|w| ru(w)).collect();
        assert_eq!(stems.len(), 1, "{group:?} → {stems:?}");
    }
    // Different words stay apart.
    assert_ne!(ru("проба"), ru("пробация"));
    assert_ne!(ru("суд"), ru("судно"));
}

#[test]
fn english_forms_share_a_stem() {
    let en = |w: &str| stem("en-GB", &normalize_word("en-GB", w));
    for group in [
        &["prison", "prisons", "Prison's"][..],
        &["conference", "conferences"],
        &["reform", "reforms", "reformed", "reforming"],
        &["probation", "probations"],
        &["convict", "convicted", "convicts"],
    ] {
        let stems: BTreeSet<String> = group.iter().map(|w| en(w)).collect();
        assert_eq!(stems.len(), 1, "{group:?} → {stems:?}");
    }
    assert_ne!(en("probation"), en("probe"));
    assert_ne!(en("prison"), en("poison"));
}

#[test]
fn other_languages_match_normalised_words_unstemmed() {
    assert_eq!(Stemming::for_language("de"), Stemming::None);
    assert_eq!(Stemming::for_language("en-GB"), Stemming::English);
    assert_eq!(Stemming::for_language("KK"), Stemming::Kazakh);
    assert_eq!(
        keys("de", "Die Gefängnisse, GEFÄNGNISSE!"),
        ["die", "gefängnisse", "gefängnisse"]
    );
}

/// Every word of the example archive in `lang`, normalised, with its stem.
fn corpus_words(lang: &str, corpus: &str) -> BTreeMap<String, String> {
    corpus
        .lines()
        .filter(|line| !line.starts_with('#'))
        .flat_map(|line| tokens(lang, line))
        .map(|word| {
            let stemmed = stem(lang, &word);
            (word, stemmed)
        })
        .collect()
}

#[test]
fn the_prefix_rule_takes_the_longest_stem_and_knows_porter_2s_two_rewrites() {
    let stems: BTreeSet<String> = ["проб", "пробац", "cri", "hope", "prison", "pris"]
        .map(String::from)
        .into();
    assert_eq!(stem_by_prefix("ru", &stems, "пробацией"), Some("пробац"));
    assert_eq!(stem_by_prefix("ru", &stems, "пробой"), Some("проб"));
    assert_eq!(stem_by_prefix("en", &stems, "prisons"), Some("prison"));
    // Porter 2: «crying» → «cri», «hoping» → «hope».
    assert_eq!(stem_by_prefix("en-GB", &stems, "crying"), Some("cri"));
    assert_eq!(stem_by_prefix("en", &stems, "hoping"), Some("hope"));
    // Those rewrites are English only.
    assert_eq!(stem_by_prefix("ru", &stems, "crying"), None);
    assert_eq!(stem_by_prefix("en", &stems, "zzz"), None);
}

// The rate is printed because it is the figure behind the browser design.
#[allow(clippy::print_stderr)]
#[test]
fn unseen_english_and_russian_forms_find_their_stem_by_prefix() {
    // The search page's fallback for a word the archive does not have (the
    // module documentation): leave each word of the archive out in turn,
    // and look it up by prefix among the stems of the other words. Counted
    // only where another form of the word keeps its stem in the index.
    for (lang, corpus, target) in [
        ("ru", include_str!("fixtures/ru_corpus.txt"), 95),
        ("en", include_str!("fixtures/en_corpus.txt"), 95),
    ] {
        let words = corpus_words(lang, corpus);
        let mut forms: BTreeMap<&str, usize> = BTreeMap::new();
        for stemmed in words.values() {
            *forms.entry(stemmed).or_default() += 1;
        }
        let stems: BTreeSet<String> = words.values().cloned().collect();
        let (mut found, mut total, mut wrong) = (0, 0, Vec::new());
        for (word, stemmed) in &words {
            if forms[stemmed.as_str()] < 2 {
                continue;
            }
            total += 1;
            let got = stem_by_prefix(lang, &stems, word);
            if got == Some(stemmed.as_str()) {
                found += 1;
            } else {
                wrong.push(format!("{word}: {stemmed}, prefix rule {got:?}"));
            }
        }
        eprintln!("{lang}: {found}/{total} unseen forms find their stem; misses: {wrong:?}");
        assert!(
            found * 100 >= target * total,
            "{lang}: {found}/{total}: {wrong:?}"
        );
    }
    // The issue's example: «пробацией» is not in the archive.
    let words = corpus_words("ru", include_str!("fixtures/ru_corpus.txt"));
    assert!(!words.contains_key("пробацией"));
    let stems: BTreeSet<String> = words.values().cloned().collect();
    assert_eq!(stem_by_prefix("ru", &stems, "пробацией"), Some("пробац"));
}

/// Whether `stem` is `word` cut short, allowing for what the stemmer undoes
/// at the boundary: the last letter of the stem may be the voiceless
/// partner of the letter at that place in the word (бостандығ-ы →
/// бостандық), and a fleeting ы/і may have been put back before it
/// (халқ-ы → халық).
fn is_prefixish(stem: &str, word: &str) -> bool {
    let s: Vec<char> = stem.chars().collect();
    let w: Vec<char> = word.chars().collect();
    let cut_short = |s: &[char]| {
        let n = s.len();
        n <= w.len()
            && s[..n - 1] == w[..n - 1]
            && (s[n - 1] == w[n - 1]
                || matches!((s[n - 1], w[n - 1]), ('к', 'г') | ('қ', 'ғ') | ('п', 'б')))
    };
    if s.is_empty() {
        return false;
    }
    if cut_short(&s) {
        return true;
    }
    let n = s.len();
    n >= 3 && matches!(s[n - 2], 'ы' | 'і') && cut_short(&[&s[..n - 2], &s[n - 1..]].concat())
}

/// Kazakh-looking words: a root of Kazakh letters and a random chain of
/// the suffixes the stemmer knows, so the stripping paths are exercised.
fn kazakh_word() -> impl Strategy<Value = String> {
    let root = "[аәбвгғдеёжзийкқлмнңоөпрстуұүфхһцчшщъыіьэюя]{1,8}";
    let suffixes = prop::sample::subsequence(
        vec![
            "ған", "лар", "дер", "тар", "ы", "сі", "іміз", "ңыз", "ның", "ге", "ды", "нда", "дан",
            "мен", "дағы", "кі", "еді",
        ],
        0..4,
    );
    (root, suffixes).prop_map(|(root, suffixes)| format!("{root}{}", suffixes.concat()))
}

proptest! {
    // The number of cases comes from PROPTEST_CASES (256 by default).
    #[test]
    fn kazakh_stem_is_a_nonempty_prefixish_of_the_word(word in kazakh_word()) {
        let word = normalize_word("kk", &word);
        prop_assume!(!kazakh::PRONOUNS.iter().any(|(form, _)| *form == word));
        let stemmed = stem("kk", &word);
        prop_assert!(!stemmed.is_empty());
        prop_assert!(is_prefixish(&stemmed, &word), "{} → {}", word, stemmed);
    }

    #[test]
    fn stemming_any_text_never_panics_or_empties(text in "\\PC{0,40}", lang in "(en|ru|kk|de)") {
        for word in tokens(&lang, &text) {
            prop_assert!(!stem(&lang, &word).is_empty());
        }
    }
}

/// Runs `search.js` under node on `input` (JSON), with a harness that
/// applies each of its functions to the cases; `None` if node is missing.
fn run_node(input: &serde_json::Value) -> Option<serde_json::Value> {
    use std::io::Write;
    use std::process::{Command, Stdio};

    if Command::new("node").arg("--version").output().is_err() {
        return None;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("search.js"), search_js()).expect("write search.js");
    let harness = r#"
        const s = require("./search.js");
        const input = JSON.parse(require("fs").readFileSync(0, "utf8"));
        const out = {
            tokens: input.tokens.map(([lang, text]) => s.tokens(lang, text)),
            fallback: (() => {
                // The same texts as a browser without Intl.Segmenter cuts them.
                const segmenter = Intl.Segmenter;
                delete Intl.Segmenter;
                const out = input.tokens.map(([lang, text]) => s.tokens(lang, text));
                Intl.Segmenter = segmenter;
                return out;
            })(),
            normalize: input.normalize.map(([lang, word]) => s.normalizeWord(lang, word)),
            kazakh: input.kazakh.map((word) => s.stemKazakh(word)),
            keyboard: input.kazakh.map((word) => s.stemKazakhRussianKeyboard(word)),
            prefix: input.prefix.map(([lang, stems, words]) => {
                const set = new Set(stems);
                return words.map((word) => s.stemByPrefix(lang, set, word));
            }),
        };
        process.stdout.write(JSON.stringify(out));
    "#;
    std::fs::write(dir.path().join("harness.js"), harness).expect("write harness");
    let mut child = Command::new("node")
        .arg("harness.js")
        .current_dir(dir.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("run node");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.to_string().as_bytes())
        .expect("write to node");
    let output = child.wait_with_output().expect("node output");
    assert!(output.status.success(), "node failed: {}", output.status);
    Some(serde_json::from_slice(&output.stdout).expect("node's JSON"))
}

// Skipping is reported on stderr: CI installs node, so a skip there is seen.
#[allow(clippy::print_stderr)]
#[test]
fn the_javascript_port_agrees_with_rust_on_every_word() {
    use serde_json::json;

    let corpora = [
        ("kk", KK_CORPUS),
        ("ru", include_str!("fixtures/ru_corpus.txt")),
        ("en", include_str!("fixtures/en_corpus.txt")),
    ];
    let mut texts: Vec<(String, String)> = corpora
        .iter()
        .flat_map(|(lang, corpus)| {
            corpus
                .lines()
                .map(|line| (lang.to_string(), line.to_owned()))
        })
        .collect();
    // Texts that exercise every normalisation step.
    for (lang, text) in [
        (
            "kk",
            "Kазақстан İшкі ІШКІ əділет шаhар ɵкіл про\u{ad}бация Ё ё",
        ),
        (
            "ru",
            "пpoбaция BТОРНИК HАРОД sрок Йошкар-Ола и\u{306}од всё",
        ),
        ("en", "Kazakhstan’s İstanbul co-operation 4,2% U.S. e-mail"),
        ("tr", "IRMAK İstanbul"),
        ("de", "GEFÄNGNISSE Straße"),
    ] {
        texts.push((lang.to_owned(), text.to_owned()));
    }
    let words: Vec<(String, String)> = texts
        .iter()
        .flat_map(|(lang, text)| {
            text.split_whitespace()
                .map(|w| (lang.clone(), w.to_owned()))
        })
        .collect();
    let mut kazakh: BTreeSet<String> = table()
        .into_iter()
        .map(|(form, _)| normalize_word("kk", &form))
        .collect();
    kazakh.extend(corpus_words("kk", KK_CORPUS).into_keys());
    let kazakh: Vec<String> = kazakh.into_iter().collect();
    let prefix: Vec<(String, Vec<String>, Vec<String>)> =
        [("ru", corpora[1].1), ("en", corpora[2].1)]
            .iter()
            .map(|(lang, corpus)| {
                let words = corpus_words(lang, corpus);
                let stems: BTreeSet<String> = words.values().cloned().collect();
                let mut queries: Vec<String> = words.into_keys().collect();
                queries.extend(["пробацией", "crying", "hoping", "zzz"].map(String::from));
                (lang.to_string(), stems.into_iter().collect(), queries)
            })
            .collect();
    let input = json!({ "tokens": texts, "normalize": words, "kazakh": kazakh, "prefix": prefix });
    let Some(js) = run_node(&input) else {
        eprintln!("node is not installed: the JavaScript port was not checked");
        return;
    };

    let mut differences = Vec::new();
    let mut compare =
        |what: &str, case: String, rust: serde_json::Value, js: &serde_json::Value| {
            if &rust != js {
                differences.push(format!("{what} {case}: Rust {rust}, JavaScript {js}"));
            }
        };
    for (i, (lang, text)) in texts.iter().enumerate() {
        compare(
            "tokens",
            format!("{lang} {text:?}"),
            json!(tokens(lang, text)),
            &js["tokens"][i],
        );
        compare(
            "tokens without Intl.Segmenter",
            format!("{lang} {text:?}"),
            json!(tokens(lang, text)),
            &js["fallback"][i],
        );
    }
    for (i, (lang, word)) in words.iter().enumerate() {
        compare(
            "normalize",
            format!("{lang} {word}"),
            json!(normalize_word(lang, word)),
            &js["normalize"][i],
        );
    }
    for (i, word) in kazakh.iter().enumerate() {
        compare(
            "kazakh",
            word.clone(),
            json!(kazakh::stem(word)),
            &js["kazakh"][i],
        );
        compare(
            "keyboard",
            word.clone(),
            json!(kazakh::stem_russian_keyboard(word)),
            &js["keyboard"][i],
        );
    }
    for (i, (lang, stems, queries)) in prefix.iter().enumerate() {
        let stems: BTreeSet<String> = stems.iter().cloned().collect();
        for (j, word) in queries.iter().enumerate() {
            compare(
                "prefix",
                format!("{lang} {word}"),
                json!(stem_by_prefix(lang, &stems, word)),
                &js["prefix"][i][j],
            );
        }
    }
    assert!(
        differences.is_empty(),
        "{} differences:\n{}",
        differences.len(),
        differences.join("\n")
    );
}
