//! Writing an article: its row and its links, in the caller's transaction.

use rusqlite::{Connection, params};

use crate::domain::{ArticleId, HeadlineOrigin, NewArticle};
use crate::storage::Result;

/// What the server decides about a version of an article.
pub(crate) struct Stamp<'a> {
    pub status: &'static str,
    pub published_at: i64,
    pub version: u32,
    pub now: i64,
    pub changed_by: Option<&'a str>,
}

/// Creates or replaces the article `id` with its links.
pub(crate) fn save(
    conn: &Connection,
    id: &ArticleId,
    a: &NewArticle,
    stamp: &Stamp<'_>,
) -> Result<()> {
    let body = serde_json::to_string(&a.body).map_err(|source| crate::storage::StorageError::Json {
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
