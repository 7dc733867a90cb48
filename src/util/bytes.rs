//! The layout of the build cache's files: little-endian numbers, counts
//! and length-prefixed strings, written through [`Encode`] and read back
//! with a [`Decoder`]. Each module encodes what it owns (the manifest and
//! parsed documents in [`crate::cache`], a language's search words in
//! [`crate::search::index`]), all in this one layout.

/// A sink of encoded values. Only [`Encode::bytes`] is required; every
/// value is made of bytes passed to it.
pub trait Encode {
    /// Passes `b` on as it is.
    fn bytes(&mut self, b: &[u8]);

    /// One byte.
    fn u8(&mut self, v: u8) {
        self.bytes(&[v]);
    }

    /// Four bytes, little-endian.
    fn u32(&mut self, v: u32) {
        self.bytes(&v.to_le_bytes());
    }

    /// Eight bytes, little-endian.
    fn u64(&mut self, v: u64) {
        self.bytes(&v.to_le_bytes());
    }

    /// A count of what follows, as a `u64` whatever the platform's word.
    fn count(&mut self, n: usize) {
        self.u64(n as u64);
    }

    /// The string's length in bytes, then its bytes.
    fn str(&mut self, s: &str) {
        self.count(s.len());
        self.bytes(s.as_bytes());
    }

    /// A count, then that many `u32`s.
    fn u32s(&mut self, list: &[u32]) {
        self.count(list.len());
        for &v in list {
            self.u32(v);
        }
    }

    /// A count, then that many `u64`s.
    fn u64s(&mut self, list: &[u64]) {
        self.count(list.len());
        for &v in list {
            self.u64(v);
        }
    }
}

impl Encode for Vec<u8> {
    fn bytes(&mut self, b: &[u8]) {
        self.extend_from_slice(b);
    }
}

/// What a [`Decoder`] says when the bytes do not hold what was asked for:
/// they end too soon, or a count or a string cannot be what was written.
/// The caller words the error, since only it knows which file this is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Damaged;

/// The reader of what [`Encode`] wrote, from the start of `bytes`.
#[derive(Debug)]
pub struct Decoder<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Decoder<'a> {
    /// A reader of `bytes` from their start.
    pub fn new(bytes: &'a [u8]) -> Decoder<'a> {
        Decoder { bytes, at: 0 }
    }

    /// The next `n` bytes.
    pub fn take(&mut self, n: usize) -> Result<&'a [u8], Damaged> {
        let end = self.at.checked_add(n).ok_or(Damaged)?;
        let out = self.bytes.get(self.at..end).ok_or(Damaged)?;
        self.at = end;
        Ok(out)
    }

    /// How many bytes are left to read: a bound for what a count may
    /// reserve.
    pub fn left(&self) -> usize {
        self.bytes.len() - self.at
    }

    /// Whether every byte has been read; a file with bytes after what its
    /// reader expects is not the file that was written.
    pub fn is_done(&self) -> bool {
        self.at == self.bytes.len()
    }

    /// A byte ([`Encode::u8`]).
    pub fn u8(&mut self) -> Result<u8, Damaged> {
        Ok(self.take(1)?[0])
    }

    /// A `u32` ([`Encode::u32`]).
    pub fn u32(&mut self) -> Result<u32, Damaged> {
        Ok(u32::from_le_bytes(self.array()?))
    }

    /// A `u64` ([`Encode::u64`]).
    pub fn u64(&mut self) -> Result<u64, Damaged> {
        Ok(u64::from_le_bytes(self.array()?))
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], Damaged> {
        self.take(N)?.try_into().map_err(|_| Damaged)
    }

    /// A count ([`Encode::count`]) of items of at least one byte each.
    pub fn count(&mut self) -> Result<usize, Damaged> {
        self.count_of(1)
    }

    /// A count of items of at least `size` bytes each, refused when what
    /// is left could not hold them: a damaged count then never reserves a
    /// huge vector.
    pub fn count_of(&mut self, size: usize) -> Result<usize, Damaged> {
        let n = usize::try_from(self.u64()?).map_err(|_| Damaged)?;
        match n.checked_mul(size) {
            Some(bytes) if bytes <= self.left() => Ok(n),
            _ => Err(Damaged),
        }
    }

    /// A string ([`Encode::str`]), borrowed from the bytes.
    pub fn str(&mut self) -> Result<&'a str, Damaged> {
        let n = self.count()?;
        std::str::from_utf8(self.take(n)?).map_err(|_| Damaged)
    }

    /// A string ([`Encode::str`]), owned.
    pub fn string(&mut self) -> Result<String, Damaged> {
        self.str().map(str::to_owned)
    }

    /// A list of `u32`s ([`Encode::u32s`]).
    pub fn u32s(&mut self) -> Result<Vec<u32>, Damaged> {
        let n = self.count_of(4)?;
        let bytes = self.take(n * 4)?;
        Ok(bytes
            .chunks_exact(4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect())
    }

    /// A list of `u64`s ([`Encode::u64s`]).
    pub fn u64s(&mut self) -> Result<Vec<u64>, Damaged> {
        let n = self.count_of(8)?;
        let bytes = self.take(n * 8)?;
        Ok(bytes
            .chunks_exact(8)
            .map(|b| u64::from_le_bytes(std::array::from_fn(|i| b[i])))
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_encoded_decodes_back_and_nothing_past_it() {
        let mut bytes = Vec::new();
        bytes.u8(7);
        bytes.u32(0xDEAD_BEEF);
        bytes.u64(u64::MAX - 1);
        bytes.str("Қазақстан");
        bytes.u32s(&[1, 2, 3]);
        bytes.u64s(&[u64::MAX, 0]);
        let mut r = Decoder::new(&bytes);
        assert!(!r.is_done());
        assert_eq!(r.u8(), Ok(7));
        assert_eq!(r.u32(), Ok(0xDEAD_BEEF));
        assert_eq!(r.u64(), Ok(u64::MAX - 1));
        assert_eq!(r.str(), Ok("Қазақстан"));
        assert_eq!(r.u32s(), Ok(vec![1, 2, 3]));
        assert_eq!(r.left(), 8 + 16);
        assert!(!r.is_done());
        assert_eq!(r.u64s(), Ok(vec![u64::MAX, 0]));
        assert!(r.is_done());
        assert_eq!(r.u8(), Err(Damaged));
    }

    #[test]
    fn a_count_larger_than_what_is_left_is_refused() {
        let mut bytes = Vec::new();
        bytes.count(3);
        bytes.u64(1);
        bytes.u64(2);
        // Three u64s announced, two there: refused before any is read.
        assert_eq!(Decoder::new(&bytes).u64s(), Err(Damaged));
        assert_eq!(Decoder::new(&bytes).count_of(8), Err(Damaged));
        // The same count of single bytes fits, and of bytes in pairs.
        assert_eq!(Decoder::new(&bytes).count(), Ok(3));
        assert_eq!(Decoder::new(&bytes).count_of(5), Ok(3));
        let mut huge = Vec::new();
        huge.u64(u64::MAX);
        assert_eq!(Decoder::new(&huge).count_of(8), Err(Damaged));
        assert_eq!(Decoder::new(&huge).str(), Err(Damaged));
    }

    #[test]
    fn a_string_that_is_not_utf8_is_refused() {
        let mut bytes = Vec::new();
        bytes.count(2);
        bytes.bytes(&[0xC3, 0x28]);
        assert_eq!(Decoder::new(&bytes).str(), Err(Damaged));
    }
}
