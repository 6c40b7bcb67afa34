//! The synthetic corpus: who and what exists, and one article with its quotes at a
//! time, each determined by the seed and its number alone.

use chrono::{Duration, NaiveDate};

use super::text::{self, Rng};
use crate::domain::article::BlockText;
use crate::domain::{Block, QuoteId, TopicId};

/// A participant, by index into the corpus's people, organizations and countries.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Who {
    Person(usize),
    Org(usize),
    Country(usize),
}

impl Who {
    pub fn id(self) -> String {
        match self {
            Self::Person(n) => format!("gen-person-{n}"),
            Self::Org(n) => format!("gen-org-{n}"),
            Self::Country(n) => format!("gen-country-{}", text::slug(text::COUNTRIES[n])),
        }
    }

    pub fn name(self) -> String {
        match self {
            Self::Person(n) => person_name(n),
            Self::Org(n) => org_name(n),
            Self::Country(n) => text::COUNTRIES[n].to_owned(),
        }
    }
}

pub fn topic_id(n: usize) -> String {
    format!("gen-{}", text::slug(text::TOPICS[n]))
}

pub fn org_name(n: usize) -> String {
    let word = text::ORG_WORDS[n % text::ORG_WORDS.len()];
    let kind = text::ORG_KINDS[(n / text::ORG_WORDS.len()) % text::ORG_KINDS.len()];
    format!("{word} {kind} {n}")
}

pub fn person_name(n: usize) -> String {
    let first = text::FIRST_NAMES[n % text::FIRST_NAMES.len()];
    let last = text::LAST_NAMES[(n / text::FIRST_NAMES.len()) % text::LAST_NAMES.len()];
    format!("{first} {last}")
}

/// How many of each there are for `articles` articles: news names a few thousand
/// people a year, and covers each event in several articles.
#[derive(Debug, Clone, Copy)]
pub struct Sizes {
    pub people: usize,
    pub orgs: usize,
    pub events: usize,
}

impl Sizes {
    pub fn for_articles(articles: u64) -> Self {
        let n = articles as usize;
        Self {
            people: (n / 15).max(20),
            orgs: (n / 100).max(5),
            events: (n / 8).max(10),
        }
    }
}

/// An event: every fourth one a summit whose next ones are held on its sidelines.
#[derive(Debug, Clone)]
pub struct Event {
    pub id: String,
    pub kind: &'static str,
    pub title: String,
    pub date: NaiveDate,
    pub city: &'static str,
    pub venue: &'static str,
    pub country: usize,
    pub parent: Option<usize>,
    /// People first (they speak), then organizations and countries.
    pub participants: Vec<(Who, &'static str)>,
}

pub fn events(seed: u64, sizes: &Sizes) -> Vec<Event> {
    let first_day = NaiveDate::from_ymd_opt(2015, 1, 1).unwrap_or_default();
    let mut events: Vec<Event> = Vec::with_capacity(sizes.events);
    let mut summit: Option<usize> = None;
    for n in 0..sizes.events {
        let mut rng = Rng::new(seed ^ 0xE7E7_0000_0000 ^ n as u64);
        let is_summit = n % 4 == 0;
        let parent = if is_summit { None } else { summit };
        let (date, city, country) = match parent {
            Some(p) => (events[p].date, events[p].city, events[p].country),
            None => (
                first_day + Duration::days(rng.below(4015) as i64),
                rng.pick(text::CITIES),
                rng.below(text::COUNTRIES.len()),
            ),
        };
        let mut participants = vec![(Who::Country(country), "host")];
        for _ in 0..rng.range(2, 4) {
            let who = Who::Person(rng.skewed(sizes.people));
            if !participants.iter().any(|(w, _)| *w == who) {
                participants.insert(0, (who, "participant"));
            }
        }
        if is_summit {
            participants.push((Who::Org(rng.skewed(sizes.orgs)), "organizer"));
        }
        let kind = match (is_summit, n % 8) {
            (true, _) => "summit",
            (false, 3) => "accession",
            _ => "meeting",
        };
        let title = match kind {
            "summit" => format!("{} summit in {city}", rng.pick(text::ORG_WORDS)),
            "accession" => format!("{} joins the organization", text::COUNTRIES[country]),
            _ => format!("Meeting of {} in {city}", person_name(n % sizes.people)),
        };
        if is_summit {
            summit = Some(n);
        }
        events.push(Event {
            id: format!("gen-event-{n}"),
            kind,
            title,
            date,
            city,
            venue: rng.pick(text::VENUES),
            country,
            parent,
            participants,
        });
    }
    events
}

pub struct Quote {
    pub id: String,
    pub text: String,
    pub speaker: Who,
    pub topic: usize,
}

pub struct Article {
    pub id: String,
    pub headline: String,
    pub place: &'static str,
    pub date: NaiveDate,
    pub published_at: i64,
    pub summary: String,
    pub body: Vec<Block>,
    pub topics: Vec<usize>,
    pub event: usize,
    pub participants: Vec<Who>,
    pub quotes: Vec<Quote>,
}

/// Article `n` (from 1): about one event, naming its people, ~3 KB of body in
/// sections with headings, ~5 quotes; about 6% mention the harbour.
pub fn article(seed: u64, n: u64, sizes: &Sizes, events: &[Event]) -> Article {
    let mut rng = Rng::new(seed.wrapping_mul(0x2545_F491_4F6C_DD1D) ^ n);
    let event_index = rng.below(events.len());
    let event = &events[event_index];
    let mut participants: Vec<Who> = event.participants.iter().map(|(w, _)| *w).collect();
    let extra = Who::Person(rng.skewed(sizes.people));
    if !participants.contains(&extra) {
        participants.push(extra);
    }
    let speakers: Vec<Who> = participants
        .iter()
        .copied()
        .filter(|w| matches!(w, Who::Person(_)))
        .collect();
    let mut topics = vec![rng.skewed(text::TOPICS.len())];
    for _ in 0..rng.below(3) {
        let t = rng.below(text::TOPICS.len());
        if !topics.contains(&t) {
            topics.push(t);
        }
    }
    let id = format!("gen-article-{n}");
    let target = rng.range(2800, 3300);
    let (mut body, mut quotes, mut size) = (Vec::new(), Vec::new(), 0);
    let quote_count = rng.range(3, 7);
    for (s, &topic) in topics.iter().enumerate() {
        body.push(Block::Heading {
            text: block_text(text::TOPICS[topic].to_owned()),
            topic: TopicId::parse(&topic_id(topic)).ok(),
        });
        let share = target * (s + 1) / topics.len();
        while size < share {
            let p = text::paragraph(&mut rng, 2, 5);
            size += p.len();
            body.push(Block::Paragraph {
                text: block_text(p),
            });
            if quotes.len() < quote_count * (s + 1) / topics.len() {
                let speaker = rng.pick(&speakers);
                let words = text::paragraph(&mut rng, 1, 2);
                let name = match speaker {
                    Who::Person(p) => person_name(p),
                    _ => String::new(),
                };
                let quote_id = format!("gen-quote-{n}-{}", quotes.len() + 1);
                let Ok(typed_id) = QuoteId::parse(&quote_id) else {
                    continue;
                };
                let said = format!("“{}”, {name} said.", words.trim_end_matches('.'));
                size += said.len();
                body.push(Block::Quote {
                    quote_id: typed_id,
                    text: block_text(said),
                });
                quotes.push(Quote {
                    id: quote_id,
                    text: words,
                    speaker,
                    topic,
                });
            }
        }
    }
    if rng.chance(0.06) {
        let at = rng.range(1, body.len());
        body.insert(
            at,
            Block::Paragraph {
                text: block_text(format!(
                    "Cargo ships waited in the {} of {} as the talks went on.",
                    text::MARKER,
                    event.city
                )),
            },
        );
    }
    let subject = match speakers.first() {
        Some(Who::Person(p)) => person_name(*p),
        _ => text::COUNTRIES[event.country].to_owned(),
    };
    let published = event
        .date
        .and_hms_opt(6, 0, 0)
        .unwrap_or_default()
        .and_utc()
        + Duration::minutes(rng.range(0, 72 * 60) as i64);
    Article {
        id,
        headline: text::headline(&mut rng, &subject, event.city),
        place: event.city,
        date: published.date_naive(),
        published_at: published.timestamp(),
        summary: text::paragraph(&mut rng, 1, 2),
        body,
        topics,
        event: event_index,
        participants,
        quotes,
    }
}

/// Generated text is a sentence or a few: always within a block's bounds.
fn block_text(text: String) -> BlockText {
    BlockText::try_from(text).expect("generated blocks hold 1 to 20,000 characters")
}
