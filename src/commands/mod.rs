//! Commands that sit beside the build pipeline: they read or write a site's
//! sources, or check a built output, but are not stages of a build.

pub mod coverage;
pub mod deploy;
pub mod import;
pub mod linkcheck;
pub mod new;
