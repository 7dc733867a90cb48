//! What a release page offers to read next: the previous and next release in
//! its language, and the releases most related to it.
//!
//! Related releases share tags with it, each shared tag weighted by how rare
//! it is among the language's releases (its inverse document frequency, so
//! that two releases sharing a rare topic rank above two sharing the topic
//! of half the archive), then the newer first, then by source path: the
//! order never depends on anything but the releases. Computed once per
//! model, so that rendering only looks the lists up.

use std::collections::BTreeMap;
use std::sync::Arc;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::Entry;

/// What release `i` of the model offers to read on, by entry index.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reading {
    /// The release before it in its language, by date.
    pub previous: Option<usize>,
    /// The release after it in its language, by date.
    pub next: Option<usize>,
    /// Its related releases in its language, most related first.
    pub related: Vec<usize>,
}

/// Per language, the related releases of each of its releases, as
/// positions among the language's releases (newest first), with the hash
/// of what they were worked out from. A later model takes a language's
/// lists over while that hash is the same, so that an edit ranks again only
/// the language whose releases or tags changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReadingMemo {
    langs: BTreeMap<String, (u64, Related)>,
}

/// One language's related lists: per release, positions among the
/// language's releases.
type Related = Arc<Vec<Vec<u32>>>;

impl ReadingMemo {
    /// Per language: the code, the hash the lists were worked out from, and
    /// per release the positions of its related releases, for the build
    /// cache to keep.
    pub fn parts(&self) -> impl Iterator<Item = (&str, u64, &[Vec<u32>])> {
        self.langs
            .iter()
            .map(|(lang, (key, lists))| (lang.as_str(), *key, lists.as_slice()))
    }

    /// The memo of [`ReadingMemo::parts`] read back. Lists that do not fit
    /// the model are never used: a language's are taken over only while
    /// its hash is the same, and the hash covers how many releases it has.
    pub fn from_parts(
        parts: impl IntoIterator<Item = (String, u64, Vec<Vec<u32>>)>,
    ) -> ReadingMemo {
        let langs = parts
            .into_iter()
            .map(|(lang, key, lists)| (lang, (key, Arc::new(lists))))
            .collect();
        ReadingMemo { langs }
    }

    /// Whether `self` holds the very lists of `lang` that `other` holds
    /// (taken over, not worked out again).
    #[cfg(test)]
    pub(super) fn shares(&self, other: &ReadingMemo, lang: &str) -> bool {
        match (self.langs.get(lang), other.langs.get(lang)) {
            (Some((_, a)), Some((_, b))) => Arc::ptr_eq(a, b),
            _ => false,
        }
    }
}

/// The reading of every release in `releases` (newest first), showing up to
/// `related` related releases each, taking over from `memo` the related
/// lists of each language whose releases and tags are as they were; with
/// the memo of this model's lists.
pub(super) fn compute(
    releases: &[Entry],
    related: usize,
    memo: Option<&ReadingMemo>,
) -> (Vec<Reading>, ReadingMemo) {
    let mut reading = vec![Reading::default(); releases.len()];
    let mut by_lang: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, entry) in releases.iter().enumerate() {
        by_lang.entry(entry.lang()).or_default().push(i);
    }
    let mut kept = ReadingMemo::default();
    for (lang, members) in by_lang {
        // Newest first, as the model orders releases: the next one in time
        // comes before in the list.
        for (k, &i) in members.iter().enumerate() {
            reading[i].next = k.checked_sub(1).map(|p| members[p]);
            reading[i].previous = members.get(k + 1).copied();
        }
        let key = key(releases, &members, related);
        let local = match memo.and_then(|m| m.langs.get(lang)) {
            Some((was, local)) if *was == key => {
                log::debug!("reading lists of {lang} taken over from the last model");
                Arc::clone(local)
            }
            _ => {
                let t = std::time::Instant::now();
                let local = if related > 0 {
                    rank_related(releases, &members, related, None)
                } else {
                    vec![Vec::new(); members.len()]
                };
                log::debug!("reading lists of {lang} worked out in {:?}", t.elapsed());
                Arc::new(local)
            }
        };
        set_related(&mut reading, &members, &local);
        kept.langs.insert(lang.to_owned(), (key, local));
    }
    (reading, kept)
}

/// After the tags of some releases changed and nothing else did (a model
/// taken over, see `Site::take_over`): updates `reading` (this model's
/// releases' reading, worked out before the edit) and returns the memo of
/// the new lists, with the entry indices whose reading changed. `memo` is
/// the memo of the model before, and `retagged` names each release whose
/// tags changed (entry index) with its tags before.
///
/// Only releases whose tag set holds a tag that was added or removed
/// somewhere (or whose own tags changed) are ranked again: every other
/// release's candidates score by tags whose releases and weights are as
/// they were, in the same order, so its list is too.
pub(super) fn retag(
    releases: &[Entry],
    related: usize,
    reading: &mut [Reading],
    memo: &ReadingMemo,
    retagged: &[(usize, &[String])],
) -> (ReadingMemo, Vec<usize>) {
    let mut kept = memo.clone();
    let mut changed = Vec::new();
    let langs: std::collections::BTreeSet<&str> =
        retagged.iter().map(|&(i, _)| releases[i].lang()).collect();
    for lang in langs {
        let members: Vec<usize> = (0..releases.len())
            .filter(|&i| releases[i].lang() == lang)
            .collect();
        let old = (memo.langs.get(lang))
            .map(|(_, lists)| lists)
            .filter(|lists| lists.len() == members.len());
        let mut moved: rustc_hash::FxHashSet<&str> = Default::default();
        let mut own = rustc_hash::FxHashSet::default();
        for &(i, before) in retagged.iter().filter(|(i, _)| releases[*i].lang() == lang) {
            moved.extend(changed_tags(before, releases[i].doc.tags()));
            own.insert(i);
        }
        // The memo's key (every release's tags hashed) is worked out while
        // the releases are ranked.
        let (key, local) = rayon::join(
            || key(releases, &members, related),
            || {
                let stale: Vec<bool> = members
                    .iter()
                    .map(|i| {
                        own.contains(i)
                            || (releases[*i].doc.tags().iter()).any(|t| moved.contains(t.as_str()))
                    })
                    .collect();
                // Without lists to start from (which the memo of the model
                // this one was taken over from always has), all afresh.
                let old = old.map(|lists| (lists.as_slice(), stale.as_slice()));
                rank_related(releases, &members, related, old)
            },
        );
        changed.extend(set_related(reading, &members, &local));
        kept.langs.insert(lang.to_owned(), (key, Arc::new(local)));
    }
    (kept, changed)
}

/// The tags in `before` or `now` but not in both: those a release was
/// given or had taken off.
pub(super) fn changed_tags<'a>(
    before: &'a [String],
    now: &'a [String],
) -> impl Iterator<Item = &'a str> + 'a {
    let gone = before.iter().filter(|t| !now.contains(t));
    let new = now.iter().filter(|t| !before.contains(t));
    gone.chain(new).map(String::as_str)
}

/// Sets the related releases of `members` (entry indices) from `local`
/// (positions among them); the entry indices whose list changed.
fn set_related(reading: &mut [Reading], members: &[usize], local: &[Vec<u32>]) -> Vec<usize> {
    let mut changed = Vec::new();
    for (&i, positions) in members.iter().zip(local) {
        let now: Vec<usize> = positions.iter().map(|&p| members[p as usize]).collect();
        if reading[i].related != now {
            reading[i].related = now;
            changed.push(i);
        }
    }
    changed
}

/// The hash of everything [`rank_related`] reads of one language: the
/// number to show, and each of its releases' tags in the model's order.
fn key(releases: &[Entry], members: &[usize], related: usize) -> u64 {
    let mut h = crate::util::hash::StableHasher::new();
    h.add(&(related as u64)).add(&(members.len() as u64));
    for &i in members {
        let tags = releases[i].doc.tags();
        h.add(&(tags.len() as u64));
        for tag in tags {
            h.add(tag.as_str());
        }
    }
    h.finish()
}

/// The related releases of each of `members` (one language's releases,
/// newest first), as positions in `members`. With `old` lists and a
/// `stale` flag per member, only the stale are ranked; the others keep
/// their old list.
fn rank_related(
    releases: &[Entry],
    members: &[usize],
    keep: usize,
    old: Option<(&[Vec<u32>], &[bool])>,
) -> Vec<Vec<u32>> {
    // Postings: tag → positions in `members` (newest first). Tags are then
    // numbered in their sorted order, so that each release's weights are
    // added in the same order as before the numbering (the same floats).
    // Hashed, then sorted once: a tree map compared tag strings at each of
    // the 40,000 insertions of a 10k-release language.
    let mut postings: FxHashMap<&str, Vec<usize>> = FxHashMap::default();
    for (k, &i) in members.iter().enumerate() {
        for tag in releases[i].doc.tags() {
            let list = postings.entry(tag.as_str()).or_default();
            // A tag written twice counts once.
            if list.last() != Some(&k) {
                list.push(k);
            }
        }
    }
    let mut postings: Vec<(&str, Vec<usize>)> = postings.into_iter().collect();
    postings.sort_unstable_by_key(|(tag, _)| *tag);
    let n = members.len() as f64;
    let ids: FxHashMap<&str, u32> = (postings.iter().zip(0u32..))
        .map(|((tag, _), id)| (*tag, id))
        .collect();
    let weight: Vec<f64> = postings
        .iter()
        .map(|(_, list)| (n / list.len() as f64).ln() + 1.0)
        .collect();
    let postings: Vec<Vec<usize>> = postings.into_iter().map(|(_, list)| list).collect();
    // A release's ranking depends only on its set of tags (the score of
    // every other release is the weight of the tags it shares), so releases
    // with the same set share one ranking: ranked once with one more place,
    // each then leaves itself out. Archives reuse a few topics, so sets
    // repeat: at 10k releases there are far fewer sets than releases.
    let mut sets: FxHashMap<Vec<u32>, Vec<usize>> = FxHashMap::default();
    for (k, &i) in members.iter().enumerate() {
        if old.is_some_and(|(_, stale)| !stale[k]) {
            continue;
        }
        let mut set: Vec<u32> = releases[i]
            .doc
            .tags()
            .iter()
            .map(|t| ids[t.as_str()])
            .collect();
        set.sort_unstable();
        set.dedup();
        sets.entry(set).or_default().push(k);
    }
    let sets: Vec<(Vec<u32>, Vec<usize>)> = sets.into_iter().collect();
    let commons: Vec<Option<u32>> = sets
        .iter()
        .map(|(set, _)| common_tag(set, &postings))
        .collect();
    // Which releases hold each tag that is some set's common one (see
    // `common_tag`), as bits by position.
    let mut holders: Vec<Option<Vec<u64>>> = vec![None; postings.len()];
    for &common in &commons {
        if let Some(tag) = common {
            holders[tag as usize].get_or_insert_with(|| {
                let mut bits = vec![0u64; members.len().div_ceil(64)];
                for &k in &postings[tag as usize] {
                    bits[k / 64] |= 1 << (k % 64);
                }
                bits
            });
        }
    }
    let ranked: Vec<Vec<usize>> = sets
        .par_iter()
        .zip(&commons)
        .map_init(
            || (vec![0.0f64; members.len()], Vec::new()),
            |(score, touched), ((set, _), common)| {
                let common = common.and_then(|tag| Some((tag, holders[tag as usize].as_deref()?)));
                let ctx = Scoring {
                    postings: &postings,
                    weight: &weight,
                    common,
                };
                rank(set, &ctx, keep + 1, score, touched)
            },
        )
        .collect();
    let mut local = match old {
        Some((lists, _)) => lists.to_vec(),
        None => vec![Vec::new(); members.len()],
    };
    for ((_, ks), top) in sets.iter().zip(&ranked) {
        for &k in ks {
            local[k] = top
                .iter()
                .filter(|&&other| other != k)
                .take(keep)
                .map(|&other| other as u32)
                .collect();
        }
    }
    local
}

/// What [`rank`] scores with: each tag's postings (positions, ascending)
/// and weight, and the set's common tag with the bits of its holders.
struct Scoring<'a> {
    postings: &'a [Vec<usize>],
    weight: &'a [f64],
    common: Option<(u32, &'a [u64])>,
}

/// The tag of `set` held by more releases than all its other tags put
/// together, if there is one: a topic on a quarter of the archive, say.
/// Ranking a set walks every posting of its tags; the common tag's are
/// most of them, and most of its holders share nothing else with the set.
fn common_tag(set: &[u32], postings: &[Vec<usize>]) -> Option<u32> {
    let len = |t: u32| postings[t as usize].len();
    let all: usize = set.iter().map(|&t| len(t)).sum();
    let &tag = set.iter().max_by_key(|&&t| len(t))?;
    (2 * len(tag) > all).then_some(tag)
}

/// The first `keep` positions, most related first, for a release with the
/// tags `set` (sorted tag numbers). `score` is all zeros and `touched`
/// empty, and they are left so.
///
/// A release's score is the sum of the weights of the tags it shares, added
/// in the order of `set`. With a common tag, only its holders that share
/// another tag are scored one by one (it is added to their score at its
/// place in that order, so the sum is the same float); the holders that
/// share nothing else all score its weight alone and rank by position, so
/// only the first `keep` of them can be kept.
fn rank(
    set: &[u32],
    ctx: &Scoring<'_>,
    keep: usize,
    score: &mut [f64],
    touched: &mut Vec<usize>,
) -> Vec<usize> {
    let holds = |bits: &[u64], k: usize| bits[k / 64] & (1 << (k % 64)) != 0;
    // The common tag's weight once it has been added in order.
    let mut past_common = None;
    for &tag in set {
        let w = ctx.weight[tag as usize];
        if let Some((common, bits)) = ctx.common
            && common == tag
        {
            for &other in touched.iter() {
                if holds(bits, other) {
                    score[other] += w;
                }
            }
            past_common = Some((w, bits));
            continue;
        }
        for &other in &ctx.postings[tag as usize] {
            // Every weight is at least 1, so 0 means not seen yet.
            if score[other] == 0.0 {
                touched.push(other);
                if let Some((wc, bits)) = past_common
                    && holds(bits, other)
                {
                    score[other] = wc;
                }
            }
            score[other] += w;
        }
    }
    if let Some((common, _)) = ctx.common {
        let w = ctx.weight[common as usize];
        let alone: Vec<usize> = (ctx.postings[common as usize].iter())
            .filter(|&&other| score[other] == 0.0)
            .take(keep)
            .copied()
            .collect();
        for other in alone {
            score[other] = w;
            touched.push(other);
        }
    }
    // Highest score first, then newest (lowest position): positions are
    // distinct, so this orders every pair. A common tag touches thousands
    // of releases and only a few are kept, so one pass keeps the best so
    // far in order; most candidates fail the first comparison with the
    // last kept and cost nothing more.
    let before = |a: usize, b: usize| score[a] > score[b] || (score[a] == score[b] && a < b);
    let mut top: Vec<usize> = Vec::with_capacity(keep + 1);
    if keep > 0 {
        for &p in touched.iter() {
            if top.len() == keep {
                if !before(p, top[keep - 1]) {
                    continue;
                }
                top.pop();
            }
            let at = top.partition_point(|&q| before(q, p));
            top.insert(at, p);
        }
    }
    for &p in touched.iter() {
        score[p] = 0.0;
    }
    touched.clear();
    top
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{Section, SourceDoc};
    use std::path::PathBuf;

    fn release(key: &str, lang: &str, tags: &[&str]) -> Entry {
        let source = SourceDoc {
            path: PathBuf::from(format!("/site/content/releases/{key}.{lang}.md")),
            rel: PathBuf::from(format!("content/releases/{key}.{lang}.md")),
            section: Section::Releases,
            key: key.to_owned(),
            stem: key.to_owned(),
            lang: lang.to_owned(),
            bundle: false,
        };
        let text = format!("---\ntitle: {key}\ndate: 2020-01-01\n---\n\nBody.\n");
        let mut doc = crate::document::parse(source, &text).unwrap().0;
        doc.front.tags = tags.iter().map(|t| (*t).to_owned()).collect();
        Entry {
            doc: Arc::new(doc),
            slug: key.to_owned(),
            path: format!("/{lang}/{key}/"),
            group: 0,
        }
    }

    #[test]
    fn previous_and_next_stay_in_the_language() {
        // Newest first.
        let releases = [
            release("c", "en", &["x"]),
            release("c", "ru", &["x"]),
            release("b", "en", &["x"]),
            release("a", "en", &["x"]),
        ];
        let r = compute(&releases, 3, None).0;
        assert_eq!((r[0].previous, r[0].next), (Some(2), None));
        assert_eq!((r[2].previous, r[2].next), (Some(3), Some(0)));
        assert_eq!((r[3].previous, r[3].next), (None, Some(2)));
        assert_eq!((r[1].previous, r[1].next), (None, None));
        // Related releases too are named by their place in the model, where
        // the languages interleave.
        assert_eq!(r[0].related, [2, 3]);
        assert_eq!(r[3].related, [0, 2]);
        assert_eq!(r[1].related, Vec::<usize>::new());
    }

    #[test]
    fn rare_shared_tags_rank_first_then_newer() {
        let releases = [
            release("new-common", "en", &["common"]),
            release("rare", "en", &["rare"]),
            release("subject", "en", &["common", "rare"]),
            release("old-common", "en", &["common"]),
            release("other", "en", &["unrelated"]),
            release("ru", "ru", &["common", "rare"]),
        ];
        let r = compute(&releases, 3, None).0;
        // "rare" is shared with one release, "common" with three: the rare
        // one first, then the two common ones newest first; the unrelated
        // release and the other language never.
        assert_eq!(r[2].related, [1, 0, 3]);
        assert_eq!(compute(&releases, 1, None).0[2].related, [1]);
        assert!(
            compute(&releases, 0, None)
                .0
                .iter()
                .all(|x| x.related.is_empty())
        );
        assert_eq!(r[4].related, Vec::<usize>::new());
        assert_eq!(r[5].related, Vec::<usize>::new());
    }

    /// Many releases sharing a few tags: the first `keep` of a full sort by
    /// score, then position, are what [`compute`] keeps.
    #[test]
    fn the_kept_releases_are_the_first_of_a_full_ranking() {
        // The first tag is on half the releases: named so that it is
        // added first, then last.
        for tags in [
            ["a", "b", "c", "d", "e", "f"],
            ["f", "e", "d", "c", "b", "a"],
        ] {
            kept_releases_are_the_first_of_a_full_ranking(tags);
        }
    }

    fn kept_releases_are_the_first_of_a_full_ranking(tags: [&str; 6]) {
        let releases: Vec<Entry> = (0..80usize)
            .map(|i| {
                let mine: Vec<&str> = (0..tags.len())
                    .filter(|t| (i * 7 + t * 13) % (t + 2) == 0)
                    .map(|t| tags[t])
                    .collect();
                release(&format!("r{i:02}"), "en", &mine)
            })
            .collect();
        for keep in [1, 3, 20] {
            let r = compute(&releases, keep, None).0;
            for (i, entry) in releases.iter().enumerate() {
                let count = |tag: &str| {
                    releases
                        .iter()
                        .filter(|e| e.doc.front.tags.iter().any(|t| t == tag))
                        .count() as f64
                };
                let mut scored: Vec<(f64, usize)> = (0..releases.len())
                    .filter(|&j| j != i)
                    .map(|j| {
                        let mut shared: Vec<&String> = entry
                            .doc
                            .front
                            .tags
                            .iter()
                            .filter(|t| releases[j].doc.front.tags.contains(t))
                            .collect();
                        shared.sort();
                        shared.dedup();
                        let n = releases.len() as f64;
                        (shared.iter().map(|t| (n / count(t)).ln() + 1.0).sum(), j)
                    })
                    .filter(|&(score, _)| score > 0.0)
                    .collect();
                scored.sort_by(|a, b| b.0.partial_cmp(&a.0).unwrap().then(a.1.cmp(&b.1)));
                let expected: Vec<usize> = scored.iter().take(keep).map(|&(_, j)| j).collect();
                assert_eq!(r[i].related, expected, "release {i}, keep {keep}");
            }
        }
    }

    #[test]
    fn ranking_does_not_depend_on_tag_order() {
        let a = [
            release("x", "en", &["b", "a", "c"]),
            release("y", "en", &["a", "c"]),
            release("z", "en", &["b", "c"]),
            release("w", "en", &["c", "a", "b", "b"]),
        ];
        let b = [
            release("x", "en", &["c", "a", "b"]),
            release("y", "en", &["c", "a"]),
            release("z", "en", &["c", "b"]),
            release("w", "en", &["b", "a", "c"]),
        ];
        assert_eq!(compute(&a, 3, None).0, compute(&b, 3, None).0);
        assert_eq!(compute(&a, 3, None).0[0].related, [3, 1, 2]);
    }
}
