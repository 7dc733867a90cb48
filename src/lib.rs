//! pressroom: a static site generator for multilingual press-release archives.

pub mod import;
pub mod slug;
