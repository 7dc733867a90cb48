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
    /// Per language code: where its missing labels and descriptions come
    /// from, the language itself first (`SiteConfig::fallback_chain`).
    chains: BTreeMap<String, Vec<String>>,
}

impl TagRegistry {
    /// Loads `path` (usually `content/tags.yaml`); `None` gives an empty registry.
    pub fn load(
        path: Option<&Path>,
        config: &SiteConfig,
    ) -> Result<(TagRegistry, Diagnostics), Diagnostics> {
        let default_language = config.default_language().code.clone();
        let chains: BTreeMap<String, Vec<String>> = config
            .languages
            .iter()
            .map(|l| (l.code.clone(), config.fallback_chain(&l.code)))
            .collect();
        let Some(path) = path else {
            return Ok((
                TagRegistry {
                    tags: BTreeMap::new(),
                    chains,
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
            // Every text shown in another language is reported, naming the
            // language the reader gets instead (issue 19: one chain for all).
            for language in &config.languages {
                let chain = &chains[&language.code];
                for (field, texts) in [("label", &def.label), ("description", &def.description)] {
                    if texts.is_empty() || texts.contains_key(&language.code) {
                        continue;
                    }
                    let shown = chain.iter().find(|c| texts.contains_key(*c));
                    let until = match shown {
                        Some(code) => format!("until then the `{code}` {field} is shown"),
                        None => format!("until then no {field} is shown in `{}`", language.code),
                    };
                    if field == "label" && language.code == default_language {
                        continue; // an error, reported above
                    }
                    problems.push(
                        Diagnostic::warning(
                            &display,
                            line,
                            column,
                            format!("tag `{key}` has no {field} in `{}`", language.code),
                        )
                        .with_help(format!(
                            "add `{}: …` under `{field}:`; {until}",
                            language.code
                        )),
                    );
                }
            }
        }
        if problems.has_errors() {
            return Err(problems);
        }
        Ok((TagRegistry { tags, chains }, problems))
    }

    /// Whether `key` is registered.
    pub fn contains(&self, key: &str) -> bool {
        self.tags.contains_key(key)
    }

    /// The label of `key` in `lang`, falling back along the language's chain
    /// and then to the key itself.
    pub fn label<'a>(&'a self, key: &'a str, lang: &str) -> &'a str {
        self.tags
            .get(key)
            .and_then(|d| self.in_chain(&d.label, lang))
            .map_or(key, |(text, _)| text)
    }

    /// The label of `key` for a page in `lang` and the language it is in:
    /// `lang`, or the first language of its fallback chain that has one (the
    /// key itself, in `lang`, when none has).
    pub fn label_in<'a>(&'a self, key: &'a str, lang: &'a str) -> (&'a str, &'a str) {
        self.tags
            .get(key)
            .and_then(|d| self.in_chain(&d.label, lang))
            .unwrap_or((key, lang))
    }

    /// The description of `key` for a page in `lang` and the language it is
    /// in, along the language's fallback chain; `None` when no language of
    /// the chain has one.
    pub fn description_in<'a>(&'a self, key: &str, lang: &str) -> Option<(&'a str, &'a str)> {
        self.tags
            .get(key)
            .and_then(|d| self.in_chain(&d.description, lang))
    }

    /// The description of `key` in `lang` or its fallbacks, if any.
    pub fn description(&self, key: &str, lang: &str) -> Option<&str> {
        self.tags
            .get(key)
            .and_then(|d| self.in_chain(&d.description, lang))
            .map(|(text, _)| text)
    }

    /// The first text of `texts` along `lang`'s chain, with its language.
    fn in_chain<'a>(
        &'a self,
        texts: &'a BTreeMap<String, String>,
        lang: &str,
    ) -> Option<(&'a str, &'a str)> {
        let own = std::slice::from_ref(&lang);
        let chain: Vec<&str> = match self.chains.get(lang) {
            Some(chain) => chain.iter().map(String::as_str).collect(),
            None => own.to_vec(),
        };
        chain
            .into_iter()
            .find_map(|code| texts.get_key_value(code))
            .map(|(code, text)| (text.as_str(), code.as_str()))
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
        load_with(text, "languages: [en, ru]\n")
    }

    fn load_with(text: &str, languages: &str) -> Result<(TagRegistry, Diagnostics), Diagnostics> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("content/tags.yaml");
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        let config = SiteConfig::parse(
            dir.path(),
            &format!("title: T\nbase_url: https://e.org\n{languages}"),
        )
        .unwrap();
        TagRegistry::load(Some(&path), &config)
    }

    #[test]
    fn labels_fall_back_to_the_default_language() {
        let (tags, warnings) = load("probation:\n  label:\n    en: Probation\n").unwrap();
        assert_eq!(tags.label("probation", "ru"), "Probation");
        assert_eq!(tags.label_in("probation", "ru"), ("Probation", "en"));
        assert_eq!(warnings.len(), 1);
        let w = warnings.sorted()[0].to_string();
        assert!(
            w.starts_with("content/tags.yaml:1:1: warning: tag `probation` has no label in `ru`"),
            "{w}"
        );
        assert!(w.contains("until then the `en` label is shown"), "{w}");
    }

    /// Labels and descriptions follow the language's chain (kk → ru → en),
    /// say which language they are in, and every gap is a warning.
    #[test]
    fn labels_and_descriptions_follow_the_fallback_chain() {
        let (tags, warnings) = load_with(
            "probation:\n  label:\n    en: Probation\n    ru: Пробация\n  description:\n    en: Alternatives.\n    ru: Альтернативы.\n",
            "languages:\n  - en\n  - ru\n  - code: kk\n    fallback: ru\n",
        )
        .unwrap();
        assert_eq!(tags.label_in("probation", "kk"), ("Пробация", "ru"));
        assert_eq!(
            tags.description_in("probation", "kk"),
            Some(("Альтернативы.", "ru"))
        );
        assert_eq!(tags.label_in("probation", "en"), ("Probation", "en"));
        let w: Vec<String> = warnings.sorted().iter().map(|d| d.to_string()).collect();
        assert_eq!(w.len(), 2, "{w:#?}");
        assert!(
            w.iter().any(|w| w.contains("no description in `kk`")
                && w.contains("the `ru` description is shown")),
            "{w:#?}"
        );
        assert!(
            w.iter()
                .any(|w| w.contains("no label in `kk`") && w.contains("the `ru` label is shown")),
            "{w:#?}"
        );
        assert_eq!(tags.description_in("probation", "xx"), None);
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
