//! `pressroom schema`: JSON Schemas for `site.yaml` and for front matter.
//!
//! Editors that use yaml-language-server (VS Code's YAML extension, Neovim,
//! Helix, Zed, …) complete and check a YAML file against the schema its
//! `# yaml-language-server: $schema=…` comment names. The front-matter schema
//! lists the tag keys of the site's registry as an enum, so an unregistered
//! tag is underlined while typing rather than at build time; it is written
//! again whenever the registry changes. The schemas mirror what
//! [`crate::config`] and [`crate::document`] accept; a unit test checks that
//! they name the same fields.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::diagnostics::Diagnostic;
use crate::document::MAX_TITLE_CHARS;

/// Where the schemas go, under the site root, unless told otherwise.
pub const SCHEMA_DIR: &str = "schemas";

/// The file name of the `site.yaml` schema.
pub const SITE_SCHEMA: &str = "site.schema.json";

/// The file name of the front-matter schema.
pub const FRONT_MATTER_SCHEMA: &str = "front-matter.schema.json";

/// The schema of `site.yaml`.
pub fn site_schema() -> Value {
    let count =
        |description: &str| json!({"type": "integer", "minimum": 1, "description": description});
    json!({
        "$schema": "https://json-schema.org/draft-07/schema#",
        "title": "pressroom site.yaml",
        "type": "object",
        "additionalProperties": false,
        "required": ["title", "base_url", "languages"],
        "properties": {
            "title": {"type": "string", "description": "The site title (for languages that do not give their own)."},
            "description": {"type": "string", "description": "One line for search engines and feeds."},
            "base_url": {"type": "string", "pattern": "^https?://", "description": "The absolute address the site is published at."},
            "languages": {
                "type": "array",
                "minItems": 1,
                "description": "The languages, the default one first.",
                "items": {
                    "oneOf": [
                        {"type": "string", "description": "A language code such as en, ru or kk."},
                        {
                            "type": "object",
                            "additionalProperties": false,
                            "required": ["code"],
                            "properties": {
                                "code": {"type": "string", "description": "A BCP 47 language tag."},
                                "name": {"type": "string", "description": "The language's name in itself."},
                                "fallback": {"type": "string", "description": "Where missing interface strings come from."},
                                "title": {"type": "string", "description": "The site title in this language."},
                                "description": {"type": "string", "description": "The site description in this language."},
                                "locale": {"type": "string", "description": "The locale for dates, numbers and sorting, e.g. en-GB."},
                                "quotes": {"type": "string", "minLength": 4, "maxLength": 4, "description": "Quotation marks instead of CLDR's: the outer pair, then the inner pair, e.g. «»„“."}
                            }
                        }
                    ]
                }
            },
            "theme": {"type": "string", "description": "A folder under themes/, or osce, the theme built into pressroom."},
            "pagination": count("Releases per list page."),
            "home_releases": count("Releases on each home page."),
            "feed_releases": count("Entries per Atom feed."),
            "markdown": {
                "type": "object",
                "additionalProperties": false,
                "properties": {
                    "allow_html": {"type": "boolean", "description": "Pass raw HTML in markdown through."},
                    "smart_punctuation": {"type": "boolean", "description": "Typographic quotes and dashes."}
                }
            },
            "images": {
                "type": "object",
                "additionalProperties": false,
                "description": "How photos are resized and encoded.",
                "properties": {
                    "widths": {"type": "array", "minItems": 1, "items": {"type": "integer", "minimum": 16, "maximum": 8192}, "description": "Widths in pixels each photo is made in; a photo narrower than one gets its own width instead."},
                    "quality": {"type": "integer", "minimum": 1, "maximum": 100, "description": "JPEG and WebP quality."},
                    "avif_quality": {"type": "integer", "minimum": 1, "maximum": 100, "description": "AVIF quality."},
                    "dense_width": {"type": "integer", "minimum": 16, "maximum": 8192, "description": "Files at least this wide are only for high-density screens and use the dense qualities."},
                    "dense_quality": {"type": "integer", "minimum": 1, "maximum": 100, "description": "JPEG and WebP quality of files at least dense_width wide."},
                    "dense_avif_quality": {"type": "integer", "minimum": 1, "maximum": 100, "description": "AVIF quality of files at least dense_width wide."}
                }
            },
            "default_language_at_root": {"type": "boolean", "description": "Serve the default language at / instead of /{lang}/."},
            "list_untranslated": {"type": "boolean", "description": "List releases lacking a translation, marked as such."},
            "search": {"type": "boolean", "description": "Write each language's search index and page, and the search box (default true)."},
            "limits": {
                "type": "object",
                "additionalProperties": false,
                "description": "Bounds that keep one runaway document from making a build slow, huge or out of memory.",
                "properties": {
                    "tags_per_release": count("Tags on one release."),
                    "document_bytes": count("Bytes of one source file."),
                    "summary_chars": count("Characters of `summary`."),
                    "location_chars": count("Characters of `location`."),
                    "file_name_bytes": {"type": "integer", "minimum": 1, "maximum": 255, "description": "Bytes of a slug or of one part of an alias."}
                }
            },
            "deploy": deploy_schema(),
            "related_releases": {"type": "integer", "minimum": 0, "maximum": crate::config::MAX_RELATED, "description": "Related releases shown under each release (0 for none; default 3)."},
            "organization": organization_schema()
        }
    })
}

/// The schema of `organization:`.
fn organization_schema() -> Value {
    let localized = |description: &str| {
        json!({
            "description": description,
            "oneOf": [
                {"type": "string", "description": "The same text in every language."},
                {"type": "object", "additionalProperties": {"type": "string"}, "description": "A text per language code."}
            ]
        })
    };
    json!({
        "type": "object",
        "additionalProperties": false,
        "required": ["name"],
        "description": "The press office: author and publisher in structured data, footer, media contact.",
        "properties": {
            "name": localized("Its name, once or per language."),
            "logo": {"type": "string", "pattern": "\\.(svg|png|jpe?g|webp)$", "description": "A file in the site's or the theme's static/ folder, e.g. img/logo.svg."},
            "url": {"type": "string", "pattern": "^https?://", "description": "Its website."},
            "media_contact": {
                "type": "object",
                "additionalProperties": false,
                "description": "Shown on every release under \"For media enquiries\".",
                "properties": {
                    "name": localized("The person's or desk's name."),
                    "phone": localized("A telephone number."),
                    "email": localized("An e-mail address.")
                }
            },
            "social": {"type": "array", "items": {"type": "string", "pattern": "^https?://"}, "description": "Its profiles elsewhere, as URLs."},
            "footer": localized("The footer's credit line; empty for none.")
        }
    })
}

/// The schema of `deploy:` (kept apart: one `json!` of the whole file would
/// nest deeper than the macro may).
fn deploy_schema() -> Value {
    json!({
        "type": "object",
        "additionalProperties": false,
        "description": "Where `pressroom deploy` publishes the built site.",
        "properties": {
            "targets": {
                "type": "array",
                "description": "The targets; the first one is the default.",
                "items": {
                    "type": "object",
                    "additionalProperties": false,
                    "required": ["name", "url"],
                    "properties": {
                        "name": {"type": "string", "minLength": 1, "description": "The name `--target` picks it by."},
                        "url": {"type": "string", "pattern": "^(s3|file)://", "description": "s3://bucket/prefix or file:///path."},
                        "endpoint": {"type": "string", "pattern": "^https?://", "description": "The S3 API endpoint for services other than AWS."},
                        "region": {"type": "string", "description": "The bucket's region."},
                        "workers": {"type": "integer", "minimum": 1, "maximum": 256, "description": "How many uploads run at once."},
                        "cache_control": {
                            "type": "array",
                            "description": "Cache-Control rules tried before the defaults; the first match wins.",
                            "items": {
                                "type": "object",
                                "additionalProperties": false,
                                "required": ["pattern", "value"],
                                "properties": {
                                    "pattern": {"type": "string", "description": "A glob over output paths, e.g. **/*.pdf."},
                                    "value": {"type": "string", "description": "The header value, e.g. public, max-age=86400."}
                                }
                            }
                        }
                    }
                }
            }
        }
    })
}

/// The schema of front matter, with `tags` limited to the registered keys.
pub fn front_matter_schema<'a>(tag_keys: impl IntoIterator<Item = &'a str>) -> Value {
    let keys: Vec<&str> = tag_keys.into_iter().collect();
    let date = "^\\d{4}-\\d{2}-\\d{2}([T ]\\d{2}:\\d{2}(:\\d{2})?([+-]\\d{2}:\\d{2}|Z))?$";
    json!({
        "$schema": "https://json-schema.org/draft-07/schema#",
        "title": "pressroom front matter",
        "type": "object",
        "additionalProperties": false,
        "required": ["title"],
        "properties": {
            "title": {"type": "string", "minLength": 1, "maxLength": MAX_TITLE_CHARS, "description": "The headline."},
            "date": {"type": "string", "pattern": date, "description": "YYYY-MM-DD, or a datetime with offset."},
            "summary": {"type": "string", "description": "Plain-text summary for lists and search engines."},
            "location": {"type": "string", "description": "Place of issue, shown with the date."},
            "tags": {
                "type": "array",
                "description": "Tag keys registered in content/tags.yaml.",
                "items": {"type": "string", "enum": keys}
            },
            "slug": {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$", "description": "Overrides the file name in the URL."},
            "draft": {"type": "boolean", "description": "true leaves the document out unless --drafts is given."},
            "embargo": {"type": "string", "pattern": date, "description": "A datetime with offset before which the release stays out."},
            "aliases": {"type": "array", "items": {"type": "string", "pattern": "^/"}, "description": "Old paths that redirect here."},
            "image": {"type": "string", "description": "An image for the page, relative to the page, or a URL."},
            "image_alt": {"type": "string", "description": "The image's alternative text; required with a photo, \"\" for a decorative one."},
            "image_caption": {"type": "string", "description": "A caption shown under the lead photo."},
            "image_credit": {"type": "string", "description": "The photo's author and licence, shown with it."},
            "translation_key": {"type": "string", "description": "Links translations whose file names differ."},
            "weight": {"type": "integer", "description": "Order of static pages in the menu, lowest first."},
            "updated": {"type": "string", "pattern": date, "description": "When the text was last changed after publication: YYYY-MM-DD, or a datetime with offset."}
        }
    })
}

/// Writes both schemas into `dir` and returns the paths written. `display`
/// is how `dir` is named in errors.
pub fn write_schemas<'a>(
    dir: &Path,
    display: &Path,
    tag_keys: impl IntoIterator<Item = &'a str>,
) -> Result<Vec<PathBuf>, Diagnostic> {
    std::fs::create_dir_all(dir)
        .map_err(|e| crate::util::fs::io_diagnostic(display, &e, "create"))?;
    let mut written = Vec::new();
    for (name, schema) in [
        (SITE_SCHEMA, site_schema()),
        (FRONT_MATTER_SCHEMA, front_matter_schema(tag_keys)),
    ] {
        let path = dir.join(name);
        let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
        text.push('\n');
        std::fs::write(&path, text)
            .map_err(|e| crate::util::fs::io_diagnostic(&display.join(name), &e, "write"))?;
        written.push(path);
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(schema: &Value) -> Vec<&str> {
        let mut keys: Vec<&str> = schema["properties"]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort_unstable();
        keys
    }

    /// The fields an unknown-field error's help lists as valid: exactly
    /// those the parser accepts, which the schema must name.
    fn accepted(help: &str) -> Vec<&str> {
        let mut keys: Vec<&str> = help
            .split("valid fields are: ")
            .nth(1)
            .unwrap()
            .split(", ")
            .collect();
        keys.sort_unstable();
        keys
    }

    #[test]
    fn the_site_schema_names_every_key_the_parser_accepts() {
        let err = crate::config::SiteConfig::parse(
            Path::new("/s"),
            "title: T\nbase_url: https://e.org\nlanguages: [en]\nzzz: 1\n",
        )
        .unwrap_err();
        let help = err.sorted()[0].help.clone().unwrap();
        assert_eq!(fields(&site_schema()), accepted(&help));
    }

    #[test]
    fn the_front_matter_schema_names_every_field_and_registered_tag() {
        let source = crate::source::SourceDoc {
            path: "/s/a.md".into(),
            rel: "a.md".into(),
            section: crate::source::Section::Releases,
            key: "a".into(),
            stem: "a".into(),
            lang: "en".into(),
            bundle: false,
        };
        let err = crate::document::parse(source, "---\ntitle: x\nzzz: 1\n---\n").unwrap_err();
        let help = err.sorted()[0].help.clone().unwrap();
        let schema = front_matter_schema(["probation", "prison-reform"]);
        assert_eq!(fields(&schema), accepted(&help));
        assert_eq!(
            schema["properties"]["tags"]["items"]["enum"],
            json!(["probation", "prison-reform"])
        );
    }
}
