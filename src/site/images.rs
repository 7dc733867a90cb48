//! Photos in the model: which bundle files pages show as photos, their size,
//! and the derivative files the build writes for them.
//!
//! A page's lead photo (`image:`) and the images of its markdown that name a
//! JPEG, PNG or WebP file of its bundle are photos. The source file itself is
//! not published (it may carry the camera's GPS position); the build writes
//! the variants [`crate::images::variants`] lists, once per photo whatever
//! the number of pages and languages that show it, under
//! `images/<name>-<content hash>-<width>.<ext>`. A photo that cannot be read
//! or decoded is an error at the reference that names it.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use super::{Entry, Site, files};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::document::markdown::{LinkRef, is_file_reference};
use crate::images::{self, Probe, Shape, Variant};

/// A photo the build publishes as derivatives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Photo {
    /// The source file.
    pub source: PathBuf,
    /// Its size, orientation and content hash.
    pub probe: Probe,
    /// The files made from it, in [`images::variants`] order.
    pub variants: Vec<Variant>,
    /// Output path of each variant, relative to the output folder.
    pub outputs: Vec<String>,
}

impl Photo {
    /// The output path of the variant with this shape and format.
    pub fn output_of(&self, variant: Variant) -> Option<&str> {
        let i = self.variants.iter().position(|v| *v == variant)?;
        Some(&self.outputs[i])
    }

    /// The widths of the variants of one shape kind: the photo's set.
    pub fn widths(&self) -> Vec<u32> {
        let mut widths: Vec<u32> = self
            .variants
            .iter()
            .filter_map(|v| match v.shape {
                Shape::Width(w) => Some(w),
                Shape::Card => None,
            })
            .collect();
        // The variants list each width once per format, so equal widths
        // are not next to each other until sorted.
        widths.sort_unstable();
        widths.dedup();
        widths
    }
}

/// The site's photos and where pages refer to them.
#[derive(Debug, Clone, Default)]
pub struct Photos {
    /// Every photo, by first appearance; identical files are one photo.
    pub list: Vec<Photo>,
    /// Each output file: (photo, variant).
    pub files: Vec<(usize, usize)>,
    /// The output path a page's reference resolves to (where the bundle
    /// file would have been copied) → photo.
    pub by_output: HashMap<String, usize>,
}

/// Finds the photos of the site's pages among its bundle files, takes their
/// sources out of the files copied as they are, and reports the ones that
/// cannot be read.
pub(super) fn collect(site: &mut Site, memo: Option<&std::path::Path>, problems: &mut Diagnostics) {
    let settings = site.config.images.clone();
    let root = site.config.root.clone();
    // Bundle files by the output path they would be copied to.
    let assets: BTreeMap<&str, &PathBuf> = site
        .assets
        .iter()
        .map(|a| (a.output.as_str(), &a.source))
        .collect();
    let mut photos = Photos::default();
    let mut by_source: HashMap<PathBuf, Result<usize, String>> = HashMap::new();
    let mut by_hash: HashMap<u64, usize> = HashMap::new();
    for entry in site.releases.iter().chain(&site.pages) {
        for r in references(entry) {
            let Some(output) = files::output_of(entry, &r.target) else {
                continue;
            };
            // A missing file is reported by the check of file references.
            let Some(&source) = assets.get(output.as_str()) else {
                continue;
            };
            let found = by_source.entry(source.clone()).or_insert_with(|| {
                let probe = images::probe_file(source, memo)?;
                let index = *by_hash.entry(probe.hash).or_insert_with(|| {
                    photos.list.push(photo(source, probe, &settings));
                    photos.list.len() - 1
                });
                Ok(index)
            });
            match found {
                Ok(index) => {
                    photos.by_output.insert(output, *index);
                }
                Err(why) => {
                    let rel = &entry.doc.source.rel;
                    let shown = crate::diagnostics::relative(source, &root);
                    problems.push(
                        Diagnostic::error(
                            rel,
                            r.line,
                            r.column,
                            format!("`{}` cannot be read as a photo: {why}", shown.display()),
                        )
                        .with_help(
                            "save it again as a JPEG, PNG or WebP file, or remove the reference",
                        ),
                    );
                }
            }
        }
    }
    // The sources stay out of the output: their derivatives replace them.
    site.assets
        .retain(|a| !matches!(by_source.get(&a.source), Some(Ok(_))));
    photos.files = photos
        .list
        .iter()
        .enumerate()
        .flat_map(|(p, photo)| (0..photo.variants.len()).map(move |v| (p, v)))
        .collect();
    site.photos = photos;
}

/// The references to photos a page makes: its lead photo, then its body's.
fn references(entry: &Entry) -> Vec<LinkRef> {
    let doc = &entry.doc;
    let mut refs = Vec::new();
    if let Some(image) = doc
        .front
        .image
        .as_deref()
        .filter(|i| is_file_reference(i) && images::is_photo(i))
    {
        let (line, column) = doc.position_of("image", None);
        refs.push(LinkRef {
            target: image.to_owned(),
            fragment: None,
            line,
            column,
        });
    }
    refs.extend(
        doc.files
            .iter()
            .filter(|r| images::is_photo(&r.target))
            .cloned(),
    );
    refs
}

/// The photo of `source` with its variants and their output paths.
fn photo(source: &std::path::Path, probe: Probe, settings: &crate::config::ImagesConfig) -> Photo {
    let variants = images::variants(&probe, settings);
    let stem = source
        .file_stem()
        .and_then(|s| s.to_str())
        .map(|s| {
            // ASCII letters and digits only: a URL nobody has to escape.
            let name: String = s
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() {
                        c.to_ascii_lowercase()
                    } else {
                        '-'
                    }
                })
                .collect();
            name.split('-')
                .filter(|p| !p.is_empty())
                .collect::<Vec<_>>()
                .join("-")
        })
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "photo".to_owned());
    // The content hash in the name: two photos of the same name never share
    // a file, and a changed photo gets new URLs that no cache has seen.
    let hash = format!("{:08x}", probe.hash >> 32);
    let outputs = variants
        .iter()
        .map(|v| match v.shape {
            Shape::Width(w) => format!("images/{stem}-{hash}-{w}.{}", v.format.ext()),
            Shape::Card => format!("images/{stem}-{hash}-card.{}", v.format.ext()),
        })
        .collect();
    Photo {
        source: source.to_path_buf(),
        probe,
        variants,
        outputs,
    }
}
