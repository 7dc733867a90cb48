//! Checks a built site: every internal link and resource resolves to a file.
//!
//! Maintainers publish the output without reading it, so a broken link must be
//! caught before upload. The checker reads the output folder (not the model),
//! so it also catches mistakes in templates. It looks at every `href` and `src`
//! attribute of every HTML file and every `<loc>`/`href` of XML files, maps
//! URLs of this site (root-relative, page-relative, or absolute under the base
//! URL) to files, percent-decoding them as a web server would.

use std::collections::BTreeSet;
use std::fmt;
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

/// A link that does not resolve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokenLink {
    /// The file that contains the link, relative to the output folder.
    pub file: String,
    /// The link as written.
    pub url: String,
}

/// What the checker found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LinkReport {
    /// Files read.
    pub files: usize,
    /// Internal links checked.
    pub links: usize,
    /// Links that do not resolve.
    pub broken: Vec<BrokenLink>,
}

impl fmt::Display for LinkReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for b in &self.broken {
            writeln!(f, "{}: broken link: {}", b.file, b.url)?;
        }
        write!(
            f,
            "links: {} files, {} internal links checked, {} broken",
            self.files,
            self.links,
            self.broken.len()
        )
    }
}

/// Checks every HTML and XML file under `dir`. `base_url` is the site's
/// absolute URL, so that absolute links to the site itself are checked too.
pub fn check(dir: &Path, base_url: &str) -> std::io::Result<LinkReport> {
    let base = base_url.trim_end_matches('/');
    let base_path = base
        .find("://")
        .and_then(|i| base[i + 3..].find('/').map(|j| &base[i + 3 + j..]))
        .unwrap_or("");
    let mut files: BTreeSet<String> = BTreeSet::new();
    let mut pages: Vec<PathBuf> = Vec::new();
    for entry in WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.map_err(std::io::Error::other)?;
        if entry.file_type().is_file() {
            let rel = key(entry.path().strip_prefix(dir).unwrap_or(entry.path()));
            if rel.ends_with(".html") || rel.ends_with(".xml") {
                pages.push(entry.path().to_path_buf());
            }
            files.insert(rel);
        }
    }
    let mut report = LinkReport {
        files: pages.len(),
        ..LinkReport::default()
    };
    for page in &pages {
        let rel = key(page.strip_prefix(dir).unwrap_or(page));
        let text = std::fs::read_to_string(page)?;
        let page_dir = rel.rsplit_once('/').map_or("", |(d, _)| d);
        for url in urls_in(&text) {
            let Some(target) = internal_path(&url, base, base_path, page_dir) else {
                continue;
            };
            report.links += 1;
            if !resolves(&files, &target) {
                report.broken.push(BrokenLink {
                    file: rel.clone(),
                    url,
                });
            }
        }
    }
    Ok(report)
}

fn key(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Values of `href`, `src` and `<loc>` in a document, entity-decoded.
fn urls_in(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in [" href=", " src="] {
        for (i, _) in text.match_indices(attr) {
            let rest = &text[i + attr.len()..];
            let Some(quote) = rest.chars().next().filter(|c| *c == '"' || *c == '\'') else {
                continue;
            };
            if let Some(end) = rest[1..].find(quote) {
                out.push(decode_entities(&rest[1..1 + end]));
            }
        }
    }
    for (i, _) in text.match_indices("<loc>") {
        if let Some(end) = text[i + 5..].find("</loc>") {
            out.push(decode_entities(&text[i + 5..i + 5 + end]));
        }
    }
    out
}

fn decode_entities(s: &str) -> String {
    s.replace("&amp;", "&")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
}

/// The path (relative to the output folder, percent-decoded) that an internal
/// URL points at, or `None` for external URLs and bare fragments.
fn internal_path(url: &str, base: &str, base_path: &str, page_dir: &str) -> Option<String> {
    let url = url.split(['#', '?']).next().unwrap_or("");
    if url.is_empty() {
        return None;
    }
    let site_path = if let Some(rest) = url.strip_prefix(base) {
        format!("/{}", rest.trim_start_matches('/'))
    } else if url.contains("://")
        || url.starts_with("//")
        || url.contains(':') && !url.starts_with('/')
    {
        return None; // another site, or mailto:, tel:, data:
    } else if let Some(rooted) = url.strip_prefix('/') {
        let rooted = format!("/{rooted}");
        match rooted.strip_prefix(base_path) {
            Some(rest) if !base_path.is_empty() => format!("/{}", rest.trim_start_matches('/')),
            _ => rooted,
        }
    } else {
        format!("/{page_dir}/{url}")
    };
    Some(normalise(&percent_decode(&site_path)))
}

/// Resolves `.` and `..` segments; `..` never climbs above the root.
fn normalise(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    let mut out = parts.join("/");
    if path.ends_with('/') && !out.is_empty() {
        out.push('/');
    }
    out
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let hex = |b: u8| (b as char).to_digit(16);
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = (bytes[i] == b'%' && i + 2 < bytes.len())
            .then(|| Some(hex(bytes[i + 1])? * 16 + hex(bytes[i + 2])?))
            .flatten();
        match escaped {
            Some(b) => {
                out.push(b as u8);
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Whether a site path is served by a file, as a static web server would
/// serve it (`/a/` → `a/index.html`, `/a` → `a` or `a/index.html`).
fn resolves(files: &BTreeSet<String>, target: &str) -> bool {
    if target.is_empty() {
        return files.contains("index.html");
    }
    if let Some(dir) = target.strip_suffix('/') {
        return files.contains(&format!("{dir}/index.html"));
    }
    files.contains(target) || files.contains(&format!("{target}/index.html"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_map_to_files() {
        let base = "https://e.org/archive";
        let bp = "/archive";
        assert_eq!(
            internal_path("/archive/en/", base, bp, "en/x").as_deref(),
            Some("en/")
        );
        assert_eq!(
            internal_path("https://e.org/archive/en/a/", base, bp, "").as_deref(),
            Some("en/a/")
        );
        assert_eq!(
            internal_path("photo.jpg", base, bp, "en/r/2015/x").as_deref(),
            Some("en/r/2015/x/photo.jpg")
        );
        assert_eq!(
            internal_path("../y/", base, bp, "en/r").as_deref(),
            Some("en/y/")
        );
        assert_eq!(
            internal_path("/archive/css/s.css?v=1", base, bp, "").as_deref(),
            Some("css/s.css")
        );
        assert_eq!(
            internal_path("/archive/ru/%D0%B0/", base, bp, "").as_deref(),
            Some("ru/а/")
        );
        for external in [
            "https://other.org/x",
            "mailto:a@b.c",
            "#top",
            "//cdn.example/x",
            "tel:+7",
        ] {
            assert_eq!(internal_path(external, base, bp, ""), None, "{external}");
        }
    }

    #[test]
    fn broken_links_are_found() {
        let dir = tempfile::tempdir().unwrap();
        let write = |p: &str, t: &str| {
            let path = dir.path().join(p);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, t).unwrap();
        };
        write(
            "index.html",
            "<a href=\"/en/\">x</a> <img src='/missing.png'>",
        );
        write(
            "en/index.html",
            "<a href=\"../\">up</a><a href=\"https://e.org/en/gone/\">gone</a><a href=\"#x\">f</a>",
        );
        write("sitemap.xml", "<loc>https://e.org/en/</loc>");
        let report = check(dir.path(), "https://e.org").unwrap();
        assert_eq!(report.files, 3);
        assert_eq!(report.links, 5);
        let broken: Vec<&str> = report.broken.iter().map(|b| b.url.as_str()).collect();
        assert_eq!(broken, ["https://e.org/en/gone/", "/missing.png"]);
    }
}
