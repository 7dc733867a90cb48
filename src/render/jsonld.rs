//! Structured data for search engines: schema.org JSON-LD.
//!
//! A release page describes itself as a `NewsArticle`, the home page the
//! `WebSite`, a list a `CollectionPage`; each but the home says where it
//! sits with a `BreadcrumbList`. The values are built as [`serde_json::Value`]s
//! and serialised by serde_json, never assembled from strings, and made safe
//! to stand inside `<script>`: an HTML parser ends a script element at the
//! first `</script` whatever the JSON around it says, and `<!--` changes how
//! it reads what follows, so every `<`, `>` and `&` in the text is written as
//! a JSON escape (`\u003c` …), which JSON readers turn back into the same
//! character. U+2028 and U+2029 are escaped too, for readers that parse the
//! text as JavaScript.
//!
//! Also here: the Open Graph locale of a language (`og:locale` wants the
//! `ll_CC` form).

use serde::Serialize;
use serde_json::{Map, Value, json};

/// The organisation that writes and publishes the site.
#[derive(Debug, Clone, PartialEq)]
pub struct Publisher {
    /// Its name in the page's language.
    pub name: String,
    /// Its website.
    pub url: String,
    /// The absolute URL of its logo.
    pub logo: Option<String>,
    /// Its profiles elsewhere.
    pub same_as: Vec<String>,
}

impl Publisher {
    /// The schema.org `Organization`.
    pub fn to_value(&self) -> Value {
        let mut org = object([
            ("@type", json!("Organization")),
            ("name", json!(self.name)),
            ("url", json!(self.url)),
        ]);
        if let Some(logo) = &self.logo {
            org.insert(
                "logo".to_owned(),
                json!({"@type": "ImageObject", "url": logo}),
            );
        }
        if !self.same_as.is_empty() {
            org.insert("sameAs".to_owned(), json!(self.same_as));
        }
        Value::Object(org)
    }
}

/// An image shown when the page is shared, with its size when known.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SocialImage {
    /// Absolute URL.
    pub url: String,
    /// Width in pixels.
    pub width: Option<u32>,
    /// Height in pixels.
    pub height: Option<u32>,
    /// Alternative text.
    pub alt: Option<String>,
}

/// A version of a release in another language, or the one it translates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version {
    /// Absolute URL.
    pub url: String,
    /// BCP 47 code.
    pub lang: String,
}

/// What a release's `NewsArticle` says.
#[derive(Debug, Clone)]
pub struct Article<'a> {
    /// Headline.
    pub headline: &'a str,
    /// Summary.
    pub description: &'a str,
    /// Absolute URL of the page.
    pub url: &'a str,
    /// Language code.
    pub lang: &'a str,
    /// ISO 8601 date or datetime of publication.
    pub published: String,
    /// ISO 8601 date or datetime of the last change, if any.
    pub modified: Option<String>,
    /// Tag labels.
    pub keywords: Vec<&'a str>,
    /// Place of issue.
    pub location: Option<&'a str>,
    /// The picture shared with the page.
    pub image: Option<&'a SocialImage>,
    /// The version this one translates (none for the original).
    pub original: Option<Version>,
    /// The versions translating this one (only on the original).
    pub translations: Vec<Version>,
}

/// The `NewsArticle` of a release, its author and publisher `publisher`.
pub fn news_article(a: &Article<'_>, publisher: &Publisher) -> Value {
    let org = publisher.to_value();
    let mut article = object([
        ("@type", json!("NewsArticle")),
        ("@id", json!(format!("{}#article", a.url))),
        ("headline", json!(a.headline)),
        ("url", json!(a.url)),
        (
            "mainEntityOfPage",
            json!({"@type": "WebPage", "@id": a.url}),
        ),
        ("inLanguage", json!(a.lang)),
        ("datePublished", json!(a.published)),
        ("author", org.clone()),
        ("publisher", org),
    ]);
    let mut put = |key: &str, value: Value| {
        article.insert(key.to_owned(), value);
    };
    if !a.description.is_empty() {
        put("description", json!(a.description));
    }
    if let Some(modified) = &a.modified {
        put("dateModified", json!(modified));
    }
    if !a.keywords.is_empty() {
        put("keywords", json!(a.keywords));
    }
    if let Some(place) = a.location {
        put("locationCreated", json!({"@type": "Place", "name": place}));
    }
    if let Some(image) = a.image {
        let mut object = object([("@type", json!("ImageObject")), ("url", json!(image.url))]);
        if let (Some(w), Some(h)) = (image.width, image.height) {
            // schema.org ranges `width` and `height` over Distance and
            // QuantitativeValue, not bare numbers; E37 is the UN/CEFACT
            // code for a pixel.
            let pixels =
                |n: u32| json!({"@type": "QuantitativeValue", "value": n, "unitCode": "E37"});
            object.insert("width".to_owned(), pixels(w));
            object.insert("height".to_owned(), pixels(h));
        }
        put("image", Value::Object(object));
    }
    let reference = |v: &Version| json!({"@type": "NewsArticle", "@id": format!("{}#article", v.url), "url": v.url, "inLanguage": v.lang});
    if let Some(original) = &a.original {
        put("translationOfWork", reference(original));
    }
    if !a.translations.is_empty() {
        put(
            "workTranslation",
            Value::Array(a.translations.iter().map(reference).collect()),
        );
    }
    Value::Object(article)
}

/// The `WebSite` of a language's home page.
pub fn website(
    name: &str,
    url: &str,
    lang: &str,
    description: Option<&str>,
    publisher: &Publisher,
) -> Value {
    let mut site = object([
        ("@type", json!("WebSite")),
        ("@id", json!(format!("{url}#website"))),
        ("name", json!(name)),
        ("url", json!(url)),
        ("inLanguage", json!(lang)),
        ("publisher", publisher.to_value()),
    ]);
    if let Some(d) = description {
        site.insert("description".to_owned(), json!(d));
    }
    Value::Object(site)
}

/// The `CollectionPage` of a list, part of the website at `home`.
pub fn collection_page(name: &str, url: &str, lang: &str, home: &str) -> Value {
    json!({
        "@type": "CollectionPage",
        "@id": url,
        "name": name,
        "url": url,
        "inLanguage": lang,
        "isPartOf": {"@type": "WebSite", "@id": format!("{home}#website"), "url": home},
    })
}

/// The `BreadcrumbList` of `trail`: (name, absolute URL) from the home page
/// to the page itself.
pub fn breadcrumbs(trail: &[(String, String)]) -> Value {
    let items: Vec<Value> = trail
        .iter()
        .enumerate()
        .map(|(i, (name, url))| {
            json!({"@type": "ListItem", "position": i + 1, "name": name, "item": url})
        })
        .collect();
    json!({"@type": "BreadcrumbList", "itemListElement": items})
}

/// The text of a `<script type="application/ld+json">` holding `graph`.
pub fn script(graph: Vec<Value>) -> String {
    let doc = json!({"@context": "https://schema.org", "@graph": graph});
    // Serialising a Value of strings and numbers cannot fail.
    let text = serde_json::to_string(&doc).unwrap_or_default();
    escape_for_script(&text)
}

/// `json` with every character that could end or change a script element
/// (or a JavaScript string) written as a JSON escape. Outside strings JSON
/// has none of them, so only string contents change, and to the same value.
fn escape_for_script(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

fn object<const N: usize>(pairs: [(&str, Value); N]) -> Map<String, Value> {
    pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
}

/// The Open Graph locale (`ll_CC`) of a language: its configured locale
/// when that names a region, else the region its speakers mostly live in,
/// else the bare language.
pub fn og_locale(code: &str, locale: Option<&str>) -> String {
    let tag = locale.unwrap_or(code);
    let mut parts = tag.split('-');
    let language = parts.next().unwrap_or(code).to_ascii_lowercase();
    // The region is the subtag of two letters (a script has four).
    if let Some(region) = parts.find(|p| p.len() == 2 && p.bytes().all(|b| b.is_ascii_alphabetic()))
    {
        return format!("{language}_{}", region.to_ascii_uppercase());
    }
    // The likeliest region of each language, as CLDR's likely subtags give
    // it, for the languages a press office in the region writes in.
    let region = match language.as_str() {
        "en" => "US",
        "ru" => "RU",
        "kk" => "KZ",
        "ky" => "KG",
        "uz" => "UZ",
        "tg" => "TJ",
        "tk" => "TM",
        "uk" => "UA",
        "be" => "BY",
        "de" => "DE",
        "fr" => "FR",
        "es" => "ES",
        "it" => "IT",
        "pt" => "BR",
        "ar" => "EG",
        "zh" => "CN",
        "tr" => "TR",
        "pl" => "PL",
        _ => return language,
    };
    format!("{language}_{region}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn publisher() -> Publisher {
        Publisher {
            name: "Press office".to_owned(),
            url: "https://example.org/".to_owned(),
            logo: Some("https://example.org/img/logo.svg".to_owned()),
            same_as: vec!["https://social.example/press".to_owned()],
        }
    }

    fn article<'a>(headline: &'a str, image: Option<&'a SocialImage>) -> Article<'a> {
        Article {
            headline,
            description: "Summary",
            url: "https://example.org/en/releases/2015/forum/",
            lang: "en",
            published: "2015-12-11".to_owned(),
            modified: None,
            keywords: vec!["Probation", "Human rights"],
            location: Some("Astana"),
            image,
            original: None,
            translations: vec![Version {
                url: "https://example.org/ru/releases/2015/forum/".to_owned(),
                lang: "ru".to_owned(),
            }],
        }
    }

    #[test]
    fn hostile_text_cannot_leave_the_script() {
        let hostile = "</script><script>alert(1)</script><!-- & \u{2028}";
        let text = script(vec![news_article(&article(hostile, None), &publisher())]);
        for bad in ["<", ">", "&", "\u{2028}"] {
            assert!(!text.contains(bad), "{bad:?} in {text}");
        }
        // The reader gets the headline back unchanged.
        let back: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back["@graph"][0]["headline"], hostile);
    }

    #[test]
    fn article_shape() {
        let image = SocialImage {
            url: "https://example.org/card.jpg".to_owned(),
            width: Some(1200),
            height: Some(630),
            alt: None,
        };
        let v = news_article(&article("Forum", Some(&image)), &publisher());
        assert_eq!(v["@type"], "NewsArticle");
        assert_eq!(v["mainEntityOfPage"]["@id"], v["url"]);
        assert_eq!(v["author"]["@type"], "Organization");
        assert_eq!(
            v["publisher"]["logo"]["url"],
            "https://example.org/img/logo.svg"
        );
        assert_eq!(v["keywords"], json!(["Probation", "Human rights"]));
        assert_eq!(v["image"]["width"]["value"], 1200);
        assert_eq!(v["image"]["height"]["unitCode"], "E37");
        assert_eq!(v["workTranslation"][0]["inLanguage"], "ru");
        assert!(v.get("translationOfWork").is_none());
        assert!(v.get("dateModified").is_none());
        // Without an image there is no `image` at all, not an empty one.
        let bare = news_article(&article("Forum", None), &publisher());
        assert!(bare.get("image").is_none());
    }

    #[test]
    fn breadcrumb_positions_count_from_one() {
        let v = breadcrumbs(&[
            ("Home".to_owned(), "https://e.org/en/".to_owned()),
            (
                "Releases".to_owned(),
                "https://e.org/en/releases/".to_owned(),
            ),
        ]);
        assert_eq!(v["itemListElement"][0]["position"], 1);
        assert_eq!(v["itemListElement"][1]["position"], 2);
    }

    #[test]
    fn open_graph_locales() {
        assert_eq!(og_locale("en", Some("en-GB")), "en_GB");
        assert_eq!(og_locale("en", None), "en_US");
        assert_eq!(og_locale("kk", None), "kk_KZ");
        assert_eq!(og_locale("sr", Some("sr-Latn-RS")), "sr_RS");
        assert_eq!(og_locale("xx", None), "xx");
    }
}
