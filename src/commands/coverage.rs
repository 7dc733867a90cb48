//! Translation coverage: which releases exist in which languages.
//!
//! `pressroom check --translations` prints this as a table for editors and as
//! JSON for tooling (a translation dashboard, a CI gate).

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;

use crate::site::Site;

/// Coverage of every release over the site's languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Coverage {
    /// Language codes, the default first.
    pub languages: Vec<String>,
    /// One row per release (translation group), newest first.
    pub releases: Vec<CoverageRow>,
    /// Per language: how many releases it has and lacks.
    pub totals: BTreeMap<String, LanguageTotal>,
}

/// One release and its versions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CoverageRow {
    /// The translation key (the source key unless `translation_key` is set).
    pub key: String,
    /// The release date, ISO.
    pub date: String,
    /// Per language, the source file of that version, or `None` if missing.
    pub versions: BTreeMap<String, Option<String>>,
    /// The languages it lacks, in site order.
    pub missing: Vec<String>,
}

/// Totals of one language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct LanguageTotal {
    /// Releases that have a version in the language.
    pub translated: usize,
    /// Releases that lack one.
    pub missing: usize,
}

impl Coverage {
    /// Computes the coverage of `site`.
    pub fn of(site: &Site) -> Coverage {
        let languages: Vec<String> = site
            .config()
            .languages
            .iter()
            .map(|l| l.code.clone())
            .collect();
        let mut totals: BTreeMap<String, LanguageTotal> = languages
            .iter()
            .map(|l| {
                (
                    l.clone(),
                    LanguageTotal {
                        translated: 0,
                        missing: 0,
                    },
                )
            })
            .collect();
        let mut seen = vec![false; site.release_groups().len()];
        let mut releases = Vec::new();
        // Releases are sorted newest first; a group appears at its newest version.
        for entry in site.releases() {
            if std::mem::replace(&mut seen[entry.group], true) {
                continue;
            }
            let group = &site.release_groups()[entry.group];
            let mut versions = BTreeMap::new();
            let mut missing = Vec::new();
            for lang in &languages {
                let version = group.versions.get(lang).map(|&i| {
                    site.releases()[i]
                        .doc
                        .source
                        .rel
                        .to_string_lossy()
                        .replace('\\', "/")
                });
                let total = totals.get_mut(lang).expect("every language has a total");
                if version.is_some() {
                    total.translated += 1;
                } else {
                    total.missing += 1;
                    missing.push(lang.clone());
                }
                versions.insert(lang.clone(), version);
            }
            releases.push(CoverageRow {
                key: group.key.clone(),
                date: entry
                    .doc
                    .front
                    .date
                    .map(|d| d.date.to_string())
                    .unwrap_or_default(),
                versions,
                missing,
            });
        }
        Coverage {
            languages,
            releases,
            totals,
        }
    }
}

impl fmt::Display for Coverage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let width = self
            .releases
            .iter()
            .map(|r| r.key.chars().count())
            .chain([10])
            .max()
            .unwrap_or(10);
        writeln!(
            f,
            "Translation coverage of {} release(s)",
            self.releases.len()
        )?;
        write!(f, "{:width$}  {:10}", "release", "date")?;
        for lang in &self.languages {
            write!(f, "  {lang:>7}")?;
        }
        writeln!(f)?;
        for row in &self.releases {
            write!(f, "{:width$}  {:10}", row.key, row.date)?;
            for lang in &self.languages {
                let mark = if row.versions.get(lang).is_some_and(Option::is_some) {
                    "yes"
                } else {
                    "missing"
                };
                write!(f, "  {mark:>7}")?;
            }
            writeln!(f)?;
        }
        for (label, pick) in [("translated", true), ("missing", false)] {
            write!(f, "{label:width$}  {:10}", "")?;
            for lang in &self.languages {
                let t = self.totals[lang];
                write!(f, "  {:>7}", if pick { t.translated } else { t.missing })?;
            }
            writeln!(f)?;
        }
        Ok(())
    }
}
