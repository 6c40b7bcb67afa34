//! schema.org JSON-LD: `NewsArticle`, `Quotation`, `Event`, and `Person`,
//! `Organization` or `Country`, with `@id`s that are the resources' absolute URLs.

use serde_json::{Map, Value, json};

use super::{Context, html};
use crate::domain::{Article, Event, Participant, ParticipantKind, Quote};

fn schema_type(kind: ParticipantKind) -> &'static str {
    match kind {
        ParticipantKind::Person => "Person",
        ParticipantKind::Organization => "Organization",
        ParticipantKind::Country => "Country",
    }
}

/// A reference to a participant, named when the context knows it.
fn party(ctx: &Context<'_>, id: &str) -> Value {
    let mut node = json!({"@id": ctx.url(&format!("/v1/participants/{id}"))});
    if let Some(p) = ctx.participants.get(id) {
        node["@type"] = json!(schema_type(p.kind));
        node["name"] = json!(p.name);
    }
    node
}

fn event_ref(ctx: &Context<'_>, id: &str) -> Value {
    let mut node = json!({"@type": "Event", "@id": ctx.url(&format!("/v1/events/{id}"))});
    if let Some(e) = ctx.events.get(id) {
        node["name"] = json!(e.title);
    }
    node
}

/// Drops null members, which JSON-LD consumers read as absent anyway.
fn compact(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k, compact(v)))
                .collect::<Map<_, _>>(),
        ),
        other => other,
    }
}

pub fn article(a: &Article, quotes: &[Quote], ctx: &Context<'_>) -> Value {
    let url = ctx.url(&format!("/v1/articles/{}", a.id));
    let sections: Vec<String> = a
        .topics
        .iter()
        .map(|t| {
            ctx.topics
                .get(t.as_str())
                .map_or_else(|| t.to_string(), |t| t.name.clone())
        })
        .collect();
    let dateline = match &a.dateline.place {
        Some(place) => format!("{place}, {}", a.dateline.date),
        None => a.dateline.date.to_string(),
    };
    let publisher = a
        .source
        .name
        .as_ref()
        .map(|name| json!({"@type": "Organization", "name": name}));
    compact(json!({
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "@id": url,
        "url": url,
        "identifier": a.id,
        "headline": a.headline,
        "description": a.summary,
        "dateline": dateline,
        "datePublished": a.published_at.to_rfc3339(),
        "dateModified": a.updated_at.to_rfc3339(),
        "inLanguage": a.language,
        "articleSection": sections,
        "articleBody": html::text(a),
        "about": a.events.iter().map(|e| event_ref(ctx, e.as_str()))
            .chain(super::media_topics(a, ctx).into_iter().map(|m| json!({
                "@type": "DefinedTerm",
                "@id": m.uri,
                "name": m.name,
                "inDefinedTermSet": crate::domain::topic::MEDIA_TOPIC_PREFIX,
            })))
            .collect::<Vec<_>>(),
        "mentions": a.participants.iter().map(|p| party(ctx, p.as_str())).collect::<Vec<_>>(),
        "publisher": publisher,
        "isBasedOn": a.source.url,
        "hasPart": quotes.iter().map(|q| compact(json!({
            "@type": "Quotation",
            "@id": ctx.url(&format!("/v1/quotes/{}", q.id)),
            "text": q.text,
            "creator": party(ctx, q.speaker.as_str()),
            "about": q.event.as_ref().map(|e| event_ref(ctx, e.as_str())),
        }))).collect::<Vec<_>>(),
        "correction": a.corrections.iter().map(|c| json!({
            "@type": "CorrectionComment",
            "text": c.note,
            "datePublished": c.corrected_at.to_rfc3339(),
        })).collect::<Vec<_>>(),
        "version": a.version,
        "copyrightHolder": a.rights.copyright_holder.as_ref().map(|name| json!({"@type": "Organization", "name": name})),
        "copyrightNotice": a.rights.copyright_notice,
        "license": a.rights.license_url,
        "usageInfo": a.rights.usage_terms,
    }))
}

pub fn quote(q: &Quote, ctx: &Context<'_>) -> Value {
    let speaker = party(ctx, q.speaker.as_str());
    compact(json!({
        "@context": "https://schema.org",
        "@type": "Quotation",
        "@id": ctx.url(&format!("/v1/quotes/{}", q.id)),
        "identifier": q.id,
        "text": q.text,
        "creator": speaker,
        "spokenByCharacter": speaker,
        "dateCreated": q.said_on.to_string(),
        "dateModified": q.updated_at.to_rfc3339(),
        "isPartOf": {"@type": "NewsArticle", "@id": ctx.url(&format!("/v1/articles/{}", q.article))},
        "about": q.event.as_ref().map(|e| event_ref(ctx, e.as_str())),
        "keywords": q.topic.as_ref().and_then(|t| ctx.topics.get(t.as_str())).map(|t| t.name.clone()),
    }))
}

pub fn participant(p: &Participant, ctx: &Context<'_>) -> Value {
    let mut node = json!({
        "@context": "https://schema.org",
        "@type": schema_type(p.kind),
        "@id": ctx.url(&format!("/v1/participants/{}", p.id)),
        "identifier": p.id,
        "name": p.name,
        "alternateName": p.aliases,
    });
    if let Some(affiliation) = &p.affiliation {
        let key = match p.kind {
            ParticipantKind::Person => "affiliation",
            _ => "parentOrganization",
        };
        node[key] = party(ctx, affiliation.as_str());
    }
    if p.kind == ParticipantKind::Person {
        node["jobTitle"] = json!(p.title);
    }
    compact(node)
}

pub fn event(e: &Event, ctx: &Context<'_>) -> Value {
    let country = e.place.country.as_ref().map(|c| {
        ctx.participants
            .get(c.as_str())
            .map_or_else(|| c.to_string(), |p| p.name.clone())
    });
    compact(json!({
        "@context": "https://schema.org",
        "@type": "Event",
        "@id": ctx.url(&format!("/v1/events/{}", e.id)),
        "identifier": e.id,
        "name": e.title,
        "startDate": e.start_date.to_string(),
        "endDate": e.end_date.to_string(),
        "eventStatus": "https://schema.org/EventScheduled",
        "location": {
            "@type": "Place",
            "name": e.place.name,
            "address": {"@type": "PostalAddress", "addressLocality": e.place.city, "addressCountry": country},
        },
        "superEvent": e.parent.as_ref().map(|p| event_ref(ctx, p.as_str())),
        "subEvent": e.subevents.iter().map(|s| event_ref(ctx, s.as_str())).collect::<Vec<_>>(),
        "attendee": e.participants.iter().map(|ep| json!({
            "@type": "Role",
            "roleName": ep.role.as_str(),
            "attendee": party(ctx, ep.participant.as_str()),
        })).collect::<Vec<_>>(),
    }))
}
