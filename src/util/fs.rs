//! File-system helpers whose errors always name the path involved.
//!
//! All reading of input goes through [`read_text`], so every source file gets
//! the same treatment: UTF-8 is required (with the position of the first bad
//! byte when it is not), a byte-order mark is dropped and CRLF line endings are
//! read as LF, because editors on Windows produce both.

use std::io;
use std::path::Path;

use crate::diagnostics::{Diagnostic, line_col};

/// Reads a text file as UTF-8, without BOM, with `\n` line endings.
/// `display` is the path shown in diagnostics (usually relative to the root).
pub fn read_text(path: &Path, display: &Path) -> Result<String, Diagnostic> {
    let bytes = std::fs::read(path).map_err(|e| io_diagnostic(display, &e, "read"))?;
    decode_text(bytes, display)
}

/// Decodes bytes read from `display` as UTF-8 text, normalised as in [`read_text`].
pub fn decode_text(bytes: Vec<u8>, display: &Path) -> Result<String, Diagnostic> {
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(err) => {
            let valid = err.utf8_error().valid_up_to();
            let bytes = err.into_bytes();
            let before = String::from_utf8_lossy(&bytes[..valid]);
            let (line, column) = line_col(&before, before.len());
            return Err(Diagnostic::error(
                display,
                line,
                column,
                format!(
                    "the file is not valid UTF-8 (byte 0x{:02X} at offset {valid})",
                    bytes[valid]
                ),
            )
            .with_help(
                "save the file as UTF-8 in your editor (File → Save with encoding → UTF-8)",
            ));
        }
    };
    let text = match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_owned(),
        None => text,
    };
    Ok(if text.contains('\r') {
        text.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        text
    })
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
    fn invalid_utf8_points_at_the_byte() {
        let d = decode_text(b"title: ok\nbad: \xFF\xFE\n".to_vec(), Path::new("a.md")).unwrap_err();
        assert_eq!((d.line, d.column), (2, 6));
        assert!(d.message.contains("not valid UTF-8"), "{}", d.message);
    }
}
