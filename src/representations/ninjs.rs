//! IPTC ninjs 2.2 for articles.

use serde_json::{Value, json};

use super::{Context, html};
use crate::domain::{Article, ArticleStatus, ParticipantKind, Quote};

pub fn article(a: &Article, quotes: &[Quote], ctx: &Context<'_>) -> Value {
    let url = ctx.url(&format!("/v1/articles/{}", a.id));
    let mut people = Vec::new();
    let mut organisations = Vec::new();
    let mut places = Vec::new();
    for id in &a.participants {
        let uri = ctx.url(&format!("/v1/participants/{id}"));
        let Some(p) = ctx.participants.get(id.as_str()) else {
            continue;
        };
        let entry = json!({"name": p.name, "uri": uri, "rel": "mentioned"});
        match p.kind {
            ParticipantKind::Person => people.push(entry),
            ParticipantKind::Organization => organisations.push(entry),
            ParticipantKind::Country => places.push(entry),
        }
    }
    let mut subjects: Vec<Value> = a
        .topics
        .iter()
        .map(|t| {
            let name = ctx
                .topics
                .get(t.as_str())
                .map_or_else(|| t.to_string(), |t| t.name.clone());
            json!({"name": name, "uri": ctx.url(&format!("/v1/topics/{t}")), "rel": "about"})
        })
        .collect();
    // The same subjects in IPTC's vocabulary, each concept once.
    for m in super::media_topics(a, ctx) {
        subjects.push(json!({"name": m.name, "uri": m.uri, "rel": "about"}));
    }
    let events: Vec<Value> = a
        .events
        .iter()
        .map(|e| {
            let name = ctx
                .events
                .get(e.as_str())
                .map_or_else(|| e.to_string(), |e| e.title.clone());
            json!({"name": name, "uri": ctx.url(&format!("/v1/events/{e}")), "rel": "about"})
        })
        .collect();
    let now = chrono::Utc::now();
    let pubstatus = match a.status {
        _ if a.expires_at.is_some_and(|t| t <= now) => "canceled",
        // Delivered early to a partner with embargo access: not yet to be used.
        ArticleStatus::Published if a.embargoed_until.is_some_and(|t| t > now) => "withheld",
        ArticleStatus::Published => "usable",
        ArticleStatus::Draft | ArticleStatus::Scheduled => "withheld",
        ArticleStatus::Withdrawn => "canceled",
    };
    let body = html::body(a, quotes, ctx.base.trim_end_matches('/'));
    let mut item = json!({
        "standard": {"name": "ninjs", "version": "2.2", "schema": "http://www.iptc.org/std/ninjs/ninjs-schema_2.2.json"},
        "uri": url,
        "type": "text",
        "representationtype": "full",
        "profile": "newsdesk-article",
        "version": a.version.to_string(),
        "firstcreated": a.published_at.to_rfc3339(),
        "contentcreated": a.published_at.to_rfc3339(),
        "versioncreated": a.updated_at.to_rfc3339(),
        "pubstatus": pubstatus,
        "language": a.language,
        "headlines": [{"role": "main", "contenttype": "text/plain", "value": a.headline}],
        "descriptions": [{"role": "summary", "contenttype": "text/plain", "value": a.summary}],
        "bodies": [{"role": "main", "contenttype": "text/html", "value": body,
                    "wordcount": html::text(a).split_whitespace().count()}],
        "altids": [{"role": "newsdesk", "value": a.id}],
        "subjects": subjects,
        "events": events,
        "people": people,
        "organisations": organisations,
        "places": places,
    });
    if let Some(embargoed) = a.embargoed_until {
        item["embargoed"] = json!(embargoed.to_rfc3339());
    }
    if let Some(place) = &a.dateline.place {
        item["located"] = json!(place);
    }
    if let Some(name) = &a.source.name {
        let mut source = json!({"name": name, "role": "source"});
        if let Some(url) = &a.source.url {
            source["uri"] = json!(url);
        }
        item["infosources"] = json!([source]);
    }
    let rights = &a.rights;
    for (key, value) in [
        ("copyrightholder", &rights.copyright_holder),
        ("copyrightnotice", &rights.copyright_notice),
        ("usageterms", &rights.usage_terms),
    ] {
        if let Some(value) = value {
            item[key] = json!(value);
        }
    }
    if let Some(license) = &rights.license_url {
        item["rightsinfo"] = json!({"linkedrights": license});
    }
    if let Some(last) = a.corrections.last() {
        item["ednote"] = json!(format!("Correction: {}", last.note));
    }
    item
}
