//! Interface strings and locale-correct formatting.
//!
//! Interface strings live in Fluent files: the theme's
//! `themes/<theme>/locales/<lang>/*.ftl`, overridden message by message by the
//! site's `locales/<lang>/*.ftl`. Bundles are parsed once per build and shared
//! by every page render (they are the concurrent kind, because Tera functions
//! run on many threads). A message missing in a language falls back along the
//! language's chain from `site.yaml`; the gap is reported as a warning naming the
//! file that lacks it.
//!
//! Dates, numbers and collation come from ICU4X's CLDR data rather than
//! hand-written tables, so Russian gets genitive month names and Kazakh its own
//! date order. Fluent's bidi isolation marks are turned off: every language here
//! is left-to-right, and the marks would leak into `title` attributes and feeds.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::PathBuf;
use std::sync::Arc;

use chrono::{Datelike, NaiveDate};
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::memoizer::MemoizerKind;
use fluent_bundle::types::FluentNumberOptions;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use icu::calendar::{Date, Gregorian};
use icu::collator::{Collator, CollatorBorrowed, options::CollatorOptions};
use icu::datetime::{FixedCalendarDateTimeFormatter, fieldsets::YMD};
use icu::decimal::DecimalFormatter;
use icu::locale::Locale;
use intl_memoizer::concurrent::IntlLangMemoizer;
use unic_langid::LanguageIdentifier;

use crate::config::{Language, SiteConfig};
use crate::diagnostics::{Diagnostic, Diagnostics, line_col, relative};
use crate::document::typography::Typography;
use crate::theme::{Theme, site_files};

/// Everything locale-specific for one language.
struct LangData {
    code: String,
    /// Indexes into `I18n::langs`: this language, then its fallbacks.
    chain: Vec<usize>,
    bundle: FluentBundle<FluentResource>,
    /// Where each message id was defined, for diagnostics.
    defined: BTreeMap<String, PathBuf>,
    /// The file a missing message should be added to.
    main_file: PathBuf,
    dates: Arc<FixedCalendarDateTimeFormatter<Gregorian, YMD>>,
    numbers: DecimalFormatter,
    /// A hash of the `.ftl` sources read for this language.
    sources_hash: u64,
    collator: CollatorBorrowed<'static>,
    /// Quotation marks, dashes and no-break spaces for markdown bodies.
    typography: Typography,
    /// `ltr` or `rtl`, from the script CLDR gives the locale.
    dir: &'static str,
    /// Every message of the chain that needs no arguments, already formatted:
    /// templates ask for the same labels on every page, tens of thousands of
    /// times in a large archive.
    plain: HashMap<String, String>,
}

/// The interface strings and formatters of every language of a site.
pub struct I18n {
    langs: Vec<LangData>,
}

/// Why a message could not be formatted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MessageError {
    /// No language in the chain defines the message.
    #[error(
        "no language defines the message `{0}`; add it to the theme's or the site's .ftl files"
    )]
    Unknown(String),
    /// The message exists but formatting it failed (e.g. a missing variable).
    #[error("the message `{key}` could not be formatted: {detail}")]
    Format {
        /// The message id.
        key: String,
        /// Fluent's explanation.
        detail: String,
    },
}

/// An argument for a message.
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    /// Text.
    Str(String),
    /// A number: selects plural variants.
    Num(f64),
}

impl I18n {
    /// Loads the bundles of every language of `config`. Returns the warnings
    /// (messages missing in some language) with the result.
    pub fn load(config: &SiteConfig) -> Result<(I18n, Diagnostics), Diagnostics> {
        let mut problems = Diagnostics::new();
        let mut langs = Vec::new();
        let theme = Theme::of(config);
        for language in &config.languages {
            match load_language(config, language, theme.as_ref()) {
                Ok(data) => langs.push(data),
                Err(p) => problems.extend(p),
            }
        }
        if problems.has_errors() {
            return Err(problems);
        }
        for data in &mut langs {
            data.chain = config
                .fallback_chain(&data.code)
                .iter()
                .filter_map(|code| config.languages.iter().position(|l| &l.code == code))
                .collect();
        }
        let mut i18n = I18n { langs };
        let keys: BTreeSet<String> = i18n
            .langs
            .iter()
            .flat_map(|l| l.defined.keys().cloned())
            .collect();
        let plain: Vec<HashMap<String, String>> = i18n
            .langs
            .iter()
            .map(|data| {
                keys.iter()
                    .filter_map(|key| {
                        let text = i18n.format(&data.code, key, &[]).ok()?;
                        Some((key.clone(), text))
                    })
                    .collect()
            })
            .collect();
        for (data, plain) in i18n.langs.iter_mut().zip(plain) {
            data.plain = plain;
        }
        problems.extend(i18n.missing_message_warnings(config));
        problems.extend(unnamed_language_warnings(config));
        Ok((i18n, problems))
    }

    fn lang(&self, code: &str) -> &LangData {
        self.langs
            .iter()
            .find(|l| l.code == code)
            .unwrap_or(&self.langs[0])
    }

    /// A value that changes whenever the strings `lang`'s pages can show
    /// change: its own `.ftl` files and those of its fallbacks.
    pub fn fingerprint(&self, lang: &str) -> u64 {
        let data = self.lang(lang);
        let mut h = crate::util::hash::StableHasher::new();
        h.add(&data.code);
        for &i in &data.chain {
            h.add(&self.langs[i].sources_hash);
        }
        h.finish()
    }

    /// Formats the message `key` in `lang`, falling back along the chain.
    pub fn message(
        &self,
        lang: &str,
        key: &str,
        args: &[(String, Arg)],
    ) -> Result<String, MessageError> {
        if args.is_empty()
            && let Some(text) = self.lang(lang).plain.get(key)
        {
            return Ok(text.clone());
        }
        self.format(lang, key, args)
    }

    /// [`I18n::message`] without the table of plain messages.
    fn format(
        &self,
        lang: &str,
        key: &str,
        args: &[(String, Arg)],
    ) -> Result<String, MessageError> {
        let data = self.lang(lang);
        for &index in &data.chain {
            let bundle = &self.langs[index].bundle;
            let Some(pattern) = bundle.get_message(key).and_then(|m| m.value()) else {
                continue;
            };
            let mut fluent_args = FluentArgs::new();
            for (name, value) in args {
                match value {
                    Arg::Str(s) => fluent_args.set(name.as_str(), FluentValue::from(s.as_str())),
                    Arg::Num(n) => fluent_args.set(name.as_str(), FluentValue::from(*n)),
                }
            }
            let mut errors = Vec::new();
            let text = bundle.format_pattern(pattern, Some(&fluent_args), &mut errors);
            if let Some(first) = errors.first() {
                return Err(MessageError::Format {
                    key: key.to_owned(),
                    detail: first.to_string(),
                });
            }
            return Ok(text.into_owned());
        }
        Err(MessageError::Unknown(key.to_owned()))
    }

    /// The language whose text [`I18n::message`] shows for `key` in `lang`:
    /// `lang` itself, or the fallback that has the message.
    pub fn message_language(&self, lang: &str, key: &str) -> Option<&str> {
        self.lang(lang)
            .chain
            .iter()
            .map(|&i| &self.langs[i])
            .find(|l| l.bundle.has_message(key))
            .map(|l| l.code.as_str())
    }

    /// How markdown in `lang` sets quotes, dashes and no-break spaces.
    pub fn typography(&self, lang: &str) -> &Typography {
        &self.lang(lang).typography
    }

    /// `ltr` or `rtl`: the direction of `lang`'s script.
    pub fn direction(&self, lang: &str) -> &'static str {
        self.lang(lang).dir
    }

    /// Whether any language of the chain of `lang` defines `key`.
    pub fn has_message(&self, lang: &str, key: &str) -> bool {
        self.lang(lang)
            .chain
            .iter()
            .any(|&i| self.langs[i].bundle.has_message(key))
    }

    /// A release date written out in `lang`, e.g. «11 декабря 2015 г.».
    pub fn format_date(&self, lang: &str, date: NaiveDate) -> String {
        format_date_with(&self.lang(lang).dates, date)
    }

    /// An integer with the locale's digit grouping.
    pub fn format_number(&self, lang: &str, n: i64) -> String {
        self.lang(lang).numbers.format(&n.into()).to_string()
    }

    /// Compares two strings by the collation of `lang`.
    pub fn compare(&self, lang: &str, a: &str, b: &str) -> Ordering {
        self.lang(lang).collator.compare(a, b)
    }

    /// A warning for every message that some language defines and another
    /// lacks (it falls back along the chain).
    fn missing_message_warnings(&self, config: &SiteConfig) -> Diagnostics {
        let all: BTreeSet<&str> = self
            .langs
            .iter()
            .flat_map(|l| l.defined.keys().map(String::as_str))
            .collect();
        let mut warnings = Diagnostics::new();
        for data in &self.langs {
            for key in all.iter().filter(|k| !data.defined.contains_key(**k)) {
                let used = data
                    .chain
                    .iter()
                    .skip(1)
                    .map(|&i| &self.langs[i])
                    .find(|l| l.defined.contains_key(*key));
                let help = match used {
                    Some(l) => format!(
                        "add `{key} = …` in {} to translate it; until then the {} text is used",
                        data.main_file.display(),
                        l.code
                    ),
                    None => format!(
                        "add `{key} = …` in {}; no language in its fallback chain has it",
                        data.main_file.display()
                    ),
                };
                warnings.push(
                    Diagnostic::warning(
                        relative(&data.main_file, &config.root),
                        1,
                        1,
                        format!("the message `{key}` is missing in `{}`", data.code),
                    )
                    .with_help(help),
                );
            }
        }
        warnings
    }
}

/// A warning for every language without a `name` in `site.yaml`: switchers
/// and the root chooser then show its code, the end of the fallback chain of
/// language names.
fn unnamed_language_warnings(config: &SiteConfig) -> Diagnostics {
    let text =
        std::fs::read_to_string(config.root.join(crate::config::CONFIG_FILE)).unwrap_or_default();
    let mut warnings = Diagnostics::new();
    for language in config.languages.iter().filter(|l| l.name == l.code) {
        let (line, column) =
            crate::document::yaml::find_value(&text, "languages", Some(&language.code))
                .unwrap_or((1, 1));
        warnings.push(
            Diagnostic::warning(
                crate::config::CONFIG_FILE,
                line,
                column,
                format!(
                    "language `{}` has no `name`; language switchers show its code",
                    language.code
                ),
            )
            .with_help(format!(
                "write it as a mapping with the language's name in itself, e.g. `- code: {}` and `name: …`",
                language.code
            )),
        );
    }
    warnings
}

fn load_language(
    config: &SiteConfig,
    language: &Language,
    theme: Option<&Theme>,
) -> Result<LangData, Diagnostics> {
    let code = language.code.as_str();
    let locale = language.locale.as_deref().unwrap_or(code);
    // `site.yaml` has checked that `quotes` is four characters.
    let typography = Typography::for_locale(locale, language.quotes.as_deref())
        .or_else(|| Typography::for_locale(locale, None))
        .ok_or_else(|| {
            Diagnostics::from(Diagnostic::error(
                "site.yaml",
                1,
                1,
                format!("no quotation marks for `{locale}`"),
            ))
        })?;
    let dir = direction(locale);
    let mut problems = Diagnostics::new();
    let root = &config.root;
    let langid: LanguageIdentifier = locale.parse().map_err(|_| {
        Diagnostics::from(Diagnostic::error(
            "site.yaml",
            1,
            1,
            format!("`{locale}` is not a language tag Fluent understands"),
        ))
    })?;
    let locale: Locale = locale.parse().map_err(|_| {
        Diagnostics::from(Diagnostic::error(
            "site.yaml",
            1,
            1,
            format!("`{locale}` is not a language tag ICU understands"),
        ))
    })?;
    let mut bundle = FluentBundle::new_concurrent(vec![langid]);
    bundle.set_use_isolating(false);
    // Numbers in messages get the locale's digit grouping from ICU; plural
    // selection still sees the number itself.
    bundle.set_formatter(Some(format_fluent_number));
    let dates = Arc::new(
        FixedCalendarDateTimeFormatter::try_new((&locale).into(), YMD::long()).map_err(|e| {
            Diagnostics::from(Diagnostic::error(
                "site.yaml",
                1,
                1,
                format!("no date format for `{code}`: {e}"),
            ))
        })?,
    );
    let for_fluent = Arc::clone(&dates);
    // DATETIME($date) writes an ISO date (as templates pass it) out in the
    // bundle's language; anything else is passed through unchanged.
    let _ = bundle.add_function(
        "DATETIME",
        move |args: &[FluentValue<'_>], _: &FluentArgs<'_>| match args.first() {
            Some(FluentValue::String(text)) => match format_iso_date(&for_fluent, text) {
                Some(formatted) => FluentValue::from(formatted),
                None => FluentValue::from(text.clone().into_owned()),
            },
            Some(other) => other.clone(),
            None => FluentValue::Error,
        },
    );
    let mut defined = BTreeMap::new();
    // Message and term (`-name`) references, to find circles at load time.
    let mut graph: BTreeMap<String, (PathBuf, usize, Vec<String>)> = BTreeMap::new();
    let mut sources_hash = crate::util::hash::StableHasher::new();
    // Missing messages go in the theme's main file, or in the site's when
    // the theme is built in and cannot be edited.
    let mut main_file = match theme {
        Some(Theme::Folder(dir)) => relative(dir, root).join("locales"),
        _ => PathBuf::from("locales"),
    }
    .join(code)
    .join("main.ftl");
    // The theme's files first, then the site's, which override them message by
    // message.
    let sub = format!("locales/{code}");
    let theme_files = theme.map(|t| t.files(&sub, root, &mut problems));
    let layers = [
        (true, theme_files.unwrap_or_default()),
        (false, site_files(root, &sub, &mut problems)),
    ];
    for (from_theme, files) in layers {
        // Within one folder (the theme's or the site's) a message is defined
        // once; only the site's folder may redefine the theme's.
        let mut here: HashMap<String, (PathBuf, usize)> = HashMap::new();
        for file in files
            .into_values()
            .filter(|f| f.display.extension().is_some_and(|x| x == "ftl"))
        {
            let display = file.display.clone();
            let text = match file.read_text() {
                Ok(t) => t,
                Err(d) => {
                    problems.push(d);
                    continue;
                }
            };
            sources_hash.add(&(&display, &text));
            let resource = match FluentResource::try_new(text) {
                Ok(r) => r,
                Err((r, errors)) => {
                    for e in errors {
                        // An unclosed construct is detected at the end of the
                        // file; the entry where it starts is the useful place.
                        let at = match &e.slice {
                            Some(slice) if e.pos.start >= r.source().trim_end().len() => {
                                slice.start
                            }
                            _ => e.pos.start,
                        };
                        let (line, column) = line_col(r.source(), at);
                        problems.push(
                            Diagnostic::error(&display, line, column, format!("Fluent syntax error: {}", e.kind))
                                .with_help("see https://projectfluent.org/fluent/guide/ for the syntax of messages"),
                        );
                    }
                    continue;
                }
            };
            let mut seen_in_file: HashMap<String, usize> = HashMap::new();
            for entry in resource.entries() {
                use fluent_syntax::ast::Entry;
                let (key, value, attributes) = match entry {
                    Entry::Message(m) => (m.id.name.to_owned(), m.value.as_ref(), &m.attributes),
                    Entry::Term(t) => (format!("-{}", t.id.name), Some(&t.value), &t.attributes),
                    _ => continue,
                };
                let nth = seen_in_file.entry(key.clone()).or_default();
                let line = message_line(resource.source(), &key, *nth);
                *nth += 1;
                let mut refs = Vec::new();
                for pattern in value.into_iter().chain(attributes.iter().map(|a| &a.value)) {
                    pattern_refs(pattern, &mut refs);
                }
                // Later definitions (the site's) replace earlier ones.
                graph.insert(key, (display.clone(), line, refs));
                if let Entry::Message(m) = entry {
                    if let Some((first, first_line)) = here.get(m.id.name) {
                        problems.push(
                            Diagnostic::error(&display, line, 1, format!("the message `{}` is already defined at {}:{first_line}", m.id.name, first.display()))
                                .with_help("keep one of the two; to replace a theme's message, define it in the site's locales/ folder"),
                        );
                    } else {
                        here.insert(m.id.name.to_owned(), (display.clone(), line));
                    }
                    defined.insert(m.id.name.to_owned(), display.clone());
                }
            }
            if from_theme
                && display.file_name().is_some_and(|n| n == "main.ftl")
                && !file.is_builtin()
            {
                main_file = display.clone();
            }
            // Later files (the site's) replace the theme's message by message.
            bundle.add_resource_overriding(resource);
        }
    }
    report_circles(&graph, &mut problems);
    if problems.has_errors() {
        return Err(problems);
    }
    let numbers = DecimalFormatter::try_new((&locale).into(), Default::default()).map_err(|e| {
        Diagnostics::from(Diagnostic::error(
            "site.yaml",
            1,
            1,
            format!("no number format for `{code}`: {e}"),
        ))
    })?;
    let collator =
        Collator::try_new((&locale).into(), CollatorOptions::default()).map_err(|e| {
            Diagnostics::from(Diagnostic::error(
                "site.yaml",
                1,
                1,
                format!("no collation for `{code}`: {e}"),
            ))
        })?;
    Ok(LangData {
        code: code.to_owned(),
        chain: Vec::new(),
        bundle,
        defined,
        main_file,
        dates,
        numbers,
        sources_hash: sources_hash.finish(),
        collator,
        typography,
        dir,
        // Filled by `I18n::load` once the fallback chains are known.
        plain: HashMap::new(),
    })
}

/// `rtl` when CLDR's likely script of `locale` is written right to left
/// (Arabic, Hebrew, Persian…), `ltr` otherwise (and for a tag ICU cannot read).
pub fn direction(locale: &str) -> &'static str {
    use icu::locale::{LanguageIdentifier as IcuLangId, LocaleDirectionality};
    static DIRECTIONS: std::sync::OnceLock<LocaleDirectionality> = std::sync::OnceLock::new();
    let directions = DIRECTIONS.get_or_init(LocaleDirectionality::new_common);
    match locale.parse::<IcuLangId>() {
        Ok(id) if directions.is_right_to_left(&id) => "rtl",
        _ => "ltr",
    }
}

fn format_date_with(
    formatter: &FixedCalendarDateTimeFormatter<Gregorian, YMD>,
    date: NaiveDate,
) -> String {
    match Date::try_new_gregorian(date.year(), date.month() as u8, date.day() as u8) {
        Ok(d) => formatter.format(&d).to_string(),
        Err(_) => date.format("%Y-%m-%d").to_string(),
    }
}

/// Formats `YYYY-MM-DD` (or the date part of an RFC 3339 datetime).
fn format_iso_date(
    formatter: &FixedCalendarDateTimeFormatter<Gregorian, YMD>,
    text: &str,
) -> Option<String> {
    let date = NaiveDate::parse_from_str(text.get(..10)?, "%Y-%m-%d").ok()?;
    Some(format_date_with(formatter, date))
}

/// ICU's decimal formatter, memoised per bundle by Fluent.
struct IcuNumbers(DecimalFormatter);

impl intl_memoizer::Memoizable for IcuNumbers {
    type Args = ();
    type Error = String;
    fn construct(lang: LanguageIdentifier, _: ()) -> Result<Self, String> {
        let locale: Locale = lang.to_string().parse().map_err(|e| format!("{e:?}"))?;
        DecimalFormatter::try_new((&locale).into(), Default::default())
            .map(IcuNumbers)
            .map_err(|e| e.to_string())
    }
}

/// Fluent's hook for writing values: whole numbers with default options go
/// through ICU; everything else keeps Fluent's own formatting.
fn format_fluent_number(value: &FluentValue<'_>, intls: &IntlLangMemoizer) -> Option<String> {
    let FluentValue::Number(number) = value else {
        return None;
    };
    let whole = number.value.fract() == 0.0 && number.value.abs() < 1e15;
    if !whole || number.options != FluentNumberOptions::default() {
        return None;
    }
    intls
        .with_try_get_threadsafe::<IcuNumbers, _, _>((), |f| {
            f.0.format(&(number.value as i64).into()).to_string()
        })
        .ok()
}

/// The messages and terms (as `-name`) that `pattern` refers to.
fn pattern_refs(pattern: &fluent_syntax::ast::Pattern<&str>, refs: &mut Vec<String>) {
    use fluent_syntax::ast::{Expression, InlineExpression, PatternElement};
    fn inline(e: &InlineExpression<&str>, refs: &mut Vec<String>) {
        match e {
            InlineExpression::MessageReference { id, .. } => refs.push(id.name.to_owned()),
            InlineExpression::TermReference { id, arguments, .. } => {
                refs.push(format!("-{}", id.name));
                for a in arguments
                    .iter()
                    .flat_map(|a| a.positional.iter().chain(a.named.iter().map(|n| &n.value)))
                {
                    inline(a, refs);
                }
            }
            InlineExpression::FunctionReference { arguments, .. } => {
                for a in arguments
                    .positional
                    .iter()
                    .chain(arguments.named.iter().map(|n| &n.value))
                {
                    inline(a, refs);
                }
            }
            InlineExpression::Placeable { expression } => expression_refs(expression, refs),
            _ => {}
        }
    }
    fn expression_refs(e: &Expression<&str>, refs: &mut Vec<String>) {
        match e {
            Expression::Inline(e) => inline(e, refs),
            Expression::Select { selector, variants } => {
                inline(selector, refs);
                for v in variants {
                    pattern_refs(&v.value, refs);
                }
            }
        }
    }
    for element in &pattern.elements {
        if let PatternElement::Placeable { expression } = element {
            expression_refs(expression, refs);
        }
    }
}

/// Reports every circle of references (`a = { b }`, `b = { a }`) at the
/// definition where it starts: Fluent would only fail when a page asks for
/// the message, and point at the template.
fn report_circles(
    graph: &BTreeMap<String, (PathBuf, usize, Vec<String>)>,
    problems: &mut Diagnostics,
) {
    // Depth-first, in sorted order so the reports are stable; `done` holds
    // the ids fully explored.
    let mut done: std::collections::HashSet<&str> = std::collections::HashSet::new();
    for start in graph.keys() {
        let mut stack: Vec<(&str, usize)> = vec![(start.as_str(), 0)];
        while let Some(&mut (id, ref mut next)) = stack.last_mut() {
            let refs = graph.get(id).map_or(&[][..], |(_, _, r)| r.as_slice());
            let Some(target) = refs.get(*next) else {
                done.insert(id);
                stack.pop();
                continue;
            };
            *next += 1;
            if done.contains(target.as_str()) || !graph.contains_key(target) {
                continue;
            }
            if let Some(from) = stack.iter().position(|(s, _)| s == target) {
                let mut chain: Vec<&str> = stack[from..].iter().map(|(s, _)| *s).collect();
                chain.push(target);
                let (file, line, _) = &graph[target.as_str()];
                problems.push(
                    Diagnostic::error(file, *line, 1, format!("`{target}` refers back to itself: {}", chain.join(" → ")))
                        .with_help("a message cannot include itself, directly or through other messages; remove one reference of the circle"),
                );
                continue;
            }
            stack.push((target.as_str(), 0));
        }
    }
}

/// The line of the `nth` (from 0) definition of message `id` in `source`.
fn message_line(source: &str, id: &str, nth: usize) -> usize {
    source
        .lines()
        .enumerate()
        .filter(|(_, l)| {
            l.strip_prefix(id)
                .is_some_and(|rest| rest.trim_start().starts_with('='))
        })
        .nth(nth)
        .map_or(1, |(i, _)| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(files: &[(&str, &str)]) -> (tempfile::TempDir, SiteConfig) {
        let dir = tempfile::tempdir().unwrap();
        for (path, text) in files {
            let p = dir.path().join(path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
        let config = SiteConfig::parse(
            dir.path(),
            "title: T\nbase_url: https://e.org\nlanguages:\n  - en\n  - code: ru\n  - code: kk\n    fallback: ru\n",
        )
        .unwrap();
        (dir, config)
    }

    const COUNT_EN: &str = "releases-count = { $count ->\n    [one] { $count } release\n   *[other] { $count } releases\n}\nhello = Hello\n";
    const COUNT_RU: &str = "releases-count = { $count ->\n    [one] { $count } релиз\n    [few] { $count } релиза\n    [many] { $count } релизов\n   *[other] { $count } релиза\n}\nhello = Привет\n";
    const COUNT_KK: &str = "releases-count = { $count ->\n    [one] { $count } релиз\n   *[other] { $count } релиз\n}\n";

    fn loaded() -> (tempfile::TempDir, I18n, Diagnostics) {
        let (dir, config) = site(&[
            ("themes/osce/locales/en/main.ftl", COUNT_EN),
            ("themes/osce/locales/ru/main.ftl", COUNT_RU),
            ("themes/osce/locales/kk/main.ftl", COUNT_KK),
        ]);
        let (i18n, warnings) = I18n::load(&config).unwrap();
        (dir, i18n, warnings)
    }

    fn count(i18n: &I18n, lang: &str, n: f64) -> String {
        i18n.message(lang, "releases-count", &[("count".into(), Arg::Num(n))])
            .unwrap()
    }

    #[test]
    fn plural_categories_follow_cldr() {
        let (_dir, i18n, _) = loaded();
        let ru: Vec<String> = [0, 1, 2, 5, 11, 21, 22, 25]
            .iter()
            .map(|&n| count(&i18n, "ru", n as f64))
            .collect();
        assert_eq!(
            ru,
            [
                "0 релизов",
                "1 релиз",
                "2 релиза",
                "5 релизов",
                "11 релизов",
                "21 релиз",
                "22 релиза",
                "25 релизов"
            ]
        );
        let en: Vec<String> = [0, 1, 2, 21]
            .iter()
            .map(|&n| count(&i18n, "en", n as f64))
            .collect();
        assert_eq!(en, ["0 releases", "1 release", "2 releases", "21 releases"]);
        assert_eq!(count(&i18n, "kk", 1.0), "1 релиз");
        assert_eq!(count(&i18n, "kk", 25.0), "25 релиз");
    }

    #[test]
    fn missing_messages_fall_back_and_warn() {
        let (_dir, i18n, warnings) = loaded();
        assert_eq!(i18n.message("kk", "hello", &[]).unwrap(), "Привет");
        let w: Vec<String> = warnings
            .sorted()
            .iter()
            .filter(|d| d.message.contains("message"))
            .map(|d| d.to_string())
            .collect();
        assert_eq!(w.len(), 1, "{w:#?}");
        assert!(w[0].starts_with("themes/osce/locales/kk/main.ftl:1:1: warning: the message `hello` is missing in `kk`"), "{}", w[0]);
        assert_eq!(
            i18n.message("en", "nope", &[]),
            Err(MessageError::Unknown("nope".into()))
        );
    }

    #[test]
    fn site_files_override_message_by_message() {
        let (_dir, config) = site(&[
            ("themes/osce/locales/en/main.ftl", COUNT_EN),
            ("locales/en/main.ftl", "hello = Welcome\n"),
        ]);
        let (i18n, _) = I18n::load(&config).unwrap();
        assert_eq!(i18n.message("en", "hello", &[]).unwrap(), "Welcome");
        assert_eq!(count(&i18n, "en", 2.0), "2 releases");
    }

    #[test]
    fn syntax_errors_have_positions() {
        let (_dir, config) = site(&[(
            "themes/osce/locales/en/main.ftl",
            "ok = fine\nbroken = { $x\n",
        )]);
        let Err(e) = I18n::load(&config) else {
            panic!("expected an error")
        };
        let d = e.sorted()[0].to_string();
        assert!(d.starts_with("themes/osce/locales/en/main.ftl:2:"), "{d}");
        assert!(d.contains("Fluent syntax error"), "{d}");
    }

    #[test]
    fn dates_follow_cldr() {
        let (_dir, i18n, _) = loaded();
        let date = NaiveDate::from_ymd_opt(2015, 12, 11).unwrap();
        assert_eq!(i18n.format_date("en", date), "December 11, 2015");
        assert_eq!(i18n.format_date("ru", date), "11 декабря 2015\u{202f}г.");
        assert_eq!(i18n.format_date("kk", date), "2015\u{202f}ж. 11 желтоқсан");
    }

    #[test]
    fn messages_format_numbers_and_dates_per_locale() {
        let (_dir, config) = site(&[
            (
                "themes/osce/locales/en/main.ftl",
                "n = { $n } inmates\nd = Published { DATETIME($date) }\n",
            ),
            (
                "themes/osce/locales/ru/main.ftl",
                "n = { $n } заключённых\nd = Опубликовано { DATETIME($date) }\n",
            ),
            (
                "themes/osce/locales/kk/main.ftl",
                "n = { $n } сотталған\nd = Жарияланды: { DATETIME($date) }\n",
            ),
        ]);
        let (i18n, _) = I18n::load(&config).unwrap();
        let n = |lang| {
            i18n.message(lang, "n", &[("n".into(), Arg::Num(57038.0))])
                .unwrap()
        };
        assert_eq!(n("en"), "57,038 inmates");
        assert_eq!(n("ru"), "57\u{a0}038 заключённых");
        assert_eq!(n("kk"), "57\u{a0}038 сотталған");
        let d = |lang, date: &str| {
            i18n.message(lang, "d", &[("date".into(), Arg::Str(date.into()))])
                .unwrap()
        };
        assert_eq!(
            d("ru", "2011-11-23"),
            "Опубликовано 23 ноября 2011\u{202f}г."
        );
        assert_eq!(d("kk", "2015-04-01"), "Жарияланды: 2015\u{202f}ж. 1 сәуір");
        assert_eq!(d("en", "not a date"), "Published not a date");
    }

    #[test]
    fn seed_dates_in_every_language() {
        let (_dir, i18n, _) = loaded();
        let cases = [
            (
                "2011-11-23",
                "November 23, 2011",
                "23 ноября 2011\u{202f}г.",
                "2011\u{202f}ж. 23 қараша",
            ),
            (
                "2015-04-01",
                "April 1, 2015",
                "1 апреля 2015\u{202f}г.",
                "2015\u{202f}ж. 1 сәуір",
            ),
            (
                "2015-12-11",
                "December 11, 2015",
                "11 декабря 2015\u{202f}г.",
                "2015\u{202f}ж. 11 желтоқсан",
            ),
            (
                "2025-12-10",
                "December 10, 2025",
                "10 декабря 2025\u{202f}г.",
                "2025\u{202f}ж. 10 желтоқсан",
            ),
        ];
        for (iso, en, ru, kk) in cases {
            let date = NaiveDate::parse_from_str(iso, "%Y-%m-%d").unwrap();
            assert_eq!(
                [
                    i18n.format_date("en", date),
                    i18n.format_date("ru", date),
                    i18n.format_date("kk", date)
                ],
                [en, ru, kk]
            );
        }
    }

    #[test]
    fn fallback_messages_name_their_language_and_unnamed_languages_warn() {
        let (dir, i18n, _) = loaded();
        assert_eq!(i18n.message_language("kk", "hello"), Some("ru"));
        assert_eq!(i18n.message_language("kk", "releases-count"), Some("kk"));
        assert_eq!(i18n.message_language("kk", "nope"), None);
        // The test site.yaml lists bare codes; written to disk, each is a
        // warning at its line.
        std::fs::write(
            dir.path().join("site.yaml"),
            "title: T\nbase_url: https://e.org\nlanguages:\n  - en\n  - code: ru\n  - code: kk\n    fallback: ru\n",
        )
        .unwrap();
        let config = SiteConfig::load(dir.path()).unwrap();
        let w: Vec<String> = unnamed_language_warnings(&config)
            .sorted()
            .iter()
            .map(|d| d.to_string())
            .collect();
        assert_eq!(w.len(), 3, "{w:#?}");
        assert!(
            w[0].starts_with("site.yaml:4:5: warning: language `en` has no `name`"),
            "{}",
            w[0]
        );
    }

    #[test]
    fn direction_comes_from_the_script() {
        assert_eq!(direction("ar"), "rtl");
        assert_eq!(direction("he"), "rtl");
        assert_eq!(direction("fa-IR"), "rtl");
        assert_eq!(direction("uz-Latn"), "ltr");
        assert_eq!(direction("uz-Arab"), "rtl");
        assert_eq!(direction("kk"), "ltr");
        assert_eq!(direction("not a tag"), "ltr");
    }

    #[test]
    fn numbers_and_collation() {
        let (_dir, i18n, _) = loaded();
        assert_eq!(i18n.format_number("en", 57038), "57,038");
        assert_eq!(i18n.format_number("ru", 57038), "57\u{a0}038");
        let mut words = vec![
            "ұлт",
            "үкімет",
            "уақыт",
            "қала",
            "кеңес",
            "әділет",
            "адам",
            "ғылым",
            "гүл",
            "өмір",
            "орын",
        ];
        words.sort_by(|a, b| i18n.compare("kk", a, b));
        assert_eq!(
            words,
            [
                "адам",
                "әділет",
                "гүл",
                "ғылым",
                "кеңес",
                "қала",
                "орын",
                "өмір",
                "уақыт",
                "ұлт",
                "үкімет"
            ]
        );
    }
}
