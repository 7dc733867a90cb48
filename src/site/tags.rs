//! The tag registry, `content/tags.yaml`.
//!
//! Tags are stable keys in front matter, the same in every translation. The
//! registry gives each key its label (and optionally a description) in every
//! language, so that one tag can never be spelt two ways: a key missing from
//! the registry is an error naming the closest registered key.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::config::SiteConfig;
use crate::diagnostics::{Diagnostic, Diagnostics, relative};
use crate::document::yaml;
use crate::util::fs;
use crate::util::slug::is_valid_slug;

/// One registered tag.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TagDef {
    /// Label per language code.
    pub label: BTreeMap<String, String>,
    /// Optional description per language code.
    #[serde(default)]
    pub description: BTreeMap<String, String>,
}

/// All registered tags, by key.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TagRegistry {
    tags: BTreeMap<String, TagDef>,
    default_language: String,
}

impl TagRegistry {
    /// Loads `path` (usually `content/tags.yaml`); `None` gives an empty registry.
    pub fn load(
        path: Option<&Path>,
        config: &SiteConfig,
    ) -> Result<(TagRegistry, Diagnostics), Diagnostics> {
        let default_language = config.default_language().code.clone();
        let Some(path) = path else {
            return Ok((
                TagRegistry {
                    tags: BTreeMap::new(),
                    default_language,
                },
                Diagnostics::new(),
            ));
        };
        let display = relative(path, &config.root);
        let text = fs::read_text(path, &display).map_err(Diagnostics::from)?;
        let tags: BTreeMap<String, TagDef> = if text
            .lines()
            .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
        {
            BTreeMap::new()
        } else {
            yaml::parse(&display, &text, 1).map_err(Diagnostics::from)?
        };
        let mut problems = Diagnostics::new();
        for (key, def) in &tags {
            let (line, column) = (yaml::find_key(&text, key).unwrap_or(1), 1);
            if !is_valid_slug(key) {
                problems.push(
                    Diagnostic::error(&display, line, column, format!("the tag key `{}` is not a valid key", key.escape_debug()))
                        .with_help("tag keys are lower-case ASCII letters, digits and single hyphens, e.g. `prison-reform`"),
                );
            }
            for (lang, label) in &def.label {
                if label.trim().is_empty() {
                    problems.push(
                        Diagnostic::error(&display, line, column, format!("tag `{key}` has an empty label in `{lang}`"))
                            .with_help("write the tag's name in that language, or remove the line to fall back to the default language's label"),
                    );
                }
            }
            for lang in def.label.keys().chain(def.description.keys()) {
                if config.language(lang).is_none() {
                    problems.push(
                        Diagnostic::error(&display, line, column, format!("tag `{key}` has text for `{lang}`, which is not a language of the site"))
                            .with_help("use the language codes listed under `languages` in site.yaml"),
                    );
                }
            }
            if !def.label.contains_key(&default_language) {
                problems.push(
                    Diagnostic::error(
                        &display,
                        line,
                        column,
                        format!(
                            "tag `{key}` has no label in the default language `{default_language}`"
                        ),
                    )
                    .with_help(format!("add `{default_language}: …` under `label:`")),
                );
            }
            for language in &config.languages {
                if !def.label.contains_key(&language.code) && language.code != default_language {
                    problems.push(
                        Diagnostic::warning(&display, line, column, format!("tag `{key}` has no label in `{}`", language.code))
                            .with_help(format!("add `{}: …` under `label:`; until then the `{default_language}` label is shown", language.code)),
                    );
                }
            }
        }
        if problems.has_errors() {
            return Err(problems);
        }
        Ok((
            TagRegistry {
                tags,
                default_language,
            },
            problems,
        ))
    }

    /// Whether `key` is registered.
    pub fn contains(&self, key: &str) -> bool {
        self.tags.contains_key(key)
    }

    /// The label of `key` in `lang`, falling back to the default language and
    /// then to the key itself.
    pub fn label<'a>(&'a self, key: &'a str, lang: &str) -> &'a str {
        self.tags
            .get(key)
            .and_then(|d| {
                d.label
                    .get(lang)
                    .or_else(|| d.label.get(&self.default_language))
            })
            .map_or(key, String::as_str)
    }

    /// The description of `key` in `lang`, if any.
    pub fn description(&self, key: &str, lang: &str) -> Option<&str> {
        self.tags
            .get(key)
            .and_then(|d| d.description.get(lang))
            .map(String::as_str)
    }

    /// Registered keys, sorted.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.tags.keys().map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<(TagRegistry, Diagnostics), Diagnostics> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("content/tags.yaml");
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        let config = SiteConfig::parse(
            dir.path(),
            "title: T\nbase_url: https://e.org\nlanguages: [en, ru]\n",
        )
        .unwrap();
        TagRegistry::load(Some(&path), &config)
    }

    #[test]
    fn labels_fall_back_to_the_default_language() {
        let (tags, warnings) = load("probation:\n  label:\n    en: Probation\n").unwrap();
        assert_eq!(tags.label("probation", "ru"), "Probation");
        assert_eq!(warnings.len(), 1);
        assert!(
            warnings.sorted()[0].to_string().starts_with(
                "content/tags.yaml:1:1: warning: tag `probation` has no label in `ru`"
            )
        );
    }

    #[test]
    fn bad_registries_are_errors() {
        let e = load("Bad Key:\n  label:\n    en: x\nok:\n  label:\n    ru: y\n    de: z\n")
            .unwrap_err();
        let messages: Vec<String> = e.sorted().iter().map(|d| d.message.clone()).collect();
        assert_eq!(e.error_count(), 3, "{messages:#?}");
        let e = load("ok:\n  lable:\n    en: x\n").unwrap_err();
        assert!(
            e.sorted()[0]
                .help
                .as_deref()
                .unwrap()
                .contains("did you mean `label`?")
        );
    }
}
