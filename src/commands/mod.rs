//! Commands that sit beside the build pipeline: they read or write a site's
//! sources, or check a built output, but are not stages of a build.

pub mod coverage;
pub mod deploy;
pub mod import;
pub mod init;
pub mod linkcheck;
pub mod new;
pub mod schema;

use crate::diagnostics::{Diagnostic, Diagnostics};

/// A mistake on the command line itself (an unknown language code, a title
/// with no words), as opposed to a mistake in the site's files: it has no
/// file position, and the binary exits with 2 as for any wrong argument.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct UsageError {
    /// What is wrong, naming the argument.
    pub message: String,
    /// How to write it instead.
    pub help: String,
}

impl UsageError {
    /// A usage error with its fix.
    pub fn new(message: impl Into<String>, help: impl Into<String>) -> UsageError {
        UsageError {
            message: message.into(),
            help: help.into(),
        }
    }
}

/// Why a command that writes sources did nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CommandError {
    /// The command line is wrong.
    Usage(UsageError),
    /// The site's files are (or the file system is): located diagnostics.
    Site(Diagnostics),
}

impl From<UsageError> for CommandError {
    fn from(e: UsageError) -> Self {
        CommandError::Usage(e)
    }
}

impl From<Diagnostics> for CommandError {
    fn from(d: Diagnostics) -> Self {
        CommandError::Site(d)
    }
}

impl From<Diagnostic> for CommandError {
    fn from(d: Diagnostic) -> Self {
        CommandError::Site(d.into())
    }
}

/// Checks that `lang` is a language of the site, for an option such as
/// `--lang`.
pub fn site_language(config: &crate::config::SiteConfig, lang: &str) -> Result<(), UsageError> {
    if config.language(lang).is_some() {
        return Ok(());
    }
    let codes: Vec<&str> = config.languages.iter().map(|l| l.code.as_str()).collect();
    Err(UsageError::new(
        format!("--lang `{lang}` is not a language of this site"),
        format!(
            "use one of: {} (the languages listed in site.yaml)",
            codes.join(", ")
        ),
    ))
}
