//! Which output files recorded each dependency key, kept between the rounds
//! of a watch session.
//!
//! A round whose model is the last one's but for some bodies makes the same
//! files at the same paths (see the session's `same_files`). After the last
//! round every file's recorded hashes were its keys' hashes, so a file can
//! be stale only if one of its keys' hashes moved since: the round checks
//! the files listed under those keys and takes every other as it is,
//! instead of reading the two million recorded dependencies of 53,000
//! files at 10k × 3.

use crate::cache::{DepRange, Manifest};

/// Per key of a [`Manifest`], the jobs whose files recorded it, and where
/// each job's dependencies sit. It may list a job under a key its file no
/// longer reads (a file rendered again is added under its new keys and not
/// taken off its old ones), never the other way round.
#[derive(Debug)]
pub struct KeyUsers {
    /// Per job, its file's dependencies in the manifest.
    ranges: Vec<DepRange>,
    /// The jobs of key `k` are `jobs[starts[k]..starts[k + 1]]`.
    starts: Vec<u32>,
    jobs: Vec<u32>,
    /// (key, job) for each dependency of a file rendered since the table
    /// was made.
    extra: Vec<(u32, u32)>,
}

impl KeyUsers {
    /// The table of `manifest` for jobs whose files' dependencies sit at
    /// `ranges` (one per job, in job order).
    pub fn new(manifest: &Manifest, ranges: Vec<DepRange>) -> KeyUsers {
        let keys = manifest.keys().len();
        let mut starts = vec![0u32; keys + 1];
        for &range in &ranges {
            for &(k, _) in manifest.deps_at(range) {
                starts[k as usize + 1] += 1;
            }
        }
        for k in 0..keys {
            starts[k + 1] += starts[k];
        }
        let mut fill: Vec<u32> = starts[..keys].to_vec();
        let mut jobs = vec![0u32; starts[keys] as usize];
        for (job, &range) in ranges.iter().enumerate() {
            for &(k, _) in manifest.deps_at(range) {
                let at = &mut fill[k as usize];
                jobs[*at as usize] = job as u32;
                *at += 1;
            }
        }
        KeyUsers {
            ranges,
            starts,
            jobs,
            extra: Vec::new(),
        }
    }

    /// Where job `job`'s file's dependencies sit.
    pub fn range(&self, job: usize) -> DepRange {
        self.ranges[job]
    }

    /// The jobs listed under a key for which `moved` holds, sorted, each
    /// once.
    pub fn of(&self, moved: &[bool]) -> Vec<usize> {
        let mut out = Vec::new();
        for k in (0..moved.len()).filter(|&k| moved[k]) {
            if let (Some(&from), Some(&to)) = (self.starts.get(k), self.starts.get(k + 1)) {
                out.extend(
                    self.jobs[from as usize..to as usize]
                        .iter()
                        .map(|&j| j as usize),
                );
            }
        }
        let listed = self
            .extra
            .iter()
            .filter(|(k, _)| moved.get(*k as usize) == Some(&true));
        out.extend(listed.map(|&(_, job)| job as usize));
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Job `job`'s file was rendered again; its dependencies now sit at
    /// `range`.
    pub fn record(&mut self, manifest: &Manifest, job: usize, range: DepRange) {
        self.ranges[job] = range;
        let added = manifest
            .deps_at(range)
            .iter()
            .map(|&(k, _)| (k, job as u32));
        self.extra.extend(added);
    }

    /// The table made again once the files rendered since it was made add
    /// up to an eighth of it, so that looking them up stays cheap.
    pub fn tidy(self, manifest: &Manifest) -> KeyUsers {
        if self.extra.len() <= self.jobs.len() / 8 {
            return self;
        }
        KeyUsers::new(manifest, self.ranges)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::deps::Dep;

    fn dep(n: u32) -> Dep {
        Dep::Template(format!("t{n}.html"))
    }

    /// Three files over four keys: file 0 reads 0 and 1, file 1 reads 1
    /// and 2, file 2 reads 3.
    fn manifest() -> (Manifest, Vec<DepRange>) {
        let mut m = Manifest::new();
        let ranges = [vec![0, 1], vec![1, 2], vec![3]]
            .iter()
            .map(|keys| m.intern_reads(keys.iter().map(|&k| (dep(k), 7)).collect()))
            .collect();
        (m, ranges)
    }

    fn moved(keys: &[usize], len: usize) -> Vec<bool> {
        (0..len).map(|k| keys.contains(&k)).collect()
    }

    #[test]
    fn the_jobs_of_moved_keys_are_listed_once() {
        let (m, ranges) = manifest();
        let users = KeyUsers::new(&m, ranges);
        assert_eq!(users.of(&moved(&[1], 4)), [0, 1]);
        assert_eq!(users.of(&moved(&[0, 1, 2], 4)), [0, 1]);
        assert_eq!(users.of(&moved(&[3], 4)), [2]);
        assert_eq!(users.of(&moved(&[], 4)), Vec::<usize>::new());
    }

    #[test]
    fn a_file_rendered_again_is_listed_under_its_new_keys() {
        let (mut m, ranges) = manifest();
        let mut users = KeyUsers::new(&m, ranges);
        // File 2 now reads key 0 and a key the table was made without.
        let range = m.intern_reads(vec![(dep(0), 8), (dep(4), 8)]);
        users.record(&m, 2, range);
        assert_eq!(users.range(2), range);
        assert_eq!(users.of(&moved(&[0], 5)), [0, 2]);
        assert_eq!(users.of(&moved(&[4], 5)), [2]);
        let again = users.tidy(&m);
        assert_eq!(again.of(&moved(&[4], 5)), [2]);
        assert_eq!(again.of(&moved(&[3], 5)), Vec::<usize>::new());
    }
}
