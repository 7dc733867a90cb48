//! Writing the output folder, all or nothing.
//!
//! A build stages the complete new tree and then puts it in place in one
//! step, so that whatever moment the process dies at, the output folder holds
//! either the whole previous build or the whole new one:
//!
//! - **A folder (the usual case).** The new tree is assembled in a sibling
//!   folder, `.<name>.pressroom-staging`: changed files are written there,
//!   unchanged files are hard links to the output's own (same inode, same
//!   modification time, nothing copied), and dotfiles the build does not
//!   produce (`.git`, `.htaccess`) are carried over the same way. The two
//!   folders are then swapped with one `renameat2(RENAME_EXCHANGE)`, and the
//!   previous tree is kept for the next build to update, with a record
//!   of how it differs from the output. Where the file system cannot
//!   exchange, the swap is two renames recorded in a journal that the next
//!   run finishes.
//! - **A mount point** (a container volume, a separate disk) cannot be
//!   renamed. Changed files are staged inside it, in `.pressroom-staging`,
//!   and a write-ahead journal (`.pressroom-journal`) lists every file to
//!   move in and every file to delete. Writing the journal is the commit
//!   point: if the process dies after it, the next pressroom run on this
//!   output rolls it forward before doing anything else; before it, the
//!   staged files are thrown away. Between the death and that next run the
//!   folder can hold a mix, which is the one weaker guarantee, documented in
//!   the README.
//!
//! A build with nothing to change stages nothing and touches nothing. One
//! build at a time may write an output folder: [`Staging::begin`] takes an
//! exclusive lock and a second build stops with a message naming it.
//!
//! Deleting stale files is only safe in a folder pressroom owns, so the output
//! folder carries a marker file, and a non-empty folder without it is refused.
//! The build never follows a symbolic link found inside the output: links are
//! replaced by the files the build produces or deleted, and dot-named ones are
//! carried over as links.
//!
//! Watch mode's small rebuilds render their few files first and then
//! overwrite them one by one ([`update_in_place`]), which spares a restaging
//! of the whole tree on every keystroke; that path is not atomic (see there).

use std::collections::{BTreeSet, HashMap, HashSet};
use std::io::{self, Write as _};
use std::path::{Component, Path, PathBuf};
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use rayon::prelude::*;

use crate::diagnostics::{Diagnostic, Diagnostics};

/// The marker file that says pressroom owns an output folder.
pub const MARKER: &str = ".pressroom-output";

/// Inside a mount-point output: the staged files and the journal.
const INNER_STAGING: &str = ".pressroom-staging";
const JOURNAL: &str = ".pressroom-journal";

/// Test-only: microseconds to sleep at every step of a commit, so that a
/// fault test can kill the process in the middle of it; the first step also
/// prints `pressroom-test: the commit begins` on stderr.
pub const PAUSE_ENV: &str = "PRESSROOM_TEST_COMMIT_PAUSE_US";
/// Test-only: commit as if the output were a mount point (journal mode).
pub const IN_PLACE_ENV: &str = "PRESSROOM_TEST_IN_PLACE_COMMIT";

/// What happened to the output when a commit failed after a mount point's
/// journal was written: the files are partly moved in, and the next run
/// finishes. [`after_failure`] tells the two outcomes of a failed build apart.
const PARTLY_UPDATED: &str = "the output folder is partly updated";

/// What a failed build did to its output folder, in words for the last line
/// of its report: left as it was, unless a mount point's journal was
/// written and could not be finished.
pub fn after_failure(problems: &Diagnostics) -> &'static str {
    if problems.iter().any(|d| d.message.contains(PARTLY_UPDATED)) {
        "the output folder is partly updated; the next build finishes the update"
    } else {
        "the output folder was left as it was"
    }
}

/// Whether a rendered file had to be written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteOutcome {
    /// The output already held these exact bytes.
    Unchanged,
    /// The file is new or changed and was staged.
    Written,
}

/// How the new tree replaces the old one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Staged beside the output and swapped with it.
    Swap,
    /// Staged inside the output and moved in under a journal.
    InPlace,
}

/// What the output folder held before this build: found by one walk that
/// never follows a symbolic link.
#[derive(Debug, Default)]
struct Previous {
    /// Regular files (`/`-separated, relative), dotfiles and the marker
    /// aside; sorted, each once, so that a commit compares them with what
    /// the build produced in one pass.
    files: Vec<String>,
    /// Dot-named entries the build does not produce, kept across builds.
    dots: Vec<String>,
    /// Anything else that is not the build's: symbolic links, sockets.
    others: Vec<String>,
}

/// An output folder being updated.
#[derive(Debug)]
pub struct Staging {
    out: PathBuf,
    staging: PathBuf,
    mode: Mode,
    previous: Previous,
    /// Paths staged by [`Staging::put`].
    written: Mutex<HashSet<String>>,
    /// The staging folder holds the build before the output's, complete:
    /// the commit updates it rather than building a tree from nothing.
    reuse: bool,
    /// With a valid [`Record`]: the paths removed from the reused tree at
    /// the start, where it may not have held the output's files. Every
    /// other file of it is the output's own, so the commit neither walks
    /// it nor compares the two trees file by file.
    relink: Option<HashSet<String>>,
    /// The record read at the start, put back by a commit that changes
    /// nothing.
    record: Option<Vec<u8>>,
    /// With a valid [`Record`]: the folders' stamps of both trees, so that
    /// the commit stamps again only the folders it changed.
    stamps: Option<TreeStamps>,
    /// The staging tree's folders made or checked so far.
    folders: Folders,
    /// Held until the commit or abort is over.
    _lock: std::fs::File,
}

/// What [`Staging::check_ahead`] found beside an output.
#[derive(Debug)]
pub struct Ahead {
    /// The record's bytes, as read.
    record: Vec<u8>,
    /// The stamps of the output folder and of the previous tree, as found.
    roots: [Option<DirStamp>; 2],
    /// The previous build's output and how the two trees differ, when both
    /// were as the record says.
    known: Option<(Previous, Vec<String>, TreeStamps)>,
}

/// An output given as a symbolic link is the folder it names.
fn through_link(out: &Path) -> io::Result<PathBuf> {
    match std::fs::symlink_metadata(out) {
        Ok(m) if m.file_type().is_symlink() => std::fs::canonicalize(out),
        _ => Ok(out.to_path_buf()),
    }
}

/// The stamps of the output folder and of the previous tree beside it.
fn roots(out: &Path) -> [Option<DirStamp>; 2] {
    [dir_stamp(out), dir_stamp(&sibling(out, "staging"))]
}

impl Staging {
    /// Prepares to update `out`: refuses folders pressroom does not own,
    /// takes the output's lock, finishes or throws away what a killed build
    /// left, and reads what the output holds.
    pub fn begin(out: &Path) -> Result<Staging, Diagnostic> {
        Staging::begin_after(out, None)
    }

    /// What [`Staging::begin`] checks first when a record stands beside
    /// `out`: the record itself and both trees' folders against it. Only
    /// reads, so a build runs it on another thread while it builds the
    /// model (at 10k × 3, 94,000 folder stamps: about 0.14 s), and hands
    /// the result to [`Staging::begin_after`]. `None` when there is nothing
    /// to check ahead.
    pub fn check_ahead(out: &Path) -> Option<Ahead> {
        let out = through_link(out).ok()?;
        if mode_of(&out) != Mode::Swap {
            return None;
        }
        let record = std::fs::read(sibling(&out, "previous")).ok()?;
        let roots = roots(&out);
        let known = Record::decode(&record).and_then(|r| r.into_previous(&out));
        Some(Ahead {
            record,
            roots,
            known,
        })
    }

    /// [`Staging::begin`], taking over what [`Staging::check_ahead`] found
    /// when the record and both trees' own stamps are still as it saw them
    /// (another build's commit would have changed all three).
    pub fn begin_after(out: &Path, ahead: Option<Ahead>) -> Result<Staging, Diagnostic> {
        let out = through_link(out).map_err(|e| io_error(out, &e))?;
        let out = out.as_path();
        let mut empty = true;
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
            empty = std::fs::read_dir(out)
                .map(|mut d| d.next().is_none())
                .unwrap_or(false);
            if !owned && !empty {
                return Err(Diagnostic::error(out, 1, 1, "the output folder is not empty and was not written by pressroom")
                    .with_help(format!("pressroom deletes files it did not produce from its output folder; choose an empty or new folder, or add an empty `{MARKER}` file to this one to hand it over")));
            }
        }
        Staging::begin_as(out, empty, mode_of(out), ahead)
    }

    fn begin_as(
        out: &Path,
        empty: bool,
        mode: Mode,
        ahead: Option<Ahead>,
    ) -> Result<Staging, Diagnostic> {
        if mode == Mode::InPlace {
            std::fs::create_dir_all(out).map_err(|e| io_error(out, &e))?;
        }
        let lock = lock(out, mode)?;
        let recovered = recover(out)?;
        let staging = match mode {
            Mode::Swap => sibling(out, "staging"),
            Mode::InPlace => out.join(INNER_STAGING),
        };
        // The previous tree, kept by the last commit, is updated in place of
        // a new one; until this build commits it is not whole any more.
        let mark = sibling(out, "previous");
        let record = match mode {
            Mode::Swap => std::fs::read(&mark).ok(),
            Mode::InPlace => None,
        };
        let reuse = mode == Mode::Swap
            && std::fs::remove_file(&mark).is_ok()
            && std::fs::symlink_metadata(&staging).is_ok_and(|m| m.is_dir());
        if !reuse && std::fs::symlink_metadata(&staging).is_ok() {
            // Left over from a build that died before its commit point; it
            // holds nothing of value.
            remove_all(&staging).map_err(|e| {
                io_error(&staging, &e).with_help(format!(
                    "a build that stopped early left this folder and it cannot be removed; remove `{}` by hand",
                    staging.display()
                ))
            })?;
        }
        std::fs::create_dir_all(&staging).map_err(|e| io_error(&staging, &e))?;
        let known = match &record {
            Some(bytes) if reuse && !empty => {
                let started = std::time::Instant::now();
                let ahead =
                    ahead.filter(|a| !recovered && a.record == *bytes && a.roots == roots(out));
                let checked_ahead = ahead.is_some();
                let known = match ahead {
                    Some(ahead) => ahead.known,
                    None => Record::decode(bytes).and_then(|r| r.into_previous(out)),
                };
                log::debug!(
                    "both trees checked against the record in {:?}{}",
                    started.elapsed(),
                    if checked_ahead { " (ahead)" } else { "" }
                );
                known
            }
            _ => None,
        };
        let mut stamps = None;
        let (previous, relink) = match known {
            Some((previous, differs, both)) => {
                stamps = Some(both);
                log::debug!(
                    "output known from the last commit's record; {} paths of the previous tree renewed",
                    differs.len()
                );
                // From here on the previous tree holds only the output's own
                // files (or none) at every path.
                for rel in &differs {
                    remove_gone(&staging, rel).map_err(|e| io_error(&staging.join(rel), &e))?;
                }
                (previous, Some(differs.into_iter().collect()))
            }
            None if empty => (Previous::default(), None),
            None => (
                Previous::read(out, mode).map_err(|e| io_error(out, &e))?,
                None,
            ),
        };
        Ok(Staging {
            out: out.to_path_buf(),
            folders: Folders::new(&staging),
            staging,
            mode,
            previous,
            written: Mutex::new(HashSet::new()),
            reuse,
            record: record.filter(|_| relink.is_some()),
            relink,
            stamps,
            _lock: lock,
        })
    }

    /// Stages `bytes` for `rel` unless the output already has them. Safe to
    /// call from many threads for different paths.
    pub fn put(&self, rel: &str, bytes: &[u8]) -> Result<WriteOutcome, Diagnostic> {
        let rel_path = output_relative(rel)?;
        if self.previous.has(rel) && holds(&self.out.join(&rel_path), bytes) {
            return Ok(WriteOutcome::Unchanged);
        }
        let staged = self.staging.join(&rel_path);
        if let Some((folder, _)) = rel.rsplit_once('/') {
            (self.folders.make(folder)).map_err(|e| io_error(&self.staging.join(folder), &e))?;
        }
        // A file of a reused tree may be a hard link to the live output's:
        // it is replaced by a new file, never written through.
        remove_all(&staged).map_err(|e| io_error(&staged, &e))?;
        let write = || -> io::Result<()> { std::fs::File::create_new(&staged)?.write_all(bytes) };
        write().map_err(|e| io_error(&staged, &e))?;
        self.written
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(rel.to_owned());
        Ok(WriteOutcome::Written)
    }

    /// Makes the output exactly `produced` (paths relative to the output
    /// folder; those not given to [`Staging::put`] must already be in the
    /// output, unchanged), plus the marker and the dotfiles the build does
    /// not produce, in one step. Returns warnings about the previous tree when
    /// it could not be fully deleted after the switch (the new output is in
    /// place all the same). On error the output is as it was, except in
    /// journal mode, where the error says so.
    pub fn commit(mut self, produced: &BTreeSet<String>) -> Result<Diagnostics, Diagnostic> {
        let stamps = self.stamps.take();
        let written = std::mem::take(
            &mut *self
                .written
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        );
        let unchanged: Vec<&String> = produced.iter().filter(|p| !written.contains(*p)).collect();
        let mut stale = sorted_minus(self.previous.files.iter(), produced.iter());
        stale.extend(
            self.previous
                .others
                .iter()
                .filter(|p| !produced.contains(*p)),
        );
        stale.sort();
        if written.is_empty() && stale.is_empty() && self.out.join(MARKER).is_file() {
            // Nothing changed: nothing is restaged, nothing is touched, and
            // the record still describes both trees.
            if self.reuse {
                let record = self.record.as_deref().unwrap_or_default();
                let _ = std::fs::write(sibling(&self.out, "previous"), record);
            } else {
                let _ = remove_all(&self.staging);
            }
            return Ok(Diagnostics::new());
        }
        if let Some(missing) =
            sorted_minus(unchanged.iter().copied(), self.previous.files.iter()).first()
        {
            let _ = remove_all(&self.staging);
            return Err(Diagnostic::error(
                self.out.join(missing.as_str()),
                1,
                1,
                "a file of the previous build is missing from the output folder",
            )
            .with_help("something else changed the output folder during the build; build again"));
        }
        match self.mode {
            Mode::Swap => self.commit_swap(produced, &unchanged, &written, &stale, stamps),
            Mode::InPlace => {
                let mut written: Vec<&String> = written.iter().collect();
                written.sort();
                self.commit_in_place(&written, &stale)?;
                Ok(Diagnostics::new())
            }
        }
    }

    fn commit_swap(
        &self,
        produced: &BTreeSet<String>,
        unchanged: &[&String],
        written: &HashSet<String>,
        stale: &[&String],
        stamps: Option<TreeStamps>,
    ) -> Result<Diagnostics, Diagnostic> {
        let started = std::time::Instant::now();
        let fail = |path: &Path, e: &io::Error| {
            let _ = remove_all(&self.staging);
            io_error(path, e)
        };
        let unchanged: Vec<&String> = match &self.relink {
            Some(relink) => {
                // The reused tree holds every other unchanged file already;
                // the files it holds that the build no longer produces go.
                let mut emptied = BTreeSet::new();
                for rel in stale.iter().filter(|p| !relink.contains(p.as_str())) {
                    (remove_gone(&self.staging, rel))
                        .map_err(|e| fail(&self.staging.join(rel.as_str()), &e))?;
                    emptied.insert(rel.as_str());
                }
                emptied.extend(relink.iter().map(String::as_str));
                for rel in emptied.iter().rev() {
                    if let Some(parent) = self.staging.join(rel).parent() {
                        remove_empty_parents(&self.staging, parent);
                    }
                }
                self.folders.forget();
                unchanged
                    .iter()
                    .filter(|p| relink.contains(p.as_str()))
                    .copied()
                    .collect()
            }
            None => {
                if self.reuse {
                    self.prune_reused(produced)
                        .map_err(|e| fail(&self.staging, &e))?;
                    self.folders.forget();
                }
                unchanged.to_vec()
            }
        };
        // In parallel, each folder made once (`Folders`).
        unchanged
            .par_iter()
            .try_for_each(|rel| {
                pause();
                if let Some((folder, _)) = rel.rsplit_once('/') {
                    (self.folders.make(folder))
                        .map_err(|e| io_error(&self.staging.join(folder), &e))?;
                }
                let from = self.out.join(rel.as_str());
                let to = self.staging.join(rel.as_str());
                // A tree started afresh holds only the files staged, and
                // these are not among them.
                if self.reuse {
                    if same_file(&from, &to) {
                        return Ok(());
                    }
                    remove_all(&to).map_err(|e| io_error(&to, &e))?;
                }
                link_or_copy(&from, &to).map_err(|e| io_error(&to, &e))
            })
            .inspect_err(|_| {
                let _ = remove_all(&self.staging);
            })?;
        for dot in &self.previous.dots {
            pause();
            let to = self.staging.join(dot);
            if let Some(parent) = to.parent() {
                std::fs::create_dir_all(parent).map_err(|e| fail(parent, &e))?;
            }
            link_tree(&self.out.join(dot), &to).map_err(|e| fail(&to, &e))?;
        }
        std::fs::write(self.staging.join(MARKER), b"").map_err(|e| fail(&self.staging, &e))?;
        pause();
        if std::fs::symlink_metadata(&self.out).is_err() {
            if let Some(parent) = self.out.parent() {
                std::fs::create_dir_all(parent).map_err(|e| fail(parent, &e))?;
            }
            std::fs::rename(&self.staging, &self.out).map_err(|e| fail(&self.out, &e))?;
            return Ok(Diagnostics::new());
        }
        log::debug!(
            "{} unchanged files linked into the new tree in {:?}",
            unchanged.len(),
            started.elapsed()
        );
        swap(&self.staging, &self.out).map_err(|e| fail(&self.out, &e))?;
        log::debug!("new tree swapped in after {:?}", started.elapsed());
        pause();
        // The new output is in place; the previous tree, now at the staging
        // path, is kept for the next build to update (its files are hard
        // links to the output's, so it costs little space) rather than
        // deleting and recreating every folder each time.
        let carried = stamps.zip(self.relink.as_ref());
        let record = Record::of(
            &self.out,
            &self.staging,
            &self.previous,
            produced,
            written,
            stale,
            carried,
        );
        log::debug!("record of the two trees made after {:?}", started.elapsed());
        let mut warnings = Diagnostics::new();
        if let Err(e) = std::fs::write(sibling(&self.out, "previous"), record.encode()) {
            warnings.push(
                Diagnostic::warning(&self.staging, 1, 1, format!("the new output is in place, but the previous one cannot be kept for the next build: {e}"))
                    .with_help("the next build starts its staging folder afresh; check the folder's permissions"),
            );
        }
        Ok(warnings)
    }

    /// Deletes from a reused tree every file the new build does not produce
    /// and every dotfile (they are carried over afresh), then the folders
    /// left empty.
    fn prune_reused(&self, produced: &BTreeSet<String>) -> io::Result<()> {
        let mut folders = Vec::new();
        let mut walk = walkdir::WalkDir::new(&self.staging)
            .min_depth(1)
            .follow_links(false)
            .into_iter();
        while let Some(entry) = walk.next() {
            let entry = entry.map_err(io::Error::from)?;
            let hidden = entry.file_name().to_string_lossy().starts_with('.');
            if entry.file_type().is_dir() && !hidden {
                folders.push(entry.into_path());
            } else if hidden || !produced.contains(&key(&self.staging, entry.path())) {
                if entry.file_type().is_dir() {
                    walk.skip_current_dir();
                }
                remove_all(entry.path())?;
            }
        }
        for folder in folders.iter().rev() {
            // Fails, as it should, for every folder that still holds files.
            let _ = std::fs::remove_dir(folder);
        }
        Ok(())
    }

    fn commit_in_place(&self, written: &[&String], stale: &[&String]) -> Result<(), Diagnostic> {
        // Deletions first: a stale link may stand where a folder goes.
        let mut journal = String::new();
        for (op, rel) in stale
            .iter()
            .map(|r| ("D", r))
            .chain(written.iter().map(|r| ("W", r)))
        {
            journal.push_str(op);
            journal.push('\t');
            journal.push_str(rel);
            journal.push('\n');
        }
        let path = self.out.join(JOURNAL);
        let temporary = self.staging.join(JOURNAL);
        pause();
        let write = || -> io::Result<()> {
            let mut file = std::fs::File::create(&temporary)?;
            file.write_all(journal.as_bytes())?;
            file.sync_all()?;
            // The commit point: from here on the update is rolled forward.
            std::fs::rename(&temporary, &path)
        };
        if let Err(e) = write() {
            let _ = remove_all(&self.staging);
            return Err(io_error(&path, &e));
        }
        pause();
        roll_forward(&self.out)
    }

    /// Throws the staged files away; the output is untouched.
    pub fn abort(self) {
        // Best effort: a leftover staging folder is removed by the next build.
        let _ = remove_all(&self.staging);
    }
}

impl Previous {
    /// Walks `out` without following links.
    fn read(out: &Path, mode: Mode) -> io::Result<Previous> {
        let mut previous = Previous::default();
        let mut walk = walkdir::WalkDir::new(out)
            .min_depth(1)
            .follow_links(false)
            .into_iter();
        while let Some(entry) = walk.next() {
            let entry = entry.map_err(io::Error::from)?;
            let rel = key(out, entry.path());
            let name = entry.file_name().to_string_lossy();
            let at_root = entry.depth() == 1;
            if at_root
                && (name == MARKER
                    || (mode == Mode::InPlace && (name == INNER_STAGING || name == JOURNAL)))
            {
                if entry.file_type().is_dir() {
                    walk.skip_current_dir();
                }
                continue;
            }
            if name.starts_with('.') {
                previous.dots.push(rel);
                if entry.file_type().is_dir() {
                    walk.skip_current_dir();
                }
            } else if entry.file_type().is_file() {
                previous.files.push(rel);
            } else if !entry.file_type().is_dir() {
                previous.others.push(rel);
            }
        }
        previous.files.sort_unstable();
        Ok(previous)
    }

    /// Whether the output held `rel` as a regular file.
    fn has(&self, rel: &str) -> bool {
        self.files.binary_search_by(|f| f.as_str().cmp(rel)).is_ok()
    }
}

/// The items of `a` that are not in `b`, both sorted.
fn sorted_minus<'a>(
    a: impl Iterator<Item = &'a String>,
    b: impl Iterator<Item = &'a String>,
) -> Vec<&'a String> {
    let mut b = b.peekable();
    let mut out = Vec::new();
    for item in a {
        while b.next_if(|other| *other < item).is_some() {}
        if b.next_if(|other| *other == item).is_none() {
            out.push(item);
        }
    }
    out
}

/// What a swap leaves in the previous tree's mark (`.<name>.pressroom-previous`),
/// so that the next build neither walks the output nor compares every file
/// of the two trees: at 10k × 3 those two passes over 53,000 files took
/// most of a one-edit build's second.
///
/// It is trusted only while every folder of the output carries the stamp
/// it had when the record was written: a file added, deleted or renamed by
/// hand changes its folder's modification time, and the build then walks
/// as before. A folder changed in the same clock tick as the record's
/// stamp could hide a later change behind an equal time, so such a folder
/// is marked racy and its names are read again (as Git does for racily
/// clean files).
///
/// The record also keeps the stamps of the previous tree's folders, as the
/// build that wrote it found them. The next build updates that tree and
/// makes it the output; it then stamps again only the folders it changed
/// and takes the others' stamps from here. A folder of that tree changed by
/// hand in between no longer carries the stamp it is recorded with, so the
/// build after sees it, as it would in the output.
#[derive(Debug, Default, PartialEq, Eq)]
struct Record {
    /// Paths where the previous tree may not hold the output's own file
    /// (hard-linked): what this build wrote or deleted, and the dotfiles.
    differs: Vec<String>,
    /// The output's files, as the build produced them.
    files: Vec<String>,
    /// The dot-named entries carried over into the output.
    dots: Vec<String>,
    /// Every folder of the output (`""` for the output itself) with its
    /// stamp and whether it is racy.
    dirs: Vec<FolderStamp>,
    /// The folders of the previous tree, likewise; empty when not known.
    kept: Vec<FolderStamp>,
}

/// A folder's inode, modification and change times (ns), size and links.
type DirStamp = [u64; 5];

/// A folder (relative, `""` for the tree itself), its stamp, and whether
/// it is racy.
type FolderStamp = (String, DirStamp, bool);

/// The stamps of both trees' folders, from a record the output was found
/// to match.
#[derive(Debug)]
struct TreeStamps {
    /// The previous tree's (the one this build updates), as recorded,
    /// sorted by folder.
    kept: Vec<FolderStamp>,
    /// The output's, as this build found them.
    output: Vec<FolderStamp>,
}

/// How close to the record's writing a folder's modification time may be
/// before a later change could carry the same time: the kernel stamps
/// files from a clock that ticks every few milliseconds.
const RACY: Duration = Duration::from_millis(100);

const RECORD_HEADER: &[u8] = b"pressroom-tree 2\n";

fn dir_stamp(path: &Path) -> Option<DirStamp> {
    use std::os::unix::fs::MetadataExt as _;
    let m = std::fs::symlink_metadata(path).ok()?;
    if !m.is_dir() {
        return None;
    }
    let ns = |s: i64, n: i64| {
        (s as u64)
            .wrapping_mul(1_000_000_000)
            .wrapping_add(n as u64)
    };
    Some([
        m.ino(),
        ns(m.mtime(), m.mtime_nsec()),
        ns(m.ctime(), m.ctime_nsec()),
        m.size(),
        m.nlink(),
    ])
}

/// The stamp of folder `dir` of the tree at `root`, and whether it is racy
/// as of `since`. A folder that cannot be read is never taken as unchanged.
fn stamped(root: &Path, dir: String, since: u64) -> FolderStamp {
    let stamp = dir_stamp(&root.join(&dir)).unwrap_or_default();
    (dir, stamp, stamp[1] >= since)
}

/// The names in folder `dir`, or `None` when it cannot be read.
fn names_in(dir: &Path) -> Option<BTreeSet<String>> {
    std::fs::read_dir(dir)
        .ok()?
        .map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect()
}

/// Nanoseconds since 1970, `RACY` ago: a folder stamped after this moment
/// whose modification time is later than it is racy.
fn racy_since() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default()
        .saturating_sub(RACY)
        .as_nanos() as u64
}

impl Record {
    /// The record of `out` as this commit leaves it: `previous` is what the
    /// output held before (now the previous tree), `produced` what it holds,
    /// `stale` what it held and no longer does. With `carried`, the stamps
    /// of both trees at the start and the paths the start renewed in the
    /// tree now in place: only the folders above a path this build changed
    /// there are stamped again.
    fn of(
        out: &Path,
        kept_root: &Path,
        previous: &Previous,
        produced: &BTreeSet<String>,
        written: &HashSet<String>,
        stale: &[&String],
        carried: Option<(TreeStamps, &HashSet<String>)>,
    ) -> Record {
        let mut differs: Vec<String> = written
            .iter()
            .chain(stale.iter().copied())
            .chain(&previous.dots)
            .cloned()
            .collect();
        differs.sort();
        differs.dedup();
        let names = folders_above(produced.iter().chain(&previous.dots));
        let (kept, output, changed) = match carried {
            // The folders this build changed in the tree now in place:
            // above every path it wrote, deleted, renewed or carried a
            // dotfile to, and the tree itself, which the swap renamed.
            Some((stamps, renewed)) => (
                Some(stamps.kept),
                Some(stamps.output),
                folders_above(differs.iter().chain(renewed)),
            ),
            None => (None, None, BTreeSet::new()),
        };
        let names: Vec<&str> = names.into_iter().collect();
        let since = racy_since();
        let dirs = names
            .par_iter()
            .map(|&dir| {
                let known = (kept.as_deref())
                    .filter(|_| !changed.contains(dir))
                    .and_then(|kept| {
                        let at = kept.binary_search_by(|(d, ..)| d.as_str().cmp(dir)).ok()?;
                        Some(&kept[at])
                    });
                match known {
                    Some(&(_, stamp, racy)) => (dir.to_owned(), stamp, racy),
                    None => stamped(out, dir.to_owned(), since),
                }
            })
            .collect();
        // The previous tree's folders, now at `kept_root`.
        let previous_tree = match output {
            // As the start found them in the output, but for the tree
            // itself, which the swap renamed.
            Some(output) => (output.into_iter())
                .map(|(dir, stamp, racy)| match dir.is_empty() {
                    true => stamped(kept_root, dir, since),
                    false => (dir, stamp, racy),
                })
                .collect(),
            // Without a record to start from, stamped here.
            None => {
                let names = folders_above(
                    (previous.files.iter())
                        .chain(&previous.dots)
                        .chain(&previous.others),
                );
                let names: Vec<&str> = names.into_iter().collect();
                (names.par_iter())
                    .map(|&dir| stamped(kept_root, dir.to_owned(), since))
                    .collect()
            }
        };
        Record {
            differs,
            files: produced.iter().cloned().collect(),
            dots: previous.dots.clone(),
            dirs,
            kept: previous_tree,
        }
    }

    fn encode(&self) -> Vec<u8> {
        use crate::util::bytes::Encode as _;
        let mut bytes = RECORD_HEADER.to_vec();
        for list in [&self.differs, &self.files, &self.dots] {
            bytes.count(list.len());
            for path in list {
                bytes.str(path);
            }
        }
        for dirs in [&self.dirs, &self.kept] {
            bytes.count(dirs.len());
            for (dir, stamp, racy) in dirs {
                bytes.str(dir);
                for &value in stamp {
                    bytes.u64(value);
                }
                bytes.u8(u8::from(*racy));
            }
        }
        bytes
    }

    /// The record in `bytes`, or `None` when it is empty, damaged, or names
    /// a path that is not plainly inside the output.
    fn decode(bytes: &[u8]) -> Option<Record> {
        use crate::util::bytes::{Damaged, Decoder};
        let mut r = Decoder::new(bytes.strip_prefix(RECORD_HEADER)?);
        let plain = |path: String| plain_relative(&path).then_some(path).ok_or(Damaged);
        let mut lists: [Vec<String>; 3] = Default::default();
        for list in &mut lists {
            // Each path has at least its 8-byte length.
            let n = r.count_of(8).ok()?;
            list.reserve(n);
            for _ in 0..n {
                list.push(r.string().and_then(plain).ok()?);
            }
        }
        let mut trees: [Vec<FolderStamp>; 2] = Default::default();
        for dirs in &mut trees {
            let n = r.count_of(49).ok()?;
            dirs.reserve(n);
            for _ in 0..n {
                let dir = r.string().ok()?;
                if !dir.is_empty() && !plain_relative(&dir) {
                    return None;
                }
                let mut stamp = [0u64; 5];
                for value in &mut stamp {
                    *value = r.u64().ok()?;
                }
                let racy = match r.u8().ok()? {
                    0 => false,
                    1 => true,
                    _ => return None,
                };
                dirs.push((dir, stamp, racy));
            }
        }
        if !r.is_done() {
            return None;
        }
        let [differs, files, dots] = lists;
        let [dirs, kept] = trees;
        Some(Record {
            differs,
            files,
            dots,
            dirs,
            kept,
        })
    }

    /// What the output holds, when every folder is as the record left it;
    /// the paths where the previous tree may differ from it; and the
    /// stamps of both trees' folders.
    fn into_previous(self, out: &Path) -> Option<(Previous, Vec<String>, TreeStamps)> {
        let since = racy_since();
        // The previous tree becomes the new output wherever this build
        // changes nothing, so it must be as recorded too: a file or link put
        // into it by hand would otherwise be published. A folder stamped
        // when it had only just changed (racy) cannot tell a later change
        // of the same clock tick; builds that close together walk instead.
        let kept_root = sibling(out, "staging");
        if self.kept.is_empty() {
            log::debug!("the previous tree's folders are not in the record");
            return None;
        }
        let both = (self.dirs.par_iter().map(|d| (out, d)))
            .chain(self.kept.par_iter().map(|d| (kept_root.as_path(), d)));
        let same =
            both.all(|(root, (dir, stamp, _))| dir_stamp(&root.join(dir)).as_ref() == Some(stamp));
        if !same {
            log::debug!(
                "the output's or the previous tree's folders changed since the last commit's record"
            );
            return None;
        }
        fn racy(dirs: &[FolderStamp]) -> Vec<&str> {
            (dirs.iter())
                .filter(|(_, _, racy)| *racy)
                .map(|(dir, _, _)| dir.as_str())
                .collect()
        }
        let (racy_out, racy_kept) = (racy(&self.dirs), racy(&self.kept));
        if !racy_out.is_empty() || !racy_kept.is_empty() {
            // The names each racy folder must hold, and nothing else.
            let mut expected: HashMap<&str, BTreeSet<&str>> = (racy_out.iter())
                .chain(&racy_kept)
                .map(|dir| (*dir, BTreeSet::new()))
                .collect();
            expected.entry("").and_modify(|names| {
                names.insert(MARKER);
            });
            let paths = self
                .files
                .iter()
                .chain(&self.dots)
                .map(String::as_str)
                .chain(self.dirs.iter().map(|(dir, _, _)| dir.as_str()));
            for path in paths.filter(|p| !p.is_empty()) {
                let (dir, name) = path.rsplit_once('/').unwrap_or(("", path));
                if let Some(names) = expected.get_mut(dir) {
                    names.insert(name);
                }
            }
            // Where the previous tree may differ from the output: at the
            // paths the last commit wrote or deleted, and the folders above.
            let mut either: HashMap<&str, BTreeSet<&str>> = HashMap::new();
            for path in &self.differs {
                let mut rest = path.as_str();
                loop {
                    let (dir, name) = rest.rsplit_once('/').unwrap_or(("", rest));
                    if racy_kept.contains(&dir) {
                        either.entry(dir).or_default().insert(name);
                    }
                    if rest == name {
                        break;
                    }
                    rest = dir;
                }
            }
            let none = BTreeSet::new();
            for (root, dirs, optional) in [
                (out, &racy_out, false),
                (kept_root.as_path(), &racy_kept, true),
            ] {
                for dir in dirs {
                    let found = names_in(&root.join(dir))?;
                    let names = &expected[dir];
                    let maybe = either.get(dir).filter(|_| optional).unwrap_or(&none);
                    let fits = (found.iter())
                        .all(|n| names.contains(n.as_str()) || maybe.contains(n.as_str()))
                        && (names.iter()).all(|n| found.contains(*n) || maybe.contains(n));
                    if !fits {
                        log::debug!(
                            "folder `{dir}` of {} changed since the last commit's record",
                            if optional {
                                "the previous tree"
                            } else {
                                "the output"
                            }
                        );
                        return None;
                    }
                }
            }
        }
        // Every folder is now known to be as recorded, as of `since`: one
        // changed later carries a later time, unless its time is that
        // close to `since`.
        let output = (self.dirs.into_iter())
            .map(|(dir, stamp, _)| (dir, stamp, stamp[1] >= since))
            .collect();
        let kept = (self.kept.into_iter())
            .map(|(dir, stamp, _)| (dir, stamp, stamp[1] >= since))
            .collect();
        let previous = Previous {
            files: {
                let mut files = self.files;
                // Sorted as written, unless the record was tampered with.
                files.sort_unstable();
                files.dedup();
                files
            },
            dots: self.dots,
            others: Vec::new(),
        };
        Some((previous, self.differs, TreeStamps { kept, output }))
    }
}

/// Every folder above one of `paths`, `""` (the tree itself) included.
fn folders_above<'a>(paths: impl Iterator<Item = &'a String>) -> BTreeSet<&'a str> {
    let mut folders = BTreeSet::from([""]);
    for path in paths {
        let mut rest = path.as_str();
        // Nearest first: a folder already there has its own above it too.
        while let Some((dir, _)) = rest.rsplit_once('/') {
            if !folders.insert(dir) {
                break;
            }
            rest = dir;
        }
    }
    folders
}

/// `rel` as plain segments inside a folder (dot-named ones allowed).
fn plain_relative(rel: &str) -> bool {
    !rel.is_empty()
        && !rel.contains('\0')
        && !rel.contains('\\')
        && Path::new(rel)
            .components()
            .all(|c| matches!(c, Component::Normal(_)))
}

/// Removes `rel` under `root` as [`remove_all`] does, never through a
/// link: where a folder on the way is not a real folder (a file, or a link
/// that would lead out of the tree), the path is not in the tree, and what
/// stands in the way is left alone.
fn remove_gone(root: &Path, rel: &str) -> io::Result<()> {
    let mut current = root.to_path_buf();
    let mut parts = Path::new(rel).components().peekable();
    while let Some(part) = parts.next() {
        current.push(part);
        if parts.peek().is_none() {
            break;
        }
        match std::fs::symlink_metadata(&current) {
            Ok(m) if m.is_dir() => {}
            Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
            _ => return Ok(()),
        }
    }
    remove_all(&current)
}

/// Refuses an output folder that is the site root or lies inside a folder
/// the build reads (`content/`, the theme, `templates/`, `static/`,
/// `locales/`): the build would read its own output back on every run.
pub fn check_placement(out: &Path, config: &crate::config::SiteConfig) -> Result<(), Diagnostic> {
    let out_abs = resolved(out);
    let root = resolved(&config.root);
    let refuse = |what: &str| {
        Err(Diagnostic::error(out, 1, 1, format!("the output folder is {what}; the build would read its own output back"))
            .with_help("choose an output folder outside the site's content/, templates/, static/ and locales/ and the theme, e.g. `public/` (the default)"))
    };
    if out_abs == root {
        return refuse("the site root itself");
    }
    let inputs = [
        (config.content_dir(), "inside content/"),
        (config.theme_dir(), "inside the theme"),
        (config.root.join("templates"), "inside templates/"),
        (config.root.join("static"), "inside static/"),
        (config.root.join("locales"), "inside locales/"),
    ];
    for (dir, what) in inputs {
        if out_abs.starts_with(resolved(&dir)) {
            return refuse(what);
        }
    }
    Ok(())
}

/// `path` made absolute with links resolved, as far as it exists.
fn resolved(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    // `..` taken lexically first, so that a missing folder before it does
    // not stop the resolution.
    let mut normal = PathBuf::new();
    for part in absolute.components() {
        match part {
            Component::ParentDir => {
                normal.pop();
            }
            Component::CurDir => {}
            other => normal.push(other),
        }
    }
    let absolute = normal;
    let mut existing = absolute.as_path();
    let mut rest = Vec::new();
    loop {
        if let Ok(real) = std::fs::canonicalize(existing) {
            return rest
                .iter()
                .rev()
                .fold(real, |acc: PathBuf, part| acc.join(part));
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                existing = parent;
            }
            _ => return absolute,
        }
    }
}

/// `path` under `base` as a `/`-separated key.
fn key(base: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(base).unwrap_or(path);
    let parts: Vec<_> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect();
    parts.join("/")
}

/// `.<name>.pressroom-<what>` beside `out`.
fn sibling(out: &Path, what: &str) -> PathBuf {
    let name = out
        .file_name()
        .map_or_else(|| "output".into(), |n| n.to_string_lossy().into_owned());
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    parent.join(format!(".{name}.pressroom-{what}"))
}

/// How `out` is committed: swapped, unless it is a mount point (or a test
/// asks for the journal with [`IN_PLACE_ENV`]).
fn mode_of(out: &Path) -> Mode {
    if std::env::var_os(IN_PLACE_ENV).is_some() || is_mount_point(out) {
        Mode::InPlace
    } else {
        Mode::Swap
    }
}

/// Whether `out` is the root of a mounted file system (so it cannot be
/// renamed, and a sibling folder is on another file system).
fn is_mount_point(out: &Path) -> bool {
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::{AtFlags, CWD, StatxAttributes, StatxFlags, statx};
        if let Ok(st) = statx(CWD, out, AtFlags::empty(), StatxFlags::BASIC_STATS)
            && st.stx_attributes_mask.contains(StatxAttributes::MOUNT_ROOT)
        {
            return st.stx_attributes.contains(StatxAttributes::MOUNT_ROOT);
        }
    }
    // Older kernels: a folder on another device than its parent.
    use std::os::unix::fs::MetadataExt as _;
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    match (std::fs::metadata(out), std::fs::metadata(parent)) {
        (Ok(o), Ok(p)) => o.dev() != p.dev(),
        _ => false,
    }
}

/// Takes the output's exclusive lock: a file beside it when it is swapped
/// (a lock inside would be swapped away with the tree), the folder itself
/// when it is a mount point (never swapped).
fn lock(out: &Path, mode: Mode) -> Result<std::fs::File, Diagnostic> {
    let path = match mode {
        Mode::Swap => sibling(out, "lock"),
        Mode::InPlace => out.to_path_buf(),
    };
    let open = || -> io::Result<std::fs::File> {
        if mode == Mode::Swap {
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::OpenOptions::new()
                .create(true)
                .truncate(false)
                .write(true)
                .open(&path)
        } else {
            std::fs::File::open(&path)
        }
    };
    let file = open().map_err(|e| io_error(&path, &e))?;
    match rustix::fs::flock(&file, rustix::fs::FlockOperation::NonBlockingLockExclusive) {
        Ok(()) => Ok(file),
        Err(rustix::io::Errno::WOULDBLOCK) => Err(Diagnostic::error(
            &path,
            1,
            1,
            "another pressroom process is writing this output folder (it holds this lock)",
        )
        .with_help("wait for the other build, watch or serve to finish, then run this again")),
        Err(e) => Err(io_error(&path, &e.into())),
    }
}

/// Finishes or undoes what a build that died mid-commit left in `out`:
/// rolls a mount point's journal forward (or throws away what was staged
/// before its commit point), or completes a swap done as two renames. Every command that writes an output calls it first (under the
/// lock); a test may call it directly. Returns whether there was anything
/// to finish.
pub fn recover(out: &Path) -> Result<bool, Diagnostic> {
    if out.join(JOURNAL).is_file() {
        roll_forward(out)?;
        return Ok(true);
    }
    let inner = out.join(INNER_STAGING);
    if std::fs::symlink_metadata(&inner).is_ok() {
        // Staged before the commit point: the update never happened.
        remove_all(&inner).map_err(|e| io_error(&inner, &e))?;
        return Ok(true);
    }
    let journal = sibling(out, "swap");
    if !journal.is_file() {
        return Ok(false);
    }
    // The journal of a two-rename swap: `out` moved to `old`, then `staging`
    // to `out`. If the process died between the two, finish the second.
    let (staging, old) = (sibling(out, "staging"), sibling(out, "old"));
    let finish = || -> io::Result<()> {
        if std::fs::symlink_metadata(out).is_err() && staging.is_dir() {
            std::fs::rename(&staging, out)?;
        }
        std::fs::remove_file(&journal)?;
        if std::fs::symlink_metadata(&old).is_ok() {
            remove_all(&old)?;
        }
        Ok(())
    };
    finish().map_err(|e| io_error(out, &e))?;
    Ok(true)
}

/// Swaps the staged tree and the output in one step where the file system
/// can; otherwise with two renames under a journal that [`recover`] finishes.
fn swap(staging: &Path, out: &Path) -> io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::{CWD, RenameFlags, renameat_with};
        match renameat_with(CWD, staging, CWD, out, RenameFlags::EXCHANGE) {
            Ok(()) => return Ok(()),
            Err(rustix::io::Errno::INVAL | rustix::io::Errno::NOSYS) => {}
            Err(e) => return Err(e.into()),
        }
    }
    let journal = sibling(out, "swap");
    let old = sibling(out, "old");
    if std::fs::symlink_metadata(&old).is_ok() {
        remove_all(&old)?;
    }
    std::fs::File::create(&journal)?.sync_all()?;
    std::fs::rename(out, &old)?;
    pause();
    std::fs::rename(staging, out)?;
    std::fs::remove_file(&journal)?;
    // The caller deletes the staging path, which is now the previous tree.
    std::fs::rename(&old, staging)
}

/// Applies a mount point's journal: moves the staged files in, deletes the
/// stale ones, and removes the journal. Safe to repeat after a crash.
fn roll_forward(out: &Path) -> Result<(), Diagnostic> {
    let journal_path = out.join(JOURNAL);
    let staging = out.join(INNER_STAGING);
    let partly = |path: &Path, e: &io::Error| {
        Diagnostic::error(path, 1, 1, format!("cannot write the output: {e}; {PARTLY_UPDATED}"))
            .with_help("fix the cause (free space, permissions) and run the build again: the next pressroom run on this output finishes the update first")
    };
    let journal = std::fs::read_to_string(&journal_path).map_err(|e| partly(&journal_path, &e))?;
    if !out.join(MARKER).is_file() {
        std::fs::write(out.join(MARKER), b"").map_err(|e| partly(out, &e))?;
    }
    let mut left = BTreeSet::new();
    for line in journal.lines() {
        let Some((op, rel)) = line.split_once('\t') else {
            continue;
        };
        let Some(rel_path) = safe_relative(rel) else {
            continue;
        };
        let target = out.join(&rel_path);
        pause();
        match op {
            "W" => {
                let from = staging.join(&rel_path);
                if std::fs::symlink_metadata(&from).is_err() {
                    continue; // moved in before a crash
                }
                if let Some(parent) = target.parent() {
                    make_dir(out, parent).map_err(|e| partly(parent, &e))?;
                }
                if std::fs::symlink_metadata(&target).is_ok_and(|m| m.is_dir()) {
                    remove_all(&target).map_err(|e| partly(&target, &e))?;
                }
                std::fs::rename(&from, &target).map_err(|e| partly(&target, &e))?;
            }
            "D" => {
                let is_dir = std::fs::symlink_metadata(&target).is_ok_and(|m| m.is_dir());
                if is_dir || !real_parents(out, &rel_path) {
                    continue;
                }
                match std::fs::remove_file(&target) {
                    Ok(()) => {}
                    Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                    Err(e) => return Err(partly(&target, &e)),
                }
                if let Some(parent) = target.parent() {
                    left.insert(parent.to_path_buf());
                }
            }
            _ => {}
        }
    }
    // A clean build leaves no empty folders; deepest first.
    for dir in left.iter().rev() {
        remove_empty_parents(out, dir);
    }
    remove_all(&staging).map_err(|e| partly(&staging, &e))?;
    std::fs::remove_file(&journal_path).map_err(|e| partly(&journal_path, &e))?;
    Ok(())
}

/// Whether every folder between `out` and `rel` is a real folder (not a link).
fn real_parents(out: &Path, rel: &Path) -> bool {
    let mut current = out.to_path_buf();
    let Some(parent) = rel.parent() else {
        return true;
    };
    parent.components().all(|part| {
        current.push(part);
        std::fs::symlink_metadata(&current).is_ok_and(|m| m.is_dir())
    })
}

/// Whether `a` and `b` are one file (hard links to the same inode).
fn same_file(a: &Path, b: &Path) -> bool {
    use std::os::unix::fs::MetadataExt as _;
    match (std::fs::symlink_metadata(a), std::fs::symlink_metadata(b)) {
        (Ok(a), Ok(b)) => a.is_file() && b.is_file() && a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

/// Hard-links `from` to `to`; copies (keeping the modification time) where
/// the file system has no hard links.
fn link_or_copy(from: &Path, to: &Path) -> io::Result<()> {
    if std::fs::hard_link(from, to).is_ok() {
        return Ok(());
    }
    std::fs::copy(from, to)?;
    let modified = std::fs::metadata(from)?.modified()?;
    std::fs::File::options()
        .write(true)
        .open(to)?
        .set_modified(modified)
}

/// Recreates the tree at `from` at `to` with hard links for files and links
/// copied as links (never followed).
fn link_tree(from: &Path, to: &Path) -> io::Result<()> {
    let kind = std::fs::symlink_metadata(from)?.file_type();
    if kind.is_symlink() {
        std::os::unix::fs::symlink(std::fs::read_link(from)?, to)
    } else if kind.is_dir() {
        std::fs::create_dir(to)?;
        for entry in std::fs::read_dir(from)? {
            let entry = entry?;
            link_tree(&entry.path(), &to.join(entry.file_name()))?;
        }
        Ok(())
    } else if kind.is_file() {
        link_or_copy(from, to)
    } else {
        Ok(()) // sockets and pipes are not content
    }
}

/// Removes `path` whatever it is; a link is removed, never followed.
fn remove_all(path: &Path) -> io::Result<()> {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.is_dir() => std::fs::remove_dir_all(path),
        Ok(_) => std::fs::remove_file(path),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}

/// Sleeps for the test hook [`PAUSE_ENV`]; nothing when it is not set.
fn pause() {
    static PAUSE: OnceLock<Option<Duration>> = OnceLock::new();
    let pause = PAUSE.get_or_init(|| {
        std::env::var(PAUSE_ENV)
            .ok()
            .and_then(|v| v.parse().ok())
            .map(Duration::from_micros)
    });
    if let Some(d) = pause {
        // The fault test waits for this line to time its kill; written
        // directly, as the library never prints otherwise.
        static ANNOUNCED: std::sync::Once = std::sync::Once::new();
        ANNOUNCED.call_once(|| {
            let _ = io::stderr().write_all(b"pressroom-test: the commit begins\n");
        });
        std::thread::sleep(*d);
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
/// start compares every file's bytes and rewrites it. This is the one path
/// that is not all or nothing; `build` never takes it.
pub fn update_in_place(
    out: &Path,
    files: &[(&str, &[u8])],
    stale: &[&String],
) -> Option<Result<Vec<WriteOutcome>, Diagnostics>> {
    if !out.join(MARKER).is_file() {
        return None;
    }
    let lock = match lock(out, mode_of(out)).and_then(|lock| recover(out).map(|_| lock)) {
        Ok(lock) => lock,
        Err(d) => return Some(Err(d.into())),
    };
    // The record of the two trees stays true: a file overwritten here is
    // written through its inode, which the previous tree shares, and a file
    // added or deleted changes its folder's stamp.
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
    drop(lock);
    Some(if problems.is_empty() {
        Ok(outcomes)
    } else {
        Err(problems)
    })
}

fn overwrite_file(out: &Path, rel: &str, bytes: &[u8]) -> Result<WriteOutcome, Diagnostic> {
    let rel_path = output_relative(rel)?;
    let target = out.join(&rel_path);
    // Never write through a link planted in the output: the folders on the
    // way must be real ones, and a link at the file itself is replaced.
    let parent = target.parent().unwrap_or(out);
    if !real_parents(out, &rel_path) {
        make_dir(out, parent).map_err(|e| io_error(parent, &e))?;
    }
    match std::fs::symlink_metadata(&target) {
        Ok(m) if m.is_file() => {
            if holds(&target, bytes) {
                return Ok(WriteOutcome::Unchanged);
            }
        }
        Ok(_) => remove_all(&target).map_err(|e| io_error(&target, &e))?,
        Err(_) => {}
    }
    let write = || -> io::Result<()> {
        use std::os::unix::fs::OpenOptionsExt as _;
        // Not truncated first (see `update_in_place`): written over, then cut
        // to length.
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(false)
            .custom_flags(rustix::fs::OFlags::NOFOLLOW.bits() as i32)
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
        if !real_parents(out, &rel) {
            continue;
        }
        let path = out.join(&rel);
        match std::fs::remove_file(&path) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(io_error(&path, &e)),
        }
        if let Some(parent) = path.parent() {
            remove_empty_parents(out, parent);
        }
    }
    Ok(())
}

/// Removes `dir` and its parents up to `out` while they are empty.
fn remove_empty_parents(out: &Path, dir: &Path) {
    let mut dir = Some(dir);
    while let Some(d) = dir {
        if d == out || !d.starts_with(out) || std::fs::remove_dir(d).is_err() {
            break;
        }
        dir = d.parent();
    }
}

/// Whether the regular file at `target` already holds exactly `bytes`.
fn holds(target: &Path, bytes: &[u8]) -> bool {
    // The size alone tells most changed files apart without reading them.
    let same_size = std::fs::symlink_metadata(target)
        .is_ok_and(|m| m.is_file() && m.len() == bytes.len() as u64);
    same_size && std::fs::read(target).is_ok_and(|existing| existing == bytes)
}

/// A rendered file's path inside the output folder, or the error for one
/// that would land outside it or on a name the build must not write.
fn output_relative(rel: &str) -> Result<PathBuf, Diagnostic> {
    safe_relative(rel).ok_or_else(|| {
        Diagnostic::error(rel, 1, 1, "refusing to write outside the output folder or to a hidden file")
            .with_help("this path comes from a slug or alias; use plain path segments without `..` or a leading dot")
    })
}

/// `rel` as a relative path of plain segments, none hidden, or `None`.
fn safe_relative(rel: &str) -> Option<PathBuf> {
    let path = Path::new(rel);
    let hidden = path
        .components()
        .any(|c| c.as_os_str().to_string_lossy().starts_with('.'));
    (plain_relative(rel) && !hidden).then(|| path.to_path_buf())
}

/// Creates `dir` (under `out`), replacing any file or link that stands where
/// a folder must now be.
fn make_dir(out: &Path, dir: &Path) -> io::Result<()> {
    let mut current = out.to_path_buf();
    for part in dir.strip_prefix(out).unwrap_or(dir).components() {
        current.push(part);
        real_folder(&current)?;
    }
    Ok(())
}

/// Makes `path` a real folder, its parent being one already: made when
/// missing, and anything else in its place (a file, a link) removed first,
/// so that nothing is ever written through a link. One call when the folder
/// is new, the usual case in a staging tree.
fn real_folder(path: &Path) -> io::Result<()> {
    match std::fs::create_dir(path) {
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
        done => return done,
    }
    if std::fs::symlink_metadata(path).is_ok_and(|m| m.is_dir()) {
        return Ok(());
    }
    match std::fs::remove_file(path) {
        // Another thread got there first.
        Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
        _ => {}
    }
    match std::fs::create_dir(path) {
        Err(e) if e.kind() != io::ErrorKind::AlreadyExists => Err(e),
        _ => Ok(()),
    }
}

/// The folders of a staging tree already made or checked, so that each is
/// checked once however many files go into it: a staging tree built from
/// nothing has some 47,000 folders at 10k × 3, and checking every folder
/// on the way down for each of them took a one-edit build 0.65 s.
#[derive(Debug)]
struct Folders {
    root: PathBuf,
    /// Hashes of the relative, `/`-separated folders; a folder is here
    /// only once every folder above it is. Hashes rather than the paths,
    /// to keep a clean build's peak memory where it was (the paths took
    /// 4–6 MB at 10k × 3). Two of 47,000 folders share a 64-bit hash about
    /// once in 10^10 builds; the second would go unchecked.
    known: Mutex<HashSet<u64>>,
}

impl Folders {
    fn new(root: &Path) -> Folders {
        Folders {
            root: root.to_path_buf(),
            known: Mutex::new(HashSet::new()),
        }
    }

    fn knows(&self, rel: &str) -> bool {
        (self.known.lock())
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .contains(&crate::util::hash::hash_bytes(rel.as_bytes()))
    }

    /// Makes the folder `rel` (relative to the root, `/`-separated, already
    /// checked to stay inside it) and every folder above it real folders.
    /// Safe to call from many threads.
    fn make(&self, rel: &str) -> io::Result<()> {
        if rel.is_empty() || self.knows(rel) {
            return Ok(());
        }
        // Down from the deepest folder above that is known.
        let start = (rel.match_indices('/').rev())
            .map(|(i, _)| i)
            .find(|&i| self.knows(&rel[..i]))
            .map_or(0, |i| i + 1);
        let mut current = self.root.join(&rel[..start]);
        let mut end = start;
        for part in rel[start..].split('/') {
            current.push(part);
            real_folder(&current)?;
            end += part.len();
            (self.known.lock())
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .insert(crate::util::hash::hash_bytes(&rel.as_bytes()[..end]));
            end += 1;
        }
        Ok(())
    }

    /// Forgets every folder: called after folders of the tree were removed.
    fn forget(&self) {
        (self.known.lock())
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clear();
    }
}

fn io_error(path: &Path, err: &io::Error) -> Diagnostic {
    Diagnostic::error(path, 1, 1, format!("cannot write the output: {err}"))
        .with_help("check free disk space and the folder's permissions")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::MetadataExt as _;
    use std::time::{Duration, SystemTime};

    fn set(paths: &[&str]) -> BTreeSet<String> {
        paths.iter().map(|s| s.to_string()).collect()
    }

    /// Builds `files` into `out` in the given mode.
    fn build(out: &Path, mode: Mode, files: &[(&str, &[u8])]) -> Diagnostics {
        build_known(out, mode, files).0
    }

    /// Builds as [`build`] does; also says whether the last commit's
    /// record stood for the output (so the output was not walked).
    fn build_known(out: &Path, mode: Mode, files: &[(&str, &[u8])]) -> (Diagnostics, bool) {
        let empty = std::fs::read_dir(out).map_or(true, |mut d| d.next().is_none());
        let s = Staging::begin_as(out, empty, mode, None).unwrap();
        let known = s.relink.is_some();
        for (rel, bytes) in files {
            s.put(rel, bytes).unwrap();
        }
        let produced = files.iter().map(|(rel, _)| rel.to_string()).collect();
        (s.commit(&produced).unwrap(), known)
    }

    fn age(path: &Path) -> SystemTime {
        let old = SystemTime::now() - Duration::from_secs(3600);
        std::fs::File::options()
            .write(true)
            .open(path)
            .unwrap()
            .set_modified(old)
            .unwrap();
        old
    }

    #[test]
    fn unchanged_files_keep_their_inode_and_mtime_and_stale_files_go() {
        for mode in [Mode::Swap, Mode::InPlace] {
            let dir = tempfile::tempdir().unwrap();
            let out = dir.path().join("public");
            build(
                &out,
                mode,
                &[("a/index.html", b"A"), ("old/deep/x.html", b"O")],
            );
            let old = age(&out.join("a/index.html"));
            let inode = std::fs::metadata(out.join("a/index.html")).unwrap().ino();

            build(&out, mode, &[("a/index.html", b"A"), ("b.html", b"B")]);
            let a = std::fs::metadata(out.join("a/index.html")).unwrap();
            assert_eq!((a.modified().unwrap(), a.ino()), (old, inode), "{mode:?}");
            assert!(!out.join("old").exists(), "{mode:?}");
            assert_eq!(std::fs::read(out.join("b.html")).unwrap(), b"B");
            assert!(out.join(MARKER).is_file());
            let left: Vec<_> = std::fs::read_dir(dir.path())
                .unwrap()
                .map(|e| e.unwrap().file_name().into_string().unwrap())
                .collect();
            // Beside the output: in swap mode the lock and the previous
            // tree kept for the next build, with its mark.
            assert_eq!(
                left.len(),
                if mode == Mode::Swap { 4 } else { 1 },
                "{left:?}"
            );
            assert!(!out.join(INNER_STAGING).exists() && !out.join(JOURNAL).exists());
        }
    }

    #[test]
    fn the_previous_tree_is_kept_and_updated_by_the_next_build() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let kept = sibling(&out, "staging");
        let builds: [&[(&str, &[u8])]; 4] = [
            &[
                ("a.html", b"A1"),
                ("b/index.html", b"B1"),
                ("c/d/e.html", b"C1"),
            ],
            &[
                ("a.html", b"A2"),
                ("b/index.html", b"B1"),
                ("c/d/e.html", b"C1"),
            ],
            &[
                ("a.html", b"A2"),
                ("b", b"B is now a file"),
                ("f.html", b"F"),
            ],
            &[
                ("a.html", b"A3"),
                ("b/index.html", b"B4"),
                ("c/d/e.html", b"C4"),
            ],
        ];
        let files_of = |root: &Path| -> BTreeSet<String> {
            walkdir::WalkDir::new(root)
                .min_depth(1)
                .into_iter()
                .map(Result::unwrap)
                .filter(|e| e.file_type().is_file())
                .map(|e| key(root, e.path()))
                .filter(|k| k != MARKER)
                .collect()
        };
        for (n, files) in builds.iter().enumerate() {
            let (_, known) = build_known(&out, Mode::Swap, files);
            // The first build renames its staging folder into place and the
            // second walks the output; from then on the record stands for it.
            assert_eq!(known, n >= 2, "build {n}");
            let names = |files: &[(&str, &[u8])]| -> BTreeSet<String> {
                files.iter().map(|(r, _)| r.to_string()).collect()
            };
            assert_eq!(files_of(&out), names(files), "build {n}");
            for (rel, bytes) in files.iter() {
                assert_eq!(
                    std::fs::read(out.join(rel)).unwrap(),
                    *bytes,
                    "build {n}: {rel}"
                );
            }
            // The kept tree is the build before.
            if n > 0 {
                assert_eq!(files_of(&kept), names(builds[n - 1]), "kept {n}");
                for (rel, bytes) in builds[n - 1].iter() {
                    assert_eq!(
                        std::fs::read(kept.join(rel)).unwrap(),
                        *bytes,
                        "kept {n}: {rel}"
                    );
                }
            }
        }
        // A killed build leaves no mark, and the next one starts afresh.
        let s = Staging::begin_as(&out, false, Mode::Swap, None).unwrap();
        s.put("a.html", b"half").unwrap();
        drop(s);
        assert!(!sibling(&out, "previous").exists());
        build(&out, Mode::Swap, &[("a.html", b"A5")]);
        assert_eq!(files_of(&out), BTreeSet::from(["a.html".to_owned()]));
        assert_eq!(std::fs::read(out.join("a.html")).unwrap(), b"A5");
    }

    #[test]
    fn a_build_that_changes_nothing_touches_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        build(&out, Mode::Swap, &[("a.html", b"A")]);
        let before = std::fs::metadata(&out).unwrap().ino();
        build(&out, Mode::Swap, &[("a.html", b"A")]);
        assert_eq!(std::fs::metadata(&out).unwrap().ino(), before);
        build(&out, Mode::Swap, &[("a.html", b"A2")]);
        assert_ne!(std::fs::metadata(&out).unwrap().ino(), before);
    }

    #[test]
    fn dotfiles_the_build_does_not_produce_are_kept() {
        for mode in [Mode::Swap, Mode::InPlace] {
            let dir = tempfile::tempdir().unwrap();
            let out = dir.path().join("public");
            build(&out, mode, &[("a.html", b"A"), ("en/b.html", b"B")]);
            std::fs::create_dir_all(out.join(".git/objects")).unwrap();
            std::fs::write(out.join(".git/HEAD"), "ref: refs/heads/gh-pages\n").unwrap();
            std::fs::write(out.join("en/.htaccess"), "Deny from all\n").unwrap();
            std::os::unix::fs::symlink("/etc", out.join(".link")).unwrap();
            build(&out, mode, &[("a.html", b"A2")]);
            assert_eq!(
                std::fs::read_to_string(out.join(".git/HEAD")).unwrap(),
                "ref: refs/heads/gh-pages\n"
            );
            assert!(out.join(".git/objects").is_dir(), "{mode:?}");
            assert!(out.join("en/.htaccess").is_file(), "{mode:?}");
            assert!(!out.join("en/b.html").exists(), "{mode:?}");
            assert_eq!(
                std::fs::read_link(out.join(".link")).unwrap(),
                Path::new("/etc")
            );
        }
    }

    #[test]
    fn links_planted_in_the_output_are_never_followed() {
        for mode in [Mode::Swap, Mode::InPlace] {
            let dir = tempfile::tempdir().unwrap();
            let outside = dir.path().join("outside");
            std::fs::create_dir(&outside).unwrap();
            std::fs::write(outside.join("index.html"), "secret").unwrap();
            let out = dir.path().join("public");
            build(&out, mode, &[("a.html", b"A")]);
            std::os::unix::fs::symlink(&outside, out.join("en")).unwrap();
            std::os::unix::fs::symlink(outside.join("index.html"), out.join("b.html")).unwrap();
            std::os::unix::fs::symlink(&outside, out.join("stray")).unwrap();
            build(&out, mode, &[("en/index.html", b"E"), ("b.html", b"B")]);
            assert_eq!(
                std::fs::read_to_string(outside.join("index.html")).unwrap(),
                "secret"
            );
            assert_eq!(std::fs::read_dir(&outside).unwrap().count(), 1, "{mode:?}");
            assert!(std::fs::symlink_metadata(out.join("en")).unwrap().is_dir());
            assert!(
                std::fs::symlink_metadata(out.join("b.html"))
                    .unwrap()
                    .is_file()
            );
            assert!(
                std::fs::symlink_metadata(out.join("stray")).is_err(),
                "{mode:?}"
            );

            // The in-place path of watch mode does not follow them either.
            std::fs::remove_dir_all(out.join("en")).unwrap();
            std::os::unix::fs::symlink(&outside, out.join("en")).unwrap();
            std::fs::remove_file(out.join("b.html")).unwrap();
            std::os::unix::fs::symlink(outside.join("index.html"), out.join("b.html")).unwrap();
            let files: [(&str, &[u8]); 2] = [("en/index.html", b"E2"), ("b.html", b"B2")];
            update_in_place(&out, &files, &[]).unwrap().unwrap();
            assert_eq!(
                std::fs::read_to_string(outside.join("index.html")).unwrap(),
                "secret"
            );
            assert_eq!(std::fs::read(out.join("en/index.html")).unwrap(), b"E2");
            assert!(
                std::fs::symlink_metadata(out.join("b.html"))
                    .unwrap()
                    .is_file()
            );
        }
    }

    #[test]
    fn links_planted_in_the_kept_tree_are_never_followed() {
        let dir = tempfile::tempdir().unwrap();
        let outside = dir.path().join("outside");
        let out = dir.path().join("public");
        let kept = sibling(&out, "staging");
        let files = |n: &str| {
            [
                ("a.html", format!("A{n}")),
                ("en/index.html", format!("E{n}")),
                ("en/deep/x.html", format!("X{n}")),
                ("kk/index.html", format!("K{n}")),
                ("fr/same.html", "F".to_owned()),
            ]
        };
        for (i, plant) in [false, false, true, true, true].into_iter().enumerate() {
            if plant {
                // A link where the kept tree has a folder, another where
                // it has a file, and one further down.
                std::fs::create_dir_all(outside.join("deep")).unwrap();
                std::fs::write(outside.join("index.html"), "secret").unwrap();
                std::fs::write(outside.join("deep/x.html"), "secret").unwrap();
                let links = [
                    ("en", ""),
                    ("a.html", "index.html"),
                    ("kk", "deep"),
                    ("fr", "deep"),
                ];
                for (at, to) in links {
                    let at = kept.join(at);
                    if std::fs::symlink_metadata(&at).is_ok_and(|m| m.is_dir()) {
                        std::fs::remove_dir_all(&at).unwrap();
                    } else {
                        let _ = std::fs::remove_file(&at);
                    }
                    std::os::unix::fs::symlink(outside.join(to), &at).unwrap();
                }
            }
            let n = i.to_string();
            let step = files(&n);
            let step: Vec<(&str, &[u8])> = step.iter().map(|(p, b)| (*p, b.as_bytes())).collect();
            build(&out, Mode::Swap, &step);
            for (rel, bytes) in &step {
                let path = out.join(rel);
                assert!(
                    std::fs::symlink_metadata(&path).unwrap().is_file(),
                    "step {i}: {rel}"
                );
                assert_eq!(std::fs::read(&path).unwrap(), *bytes, "step {i}: {rel}");
            }
            for folder in ["en", "en/deep", "kk", "fr"] {
                let m = std::fs::symlink_metadata(out.join(folder)).unwrap();
                assert!(m.is_dir(), "step {i}: {folder}");
            }
            if plant {
                let names = |d: &Path| names_in(d).unwrap();
                assert_eq!(names(&outside), set(&["deep", "index.html"]), "step {i}");
                assert_eq!(names(&outside.join("deep")), set(&["x.html"]), "step {i}");
                for f in ["index.html", "deep/x.html"] {
                    let held = std::fs::read_to_string(outside.join(f)).unwrap();
                    assert_eq!(held, "secret", "step {i}: {f}");
                }
            }
        }
    }

    #[test]
    fn removing_and_making_folders_never_goes_through_a_link() {
        let dir = tempfile::tempdir().unwrap();
        let outside = dir.path().join("outside");
        std::fs::create_dir_all(outside.join("sub")).unwrap();
        std::fs::write(outside.join("index.html"), "secret").unwrap();
        let tree = dir.path().join("tree");
        std::fs::create_dir_all(tree.join("fr")).unwrap();
        std::fs::write(tree.join("fr/x.html"), "X").unwrap();
        std::os::unix::fs::symlink(&outside, tree.join("en")).unwrap();
        std::os::unix::fs::symlink(&outside, tree.join("kk")).unwrap();
        std::fs::write(tree.join("ru"), "a file where a folder goes").unwrap();

        remove_gone(&tree, "en/index.html").unwrap();
        remove_gone(&tree, "ru/index.html").unwrap();
        remove_gone(&tree, "fr/x.html").unwrap();
        remove_gone(&tree, "de/x.html").unwrap();
        assert_eq!(
            std::fs::read_to_string(outside.join("index.html")).unwrap(),
            "secret"
        );
        assert!(!tree.join("fr/x.html").exists());

        let folders = Folders::new(&tree);
        for rel in ["kk/sub", "en", "ru/deep", "fr", "fr/a/b"] {
            folders.make(rel).unwrap();
        }
        for rel in ["kk", "kk/sub", "en", "ru", "ru/deep", "fr/a/b"] {
            let m = std::fs::symlink_metadata(tree.join(rel)).unwrap();
            assert!(m.is_dir() && !m.file_type().is_symlink(), "{rel}");
        }
        assert_eq!(names_in(&outside).unwrap(), set(&["index.html", "sub"]));
        assert_eq!(std::fs::read_dir(outside.join("sub")).unwrap().count(), 0);
    }

    #[test]
    fn a_check_made_ahead_is_taken_only_while_the_record_is_the_same() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let commit = |ahead: Option<Ahead>, files: &[(&str, &[u8])]| {
            let s = Staging::begin_after(&out, ahead).unwrap();
            let known = s.relink.is_some();
            for (rel, bytes) in files {
                s.put(rel, bytes).unwrap();
            }
            let produced = files.iter().map(|(rel, _)| rel.to_string()).collect();
            s.commit(&produced).unwrap();
            known
        };
        build(&out, Mode::Swap, &[("a.html", b"A1"), ("f/x.html", b"F1")]);
        build(&out, Mode::Swap, &[("a.html", b"A2"), ("f/x.html", b"F1")]);
        // Taken as it is when nothing came between.
        let ahead = Staging::check_ahead(&out).unwrap();
        assert!(ahead.known.is_some());
        assert!(commit(
            Some(ahead),
            &[("a.html", b"A3"), ("f/x.html", b"F1")]
        ));
        // Another build's commit in between changes `f/x.html`; the next
        // one leaves it as that build made it. Taken from the stale check,
        // the previous tree's `f/x.html` (F1) would be taken for the
        // output's (F2).
        let ahead = Staging::check_ahead(&out).unwrap();
        build(&out, Mode::Swap, &[("a.html", b"A3"), ("f/x.html", b"F2")]);
        assert!(commit(
            Some(ahead),
            &[("a.html", b"A4"), ("f/x.html", b"F2")]
        ));
        assert_eq!(std::fs::read(out.join("a.html")).unwrap(), b"A4");
        assert_eq!(std::fs::read(out.join("f/x.html")).unwrap(), b"F2");
        // The previous tree replaced by an empty folder in between: the
        // record is the same, the tree is not.
        let ahead = Staging::check_ahead(&out).unwrap();
        assert!(ahead.known.is_some());
        let kept = sibling(&out, "staging");
        std::fs::remove_dir_all(&kept).unwrap();
        std::fs::create_dir(&kept).unwrap();
        assert!(!commit(
            Some(ahead),
            &[("a.html", b"A5"), ("f/x.html", b"F2")]
        ));
        assert_eq!(std::fs::read(out.join("a.html")).unwrap(), b"A5");
        assert_eq!(std::fs::read(out.join("f/x.html")).unwrap(), b"F2");
    }

    #[test]
    fn a_second_writer_is_refused_while_the_first_holds_the_lock() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        build(&out, Mode::Swap, &[("a.html", b"A")]);
        let first = Staging::begin(&out).unwrap();
        let err = Staging::begin(&out).unwrap_err();
        assert!(err.message.contains("another pressroom process"), "{err}");
        assert_eq!(err.path, dir.path().join(".public.pressroom-lock"));
        let files: [(&str, &[u8]); 1] = [("a.html", b"B")];
        assert!(update_in_place(&out, &files, &[]).unwrap().is_err());
        first.abort();
        assert!(Staging::begin(&out).is_ok());
    }

    #[test]
    fn a_journal_left_by_a_killed_build_is_rolled_forward() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        build(
            &out,
            Mode::InPlace,
            &[("a.html", b"A"), ("old/b.html", b"B")],
        );
        // As a build leaves it when killed right after its commit point, with
        // one file already moved in.
        std::fs::create_dir_all(out.join(INNER_STAGING).join("new")).unwrap();
        std::fs::write(out.join(INNER_STAGING).join("new/c.html"), "C").unwrap();
        std::fs::write(out.join("a.html"), "A2").unwrap();
        std::fs::write(
            out.join(JOURNAL),
            "W\ta.html\nW\tnew/c.html\nD\told/b.html\n",
        )
        .unwrap();
        assert!(recover(&out).unwrap());
        assert_eq!(std::fs::read(out.join("a.html")).unwrap(), b"A2");
        assert_eq!(std::fs::read(out.join("new/c.html")).unwrap(), b"C");
        assert!(!out.join("old").exists());
        assert!(!out.join(JOURNAL).exists() && !out.join(INNER_STAGING).exists());
        assert!(!recover(&out).unwrap());

        // Killed before its commit point: what was staged is thrown away.
        std::fs::create_dir_all(out.join(INNER_STAGING)).unwrap();
        std::fs::write(out.join(INNER_STAGING).join("a.html"), "A3").unwrap();
        assert!(recover(&out).unwrap());
        assert!(!out.join(INNER_STAGING).exists());
        assert_eq!(std::fs::read(out.join("a.html")).unwrap(), b"A2");
    }

    #[test]
    fn a_journal_that_cannot_be_finished_says_the_output_is_partly_updated() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        build(&out, Mode::InPlace, &[("a.html", b"A")]);
        // A journal that cannot be read (root may write anywhere, so a
        // damaged journal stands for every failure after the commit point).
        std::fs::write(out.join(JOURNAL), b"W\t\xff\xfe\n").unwrap();
        let err = recover(&out).unwrap_err();
        assert!(err.message.ends_with(PARTLY_UPDATED), "{err}");
        let mut problems = Diagnostics::new();
        problems.push(err);
        assert_eq!(
            after_failure(&problems),
            "the output folder is partly updated; the next build finishes the update"
        );
        assert_eq!(
            after_failure(&Diagnostics::new()),
            "the output folder was left as it was"
        );
    }

    #[test]
    fn a_swap_cut_between_its_two_renames_is_finished() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let staging = sibling(&out, "staging");
        std::fs::create_dir(&staging).unwrap();
        std::fs::write(staging.join("new.html"), "N").unwrap();
        std::fs::create_dir(sibling(&out, "old")).unwrap();
        std::fs::write(sibling(&out, "swap"), "").unwrap();
        assert!(recover(&out).unwrap());
        assert_eq!(std::fs::read(out.join("new.html")).unwrap(), b"N");
        assert!(!sibling(&out, "old").exists() && !sibling(&out, "swap").exists());
    }

    #[test]
    fn outputs_inside_what_the_build_reads_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        std::fs::create_dir_all(root.join("themes/osce/static")).unwrap();
        std::fs::create_dir_all(root.join("content")).unwrap();
        let config = crate::config::SiteConfig::parse(
            &root,
            "title: T\nbase_url: https://example.org\nlanguages: [en]\n",
        )
        .unwrap();
        for bad in [
            "",
            "content/public",
            "themes/osce/static/out",
            "templates/x",
            "static",
            "locales/en/x",
        ] {
            let out = root.join(bad);
            assert!(check_placement(&out, &config).is_err(), "{bad:?}");
        }
        assert!(check_placement(&root.join("public/../content/x"), &config).is_err());
        for good in ["public", "../elsewhere", "contents"] {
            assert!(check_placement(&root.join(good), &config).is_ok(), "{good}");
        }
    }

    #[test]
    fn mount_points_are_told_apart() {
        assert!(is_mount_point(Path::new("/proc")));
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("public")).unwrap();
        assert!(!is_mount_point(&dir.path().join("public")));
    }

    #[test]
    fn a_sorted_difference_keeps_what_the_other_list_lacks() {
        let list = |items: &[&str]| items.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let minus = |a: &[&str], b: &[&str]| -> Vec<String> {
            let (a, b) = (list(a), list(b));
            sorted_minus(a.iter(), b.iter())
                .into_iter()
                .cloned()
                .collect()
        };
        let all = ["a", "b/x.html", "b/y.html", "c", "d"];
        assert_eq!(
            minus(&all, &["b/x.html", "c", "e"]),
            list(&["a", "b/y.html", "d"])
        );
        assert_eq!(minus(&all, &[]), list(&all));
        assert_eq!(minus(&all, &all), list(&[]));
        assert_eq!(minus(&[], &all), list(&[]));
        assert_eq!(minus(&["b", "c"], &["a", "b", "d"]), list(&["c"]));
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
    }

    #[test]
    fn a_record_is_read_back_as_written_and_refused_when_damaged() {
        let record = Record {
            differs: vec!["a.html".into(), "en/.htaccess".into()],
            files: vec!["a.html".into(), "b/c d.html".into()],
            dots: vec!["en/.htaccess".into()],
            dirs: vec![
                (String::new(), [1, 2, 3, 4, 5], false),
                ("b".into(), [6, 7, 8, 9, 10], true),
            ],
            kept: vec![("b/e".into(), [11, 12, 13, 14, u64::MAX], true)],
        };
        let bytes = record.encode();
        assert_eq!(Record::decode(&bytes), Some(record));
        for cut in [0, RECORD_HEADER.len(), bytes.len() / 2, bytes.len() - 1] {
            assert_eq!(Record::decode(&bytes[..cut]), None, "cut at {cut}");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert_eq!(Record::decode(&longer), None);
        // A path of the same length that leaves the output.
        let at = bytes.windows(10).position(|w| w == b"b/c d.html").unwrap();
        let mut escaping = bytes.clone();
        escaping[at..at + 10].copy_from_slice(b"../c.html\0");
        assert_eq!(Record::decode(&escaping), None);
        escaping[at..at + 10].copy_from_slice(b"../c..html");
        assert_eq!(Record::decode(&escaping), None);
        assert_eq!(Record::decode(b""), None);
    }

    #[test]
    fn a_hand_change_to_the_output_is_seen_past_the_record() {
        let files: [(&str, &[u8]); 3] = [("a.html", b"A"), ("b/x.html", b"X"), ("c/y.html", b"Y")];
        let changed: [(&str, &[u8]); 3] =
            [("a.html", b"A2"), ("b/x.html", b"X"), ("c/y.html", b"Y")];
        // Each hand change, made after the record's clock has moved on (the
        // folder's stamp tells), and in the clock tick of the record's
        // stamps, which is made sure of by writing the stamps the folders
        // have after the change into the record (the folder is racy, and
        // its names are read again).
        type Change = fn(&Path);
        let cases: [(&str, Change, bool); 4] = [
            (
                "a file the last build wrote deleted",
                |out| std::fs::remove_file(out.join("a.html")).unwrap(),
                false,
            ),
            (
                "a file added",
                |out| std::fs::write(out.join("b/junk.html"), "J").unwrap(),
                false,
            ),
            (
                "a dotfile added",
                |out| std::fs::write(out.join("c/.keep"), "").unwrap(),
                true,
            ),
            (
                "a folder added",
                |out| std::fs::create_dir(out.join("c/empty")).unwrap(),
                false,
            ),
        ];
        for (what, change, kept) in cases {
            for wait in [false, true] {
                let same_tick = !wait;
                let dir = tempfile::tempdir().unwrap();
                let out = dir.path().join("public");
                build(&out, Mode::Swap, &files);
                build(&out, Mode::Swap, &changed);
                let racy = |dir: &str| {
                    let mark = std::fs::read(sibling(&out, "previous")).unwrap();
                    let record = Record::decode(&mark).unwrap();
                    record.dirs.iter().find(|d| d.0 == dir).unwrap().2
                };
                // The folder the build just wrote in is racy.
                assert!(racy(""), "{what}");
                if wait {
                    std::thread::sleep(RACY * 2);
                }
                // The record stands for an output nobody touched.
                assert!(build_known(&out, Mode::Swap, &files).1, "{what}");
                assert_eq!(racy("b"), !wait, "{what}");
                if wait {
                    std::thread::sleep(RACY * 2);
                }
                change(&out);
                if same_tick {
                    let mark = sibling(&out, "previous");
                    let mut record = Record::decode(&std::fs::read(&mark).unwrap()).unwrap();
                    for (dir, stamp, racy) in &mut record.dirs {
                        *stamp = dir_stamp(&out.join(dir.as_str())).unwrap();
                        *racy = true;
                    }
                    std::fs::write(&mark, record.encode()).unwrap();
                }
                let (_, known) = build_known(&out, Mode::Swap, &changed);
                assert!(!known, "{what}, wait {wait}");
                let left: BTreeSet<String> = walkdir::WalkDir::new(&out)
                    .min_depth(1)
                    .into_iter()
                    .map(|e| key(&out, e.unwrap().path()))
                    .filter(|k| k != MARKER)
                    .collect();
                let mut want = set(&["a.html", "b", "b/x.html", "c", "c/y.html"]);
                if kept {
                    want.insert("c/.keep".into());
                }
                assert_eq!(left, want, "{what}, wait {wait}");
                assert_eq!(std::fs::read(out.join("a.html")).unwrap(), b"A2");
            }
        }
    }

    #[test]
    fn the_kept_tree_is_stamped_again_only_where_a_build_changed_it() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let kept = sibling(&out, "staging");
        let record = || Record::decode(&std::fs::read(sibling(&out, "previous")).unwrap()).unwrap();
        let steps: [&[(&str, &[u8])]; 6] = [
            &[
                ("a.html", b"A"),
                ("b/x.html", b"X"),
                ("c/y.html", b"Y"),
                ("d/deep/z.html", b"Z"),
            ],
            &[
                ("a.html", b"A"),
                ("b/x.html", b"X2"),
                ("c/y.html", b"Y"),
                ("d/deep/z.html", b"Z"),
            ],
            &[
                ("a.html", b"A"),
                ("b/x.html", b"X2"),
                ("c/y.html", b"Y3"),
                ("d/deep/z.html", b"Z"),
            ],
            &[
                ("a.html", b"A"),
                ("b/x.html", b"X2"),
                ("c/y.html", b"Y3"),
                ("d/deep/z.html", b"Z4"),
                ("e/n.html", b"N"),
            ],
            &[
                ("a.html", b"A"),
                ("c/y.html", b"Y3"),
                ("d/deep/z.html", b"Z4"),
                ("e/n.html", b"N"),
            ],
            &[
                ("a.html", b"A6"),
                ("c/y.html", b"Y3"),
                ("d/deep/z.html", b"Z4"),
                ("e/n.html", b"N"),
            ],
        ];
        for (i, files) in steps.iter().enumerate() {
            let (_, known) = build_known(&out, Mode::Swap, files);
            assert_eq!(known, i >= 2, "step {i}");
            if i == 0 {
                continue;
            }
            // Carried or taken anew, every stamp is the folder's own.
            let record = record();
            for (dir, stamp, _) in &record.dirs {
                assert_eq!(
                    dir_stamp(&out.join(dir)).as_ref(),
                    Some(stamp),
                    "step {i}: `{dir}`"
                );
            }
            assert!(!record.kept.is_empty(), "step {i}");
            for (dir, stamp, _) in &record.kept {
                assert_eq!(
                    dir_stamp(&kept.join(dir)).as_ref(),
                    Some(stamp),
                    "step {i}: kept `{dir}`"
                );
            }
        }
        // A file put by hand into a folder of the kept tree that the next
        // build does not change: the build sees the folder's recorded stamp
        // differ and does not take the kept tree as recorded, so the file
        // is never published. Long enough after the last build that no
        // folder is racy: only the stamps can tell.
        std::thread::sleep(RACY * 2);
        let again: &[(&str, &[u8])] = &[
            ("a.html", b"A6b"),
            ("c/y.html", b"Y3"),
            ("d/deep/z.html", b"Z4"),
            ("e/n.html", b"N"),
        ];
        assert!(build_known(&out, Mode::Swap, again).1);
        let record = record();
        assert!(record.kept.iter().all(|(_, _, racy)| !racy));
        std::fs::write(kept.join("d/deep/junk.html"), "J").unwrap();
        let last: &[(&str, &[u8])] = &[
            ("a.html", b"A7"),
            ("c/y.html", b"Y3"),
            ("d/deep/z.html", b"Z4"),
            ("e/n.html", b"N"),
        ];
        assert!(!build_known(&out, Mode::Swap, last).1);
        assert!(!out.join("d/deep/junk.html").exists());
        assert!(build_known(&out, Mode::Swap, steps[5]).1);
        // The same within the clock tick of the record's stamps: the record
        // holds the stamps the kept tree's folders have after the change,
        // marked racy, so only the names they hold can tell.
        std::fs::write(kept.join("c/junk.html"), "J").unwrap();
        let mark = sibling(&out, "previous");
        let mut tick = Record::decode(&std::fs::read(&mark).unwrap()).unwrap();
        for (dir, stamp, racy) in &mut tick.kept {
            *stamp = dir_stamp(&kept.join(dir.as_str())).unwrap();
            *racy = true;
        }
        std::fs::write(&mark, tick.encode()).unwrap();
        assert!(!build_known(&out, Mode::Swap, last).1);
        assert!(!out.join("c/junk.html").exists());
        let left: BTreeSet<String> = walkdir::WalkDir::new(&out)
            .min_depth(1)
            .into_iter()
            .map(|e| key(&out, e.unwrap().path()))
            .filter(|k| k != MARKER && !["c", "d", "d/deep", "e"].contains(&k.as_str()))
            .collect();
        assert_eq!(
            left,
            set(&["a.html", "c/y.html", "d/deep/z.html", "e/n.html"])
        );
    }

    #[test]
    fn an_update_in_place_sets_the_record_aside() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let files: [(&str, &[u8]); 2] = [("a.html", b"A"), ("b/x.html", b"X")];
        build(&out, Mode::Swap, &files);
        build(&out, Mode::Swap, &[("a.html", b"A2"), ("b/x.html", b"X")]);
        let stale = "b/x.html".to_owned();
        update_in_place(&out, &[("a.html", b"A3")], &[&stale])
            .unwrap()
            .unwrap();
        let (_, known) = build_known(&out, Mode::Swap, &[("a.html", b"A4"), ("c.html", b"C")]);
        assert!(!known);
        assert!(!out.join("b").exists());
        assert_eq!(std::fs::read(out.join("a.html")).unwrap(), b"A4");
        // The kept tree is the one the in-place update left.
        let kept = sibling(&out, "staging");
        assert_eq!(std::fs::read(kept.join("a.html")).unwrap(), b"A3");
        assert!(!kept.join("b").exists() && !kept.join("c.html").exists());
    }

    #[test]
    fn in_place_updates_cut_shorter_files_and_leave_unchanged_ones() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        build(
            &out,
            Mode::Swap,
            &[
                ("a.html", b"a long first version"),
                ("b.html", b"B"),
                ("old/deep/x.html", b"X"),
            ],
        );
        let old = age(&out.join("b.html"));

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
        build(&out, Mode::Swap, &[("a.html", b"1")]);
        let s = Staging::begin(&out).unwrap();
        s.put("a.html", b"2").unwrap();
        s.abort();
        assert_eq!(std::fs::read(out.join("a.html")).unwrap(), b"1");
    }

    #[test]
    fn foreign_folders_escapes_and_hidden_names_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("precious.txt"), "x").unwrap();
        assert!(Staging::begin(dir.path()).is_err());
        let out = dir.path().join("public");
        let s = Staging::begin(&out).unwrap();
        for bad in [
            "../x.html",
            "/etc/passwd",
            "a/../../b",
            "",
            "a\\b",
            "a\0b",
            ".htaccess",
            MARKER,
            "a/.git/config",
        ] {
            assert!(s.put(bad, b"x").is_err(), "{bad:?}");
        }
        s.abort();
    }
}
