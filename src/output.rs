//! Writing the output folder, all or nothing.
//!
//! Rendered files are compared with what the output folder already holds;
//! identical files are left alone (their modification time stays, so `rsync`
//! uploads only what changed), and changed files are written to a staging
//! folder beside the output. Only when every page has rendered does
//! [`Staging::commit`] move the staged files into place and delete the files
//! the build no longer produces. A failed build calls [`Staging::abort`] and the
//! previous output stays exactly as it was.
//!
//! Deleting stale files is only safe in a folder pressroom owns, so the output
//! folder carries a marker file, and a non-empty folder without it is refused.
//!
//! Watch mode's small rebuilds render their few files first and then
//! overwrite them one by one ([`update_in_place`]), which spares the staging
//! folder's directories and the file system's flushes on every keystroke.

use std::collections::BTreeSet;
use std::io;
use std::path::{Component, Path, PathBuf};

use rayon::prelude::*;

use crate::diagnostics::{Diagnostic, Diagnostics};

/// The marker file that says pressroom owns an output folder.
pub const MARKER: &str = ".pressroom-output";

/// Whether a rendered file had to be written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteOutcome {
    /// The output already held these exact bytes.
    Unchanged,
    /// The file is new or changed and was staged.
    Written,
}

/// An output folder being updated.
#[derive(Debug)]
pub struct Staging {
    out: PathBuf,
    staging: PathBuf,
    /// The output is missing or empty, so every file is new and the staging
    /// folder can simply become the output.
    fresh: bool,
}

impl Staging {
    /// Prepares to update `out`, refusing folders pressroom does not own.
    pub fn begin(out: &Path) -> Result<Staging, Diagnostic> {
        let mut fresh = true;
        if out.exists() {
            if !out.is_dir() {
                return Err(Diagnostic::error(
                    out,
                    1,
                    1,
                    "the output path exists and is not a folder",
                )
                .with_help("choose another --output folder, or remove this file"));
            }
            let owned = out.join(MARKER).is_file();
            let empty = std::fs::read_dir(out)
                .map(|mut d| d.next().is_none())
                .unwrap_or(false);
            if !owned && !empty {
                return Err(Diagnostic::error(out, 1, 1, "the output folder is not empty and was not written by pressroom")
                    .with_help(format!("pressroom deletes files it did not produce from its output folder; choose an empty or new folder, or add an empty `{MARKER}` file to this one to hand it over")));
            }
            fresh = empty;
        }
        let name = out
            .file_name()
            .map_or_else(|| "output".into(), |n| n.to_string_lossy().into_owned());
        let parent = out
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        // Beside the output, so that the final renames stay on one file system.
        let staging = parent.join(format!(".{name}.pressroom-staging"));
        if staging.exists() {
            // Left over from a build that was killed; it holds nothing of value.
            std::fs::remove_dir_all(&staging).map_err(|e| io_error(&staging, &e))?;
        }
        std::fs::create_dir_all(&staging).map_err(|e| io_error(&staging, &e))?;
        Ok(Staging {
            out: out.to_path_buf(),
            staging,
            fresh,
        })
    }

    /// Stages `bytes` for `rel` unless the output already has them. Safe to
    /// call from many threads for different paths.
    pub fn put(&self, rel: &str, bytes: &[u8]) -> Result<WriteOutcome, Diagnostic> {
        let rel_path = output_relative(rel)?;
        if !self.fresh && holds(&self.out.join(&rel_path), bytes) {
            return Ok(WriteOutcome::Unchanged);
        }
        let staged = self.staging.join(&rel_path);
        if let Some(parent) = staged.parent() {
            std::fs::create_dir_all(parent).map_err(|e| io_error(parent, &e))?;
        }
        std::fs::write(&staged, bytes).map_err(|e| io_error(&staged, &e))?;
        Ok(WriteOutcome::Written)
    }

    /// Moves the staged files into place and deletes every file of the output
    /// that is not in `produced`.
    pub fn commit(self, produced: &BTreeSet<String>) -> Result<(), Diagnostic> {
        if self.fresh && self.move_whole() {
            return Ok(());
        }
        std::fs::create_dir_all(&self.out).map_err(|e| io_error(&self.out, &e))?;
        std::fs::write(self.out.join(MARKER), b"").map_err(|e| io_error(&self.out, &e))?;
        self.move_staged()?;
        prune(&self.out, "", produced)?;
        Ok(())
    }

    /// Moves the staged files into place and deletes the `stale` files (paths
    /// relative to the output folder), leaving every other file alone: for
    /// watch mode, which knows what the previous build produced.
    pub fn commit_changes(self, stale: &[&String]) -> Result<(), Diagnostic> {
        std::fs::create_dir_all(&self.out).map_err(|e| io_error(&self.out, &e))?;
        let marker = self.out.join(MARKER);
        if !marker.is_file() {
            std::fs::write(&marker, b"").map_err(|e| io_error(&self.out, &e))?;
        }
        self.move_staged()?;
        remove_stale(&self.out, stale)
    }

    fn move_staged(&self) -> Result<(), Diagnostic> {
        let mut staged = Vec::new();
        collect_files(&self.staging, &self.staging, &mut staged)
            .map_err(|e| io_error(&self.staging, &e))?;
        for rel in &staged {
            let from = self.staging.join(rel);
            let to = self.out.join(rel);
            if let Some(parent) = to.parent() {
                make_dir(&self.out, parent)?;
            }
            if to.is_dir() {
                std::fs::remove_dir_all(&to).map_err(|e| io_error(&to, &e))?;
            }
            std::fs::rename(&from, &to).map_err(|e| io_error(&to, &e))?;
        }
        std::fs::remove_dir_all(&self.staging).map_err(|e| io_error(&self.staging, &e))?;
        Ok(())
    }

    /// Turns the staging folder into the output with one rename: a clean
    /// build then creates each folder once, not once in staging and once in
    /// the output, and moves no file one by one. False (with nothing lost)
    /// where that cannot be done, e.g. when the output folder is a mount point.
    fn move_whole(&self) -> bool {
        if std::fs::write(self.staging.join(MARKER), b"").is_err() {
            return false;
        }
        // Only an empty folder is removed, so nothing of the user's can go.
        if self.out.is_dir() && std::fs::remove_dir(&self.out).is_err() {
            return false;
        }
        std::fs::rename(&self.staging, &self.out).is_ok()
    }

    /// Throws the staged files away; the output is untouched.
    pub fn abort(self) {
        // Best effort: a leftover staging folder is removed by the next build.
        let _ = std::fs::remove_dir_all(&self.staging);
    }
}

/// Updates a few files of an output folder that pressroom owns, in place:
/// watch mode's small rebuilds, which have rendered every file before
/// calling this, so a render error never leaves a partial update. Unchanged
/// files are left alone, and the `stale` files are deleted with the folders
/// they leave empty. `None` when the folder is not pressroom's (or is gone),
/// and a full build must take over.
///
/// Changed files are overwritten where they are rather than written beside
/// and renamed over: on ext4 a rename over a file (or a truncation to zero)
/// makes the kernel start writing the new file to disk at once, which cost a
/// tag edit 100 ms for 235 list pages against 7 ms in place. A file is torn
/// only if the process dies while writing it, and the next build or watch
/// start compares every file's bytes and rewrites it.
pub fn update_in_place(
    out: &Path,
    files: &[(&str, &[u8])],
    stale: &[&String],
) -> Option<Result<Vec<WriteOutcome>, Diagnostics>> {
    if !out.join(MARKER).is_file() {
        return None;
    }
    let results: Vec<Result<WriteOutcome, Diagnostic>> = files
        .par_iter()
        .map(|&(rel, bytes)| overwrite_file(out, rel, bytes))
        .collect();
    let mut outcomes = Vec::with_capacity(files.len());
    let mut problems = Diagnostics::new();
    for result in results {
        match result {
            Ok(outcome) => outcomes.push(outcome),
            Err(d) => problems.push(d),
        }
    }
    if let Err(d) = remove_stale(out, stale) {
        problems.push(d);
    }
    Some(if problems.is_empty() {
        Ok(outcomes)
    } else {
        Err(problems)
    })
}

fn overwrite_file(out: &Path, rel: &str, bytes: &[u8]) -> Result<WriteOutcome, Diagnostic> {
    let target = out.join(output_relative(rel)?);
    if holds(&target, bytes) {
        return Ok(WriteOutcome::Unchanged);
    }
    let parent = target.parent().unwrap_or(out);
    if !parent.is_dir() {
        make_dir(out, parent)?;
    }
    if target.is_dir() {
        std::fs::remove_dir_all(&target).map_err(|e| io_error(&target, &e))?;
    }
    let write = || -> io::Result<()> {
        use std::io::Write as _;
        // Not truncated first (see `update_in_place`): written over, then cut
        // to length.
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(false)
            .open(&target)?;
        file.write_all(bytes)?;
        file.set_len(bytes.len() as u64)
    };
    write().map_err(|e| io_error(&target, &e))?;
    Ok(WriteOutcome::Written)
}

/// Deletes the `stale` files and the folders they leave empty.
fn remove_stale(out: &Path, stale: &[&String]) -> Result<(), Diagnostic> {
    for rel in stale {
        let Some(rel) = safe_relative(rel) else {
            continue;
        };
        let path = out.join(&rel);
        match std::fs::remove_file(&path) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(io_error(&path, &e)),
        }
        // A clean build leaves no empty folders; neither may watch mode.
        let mut dir = path.parent();
        while let Some(d) = dir {
            if d == out || std::fs::remove_dir(d).is_err() {
                break;
            }
            dir = d.parent();
        }
    }
    Ok(())
}

/// Whether the file at `target` already holds exactly `bytes`.
fn holds(target: &Path, bytes: &[u8]) -> bool {
    // The size alone tells most changed files apart without reading them.
    let same_size =
        std::fs::metadata(target).is_ok_and(|m| m.is_file() && m.len() == bytes.len() as u64);
    same_size && std::fs::read(target).is_ok_and(|existing| existing == bytes)
}

/// A rendered file's path inside the output folder, or the error for one
/// that would land outside it.
fn output_relative(rel: &str) -> Result<PathBuf, Diagnostic> {
    safe_relative(rel).ok_or_else(|| {
        Diagnostic::error(rel, 1, 1, "refusing to write outside the output folder")
            .with_help("this path comes from a slug or alias; use plain path segments without `..`")
    })
}

/// `rel` as a relative path of plain segments, or `None` if it could escape.
fn safe_relative(rel: &str) -> Option<PathBuf> {
    let path = Path::new(rel);
    if rel.is_empty() || rel.contains('\0') || rel.contains('\\') {
        return None;
    }
    path.components()
        .all(|c| matches!(c, Component::Normal(_)))
        .then(|| path.to_path_buf())
}

/// Creates `dir` (under `out`), replacing any file that stands where a folder
/// must now be.
fn make_dir(out: &Path, dir: &Path) -> Result<(), Diagnostic> {
    let mut current = out.to_path_buf();
    for part in dir.strip_prefix(out).unwrap_or(dir).components() {
        current.push(part);
        if current.is_file() {
            std::fs::remove_file(&current).map_err(|e| io_error(&current, &e))?;
        }
    }
    std::fs::create_dir_all(dir).map_err(|e| io_error(dir, &e))
}

fn collect_files(base: &Path, dir: &Path, out: &mut Vec<PathBuf>) -> io::Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(std::fs::DirEntry::file_name);
    for entry in entries {
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            collect_files(base, &path, out)?;
        } else {
            out.push(path.strip_prefix(base).unwrap_or(&path).to_path_buf());
        }
    }
    Ok(())
}

/// Deletes the files under `dir` (at `key`, `/`-separated, relative to the
/// output) that are not in `produced`, and the folders left empty, in one walk
/// of the tree. Returns whether `dir` is now empty.
fn prune(dir: &Path, key: &str, produced: &BTreeSet<String>) -> Result<bool, Diagnostic> {
    let mut empty = true;
    let entries = std::fs::read_dir(dir).map_err(|e| io_error(dir, &e))?;
    for entry in entries {
        let entry = entry.map_err(|e| io_error(dir, &e))?;
        let name = entry.file_name();
        let child = if key.is_empty() {
            name.to_string_lossy().into_owned()
        } else {
            format!("{key}/{}", name.to_string_lossy())
        };
        let path = entry.path();
        if entry.file_type().map_err(|e| io_error(&path, &e))?.is_dir() {
            if prune(&path, &child, produced)? {
                std::fs::remove_dir(&path).map_err(|e| io_error(&path, &e))?;
            } else {
                empty = false;
            }
        } else if child == MARKER || produced.contains(&child) {
            empty = false;
        } else {
            std::fs::remove_file(&path).map_err(|e| io_error(&path, &e))?;
        }
    }
    Ok(empty)
}

fn io_error(path: &Path, err: &io::Error) -> Diagnostic {
    Diagnostic::error(path, 1, 1, format!("cannot write the output: {err}"))
        .with_help("check free disk space and the folder's permissions")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, SystemTime};

    fn set(paths: &[&str]) -> BTreeSet<String> {
        paths.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn unchanged_files_keep_their_mtime_and_stale_files_go() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let s = Staging::begin(&out).unwrap();
        assert_eq!(s.put("a/index.html", b"A").unwrap(), WriteOutcome::Written);
        s.put("old.html", b"O").unwrap();
        s.commit(&set(&["a/index.html", "old.html"])).unwrap();

        let old = SystemTime::now() - Duration::from_secs(3600);
        std::fs::File::options()
            .write(true)
            .open(out.join("a/index.html"))
            .unwrap()
            .set_modified(old)
            .unwrap();
        let s = Staging::begin(&out).unwrap();
        assert_eq!(
            s.put("a/index.html", b"A").unwrap(),
            WriteOutcome::Unchanged
        );
        assert_eq!(s.put("b.html", b"B").unwrap(), WriteOutcome::Written);
        s.commit(&set(&["a/index.html", "b.html"])).unwrap();
        assert_eq!(
            std::fs::metadata(out.join("a/index.html"))
                .unwrap()
                .modified()
                .unwrap(),
            old
        );
        assert!(!out.join("old.html").exists());
        assert_eq!(std::fs::read(out.join("b.html")).unwrap(), b"B");
        assert!(!dir.path().join(".public.pressroom-staging").exists());
    }

    #[test]
    fn a_fresh_output_is_the_staging_folder_renamed() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        std::fs::create_dir(&out).unwrap();
        let s = Staging::begin(&out).unwrap();
        s.put("en/a/index.html", b"A").unwrap();
        s.commit(&set(&["en/a/index.html"])).unwrap();
        assert_eq!(std::fs::read(out.join("en/a/index.html")).unwrap(), b"A");
        assert!(out.join(MARKER).is_file());
        assert!(!dir.path().join(".public.pressroom-staging").exists());
    }

    #[test]
    fn folders_left_empty_by_stale_files_go() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let s = Staging::begin(&out).unwrap();
        s.put("en/old/deep/index.html", b"O").unwrap();
        s.put("en/kept/index.html", b"K").unwrap();
        s.commit(&set(&["en/old/deep/index.html", "en/kept/index.html"]))
            .unwrap();
        let s = Staging::begin(&out).unwrap();
        s.put("en/kept/index.html", b"K").unwrap();
        s.commit(&set(&["en/kept/index.html"])).unwrap();
        assert!(!out.join("en/old").exists());
        assert!(out.join("en/kept/index.html").is_file());
        assert!(out.join(MARKER).is_file());
    }

    #[test]
    fn in_place_updates_cut_shorter_files_and_leave_unchanged_ones() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let s = Staging::begin(&out).unwrap();
        s.put("a.html", b"a long first version").unwrap();
        s.put("b.html", b"B").unwrap();
        s.put("old/deep/x.html", b"X").unwrap();
        s.commit(&set(&["a.html", "b.html", "old/deep/x.html"]))
            .unwrap();
        let old = SystemTime::now() - Duration::from_secs(3600);
        std::fs::File::options()
            .write(true)
            .open(out.join("b.html"))
            .unwrap()
            .set_modified(old)
            .unwrap();

        let stale = "old/deep/x.html".to_owned();
        let files: [(&str, &[u8]); 3] = [
            ("a.html", b"short"),
            ("b.html", b"B"),
            ("new/c/index.html", b"C"),
        ];
        let outcomes = update_in_place(&out, &files, &[&stale]).unwrap().unwrap();
        assert_eq!(
            outcomes,
            [
                WriteOutcome::Written,
                WriteOutcome::Unchanged,
                WriteOutcome::Written
            ]
        );
        assert_eq!(std::fs::read(out.join("a.html")).unwrap(), b"short");
        assert_eq!(std::fs::read(out.join("new/c/index.html")).unwrap(), b"C");
        let b = std::fs::metadata(out.join("b.html")).unwrap();
        assert_eq!(b.modified().unwrap(), old);
        assert!(!out.join("old").exists());

        // A folder pressroom does not own is left to a full build.
        std::fs::remove_file(out.join(MARKER)).unwrap();
        assert!(update_in_place(&out, &files, &[]).is_none());
    }

    #[test]
    fn abort_leaves_the_output_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let s = Staging::begin(&out).unwrap();
        s.put("a.html", b"1").unwrap();
        s.commit(&set(&["a.html"])).unwrap();
        let s = Staging::begin(&out).unwrap();
        s.put("a.html", b"2").unwrap();
        s.abort();
        assert_eq!(std::fs::read(out.join("a.html")).unwrap(), b"1");
    }

    #[test]
    fn foreign_folders_and_escapes_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("precious.txt"), "x").unwrap();
        assert!(Staging::begin(dir.path()).is_err());
        let out = dir.path().join("public");
        let s = Staging::begin(&out).unwrap();
        for bad in ["../x.html", "/etc/passwd", "a/../../b", "", "a\\b", "a\0b"] {
            assert!(s.put(bad, b"x").is_err(), "{bad:?}");
        }
        s.abort();
    }
}
