//! What templates see: borrowed, serialisable views of the model.
//!
//! Keeping these apart from the model makes the template contract explicit
//! (the README documents every field) and lets the model stay free of
//! presentation concerns such as localised dates or "current" flags.

use serde::Serialize;

/// A language as offered in switchers and the root chooser.
#[derive(Debug, Clone, Serialize)]
pub struct LanguageView<'a> {
    /// BCP 47 code.
    pub code: &'a str,
    /// Native name.
    pub name: &'a str,
    /// The language's home, or the page's version in that language.
    pub url: String,
    /// The same as an absolute URL (for hreflang and canonical links).
    pub permalink: String,
    /// Whether this is the language of the page being rendered.
    pub current: bool,
}

/// The `site` variable.
#[derive(Debug, Clone, Serialize)]
pub struct SiteView<'a> {
    /// Site title in the page's language.
    pub title: &'a str,
    /// Site description.
    pub description: Option<&'a str>,
    /// Absolute base URL.
    pub base_url: String,
    /// Scheme and host of the base URL, for making root-relative URLs absolute.
    pub origin: String,
    /// Code of the default language.
    pub default_language: &'a str,
    /// Every language with its home URL.
    pub languages: Vec<LanguageView<'a>>,
    /// The absolute URL of the root language chooser, when the site has one
    /// (not with `default_language_at_root`): the homes' `x-default`.
    pub chooser: Option<String>,
    /// The press office, when site.yaml names one.
    pub organization: Option<OrganizationView<'a>>,
}

/// `site.organization`: the press office, its texts in the page's language.
#[derive(Debug, Clone, Serialize)]
pub struct OrganizationView<'a> {
    /// Its name.
    pub name: &'a str,
    /// Its logo's path in the static folder, for `asset()`.
    pub logo: Option<&'a str>,
    /// Its website.
    pub url: Option<&'a str>,
    /// Its profiles elsewhere.
    pub social: Vec<SocialLinkView<'a>>,
    /// Whom journalists contact.
    pub contact: Option<ContactView<'a>>,
    /// The footer credit; `None` for none.
    pub footer: Option<&'a str>,
}

/// A profile of the press office elsewhere.
#[derive(Debug, Clone, Serialize)]
pub struct SocialLinkView<'a> {
    /// Its URL.
    pub url: &'a str,
    /// The URL without its scheme and trailing slash, as link text.
    pub label: &'a str,
}

/// `site.organization.contact`: the media contact.
#[derive(Debug, Clone, Serialize)]
pub struct ContactView<'a> {
    /// Name of the person or desk.
    pub name: Option<&'a str>,
    /// Telephone number as written.
    pub phone: Option<&'a str>,
    /// The number as a `tel:` link (digits and a leading `+`).
    pub phone_href: Option<String>,
    /// E-mail address.
    pub email: Option<&'a str>,
}

/// A release linked from another one's page (related, previous, next).
#[derive(Debug, Clone, Serialize)]
pub struct LinkedRelease<'a> {
    /// Headline.
    pub title: &'a str,
    /// URL.
    pub url: String,
    /// ISO date.
    pub date: String,
    /// Date written out in the page's language.
    pub date_display: String,
}

/// A release page's `reading` variable: what to read on.
#[derive(Debug, Clone, Serialize)]
pub struct ReadingView<'a> {
    /// The release before it in its language.
    pub previous: Option<LinkedRelease<'a>>,
    /// The release after it in its language.
    pub next: Option<LinkedRelease<'a>>,
    /// Related releases, most related first.
    pub related: Vec<LinkedRelease<'a>>,
}

/// The `urls` variable: navigation targets in the page's language.
#[derive(Debug, Clone, Serialize)]
pub struct UrlsView {
    /// The language's home.
    pub home: String,
    /// The first page of the releases list.
    pub releases: String,
    /// The site root (language chooser).
    pub root: String,
    /// The tag index.
    pub tags: String,
    /// The language's Atom feed.
    pub feed: String,
    /// The language's search page, when the site has search.
    pub search: Option<String>,
}

/// A static page in the menu.
#[derive(Debug, Clone, Serialize)]
pub struct MenuItem<'a> {
    /// Page title.
    pub title: &'a str,
    /// Page URL.
    pub url: String,
    /// Whether it is the page being rendered.
    pub current: bool,
}

/// A tag chip.
#[derive(Debug, Clone, Serialize)]
pub struct TagView<'a> {
    /// Stable key.
    pub key: &'a str,
    /// Label in the page's language, or along its fallback chain.
    pub label: &'a str,
    /// The language the label is in.
    pub label_lang: &'a str,
    /// The tag's page, once tag pages exist.
    pub url: Option<String>,
}

/// A release page's `release` variable.
#[derive(Debug, Clone, Serialize)]
pub struct ReleaseView<'a> {
    /// Headline.
    pub title: &'a str,
    /// Root-relative URL.
    pub url: String,
    /// Absolute URL.
    pub permalink: String,
    /// ISO date, for `<time datetime>`.
    pub date: String,
    /// Date written out in the page's language.
    pub date_display: String,
    /// Place of issue.
    pub location: Option<&'a str>,
    /// The language the location is in (another version's when this one
    /// has none).
    pub location_lang: &'a str,
    /// Plain-text summary.
    pub summary: &'a str,
    /// Tag chips.
    pub tags: Vec<TagView<'a>>,
    /// Body HTML (safe).
    pub content: String,
    /// The lead photo, with its caption and credit.
    pub image: Option<ImageView<'a>>,
    /// Language of the release.
    pub lang: &'a str,
    /// Whether it is a draft (only in `--drafts` builds).
    pub draft: bool,
}

/// A photo as a `<picture>` shows it.
#[derive(Debug, Clone, Serialize)]
pub struct ImageView<'a> {
    /// The fallback file's URL (JPEG or PNG, about 800 pixels wide), or the
    /// image's URL as written when it is not processed (an absolute URL, a
    /// static file).
    pub src: String,
    /// `srcset` of the fallback format; empty when not processed.
    pub srcset: String,
    /// Pixel width of `src`, for `width` (no layout shift); absent when not
    /// processed.
    pub width: Option<u32>,
    /// Pixel height of `src`.
    pub height: Option<u32>,
    /// The smaller formats, best first, for `<source>` elements.
    pub sources: Vec<SourceView>,
    /// Alternative text; empty for a decorative photo.
    pub alt: &'a str,
    /// Caption.
    pub caption: Option<&'a str>,
    /// Author and licence.
    pub credit: Option<&'a str>,
    /// The 1200 × 630 crop for social cards; absent when not processed.
    pub card: Option<CardView<'a>>,
}

/// A `<source>` of a `<picture>`.
#[derive(Debug, Clone, Serialize)]
pub struct SourceView {
    /// Media type, `image/avif` or `image/webp`.
    pub mime: &'static str,
    /// Its `srcset`: each width's URL with its `w` descriptor.
    pub srcset: String,
}

/// A photo's social card crop.
#[derive(Debug, Clone, Serialize)]
pub struct CardView<'a> {
    /// Absolute URL (cards are fetched by other sites).
    pub url: String,
    /// Width in pixels (1200).
    pub width: u32,
    /// Height in pixels (630).
    pub height: u32,
    /// The photo's alternative text.
    pub alt: &'a str,
}

/// A line of a releases list.
#[derive(Debug, Clone, Serialize)]
pub struct SummaryView<'a> {
    /// Headline (in `lang`).
    pub title: &'a str,
    /// URL of the version shown.
    pub url: String,
    /// ISO date.
    pub date: String,
    /// Date written out in the list's language.
    pub date_display: String,
    /// Place of issue.
    pub location: Option<&'a str>,
    /// The language the location is in.
    pub location_lang: &'a str,
    /// Plain-text summary.
    pub summary: &'a str,
    /// Tag chips, labelled in the list's language: the first
    /// [`super::LIST_TAGS`] of the release's tags.
    pub tags: Vec<TagView<'a>>,
    /// How many more tags the release has than `tags` shows.
    pub more_tags: usize,
    /// Language of the version shown.
    pub lang: &'a str,
    /// The release's lead photo, for a thumbnail.
    pub image: Option<ImageView<'a>>,
    /// Whether it is a draft (only in `--drafts` builds).
    pub draft: bool,
    /// False when shown in another language for lack of a translation.
    pub translated: bool,
    /// The versions that exist, when `translated` is false.
    pub available: Vec<LanguageView<'a>>,
}

/// The `paginator` variable of paginated lists.
#[derive(Debug, Clone, Serialize)]
pub struct PaginatorView {
    /// Current page number, from 1.
    pub current: usize,
    /// Number of pages.
    pub total_pages: usize,
    /// Number of items over all pages.
    pub total_items: usize,
    /// First page URL.
    pub first_url: String,
    /// Last page URL.
    pub last_url: String,
    /// Previous page URL.
    pub prev_url: Option<String>,
    /// Next page URL.
    pub next_url: Option<String>,
    /// The first page, the last page and the pages within
    /// [`PAGINATOR_WINDOW`] of the current one, in order. Not every page: a
    /// list of a thousand pages would otherwise carry a million links in all.
    pub pages: Vec<PageLink>,
}

/// How far from the current page `paginator.pages` reaches. Three lets a
/// theme link two pages either side and still tell where a gap begins.
pub const PAGINATOR_WINDOW: usize = 3;

/// One page number in a paginator.
#[derive(Debug, Clone, Serialize)]
pub struct PageLink {
    /// Page number, from 1.
    pub number: usize,
    /// Its URL.
    pub url: String,
    /// Whether it is the current page.
    pub current: bool,
}

/// A static page's `page` variable.
#[derive(Debug, Clone, Serialize)]
pub struct PageView<'a> {
    /// Title.
    pub title: &'a str,
    /// Root-relative URL.
    pub url: String,
    /// Absolute URL.
    pub permalink: String,
    /// Plain-text summary.
    pub summary: &'a str,
    /// Body HTML (safe).
    pub content: String,
    /// Language.
    pub lang: &'a str,
}

/// A tag in the tag index.
#[derive(Debug, Clone, Serialize)]
pub struct TagIndexItem<'a> {
    /// Stable key.
    pub key: &'a str,
    /// Label in the page's language, or along its fallback chain.
    pub label: &'a str,
    /// The language the label is in.
    pub label_lang: &'a str,
    /// Description in the page's language, or along its fallback chain.
    pub description: Option<&'a str>,
    /// The language the description is in.
    pub description_lang: Option<&'a str>,
    /// Number of releases in the page's language's lists.
    pub count: usize,
    /// The tag's page.
    pub url: String,
}

/// The `tag` variable of a tag page.
#[derive(Debug, Clone, Serialize)]
pub struct TagPageView<'a> {
    /// Stable key.
    pub key: &'a str,
    /// Label in the page's language, or along its fallback chain.
    pub label: &'a str,
    /// The language the label is in.
    pub label_lang: &'a str,
    /// Description in the page's language, or along its fallback chain.
    pub description: Option<&'a str>,
    /// The language the description is in.
    pub description_lang: Option<&'a str>,
    /// The tag's first page.
    pub url: String,
    /// The tag's Atom feed in the page's language.
    pub feed_url: String,
}

/// A year in the year archive.
#[derive(Debug, Clone, Serialize)]
pub struct YearView {
    /// The year.
    pub year: i32,
    /// Number of releases.
    pub count: usize,
    /// The year's first page.
    pub url: String,
    /// Whether it is the year being shown.
    pub current: bool,
}

/// A feed advertised in the page head.
#[derive(Debug, Clone, Serialize)]
pub struct FeedLink {
    /// Feed title.
    pub title: String,
    /// Feed URL.
    pub url: String,
}
