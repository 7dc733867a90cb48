//! Atom feeds: one per language and one per tag per language.
//!
//! Feeds carry the latest releases with their full content. Only releases
//! written in the feed's language go in: a reader subscribed to the Russian
//! feed wants Russian text. The feed's `updated` is its newest entry's date,
//! never the build time, so that unchanged archives give unchanged feeds.

use atom_syndication::{Content, Entry, Feed, FixedDateTime, Link, Person, Text};
use chrono::DateTime;

use super::deps::ListKey;
use super::{Rendered, Renderer};
use crate::site::output_path;
use crate::source::Section;

/// `/{lang}/atom.xml`.
pub(super) fn language_feed(r: &Renderer<'_>, lang: &str) -> Rendered {
    let urls = r.read.urls();
    let title = r.read.config().title_in(lang).to_owned();
    let key = ListKey::Releases(lang.to_owned());
    feed(r, lang, title, &urls.feed(lang), &urls.home(lang), &key)
}

/// `/{lang}/tags/{key}/atom.xml`.
pub(super) fn tag_feed(r: &Renderer<'_>, lang: &str, tag: &str) -> Rendered {
    let urls = r.read.urls();
    let title = format!(
        "{} — {}",
        r.read.config().title_in(lang),
        r.read.tags().label(tag, lang)
    );
    let key = ListKey::Tag(lang.to_owned(), tag.to_owned());
    feed(
        r,
        lang,
        title,
        &urls.tag_feed(lang, tag),
        &urls.tag(lang, tag, 1),
        &key,
    )
}

fn feed(
    r: &Renderer<'_>,
    lang: &str,
    title: String,
    path: &str,
    alternate: &str,
    list: &ListKey,
) -> Rendered {
    let urls = r.read.urls();
    let entries: Vec<Entry> = r
        .read
        .feed_items(list)
        .into_iter()
        .map(|index| {
            let release = r.read.entry(Section::Releases, index);
            let front = &release.doc.front;
            let permalink = urls.permalink(&release.path);
            let updated: FixedDateTime = front.date.map_or_else(epoch, |d| d.instant());
            let mut content = Content::default();
            content.set_content_type("html".to_owned());
            content.set_value(r.body_html(release));
            // Relative links and images in the body resolve against the page.
            content.set_base(permalink.clone());
            content.set_lang(release.lang().to_owned());
            let mut link = Link::default();
            link.set_href(permalink.clone());
            link.set_rel("alternate");
            link.set_mime_type("text/html".to_owned());
            let mut entry = Entry::default();
            entry.set_id(permalink);
            entry.set_title(Text::plain(front.title.clone()));
            entry.set_updated(updated);
            entry.set_published(updated);
            entry.set_links(vec![link]);
            entry.set_summary(Text::plain(release.doc.summary.clone()));
            entry.set_content(content);
            entry
        })
        .collect();
    let updated = entries
        .iter()
        .map(|e| *e.updated())
        .max()
        .unwrap_or_else(epoch);
    let mut self_link = Link::default();
    self_link.set_href(urls.permalink(path));
    self_link.set_rel("self");
    self_link.set_mime_type("application/atom+xml".to_owned());
    let mut alternate_link = Link::default();
    alternate_link.set_href(urls.permalink(alternate));
    alternate_link.set_rel("alternate");
    alternate_link.set_mime_type("text/html".to_owned());
    let mut author = Person::default();
    author.set_name(r.read.config().title_in(lang).to_owned());
    let mut feed = Feed::default();
    feed.set_id(urls.permalink(path));
    feed.set_title(Text::plain(title));
    feed.set_updated(updated);
    feed.set_lang(lang.to_owned());
    feed.set_links(vec![self_link, alternate_link]);
    feed.set_authors(vec![author]);
    feed.set_entries(entries);
    // Inputs are checked for characters XML forbids when read; this keeps a
    // feed well-formed whatever reaches it (an interface string, a tag label).
    let mut text = feed.to_string();
    // Scanned first: nearly every feed has none, and then is not copied.
    if text.contains(crate::util::fs::is_xml_forbidden) {
        text = text.replace(crate::util::fs::is_xml_forbidden, "");
    }
    let mut bytes = text.into_bytes();
    bytes.push(b'\n');
    Rendered {
        path: output_path(path),
        bytes,
    }
}

fn epoch() -> FixedDateTime {
    DateTime::UNIX_EPOCH.fixed_offset()
}
