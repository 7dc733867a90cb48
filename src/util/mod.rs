//! Small helpers every stage uses: the layout of the cache's files
//! ([`bytes`]), file I/O whose errors name their path ([`fs`]), per-thread
//! logs of what a computation read ([`frames`]), hashes that are stable
//! across processes ([`hash`]) and URL slugs ([`slug`]).

pub mod bytes;
pub mod frames;
pub mod fs;
pub mod hash;
pub mod slug;
