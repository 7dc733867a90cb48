//! Files that pages refer to: every one must exist.
//!
//! A release's markdown may show an image or link a document
//! (`![chart](chart.png)`, `[the report](report.pdf)`, `/docs/plan.pdf`), and
//! its front matter may name an `image:`. A missing file would build a page
//! with a broken image and pass unnoticed, so each reference is resolved
//! against the page's own URL, as a browser would, and must name a file the
//! build writes: a file of the page's bundle (copied beside each language
//! version) or a static file of the theme or the site. A missing one is an
//! error at the reference, suggesting the closest file that exists. Links to
//! generated pages (`.html`, `.xml`, `robots.txt`) and URLs with a scheme are
//! left alone: the model and `check-links` cover those.

use std::collections::BTreeSet;

use super::{Entry, Site, output_path};
use crate::diagnostics::{Diagnostic, Diagnostics, closest};
use crate::document::markdown::{LinkRef, is_file_reference};

/// Checks every file reference of the site's pages; `statics` are the
/// output paths of the theme's and the site's static files.
pub(super) fn check(site: &Site, statics: &BTreeSet<String>, problems: &mut Diagnostics) {
    let mut outputs: BTreeSet<&str> = statics.iter().map(String::as_str).collect();
    outputs.extend(site.assets.iter().map(|a| a.output.as_str()));
    // Photos are published as derivatives; their references are kept.
    outputs.extend(site.photos.by_output.keys().map(String::as_str));
    for entry in site.releases.iter().chain(&site.pages) {
        let doc = &entry.doc;
        let mut refs: Vec<LinkRef> = doc.files.clone();
        if let Some(image) = doc.front.image.as_deref().filter(|i| is_file_reference(i)) {
            let (line, column) = doc.position_of("image", None);
            refs.push(LinkRef {
                target: image.split('#').next().unwrap_or(image).to_owned(),
                fragment: None,
                line,
                column,
            });
        }
        for r in &refs {
            if let Some(d) = missing(entry, r, &outputs) {
                problems.push(d);
            }
        }
    }
}

/// The error for `r` on `entry`'s page if it names no file of the build.
fn missing(entry: &Entry, r: &LinkRef, outputs: &BTreeSet<&str>) -> Option<Diagnostic> {
    let written = r.target.split('?').next().unwrap_or(&r.target);
    let decoded = percent_decode(written);
    let last = decoded.rsplit('/').next().unwrap_or("");
    let ext = last
        .rsplit_once('.')
        .map_or("", |(_, e)| e)
        .to_ascii_lowercase();
    // Generated pages and feeds, not files anyone copies.
    if matches!(ext.as_str(), "html" | "htm" | "xml") || decoded == "/robots.txt" {
        return None;
    }
    let page_dir = page_dir(entry);
    let resolved = resolve(&page_dir, &decoded)?;
    if outputs.contains(resolved.as_str()) {
        return None;
    }
    // Suggest as the editor would write it: relative to the page for a
    // relative reference, from the site root for a root-relative one.
    let rooted = decoded.starts_with('/');
    let as_written = |output: &str| -> String {
        if rooted {
            format!("/{output}")
        } else {
            output
                .strip_prefix(page_dir.as_str())
                .unwrap_or(output)
                .to_owned()
        }
    };
    let candidates: Vec<String> = outputs
        .iter()
        .filter(|o| rooted || o.starts_with(page_dir.as_str()))
        .map(|o| as_written(o))
        .collect();
    let suggestion = closest(&decoded, candidates.iter().map(String::as_str)).or_else(|| {
        let by_name = candidates
            .iter()
            .map(|c| c.rsplit('/').next().unwrap_or(c))
            .collect::<Vec<_>>();
        closest(last, by_name.iter().copied())
            .and_then(|name| {
                candidates
                    .iter()
                    .find(|c| c.rsplit('/').next() == Some(name))
            })
            .map(String::as_str)
    });
    let bundle = entry.doc.source.bundle;
    let help = match (suggestion, rooted, bundle) {
        (Some(s), _, _) => format!("did you mean `{s}`?"),
        (None, true, _) => {
            format!("put the file at static/{resolved} in the site, or correct the path")
        }
        (None, false, true) => format!(
            "put `{decoded}` in the release's folder, beside {}",
            entry
                .doc
                .source
                .rel
                .file_name()
                .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
        ),
        (None, false, false) => format!(
            "files a page refers to go in its bundle: move {} to a folder {}/index.{}.md and put `{decoded}` beside it",
            entry.doc.source.rel.display(),
            entry.doc.source.stem,
            entry.doc.source.lang
        ),
    };
    Some(
        Diagnostic::error(
            &entry.doc.source.rel,
            r.line,
            r.column,
            format!("`{}` names a file that does not exist", r.target),
        )
        .with_help(help),
    )
}

/// The output path a file reference of `entry` names (where a browser
/// would look for it), or `None` when it leaves the site.
pub fn output_of(entry: &Entry, target: &str) -> Option<String> {
    let written = target.split(['?', '#']).next().unwrap_or(target);
    resolve(&page_dir(entry), &percent_decode(written))
}

/// The output folder of a page: `en/releases/2015/forum/`.
fn page_dir(entry: &Entry) -> String {
    let file = output_path(&entry.path);
    match file.rfind('/') {
        Some(i) => file[..=i].to_owned(),
        None => String::new(),
    }
}

/// `reference` resolved against the output folder `dir`, as an output path;
/// `None` when it climbs above the site root.
fn resolve(dir: &str, reference: &str) -> Option<String> {
    let mut parts: Vec<&str> = if reference.starts_with('/') {
        Vec::new()
    } else {
        dir.split('/').filter(|p| !p.is_empty()).collect()
    };
    for part in reference.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

/// Decodes `%XX` escapes (`photo%20one.jpg`); anything malformed stays as
/// written.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && let (Some(h), Some(l)) = (
                bytes.get(i + 1).copied().and_then(hex),
                bytes.get(i + 2).copied().and_then(hex),
            )
        {
            out.push((h * 16 + l) as u8);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_resolve_like_a_browser() {
        let dir = "en/releases/2015/forum/";
        assert_eq!(
            resolve(dir, "photo.jpg").as_deref(),
            Some("en/releases/2015/forum/photo.jpg")
        );
        assert_eq!(
            resolve(dir, "./img/../a.png").as_deref(),
            Some("en/releases/2015/forum/a.png")
        );
        assert_eq!(
            resolve(dir, "../../2014/x/b.pdf").as_deref(),
            Some("en/releases/2014/x/b.pdf")
        );
        assert_eq!(
            resolve(dir, "/css/style.css").as_deref(),
            Some("css/style.css")
        );
        assert_eq!(resolve("", "../x.png"), None);
    }

    #[test]
    fn percent_escapes_are_decoded() {
        assert_eq!(percent_decode("photo%20one.jpg"), "photo one.jpg");
        assert_eq!(percent_decode("%D1%84.png"), "ф.png");
        assert_eq!(percent_decode("100%.png"), "100%.png");
        assert_eq!(percent_decode("%zz"), "%zz");
    }
}
