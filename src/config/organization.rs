//! The `organization:` block of `site.yaml`: the press office's identity.
//!
//! Who publishes the releases (name, logo, address), whom journalists call
//! ("For media enquiries"), its social profiles and the footer credit. The
//! theme shows them and the structured data names the organisation as
//! author and publisher, so no theme file has to be copied to change them.
//! Texts may be given once for every language or per language; a language
//! without its own text takes it along its fallback chain.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::{CONFIG_FILE, Language, check_base_url};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::document::yaml;

/// A text written once for every language, or per language code.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(untagged)]
pub enum Localized {
    /// The same text in every language.
    All(String),
    /// A text per language code.
    PerLanguage(BTreeMap<String, String>),
}

impl Localized {
    /// The text for the first language of `chain` that has one.
    pub fn in_chain<'a>(&'a self, chain: &[String]) -> Option<&'a str> {
        match self {
            Localized::All(text) => Some(text),
            Localized::PerLanguage(map) => {
                chain.iter().find_map(|c| map.get(c)).map(String::as_str)
            }
        }
    }

    /// Every text with the language it is for (`None` for all languages).
    fn texts(&self) -> Vec<(Option<&str>, &str)> {
        match self {
            Localized::All(text) => vec![(None, text.as_str())],
            Localized::PerLanguage(map) => map
                .iter()
                .map(|(code, text)| (Some(code.as_str()), text.as_str()))
                .collect(),
        }
    }
}

/// The press office that publishes the site.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Organization {
    /// Its name.
    pub name: Localized,
    /// Its logo: a path in the site's or the theme's `static/` folder
    /// (SVG, PNG, JPEG or WebP), e.g. `img/logo.svg`.
    #[serde(default)]
    pub logo: Option<String>,
    /// Its own website.
    #[serde(default)]
    pub url: Option<String>,
    /// Whom journalists contact, shown on every release.
    #[serde(default)]
    pub media_contact: Option<MediaContact>,
    /// Its profiles elsewhere (social networks, video channels), as URLs.
    #[serde(default)]
    pub social: Vec<String>,
    /// The credit line of the page footer; none when absent or empty.
    #[serde(default)]
    pub footer: Option<Localized>,
}

/// The media contact of the press office.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MediaContact {
    /// The person's or desk's name.
    #[serde(default)]
    pub name: Option<Localized>,
    /// A telephone number, written as it is to be dialled.
    #[serde(default)]
    pub phone: Option<Localized>,
    /// An e-mail address.
    #[serde(default)]
    pub email: Option<Localized>,
}

/// The file types a logo may be: what browsers and search engines show.
const LOGO_TYPES: [&str; 5] = ["svg", "png", "jpg", "jpeg", "webp"];

/// Checks what serde cannot: language codes, addresses, the logo's type and
/// empty names, each error at its value in `text`.
pub(super) fn check(
    org: &Organization,
    languages: &[Language],
    text: &str,
    problems: &mut Diagnostics,
) {
    let display = Path::new(CONFIG_FILE);
    let mut error = |needle: &str, message: String, help: &str| {
        let (line, column) = yaml::find_value(text, "organization", Some(needle))
            .unwrap_or(yaml::find_value(text, "organization", None).unwrap_or((1, 1)));
        problems.push(Diagnostic::error(display, line, column, message).with_help(help));
    };
    let mut texts: Vec<(&str, &Localized)> = vec![("name", &org.name)];
    if let Some(contact) = &org.media_contact {
        for (key, value) in [
            ("media_contact.name", &contact.name),
            ("media_contact.phone", &contact.phone),
            ("media_contact.email", &contact.email),
        ] {
            if let Some(value) = value {
                texts.push((key, value));
            }
        }
    }
    if let Some(footer) = &org.footer {
        texts.push(("footer", footer));
    }
    for (key, value) in &texts {
        for (code, text) in value.texts() {
            if let Some(code) = code
                && !languages.iter().any(|l| l.code == code)
            {
                error(
                    &format!("{code}:"),
                    format!(
                        "`organization.{key}` has a text for `{code}`, which is not a language of the site"
                    ),
                    "use the codes listed under `languages`, or write one text for every language",
                );
            }
            let blank = text.trim().is_empty();
            if blank && *key != "footer" {
                error(
                    &format!("{}:", key.rsplit('.').next().unwrap_or(key)),
                    format!("`organization.{key}` is empty"),
                    "write the text, or remove the key",
                );
            }
            if *key == "media_contact.email" && !blank && !is_email(text) {
                error(
                    text,
                    format!("`{text}` is not an e-mail address"),
                    "write an address such as `press@example.org`",
                );
            }
            if *key == "media_contact.phone"
                && !blank
                && !text
                    .chars()
                    .all(|c| c.is_ascii_digit() || " +-().".contains(c))
            {
                error(
                    text,
                    format!("`{text}` is not a telephone number"),
                    "write digits, spaces, `+`, `-` and brackets only, e.g. `+7 7172 00 00 00`",
                );
            }
        }
    }
    if let Some(contact) = &org.media_contact
        && contact.phone.is_none()
        && contact.email.is_none()
    {
        error(
            "media_contact:",
            "`organization.media_contact` gives neither a phone number nor an e-mail address"
                .to_owned(),
            "add `phone:` or `email:` under `media_contact`",
        );
    }
    if let Some(logo) = &org.logo {
        let extension = logo.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
        if logo.contains("://") || logo.split('/').any(|s| s == "..") {
            error(
                logo,
                format!("the logo `{logo}` is not a path in the static/ folder"),
                "put the logo in the site's static/ folder and write its path there, e.g. `logo: img/logo.svg`",
            );
        } else if !extension.is_some_and(|e| LOGO_TYPES.contains(&e.as_str())) {
            error(
                logo,
                format!("the logo `{logo}` is not an SVG, PNG, JPEG or WebP file"),
                "use an .svg, .png, .jpg or .webp file",
            );
        }
    }
    let urls = org
        .url
        .iter()
        .map(|u| ("url", u))
        .chain(org.social.iter().map(|u| ("social", u)));
    for (key, url) in urls {
        if let Err(why) = check_base_url(url) {
            error(
                url,
                format!("`organization.{key}` `{url}` {why}"),
                "write a full address, e.g. `https://example.org/press`",
            );
        }
    }
}

/// A light check: one `@` with text on both sides, a dot in the domain and
/// no spaces; enough to catch a name or a phone number in the wrong place.
fn is_email(text: &str) -> bool {
    let Some((local, domain)) = text.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !text.contains(char::is_whitespace)
        && !domain.contains('@')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_follow_the_chain() {
        let mut map = BTreeMap::new();
        map.insert("en".to_owned(), "Press office".to_owned());
        map.insert("ru".to_owned(), "Пресс-служба".to_owned());
        let name = Localized::PerLanguage(map);
        let chain = |c: &[&str]| c.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert_eq!(
            name.in_chain(&chain(&["kk", "ru", "en"])),
            Some("Пресс-служба")
        );
        assert_eq!(name.in_chain(&chain(&["en"])), Some("Press office"));
        assert_eq!(name.in_chain(&chain(&["kk"])), None);
        assert_eq!(
            Localized::All("X".into()).in_chain(&chain(&["kk"])),
            Some("X")
        );
    }

    #[test]
    fn emails() {
        assert!(is_email("press@example.org"));
        for bad in [
            "press",
            "press@example",
            "@example.org",
            "a b@c.org",
            "a@b@c.org",
        ] {
            assert!(!is_email(bad), "{bad}");
        }
    }
}
