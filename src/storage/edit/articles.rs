//! Writing articles: publication status, versions and corrections.

use crate::storage::by_id;
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use super::{Ctx, EditError, EditResult, Editable, Ref, check_refs};
use crate::domain::{
    Article, ArticleId, ArticleStatus, Block, Invalid, NewArticle, ResourceKind, Slug,
};
use crate::storage::articles::{self, Stamp, Visibility};
use crate::storage::changes::{self, Operation, Reason};
use crate::storage::listing::Listing;
use crate::storage::visibility;
use crate::storage::{Result, StorageError};

impl Editable for Article {
    type Id = ArticleId;
    type New = NewArticle;
    const KIND: ResourceKind = ResourceKind::Article;

    fn parse(value: Value, now: DateTime<Utc>) -> Result<NewArticle, Invalid> {
        NewArticle::from_json(value, now)
    }

    fn id(&self) -> &ArticleId {
        &self.id
    }

    fn given_id(new: &NewArticle) -> Option<&ArticleId> {
        new.id.as_ref()
    }

    fn derive_id(new: &NewArticle) -> Option<ArticleId> {
        Slug::derive(new.headline.as_str()).and_then(|s| ArticleId::parse(s.as_str()).ok())
    }

    fn load(conn: &Connection, id: &ArticleId) -> Result<Option<Article>> {
        by_id::find::<Article>(conn, id, Visibility::Everything)
    }

    fn save(
        conn: &Connection,
        id: &ArticleId,
        new: &NewArticle,
        previous: Option<&Article>,
        ctx: &Ctx,
    ) -> EditResult<Reason> {
        check_article_refs(conn, id, new, ctx.seeding)?;
        let now = ctx.now.timestamp();
        // Public as the log last told readers, so that a flip always reaches them.
        let (was_public, was_early) =
            changes::last_audience(conn, ResourceKind::Article, id.as_str())?;
        let published_at = match (new.published_at, previous) {
            // Publishing a draft without a new time publishes it now.
            (Some(t), Some(p))
                if p.status == ArticleStatus::Draft
                    && new.status == ArticleStatus::Published
                    && t == p.published_at =>
            {
                now
            }
            (Some(t), _) => t.timestamp(),
            (None, _) => now,
        };
        let version = match previous {
            Some(p) => {
                snapshot(conn, p)?;
                p.version + 1
            }
            None => 1,
        };
        let stamp = Stamp {
            status: match new.status {
                ArticleStatus::Draft => "draft",
                ArticleStatus::Withdrawn => "withdrawn",
                ArticleStatus::Published | ArticleStatus::Scheduled => "published",
            },
            published_at,
            version,
            now,
            changed_by: ctx.by.as_deref(),
        };
        articles::save(conn, id, new, &stamp)?;
        if let Some(note) = &new.correction_note {
            conn.execute(
                "INSERT INTO article_corrections (article, version, note, at) VALUES (?1, ?2, ?3, ?4)",
                params![id, version, note.as_str(), now],
            )?;
        }
        let is_public = visibility::is_public(conn, ResourceKind::Article, id.as_str())?;
        let is_early = visibility::is_early(conn, ResourceKind::Article, id.as_str())?;
        // Seen by an audience (the public, or partners with embargo access) that did
        // not see it before.
        let appeared = (is_public && !was_public) || (is_early && !was_early);
        let gone = if new.status == ArticleStatus::Withdrawn {
            Reason::Withdrawn
        } else {
            Reason::Unpublished
        };
        if previous.is_some() && (is_public, is_early) != (was_public, was_early) {
            // The article's quotes appear or disappear with it.
            let reason = if appeared { Reason::Published } else { gone };
            let quotes: Vec<String> = conn
                .prepare_cached("SELECT id FROM quotes WHERE article = ?1 ORDER BY id")?
                .query_map([id], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            for quote in &quotes {
                ctx.log(
                    conn,
                    ResourceKind::Quote,
                    quote,
                    Operation::Update,
                    reason,
                    &[],
                )?;
            }
        }
        Ok(match previous {
            None => Reason::Created,
            Some(_) if appeared => Reason::Published,
            Some(_) if (was_public && !is_public) || (was_early && !is_early) => gone,
            Some(_) if new.correction_note.is_some() => Reason::Corrected,
            Some(_) => Reason::Updated,
        })
    }

    fn listing(conn: &Connection, id: &ArticleId) -> Result<Option<Listing>> {
        Listing::of_article(conn, id.as_str())
    }

    /// An article owns its quotes: they go with it, each logged as deleted.
    fn remove(conn: &Connection, id: &ArticleId, ctx: &Ctx) -> EditResult<()> {
        let quotes: Vec<String> = conn
            .prepare_cached("SELECT id FROM quotes WHERE article = ?1 ORDER BY id")?
            .query_map([id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let touched = [format!("article:{id}")];
        for quote in &quotes {
            conn.execute("DELETE FROM quotes WHERE id = ?1", [quote])?;
            ctx.log(
                conn,
                ResourceKind::Quote,
                quote,
                Operation::Delete,
                Reason::Deleted,
                &touched,
            )?;
        }
        conn.execute("DELETE FROM articles WHERE id = ?1", [id])?;
        Ok(())
    }
}

fn check_article_refs(
    conn: &Connection,
    id: &ArticleId,
    new: &NewArticle,
    seeding: bool,
) -> EditResult<()> {
    let mut refs = Vec::new();
    let lists: [(&str, &'static str, Vec<&str>); 3] = [
        (
            "topics",
            "topics",
            new.topics.iter().map(|t| t.as_str()).collect(),
        ),
        (
            "events",
            "events",
            new.events.iter().map(|e| e.as_str()).collect(),
        ),
        (
            "participants",
            "participants",
            new.participants.iter().map(|p| p.as_str()).collect(),
        ),
    ];
    for (field, table, ids) in &lists {
        for (i, target) in ids.iter().enumerate() {
            refs.push(Ref {
                field: format!("{field}[{i}]"),
                table,
                id: target,
            });
        }
    }
    for (i, block) in new.body.iter().enumerate() {
        if let Block::Heading {
            topic: Some(topic), ..
        } = block
        {
            refs.push(Ref {
                field: format!("body[{i}].topic"),
                table: "topics",
                id: topic.as_str(),
            });
        }
    }
    check_refs(conn, &refs)?;
    if seeding {
        return Ok(());
    }
    let mut errors = Vec::new();
    for (i, block) in new.body.iter().enumerate() {
        if let Block::Quote { quote_id, .. } = block {
            let owner: Option<String> = conn
                .prepare_cached("SELECT article FROM quotes WHERE id = ?1")?
                .query_row([quote_id], |r| r.get(0))
                .optional()?;
            if owner.as_deref() != Some(id.as_str()) {
                errors.push(crate::domain::FieldError::new(
                    format!("body[{i}].quote_id"),
                    format!(
                        "there is no quote `{quote_id}` of this article: create the quote first"
                    ),
                ));
            }
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(EditError::Invalid(errors))
    }
}

/// Keeps the version being replaced, as it was served.
fn snapshot(conn: &Connection, previous: &Article) -> EditResult<()> {
    let json = serde_json::to_string(previous).map_err(|source| StorageError::Json {
        what: "an article".into(),
        source,
    })?;
    conn.execute(
        "INSERT OR REPLACE INTO article_versions (article, version, updated_at, changed_by, snapshot)
         VALUES (?1, ?2, ?3, (SELECT changed_by FROM articles WHERE id = ?1), ?4)",
        params![previous.id, previous.version, previous.updated_at.timestamp(), json],
    )?;
    Ok(())
}

/// One version of an article in its history.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct VersionInfo {
    #[schema(example = 1)]
    pub version: u32,
    pub updated_at: DateTime<Utc>,
    /// The name of the key that made this version; `null` for the fixtures.
    pub changed_by: Option<String>,
    /// The correction this version carries, if any.
    pub correction_note: Option<String>,
    /// True for the version the article is at now.
    pub current: bool,
    pub links: crate::domain::Links,
}

/// Every version of the article `id`, oldest first, or `None` when there is no such article.
pub fn article_versions(conn: &Connection, id: &ArticleId) -> Result<Option<Vec<VersionInfo>>> {
    let Some(current) = by_id::find::<Article>(conn, id, Visibility::Everything)? else {
        return Ok(None);
    };
    let sql = "SELECT v.version, v.updated_at, v.changed_by, c.note FROM article_versions v
         LEFT JOIN article_corrections c ON c.article = v.article AND c.version = v.version
         WHERE v.article = ?1
         UNION ALL
         SELECT a.version, a.updated_at, a.changed_by, c.note FROM articles a
         LEFT JOIN article_corrections c ON c.article = a.id AND c.version = a.version
         WHERE a.id = ?1
         ORDER BY 1";
    let mut versions = conn
        .prepare_cached(sql)?
        .query_map([id], |r| {
            let version: u32 = r.get(0)?;
            Ok(VersionInfo {
                version,
                updated_at: DateTime::from_timestamp(r.get(1)?, 0).unwrap_or_default(),
                changed_by: r.get(2)?,
                correction_note: r.get(3)?,
                current: false,
                links: crate::domain::Links::under(
                    "articles",
                    id.as_str(),
                    "versions",
                    &version.to_string(),
                ),
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    if let Some(last) = versions.iter_mut().find(|v| v.version == current.version) {
        last.current = true;
    }
    Ok(Some(versions))
}

/// The article `id` as it was at `version`, as JSON.
pub fn article_version(conn: &Connection, id: &ArticleId, version: u32) -> Result<Option<Value>> {
    let stored: Option<String> = conn
        .prepare_cached(
            "SELECT snapshot FROM article_versions WHERE article = ?1 AND version = ?2",
        )?
        .query_row(params![id, version], |r| r.get(0))
        .optional()?;
    if let Some(json) = stored {
        return serde_json::from_str(&json)
            .map(Some)
            .map_err(|source| StorageError::Json {
                what: format!("version {version} of `{id}`"),
                source,
            });
    }
    match by_id::find::<Article>(conn, id, Visibility::Everything)? {
        Some(a) if a.version == version => {
            serde_json::to_value(a)
                .map(Some)
                .map_err(|source| StorageError::Json {
                    what: format!("the article `{id}`"),
                    source,
                })
        }
        _ => Ok(None),
    }
}
