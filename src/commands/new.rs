//! `pressroom new release` and `pressroom new translation`: correctly named
//! files with their front matter.
//!
//! For a new release the editor gives a title; the slug comes from it
//! (transliterated when the title is Cyrillic) and the file goes where the
//! build expects it, so a new release builds without touching anything else.
//! A new translation is written beside the release it translates, with the
//! same name in another language, so the two are linked without a
//! `translation_key`. Both are drafts until an editor clears them, and every
//! placeholder is written in the file's own language, for the person who will
//! replace it.

use std::path::{Path, PathBuf};

use chrono::{Datelike, NaiveDate};

use super::{CommandError, UsageError, site_language};
use crate::config::SiteConfig;
use crate::diagnostics::{Diagnostic, relative};
use crate::document::{self, Document};
use crate::util::slug::slugify;

/// The words `new` writes into a file, in the file's language.
struct Placeholders {
    /// The body of a new release.
    release_body: &'static str,
    /// Put before a title that still needs translating.
    translate: &'static str,
    /// The note above a body to translate.
    translation_note: &'static str,
}

/// English, Russian and Kazakh; other languages get the English words.
fn placeholders(lang: &str) -> &'static Placeholders {
    const EN: Placeholders = Placeholders {
        release_body: "Write the release here. Remove `draft: true` above when it is ready to publish.",
        translate: "TRANSLATE: ",
        translation_note: "Translate the text below, then delete this note, the word TRANSLATE in the title and the line `draft: true` above.",
    };
    const RU: Placeholders = Placeholders {
        release_body: "Напишите текст релиза здесь. Когда он будет готов к публикации, удалите строку `draft: true` выше.",
        translate: "ПЕРЕВЕСТИ: ",
        translation_note: "Переведите текст ниже на русский язык, затем удалите эту заметку, слово ПЕРЕВЕСТИ в заголовке и строку `draft: true` выше.",
    };
    const KK: Placeholders = Placeholders {
        release_body: "Хабарламаның мәтінін осында жазыңыз. Жариялауға дайын болғанда, жоғарыдағы `draft: true` жолын өшіріңіз.",
        translate: "АУДАРУ: ",
        translation_note: "Төмендегі мәтінді қазақ тіліне аударыңыз, содан кейін осы ескертпені, тақырыптағы АУДАРУ сөзін және жоғарыдағы `draft: true` жолын өшіріңіз.",
    };
    match lang.split('-').next() {
        Some("ru") => &RU,
        Some("kk") => &KK,
        _ => &EN,
    }
}

/// What to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRelease {
    /// The headline.
    pub title: String,
    /// Language code; the site's default when `None`.
    pub lang: Option<String>,
    /// Release date.
    pub date: NaiveDate,
}

/// Writes the new release under `config.root` and returns its path.
pub fn create_release(config: &SiteConfig, new: &NewRelease) -> Result<PathBuf, CommandError> {
    let lang = new
        .lang
        .clone()
        .unwrap_or_else(|| config.default_language().code.clone());
    site_language(config, &lang)?;
    let title = new.title.trim();
    let slug = slugify(title, &lang);
    if slug.is_empty() {
        return Err(UsageError::new(
            format!("the title `{title}` has no letters or digits to make a file name from"),
            "give a title with words in it, e.g. pressroom new release \"Forum on probation\"",
        )
        .into());
    }
    let dir = config
        .content_dir()
        .join("releases")
        .join(new.date.year().to_string());
    let path = dir.join(format!("{slug}.{lang}.md"));
    let display = relative(&path, &config.root);
    if path.exists() {
        return Err(
            Diagnostic::error(&display, 1, 1, "a release with this name already exists")
                .with_help("edit that file, or choose a different title")
                .into(),
        );
    }
    write_new(&path, &display, &front_matter(title, new.date, &lang))?;
    Ok(path)
}

/// Creates the folder of `path` and writes `text` there.
fn write_new(path: &Path, display: &Path, text: &str) -> Result<(), Diagnostic> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| crate::util::fs::io_diagnostic(display, &e, "create"))?;
    }
    std::fs::write(path, text).map_err(|e| crate::util::fs::io_diagnostic(display, &e, "write"))
}

/// The text of a new release file.
fn front_matter(title: &str, date: NaiveDate, lang: &str) -> String {
    format!(
        "---\ntitle: {}\ndate: {date}\nlocation: \"\"\ntags: []\ndraft: true\n---\n\n{}\n",
        yaml_string(title),
        placeholders(lang).release_body
    )
}

/// What translation to start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTranslation {
    /// The release or page to translate (absolute, or relative to the
    /// working folder or to the site root).
    pub source: PathBuf,
    /// The language of the translation.
    pub lang: String,
}

/// Writes the `lang` version of a release or page beside it (`forum.en.md`
/// → `forum.kk.md`, `index.en.md` → `index.kk.md`) and returns its path. The
/// new file keeps the date, tags, location, image, slug, weight and
/// `translation_key`; its title and body are the original's, marked for
/// translation in `lang`, and it is a draft. Aliases are not copied: two
/// versions cannot redirect the same old address.
pub fn create_translation(
    config: &SiteConfig,
    new: &NewTranslation,
) -> Result<PathBuf, CommandError> {
    site_language(config, &new.lang)?;
    let path = if new.source.is_file() || new.source.is_absolute() {
        new.source.clone()
    } else {
        config.root.join(&new.source)
    };
    let path = std::path::absolute(&path).unwrap_or(path);
    let root = std::path::absolute(&config.root).unwrap_or_else(|_| config.root.clone());
    if !path.is_file() {
        return Err(UsageError::new(
            format!("{} is not a file", new.source.display()),
            "name a release or page under content/, e.g. content/releases/2015/forum.en.md",
        )
        .into());
    }
    let mut config = config.clone();
    config.root = root.clone();
    let sources = crate::source::classify(&config, std::slice::from_ref(&path))?;
    let Some(source) = sources.docs.into_iter().next() else {
        return Err(UsageError::new(
            format!("{} is not a release or page", new.source.display()),
            "name a markdown file under content/releases/ or content/pages/",
        )
        .into());
    };
    if source.lang == new.lang {
        return Err(UsageError::new(
            format!("{} is already in `{}`", source.rel.display(), new.lang),
            "give --lang the language to translate into",
        )
        .into());
    }
    let text = crate::util::fs::read_text(&path, &source.rel)?;
    let (doc, _) = document::parse(source.clone(), &text)?;
    let name = format!(
        "{}.{}.md",
        if source.bundle { "index" } else { &source.stem },
        new.lang
    );
    let target = path.with_file_name(name);
    let display = relative(&target, &root);
    if target.exists() {
        return Err(Diagnostic::error(
            &display,
            1,
            1,
            format!("the `{}` version of this release already exists", new.lang),
        )
        .with_help("edit that file instead")
        .into());
    }
    write_new(&target, &display, &translation(&doc, &new.lang))?;
    Ok(target)
}

/// The text of a translation of `doc` into `lang`, to be translated.
fn translation(doc: &Document, lang: &str) -> String {
    let words = placeholders(lang);
    let front = &doc.front;
    let mut out = format!(
        "---\ntitle: {}\n",
        yaml_string(&format!("{}{}", words.translate, front.title))
    );
    let mut field = |key: &str, value: Option<String>| {
        if let Some(value) = value {
            out.push_str(&format!("{key}: {value}\n"));
        }
    };
    field(
        "date",
        front.date.map(|d| match d.datetime {
            Some(moment) => moment.to_rfc3339(),
            None => d.date.to_string(),
        }),
    );
    field(
        "summary",
        front
            .summary
            .as_deref()
            .map(|s| yaml_string(&format!("{}{s}", words.translate))),
    );
    field("location", front.location.as_deref().map(yaml_string));
    if !front.tags.is_empty() {
        field("tags", Some(format!("[{}]", front.tags.join(", "))));
    }
    field("slug", front.slug.clone());
    field("embargo", front.embargo.map(|e| e.to_rfc3339()));
    field("image", front.image.as_deref().map(yaml_string));
    field(
        "image_alt",
        front
            .image_alt
            .as_deref()
            .map(|s| yaml_string(&format!("{}{s}", words.translate))),
    );
    field(
        "translation_key",
        front.translation_key.as_deref().map(yaml_string),
    );
    if doc.source.section == crate::source::Section::Pages {
        field("weight", Some(front.weight.to_string()));
    }
    out.push_str("draft: true\n---\n\n");
    out.push_str(&format!("> {}\n\n", words.translation_note));
    out.push_str(doc.body().trim_start_matches('\n'));
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out
}

/// A YAML double-quoted string.
pub fn yaml_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document;
    use crate::source::{Section, SourceDoc};

    #[test]
    fn new_releases_parse_and_are_drafts() {
        let dir = tempfile::tempdir().unwrap();
        let config = SiteConfig::parse(
            dir.path(),
            "title: T\nbase_url: https://e.org\nlanguages: [en, kk]\n",
        )
        .unwrap();
        let date = NaiveDate::from_ymd_opt(2015, 12, 11).unwrap();
        let new = NewRelease {
            title: "Қазақстандағы \"пробация\" форумы".into(),
            lang: Some("kk".into()),
            date,
        };
        let path = create_release(&config, &new).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.contains("Хабарламаның мәтінін осында жазыңыз"),
            "{text}"
        );
        assert_eq!(
            path,
            dir.path()
                .join("content/releases/2015/qazaqstandaghy-probatsiya-forumy.kk.md")
        );
        let source = SourceDoc {
            path: path.clone(),
            rel: "x.md".into(),
            section: Section::Releases,
            key: "2015/x".into(),
            stem: "x".into(),
            lang: "kk".into(),
            bundle: false,
        };
        let (doc, _) = document::parse(source, &text).unwrap();
        assert_eq!(doc.front.title, "Қазақстандағы \"пробация\" форумы");
        assert!(doc.front.draft);
        assert!(create_release(&config, &new).is_err(), "never overwrites");
        let other = NewRelease {
            lang: Some("de".into()),
            ..new
        };
        assert!(matches!(
            create_release(&config, &other),
            Err(CommandError::Usage(_))
        ));
        let punctuation = NewRelease {
            title: "?!".into(),
            lang: None,
            date,
        };
        assert!(matches!(
            create_release(&config, &punctuation),
            Err(CommandError::Usage(_))
        ));
    }

    #[test]
    fn translations_keep_the_facts_and_mark_the_words() {
        let dir = tempfile::tempdir().unwrap();
        let config = SiteConfig::parse(
            dir.path(),
            "title: T\nbase_url: https://e.org\nlanguages: [en, ru, kk]\n",
        )
        .unwrap();
        let source = dir.path().join("content/releases/2015/forum.en.md");
        std::fs::create_dir_all(source.parent().unwrap()).unwrap();
        std::fs::write(
            &source,
            "---\ntitle: \"Forum: day one\"\ndate: 2015-12-11\nlocation: Astana\ntags: [probation, prisons]\naliases: [\"/old.html\"]\ntranslation_key: forum\n---\n\nThe forum opened.\n",
        )
        .unwrap();
        let new = NewTranslation {
            source: source.clone(),
            lang: "kk".into(),
        };
        let path = create_translation(&config, &new).unwrap();
        assert_eq!(path, source.with_file_name("forum.kk.md"));
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "---\ntitle: \"АУДАРУ: Forum: day one\"\ndate: 2015-12-11\nlocation: \"Astana\"\ntags: [probation, prisons]\ntranslation_key: \"forum\"\ndraft: true\n---\n\n> Төмендегі мәтінді қазақ тіліне аударыңыз, содан кейін осы ескертпені, тақырыптағы АУДАРУ сөзін және жоғарыдағы `draft: true` жолын өшіріңіз.\n\nThe forum opened.\n"
        );
        assert!(
            create_translation(&config, &new).is_err(),
            "never overwrites"
        );
        let same = NewTranslation {
            lang: "en".into(),
            ..new.clone()
        };
        assert!(matches!(
            create_translation(&config, &same),
            Err(CommandError::Usage(_))
        ));
        let unknown = NewTranslation {
            lang: "tr".into(),
            ..new
        };
        assert!(matches!(
            create_translation(&config, &unknown),
            Err(CommandError::Usage(_))
        ));
    }
}
