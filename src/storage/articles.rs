//! Articles and their links to topics, events and participants.

mod complete;
mod save;

use complete::complete;
pub(crate) use save::{Stamp, save};

use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension};


use super::Result;
use super::by_id::Keyed;
use super::fts::FtsQuery;
use super::list::{Resource, wanted};
use super::query::{Facet, Listing, Page, PageRequest, Sort, Where, json_column, time_column};
use super::row::NamedRow;
use super::search::rank;
use crate::domain::{
    Article, ArticleId, ArticleStatus, Block, Dateline, EventId, HeadlineOrigin, Links,
    ParticipantId, Rights, SourceAttribution, TopicId,
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
    /// Finds the best matches of `q` without ranking them all (relevance order).
    pub engine: Option<super::engine::Engine>,
}

/// The article's own columns, with `$body` for the body; its relation lists come per
/// page (see `complete`).
macro_rules! columns {
    ($body:literal) => {
        concat!(
            "a.id, a.headline, a.headline_origin, a.dateline_place, a.dateline_date,
    CASE WHEN a.status = 'published' AND a.published_at > unixepoch() THEN 'scheduled'
         ELSE a.status END AS status, a.version,
    a.published_at, a.embargoed_until, a.expires_at, a.updated_at, a.summary, a.language, a.source_name, a.source_url, a.source_note, ",
            $body,
            ",
    coalesce(a.copyright_holder, (SELECT copyright_holder FROM newsroom_rights)) AS copyright_holder,
    coalesce(a.copyright_notice, (SELECT copyright_notice FROM newsroom_rights)) AS copyright_notice,
    coalesce(a.usage_terms, (SELECT usage_terms FROM newsroom_rights)) AS usage_terms,
    coalesce(a.license_url, (SELECT license_url FROM newsroom_rights)) AS license_url"
        )
    };
}
const COLUMNS: &str = columns!("a.body");
/// For lists whose `fields` leave the body out: it is most of a row's bytes and of
/// the time to read one, and would only be parsed to be dropped.
const COLUMNS_WITHOUT_BODY: &str = columns!("'[]' AS body");

/// A relation filter of article lists: the link table and its column.
struct Link {
    table: &'static str,
    column: &'static str,
    values: fn(&ArticleFilter) -> Vec<&str>,
}

const LINKS: [Link; 3] = [
    Link {
        table: "article_participants",
        column: "participant",
        values: |f| f.participant.iter().map(|v| v.as_str()).collect(),
    },
    Link {
        table: "article_events",
        column: "event",
        values: |f| f.event.iter().map(|v| v.as_str()).collect(),
    },
    Link {
        table: "article_topics",
        column: "topic",
        values: |f| f.topic.iter().map(|v| v.as_str()).collect(),
    },
];

/// The link joined (as `dl`) rather than tested with `IN`: the first relation filter
/// with one value, which then can drive the list. Several values of one filter could
/// reach an article twice through a join.
fn driving_link(filter: &ArticleFilter) -> Option<&'static Link> {
    LINKS.iter().find(|link| (link.values)(filter).len() == 1)
}

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
        conditions(filter, false)
    }

    fn page(
        conn: &Connection,
        filter: &ArticleFilter,
        listing: &Listing,
        conditions: &Where,
        sort: &Sort,
        request: &PageRequest,
    ) -> Result<Page<Self>> {
        if let Some(page) =
            super::engine::articles_by_relevance(conn, filter, listing, sort, request)?
        {
            return Ok(page);
        }
        if walks_dates(conn, filter, sort)? {
            let walking = self::conditions(filter, true);
            return super::read::page(conn, listing, &walking, sort, request, from_row);
        }
        super::read::page(conn, listing, conditions, sort, request, from_row)
    }

    /// In publication order, a list filtered by one topic, participant or event walks
    /// the index of that link (which carries `published_at`, see migration 0012)
    /// instead of reading all of its articles and sorting them.
    fn order(filter: &ArticleFilter, sort: Sort) -> Sort {
        match driving_link(filter) {
            Some(_) if sort.key == "a.published_at" => Sort {
                key: "dl.published_at",
                ..sort
            },
            _ => sort,
        }
    }

    /// The quotes are listed in the body's order, so they need it too.
    fn listing(fields: &[String]) -> Listing {
        match wanted(fields, "body") || wanted(fields, "quotes") {
            true => Self::LISTING,
            false => Listing {
                columns: COLUMNS_WITHOUT_BODY,
                ..Self::LISTING
            },
        }
    }

    fn from_row(row: &NamedRow<'_>) -> rusqlite::Result<Self> {
        from_row(row)
    }

    fn complete(
        conn: &Connection,
        _: &ArticleFilter,
        items: &mut [Self],
        fields: &[String],
    ) -> Result<()> {
        complete(conn, items, fields)
    }
}

/// The conditions of `filter`; `walking`: its words as a list of matching rowids
/// ([`FtsQuery::restrict_walking`]) rather than a join with the full-text index.
fn conditions(filter: &ArticleFilter, walking: bool) -> Where {
    let mut w = Where::default();
    w.and(visible(filter.visibility), []);
    if !filter.status.is_empty() {
        let any: Vec<&str> = filter.status.iter().map(|s| status_condition(*s)).collect();
        w.and(format!("({})", any.join(" OR ")), []);
    }
    w.any_of("a.id IN ({})", &filter.ids);
    let driving = driving_link(filter);
    for link in LINKS {
        let values = (link.values)(filter);
        if driving.is_some_and(|d| d.table == link.table) {
            w.join(format!("JOIN {} dl ON dl.article = a.id", link.table));
            w.and(
                format!("dl.{} = ?", link.column),
                [Value::Text(values[0].into())],
            );
        } else {
            let template = format!(
                "a.id IN (SELECT article FROM {} WHERE {} IN ({{}}))",
                link.table, link.column
            );
            w.any_of(&template, &values);
        }
    }
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
    match &filter.q {
        Some(q) if walking => q.restrict_walking(&mut w, "articles", "a"),
        Some(q) => q.restrict(&mut w, "articles", "a"),
        None => {}
    }
    w
}

/// Whether a search in date order walks the date index ([`FtsQuery::restrict_walking`])
/// rather than read and sort every match: when its words may be held by so many
/// articles that a walk meets a page of them soon. A walk reads the index entries
/// between matches (about `articles / matches` per hit), the other way reads each
/// match's row; past about √articles matches the walk costs less. The engine's word
/// counts give an upper bound of the matches, so a search of common words that
/// seldom meet walks the whole index: that is the most it can cost.
fn walks_dates(conn: &Connection, filter: &ArticleFilter, sort: &Sort) -> Result<bool> {
    let (Some(q), Some(engine), false) = (&filter.q, &filter.engine, sort.relevance) else {
        return Ok(false);
    };
    let Some(at_most) = engine.matching_at_most(q, crate::domain::ResourceKind::Article) else {
        // A bare prefix: its words are unknown, and a walk's cost is bounded.
        return Ok(true);
    };
    let articles: i64 = conn
        .prepare_cached("SELECT coalesce(max(rowid), 0) FROM articles")?
        .query_row([], |r| r.get(0))?;
    Ok(at_most.saturating_mul(at_most) >= articles.unsigned_abs())
}

impl Keyed for Article {
    type Id = ArticleId;
    const TABLE: &'static str = "articles";

    fn with_ids(ids: &[ArticleId], visibility: Visibility) -> ArticleFilter {
        ArticleFilter {
            visibility,
            ids: ids.to_vec(),
            ..Default::default()
        }
    }

    fn id_str(id: &ArticleId) -> &str {
        id.as_str()
    }
}

fn from_row(row: &NamedRow<'_>) -> rusqlite::Result<Article> {
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
        corrections: Vec::new(),
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
        topics: Vec::new(),
        events: Vec::new(),
        participants: Vec::new(),
        quotes: Vec::new(),
        body,
    })
}

fn optional_time(
    row: &NamedRow<'_>,
    column: &str,
) -> rusqlite::Result<Option<chrono::DateTime<chrono::Utc>>> {
    Ok(row
        .get::<_, Option<i64>>(column)?
        .and_then(|t| chrono::DateTime::from_timestamp(t, 0)))
}

/// Whether the article `id` exists and `visibility` allows it.
pub(crate) fn is_visible(
    conn: &Connection,
    id: &ArticleId,
    visibility: Visibility,
) -> Result<bool> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT 1 FROM articles a WHERE a.id = ?1 AND {}",
            visible(visibility)
        ))?
        .query_row([id], |_| Ok(()))
        .optional()?
        .is_some())
}
