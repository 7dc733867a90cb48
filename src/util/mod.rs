//! Small helpers every stage uses: file I/O whose errors name their path
//! ([`fs`]), hashes that are stable across processes ([`hash`]) and URL slugs
//! ([`slug`]).

pub mod fs;
pub mod hash;
pub mod slug;
