//! Sitemaps (sitemaps.org 0.9): an index of pages of article URLs, and a Google
//! News sitemap of the newest articles.

use chrono::{DateTime, SecondsFormat, Utc};

use super::html::escape;
use crate::storage::sitemaps::Entry;

const SITEMAP_NS: &str = "http://www.sitemaps.org/schemas/sitemap/0.9";
const NEWS_NS: &str = "http://www.google.com/schemas/sitemap-news/0.9";

fn w3c(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// The sitemap index: one `<sitemap>` per page URL, with the page's last change.
pub fn index(pages: &[(String, DateTime<Utc>)]) -> String {
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"{SITEMAP_NS}\">\n"
    );
    for (loc, lastmod) in pages {
        xml.push_str(&format!(
            "  <sitemap><loc>{}</loc><lastmod>{}</lastmod></sitemap>\n",
            escape(loc),
            w3c(*lastmod)
        ));
    }
    xml.push_str("</sitemapindex>\n");
    xml
}

/// One page of article URLs, each with its last change.
pub fn urlset(entries: &[Entry], url: impl Fn(&Entry) -> String) -> String {
    let mut xml =
        format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"{SITEMAP_NS}\">\n");
    for e in entries {
        xml.push_str(&format!(
            "  <url><loc>{}</loc><lastmod>{}</lastmod></url>\n",
            escape(&url(e)),
            w3c(e.updated_at)
        ));
    }
    xml.push_str("</urlset>\n");
    xml
}

/// The language as Google News names it: ISO 639 (`en`, `fra`), except Chinese,
/// which is `zh-cn` or `zh-tw`.
fn news_language(tag: &str) -> String {
    let tag = tag.to_ascii_lowercase();
    match tag.as_str() {
        "zh-cn" | "zh-hans" | "zh-hans-cn" => "zh-cn".to_owned(),
        "zh-tw" | "zh-hant" | "zh-hant-tw" => "zh-tw".to_owned(),
        _ => tag.split('-').next().unwrap_or("en").to_owned(),
    }
}

/// A Google News sitemap of `entries`, published by `publication`.
pub fn news(entries: &[Entry], publication: &str, url: impl Fn(&Entry) -> String) -> String {
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"{SITEMAP_NS}\" xmlns:news=\"{NEWS_NS}\">\n"
    );
    for e in entries {
        xml.push_str(&format!(
            "  <url>\n    <loc>{}</loc>\n    <news:news>\n      <news:publication>\
             <news:name>{}</news:name><news:language>{}</news:language></news:publication>\n      \
             <news:publication_date>{}</news:publication_date>\n      \
             <news:title>{}</news:title>\n    </news:news>\n  </url>\n",
            escape(&url(e)),
            escape(publication),
            news_language(&e.language),
            w3c(e.published_at),
            escape(&e.headline)
        ));
    }
    xml.push_str("</urlset>\n");
    xml
}

#[cfg(test)]
mod tests {
    #[test]
    fn languages_are_named_as_google_news_wants() {
        assert_eq!(super::news_language("pt-BR"), "pt");
        assert_eq!(super::news_language("zh-TW"), "zh-tw");
        assert_eq!(super::news_language("en"), "en");
    }
}
