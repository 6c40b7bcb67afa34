//! Article lists with `q`, best match first: the engine's article hits, kept when
//! they pass the list's other filters and the reader's visibility, all checked in
//! SQL by the list's own conditions.

use std::collections::HashMap;

use rusqlite::Connection;

use super::docs::key;
use crate::domain::{Article, ResourceKind};
use crate::storage::articles::ArticleFilter;
use crate::storage::list::Resource;
use crate::storage::query::{Cursor, Listing, Page, PageRequest, Sort, SortValue};
use crate::storage::{Result, StorageError};
use crate::storage::{listing, read};

/// The page of `filter` by relevance from the engine; `None` when it cannot answer
/// (another order, no engine or not built yet, a cursor it did not make, a failure
/// of its own: it is a faster path, never the only one).
pub(crate) fn articles_by_relevance(
    conn: &Connection,
    filter: &ArticleFilter,
    listing: &Listing,
    sort: &Sort,
    request: &PageRequest,
) -> Result<Option<Page<Article>>> {
    match by_engine(conn, filter, listing, sort, request) {
        Err(StorageError::Search(e)) => {
            tracing::warn!(error = %e, "search engine failed: FTS5 answers");
            Ok(None)
        }
        answered => answered,
    }
}

fn by_engine(
    conn: &Connection,
    filter: &ArticleFilter,
    listing: &Listing,
    sort: &Sort,
    request: &PageRequest,
) -> Result<Option<Page<Article>>> {
    let (Some(engine), Some(q), true) = (&filter.engine, &filter.q, sort.relevance) else {
        return Ok(None);
    };
    let after = match &request.after {
        None => None,
        Some(Cursor {
            key: SortValue::Float(rank),
            id,
        }) => Some((-*rank as f32, key(ResourceKind::Article, id))),
        Some(_) => return Ok(None),
    };
    let Some(searcher) = engine.current(conn)? else {
        return Ok(None);
    };
    // Everything the list asks but the words: those the engine matched.
    let rest = ArticleFilter {
        q: None,
        engine: None,
        ..filter.clone()
    };
    let limit = request.limit as usize;
    let prefix = "article/";
    // Each batch of hits is read in one query, which keeps those that pass the
    // list's other conditions and the reader's visibility, with the columns shown.
    let mut kept: Vec<(Article, f32)> = engine.collect(
        &searcher,
        q,
        &[ResourceKind::Article],
        after,
        limit + 1,
        |ranked| {
            let ids: Vec<&str> = ranked
                .iter()
                .filter_map(|r| r.key.strip_prefix(prefix))
                .collect();
            // No ids would mean no condition on them: every article.
            if ids.is_empty() {
                return Ok(Vec::new());
            }
            let mut w = Article::conditions(&rest);
            w.any_of("a.id IN ({})", &ids);
            let mut rows: HashMap<String, Article> =
                read::all(conn, listing, w, "a.id", Article::from_row)?
                    .into_iter()
                    .map(|a| (a.id.to_string(), a))
                    .collect();
            Ok(ranked
                .iter()
                .filter_map(|r| {
                    let id = r.key.strip_prefix(prefix)?;
                    Some((rows.remove(id)?, r.score))
                })
                .collect::<Vec<_>>())
        },
    )?;
    // A full page: what an edited article must score to enter it.
    let floor = match (listing::one_word(q), limit.checked_sub(1)) {
        (Some(word), Some(last)) if kept.len() > limit => Some((word, kept[last].1)),
        _ => None,
    };
    let next = if kept.len() > limit {
        kept.truncate(limit);
        kept.last().map(|(article, score)| Cursor {
            key: SortValue::Float(-f64::from(*score)),
            id: article.id.to_string(),
        })
    } else {
        None
    };
    let items = kept.into_iter().map(|(article, _)| article).collect();
    Ok(Some(Page {
        items,
        next,
        ranked_by_all_text: false,
        floor,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::fts::FtsQuery;
    use crate::storage::{Db, ListRequest, list};

    /// FTS5's bm25 reads every article's text; the engine's scores do not
    /// (`engine::stats`), and the page says which one ranked it.
    #[test]
    fn a_page_says_when_all_the_text_ranked_it() {
        let db = Db::open_in_memory().unwrap();
        let engine = db.engine();
        assert!(engine.is_some(), "the seed's index is built on the spot");
        let mut request = ListRequest::first::<Article>(2);
        request.sort = *Article::SORTS.iter().find(|s| s.relevance).unwrap();
        for (engine, by_all_text) in [(engine, false), (None, true)] {
            let filter = ArticleFilter {
                q: Some(FtsQuery::parse("Belarus").unwrap()),
                engine,
                ..Default::default()
            };
            let listed = db
                .read_blocking(|conn| list::list::<Article>(conn, &filter, &request))
                .unwrap();
            assert_eq!(listed.page.items.len(), 2);
            assert_eq!(listed.page.ranked_by_all_text, by_all_text);
        }
    }
}
