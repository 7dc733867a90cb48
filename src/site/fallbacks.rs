//! Text that a release shows in another language when its own is missing.
//!
//! Issue 19 asks for one fallback chain for every kind of text. Interface
//! strings follow it in `render::i18n` and tag labels in `tags`; this module
//! does the same for a release's place of issue: a version without
//! `location:` shows the location of the first version along the page
//! language's chain that has one, marked with that language, and `check`
//! warns about each such gap.

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::site::{Entry, Site};

impl Site {
    /// The location to show for release `entry` on a page in `lang`, with
    /// the language it is written in: the release's own, or the first along
    /// `lang`'s fallback chain among its translations.
    pub fn location_in<'a>(&'a self, entry: &'a Entry, lang: &str) -> Option<(&'a str, &'a str)> {
        if let Some(own) = entry.doc.front.location.as_deref() {
            return Some((own, entry.lang()));
        }
        let group = &self.release_groups[entry.group];
        self.config
            .fallback_chain(lang)
            .iter()
            .filter_map(|code| group.versions.get(code))
            .map(|&i| &self.releases[i])
            .find_map(|other| Some((other.doc.front.location.as_deref()?, other.lang())))
    }

    /// A warning for every release version that shows another version's
    /// location for lack of its own.
    pub fn fallback_warnings(&self) -> Diagnostics {
        let mut warnings = Diagnostics::new();
        for entry in &self.releases {
            if entry.doc.front.location.is_some() {
                continue;
            }
            let Some((location, shown)) = self.location_in(entry, entry.lang()) else {
                continue;
            };
            warnings.push(
                Diagnostic::warning(
                    &entry.doc.source.rel,
                    1,
                    1,
                    format!(
                        "this `{}` version has no `location`; the `{shown}` version's \"{location}\" is shown",
                        entry.lang()
                    ),
                )
                .with_help(format!(
                    "add `location: …` in {} to the front matter",
                    entry.lang()
                )),
            );
        }
        warnings
    }
}
