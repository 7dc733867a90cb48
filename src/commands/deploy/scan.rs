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
    /// Its modification time, in nanoseconds since 1970, for [`HashCache`].
    pub modified: u64,
}

/// Whether a path of the output folder is one pressroom skips: any path with a
/// part that starts with a dot. The build writes none for readers, only its
/// own bookkeeping (the `.pressroom-output` marker, locks, caches, staging
/// leftovers); on the remote side the same rule leaves alone what someone
/// put there by hand (`.well-known/`) and the manifest.
pub fn is_skipped(path: &str) -> bool {
    path.split('/').any(|part| part.starts_with('.'))
}

/// Reads the output folder: every file but the skipped ones, by path, each
/// hashed in parallel unless `cache` knows it by its size and modification
/// time.
pub fn scan(output: &Path, cache: &HashCache) -> Result<BTreeMap<String, LocalFile>, DeployError> {
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
            let local = |e: std::io::Error| DeployError::Local(full.clone(), e.to_string());
            let meta = std::fs::metadata(&full).map_err(local)?;
            let modified = meta
                .modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX));
            let md5 = match cache.files.get(&rel) {
                Some((size, time, md5))
                    if *size == meta.len() && *time == modified && modified != 0 =>
                {
                    md5.clone()
                }
                _ => hash_file(&full)?.1,
            };
            Ok(LocalFile {
                path: rel,
                size: meta.len(),
                md5,
                modified,
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

/// The hashes of the output folder's files as the last deploy saw them, by
/// path: size, modification time (ns) and MD5. The build leaves files whose
/// bytes did not change untouched, modification time included, so a deploy
/// after a build that changed little hashes only what the build rewrote.
/// It is kept beside the output folder (`.NAME.pressroom-deploy-cache.json`,
/// like the build's staging folder), never inside it: nothing in it is part
/// of the site, and the build would remove it as a stale file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HashCache {
    /// Size, modification time and MD5, by path.
    pub files: BTreeMap<String, (u64, u64, String)>,
}

impl HashCache {
    /// Where the cache of `output` lives.
    pub fn path(output: &Path) -> PathBuf {
        let name = output
            .file_name()
            .map_or_else(|| "output".into(), |n| n.to_string_lossy().into_owned());
        let parent = output
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        parent.join(format!(".{name}.pressroom-deploy-cache.json"))
    }

    /// The cache of `output`; empty when there is none or it is unreadable.
    pub fn load(output: &Path) -> HashCache {
        std::fs::read(Self::path(output))
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default()
    }

    /// The cache of a scan.
    pub fn of(files: &BTreeMap<String, LocalFile>) -> HashCache {
        let files = files
            .iter()
            .map(|(path, f)| (path.clone(), (f.size, f.modified, f.md5.clone())))
            .collect();
        HashCache { files }
    }

    /// Saves it beside `output`, through a temporary file so that a deploy
    /// stopped meanwhile leaves the old cache or the new one. A cache that
    /// cannot be written only costs the next deploy its hashing time.
    pub fn save(&self, output: &Path) {
        let path = Self::path(output);
        let temporary = path.with_extension("json.tmp");
        if let Ok(bytes) = serde_json::to_vec(self)
            && std::fs::write(&temporary, bytes).is_ok()
        {
            let _ = std::fs::rename(&temporary, &path);
        }
    }
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
        let files = scan(out, &HashCache::default()).unwrap();
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
        assert!(matches!(
            scan(dir.path(), &HashCache::default()),
            Err(DeployError::NotBuilt(_))
        ));
    }

    #[test]
    fn the_hash_cache_spares_unchanged_files_only() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        std::fs::create_dir_all(&out).unwrap();
        std::fs::write(out.join(MARKER), "").unwrap();
        std::fs::write(out.join("a.html"), "a").unwrap();
        std::fs::write(out.join("b.html"), "b").unwrap();
        let first = scan(&out, &HashCache::load(&out)).unwrap();
        HashCache::of(&first).save(&out);
        assert!(
            dir.path()
                .join(".public.pressroom-deploy-cache.json")
                .is_file()
        );

        // A cached hash is trusted while size and time match: a wrong one
        // planted in the cache shows it was not recomputed.
        let mut planted = HashCache::load(&out);
        assert_eq!(planted, HashCache::of(&first));
        planted.files.get_mut("a.html").unwrap().2 = "planted".to_owned();
        planted.files.get_mut("b.html").unwrap().2 = "planted".to_owned();
        std::fs::write(out.join("b.html"), "bb").unwrap();
        let second = scan(&out, &planted).unwrap();
        assert_eq!(second["a.html"].md5, "planted");
        assert_eq!(second["b.html"].md5, md5_hex(b"bb"));
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
