//! pressroom: a static site generator for multilingual press-release archives.

pub mod slug;
