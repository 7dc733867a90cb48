//! Photos: responsive derivatives, their cache, and the errors about them.
//!
//! The photos are `tests/fixtures/photos/`, made for these tests: `gps.jpg`
//! is 540 × 360 pixels with EXIF orientation 6 (shown turned, 360 × 540), a
//! camera name and a GPS position; `chart.png` has transparency.

use std::path::Path;

use crate::util::Site;

const BUNDLE: &str = "content/releases/2016/pictured";

fn fixture_photo(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/photos")
        .join(name);
    std::fs::read(path).unwrap()
}

/// The basic site with a release whose lead photo is `gps.jpg` and whose
/// text shows `chart.png`, in English and Russian.
fn pictured() -> Site {
    let site = Site::fixture("basic");
    site.write(
        &format!("{BUNDLE}/index.en.md"),
        "---\ntitle: Pictured\ndate: 2016-02-02\nimage: gps.jpg\nimage_alt: A gradient\nimage_caption: The caption.\nimage_credit: Test author, CC0\n---\n\nText.\n\n![A red disc](chart.png)\n",
    );
    site.write(
        &format!("{BUNDLE}/index.ru.md"),
        "---\ntitle: С фото\ndate: 2016-02-02\nimage: gps.jpg\nimage_alt: Градиент\n---\n\nТекст.\n",
    );
    site.write(&format!("{BUNDLE}/gps.jpg"), fixture_photo("gps.jpg"));
    site.write(&format!("{BUNDLE}/chart.png"), fixture_photo("chart.png"));
    site
}

/// `pressroom build` with the cache; returns stderr.
fn build(site: &Site) -> String {
    let out = site.cmd(&["build"]).assert().success();
    String::from_utf8_lossy(&out.get_output().stderr).into_owned()
}

/// Every `srcset` and `src` candidate of the `<picture>`s of a page: (URL,
/// claimed width or `None` for a plain `src`).
fn candidates(html: &str) -> Vec<(String, Option<u32>)> {
    let mut found = Vec::new();
    for attr in ["srcset=\"", "src=\""] {
        for part in html.split(attr).skip(1) {
            let value = &part[..part.find('"').unwrap()];
            if attr == "src=\"" {
                if value.starts_with("/images/") {
                    found.push((value.to_owned(), None));
                }
                continue;
            }
            for candidate in value.split(", ") {
                let (url, w) = candidate.rsplit_once(' ').unwrap();
                let w = w.strip_suffix('w').unwrap().parse().unwrap();
                found.push((url.to_owned(), Some(w)));
            }
        }
    }
    found
}

fn size_of(bytes: &[u8]) -> (u32, u32) {
    // `image` reads no AVIF; its size is in the `ispe` property box.
    if let Some(at) = bytes.windows(4).position(|w| w == b"ispe") {
        let be = |i: usize| u32::from_be_bytes(bytes[i..i + 4].try_into().unwrap());
        return (be(at + 8), be(at + 12));
    }
    image::ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .unwrap()
        .into_dimensions()
        .unwrap_or_else(|e| panic!("not an image: {e}"))
}

#[test]
fn photos_are_published_as_responsive_pictures() {
    let site = pictured();
    build(&site);
    let html = site.read("en/releases/2016/pictured/index.html");
    // A width given twice in one srcset is invalid HTML.
    for part in html.split("srcset=\"").skip(1) {
        let value = &part[..part.find('"').unwrap()];
        let list: Vec<&str> = value.split(", ").collect();
        let mut unique = list.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(list.len(), unique.len(), "a candidate repeats: {value}");
    }
    assert!(
        html.contains("<source type=\"image/avif\" srcset=\""),
        "{html}"
    );
    assert!(
        html.contains("<source type=\"image/webp\" srcset=\""),
        "{html}"
    );
    assert!(
        html.contains("<figcaption class=\"release__caption\">The caption."),
        "{html}"
    );
    assert!(html.contains("Test author, CC0"), "{html}");
    // The lead photo is fetched at once; the one in the text when scrolled to.
    let lead = &html[html.find("release__figure").unwrap()..html.find("class=\"prose\"").unwrap()];
    assert!(!lead.contains("loading=\"lazy\""), "{lead}");
    assert!(lead.contains("alt=\"A gradient\""), "{lead}");
    let body = &html[html.find("class=\"prose\"").unwrap()..];
    assert!(body.contains("loading=\"lazy\""), "{body}");
    assert!(body.contains("alt=\"A red disc\""), "{body}");
    // Turned upright: 360 wide, 540 high.
    assert!(lead.contains("width=\"360\" height=\"540\""), "{lead}");

    let mut checked = 0;
    for page in [
        "en/releases/2016/pictured/index.html",
        "ru/releases/2016/pictured/index.html",
        "en/releases/index.html",
    ] {
        let html = site.read(page);
        let found = candidates(&html);
        assert!(!found.is_empty(), "{page} shows no photo");
        for (url, claimed) in found {
            let bytes = std::fs::read(site.public().join(url.trim_start_matches('/')))
                .unwrap_or_else(|e| panic!("{page}: {url}: {e}"));
            let (w, _) = size_of(&bytes);
            if let Some(claimed) = claimed {
                assert_eq!(w, claimed, "{page}: {url}");
            }
            checked += 1;
        }
    }
    assert!(checked > 12, "{checked}");

    // The social card, at its size, on the page for sharing.
    assert!(
        html.contains("<meta property=\"og:image:width\" content=\"1200\">"),
        "{html}"
    );
    let card = html
        .split("<meta property=\"og:image\" content=\"https://press.example.org/")
        .nth(1)
        .unwrap();
    let card = &card[..card.find('"').unwrap()];
    assert_eq!(
        size_of(&std::fs::read(site.public().join(card)).unwrap()),
        (1200, 630)
    );

    // The sources are not published, and nothing published carries EXIF
    // (the camera name, the GPS position).
    for lang in ["en", "ru"] {
        assert!(!site.exists(&format!("{lang}/releases/2016/pictured/gps.jpg")));
        assert!(!site.exists(&format!("{lang}/releases/2016/pictured/chart.png")));
    }
    let tree = site.tree();
    let images: Vec<(&String, &Vec<u8>)> = tree
        .iter()
        .filter(|(p, _)| p.starts_with("images/"))
        .collect();
    assert!(images.iter().any(|(p, _)| p.ends_with(".avif")));
    assert!(
        images.iter().any(|(p, _)| p.ends_with(".png")),
        "the chart keeps its alpha"
    );
    for (path, bytes) in images {
        for needle in [&b"Exif"[..], b"Fixture Camera", b"II*\0", b"MM\0*"] {
            assert!(
                !bytes.windows(needle.len()).any(|w| w == needle),
                "{path} carries {needle:?}"
            );
        }
    }
}

#[test]
fn a_second_build_encodes_no_image() {
    let site = pictured();
    let first = build(&site);
    assert!(!first.contains("images: 0 file(s) encoded"), "{first}");
    // Nothing changed: the build may not even get to the photos, and must
    // encode none.
    let second = build(&site);
    assert!(
        !second.contains("file(s) encoded") || second.contains("images: 0 file(s) encoded"),
        "{second}"
    );
    // A clean output folder with the image cache kept: still nothing to
    // encode, and the same bytes.
    let before = site.tree();
    std::fs::remove_dir_all(site.public()).unwrap();
    std::fs::remove_file(site.root().join(".pressroom-cache/manifest.bin")).ok();
    let third = build(&site);
    assert!(third.contains("images: 0 file(s) encoded"), "{third}");
    assert_eq!(site.tree(), before);
}

#[test]
fn changing_and_removing_a_photo_changes_and_removes_its_files() {
    let site = pictured();
    build(&site);
    let names = |site: &Site| -> Vec<String> {
        site.tree()
            .into_keys()
            .filter(|p| p.starts_with("images/"))
            .collect()
    };
    let before = names(&site);
    assert!(before.iter().any(|p| p.starts_with("images/gps-")));
    // Another photo under the same name: new files, the old ones gone.
    // (Bytes after a PNG's end are ignored by decoders but change its hash;
    // the chart itself is already one of the site's photos.)
    let mut other = fixture_photo("chart.png");
    other.extend(b"another photo");
    site.write(&format!("{BUNDLE}/gps.jpg"), other);
    let stderr = build(&site);
    assert!(!stderr.contains("images: 0 file(s) encoded"), "{stderr}");
    let changed = names(&site);
    assert!(
        changed
            .iter()
            .all(|p| !before.contains(p) || p.starts_with("images/chart-")),
        "{changed:?}"
    );
    let html = site.read("en/releases/2016/pictured/index.html");
    assert!(changed.iter().any(|p| html.contains(p.as_str())), "{html}");
    // No photo any more: no file of it, no <picture>.
    for lang in ["en", "ru"] {
        let rel = format!("{BUNDLE}/index.{lang}.md");
        let text = std::fs::read_to_string(site.root().join(&rel)).unwrap();
        let kept: Vec<&str> = text.lines().filter(|l| !l.starts_with("image")).collect();
        site.write(
            &rel,
            kept.join("\n").replace("![A red disc](chart.png)", ""),
        );
    }
    site.remove(&format!("{BUNDLE}/gps.jpg"));
    site.remove(&format!("{BUNDLE}/chart.png"));
    build(&site);
    assert_eq!(names(&site), Vec::<String>::new());
    assert!(
        !site
            .read("en/releases/2016/pictured/index.html")
            .contains("<picture>")
    );
}

#[test]
fn unreadable_photos_and_missing_alt_text_are_located_errors() {
    let site = pictured();
    // Line 4 is `image: gps.jpg`, line 12 the image in the text (its URL at column 15).
    site.write(&format!("{BUNDLE}/chart.png"), "not a png");
    site.write(
        "content/releases/2016/missing/index.en.md",
        "---\ntitle: Missing\ndate: 2016-02-03\nimage: nowhere.jpg\nimage_alt: \"\"\n---\n",
    );
    let out = site.cmd(&["build"]).assert().code(1);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    for expected in [
        "content/releases/2016/pictured/index.en.md:12:15: error: `content/releases/2016/pictured/chart.png` cannot be read as a photo",
        "content/releases/2016/missing/index.en.md:4:8: error: `nowhere.jpg` names a file that does not exist",
    ] {
        assert!(stderr.contains(expected), "{expected}\n{stderr}");
    }
    // A photo without alternative text: an error in the document itself.
    site.write(
        &format!("{BUNDLE}/index.ru.md"),
        "---\ntitle: С фото\ndate: 2016-02-02\nimage: gps.jpg\n---\n\nТекст.\n",
    );
    let out = site.cmd(&["build"]).assert().code(1);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    for expected in [
        "content/releases/2016/pictured/index.ru.md:4:8: error: the photo has no `image_alt` text",
        "image_alt: \"\"",
    ] {
        assert!(stderr.contains(expected), "{expected}\n{stderr}");
    }
}

#[test]
fn a_decorative_photo_has_an_empty_alt() {
    let site = pictured();
    let rel = format!("{BUNDLE}/index.en.md");
    let text = std::fs::read_to_string(site.root().join(&rel)).unwrap();
    site.write(
        &rel,
        text.replace("image_alt: A gradient", "image_alt: \"\""),
    );
    build(&site);
    let html = site.read("en/releases/2016/pictured/index.html");
    let lead = &html[html.find("release__figure").unwrap()..];
    assert!(lead.contains("alt=\"\""), "{lead}");
    assert!(!html.contains("og:image:alt"), "{html}");
}
