//! What is where: the files of the local output folder with their hashes,
//! and the manifest that records what the remote holds.
//!
//! Both sides are compared by the MD5 of each file's bytes. MD5 is what S3
//! reports as the `ETag` of an object uploaded in one request, so a listing
//! verifies most objects without a request per object; objects uploaded in
//! parts also carry the hash as metadata ([`HASH_METADATA`]). It detects
//! changes, it does not defend against forgery: whoever can write the output
//! folder can publish anyway.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use md5::{Digest, Md5};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::DeployError;
use crate::output::MARKER;

/// The user metadata key (`x-amz-meta-…`) holding an object's MD5.
pub const HASH_METADATA: &str = "pressroom-md5";
/// The manifest's name under the target's prefix. A dotfile, so that it is
/// never taken for a page and a deploy never deletes it.
pub const MANIFEST: &str = ".pressroom-deploy.json";
/// The manifest format this version writes and reads.
const MANIFEST_VERSION: u32 = 1;

/// One file of the output folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalFile {
    /// Its path under the output folder, with `/` separators.
    pub path: String,
    /// Its size in bytes.
    pub size: u64,
    /// The hex MD5 of its bytes.
    pub md5: String,
}

/// Whether a path of the output folder is one pressroom skips: any path with a
/// part that starts with a dot. The build writes none for readers, only its
/// own bookkeeping (the `.pressroom-output` marker, locks, caches, staging
/// leftovers); on the remote side the same rule leaves alone what someone
/// put there by hand (`.well-known/`) and the manifest.
pub fn is_skipped(path: &str) -> bool {
    path.split('/').any(|part| part.starts_with('.'))
}

/// Reads the output folder: every file but the skipped ones, hashed in
/// parallel, by path.
pub fn scan(output: &Path) -> Result<BTreeMap<String, LocalFile>, DeployError> {
    if !output.join(MARKER).is_file() {
        return Err(DeployError::NotBuilt(output.to_path_buf()));
    }
    let mut paths: Vec<(String, PathBuf)> = Vec::new();
    for entry in walkdir::WalkDir::new(output).sort_by_file_name() {
        let entry = entry.map_err(|e| {
            let path = e.path().unwrap_or(output).to_path_buf();
            DeployError::Local(path, e.to_string())
        })?;
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(output)
            .map_err(|e| DeployError::Local(entry.path().to_path_buf(), e.to_string()))?;
        let Some(rel_str) = rel.to_str() else {
            return Err(DeployError::Local(
                entry.path().to_path_buf(),
                "the file name is not UTF-8, so it cannot be a URL".to_owned(),
            ));
        };
        let rel_str = rel_str.replace('\\', "/");
        if !is_skipped(&rel_str) {
            paths.push((rel_str, entry.path().to_path_buf()));
        }
    }
    let files: Result<Vec<LocalFile>, DeployError> = paths
        .into_par_iter()
        .map(|(rel, full)| {
            let (size, md5) = hash_file(&full)?;
            Ok(LocalFile {
                path: rel,
                size,
                md5,
            })
        })
        .collect();
    Ok(files?.into_iter().map(|f| (f.path.clone(), f)).collect())
}

/// The size and hex MD5 of a file, read in blocks.
pub fn hash_file(path: &Path) -> Result<(u64, String), DeployError> {
    let local = |e: std::io::Error| DeployError::Local(path.to_path_buf(), e.to_string());
    let mut file = std::fs::File::open(path).map_err(local)?;
    let mut hasher = Md5::new();
    let mut buf = vec![0u8; 64 * 1024];
    let mut size = 0u64;
    loop {
        let n = file.read(&mut buf).map_err(local)?;
        if n == 0 {
            break;
        }
        size += n as u64;
        hasher.update(&buf[..n]);
    }
    Ok((size, hex(&hasher.finalize())))
}

/// The hex MD5 of some bytes.
pub fn md5_hex(bytes: &[u8]) -> String {
    hex(&Md5::digest(bytes))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether a string looks like a hex MD5 (an S3 `ETag` of a single-part
/// upload, once unquoted; a multipart one ends in `-N`).
pub fn is_md5(s: &str) -> bool {
    s.len() == 32 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// What the remote holds, as the last deploy left it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// The format version.
    pub version: u32,
    /// False while a deploy is changing the remote: a deploy that stops half
    /// way leaves it false, and the next one trusts a listing instead.
    pub complete: bool,
    /// Every object the last deploy published, by path under the prefix.
    pub files: BTreeMap<String, Entry>,
}

/// One published object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// The hex MD5 of its bytes.
    pub md5: String,
    /// Its size in bytes.
    pub size: u64,
    /// The `Content-Type` it was uploaded with (none for folders).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    /// The `Cache-Control` it was uploaded with (none for folders).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache_control: Option<String>,
}

impl Manifest {
    /// A finished manifest of these entries.
    pub fn complete(files: BTreeMap<String, Entry>) -> Manifest {
        Manifest {
            version: MANIFEST_VERSION,
            complete: true,
            files,
        }
    }

    /// The marker a deploy writes before it changes anything.
    pub fn in_progress() -> Manifest {
        Manifest {
            version: MANIFEST_VERSION,
            complete: false,
            files: BTreeMap::new(),
        }
    }

    /// Parses a manifest; `None` when it cannot be trusted (unreadable, of
    /// another version, or left by a deploy that did not finish).
    pub fn parse(bytes: &[u8]) -> Option<Manifest> {
        let manifest: Manifest = serde_json::from_slice(bytes).ok()?;
        (manifest.version == MANIFEST_VERSION && manifest.complete).then_some(manifest)
    }

    /// The manifest as JSON.
    pub fn to_bytes(&self) -> Vec<u8> {
        // A map of strings to plain structs always serializes.
        serde_json::to_vec(self).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scan_skips_dotfiles_and_hashes_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path();
        for (rel, text) in [
            (MARKER, ""),
            (".pressroom-lock", "pid"),
            (".cache/x.bin", "cache"),
            ("en/.draft.html", "hidden"),
            ("index.html", "hello"),
            ("en/index.html", ""),
        ] {
            let path = out.join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        let files = scan(out).unwrap();
        assert_eq!(
            files.keys().collect::<Vec<_>>(),
            ["en/index.html", "index.html"]
        );
        assert_eq!(files["index.html"].md5, "5d41402abc4b2a76b9719d911017c592");
        assert_eq!(files["index.html"].size, 5);
        assert_eq!(
            files["en/index.html"].md5,
            "d41d8cd98f00b204e9800998ecf8427e"
        );
    }

    #[test]
    fn scan_refuses_a_folder_without_the_marker() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("index.html"), "x").unwrap();
        assert!(matches!(scan(dir.path()), Err(DeployError::NotBuilt(_))));
    }

    #[test]
    fn only_a_complete_manifest_of_this_version_is_trusted() {
        let mut files = BTreeMap::new();
        files.insert(
            "a.html".to_owned(),
            Entry {
                md5: md5_hex(b"a"),
                size: 1,
                content_type: Some("text/html; charset=utf-8".to_owned()),
                cache_control: None,
            },
        );
        let done = Manifest::complete(files);
        assert_eq!(Manifest::parse(&done.to_bytes()), Some(done.clone()));
        assert_eq!(Manifest::parse(&Manifest::in_progress().to_bytes()), None);
        let mut other = done;
        other.version = 2;
        assert_eq!(Manifest::parse(&other.to_bytes()), None);
        assert_eq!(Manifest::parse(b"{not json"), None);
    }

    #[test]
    fn md5_etags() {
        assert!(is_md5("5d41402abc4b2a76b9719d911017c592"));
        assert!(!is_md5("5d41402abc4b2a76b9719d911017c592-2"));
        assert!(!is_md5("1-2-3"));
    }
}
