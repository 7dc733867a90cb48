//! Photos: reading a source image's size, and making the files pages show.
//!
//! A photo is published only as derivatives made here, never as the file the
//! editor added: each derivative is decoded, turned upright by its EXIF
//! orientation, resized and encoded again, and re-encoding writes pixels
//! only, so no EXIF, GPS position, XMP or ICC data of the camera reaches the
//! output. Every photo gets a few widths (`images.widths` in `site.yaml`,
//! capped at the photo's own width) in AVIF and WebP with a JPEG fallback (PNG
//! for a photo with transparency), a small thumbnail for lists, and a
//! 1200 × 630 JPEG crop for social cards.
//!
//! Encoding is slow (AVIF most of all), so [`Store`] keeps every encoded file
//! in `.pressroom-cache/images/`, named by the source's content hash and the
//! settings: a build whose photos did not change encodes nothing.

use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use image::imageops::FilterType;
use image::{DynamicImage, ImageDecoder, ImageReader, metadata::Orientation};

use crate::config::ImagesConfig;
use crate::util::hash::{StableHasher, hash_bytes};

/// The width of list thumbnails, in pixels; lists show them about half as
/// wide, so high-density screens take the next width of the photo's set.
pub const THUMB_WIDTH: u32 = 320;

/// The social card's size: what Open Graph and X cards display best.
pub const CARD: (u32, u32) = (1200, 630);

/// The source formats that are processed into derivatives.
pub const EXTENSIONS: [&str; 4] = ["jpg", "jpeg", "png", "webp"];

/// Whether `name` (a file name or URL) names a photo pressroom processes.
pub fn is_photo(name: &str) -> bool {
    let path = name.split(['?', '#']).next().unwrap_or(name);
    path.rsplit_once('.')
        .is_some_and(|(_, ext)| EXTENSIONS.iter().any(|e| e.eq_ignore_ascii_case(ext)))
}

/// An encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Format {
    /// AVIF (AV1), the smallest.
    Avif,
    /// Lossy WebP.
    Webp,
    /// Baseline JPEG, the fallback every browser shows.
    Jpeg,
    /// PNG, the fallback for photos with transparency.
    Png,
}

impl Format {
    /// The file name extension.
    pub fn ext(self) -> &'static str {
        match self {
            Format::Avif => "avif",
            Format::Webp => "webp",
            Format::Jpeg => "jpg",
            Format::Png => "png",
        }
    }

    /// The media type, for `<source type=…>`.
    pub fn mime(self) -> &'static str {
        match self {
            Format::Avif => "image/avif",
            Format::Webp => "image/webp",
            Format::Jpeg => "image/jpeg",
            Format::Png => "image/png",
        }
    }
}

/// What a source file is: its content hash, upright size and transparency.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Probe {
    /// xxh3 of the file's bytes: the key of its derivatives in the cache.
    pub hash: u64,
    /// Width after the EXIF orientation is applied.
    pub width: u32,
    /// Height after the EXIF orientation is applied.
    pub height: u32,
    /// Whether the pixels have an alpha channel.
    pub alpha: bool,
}

/// Reads a source's size, orientation and colour type from its header
/// without decoding the pixels; the error says why it is not an image.
pub fn probe(bytes: &[u8]) -> Result<Probe, String> {
    let reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| e.to_string())?;
    if reader.format().is_none() {
        return Err("it is not a JPEG, PNG or WebP image".to_owned());
    }
    let mut decoder = reader.into_decoder().map_err(|e| e.to_string())?;
    let (w, h) = decoder.dimensions();
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let alpha = decoder.color_type().has_alpha();
    let (width, height) = if turns(orientation) { (h, w) } else { (w, h) };
    if width == 0 || height == 0 {
        return Err("it has no pixels".to_owned());
    }
    Ok(Probe {
        hash: hash_bytes(bytes),
        width,
        height,
        alpha,
    })
}

/// [`probe`] of the file at `path`. With a `memo` folder, what the probe
/// found is kept there under the path's hash with the file's size and
/// modification time, and used while both are the same: a build of a site
/// with many large photos then reads none of them unless one changed (the
/// same test the build applies to every other bundle file).
pub fn probe_file(path: &Path, memo: Option<&Path>) -> Result<Probe, String> {
    let stamp = crate::render::deps::file_stamp(path);
    let memo_file = memo.map(|dir| {
        let mut h = StableHasher::new();
        h.add(path);
        dir.join(format!("probe-{:016x}", h.finish()))
    });
    let line = |probe: &Probe, (size, mtime): (u64, u64)| {
        format!(
            "{size} {mtime} {:016x} {} {} {}",
            probe.hash,
            probe.width,
            probe.height,
            u8::from(probe.alpha)
        )
    };
    if let (Some(file), Some(stamp)) = (&memo_file, stamp)
        && let Ok(text) = std::fs::read_to_string(file)
        && let Some(probe) = parse_memo(&text, stamp)
    {
        return Ok(probe);
    }
    let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
    let probe = probe(&bytes)?;
    if let (Some(file), Some(stamp)) = (&memo_file, stamp) {
        // A memo that cannot be written costs a read in the next build only.
        if let Some(dir) = file.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        let _ = std::fs::write(file, line(&probe, stamp));
    }
    Ok(probe)
}

/// The probe a memo line records, if it is for a file of this stamp.
fn parse_memo(text: &str, (size, mtime): (u64, u64)) -> Option<Probe> {
    let mut parts = text.split(' ');
    let mut next = || parts.next();
    if next()?.parse::<u64>().ok()? != size || next()?.parse::<u64>().ok()? != mtime {
        return None;
    }
    Some(Probe {
        hash: u64::from_str_radix(next()?, 16).ok()?,
        width: next()?.parse().ok()?,
        height: next()?.parse().ok()?,
        alpha: next()? == "1",
    })
}

/// Whether an orientation swaps width and height.
fn turns(o: Orientation) -> bool {
    matches!(
        o,
        Orientation::Rotate90
            | Orientation::Rotate270
            | Orientation::Rotate90FlipH
            | Orientation::Rotate270FlipH
    )
}

/// Decodes a source fully and turns it upright by its EXIF orientation.
pub fn decode(bytes: &[u8]) -> Result<DynamicImage, String> {
    let reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| e.to_string())?;
    let mut decoder = reader.into_decoder().map_err(|e| e.to_string())?;
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let mut image = DynamicImage::from_decoder(decoder).map_err(|e| e.to_string())?;
    image.apply_orientation(orientation);
    Ok(image)
}

/// The widths of a photo `original` pixels wide: the configured ones below
/// it, and the original width itself in place of any larger ones, so no
/// photo is enlarged and the largest file is as sharp as the source allows.
pub fn widths(original: u32, configured: &[u32]) -> Vec<u32> {
    let mut out: Vec<u32> = configured
        .iter()
        .copied()
        .filter(|&w| w < original)
        .collect();
    if configured.iter().any(|&w| w >= original) || out.is_empty() {
        out.push(original);
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// The height of a photo `width` wide with the source's aspect ratio.
pub fn scaled_height(probe: &Probe, width: u32) -> u32 {
    let h = (u64::from(probe.height) * u64::from(width) + u64::from(probe.width) / 2)
        / u64::from(probe.width);
    u32::try_from(h).unwrap_or(u32::MAX).max(1)
}

/// How a derivative is cut from the source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Shape {
    /// The whole photo, resized to this width.
    Width(u32),
    /// The social card: resized to cover [`CARD`] and cropped at the centre.
    Card,
}

/// One file made from a photo.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Variant {
    /// How it is cut.
    pub shape: Shape,
    /// How it is encoded.
    pub format: Format,
}

impl Variant {
    /// Its pixel size for a source of this probe.
    pub fn size(&self, probe: &Probe) -> (u32, u32) {
        match self.shape {
            Shape::Width(w) => (w, scaled_height(probe, w)),
            Shape::Card => CARD,
        }
    }

    /// The width its qualities are chosen by: the card is a social-network
    /// preview, shown at its size, never only on dense screens.
    fn encoded_width(&self) -> u32 {
        match self.shape {
            Shape::Width(w) => w,
            Shape::Card => 0,
        }
    }

    /// A stable hash of this variant of `probe`'s source under `settings`:
    /// the name of its file in the cache, and what a page that shows it
    /// records, so a new source or new settings make it again.
    pub fn key(&self, probe: &Probe, settings: &ImagesConfig) -> u64 {
        let mut h = StableHasher::new();
        // The qualities this variant is encoded at, not the settings: a
        // change to the dense ones re-encodes only the dense files.
        let (quality, avif_quality) = settings.qualities(self.encoded_width());
        h.add(&probe.hash)
            .add(&u64::from(quality))
            .add(&u64::from(avif_quality))
            .add(&u64::from(ENCODER_VERSION));
        match self.shape {
            Shape::Width(w) => h.add(&u64::from(w)),
            Shape::Card => h.add(&u64::MAX),
        };
        h.bytes(self.format.ext().as_bytes());
        h.finish()
    }
}

/// Bumped when the encoding code changes what it makes of the same input,
/// so cached files of an older pressroom are not used.
const ENCODER_VERSION: u8 = 2;

/// The variants a photo of this probe gets: its widths and the thumbnail in
/// every format, then the card.
pub fn variants(probe: &Probe, settings: &ImagesConfig) -> Vec<Variant> {
    let fallback = if probe.alpha {
        Format::Png
    } else {
        Format::Jpeg
    };
    let mut widths = widths(probe.width, &settings.widths);
    widths.push(THUMB_WIDTH.min(probe.width));
    widths.sort_unstable();
    widths.dedup();
    let mut out = Vec::with_capacity(widths.len() * 3 + 1);
    for format in [Format::Avif, Format::Webp, fallback] {
        out.extend(widths.iter().map(|&w| Variant {
            shape: Shape::Width(w),
            format,
        }));
    }
    out.push(Variant {
        shape: Shape::Card,
        format: Format::Jpeg,
    });
    out
}

/// Makes one variant of an upright source image.
pub fn render(
    image: &DynamicImage,
    variant: Variant,
    settings: &ImagesConfig,
) -> Result<Vec<u8>, String> {
    let resized = match variant.shape {
        Shape::Width(w) if w == image.width() => image.clone(),
        Shape::Width(w) => {
            let h = (u64::from(image.height()) * u64::from(w) + u64::from(image.width()) / 2)
                / u64::from(image.width());
            image.resize_exact(
                w,
                u32::try_from(h).unwrap_or(1).max(1),
                FilterType::CatmullRom,
            )
        }
        Shape::Card => image.resize_to_fill(CARD.0, CARD.1, FilterType::CatmullRom),
    };
    encode(
        &resized,
        variant.format,
        settings.qualities(variant.encoded_width()),
    )
}

/// Encodes `image` at `quality` (JPEG and WebP) or `avif_quality`.
fn encode(
    image: &DynamicImage,
    format: Format,
    (quality, avif_quality): (u8, u8),
) -> Result<Vec<u8>, String> {
    let (w, h) = (image.width(), image.height());
    match format {
        Format::Jpeg => {
            let rgb = image.to_rgb8();
            let mut out = Vec::new();
            image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality)
                .encode_image(&rgb)
                .map_err(|e| e.to_string())?;
            Ok(out)
        }
        Format::Png => {
            let mut out = Vec::new();
            image
                .to_rgba8()
                .write_with_encoder(image::codecs::png::PngEncoder::new(&mut out))
                .map_err(|e| e.to_string())?;
            Ok(out)
        }
        Format::Webp => {
            let memory = if image.color().has_alpha() {
                let rgba = image.to_rgba8();
                webp::Encoder::from_rgba(rgba.as_raw(), w, h).encode(f32::from(quality))
            } else {
                let rgb = image.to_rgb8();
                webp::Encoder::from_rgb(rgb.as_raw(), w, h).encode(f32::from(quality))
            };
            Ok(memory.to_vec())
        }
        Format::Avif => {
            let encoder = ravif::Encoder::new()
                .with_quality(f32::from(avif_quality))
                .with_alpha_quality(f32::from(avif_quality))
                // Speed 9 of 10: on a 1600-pixel photo 35-40 % less CPU
                // than 8 for 2-3 % more bytes; 10 saves little more time
                // and adds 20-30 % (BENCHMARKS.md, "Photos").
                .with_speed(9)
                .with_num_threads(Some(1));
            let (w, h) = (
                usize::try_from(w).unwrap_or(0),
                usize::try_from(h).unwrap_or(0),
            );
            let encoded = if image.color().has_alpha() {
                let rgba = image.to_rgba8();
                let pixels: Vec<ravif::RGBA8> = rgba
                    .as_raw()
                    .chunks_exact(4)
                    .map(|p| ravif::RGBA8::new(p[0], p[1], p[2], p[3]))
                    .collect();
                encoder.encode_rgba(ravif::Img::new(&pixels, w, h))
            } else {
                let rgb = image.to_rgb8();
                let pixels: Vec<ravif::RGB8> = rgb
                    .as_raw()
                    .chunks_exact(3)
                    .map(|p| ravif::RGB8::new(p[0], p[1], p[2]))
                    .collect();
                encoder.encode_rgb(ravif::Img::new(&pixels, w, h))
            };
            encoded.map(|e| e.avif_file).map_err(|e| e.to_string())
        }
    }
}

/// Where encoded files are kept between builds, and how many a build made.
#[derive(Debug)]
pub struct Store {
    /// `.pressroom-cache/images/` of the site; `None` keeps nothing (with
    /// `--no-cache`), so each file decodes its photo again.
    dir: Option<PathBuf>,
    /// One lock per photo, so two files of the same photo rendered at once
    /// decode it once: the first makes every missing variant.
    locks: Vec<Mutex<()>>,
    /// Files encoded by this store.
    encoded: AtomicUsize,
}

/// The folder of encoded images under a site root.
pub fn cache_dir(root: &Path) -> PathBuf {
    root.join(crate::cache::CACHE_DIR).join("images")
}

impl Store {
    /// A store for a site with `photos` photos, keeping files under `dir`.
    pub fn new(dir: Option<PathBuf>, photos: usize) -> Store {
        Store {
            dir,
            locks: (0..photos).map(|_| Mutex::new(())).collect(),
            encoded: AtomicUsize::new(0),
        }
    }

    /// How many files this store encoded (the rest came from the cache).
    pub fn encoded(&self) -> usize {
        self.encoded.load(Ordering::Relaxed)
    }

    fn path(&self, variant: Variant, probe: &Probe, settings: &ImagesConfig) -> Option<PathBuf> {
        let key = variant.key(probe, settings);
        Some(
            self.dir
                .as_ref()?
                .join(format!("{key:016x}.{}", variant.format.ext())),
        )
    }

    /// The bytes of `wanted`, a variant of photo number `photo` read from
    /// `source`: from the cache, or made now together with every other
    /// variant of `all` missing from the cache.
    pub fn get(
        &self,
        photo: usize,
        source: &Path,
        probe: &Probe,
        settings: &ImagesConfig,
        all: &[Variant],
        wanted: Variant,
    ) -> Result<Vec<u8>, String> {
        let cached = |variant: Variant| -> Option<Vec<u8>> {
            std::fs::read(self.path(variant, probe, settings)?).ok()
        };
        if let Some(bytes) = cached(wanted) {
            return Ok(bytes);
        }
        // The first file of a photo to be rendered makes all its missing
        // variants. The lock is only tried, never waited for: waiting would
        // leave a core idle for the seconds a photo's variants take, while
        // a file whose photo is being made costs one encode if it makes
        // itself alone (about one file in a hundred, BENCHMARKS.md).
        let guard = self.locks.get(photo).and_then(|l| match l.try_lock() {
            Ok(guard) => Some(guard),
            // Poisoned only if a thread panicked holding it; the files it
            // guards are written atomically, so go on.
            Err(std::sync::TryLockError::Poisoned(p)) => Some(p.into_inner()),
            Err(std::sync::TryLockError::WouldBlock) => None,
        });
        if let Some(bytes) = cached(wanted) {
            return Ok(bytes);
        }
        let bytes = std::fs::read(source).map_err(|e| e.to_string())?;
        if hash_bytes(&bytes) != probe.hash {
            return Err("the file changed while the site was being built; build again".to_owned());
        }
        let image = decode(&bytes)?;
        let Some(dir) = &self.dir else {
            self.encoded.fetch_add(1, Ordering::Relaxed);
            return render(&image, wanted, settings);
        };
        let _ = std::fs::create_dir_all(dir);
        // Without the lock, only the wanted file: the holder makes the rest.
        let todo: &[Variant] = if guard.is_some() {
            all
        } else {
            std::slice::from_ref(&wanted)
        };
        let mut result = None;
        for &variant in todo {
            let Some(target) = self.path(variant, probe, settings) else {
                continue;
            };
            if variant != wanted && target.exists() {
                continue;
            }
            let encoded = render(&image, variant, settings)?;
            self.encoded.fetch_add(1, Ordering::Relaxed);
            // Written to a temporary name and renamed, so a build that is
            // stopped midway never leaves a truncated file under a real name.
            // A cache that cannot be written only costs encoding again.
            let tmp = target.with_extension(format!("{}.tmp", std::process::id()));
            if std::fs::write(&tmp, &encoded).is_ok() && std::fs::rename(&tmp, &target).is_err() {
                let _ = std::fs::remove_file(&tmp);
            }
            if variant == wanted {
                result = Some(encoded);
            }
        }
        drop(guard);
        result.ok_or_else(|| "the variant is not one of the photo's".to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> ImagesConfig {
        ImagesConfig::default()
    }

    #[test]
    fn widths_are_capped_at_the_original() {
        let configured = [480, 800, 1200, 1600];
        assert_eq!(widths(3000, &configured), vec![480, 800, 1200, 1600]);
        assert_eq!(widths(1600, &configured), vec![480, 800, 1200, 1600]);
        assert_eq!(widths(1000, &configured), vec![480, 800, 1000]);
        assert_eq!(widths(480, &configured), vec![480]);
        assert_eq!(widths(200, &configured), vec![200]);
    }

    #[test]
    fn photos_are_recognised_by_extension() {
        assert!(is_photo("a/b/photo.JPG"));
        assert!(is_photo("photo.webp?x=1"));
        assert!(!is_photo("report.pdf"));
        assert!(!is_photo("chart.svg"));
        assert!(!is_photo("noext"));
    }

    #[test]
    fn variants_have_the_aspect_ratio_and_a_card() {
        let probe = Probe {
            hash: 1,
            width: 3000,
            height: 2000,
            alpha: false,
        };
        let v = variants(&probe, &settings());
        // 320, 480, 800, 1200, 1600 in three formats, and the card.
        assert_eq!(v.len(), 16);
        assert!(v.iter().all(|v| v.format != Format::Png));
        let sizes: Vec<(u32, u32)> = v.iter().map(|v| v.size(&probe)).collect();
        assert!(sizes.contains(&(1200, 800)));
        assert!(sizes.contains(&(320, 213)));
        assert_eq!(sizes.last(), Some(&CARD));
        let alpha = Probe {
            alpha: true,
            ..probe
        };
        assert!(
            variants(&alpha, &settings())
                .iter()
                .any(|v| v.format == Format::Png)
        );
    }

    #[test]
    fn wide_files_use_the_dense_qualities() {
        let probe = Probe {
            hash: 1,
            width: 3000,
            height: 2000,
            alpha: false,
        };
        let wide = Variant {
            shape: Shape::Width(1200),
            format: Format::Avif,
        };
        let narrow = Variant {
            shape: Shape::Width(800),
            format: Format::Avif,
        };
        let base = settings();
        let denser = ImagesConfig {
            dense_avif_quality: 30,
            ..settings()
        };
        // Only the files the dense settings apply to are made again.
        assert_ne!(wide.key(&probe, &base), wide.key(&probe, &denser));
        assert_eq!(narrow.key(&probe, &base), narrow.key(&probe, &denser));
        assert_eq!(base.qualities(1200), (60, 40));
        assert_eq!(base.qualities(999), (75, 55));
        let card = Variant {
            shape: Shape::Card,
            format: Format::Jpeg,
        };
        assert_eq!(card.key(&probe, &base), card.key(&probe, &denser));
        // And the encoder is given them: a noisy 1200-pixel photo is smaller
        // at the dense quality than at the normal one.
        let mut seed = 7u32;
        let noisy = DynamicImage::ImageRgb8(image::RgbImage::from_fn(1200, 40, |x, _| {
            seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            let v = ((x / 4) as u8).wrapping_add((seed >> 27) as u8);
            image::Rgb([v, v / 2, 255 - v])
        }));
        for format in [Format::Avif, Format::Webp, Format::Jpeg] {
            let variant = Variant {
                shape: Shape::Width(1200),
                format,
            };
            let plain = ImagesConfig {
                dense_width: 2000,
                ..settings()
            };
            let dense = render(&noisy, variant, &base).unwrap();
            let normal = render(&noisy, variant, &plain).unwrap();
            assert!(
                dense.len() < normal.len(),
                "{format:?}: {} dense, {} normal",
                dense.len(),
                normal.len()
            );
        }
    }

    /// A JPEG of `w` × `h` with an APP1 EXIF segment holding `orientation`
    /// and a GPS position, as a phone camera writes it.
    pub(crate) fn jpeg_with_exif(w: u32, h: u32, orientation: u16) -> Vec<u8> {
        let image = image::RgbImage::from_fn(w, h, |x, y| {
            // The top-left quarter red, so a rotation shows.
            if x < w / 2 && y < h / 2 {
                image::Rgb([255, 0, 0])
            } else {
                image::Rgb([0, 0, 255])
            }
        });
        let mut plain = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut plain, 95)
            .encode_image(&image)
            .expect("encodes");
        // TIFF, little-endian: IFD0 with Orientation and a GPS IFD pointer;
        // the GPS IFD with a latitude reference and latitude.
        let mut tiff: Vec<u8> = b"II*\0".to_vec();
        tiff.extend(8u32.to_le_bytes());
        let entry = |tag: u16, kind: u16, count: u32, value: u32| {
            let mut e = Vec::new();
            e.extend(tag.to_le_bytes());
            e.extend(kind.to_le_bytes());
            e.extend(count.to_le_bytes());
            e.extend(value.to_le_bytes());
            e
        };
        // IFD0 at 8: 2 entries (2 + 24 + 4 bytes) ends at 38; GPS IFD at 38.
        tiff.extend(2u16.to_le_bytes());
        tiff.extend(entry(0x0112, 3, 1, u32::from(orientation)));
        tiff.extend(entry(0x8825, 4, 1, 38));
        tiff.extend(0u32.to_le_bytes());
        // GPS IFD: 2 entries ends at 38 + 30 = 68, where the rationals go.
        tiff.extend(2u16.to_le_bytes());
        tiff.extend(entry(0x0001, 2, 2, u32::from_le_bytes(*b"N\0\0\0")));
        tiff.extend(entry(0x0002, 5, 3, 68));
        tiff.extend(0u32.to_le_bytes());
        for (n, d) in [(51u32, 1u32), (30, 1), (1234, 100)] {
            tiff.extend(n.to_le_bytes());
            tiff.extend(d.to_le_bytes());
        }
        let mut app1 = b"Exif\0\0".to_vec();
        app1.extend(&tiff);
        let mut out = plain[..2].to_vec();
        out.extend([0xFF, 0xE1]);
        out.extend(u16::try_from(app1.len() + 2).expect("small").to_be_bytes());
        out.extend(&app1);
        out.extend(&plain[2..]);
        out
    }

    #[test]
    fn orientation_turns_the_photo_upright() {
        // Orientation 6: the camera was turned; the picture must be rotated
        // 90° clockwise to show, so a 40 × 20 file is a 20 × 40 photo.
        let bytes = jpeg_with_exif(40, 20, 6);
        let probe = probe(&bytes).expect("probes");
        assert_eq!((probe.width, probe.height), (20, 40));
        let image = decode(&bytes).expect("decodes").to_rgb8();
        assert_eq!(image.dimensions(), (20, 40));
        // The red top-left quarter of the file is now the top-right one.
        assert!(
            image.get_pixel(15, 5)[0] > 200,
            "{:?}",
            image.get_pixel(15, 5)
        );
        assert!(
            image.get_pixel(5, 5)[2] > 200,
            "{:?}",
            image.get_pixel(5, 5)
        );
    }

    #[test]
    fn no_metadata_survives_encoding() {
        let bytes = jpeg_with_exif(64, 48, 1);
        // The fixture does carry what must go.
        assert!(bytes.windows(6).any(|w| w == b"Exif\0\0"));
        let probe = probe(&bytes).expect("probes");
        let image = decode(&bytes).expect("decodes");
        for variant in variants(&probe, &settings()) {
            let out = render(&image, variant, &settings()).expect("encodes");
            assert!(
                !out.windows(4)
                    .any(|w| w == b"Exif" || w == b"II*\0" || w == b"MM\0*"),
                "{variant:?} carries EXIF"
            );
            if variant.format == Format::Avif {
                // `image` reads no AVIF; the size is in the `ispe` box.
                let at = out.windows(4).position(|w| w == b"ispe").expect("ispe") + 8;
                let be = |i: usize| u32::from_be_bytes(out[i..i + 4].try_into().expect("4"));
                assert_eq!((be(at), be(at + 4)), variant.size(&probe), "{variant:?}");
                continue;
            }
            let mut decoder = ImageReader::new(Cursor::new(&out))
                .with_guessed_format()
                .expect("reads")
                .into_decoder()
                .expect("decodes");
            assert_eq!(decoder.exif_metadata().ok().flatten(), None, "{variant:?}");
            assert_eq!(decoder.dimensions(), variant.size(&probe), "{variant:?}");
        }
    }

    #[test]
    fn non_images_are_refused() {
        assert!(probe(b"not an image at all").is_err());
        let mut truncated = jpeg_with_exif(16, 16, 1);
        truncated.truncate(100);
        assert!(decode(&truncated).is_err());
    }

    #[test]
    fn probes_are_remembered_until_the_file_changes() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (source, memo) = (dir.path().join("photo.jpg"), dir.path().join("memo"));
        std::fs::write(&source, jpeg_with_exif(40, 20, 6)).expect("writes");
        let first = probe_file(&source, Some(&memo)).expect("probes");
        assert_eq!((first.width, first.height), (20, 40));
        // The memo is what answers while the file's stamp is the same.
        let file = std::fs::read_dir(&memo)
            .expect("memo")
            .next()
            .expect("one")
            .expect("entry");
        let text = std::fs::read_to_string(file.path()).expect("reads");
        std::fs::write(file.path(), text.replace(" 20 40 ", " 21 41 ")).expect("writes");
        let remembered = probe_file(&source, Some(&memo)).expect("probes");
        assert_eq!((remembered.width, remembered.height), (21, 41));
        // Another file: probed again.
        std::fs::write(&source, jpeg_with_exif(64, 48, 1)).expect("writes");
        let changed = probe_file(&source, Some(&memo)).expect("probes");
        assert_eq!((changed.width, changed.height), (64, 48));
        assert_ne!(changed.hash, first.hash);
    }

    #[test]
    fn the_store_encodes_each_variant_once() {
        let dir = tempfile::tempdir().expect("tempdir");
        let source = dir.path().join("photo.jpg");
        std::fs::write(&source, jpeg_with_exif(500, 300, 1)).expect("writes");
        let probe = probe(&std::fs::read(&source).expect("reads")).expect("probes");
        let all = variants(&probe, &settings());
        let store = Store::new(Some(dir.path().join("cache")), 1);
        let first = store
            .get(0, &source, &probe, &settings(), &all, all[0])
            .expect("makes");
        assert_eq!(store.encoded(), all.len());
        for &v in &all {
            store
                .get(0, &source, &probe, &settings(), &all, v)
                .expect("reads");
        }
        assert_eq!(store.encoded(), all.len());
        let again = Store::new(Some(dir.path().join("cache")), 1);
        assert_eq!(
            again
                .get(0, &source, &probe, &settings(), &all, all[0])
                .expect("reads"),
            first
        );
        assert_eq!(again.encoded(), 0);
        // Without a cache folder, each file is made on its own.
        let none = Store::new(None, 1);
        let made = none
            .get(0, &source, &probe, &settings(), &all, all[0])
            .expect("makes");
        assert_eq!((made, none.encoded()), (first, 1));
    }
}
