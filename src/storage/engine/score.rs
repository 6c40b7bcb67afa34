//! The score an article's text earns in a search of one word, as the engine ranks
//! it, computed from the text alone and the index's statistics: what an edit in
//! place must reach to enter a page of that search ([`crate::storage::listing`]).
//!
//! A one-word search scores a document as the sum, over its columns holding the
//! word, of bm25 for that word there, weighted by the column's weight
//! ([`super::top::query`]). bm25 reads the word's count in the column, the
//! column's length (quantized as tantivy stores it), the number of documents and
//! of documents holding the word, and the column's fixed typical length
//! ([`super::stats`]). An edit in place moves none of the index's numbers for a
//! word its columns hold before and after, so the index as it is before the write
//! scores the text as the index will once it holds it.

use std::collections::HashMap;

use tantivy::fieldnorm::FieldNormReader;
use tantivy::query::Bm25Weight;
use tantivy::schema::Field;
use tantivy::tokenizer::MAX_TOKEN_LEN;
use tantivy::{Score, Searcher, Term};

use super::Engine;
use super::docs::words;
use super::stats::Stats;
use crate::domain::ResourceKind;
use crate::storage::Result;

/// Scores of an article's text in one-word searches, by an index that holds every
/// committed change.
pub(crate) struct ArticleScores {
    searcher: Searcher,
    engine: Engine,
}

/// One column of the text: its field and weight, length and word counts.
struct Column {
    field: Field,
    weight: f32,
    norm: u8,
    counts: HashMap<String, u32>,
}

impl Engine {
    /// The scorer of article text, by the index caught up with what `conn` sees;
    /// `None` when the engine cannot answer, or has no index of this file yet (a
    /// write does not wait for it to be built). Called before a write, so that the
    /// index holds what is committed and nothing of the write.
    pub(crate) fn article_scores(
        &self,
        conn: &rusqlite::Connection,
    ) -> Result<Option<ArticleScores>> {
        let now = super::Position::of(conn)?;
        if self.held().is_none_or(|held| held.log != now.log) {
            return Ok(None);
        }
        Ok(self.current(conn)?.map(|searcher| ArticleScores {
            searcher,
            engine: self.clone(),
        }))
    }
}

impl ArticleScores {
    /// The score of an article whose searched columns (headline, summary, body)
    /// hold `text` in a search of `word` (one word as the analyzer cuts it), for
    /// each of `words`. A word it does not hold scores 0.
    pub fn of(&self, text: &[Option<String>; 3], words_wanted: &[&str]) -> Result<Vec<Score>> {
        let fields = &self.engine.0.fields;
        let columns: Vec<Column> = fields
            .text
            .iter()
            .find(|(kind, _)| *kind == ResourceKind::Article)
            .map(|(_, fields)| fields.as_slice())
            .unwrap_or_default()
            .iter()
            .zip(text)
            .map(|(&(field, weight), text)| column(field, weight, text.as_deref()))
            .collect();
        let stats = Stats::new(&self.searcher, fields);
        let mut scores = Vec::with_capacity(words_wanted.len());
        for word in words_wanted {
            let mut score: Score = 0.0;
            for column in &columns {
                let Some(&count) = column.counts.get(*word) else {
                    continue;
                };
                let term = Term::from_field_text(column.field, word);
                score += Bm25Weight::for_terms(&stats, &[term])?
                    .boost_by(column.weight)
                    .score(column.norm, count);
            }
            scores.push(score);
        }
        Ok(scores)
    }
}

/// A column as the indexer counts it: tokens longer than tantivy keeps are dropped.
fn column(field: Field, weight: f32, text: Option<&str>) -> Column {
    let mut counts = HashMap::new();
    let mut length = 0u32;
    for word in words(text.unwrap_or_default()) {
        if word.len() <= MAX_TOKEN_LEN {
            length += 1;
            *counts.entry(word).or_insert(0) += 1;
        }
    }
    Column {
        field,
        weight,
        norm: FieldNormReader::fieldnorm_to_id(length),
        counts,
    }
}

#[cfg(test)]
mod tests {
    use crate::storage::Db;
    use crate::storage::fts::FtsQuery;
    use crate::storage::listing::Listing;

    /// The scores computed from an article's text are those the engine ranks its
    /// hits by, for every word of every seeded article.
    #[test]
    fn computed_scores_are_the_engines() {
        let db = Db::open_in_memory().unwrap();
        let engine = db.engine().unwrap();
        db.read_blocking(|conn| {
            let scores = engine.article_scores(conn)?.unwrap();
            let searcher = engine.current(conn)?.unwrap();
            let ids: Vec<String> = conn
                .prepare("SELECT id FROM articles ORDER BY id")?
                .query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            let mut checked = 0;
            for id in &ids {
                let text = Listing::of_article(conn, id)?.unwrap().text;
                let mut held: Vec<String> = text
                    .iter()
                    .flatten()
                    .flat_map(|t| super::words(t))
                    .collect();
                held.sort();
                held.dedup();
                let wanted: Vec<&str> = held.iter().map(String::as_str).collect();
                let computed = scores.of(&text, &wanted)?;
                for (word, computed) in wanted.iter().zip(computed) {
                    let Ok(q) = FtsQuery::parse(word) else {
                        continue;
                    };
                    let hits = engine.collect(
                        &searcher,
                        &q,
                        &[crate::domain::ResourceKind::Article],
                        None,
                        ids.len() + 1,
                        Ok,
                    )?;
                    let key = format!("article/{id}");
                    let ranked = hits.iter().find(|h| h.key == key).unwrap();
                    let off = (ranked.score - computed).abs() / ranked.score;
                    assert!(off < 1e-5, "{id} {word}: {} vs {computed}", ranked.score);
                    checked += 1;
                }
            }
            assert!(checked > 400, "{checked} scores checked");
            Ok(())
        })
        .unwrap();
    }
}
