//! Articles and their links to topics, events and participants.

use rusqlite::{Connection, OptionalExtension, Row, params};

use super::Result;
use super::fts::FtsQuery;
use super::list::{self, Resource};
use super::query::{Facet, Listing, Sort, Where, json_column, time_column};
use super::search::rank;
use crate::domain::{
    Article, ArticleId, ArticleStatus, Block, Dateline, EventId, HeadlineOrigin, Links, NewArticle,
    ParticipantId, QuoteId, Rights, SourceAttribution, TopicId,
};

use super::visibility::early_article;
pub use super::visibility::{Visibility, visible};

fn status_condition(status: ArticleStatus) -> &'static str {
    match status {
        ArticleStatus::Draft => "a.status = 'draft'",
        ArticleStatus::Withdrawn => "a.status = 'withdrawn'",
        // Published and live; whether its embargo holds is the reader's visibility.
        ArticleStatus::Published => early_article!("a"),
        ArticleStatus::Scheduled => "(a.status = 'published' AND a.published_at > unixepoch())",
    }
}

/// Which articles a list holds. Empty vectors and `None`s filter nothing; several
/// values of one filter mean OR, different filters AND.
#[derive(Debug, Default, Clone)]
pub struct ArticleFilter {
    pub visibility: Visibility,
    pub status: Vec<ArticleStatus>,
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
    CASE WHEN a.status = 'published' AND a.published_at > unixepoch() THEN 'scheduled'
         ELSE a.status END AS status, a.version,
    (SELECT json_group_array(json_object('note', note, 'version', version,
            'corrected_at', strftime('%Y-%m-%dT%H:%M:%SZ', at, 'unixepoch')))
        FROM (SELECT * FROM article_corrections WHERE article = a.id ORDER BY version)) AS corrections,
    a.published_at, a.embargoed_until, a.expires_at, a.updated_at, a.summary, a.language, a.source_name, a.source_url, a.source_note, a.body,
    coalesce(a.copyright_holder, (SELECT copyright_holder FROM newsroom_rights)) AS copyright_holder,
    coalesce(a.copyright_notice, (SELECT copyright_notice FROM newsroom_rights)) AS copyright_notice,
    coalesce(a.usage_terms, (SELECT usage_terms FROM newsroom_rights)) AS usage_terms,
    coalesce(a.license_url, (SELECT license_url FROM newsroom_rights)) AS license_url,
    (SELECT json_group_array(topic) FROM
        (SELECT topic FROM article_topics WHERE article = a.id ORDER BY ord)) AS topics,
    (SELECT json_group_array(event) FROM
        (SELECT event FROM article_events WHERE article = a.id ORDER BY ord)) AS events,
    (SELECT json_group_array(participant) FROM
        (SELECT participant FROM article_participants WHERE article = a.id ORDER BY ord)) AS participants,
    (SELECT json_group_array(id) FROM
        (SELECT q.id FROM quotes q WHERE q.article = a.id ORDER BY q.id)) AS quotes";

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
        w.and(visible(filter.visibility), []);
        if !filter.status.is_empty() {
            let any: Vec<&str> = filter.status.iter().map(|s| status_condition(*s)).collect();
            w.and(format!("({})", any.join(" OR ")), []);
        }
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

/// The quotes in the order the body carries them, then those it does not, by id.
/// Done here rather than in SQL, where it meant parsing the body once per quote.
fn in_body_order(mut quotes: Vec<QuoteId>, body: &[Block]) -> Vec<QuoteId> {
    let position = |id: &QuoteId| {
        body.iter()
            .position(|b| matches!(b, Block::Quote { quote_id, .. } if quote_id == id))
            .unwrap_or(usize::MAX)
    };
    quotes.sort_by_cached_key(|id| (position(id), id.clone()));
    quotes
}

fn from_row(row: &Row<'_>) -> rusqlite::Result<Article> {
    let body = json_column::<Vec<Block>>(row, "body")?;
    let id: ArticleId = row.get("id")?;
    let origin: String = row.get("headline_origin")?;
    let status: String = row.get("status")?;
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
        status: ArticleStatus::parse(&status).unwrap_or(ArticleStatus::Draft),
        version: row.get("version")?,
        corrections: json_column(row, "corrections")?,
        published_at: time_column(row, "published_at")?,
        embargoed_until: optional_time(row, "embargoed_until")?,
        expires_at: optional_time(row, "expires_at")?,
        updated_at: time_column(row, "updated_at")?,
        summary: row.get("summary")?,
        language: row.get("language")?,
        source: SourceAttribution {
            name: row.get("source_name")?,
            url: row.get("source_url")?,
            note: row.get("source_note")?,
        },
        rights: Rights {
            copyright_holder: row.get("copyright_holder")?,
            copyright_notice: row.get("copyright_notice")?,
            usage_terms: row.get("usage_terms")?,
            license_url: row.get("license_url")?,
        },
        topics: json_column(row, "topics")?,
        events: json_column(row, "events")?,
        participants: json_column(row, "participants")?,
        quotes: in_body_order(json_column(row, "quotes")?, &body),
        body,
    })
}

fn optional_time(
    row: &Row<'_>,
    column: &str,
) -> rusqlite::Result<Option<chrono::DateTime<chrono::Utc>>> {
    Ok(row
        .get::<_, Option<i64>>(column)?
        .and_then(|t| chrono::DateTime::from_timestamp(t, 0)))
}

/// The article `id` if `visibility` allows it.
pub fn find(conn: &Connection, id: &ArticleId, visibility: Visibility) -> Result<Option<Article>> {
    Ok(find_many(conn, std::slice::from_ref(id), visibility)?.pop())
}

/// The article `id` if it is public.
pub fn get(conn: &Connection, id: &ArticleId) -> Result<Option<Article>> {
    find(conn, id, Visibility::Public)
}

/// The public articles with these ids, in list order; missing ids are skipped.
pub fn get_many(conn: &Connection, ids: &[ArticleId]) -> Result<Vec<Article>> {
    find_many(conn, ids, Visibility::Public)
}

/// The articles with these ids that `visibility` allows, in list order.
pub fn find_many(
    conn: &Connection,
    ids: &[ArticleId],
    visibility: Visibility,
) -> Result<Vec<Article>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let filter = ArticleFilter {
        visibility,
        ids: ids.to_vec(),
        ..Default::default()
    };
    list::all(conn, &filter)
}

/// Whether the article `id` exists and `visibility` allows it.
pub fn is_visible(conn: &Connection, id: &ArticleId, visibility: Visibility) -> Result<bool> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT 1 FROM articles a WHERE a.id = ?1 AND {}",
            visible(visibility)
        ))?
        .query_row([id], |_| Ok(()))
        .optional()?
        .is_some())
}

pub fn exists(conn: &Connection, id: &ArticleId) -> Result<bool> {
    super::row_exists(conn, "articles", id.as_str())
}

/// What the server decides about a version of an article.
pub struct Stamp<'a> {
    pub status: &'static str,
    pub published_at: i64,
    pub version: u32,
    pub now: i64,
    pub changed_by: Option<&'a str>,
}

/// Creates or replaces the article `id` with its links.
pub fn save(conn: &Connection, id: &ArticleId, a: &NewArticle, stamp: &Stamp<'_>) -> Result<()> {
    let body = serde_json::to_string(&a.body).map_err(|source| super::StorageError::Json {
        what: "an article body".into(),
        source,
    })?;
    conn.prepare_cached(
        "INSERT INTO articles (id, headline, headline_origin, dateline_place, dateline_date, published_at,
            updated_at, summary, language, source_name, source_url, source_note, body, status,
            version, changed_by, copyright_holder, copyright_notice, usage_terms, license_url,
            embargoed_until, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,
            ?19, ?20, ?21, ?22)
         ON CONFLICT (id) DO UPDATE SET headline = excluded.headline,
            headline_origin = excluded.headline_origin, dateline_place = excluded.dateline_place,
            dateline_date = excluded.dateline_date, published_at = excluded.published_at,
            updated_at = excluded.updated_at, summary = excluded.summary,
            language = excluded.language, source_name = excluded.source_name,
            source_url = excluded.source_url, source_note = excluded.source_note,
            body = excluded.body, status = excluded.status, version = excluded.version,
            changed_by = excluded.changed_by, copyright_holder = excluded.copyright_holder,
            copyright_notice = excluded.copyright_notice, usage_terms = excluded.usage_terms,
            license_url = excluded.license_url, embargoed_until = excluded.embargoed_until,
            expires_at = excluded.expires_at",
    )?
    .execute(params![
        id,
        a.headline.as_str(),
        match a.headline_origin {
            HeadlineOrigin::Source => "source",
            HeadlineOrigin::Editorial => "editorial",
        },
        a.dateline.place,
        a.dateline.date,
        stamp.published_at,
        stamp.now,
        a.summary.as_str(),
        a.language.as_str(),
        a.source.name,
        a.source.url,
        a.source.note,
        body,
        stamp.status,
        stamp.version,
        stamp.changed_by,
        a.rights.copyright_holder,
        a.rights.copyright_notice,
        a.rights.usage_terms,
        a.rights.license_url,
        a.embargoed_until.map(|t| t.timestamp()),
        a.expires_at.map(|t| t.timestamp()),
    ])?;
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
        let name = table.split(' ').next().unwrap_or(table);
        conn.prepare_cached(&format!("DELETE FROM {name} WHERE article = ?1"))?
            .execute([id])?;
        let mut stmt = conn.prepare_cached(&format!(
            "INSERT OR IGNORE INTO {table} VALUES (?1, ?2, ?3)"
        ))?;
        for (ord, target) in targets.into_iter().enumerate() {
            stmt.execute(params![id, target, ord as i64])?;
        }
    }
    Ok(())
}
