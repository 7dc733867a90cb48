//! Fixture sites in temporary folders, and helpers to read their output.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// A fixture site copied into a temporary folder.
pub(crate) struct Site {
    dir: tempfile::TempDir,
}

impl Site {
    /// Copies `tests/fixtures/<name>` and the default theme.
    pub(crate) fn fixture(name: &str) -> Site {
        let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
        let dir = tempfile::tempdir().unwrap();
        copy_dir(&manifest.join("tests/fixtures").join(name), dir.path());
        copy_dir(
            &manifest.join("themes/osce"),
            &dir.path().join("themes/osce"),
        );
        Site { dir }
    }

    pub(crate) fn root(&self) -> &Path {
        self.dir.path()
    }

    pub(crate) fn public(&self) -> PathBuf {
        self.root().join("public")
    }

    pub(crate) fn write(&self, rel: &str, text: impl AsRef<[u8]>) {
        let path = self.root().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    pub(crate) fn remove(&self, rel: &str) {
        std::fs::remove_file(self.root().join(rel)).unwrap();
    }

    /// `pressroom <args> --root <site>`.
    pub(crate) fn cmd(&self, args: &[&str]) -> Command {
        let mut cmd = Command::cargo_bin("pressroom").unwrap();
        cmd.args(args).arg("--root").arg(self.root());
        cmd
    }

    /// Builds with the library; panics with the diagnostics on failure.
    pub(crate) fn build(&self) -> pressroom::BuildReport {
        self.try_build(|_| {}).unwrap_or_else(|e| {
            let text: Vec<String> = e.sorted().iter().map(|d| d.to_string()).collect();
            panic!("build failed:\n{}", text.join("\n"))
        })
    }

    /// Builds with the library after adjusting the options.
    pub(crate) fn try_build(
        &self,
        adjust: impl FnOnce(&mut pressroom::BuildOptions),
    ) -> Result<pressroom::BuildReport, pressroom::BuildErrors> {
        let mut opts = pressroom::BuildOptions::new(self.root(), Some(self.public()));
        // A fixed "now" keeps embargo tests independent of the clock.
        opts.now = "2026-01-01T00:00:00Z".parse().unwrap();
        adjust(&mut opts);
        pressroom::build(&opts)
    }

    /// An output file as text.
    pub(crate) fn read(&self, rel: &str) -> String {
        let path = self.public().join(rel);
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    pub(crate) fn exists(&self, rel: &str) -> bool {
        self.public().join(rel).exists()
    }

    /// Every output file and its bytes.
    pub(crate) fn tree(&self) -> BTreeMap<String, Vec<u8>> {
        tree(&self.public())
    }
}

pub(crate) fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let rel = entry
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            files.insert(rel, std::fs::read(entry.path()).unwrap());
        }
    }
    files
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// The case count of a property test whose cases are whole builds: `default`
/// keeps `cargo test` quick, and `PROPTEST_CASES`, which a fixed
/// `ProptestConfig::cases` would ignore, raises it for a longer search.
pub(crate) fn proptest_cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(default)
}

/// The `<main>` element of a page: what a template change should not hide.
pub(crate) fn main_of(html: &str) -> &str {
    let start = html.find("<main").expect("page has a <main>");
    let end = html.find("</main>").expect("page closes </main>") + "</main>".len();
    &html[start..end]
}

/// Every value of `attr="…"` in `html`.
pub(crate) fn attr_values<'a>(html: &'a str, attr: &str) -> Vec<&'a str> {
    let needle = format!(" {attr}=\"");
    html.match_indices(&needle)
        .map(|(i, _)| {
            let rest = &html[i + needle.len()..];
            &rest[..rest.find('"').unwrap()]
        })
        .collect()
}
