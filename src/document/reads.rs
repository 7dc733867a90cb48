//! Which documents' bodies (and other parts of the model an edit can
//! change while the model is taken over) a computation read.
//!
//! A model taken over after an edit ([`crate::site::Site::build`]) differs
//! from the one before only in some documents' bodies and tags, and in what
//! it works out from tags (tag lists, related releases). A value worked out
//! from it (a recorded dependency's hash, see `render::deps`) is then the
//! same as before unless working it out read one of those parts. The body
//! and the hash of its text are private to [`super::Document`], and their
//! accessors, [`super::Document::tags`] and the model's accessors of tag
//! lists and reading lists log what they read here (by a `u64` id: a
//! document's [`super::Document::id`], or the model's id of the part), so
//! that [`track`] tells which parts a computation read without anyone
//! listing them. A value computed once and
//! shared (a language's search documents) keeps what it read and passes it
//! on with [`replay`] to every computation that uses it.
//!
//! The log is per thread: a computation that reads bodies on other threads
//! would hide those reads, so bodies are read on the thread that tracks
//! (the search index takes its texts before indexing them in parallel).

use std::cell::RefCell;
use std::sync::Arc;

use crate::util::frames;

/// The documents whose bodies a computation read, by [`super::Document::id`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BodyReads(Option<Arc<[u64]>>);

impl BodyReads {
    /// Whether any of `ids` (sorted) is among them.
    pub fn meets(&self, ids: &[u64]) -> bool {
        let Some(read) = &self.0 else {
            return false;
        };
        // Few documents change at a time: look each up in the longer list.
        ids.iter().any(|id| read.binary_search(id).is_ok())
    }

    /// The documents read, sorted; `None` when none was. Shared with every
    /// other [`BodyReads`] made from the same list.
    pub fn list(&self) -> Option<&Arc<[u64]>> {
        self.0.as_ref()
    }

    /// The reads of `list` (sorted, each once), as [`BodyReads::list`] gave
    /// it: for reading them back from the build cache.
    pub fn from_list(list: Option<Arc<[u64]>>) -> BodyReads {
        BodyReads(list.filter(|l| !l.is_empty()))
    }

    /// How many documents were read.
    pub fn len(&self) -> usize {
        self.0.as_ref().map_or(0, |r| r.len())
    }

    /// Whether no body was read.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// What one [`track`] has seen so far.
#[derive(Default)]
struct Frame {
    /// Documents read directly.
    ids: Vec<u64>,
    /// Reads of shared values, passed on by [`replay`].
    shared: Vec<Arc<[u64]>>,
}

thread_local! {
    /// One frame per [`track`] running on this thread, innermost last.
    static FRAMES: RefCell<Vec<Frame>> = const { RefCell::new(Vec::new()) };
}

/// Logs that the part with the id `id` was read (a document's body or
/// tags, by [`super::Document::id`]; a tag list or a reading list of the
/// model, by the id `crate::site` gives it), in the innermost [`track`] on
/// this thread; does nothing outside one. `id` is called only inside one,
/// as rendering reads without tracking.
pub fn note(id: impl FnOnce() -> u64) {
    frames::innermost(&FRAMES, |frame| frame.ids.push(id()));
}

/// Logs the reads of a shared value in the innermost [`track`].
pub fn replay(reads: &BodyReads) {
    let Some(read) = &reads.0 else {
        return;
    };
    frames::innermost(&FRAMES, |frame| frame.shared.push(Arc::clone(read)));
}

/// Runs `f` and returns which documents' bodies it read on this thread.
pub fn track<T>(f: impl FnOnce() -> T) -> (T, BodyReads) {
    let (value, frame) = frames::within(&FRAMES, f);
    let mut shared = frame.shared;
    // Values shared by many computations are often passed on together (a
    // search file reads a language's documents and the index made of them):
    // the same list twice is one list.
    shared.dedup_by(|a, b| Arc::ptr_eq(a, b));
    let reads = match (frame.ids.is_empty(), shared.len()) {
        (true, 0) => None,
        // One shared value and nothing else: its list, not a copy.
        (true, 1) => shared.pop(),
        // Nothing but documents the one shared value read too (a value
        // carried over from the last build reads its documents again to
        // compare them): that list, without sorting them all together.
        (false, 1)
            if frame
                .ids
                .iter()
                .all(|id| shared[0].binary_search(id).is_ok()) =>
        {
            shared.pop()
        }
        _ => {
            let mut all = frame.ids;
            for list in &shared {
                all.extend_from_slice(list);
            }
            all.sort_unstable();
            all.dedup();
            // The same documents as a shared list: that list, so that what
            // passes this result on shares it too.
            match shared.iter().find(|list| ***list == *all) {
                Some(same) => Some(Arc::clone(same)),
                None => Some(Arc::from(all)),
            }
        }
    };
    (value, BodyReads(reads))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_are_told_per_frame_and_shared_ones_passed_on() {
        let ((), none) = track(|| {});
        assert!(none.is_empty());
        let (inner, outer) = track(|| {
            note(|| 7);
            let ((), inner) = track(|| {
                note(|| 3);
                note(|| 1);
                note(|| 3);
            });
            replay(&inner);
            note(|| 9);
            inner
        });
        assert_eq!(inner.0.as_deref(), Some(&[1, 3][..]));
        // Reads already among one shared value's: that very list.
        let ((), again) = track(|| {
            replay(&inner);
            note(|| 3);
        });
        assert!(Arc::ptr_eq(again.list().unwrap(), inner.list().unwrap()));
        let ((), more) = track(|| {
            replay(&inner);
            note(|| 2);
        });
        assert_eq!(more.0.as_deref(), Some(&[1, 2, 3][..]));
        assert_eq!(outer.0.as_deref(), Some(&[1, 3, 7, 9][..]));
        assert!(outer.meets(&[2, 9]));
        assert!(!outer.meets(&[2, 8]));
        assert!(!none.meets(&[1]));
        // A frame that only passes one shared value on shares its list.
        let (_, again) = track(|| replay(&inner));
        assert!(Arc::ptr_eq(
            again.0.as_ref().unwrap(),
            inner.0.as_ref().unwrap()
        ));
        // A list equal to a shared one is that one.
        let (_, same) = track(|| {
            replay(&inner);
            note(|| 1);
        });
        assert!(Arc::ptr_eq(
            same.0.as_ref().unwrap(),
            inner.0.as_ref().unwrap()
        ));
        // Outside any frame nothing is logged, and nothing is left over.
        note(|| panic!("not called outside a frame"));
        let ((), clean) = track(|| {});
        assert!(clean.is_empty());
    }

    #[test]
    fn a_documents_body_text_hash_and_tags_count_as_reads_and_its_title_not() {
        let source = crate::source::SourceDoc {
            path: "/site/content/releases/a.en.md".into(),
            rel: "content/releases/a.en.md".into(),
            section: crate::source::Section::Releases,
            key: "a".to_owned(),
            stem: "a".to_owned(),
            lang: "en".to_owned(),
            bundle: false,
        };
        let text = "---\ntitle: A\ndate: 2020-01-01\ntags: [x]\n---\n\nBody.\n";
        let doc = super::super::parse(source, text).unwrap().0;
        let (_, title) = track(|| doc.front.title.len());
        assert!(title.is_empty());
        for (what, reads) in [
            ("body", track(|| doc.body().len()).1),
            ("hash", track(|| doc.hash()).1),
            ("tags", track(|| doc.tags().len()).1),
        ] {
            assert!(reads.meets(&[doc.id()]), "{what}");
        }
        // A part of the model (see `crate::site`) is logged by its id.
        let (_, part) = track(|| note(|| 7));
        assert!(part.meets(&[7]));
    }
}
