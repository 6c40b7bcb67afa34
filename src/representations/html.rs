//! An article's body as HTML: headings, paragraphs, and quotes marked up with `<q>`
//! (or a `<blockquote>`) that cite the quote resource.

use crate::domain::{Article, Block, Quote};

/// Escapes text for HTML element content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The body of `article`; `base` makes the quotes' `cite` URLs absolute, and
/// `quotes` gives the words of each quote block, to mark up inside its paragraph.
pub fn body(article: &Article, quotes: &[Quote], base: &str) -> String {
    let mut html = String::new();
    for block in &article.body {
        match block {
            Block::Heading { text, .. } => {
                html.push_str(&format!("<h2>{}</h2>\n", escape(text.as_str())));
            }
            Block::Paragraph { text } => {
                html.push_str(&format!("<p>{}</p>\n", escape(text.as_str())));
            }
            Block::Quote { quote_id, text } => {
                let cite = format!("{base}/v1/quotes/{quote_id}");
                let words = quotes
                    .iter()
                    .find(|q| &q.id == quote_id)
                    .map(|q| q.text.as_str());
                let paragraph = text.as_str();
                match words.and_then(|w| paragraph.find(w).map(|at| (at, w))) {
                    Some((at, words)) => html.push_str(&format!(
                        "<p>{}<q cite=\"{}\">{}</q>{}</p>\n",
                        escape(&paragraph[..at]),
                        escape(&cite),
                        escape(words),
                        escape(&paragraph[at + words.len()..]),
                    )),
                    None => html.push_str(&format!(
                        "<blockquote cite=\"{}\"><p>{}</p></blockquote>\n",
                        escape(&cite),
                        escape(paragraph)
                    )),
                }
            }
        }
    }
    html
}

/// The body as plain text, paragraphs separated by blank lines.
pub fn text(article: &Article) -> String {
    article
        .body
        .iter()
        .map(Block::text)
        .collect::<Vec<_>>()
        .join("\n\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(escape("a < b & \"c\""), "a &lt; b &amp; &quot;c&quot;");
    }
}
