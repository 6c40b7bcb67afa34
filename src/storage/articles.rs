//! Articles and their links to topics, events and participants.

use rusqlite::{Connection, Row, params};

use super::Result;
use super::fts::FtsQuery;
use super::list::{self, Resource};
use super::query::{Facet, Listing, Sort, Where, json_column, time_column};
use super::search::rank;
use crate::domain::{
    Article, ArticleId, Block, Dateline, EventId, HeadlineOrigin, Links, NewArticle, ParticipantId,
    SourceAttribution, TopicId,
};

/// Which articles a list holds. Empty vectors and `None`s filter nothing; several
/// values of one filter mean OR, different filters AND.
#[derive(Debug, Default, Clone)]
pub struct ArticleFilter {
    pub ids: Vec<ArticleId>,
    pub participant: Vec<ParticipantId>,
    pub event: Vec<EventId>,
    pub topic: Vec<TopicId>,
    /// Unix seconds, inclusive.
    pub published_after: Option<i64>,
    /// Unix seconds, exclusive.
    pub published_before: Option<i64>,
    /// Unix seconds, inclusive.
    pub updated_after: Option<i64>,
    /// Headline, summary or body match.
    pub q: Option<FtsQuery>,
}

const COLUMNS: &str = "a.id, a.headline, a.headline_origin, a.dateline_place, a.dateline_date,
    a.published_at, a.updated_at, a.summary, a.language, a.source_name, a.source_url, a.source_note, a.body,
    (SELECT json_group_array(topic) FROM
        (SELECT topic FROM article_topics WHERE article = a.id ORDER BY ord)) AS topics,
    (SELECT json_group_array(event) FROM
        (SELECT event FROM article_events WHERE article = a.id ORDER BY ord)) AS events,
    (SELECT json_group_array(participant) FROM
        (SELECT participant FROM article_participants WHERE article = a.id ORDER BY ord)) AS participants,
    (SELECT json_group_array(id) FROM
        (SELECT q.id FROM quotes q WHERE q.article = a.id
         ORDER BY (SELECT CAST(j.key AS INTEGER) FROM json_each(a.body) j
                   WHERE json_extract(j.value, '$.quote_id') = q.id) NULLS LAST, q.id)) AS quotes";

impl Resource for Article {
    type Filter = ArticleFilter;
    const LISTING: Listing = Listing {
        from: "articles a",
        id: "a.id",
        columns: COLUMNS,
        deferred: true,
    };
    const SORTS: &'static [Sort] = &[
        Sort::desc("-published_at", "a.published_at"),
        Sort::asc("published_at", "a.published_at"),
        Sort::desc("-updated_at", "a.updated_at"),
        Sort::asc("updated_at", "a.updated_at"),
        Sort::relevance(rank!(articles)),
    ];
    const FACETS: &'static [Facet] = &[
        Facet {
            name: "topic",
            join: "JOIN article_topics fx ON fx.article = a.id JOIN topics fl ON fl.id = fx.topic",
            value: "fx.topic",
            label: "fl.name",
            distinct: false,
        },
        Facet {
            name: "participant",
            join: "JOIN article_participants fx ON fx.article = a.id \
                   JOIN participants fl ON fl.id = fx.participant",
            value: "fx.participant",
            label: "fl.name",
            distinct: false,
        },
        Facet {
            name: "event",
            join: "JOIN article_events fx ON fx.article = a.id JOIN events fl ON fl.id = fx.event",
            value: "fx.event",
            label: "fl.title",
            distinct: false,
        },
    ];

    fn conditions(filter: &ArticleFilter) -> Where {
        let mut w = Where::default();
        w.any_of("a.id IN ({})", &filter.ids);
        w.any_of(
            "a.id IN (SELECT article FROM article_participants WHERE participant IN ({}))",
            &filter.participant,
        );
        w.any_of(
            "a.id IN (SELECT article FROM article_events WHERE event IN ({}))",
            &filter.event,
        );
        w.any_of(
            "a.id IN (SELECT article FROM article_topics WHERE topic IN ({}))",
            &filter.topic,
        );
        w.bound(
            "a.published_at",
            ">=",
            filter.published_after.map(Into::into),
        );
        w.bound(
            "a.published_at",
            "<",
            filter.published_before.map(Into::into),
        );
        w.bound("a.updated_at", ">=", filter.updated_after.map(Into::into));
        if let Some(q) = &filter.q {
            q.restrict(&mut w, "articles", "a");
        }
        w
    }

    fn from_row(row: &Row<'_>) -> rusqlite::Result<Self> {
        from_row(row)
    }
}

fn from_row(row: &Row<'_>) -> rusqlite::Result<Article> {
    let id: ArticleId = row.get("id")?;
    let origin: String = row.get("headline_origin")?;
    Ok(Article {
        links: Links::to("articles", id.as_str()),
        id,
        headline: row.get("headline")?,
        headline_origin: if origin == "editorial" {
            HeadlineOrigin::Editorial
        } else {
            HeadlineOrigin::Source
        },
        dateline: Dateline {
            place: row.get("dateline_place")?,
            date: row.get("dateline_date")?,
        },
        published_at: time_column(row, "published_at")?,
        updated_at: time_column(row, "updated_at")?,
        summary: row.get("summary")?,
        language: row.get("language")?,
        source: SourceAttribution {
            name: row.get("source_name")?,
            url: row.get("source_url")?,
            note: row.get("source_note")?,
        },
        topics: json_column(row, "topics")?,
        events: json_column(row, "events")?,
        participants: json_column(row, "participants")?,
        quotes: json_column(row, "quotes")?,
        body: json_column::<Vec<Block>>(row, "body")?,
    })
}

pub fn get(conn: &Connection, id: &ArticleId) -> Result<Option<Article>> {
    Ok(get_many(conn, std::slice::from_ref(id))?.pop())
}

/// The articles with these ids, in list order; missing ids are skipped.
pub fn get_many(conn: &Connection, ids: &[ArticleId]) -> Result<Vec<Article>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let filter = ArticleFilter {
        ids: ids.to_vec(),
        ..Default::default()
    };
    list::all(conn, &filter)
}

pub fn exists(conn: &Connection, id: &ArticleId) -> Result<bool> {
    super::row_exists(conn, "articles", id.as_str())
}

pub fn insert(conn: &Connection, a: &NewArticle, now: i64) -> Result<()> {
    let body =
        serde_json::to_string(&a.body).map_err(|e| super::StorageError::Fixtures(e.to_string()))?;
    conn.execute(
        "INSERT INTO articles (id, headline, headline_origin, dateline_place, dateline_date, published_at,
            updated_at, summary, language, source_name, source_url, source_note, body)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
        params![
            a.id,
            a.headline,
            match a.headline_origin {
                HeadlineOrigin::Source => "source",
                HeadlineOrigin::Editorial => "editorial",
            },
            a.dateline.place,
            a.dateline.date,
            a.published_at.timestamp(),
            now,
            a.summary,
            a.language,
            a.source.name,
            a.source.url,
            a.source.note,
            body
        ],
    )?;
    let links: [(&str, Vec<&str>); 3] = [
        (
            "article_topics (article, topic, ord)",
            a.topics.iter().map(|t| t.as_str()).collect(),
        ),
        (
            "article_events (article, event, ord)",
            a.events.iter().map(|e| e.as_str()).collect(),
        ),
        (
            "article_participants (article, participant, ord)",
            a.participants.iter().map(|p| p.as_str()).collect(),
        ),
    ];
    for (table, targets) in links {
        let sql = format!("INSERT INTO {table} VALUES (?1, ?2, ?3)");
        let mut stmt = conn.prepare_cached(&sql)?;
        for (ord, target) in targets.into_iter().enumerate() {
            stmt.execute(params![a.id, target, ord as i64])?;
        }
    }
    Ok(())
}
