//! Faults during the commit: a build killed with SIGKILL at random moments
//! must leave the output as exactly one whole build, the previous or the new
//! one, never a mix; and two builds into one output never run at once.
//!
//! The test hook `PRESSROOM_TEST_COMMIT_PAUSE_US` slows the commit down (a
//! pause at every step) and announces its start on stderr; the kill lands at
//! a random moment between that line and the end of an unkilled commit. `PRESSROOM_FAULT_ITERATIONS` sets how many kills per
//! commit mode (default 4); the assertions do not depend on when the kill
//! lands, only how many land inside the commit does.

use std::collections::BTreeMap;
use std::io::{BufRead as _, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use pressroom::output::{IN_PLACE_ENV, PAUSE_ENV};

use crate::util::{Site, tree};

type Tree = BTreeMap<String, Vec<u8>>;

/// Writes a corpus of `n` releases in three languages, version `v`: the
/// second version changes a third of the bodies, drops a sixth of the
/// releases and adds as many, so its commit writes, links and deletes.
fn corpus(site: &Site, n: usize, v: u32) {
    let dir = site.root().join("content/releases/2014");
    let _ = std::fs::remove_dir_all(&dir);
    for i in 0..n {
        if v == 2 && i % 6 == 0 {
            continue;
        }
        let body = if v == 2 && i % 3 == 1 {
            "Changed"
        } else {
            "Text"
        };
        for lang in ["en", "ru", "kk"] {
            site.write(
                &format!("content/releases/2014/r{i}.{lang}.md"),
                format!(
                    "---\ntitle: \"Release {i} {lang}\"\ndate: 2014-03-{:02}\ntags: [probation]\n---\n\n{body} {i}.\n",
                    1 + i % 28
                ),
            );
        }
    }
    if v == 2 {
        for i in 0..n / 6 {
            site.write(
                &format!("content/releases/2014/added{i}.en.md"),
                format!("---\ntitle: \"Added {i}\"\ndate: 2014-05-01\n---\n\nNew.\n"),
            );
        }
    }
}

fn pressroom(site: &Site, out: &Path) -> Command {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("pressroom"));
    cmd.arg("build")
        .arg("--root")
        .arg(site.root())
        .arg("-o")
        .arg(out)
        .arg("-q")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    cmd
}

/// Replaces `out` with a copy of `from`.
fn restore(from: &Tree, out: &Path) {
    let _ = std::fs::remove_dir_all(out);
    for (rel, bytes) in from {
        let path = out.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
}

/// A small pseudo-random sequence, seeded from the clock (a failure names
/// its seed; the outcome never depends on it).
fn next(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

fn kill_during_commits(in_place: bool) {
    let iterations: usize = std::env::var("PRESSROOM_FAULT_ITERATIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(4);
    let site = Site::fixture("basic");
    let scratch = tempfile::tempdir().unwrap();
    let out = scratch.path().join("public");

    corpus(&site, 30, 1);
    assert!(pressroom(&site, &out).status().unwrap().success());
    let old = tree(&out);
    corpus(&site, 30, 2);
    let started = Instant::now();
    assert!(pressroom(&site, &out).status().unwrap().success());
    let new = tree(&out);
    assert_ne!(old, new);

    // One whole run with the pause, to know how long the commit stretches.
    let run = |kill_after: Option<Duration>| {
        restore(&old, &out);
        let mut cmd = pressroom(&site, &out);
        cmd.env(PAUSE_ENV, "1500").stderr(Stdio::piped());
        if in_place {
            cmd.env(IN_PLACE_ENV, "1");
        }
        let mut child = cmd.spawn().unwrap();
        let mut stderr = BufReader::new(child.stderr.take().unwrap());
        let mut line = String::new();
        while stderr.read_line(&mut line).unwrap() > 0 && !line.contains("the commit begins") {
            line.clear();
        }
        let started = Instant::now();
        if let Some(after) = kill_after {
            std::thread::sleep(after);
            // Already finished is fine: then the new build must be whole.
            let _ = child.kill();
        }
        child.wait().unwrap();
        started.elapsed()
    };
    let slow = run(None);
    assert_eq!(tree(&out), new);

    let seed = u64::from(started.elapsed().subsec_nanos()) | 1;
    let mut state = seed;
    for i in 0..iterations {
        let at = Duration::from_micros(next(&mut state) % (slow.as_micros() as u64).max(1));
        run(Some(at));
        if in_place {
            // What the next pressroom run on this output does first.
            pressroom::output::recover(&out).unwrap();
        }
        let got = tree(&out);
        if got != old && got != new {
            let as_old = got.iter().filter(|(k, v)| old.get(*k) == Some(*v)).count();
            let as_new = got.iter().filter(|(k, v)| new.get(*k) == Some(*v)).count();
            panic!(
                "kill {i} at {at:?} of a {slow:?} commit (seed {seed}) left a mixed output: {} files, {as_old} as in the previous build, {as_new} as in the new one",
                got.len()
            );
        }
        // No leftovers may be taken for output: the next build cleans them.
        assert!(pressroom(&site, &out).status().unwrap().success());
        assert_eq!(tree(&out), new);
    }
}

#[test]
fn a_build_killed_during_its_commit_leaves_one_whole_build() {
    kill_during_commits(false);
}

#[test]
fn a_journal_commit_killed_midway_is_rolled_forward_to_one_whole_build() {
    kill_during_commits(true);
}

#[test]
fn a_second_build_into_the_same_output_stops_and_names_the_lock() {
    let site = Site::fixture("basic");
    site.build();
    site.write(
        "content/releases/2015/new.en.md",
        "---\ntitle: New\ndate: 2015-06-01\n---\n\nText.\n",
    );
    let out = site.public();
    let mut first = pressroom(&site, &out)
        .env(PAUSE_ENV, "200000")
        .spawn()
        .unwrap();
    // The staging folder exists once the first build holds the lock.
    let staging = site.root().join(".public.pressroom-staging");
    let waited = Instant::now();
    while !staging.exists() && waited.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(10));
    }
    let second = site.cmd(&["build"]).output().unwrap();
    let _ = first.kill();
    first.wait().unwrap();
    assert_eq!(second.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&second.stderr);
    let lock = site.root().join(".public.pressroom-lock");
    assert!(
        stderr.starts_with(&format!(
            "{}:1:1: error: another pressroom process is writing this output folder (it holds this lock)\n  help: wait for the other build, watch or serve to finish, then run this again\nbuild failed: 1 error; the output folder was left as it was\n",
            lock.display()
        )),
        "{stderr}"
    );
}
