//! Hashes that mean the same in every process and with every compiler: the
//! build cache compares them across runs.
//!
//! The standard library's `DefaultHasher` may change between Rust releases and
//! hashes values through their `Hash` impls, whose byte layout is not a
//! contract. Here values feed a canonical byte encoding (lengths before
//! strings, integers little-endian) into xxh3, whose output is fixed by its
//! specification.

use std::path::{Path, PathBuf};

use xxhash_rust::xxh3::Xxh3;

/// How many bytes a hasher keeps before it starts streaming them.
const INLINE: usize = 256;

/// A stable 64-bit hasher over a canonical encoding of [`Stable`] values.
///
/// Most values fed are a few dozen bytes in many small pieces (a title, a
/// date, a path): xxh3's streaming state copies each piece through a call
/// to `memcpy` and starts from a 600-byte state, which took a fifth of the
/// time spent hashing dependencies. Up to [`INLINE`] bytes are gathered
/// here and hashed at once; longer input streams. Both give xxh3's one
/// result for the same bytes, so a hash never depends on which was taken.
#[derive(Clone)]
pub struct StableHasher {
    buf: [u8; INLINE],
    len: usize,
    long: Option<Box<Xxh3>>,
}

impl Default for StableHasher {
    fn default() -> Self {
        StableHasher::new()
    }
}

impl StableHasher {
    /// A hasher with nothing fed yet.
    pub fn new() -> StableHasher {
        StableHasher {
            buf: [0; INLINE],
            len: 0,
            long: None,
        }
    }

    /// Feeds raw bytes, without a length: callers that feed several byte
    /// strings use [`Stable`] for `str` or `[u8]`, which prefixes it.
    #[inline]
    pub fn bytes(&mut self, bytes: &[u8]) {
        if self.long.is_none()
            && let Some(room) = self.buf.get_mut(self.len..self.len + bytes.len())
        {
            room.copy_from_slice(bytes);
            self.len += bytes.len();
            return;
        }
        self.stream(bytes);
    }

    /// Feeds `bytes` to the streaming state, made on first use from the
    /// bytes gathered so far.
    #[cold]
    fn stream(&mut self, bytes: &[u8]) {
        let long = self.long.get_or_insert_with(|| {
            let mut x = Box::new(Xxh3::new());
            x.update(&self.buf[..self.len]);
            x
        });
        long.update(bytes);
    }

    /// Feeds one value.
    pub fn add(&mut self, value: &(impl Stable + ?Sized)) -> &mut StableHasher {
        value.feed(self);
        self
    }

    /// The hash of everything fed.
    pub fn finish(&self) -> u64 {
        match &self.long {
            Some(long) => long.digest(),
            None => xxhash_rust::xxh3::xxh3_64(&self.buf[..self.len]),
        }
    }
}

/// The stable hash of one value.
pub fn stable_hash(value: &(impl Stable + ?Sized)) -> u64 {
    let mut h = StableHasher::new();
    value.feed(&mut h);
    h.finish()
}

/// The hash of a byte string (a file's content).
pub fn hash_bytes(bytes: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64(bytes)
}

/// A value with a canonical byte encoding.
pub trait Stable {
    /// Feeds the encoding to `h`.
    fn feed(&self, h: &mut StableHasher);
}

impl Stable for u64 {
    fn feed(&self, h: &mut StableHasher) {
        h.bytes(&self.to_le_bytes());
    }
}

impl Stable for usize {
    fn feed(&self, h: &mut StableHasher) {
        (*self as u64).feed(h);
    }
}

impl Stable for i32 {
    fn feed(&self, h: &mut StableHasher) {
        h.bytes(&self.to_le_bytes());
    }
}

impl Stable for bool {
    fn feed(&self, h: &mut StableHasher) {
        h.bytes(&[u8::from(*self)]);
    }
}

impl Stable for str {
    fn feed(&self, h: &mut StableHasher) {
        self.len().feed(h);
        h.bytes(self.as_bytes());
    }
}

impl Stable for String {
    fn feed(&self, h: &mut StableHasher) {
        self.as_str().feed(h);
    }
}

impl Stable for Path {
    fn feed(&self, h: &mut StableHasher) {
        // The path's text as a `str` would feed it, without checking it is
        // UTF-8 (a build hashes every document's path): the same hash for
        // every valid path, as before.
        #[cfg(unix)]
        {
            let bytes = std::os::unix::ffi::OsStrExt::as_bytes(self.as_os_str());
            bytes.len().feed(h);
            h.bytes(bytes);
        }
        #[cfg(not(unix))]
        self.to_string_lossy().as_ref().feed(h);
    }
}

impl Stable for PathBuf {
    fn feed(&self, h: &mut StableHasher) {
        self.as_path().feed(h);
    }
}

impl<T: Stable + ?Sized> Stable for &T {
    fn feed(&self, h: &mut StableHasher) {
        (**self).feed(h);
    }
}

impl<T: Stable> Stable for Option<T> {
    fn feed(&self, h: &mut StableHasher) {
        match self {
            None => h.bytes(&[0]),
            Some(v) => {
                h.bytes(&[1]);
                v.feed(h);
            }
        }
    }
}

impl<T: Stable> Stable for [T] {
    fn feed(&self, h: &mut StableHasher) {
        self.len().feed(h);
        for v in self {
            v.feed(h);
        }
    }
}

impl<T: Stable> Stable for Vec<T> {
    fn feed(&self, h: &mut StableHasher) {
        self.as_slice().feed(h);
    }
}

macro_rules! tuple {
    ($($name:ident),+) => {
        impl<$($name: Stable),+> Stable for ($($name,)+) {
            #[allow(non_snake_case)]
            fn feed(&self, h: &mut StableHasher) {
                let ($($name,)+) = self;
                $($name.feed(h);)+
            }
        }
    };
}
tuple!(A);
tuple!(A, B);
tuple!(A, B, C);
tuple!(A, B, C, D);
tuple!(A, B, C, D, E);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_encoding_is_fixed() {
        // Pinned: a change here invalidates every cache, so it must be on
        // purpose (and come with a new cache format version).
        assert_eq!(stable_hash(&("a", 1usize)), stable_hash(&("a", 1usize)));
        assert_eq!(hash_bytes(b""), 0x2d06800538d394c2);
        // Lengths keep neighbouring strings apart.
        assert_ne!(stable_hash(&("ab", "c")), stable_hash(&("a", "bc")));
        assert_ne!(stable_hash(&None::<u64>), stable_hash(&Some(0u64)));
    }

    #[test]
    fn a_path_hashes_as_its_text() {
        for text in ["content/releases/2015/a.en.md", "ру/қазақ.md", ""] {
            assert_eq!(stable_hash(Path::new(text)), stable_hash(text));
        }
        assert_ne!(stable_hash(Path::new("a/b")), stable_hash(Path::new("a/c")));
    }

    #[test]
    fn gathered_and_streamed_input_hash_as_one_piece() {
        // Lengths on both sides of the gathered limit, fed in pieces of
        // several sizes, hash as xxh3 hashes all the bytes at once.
        let all: Vec<u8> = (0..3 * INLINE).map(|i| (i * 7 + 3) as u8).collect();
        for len in [0, 1, 8, INLINE - 1, INLINE, INLINE + 1, 2 * INLINE + 5] {
            for piece in [1, 3, 8, 100, INLINE + 1] {
                let mut h = StableHasher::new();
                for chunk in all[..len].chunks(piece) {
                    h.bytes(chunk);
                }
                assert_eq!(
                    h.finish(),
                    xxhash_rust::xxh3::xxh3_64(&all[..len]),
                    "{len} bytes in pieces of {piece}"
                );
            }
        }
    }
}
