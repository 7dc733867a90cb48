//! Small helpers every stage uses: file I/O whose errors name their path
//! ([`fs`]) and URL slugs ([`slug`]).

pub mod fs;
pub mod slug;
