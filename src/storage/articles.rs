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

/// The article's own columns, read in this order by `from_row`; its relation lists
/// come per page (see `complete`). Each row: the field of the article's JSON that
/// needs the column, the column's name, its expression, and a constant of the same
/// type that a list whose `fields` leave the field out reads in its place. The body
/// is most of a row's bytes, and the rights are four lookups of the newsroom's
/// defaults per row; a sparse list reads neither, and `from_row` has one shape.
/// The id and `updated_at` are always read: they make the page's cursor, surrogate
/// keys and `Last-Modified`.
macro_rules! columns {
    ($(($field:literal, $name:literal, $expr:literal, $absent:literal)),* $(,)?) => {
        const COLUMNS: &str = concat!("a.id AS id" $(, ", ", $expr, " AS ", $name)*);
        const PROJECTION: &[Projected] = &[
            $(Projected { field: $field, name: $name, expr: $expr, absent: $absent }),*
        ];
    };
}

/// One column of [`PROJECTION`].
struct Projected {
    field: &'static str,
    name: &'static str,
    expr: &'static str,
    absent: &'static str,
}

columns![
    ("headline", "headline", "a.headline", "''"),
    ("headline_origin", "headline_origin", "a.headline_origin", "''"),
    ("dateline", "dateline_place", "a.dateline_place", "NULL"),
    ("dateline", "dateline_date", "a.dateline_date", "'1970-01-01'"),
    (
        "status",
        "status",
        "CASE WHEN a.status = 'published' AND a.published_at > unixepoch() THEN 'scheduled' ELSE a.status END",
        "''"
    ),
    ("version", "version", "a.version", "0"),
    ("published_at", "published_at", "a.published_at", "0"),
    ("embargoed_until", "embargoed_until", "a.embargoed_until", "NULL"),
    ("expires_at", "expires_at", "a.expires_at", "NULL"),
    ("updated_at", "updated_at", "a.updated_at", "a.updated_at"),
    ("summary", "summary", "a.summary", "''"),
    ("language", "language", "a.language", "''"),
    ("source", "source_name", "a.source_name", "NULL"),
    ("source", "source_url", "a.source_url", "NULL"),
    ("source", "source_note", "a.source_note", "NULL"),
    // The quotes are listed in the body's order, so they need it too (see `read_by`).
    ("body", "body", "a.body", "'[]'"),
    (
        "rights",
        "copyright_holder",
        "coalesce(a.copyright_holder, (SELECT copyright_holder FROM newsroom_rights))",
        "NULL"
    ),
    (
        "rights",
        "copyright_notice",
        "coalesce(a.copyright_notice, (SELECT copyright_notice FROM newsroom_rights))",
        "NULL"
    ),
    (
        "rights",
        "usage_terms",
        "coalesce(a.usage_terms, (SELECT usage_terms FROM newsroom_rights))",
        "NULL"
    ),
    (
        "rights",
        "license_url",
        "coalesce(a.license_url, (SELECT license_url FROM newsroom_rights))",
        "NULL"
    ),
];

/// Whether a page cut down to `fields` reads the column of `field`.
fn read_by(fields: &[String], field: &str) -> bool {
    field == "updated_at" || wanted(fields, field) || (field == "body" && wanted(fields, "quotes"))
}

/// The columns a page cut down to `fields` reads: [`COLUMNS`], with a constant in
/// place of each column no asked-for field needs.
fn projection(fields: &[String]) -> String {
    let mut columns = String::from("a.id AS id");
    for column in PROJECTION {
        let expr = match read_by(fields, column.field) {
            true => column.expr,
            false => column.absent,
        };
        columns.push_str(", ");
        columns.push_str(expr);
        columns.push_str(" AS ");
        columns.push_str(column.name);
    }
    columns
}

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
        columns: std::borrow::Cow::Borrowed(COLUMNS),
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

    fn listing(fields: &[String]) -> Listing {
        match fields.is_empty() {
            true => Self::LISTING,
            false => Listing {
                columns: std::borrow::Cow::Owned(projection(fields)),
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

/// An article from a row of [`COLUMNS`], read in their order: the lookup of a column
/// by name starts after the column read last ([`NamedRow`]).
fn from_row(row: &NamedRow<'_>) -> rusqlite::Result<Article> {
    let id: ArticleId = row.get("id")?;
    let headline = row.get("headline")?;
    let origin: String = row.get("headline_origin")?;
    let dateline = Dateline {
        place: row.get("dateline_place")?,
        date: row.get("dateline_date")?,
    };
    let status: String = row.get("status")?;
    let version = row.get("version")?;
    let published_at = time_column(row, "published_at")?;
    let embargoed_until = optional_time(row, "embargoed_until")?;
    let expires_at = optional_time(row, "expires_at")?;
    let updated_at = time_column(row, "updated_at")?;
    let summary = row.get("summary")?;
    let language = row.get("language")?;
    let source = SourceAttribution {
        name: row.get("source_name")?,
        url: row.get("source_url")?,
        note: row.get("source_note")?,
    };
    let body = json_column::<Vec<Block>>(row, "body")?;
    let rights = Rights {
        copyright_holder: row.get("copyright_holder")?,
        copyright_notice: row.get("copyright_notice")?,
        usage_terms: row.get("usage_terms")?,
        license_url: row.get("license_url")?,
    };
    Ok(Article {
        links: Links::to("articles", id.as_str()),
        id,
        headline,
        headline_origin: if origin == "editorial" {
            HeadlineOrigin::Editorial
        } else {
            HeadlineOrigin::Source
        },
        dateline,
        status: ArticleStatus::parse(&status).unwrap_or(ArticleStatus::Draft),
        version,
        corrections: Vec::new(),
        published_at,
        embargoed_until,
        expires_at,
        updated_at,
        summary,
        language,
        source,
        rights,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::Db;

    /// Every column of the projection is read for a field of the article's JSON: a
    /// misnamed one would read its constant for every list that asks for the field.
    #[test]
    fn every_projected_column_serves_a_field_of_the_article() {
        let db = Db::open_in_memory().unwrap();
        let article = db
            .read_blocking(|c| {
                super::super::by_id::find::<Article>(
                    c,
                    &ArticleId::parse("lukashenko-meets-xi-jinping-astana").unwrap(),
                    Visibility::Everything,
                )
            })
            .unwrap()
            .unwrap();
        let json = serde_json::to_value(&article).unwrap();
        for column in PROJECTION {
            assert!(json.get(column.field).is_some(), "{}", column.field);
        }
        assert_eq!(projection(&[]), COLUMNS);
        let sparse = projection(&["headline".to_owned()]);
        assert!(sparse.contains("a.headline AS headline") && !sparse.contains("a.body"));
        assert!(projection(&["quotes".to_owned()]).contains("a.body AS body"));
    }
}
