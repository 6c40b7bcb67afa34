//! `newsdesk generate`: fills a database with a synthetic corpus for benchmarks,
//! the same for the same seed. One thread makes the articles while another writes
//! them in one transaction with prepared statements. For the bulk load the secondary
//! indexes are dropped and built again at the end (a sort instead of a million
//! random inserts), and the full-text triggers of articles and quotes are set aside
//! while the writer indexes the text it already holds, exactly as the triggers'
//! views would give it (which the tests check with FTS5's integrity-check).

mod corpus;
mod text;

use std::path::Path;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use rusqlite::{Connection, Statement, params};

use super::{Result, StorageError};
use corpus::{Sizes, Who};

/// What was written, and how long it took.
#[derive(Debug, Clone)]
pub struct Generated {
    pub articles: u64,
    pub quotes: u64,
    pub participants: u64,
    pub events: u64,
    pub elapsed: Duration,
}

/// How many articles travel from the maker to the writer at once.
const BATCH: u64 = 2_000;
/// The `updated_at` of generated rows, like the fixtures': a fixed time.
const STAMP: i64 = super::seed::FIXTURE_TIME;

/// Adds `articles` generated articles, with their participants, events, topics and
/// quotes, to the database at `path` (created, migrated and seeded if needed).
pub fn generate(path: &Path, articles: u64, seed: u64) -> Result<Generated> {
    let started = Instant::now();
    let mut conn = super::open_file(path)?;
    let taken: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM meta WHERE key = 'generated')",
        [],
        |r| r.get(0),
    )?;
    if taken {
        return Err(StorageError::Fixtures(format!(
            "{} already holds a generated corpus; generate into a new file",
            path.display()
        )));
    }
    // A new file needs no rollback journal for pages it appends, and a crash midway
    // leaves a file to delete anyway.
    conn.pragma_update_and_check(None, "journal_mode", "DELETE", |_| Ok(()))?;
    conn.pragma_update(None, "synchronous", "OFF")?;
    conn.pragma_update(None, "cache_size", -512_000)?;
    // Statement journals (each insert fires index triggers) stay in memory.
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    // Every reference is made valid by construction; checking each costs lookups.
    conn.pragma_update(None, "foreign_keys", "OFF")?;
    let sizes = Sizes::for_articles(articles);
    let events = corpus::events(seed, &sizes);
    let tx = conn.transaction()?;
    let participants = write_entities(&tx, &sizes, &events)?;
    let set_aside = set_aside(&tx)?;
    let quotes = std::thread::scope(|scope| {
        let (send, receive) = mpsc::sync_channel::<Vec<Rows>>(4);
        let events = &events;
        scope.spawn(move || {
            let mut n = 1;
            while n <= articles {
                let end = (n + BATCH).min(articles + 1);
                let batch = (n..end)
                    .map(|i| Rows::of(&corpus::article(seed, i, &sizes, events), events))
                    .collect();
                if send.send(batch).is_err() {
                    return;
                }
                n = end;
            }
        });
        let mut writer = ArticleWriter::new(&tx)?;
        let mut quotes = 0;
        for batch in receive {
            for article in &batch {
                quotes += writer.write(article)?;
            }
        }
        Ok::<u64, StorageError>(quotes)
    })?;
    tx.execute_batch(&set_aside)?;
    tx.execute(
        "INSERT INTO meta (key, value) VALUES ('generated', ?1)",
        [format!("articles={articles} seed={seed}")],
    )?;
    tx.commit()?;
    conn.pragma_update_and_check(None, "journal_mode", "WAL", |_| Ok(()))?;
    // Statistics for the query planner, from a sample of each index.
    conn.execute_batch("PRAGMA analysis_limit = 1000; ANALYZE;")?;
    Ok(Generated {
        articles,
        quotes,
        participants,
        events: events.len() as u64,
        elapsed: started.elapsed(),
    })
}

/// The secondary indexes of the bulk-loaded tables and the full-text insert triggers
/// of articles and quotes: drops them and returns the SQL that makes them again.
fn set_aside(tx: &Connection) -> Result<String> {
    let found: Vec<(String, String, String)> = tx
        .prepare(
            "SELECT type, name, sql FROM sqlite_master
             WHERE (type = 'index' AND sql IS NOT NULL AND tbl_name IN
                    ('articles', 'quotes', 'article_topics', 'article_events', 'article_participants'))
                OR (type = 'trigger' AND name IN ('articles_search_insert', 'quotes_search_insert'))",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut again = String::new();
    for (kind, name, sql) in found {
        tx.execute_batch(&format!("DROP {} \"{name}\";", kind.to_uppercase()))?;
        again.push_str(&sql);
        again.push_str(";\n");
    }
    Ok(again)
}

/// Writes the topics, participants and events; returns how many participants.
fn write_entities(tx: &Connection, sizes: &Sizes, events: &[corpus::Event]) -> Result<u64> {
    let mut topic = tx.prepare(
        "INSERT OR IGNORE INTO topics (id, name, description, updated_at) VALUES (?1, ?2, NULL, ?3)",
    )?;
    for (n, name) in text::TOPICS.iter().enumerate() {
        topic.execute(params![corpus::topic_id(n), name, STAMP])?;
    }
    let mut participant = tx.prepare(
        "INSERT INTO participants (id, kind, name, aliases, title, affiliation, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    let mut rng = text::Rng::new(sizes.people as u64);
    let countries = (0..text::COUNTRIES.len()).map(Who::Country);
    let orgs = (0..sizes.orgs).map(Who::Org);
    for who in countries
        .chain(orgs)
        .chain((0..sizes.people).map(Who::Person))
    {
        let (kind, title, affiliation) = match who {
            Who::Country(_) => ("country", None, None),
            Who::Org(_) => ("organization", None, None),
            Who::Person(n) => {
                let country = n % text::COUNTRIES.len();
                let title = format!("{} of {}", rng.pick(text::TITLES), text::COUNTRIES[country]);
                ("person", Some(title), Some(Who::Country(country).id()))
            }
        };
        participant.execute(params![
            who.id(),
            kind,
            who.name(),
            "[]",
            title,
            affiliation,
            STAMP
        ])?;
    }
    let mut event = tx.prepare(
        "INSERT INTO events (id, kind, title, start_date, end_date, place_name, place_city,
            place_country, parent, updated_at) VALUES (?1, ?2, ?3, ?4, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?;
    let mut role = tx.prepare(
        "INSERT OR IGNORE INTO event_participants (event, participant, role, ord) VALUES (?1, ?2, ?3, ?4)",
    )?;
    for e in events {
        let parent = e.parent.map(|p| events[p].id.clone());
        let country = Who::Country(e.country).id();
        event.execute(params![
            e.id,
            e.kind,
            e.title,
            e.date.to_string(),
            e.venue,
            e.city,
            country,
            parent,
            STAMP
        ])?;
        for (ord, (who, as_role)) in e.participants.iter().enumerate() {
            role.execute(params![e.id, who.id(), as_role, ord as i64])?;
        }
    }
    Ok((text::COUNTRIES.len() + sizes.orgs + sizes.people) as u64)
}

/// The prepared statements that write one article and its links and quotes.
struct ArticleWriter<'c> {
    article: Statement<'c>,
    topic: Statement<'c>,
    event: Statement<'c>,
    participant: Statement<'c>,
    quote: Statement<'c>,
    article_text: Statement<'c>,
    quote_text: Statement<'c>,
}

impl<'c> ArticleWriter<'c> {
    fn new(tx: &'c Connection) -> Result<Self> {
        Ok(Self {
            article: tx.prepare(
                "INSERT INTO articles (id, headline, headline_origin, dateline_place, dateline_date,
                    published_at, updated_at, summary, language, source_name, source_url, source_note, body)
                 VALUES (?1, ?2, 'source', ?3, ?4, ?5, ?6, ?7, 'en', 'newsdesk generator', NULL, NULL, ?8)",
            )?,
            topic: tx.prepare("INSERT INTO article_topics (article, topic, ord) VALUES (?1, ?2, ?3)")?,
            event: tx.prepare("INSERT INTO article_events (article, event, ord) VALUES (?1, ?2, ?3)")?,
            participant: tx.prepare(
                "INSERT INTO article_participants (article, participant, ord) VALUES (?1, ?2, ?3)",
            )?,
            quote: tx.prepare(
                "INSERT INTO quotes (id, text, speaker, article, event, topic, said_on, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?,
            // The columns of the views articles_search and quotes_search.
            article_text: tx.prepare(
                "INSERT INTO articles_fts (rowid, headline, summary, body) VALUES (?1, ?2, ?3, ?4)",
            )?,
            quote_text: tx.prepare(
                "INSERT INTO quotes_fts (rowid, text, speaker, topic) VALUES (?1, ?2, ?3, ?4)",
            )?,
        })
    }

    /// Writes `a`; returns how many quotes it has.
    fn write(&mut self, a: &Rows) -> Result<u64> {
        let row = params![
            a.id,
            a.headline,
            a.place,
            a.day,
            a.published_at,
            STAMP,
            a.summary,
            a.body
        ];
        let rowid = self.article.insert(row)?;
        self.article_text
            .execute(params![rowid, a.headline, a.summary, a.text])?;
        for (ord, topic) in a.topics.iter().enumerate() {
            self.topic.execute(params![a.id, topic, ord as i64])?;
        }
        self.event.execute(params![a.id, a.event, 0])?;
        for (ord, who) in a.participants.iter().enumerate() {
            self.participant.execute(params![a.id, who, ord as i64])?;
        }
        for q in &a.quotes {
            let row = params![
                q.id, q.text, q.speaker, a.id, a.event, q.topic, a.said_on, STAMP
            ];
            let rowid = self.quote.insert(row)?;
            self.quote_text
                .execute(params![rowid, q.text, q.speaker_name, q.topic_name])?;
        }
        Ok(a.quotes.len() as u64)
    }
}

/// An article as the writer binds it, made on the generating thread.
struct Rows {
    id: String,
    headline: String,
    place: &'static str,
    day: String,
    published_at: i64,
    summary: String,
    body: String,
    /// The body's text as the view `articles_search` gives it.
    text: String,
    topics: Vec<String>,
    event: String,
    participants: Vec<String>,
    said_on: String,
    quotes: Vec<QuoteRow>,
}

struct QuoteRow {
    id: String,
    text: String,
    speaker: String,
    speaker_name: String,
    topic: String,
    topic_name: &'static str,
}

impl Rows {
    fn of(a: &corpus::Article, events: &[corpus::Event]) -> Self {
        let event = &events[a.event];
        let text: Vec<&str> = a.body.iter().map(|b| b.text()).collect();
        Self {
            id: a.id.clone(),
            headline: a.headline.clone(),
            place: a.place,
            day: a.date.to_string(),
            published_at: a.published_at,
            summary: a.summary.clone(),
            body: serde_json::to_string(&a.body).unwrap_or_else(|_| "[]".to_owned()),
            text: text.join("\n"),
            topics: a.topics.iter().map(|t| corpus::topic_id(*t)).collect(),
            event: event.id.clone(),
            participants: a.participants.iter().map(|w| w.id()).collect(),
            said_on: event.date.to_string(),
            quotes: a
                .quotes
                .iter()
                .map(|q| QuoteRow {
                    id: q.id.clone(),
                    text: q.text.clone(),
                    speaker: q.speaker.id(),
                    speaker_name: q.speaker.name(),
                    topic: corpus::topic_id(q.topic),
                    topic_name: text::TOPICS[q.topic],
                })
                .collect(),
        }
    }
}
