//! `pressroom init`: a new site that builds at once.
//!
//! It writes `site.yaml` (commented, and tied to the JSON Schema that
//! `pressroom schema` writes, so editors complete and check it), a tag
//! registry, one example release in every language, About and Contacts pages
//! in every language, the schemas, and a `.gitignore` for the output and the
//! build cache. There is no theme folder: the default theme is built into
//! the program ([`crate::theme`]). The example texts are written in each
//! language's own words for English, Russian and Kazakh; another language gets
//! the English texts to translate, and the report says so.

use std::path::{Path, PathBuf};

use chrono::{Datelike, NaiveDate};

use super::new::yaml_string;
use super::schema::{self, SCHEMA_DIR, SITE_SCHEMA};
use super::{CommandError, UsageError};
use crate::config::{CONFIG_FILE, is_language_tag};
use crate::util::fs::io_diagnostic;

/// What to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InitOptions {
    /// The folder of the new site (created if missing).
    pub dir: PathBuf,
    /// Language codes, the default first.
    pub languages: Vec<String>,
    /// The site title; each language's own default when `None`.
    pub title: Option<String>,
    /// Write into a folder that is not empty (files of the same name are
    /// replaced, others left alone).
    pub force: bool,
    /// The example release's date.
    pub today: NaiveDate,
}

/// What `init` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Created {
    /// Every file written, relative to the site folder, in order.
    pub files: Vec<PathBuf>,
    /// Languages for which the example texts are in English, to translate.
    pub untranslated: Vec<String>,
}

/// The example texts of one language.
struct Texts {
    code: &'static str,
    name: &'static str,
    site_title: &'static str,
    description: &'static str,
    tag_label: &'static str,
    release_title: &'static str,
    release_body: &'static str,
    about_title: &'static str,
    about_body: &'static str,
    contacts_title: &'static str,
    contacts_body: &'static str,
}

const TEXTS: [Texts; 3] = [
    Texts {
        code: "en",
        name: "English",
        site_title: "Press releases",
        description: "The press releases of our office.",
        tag_label: "Announcements",
        release_title: "Welcome to the press release archive",
        release_body: "This is an example release. Edit it, or delete it once the archive has real releases.\n\nEach release is a markdown file under `content/releases/`, named `<slug>.<language>.md`; its translations share the file name. Start a new release with `pressroom new release \"Title\"`, and its version in another language with `pressroom new translation`.\n",
        about_title: "About",
        about_body: "This archive holds the press releases of our office. Tell readers here who you are and what the releases cover.\n",
        contacts_title: "Contacts",
        contacts_body: "Press enquiries: press@example.org. Replace this address with your own.\n",
    },
    Texts {
        code: "ru",
        name: "Русский",
        site_title: "Пресс-релизы",
        description: "Пресс-релизы нашего офиса.",
        tag_label: "Объявления",
        release_title: "Добро пожаловать в архив пресс-релизов",
        release_body: "Это пример пресс-релиза. Отредактируйте его или удалите, когда в архиве появятся настоящие релизы.\n\nКаждый релиз — это файл markdown в папке `content/releases/` с именем `<slug>.<язык>.md`; у переводов одно и то же имя файла. Новый релиз начинается командой `pressroom new release \"Заголовок\"`, а его версия на другом языке — командой `pressroom new translation`.\n",
        about_title: "О нас",
        about_body: "В этом архиве собраны пресс-релизы нашего офиса. Расскажите здесь читателям, кто вы и о чём ваши релизы.\n",
        contacts_title: "Контакты",
        contacts_body: "Запросы прессы: press@example.org. Замените этот адрес своим.\n",
    },
    Texts {
        code: "kk",
        name: "Қазақша",
        site_title: "Баспасөз хабарламалары",
        description: "Кеңсеміздің баспасөз хабарламалары.",
        tag_label: "Хабарландырулар",
        release_title: "Баспасөз хабарламаларының мұрағатына қош келдіңіз",
        release_body: "Бұл — баспасөз хабарламасының үлгісі. Оны өңдеңіз немесе мұрағатта нақты хабарламалар пайда болғанда жойыңыз.\n\nӘр хабарлама — `content/releases/` қалтасындағы `<slug>.<тіл>.md` атты markdown файлы; аудармалардың файл аты бірдей. Жаңа хабарламаны `pressroom new release \"Тақырып\"` командасымен, оның басқа тілдегі нұсқасын `pressroom new translation` командасымен бастаңыз.\n",
        about_title: "Біз туралы",
        about_body: "Бұл мұрағатта кеңсеміздің баспасөз хабарламалары жинақталған. Мұнда оқырмандарға өзіңіз туралы және хабарламалардың тақырыбы туралы айтып беріңіз.\n",
        contacts_title: "Байланыс",
        contacts_body: "Баспасөз сұраулары: press@example.org. Бұл мекенжайды өзіңіздікімен алмастырыңыз.\n",
    },
];

/// The texts for `code`, and whether they are its own (not English stand-ins).
fn texts(code: &str) -> (&'static Texts, bool) {
    match TEXTS.iter().find(|t| t.code == code) {
        Some(t) => (t, true),
        None => (&TEXTS[0], false),
    }
}

/// The tag key of the example release.
const EXAMPLE_TAG: &str = "announcements";

/// Parses `--languages en,ru,kk`.
pub fn parse_languages(list: &str) -> Result<Vec<String>, UsageError> {
    let mut codes: Vec<String> = Vec::new();
    for code in list.split(',').map(str::trim) {
        if !is_language_tag(code) {
            return Err(UsageError::new(
                format!("--languages: `{code}` is not a language code"),
                "give BCP 47 codes separated by commas, the default first, e.g. --languages en,ru,kk",
            ));
        }
        if codes.iter().any(|c| c == code) {
            return Err(UsageError::new(
                format!("--languages: `{code}` is listed twice"),
                "list each language once",
            ));
        }
        codes.push(code.to_owned());
    }
    Ok(codes)
}

/// Writes a new site into `opts.dir`.
pub fn init(opts: &InitOptions) -> Result<Created, CommandError> {
    if opts.languages.is_empty() {
        return Err(UsageError::new(
            "--languages is empty",
            "give at least one language code, e.g. --languages en",
        )
        .into());
    }
    if let Some(title) = &opts.title
        && title.trim().is_empty()
    {
        return Err(UsageError::new(
            "--title is empty",
            "give the site a title, e.g. --title \"Press releases\"",
        )
        .into());
    }
    let dir = &opts.dir;
    let display = |rel: &str| -> PathBuf { dir.join(rel) };
    if !opts.force && is_non_empty(dir) {
        return Err(UsageError::new(
            format!("{} is not empty", dir.display()),
            "choose a new or empty folder, or pass --force to write the site's files into it (files of the same name are replaced)",
        )
        .into());
    }
    let files = site_files(opts);
    let mut written = Vec::new();
    for (rel, text) in &files {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| io_diagnostic(&display(rel), &e, "create the folder of"))?;
        }
        std::fs::write(&path, text).map_err(|e| io_diagnostic(&display(rel), &e, "write"))?;
        written.push(PathBuf::from(rel));
    }
    for path in schema::write_schemas(&dir.join(SCHEMA_DIR), &display(SCHEMA_DIR), [EXAMPLE_TAG])? {
        written.push(path.strip_prefix(dir).unwrap_or(&path).to_path_buf());
    }
    Ok(Created {
        files: written,
        untranslated: opts
            .languages
            .iter()
            .filter(|code| !texts(code).1)
            .cloned()
            .collect(),
    })
}

/// Whether `dir` exists and holds anything.
fn is_non_empty(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|mut entries| entries.next().is_some())
}

/// Every file of the new site but the schemas: (path relative to the site,
/// text).
fn site_files(opts: &InitOptions) -> Vec<(String, String)> {
    let mut files = vec![
        (CONFIG_FILE.to_owned(), site_yaml(opts)),
        (
            ".gitignore".to_owned(),
            "# The built site and pressroom's build cache: both are made from the sources.\n/public/\n/.pressroom-cache/\n".to_owned(),
        ),
        ("content/tags.yaml".to_owned(), tags_yaml(&opts.languages)),
    ];
    let year = opts.today.year();
    for code in &opts.languages {
        let (t, _) = texts(code);
        files.push((
            format!("content/releases/{year}/welcome.{code}.md"),
            format!(
                "---\ntitle: {}\ndate: {}\ntags: [{EXAMPLE_TAG}]\n---\n\n{}",
                yaml_string(t.release_title),
                opts.today,
                t.release_body
            ),
        ));
        for (slug, title, body, weight) in [
            ("about", t.about_title, t.about_body, 1),
            ("contacts", t.contacts_title, t.contacts_body, 2),
        ] {
            files.push((
                format!("content/pages/{slug}.{code}.md"),
                format!(
                    "---\ntitle: {}\nweight: {weight}\n---\n\n{body}",
                    yaml_string(title)
                ),
            ));
        }
    }
    files
}

/// The commented `site.yaml`.
fn site_yaml(opts: &InitOptions) -> String {
    let default = texts(&opts.languages[0]).0;
    let title = opts.title.as_deref().unwrap_or(default.site_title);
    let mut out = format!(
        "# yaml-language-server: $schema={SCHEMA_DIR}/{SITE_SCHEMA}\n\
         # The site's configuration; pressroom's README describes every key.\n\
         # Editors with a YAML language server complete and check it against\n\
         # {SCHEMA_DIR}/{SITE_SCHEMA} (`pressroom schema` writes it again).\n\
         title: {}\n\
         description: {}\n\
         # The address the site is published at: change it before publishing.\n\
         base_url: https://example.org\n\
         # The languages, the default one first. Each may give its own title.\n\
         languages:\n",
        yaml_string(title),
        yaml_string(default.description)
    );
    for (i, code) in opts.languages.iter().enumerate() {
        let (t, own) = texts(code);
        out.push_str(&format!("  - code: {code}\n"));
        if own {
            out.push_str(&format!("    name: {}\n", yaml_string(t.name)));
        }
        if i > 0 && own && opts.title.is_none() {
            out.push_str(&format!("    title: {}\n", yaml_string(t.site_title)));
            out.push_str(&format!(
                "    description: {}\n",
                yaml_string(t.description)
            ));
        }
    }
    out.push_str(
        "# The theme: `osce` is built into pressroom. A folder themes/osce/ here\n\
         # would replace it, and templates/, static/ and locales/ here override\n\
         # its files one by one.\n\
         theme: osce\n\
         # Releases per list page.\n\
         pagination: 10\n\
         # Related releases under each release (0 for none).\n\
         related_releases: 3\n",
    );
    out.push_str(&format!(
        "# The press office: author and publisher in the structured data search\n\
         # engines read, named in the footer. Each text may be one for every\n\
         # language, or one per language code (`name: {{en: …, ru: …}}`).\n\
         organization:\n\
         \x20 name: {}\n\
         \x20 # Its logo, a file in static/ (SVG, PNG, JPEG or WebP):\n\
         \x20 # logo: img/logo.svg\n\
         \x20 # Its own website:\n\
         \x20 # url: https://example.org\n\
         \x20 # Shown under every release as \"For media enquiries\":\n\
         \x20 # media_contact:\n\
         \x20 #   name: Press office\n\
         \x20 #   phone: \"+1 555 0100\"\n\
         \x20 #   email: press@example.org\n\
         \x20 # Its profiles elsewhere:\n\
         \x20 # social:\n\
         \x20 #   - https://social.example/@press\n\
         \x20 # The footer's credit line (none without it):\n\
         \x20 footer: {}\n",
        yaml_string(title),
        yaml_string(&format!("© {title}")),
    ));
    out
}

/// The tag registry with the example's tag labelled in every language.
fn tags_yaml(languages: &[String]) -> String {
    let mut out = format!(
        "# The tag registry: every tag key used in front matter, with its label\n\
         # in each language.\n\
         {EXAMPLE_TAG}:\n  label:\n"
    );
    for code in languages {
        out.push_str(&format!(
            "    {code}: {}\n",
            yaml_string(texts(code).0.tag_label)
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts(dir: &Path, languages: &str) -> InitOptions {
        InitOptions {
            dir: dir.to_path_buf(),
            languages: parse_languages(languages).unwrap(),
            title: None,
            force: false,
            today: NaiveDate::from_ymd_opt(2026, 3, 2).unwrap(),
        }
    }

    #[test]
    fn languages_are_checked() {
        assert_eq!(parse_languages("en, ru").unwrap(), ["en", "ru"]);
        assert!(parse_languages("en,EN").is_err());
        assert!(parse_languages("en,en").is_err());
        assert!(parse_languages("").is_err());
    }

    #[test]
    fn a_new_site_loads_and_has_texts_in_each_language() {
        let dir = tempfile::tempdir().unwrap();
        let created = init(&opts(dir.path(), "en,ru,kk,de")).unwrap();
        assert_eq!(created.untranslated, ["de"]);
        let config = crate::config::SiteConfig::load(dir.path()).unwrap();
        assert_eq!(config.languages.len(), 4);
        assert_eq!(config.title_in("kk"), "Баспасөз хабарламалары");
        let kk = std::fs::read_to_string(dir.path().join("content/releases/2026/welcome.kk.md"))
            .unwrap();
        assert!(kk.contains("қош келдіңіз"), "{kk}");
        assert!(
            created
                .files
                .contains(&PathBuf::from("schemas/site.schema.json"))
        );
        assert!(
            std::fs::read_to_string(dir.path().join("site.yaml"))
                .unwrap()
                .starts_with("# yaml-language-server: $schema=schemas/site.schema.json\n")
        );
    }

    #[test]
    fn a_folder_with_files_needs_force() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("notes.txt"), "mine").unwrap();
        let mut o = opts(dir.path(), "en");
        assert!(matches!(init(&o), Err(CommandError::Usage(_))));
        assert!(!dir.path().join("site.yaml").exists());
        o.force = true;
        init(&o).unwrap();
        assert_eq!(
            std::fs::read_to_string(dir.path().join("notes.txt")).unwrap(),
            "mine"
        );
        let title = o.title.insert("Our \"news\": archive".to_owned()).clone();
        init(&o).unwrap();
        let config = crate::config::SiteConfig::load(dir.path()).unwrap();
        assert_eq!(config.title, title);
    }
}
