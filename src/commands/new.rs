//! `pressroom new release`: a correctly named file with its front matter.
//!
//! The editor gives a title; the slug comes from it (transliterated when the
//! title is Cyrillic) and the file goes where the build expects it, so a new
//! release builds without touching anything else.

use std::path::PathBuf;

use chrono::{Datelike, NaiveDate};

use crate::config::SiteConfig;
use crate::diagnostics::{Diagnostic, relative};
use crate::util::slug::slugify;

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
pub fn create_release(config: &SiteConfig, new: &NewRelease) -> Result<PathBuf, Diagnostic> {
    let lang = new
        .lang
        .clone()
        .unwrap_or_else(|| config.default_language().code.clone());
    if config.language(&lang).is_none() {
        let codes: Vec<&str> = config.languages.iter().map(|l| l.code.as_str()).collect();
        return Err(Diagnostic::error(
            "site.yaml",
            1,
            1,
            format!("`{lang}` is not a language of this site"),
        )
        .with_help(format!("use one of: {}", codes.join(", "))));
    }
    let title = new.title.trim();
    let slug = slugify(title, &lang);
    if slug.is_empty() {
        return Err(Diagnostic::error(
            "site.yaml",
            1,
            1,
            format!("the title `{title}` has no letters or digits to make a file name from"),
        )
        .with_help("give a title with words in it"));
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
                .with_help("edit that file, or choose a different title"),
        );
    }
    std::fs::create_dir_all(&dir)
        .map_err(|e| crate::util::fs::io_diagnostic(&display, &e, "create"))?;
    std::fs::write(&path, front_matter(title, new.date))
        .map_err(|e| crate::util::fs::io_diagnostic(&display, &e, "write"))?;
    Ok(path)
}

/// The text of a new release file.
fn front_matter(title: &str, date: NaiveDate) -> String {
    format!(
        "---\ntitle: {}\ndate: {date}\nlocation: \"\"\ntags: []\ndraft: true\n---\n\nWrite the release here. Remove `draft: true` above when it is ready to publish.\n",
        yaml_string(title)
    )
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
        assert_eq!(
            path,
            dir.path()
                .join("content/releases/2015/qazaqstandaghy-probatsiya-forumy.kk.md")
        );
        let text = std::fs::read_to_string(&path).unwrap();
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
        assert!(create_release(&config, &other).is_err());
    }
}
