//! File-system helpers whose errors always name the path involved.
//!
//! All reading of input goes through [`read_text`], so every source file gets
//! the same treatment: UTF-8 is required (with the position of the first bad
//! byte when it is not), a byte-order mark is dropped and CRLF line endings are
//! read as LF, because editors on Windows produce both.
//!
//! Input is read only from inside the site root and the theme: every walk
//! asks [`Confinement`] about the symbolic links it meets, so a link in a
//! bundle, `static/`, `templates/` or `locales/` that resolves elsewhere (a
//! file of secrets, `/proc/self/environ`) is an error, never published.

use std::borrow::Cow;
use std::io;
use std::path::{Path, PathBuf};

use crate::diagnostics::{Diagnostic, line_col};

/// Reads a text file as UTF-8, without BOM, with `\n` line endings, and
/// without the characters XML 1.0 forbids (see [`check_xml_chars`]).
/// `display` is the path shown in diagnostics (usually relative to the root).
pub fn read_text(path: &Path, display: &Path) -> Result<String, Diagnostic> {
    let bytes = std::fs::read(path).map_err(|e| io_diagnostic(display, &e, "read"))?;
    let text = decode_text(bytes, display)?;
    check_xml_chars(&text, display)?;
    Ok(text)
}

/// Whether XML 1.0 forbids `c`: control characters other than tab and line
/// breaks, and the non-characters U+FFFE and U+FFFF.
pub fn is_xml_forbidden(c: char) -> bool {
    matches!(c, '\0'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}')
}

/// The error for the first character of `text` that XML forbids. Every input
/// can end up in a feed or the sitemap, which such a character would make
/// unreadable to feed readers, so it is refused where it was typed.
pub fn check_xml_chars(text: &str, display: &Path) -> Result<(), Diagnostic> {
    let Some((at, c)) = first_xml_forbidden(text) else {
        return Ok(());
    };
    let (line, column) = line_col(text, at);
    Err(Diagnostic::error(
        display,
        line,
        column,
        format!(
            "the file contains the invisible control character U+{:04X}, which feeds and the sitemap (XML) cannot carry",
            u32::from(c)
        ),
    )
    .with_help("delete it (it is usually a leftover of copying from a word processor or a terminal)"))
}

/// The first character of `text` that [`is_xml_forbidden`], with its byte
/// offset. Scans bytes, not characters (every document passes through here
/// on every build): the forbidden control characters are single bytes below
/// 0x20, which never occur inside a longer UTF-8 sequence, and U+FFFE and
/// U+FFFF are the only characters encoded as `EF BF BE` and `EF BF BF`.
fn first_xml_forbidden(text: &str) -> Option<(usize, char)> {
    let bytes = text.as_bytes();
    let bad = |i: usize, b: u8| {
        (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r'))
            || (b == 0xef
                && bytes
                    .get(i + 1..i + 3)
                    .is_some_and(|r| r[0] == 0xbf && r[1] >= 0xbe))
    };
    // Blocks without a control character or an 0xEF byte (nearly all) are
    // passed over with a test the compiler can vectorise.
    const BLOCK: usize = 64;
    let mut start = 0;
    for block in bytes.chunks(BLOCK) {
        // Line breaks are in nearly every block, so they must not make it
        // suspect; `&` and `|` rather than `&&` keep the test branch-free.
        let suspect = block.iter().fold(false, |any, &b| {
            any | ((b < 0x20) & (b != b'\n') & (b != b'\t') & (b != b'\r')) | (b == 0xef)
        });
        if suspect
            && let Some(k) = block
                .iter()
                .enumerate()
                .position(|(k, &b)| bad(start + k, b))
        {
            let at = start + k;
            let c = text[at..].chars().next()?;
            debug_assert!(is_xml_forbidden(c));
            return Some((at, c));
        }
        start += block.len();
    }
    None
}

/// Decodes bytes read from `display` as UTF-8 text, normalised as in [`read_text`].
pub fn decode_text(bytes: Vec<u8>, display: &Path) -> Result<String, Diagnostic> {
    decode_str(&bytes, display).map(Cow::into_owned)
}

/// Decodes bytes as [`decode_text`] does, borrowing them where they need no
/// change. Most of a large site's input is Cyrillic and Kazakh documents,
/// whose multi-byte text the SIMD validator checks several times faster
/// than the standard library's.
pub fn decode_str<'a>(bytes: &'a [u8], display: &Path) -> Result<Cow<'a, str>, Diagnostic> {
    let text = match simdutf8::basic::from_utf8(bytes) {
        Ok(text) => text,
        // The fast check does not say where the bad byte is; the standard
        // library's does.
        Err(_) => {
            std::str::from_utf8(bytes).map_err(|e| not_utf8(bytes, e.valid_up_to(), display))?
        }
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    Ok(if text.contains('\r') {
        Cow::Owned(text.replace("\r\n", "\n").replace('\r', "\n"))
    } else {
        Cow::Borrowed(text)
    })
}

/// The error for `bytes`, valid UTF-8 up to byte `valid` only.
fn not_utf8(bytes: &[u8], valid: usize, display: &Path) -> Diagnostic {
    let before = String::from_utf8_lossy(&bytes[..valid]);
    let (line, column) = line_col(&before, before.len());
    let byte = bytes.get(valid).copied().unwrap_or_default();
    Diagnostic::error(
        display,
        line,
        column,
        format!("the file is not valid UTF-8 (byte 0x{byte:02X} at offset {valid})"),
    )
    .with_help("save the file as UTF-8 in your editor (File → Save with encoding → UTF-8)")
}

/// The folders input may come from: the site root and the theme in use,
/// with links resolved.
#[derive(Debug, Clone)]
pub struct Confinement {
    roots: Vec<PathBuf>,
    /// Where diagnostics' paths are made relative to.
    root: PathBuf,
}

impl Confinement {
    /// The site root and the theme of `config`.
    pub fn of(config: &crate::config::SiteConfig) -> Confinement {
        Confinement::new(&config.root, &[config.theme_dir()])
    }

    /// `root` and the `extra` folders (those that exist).
    pub fn new(root: &Path, extra: &[PathBuf]) -> Confinement {
        let roots = std::iter::once(root)
            .chain(extra.iter().map(PathBuf::as_path))
            .filter_map(|p| std::fs::canonicalize(p).ok())
            .collect();
        Confinement {
            roots,
            root: root.to_path_buf(),
        }
    }

    /// Whether a walk may take `entry`. A link that leads out of the allowed
    /// folders is reported in `problems` and refused, and when it is a folder
    /// the walk steps over it (`skip_folder`, the walker's
    /// `skip_current_dir`), so nothing under it is read either.
    pub fn admit(
        &self,
        entry: &walkdir::DirEntry,
        problems: &mut crate::diagnostics::Diagnostics,
        skip_folder: impl FnOnce(),
    ) -> bool {
        let Some(escape) = self.check(entry) else {
            return true;
        };
        problems.push(escape);
        if entry.file_type().is_dir() {
            skip_folder();
        }
        false
    }

    /// The error for a walk entry that is a link resolving outside the
    /// allowed folders; `None` for everything else. Only links are resolved,
    /// so a walk pays for this only where there are links: what lies under a
    /// folder whose every link was checked is inside too.
    pub fn check(&self, entry: &walkdir::DirEntry) -> Option<Diagnostic> {
        if !entry.path_is_symlink() {
            return None;
        }
        let target = std::fs::canonicalize(entry.path()).ok()?;
        if self.roots.iter().any(|r| target.starts_with(r)) {
            return None;
        }
        let display = entry
            .path()
            .strip_prefix(&self.root)
            .unwrap_or(entry.path());
        Some(
            Diagnostic::error(
                display,
                1,
                1,
                format!(
                    "this is a symbolic link to `{}`, outside the site; pressroom reads only files inside the site folder and its theme",
                    target.display()
                ),
            )
            .with_help("copy the file into the site instead of linking to it, or remove the link"),
        )
    }
}

/// A diagnostic for an I/O failure on `display` while doing `what`.
pub fn io_diagnostic(display: &Path, err: &io::Error, what: &str) -> Diagnostic {
    let help = match err.kind() {
        io::ErrorKind::NotFound => "check that the path exists and is spelt correctly",
        io::ErrorKind::PermissionDenied => "check the file's permissions",
        _ => "check the file and try again",
    };
    Diagnostic::error(display, 1, 1, format!("cannot {what} the file: {err}")).with_help(help)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bom_and_crlf_are_normalised() {
        let text = decode_text(
            b"\xEF\xBB\xBF---\r\ntitle: x\r\n---\r\n".to_vec(),
            Path::new("a.md"),
        )
        .unwrap();
        assert_eq!(text, "---\ntitle: x\n---\n");
    }

    #[test]
    fn links_out_of_the_site_are_refused_and_links_within_pass() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        let theme = dir.path().join("shared-theme");
        std::fs::create_dir_all(site.join("content")).unwrap();
        std::fs::create_dir_all(&theme).unwrap();
        std::fs::write(dir.path().join("secret"), "x").unwrap();
        std::fs::write(site.join("inside.txt"), "x").unwrap();
        std::fs::write(theme.join("style.css"), "x").unwrap();
        let link = |target: &Path, name: &str| {
            std::os::unix::fs::symlink(target, site.join("content").join(name)).unwrap();
        };
        link(&dir.path().join("secret"), "out");
        link(&site.join("inside.txt"), "in");
        link(&theme.join("style.css"), "theme");
        link(Path::new("/proc/self/environ"), "environ");
        let confinement = Confinement::new(&site, &[theme]);
        let mut refused = Vec::new();
        for entry in walkdir::WalkDir::new(site.join("content"))
            .follow_links(true)
            .sort_by_file_name()
        {
            if let Some(d) = confinement.check(&entry.unwrap()) {
                refused.push(d.path.display().to_string());
            }
        }
        assert_eq!(refused, ["content/environ", "content/out"]);
    }

    #[test]
    fn characters_xml_forbids_are_located() {
        let d = check_xml_chars("title: a\nbody \u{1b}[31m", Path::new("a.md")).unwrap_err();
        assert_eq!((d.line, d.column), (2, 6));
        assert!(d.message.contains("U+001B"), "{}", d.message);
        assert!(check_xml_chars("tab\tand\nline \u{85} é", Path::new("a.md")).is_ok());
        assert!(check_xml_chars("\u{ffff}", Path::new("a.md")).is_err());
    }

    #[test]
    fn the_byte_scan_finds_what_the_character_rule_forbids() {
        // Every character of the first two planes, and some beyond, each
        // between a Cyrillic letter and U+FFFD (whose bytes start as U+FFFF's do).
        let chars = ('\0'..='\u{1ffff}').chain(['\u{10fffe}', '\u{10ffff}']);
        for c in chars {
            let text = format!("я{c}\u{fffd}");
            let by_char = text.char_indices().find(|&(_, c)| is_xml_forbidden(c));
            assert_eq!(
                first_xml_forbidden(&text),
                by_char,
                "U+{:04X}",
                u32::from(c)
            );
        }
        assert_eq!(
            first_xml_forbidden("\u{fffd}\u{fffe}"),
            Some((3, '\u{fffe}'))
        );
    }

    #[test]
    fn text_is_decoded_and_normalised_and_bad_bytes_located() {
        type Want = Result<&'static str, (usize, usize, &'static str)>;
        let cases: [(&[u8], Want); 7] = [
            (
                b"\xEF\xBB\xBF---\r\ntitle: x\r\n---\r\n",
                Ok("---\ntitle: x\n---\n"),
            ),
            (
                "заголовок: Қазақстан\rжол\n".as_bytes(),
                Ok("заголовок: Қазақстан\nжол\n"),
            ),
            (b"plain\n", Ok("plain\n")),
            (b"", Ok("")),
            (
                b"title: ok\nbad: \xFF\xFE\n",
                Err((2, 6, "(byte 0xFF at offset 15)")),
            ),
            (b"cut \xD0", Err((1, 5, "(byte 0xD0 at offset 4)"))),
            (
                b"\xEF\xBB\xBFonly a mark, then \xC3\x28",
                Err((1, 20, "(byte 0xC3 at offset 21)")),
            ),
        ];
        let display = Path::new("a.md");
        for (bytes, want) in cases {
            // Borrowed and owned, the same text or the same error.
            let by_str = decode_str(bytes, display).map(Cow::into_owned);
            let by_text = decode_text(bytes.to_vec(), display);
            for got in [by_str, by_text] {
                match (got, want) {
                    (Ok(text), Ok(want)) => assert_eq!(text, want),
                    (Err(d), Err((line, column, end))) => {
                        assert_eq!((d.line, d.column), (line, column), "{bytes:?}");
                        assert!(d.message.starts_with("the file is not valid UTF-8"));
                        assert!(d.message.ends_with(end), "{}", d.message);
                    }
                    (got, want) => panic!("{bytes:?}: {got:?}, not {want:?}"),
                }
            }
        }
        // Text that needs no change is borrowed, not copied.
        assert!(matches!(
            decode_str(b"plain\n", display),
            Ok(Cow::Borrowed(_))
        ));
    }

    #[test]
    fn a_control_character_is_found_among_line_breaks() {
        // Line breaks, which are in every block, must not hide what follows
        // them in the block.
        for at in [0, 1, 63, 64, 65, 200] {
            let mut text: String = "a\n\t\r".repeat(60);
            text.insert(at, '\u{7}');
            assert_eq!(first_xml_forbidden(&text), Some((at, '\u{7}')), "at {at}");
        }
    }

    #[test]
    fn invalid_utf8_points_at_the_byte() {
        let d = decode_text(b"title: ok\nbad: \xFF\xFE\n".to_vec(), Path::new("a.md")).unwrap_err();
        assert_eq!((d.line, d.column), (2, 6));
        assert!(d.message.contains("not valid UTF-8"), "{}", d.message);
    }
}
