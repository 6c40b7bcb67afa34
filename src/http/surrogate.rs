//! Surrogate keys: every cacheable response names what it depends on, and every
//! committed change names what it alters, in the same words, so a shared cache
//! (Varnish with `xkey`, a CDN that takes `Surrogate-Key`) can drop exactly the
//! responses a write made stale and keep the rest.
//!
//! The keys are `KIND:ID` for one resource (`article:lukashenko-meets-xi`), the
//! plural for a collection (`articles`), the collection narrowed by one relation
//! for a list filtered on it (`articles:topic=war`, one key per value; see
//! [`article_lists`]), and `changes` for the change log. A
//! response carries the key of its resource, of every listed or included resource,
//! of the collection it lists (and of the resource it lists under), and of the
//! collections whose names it shows (facet labels). A change purges its resource,
//! its collection, the log, and the resources whose representation names it (the
//! change log keeps those, before and after the write: [`crate::storage::touches`]).
//!
//! Why that is complete: a response can only show a resource's state through the
//! resource itself (its key), through a list of its kind (the collection, which
//! every change of the kind purges, so lists whose membership or order moves are
//! dropped too) or through another resource that names it (that one's key, among
//! the touches). An article's change *in place* moves no list's membership, order,
//! count or facets ([`listing`]): it purges the keys its touches name instead of
//! the collection (`articles:updated`, and the words of a changed text, which the
//! searches of those words carry). A list filtered on one relation holds only articles that had that
//! relation before or after the write, so the narrow key of each of the article's
//! topics, participants and events, before and after (among the touches), stands in
//! for the collection there; a change of the participant or event itself purges the
//! lists filtered on it. Appearing and disappearing (create, delete, publish, withdraw) are
//! changes of the resource too, so lists under it go with its own key.

use std::collections::BTreeSet;
use std::fmt::Display;

use actix_web::HttpResponse;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;

use crate::domain::{Named, ResourceKind, SearchHit, TimelineEntry};
use crate::storage::articles::ArticleFilter;
use crate::storage::changes::Change;
use crate::storage::fts::FtsQuery;
use crate::storage::listing;
use crate::storage::query::Sort;

/// The header Varnish's `xkey` vmod reads (and `xkey-purge` purges by).
pub(crate) const XKEY: &str = "xkey";
/// The header Fastly and other CDNs read.
pub(crate) const SURROGATE_KEY: &str = "surrogate-key";
/// The collection of the change log.
pub(crate) const CHANGES: &str = "changes";
/// `xkey` lines are cut at this length: Varnish refuses header lines over 8 KiB by
/// default (`http_resp_hdr_len`), and `xkey` reads every line of the header.
const LINE: usize = 4000;

/// The keys one response depends on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Keys(BTreeSet<String>);

impl Keys {
    pub fn new() -> Self {
        Self::default()
    }

    /// The key of one resource.
    pub fn resource(&mut self, kind: &str, id: impl Display) -> &mut Self {
        self.0.insert(format!("{kind}:{id}"));
        self
    }

    /// A key made elsewhere ([`parent`]).
    pub fn insert(&mut self, key: String) -> &mut Self {
        self.0.insert(key);
        self
    }

    /// The key of a collection (`articles`).
    pub fn collection(&mut self, name: &str) -> &mut Self {
        self.0.insert(name.to_owned());
        self
    }

    /// The keys of `items` and of their collections.
    pub fn listed<T: Keyed>(&mut self, items: &[T]) -> &mut Self {
        for c in T::COLLECTIONS {
            self.collection(c);
        }
        self.items(items)
    }

    /// The keys of `items` alone: a narrowed list names its collection itself.
    pub fn items<T: Keyed>(&mut self, items: &[T]) -> &mut Self {
        for item in items {
            item.add_keys(self);
        }
        self
    }

    /// A page of a search of `word` that an edited article enters only by scoring
    /// at least `floor`: it names the word's counts and score buckets
    /// ([`listing::floored_keys`]) rather than its `term`.
    pub fn floor(&mut self, word: &str, floor: f32) -> &mut Self {
        self.0.remove(&format!("articles:term={word}"));
        self.0.extend(listing::floored_keys(word, floor));
        self
    }

    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(String::as_str)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Hands the keys to [`emit`] through the response's extensions.
    pub(crate) fn attach(self, response: &mut HttpResponse) {
        if !self.is_empty() {
            response.extensions_mut().insert(self);
        }
    }
}

/// A resource that names itself with a key, and the collections a list of it is.
pub trait Keyed {
    const COLLECTIONS: &'static [&'static str];
    fn add_keys(&self, keys: &mut Keys);
}

/// A resource the API serves is keyed by its name and id, and listed in its collection.
impl<T: Named> Keyed for T {
    const COLLECTIONS: &'static [&'static str] = &[T::COLLECTION];
    fn add_keys(&self, keys: &mut Keys) {
        keys.resource(T::NAME, self.id());
    }
}

impl Keyed for SearchHit {
    // A quote's hit shows its speaker's name: a search depends on participants too.
    const COLLECTIONS: &'static [&'static str] = &["articles", "quotes", "participants", "events"];
    fn add_keys(&self, keys: &mut Keys) {
        keys.resource(self.kind.as_str(), &self.id);
    }
}

impl Keyed for TimelineEntry {
    const COLLECTIONS: &'static [&'static str] = &["articles", "quotes", "events"];
    fn add_keys(&self, keys: &mut Keys) {
        keys.resource(self.kind.as_str(), &self.id);
    }
}

/// The collections whose names a facet's labels show (a participant's name).
pub(crate) const FACET_LABELS: &[&str] = &["participants", "events", "topics"];

/// The key of the resource a list is under (`/v1/articles/{id}/quotes` lists under
/// `article:{id}`), read from the route: it answers 404 once that one is gone.
pub fn parent(pattern: Option<&str>, id: Option<&str>) -> Option<String> {
    let (pattern, id) = (pattern?, id?);
    let collection = pattern.strip_prefix("/v1/")?.split('/').next()?;
    let kind = collection.strip_suffix('s')?;
    pattern.contains("{id}/").then(|| format!("{kind}:{id}"))
}

/// The keys an article list in `sort` order depends on besides the articles it
/// shows: the collection, or for a list filtered on exactly one kind of relation and
/// nothing else the collection narrowed by it (`articles:topic=war`, one per value,
/// spelled as [`crate::storage::touches`] spells an article's relations, so the
/// article's changes purge them); `articles:updated` where it reads `updated_at`;
/// the keys of a search's words ([`listing::search_keys`]).
pub fn article_lists(filter: &ArticleFilter, sort: &Sort) -> Vec<String> {
    let mut keys = narrowed(filter).unwrap_or_else(|| vec!["articles".to_owned()]);
    if filter.updated_after.is_some() || sort.key.contains("updated_at") {
        keys.push(listing::UPDATED.to_owned());
    }
    if let Some(q) = &filter.q {
        keys.extend(listing::search_keys(q, sort.relevance));
    }
    keys
}

/// The keys `/v1/search` for `q` depends on besides its hits: every kind's
/// collection, and the keys of its words as the engine ranks them.
pub fn searches(q: &FtsQuery) -> Vec<String> {
    SearchHit::COLLECTIONS
        .iter()
        .map(|c| (*c).to_owned())
        .chain(listing::search_keys(q, true))
        .collect()
}

/// The narrowed collection keys of a list filtered on exactly one kind of relation
/// and nothing else; `None` for any other list.
fn narrowed(filter: &ArticleFilter) -> Option<Vec<String>> {
    let ArticleFilter {
        visibility: _,
        status,
        ids,
        participant,
        event,
        topic,
        published_after,
        published_before,
        updated_after,
        q,
        // How the page is found, not which articles it holds.
        engine: _,
    } = filter;
    let plain = status.is_empty()
        && ids.is_empty()
        && published_after.is_none()
        && published_before.is_none()
        && updated_after.is_none()
        && q.is_none();
    let narrowed: Vec<Vec<String>> = [
        narrow("topic", topic),
        narrow("participant", participant),
        narrow("event", event),
    ]
    .into_iter()
    .filter(|k| !k.is_empty())
    .collect();
    match <[_; 1]>::try_from(narrowed) {
        Ok([one]) if plain => Some(one),
        _ => None,
    }
}

fn narrow(relation: &str, ids: &[impl Display]) -> Vec<String> {
    ids.iter()
        .map(|i| format!("articles:{relation}={i}"))
        .collect()
}

/// The keys a committed change makes stale: the one function purges come from.
pub fn purged_by(change: &Change) -> BTreeSet<String> {
    let mut keys = BTreeSet::new();
    keys.insert(format!("{}:{}", change.resource_type, change.resource_id));
    // A change in place moved no list: its touches name what it made stale.
    if !change.in_place {
        keys.insert(change.resource_type.collection().to_owned());
    }
    // Lists filtered on a participant or event go when it does.
    let relation = match change.resource_type {
        ResourceKind::Participant => Some("participant"),
        ResourceKind::Event => Some("event"),
        _ => None,
    };
    if let Some(relation) = relation {
        keys.insert(format!("articles:{relation}={}", change.resource_id));
    }
    keys.insert(CHANGES.to_owned());
    keys.extend(change.touches.iter().cloned());
    keys
}

/// Writes the keys a handler attached as `xkey` and `Surrogate-Key` headers.
pub async fn emit<B: MessageBody + 'static>(
    req: ServiceRequest,
    next: Next<B>,
) -> Result<ServiceResponse<B>, actix_web::Error> {
    let mut response = next.call(req).await?;
    let keys = response.response_mut().extensions_mut().remove::<Keys>();
    if let Some(keys) = keys {
        let headers = response.headers_mut();
        for line in lines(keys.iter(), LINE) {
            if let Ok(value) = HeaderValue::from_str(&line) {
                headers.append(HeaderName::from_static(XKEY), value);
            }
        }
        let all: Vec<&str> = keys.iter().collect();
        if let Ok(value) = HeaderValue::from_str(&all.join(" ")) {
            headers.insert(HeaderName::from_static(SURROGATE_KEY), value);
        }
    }
    Ok(response)
}

/// The keys, space-separated, in lines of at most `max` bytes (a longer key alone).
pub fn lines<'a>(keys: impl IntoIterator<Item = &'a str>, max: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for key in keys {
        match lines.last_mut() {
            Some(line) if line.len() + 1 + key.len() <= max => {
                line.push(' ');
                line.push_str(key);
            }
            _ => lines.push(key.to_owned()),
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(kind: &str, id: &str, touches: &[&str]) -> Change {
        Change {
            seq: 1,
            resource_type: crate::domain::ResourceKind::parse(kind).unwrap(),
            resource_id: id.into(),
            operation: "update".into(),
            reason: "updated".into(),
            at: 0,
            changed_by: None,
            was_public: true,
            is_public: true,
            touches: touches.iter().map(|t| t.to_string()).collect(),
            in_place: false,
        }
    }

    #[test]
    fn a_change_purges_itself_its_collection_the_log_and_what_names_it() {
        let keys = purged_by(&change("quote", "q1", &["article:a1", "article:a2"]));
        let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
        assert_eq!(
            keys,
            ["article:a1", "article:a2", "changes", "quote:q1", "quotes"]
        );
    }

    #[test]
    fn only_lists_filtered_on_one_kind_of_relation_are_narrowed() {
        use crate::domain::{ParticipantId, TopicId};
        let topic = |t: &str| TopicId::parse(t).unwrap();
        let by_topics = ArticleFilter {
            topic: vec![topic("war"), topic("peace")],
            ..Default::default()
        };
        assert_eq!(
            narrowed(&by_topics),
            Some(vec![
                "articles:topic=war".into(),
                "articles:topic=peace".into()
            ])
        );
        let mixed = ArticleFilter {
            participant: vec![ParticipantId::parse("belarus").unwrap()],
            ..by_topics.clone()
        };
        assert_eq!(narrowed(&mixed), None);
        let dated = ArticleFilter {
            published_after: Some(0),
            ..by_topics
        };
        assert_eq!(narrowed(&dated), None);
        assert_eq!(narrowed(&ArticleFilter::default()), None);
    }

    #[test]
    fn a_participant_or_event_purges_the_lists_filtered_on_it() {
        let keys = purged_by(&change("participant", "belarus", &[]));
        assert!(keys.contains("articles:participant=belarus"));
        let keys = purged_by(&change("event", "summit", &[]));
        assert!(keys.contains("articles:event=summit"));
    }

    #[test]
    fn lists_under_a_resource_name_it() {
        let parent = |p, i| super::parent(Some(p), Some(i));
        assert_eq!(
            parent("/v1/articles/{id}/quotes", "a"),
            Some("article:a".into())
        );
        assert_eq!(
            parent("/v1/participants/{id}/timeline", "p"),
            Some("participant:p".into())
        );
        assert_eq!(parent("/v1/articles/{id}", "a"), None);
        assert_eq!(super::parent(Some("/v1/articles"), None), None);
    }

    #[test]
    fn long_key_sets_are_cut_into_lines_under_the_limit() {
        let mut keys = Keys::new();
        for i in 0..1000 {
            keys.resource("article", format!("a-rather-long-article-id-{i}"));
        }
        let lines = lines(keys.iter(), LINE);
        assert!(lines.len() > 1);
        assert!(lines.iter().all(|l| l.len() <= LINE));
        assert_eq!(lines.join(" ").split(' ').count(), 1000);
    }
}
