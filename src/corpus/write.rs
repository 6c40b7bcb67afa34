//! Writing the corpus: the entities first, then each article with its links and
//! quotes, bound to prepared statements.

use rusqlite::{Connection, Statement, params};

use super::content::{self, Sizes, Who};
use super::text;
use crate::storage::Result;

/// The `updated_at` of generated rows, like the fixtures': a fixed time.
const STAMP: i64 = crate::storage::seed::FIXTURE_TIME;

/// Writes the topics, participants and events; returns how many participants.
pub(super) fn write_entities(
    tx: &Connection,
    sizes: &Sizes,
    events: &[content::Event],
) -> Result<u64> {
    let mut topic = tx.prepare(
        "INSERT OR IGNORE INTO topics (id, name, description, updated_at) VALUES (?1, ?2, NULL, ?3)",
    )?;
    for (n, name) in text::TOPICS.iter().enumerate() {
        topic.execute(params![content::topic_id(n), name, STAMP])?;
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
pub(super) struct ArticleWriter<'c> {
    article: Statement<'c>,
    topic: Statement<'c>,
    event: Statement<'c>,
    participant: Statement<'c>,
    quote: Statement<'c>,
}

impl<'c> ArticleWriter<'c> {
    pub(super) fn new(tx: &'c Connection) -> Result<Self> {
        let link = |table: &str, column: &str| {
            tx.prepare(&format!(
                "INSERT INTO {table} (article, {column}, ord, published_at) VALUES (?1, ?2, ?3, ?4)"
            ))
        };
        Ok(Self {
            article: tx.prepare(
                "INSERT INTO articles (rowid, id, headline, headline_origin, dateline_place,
                    dateline_date, published_at, updated_at, summary, language, source_name, body)
                 VALUES (?1, ?2, ?3, 'source', ?4, ?5, ?6, ?7, ?8, 'en', 'newsdesk generator', ?9)",
            )?,
            topic: link("article_topics", "topic")?,
            event: link("article_events", "event")?,
            participant: link("article_participants", "participant")?,
            quote: tx.prepare(
                "INSERT INTO quotes (rowid, id, text, speaker, article, event, topic, said_on, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )?,
        })
    }

    /// Writes `a`; returns how many quotes it has.
    pub(super) fn write(&mut self, a: &Rows) -> Result<u64> {
        let (id, day, when) = (&a.id, &a.day, a.published_at);
        let body = &a.body;
        let row = params![
            a.rowid, id, a.headline, a.place, day, when, STAMP, a.summary, body
        ];
        self.article.execute(row)?;
        for (ord, topic) in a.topics.iter().enumerate() {
            self.topic.execute(params![id, topic, ord as i64, when])?;
        }
        self.event.execute(params![id, a.event, 0, when])?;
        for (ord, who) in a.participants.iter().enumerate() {
            self.participant
                .execute(params![id, who, ord as i64, when])?;
        }
        for q in &a.quotes {
            let (speaker, topic, said_on) = (&q.speaker, &q.topic, &a.said_on);
            let row = params![
                q.rowid, q.id, q.text, speaker, id, a.event, topic, said_on, STAMP
            ];
            self.quote.execute(row)?;
        }
        Ok(a.quotes.len() as u64)
    }
}

/// An article as the writers bind it, made on the generating thread.
pub(super) struct Rows {
    pub rowid: i64,
    id: String,
    pub headline: String,
    place: &'static str,
    day: String,
    published_at: i64,
    pub summary: String,
    body: String,
    /// The body's text as the view `articles_search` gives it.
    pub text: String,
    topics: Vec<String>,
    event: String,
    participants: Vec<String>,
    said_on: String,
    pub quotes: Vec<QuoteRow>,
}

/// A quote as the writers bind it; `speaker_name` and `topic_name` as the view
/// `quotes_search` gives them.
pub(super) struct QuoteRow {
    pub rowid: i64,
    id: String,
    pub text: String,
    speaker: String,
    pub speaker_name: String,
    topic: String,
    pub topic_name: &'static str,
}

impl Rows {
    /// The rows of `a`, whose rowid is `rowid` and whose quotes' rowids follow `quote_rowid`.
    pub(super) fn of(
        a: content::Article,
        rowid: i64,
        quote_rowid: &mut i64,
        events: &[content::Event],
    ) -> Self {
        let event = &events[a.event];
        let text: Vec<&str> = a.body.iter().map(|b| b.text()).collect();
        let text = text.join("\n");
        let quotes = a
            .quotes
            .into_iter()
            .map(|q| {
                *quote_rowid += 1;
                QuoteRow {
                    rowid: *quote_rowid,
                    id: q.id,
                    text: q.text,
                    speaker: q.speaker.id(),
                    speaker_name: q.speaker.name(),
                    topic: content::topic_id(q.topic),
                    topic_name: text::TOPICS[q.topic],
                }
            })
            .collect();
        Self {
            rowid,
            id: a.id,
            headline: a.headline,
            place: a.place,
            day: a.date.to_string(),
            published_at: a.published_at,
            summary: a.summary,
            body: serde_json::to_string(&a.body).unwrap_or_else(|_| "[]".to_owned()),
            text,
            topics: a.topics.iter().map(|t| content::topic_id(*t)).collect(),
            event: event.id.clone(),
            participants: a.participants.iter().map(|w| w.id()).collect(),
            said_on: event.date.to_string(),
            quotes,
        }
    }
}
