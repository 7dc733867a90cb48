//! What a deploy does, decided before it does anything: which files to
//! upload in which phase, which objects to delete, which are unchanged.
//!
//! The phases are the order that keeps every published page whole while the
//! remote changes under a reader: first the files pages refer to (styles,
//! scripts, images, documents, search data), then the pages, then what points
//! at pages (feeds, the sitemap, `robots.txt`), and deletions last, so that no
//! page links to something that is not there yet or any more.

use std::collections::BTreeMap;

use serde::Serialize;

use super::headers::{self, CacheRules};
use super::scan::{Entry, LocalFile};

/// One step of a deploy; each finishes before the next starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Phase {
    /// What pages load or link to: styles, scripts, images, documents.
    Assets,
    /// HTML pages.
    Pages,
    /// What points at pages: Atom feeds, sitemaps, `robots.txt`.
    Feeds,
}

impl Phase {
    /// The phases in the order they run.
    pub const ALL: [Phase; 3] = [Phase::Assets, Phase::Pages, Phase::Feeds];

    /// The phase a file of the output folder belongs to.
    pub fn of(path: &str) -> Phase {
        let name = path.rsplit('/').next().unwrap_or(path);
        let ext = name.rsplit_once('.').map_or("", |(_, e)| e);
        match ext {
            "html" | "htm" => Phase::Pages,
            "xml" => Phase::Feeds,
            _ if name == "robots.txt" => Phase::Feeds,
            _ => Phase::Assets,
        }
    }

    /// Its name in reports.
    pub fn name(self) -> &'static str {
        match self {
            Phase::Assets => "assets",
            Phase::Pages => "pages",
            Phase::Feeds => "feeds",
        }
    }
}

/// One file to upload, with the headers it gets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Upload {
    /// Its path under the output folder and under the target's prefix.
    pub path: String,
    /// Its size in bytes.
    pub size: u64,
    /// The hex MD5 of its bytes.
    pub md5: String,
    /// The `Content-Type` header, when the target keeps headers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    /// The `Cache-Control` header, when the target keeps headers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cache_control: Option<String>,
    /// Whether the remote has no object at this path yet.
    pub new: bool,
}

impl Upload {
    /// What the manifest records once it is uploaded.
    pub fn entry(&self) -> Entry {
        Entry {
            md5: self.md5.clone(),
            size: self.size,
            content_type: self.content_type.clone(),
            cache_control: self.cache_control.clone(),
        }
    }
}

/// Everything a deploy will do.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    /// Uploads by phase, each in path order.
    pub uploads: BTreeMap<Phase, Vec<Upload>>,
    /// Remote paths to delete, in path order.
    pub deletes: Vec<String>,
    /// Files the remote already has, with the headers they were given.
    pub unchanged: BTreeMap<String, Entry>,
}

impl Plan {
    /// Compares the output folder with what the remote holds. `rules` is
    /// `None` for targets that keep no headers (folders).
    pub fn new(
        local: &BTreeMap<String, LocalFile>,
        remote: &BTreeMap<String, Entry>,
        rules: Option<&CacheRules>,
    ) -> Plan {
        let mut plan = Plan::default();
        for (path, file) in local {
            let (content_type, cache_control) = match rules {
                Some(rules) => (
                    Some(headers::content_type(path).to_owned()),
                    Some(rules.for_path(path)),
                ),
                None => (None, None),
            };
            let upload = Upload {
                path: path.clone(),
                size: file.size,
                md5: file.md5.clone(),
                content_type,
                cache_control,
                new: !remote.contains_key(path),
            };
            match remote.get(path) {
                // Headers unknown to the remote record (a manifest rebuilt
                // from a listing) are taken as right: re-uploading every
                // file to restate them would defeat the comparison.
                Some(old)
                    if old.md5 == file.md5
                        && (old.content_type.is_none()
                            || old.content_type == upload.content_type)
                        && (old.cache_control.is_none()
                            || old.cache_control == upload.cache_control) =>
                {
                    plan.unchanged.insert(path.clone(), upload.entry());
                }
                _ => plan
                    .uploads
                    .entry(Phase::of(path))
                    .or_default()
                    .push(upload),
            }
        }
        plan.deletes = remote
            .keys()
            .filter(|path| !local.contains_key(*path))
            .cloned()
            .collect();
        plan
    }

    /// The number of files to upload.
    pub fn upload_count(&self) -> usize {
        self.uploads.values().map(Vec::len).sum()
    }

    /// The bytes to upload.
    pub fn upload_bytes(&self) -> u64 {
        self.uploads.values().flatten().map(|u| u.size).sum()
    }

    /// Whether the remote already matches the output folder.
    pub fn is_empty(&self) -> bool {
        self.upload_count() == 0 && self.deletes.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::deploy::scan::md5_hex;

    fn local(files: &[(&str, &str)]) -> BTreeMap<String, LocalFile> {
        files
            .iter()
            .map(|(path, text)| {
                let file = LocalFile {
                    path: (*path).to_owned(),
                    size: text.len() as u64,
                    md5: md5_hex(text.as_bytes()),
                    modified: 0,
                };
                ((*path).to_owned(), file)
            })
            .collect()
    }

    fn remote(files: &[(&str, &str)], rules: Option<&CacheRules>) -> BTreeMap<String, Entry> {
        Plan::new(&local(files), &BTreeMap::new(), rules)
            .uploads
            .into_values()
            .flatten()
            .map(|u| (u.path.clone(), u.entry()))
            .collect()
    }

    #[test]
    fn phases_put_assets_before_pages_before_feeds() {
        assert_eq!(Phase::of("css/style.css"), Phase::Assets);
        assert_eq!(Phase::of("en/releases/2016/visit/photo.jpg"), Phase::Assets);
        assert_eq!(Phase::of("search/en.json"), Phase::Assets);
        assert_eq!(Phase::of("en/index.html"), Phase::Pages);
        assert_eq!(Phase::of("404.html"), Phase::Pages);
        assert_eq!(Phase::of("en/atom.xml"), Phase::Feeds);
        assert_eq!(Phase::of("sitemap.xml"), Phase::Feeds);
        assert_eq!(Phase::of("robots.txt"), Phase::Feeds);
        assert_eq!(Phase::of("notes.txt"), Phase::Assets);
        assert!(Phase::Assets < Phase::Pages && Phase::Pages < Phase::Feeds);
    }

    #[test]
    fn a_first_deploy_uploads_everything_by_phase() {
        let rules = CacheRules::new(&[]).unwrap();
        let files = [
            ("index.html", "<p>"),
            ("css/style.css", "p{}"),
            ("sitemap.xml", "<urlset/>"),
        ];
        let plan = Plan::new(&local(&files), &BTreeMap::new(), Some(&rules));
        assert_eq!(plan.upload_count(), 3);
        assert_eq!(plan.upload_bytes(), 3 + 3 + 9);
        assert_eq!(plan.uploads[&Phase::Assets][0].path, "css/style.css");
        assert_eq!(plan.uploads[&Phase::Pages][0].path, "index.html");
        assert_eq!(plan.uploads[&Phase::Feeds][0].path, "sitemap.xml");
        let page = &plan.uploads[&Phase::Pages][0];
        assert!(page.new);
        assert_eq!(
            page.content_type.as_deref(),
            Some("text/html; charset=utf-8")
        );
        assert_eq!(page.cache_control.as_deref(), Some(headers::REVALIDATE));
        assert!(plan.deletes.is_empty());
    }

    #[test]
    fn only_changed_files_are_uploaded_and_missing_ones_deleted() {
        let rules = CacheRules::new(&[]).unwrap();
        let before = remote(
            &[("a.html", "a"), ("b.html", "b"), ("gone.html", "g")],
            Some(&rules),
        );
        let now = local(&[("a.html", "a"), ("b.html", "B"), ("new.css", "n")]);
        let plan = Plan::new(&now, &before, Some(&rules));
        let uploaded: Vec<(&str, bool)> = plan
            .uploads
            .values()
            .flatten()
            .map(|u| (u.path.as_str(), u.new))
            .collect();
        assert_eq!(uploaded, [("new.css", true), ("b.html", false)]);
        assert_eq!(plan.deletes, ["gone.html"]);
        assert_eq!(plan.unchanged.keys().collect::<Vec<_>>(), ["a.html"]);
        assert!(
            Plan::new(
                &now,
                &remote(
                    &[("a.html", "a"), ("b.html", "B"), ("new.css", "n")],
                    Some(&rules)
                ),
                Some(&rules)
            )
            .is_empty()
        );
    }

    #[test]
    fn changed_headers_upload_again_unknown_ones_do_not() {
        let old_rules = CacheRules::new(&[]).unwrap();
        let new_rules = CacheRules::new(&[crate::config::CacheControlRule {
            pattern: "*.html".to_owned(),
            value: "no-cache".to_owned(),
        }])
        .unwrap();
        let files = [("a.html", "a"), ("b.png", "b")];
        let plan = Plan::new(
            &local(&files),
            &remote(&files, Some(&old_rules)),
            Some(&new_rules),
        );
        assert_eq!(plan.upload_count(), 1);
        assert_eq!(plan.uploads[&Phase::Pages][0].path, "a.html");
        // A folder records no headers, and a listing cannot know them.
        let plan = Plan::new(&local(&files), &remote(&files, None), Some(&new_rules));
        assert!(plan.is_empty());
    }
}
