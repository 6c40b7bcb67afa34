//! The OpenAPI description: generated from the handlers' `#[utoipa::path]` attributes
//! and the domain types, completed in one place with the error responses every
//! operation shares (`problems`) and what the derive macros cannot say (`exact`).
//! The examples are real responses, which only a running app can give: the command
//! line adds them (`cli::openapi`).

use actix_web::App;
use serde_json::Value;
use utoipa::OpenApi;
use utoipa_actix_web::AppExt;

use crate::api;
use crate::api::error::{FieldError, Problem, ProblemType};

mod bodies;
mod exact;
pub(crate) mod keys;
mod problems;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "newsdesk",
        description = "A typed news content API: articles, the verbatim quotes they report, \
            the people, organizations and countries involved, and the events they cover. \
            Collections are paginated by opaque cursor (`limit`, `cursor`, `Link: rel=\"next\"`) \
            and share one query vocabulary: repeatable filters (a repeated filter means OR, \
            different filters AND), `sort` (the id breaks ties), `fields` (sparse items), \
            `count=true` (`page.total`), `facet` (`facets`), `include` (related resources \
            side-loaded once each into `included`) and, where the text is searchable, `q` \
            (full text). An unknown parameter or value is a 400 problem that names it; every \
            error is an RFC 9457 `application/problem+json` document. A name given twice in \
            a comma-separated list counts once; a parameter that takes one value, given two \
            different ones, is a 400 problem.",
        license(name = "MIT", identifier = "MIT")
    ),
    servers((url = "/", description = "The server that serves this description.")),
    tags(
        (name = "search", description = "Full-text search across every resource."),
        (name = "changes", description = "The change log, for partners that mirror the content."),
        (name = "webhooks", description = "Signed push notifications of every change."),
        (name = "feeds", description = "RSS, Atom and JSON Feed of published articles and quotes."),
        (name = "sitemaps", description = "Sitemaps of the published articles, for search engines and Google News."),
        (name = "service", description = "Health, readiness, this description, problem types.")
    ),
    components(schemas(
        Problem,
        FieldError,
        ProblemType,
        crate::domain::ResourceKind,
        crate::api::feeds::FeedFormat,
        crate::api::root::ApiIndex
    )),
    // Reads need no key, but take one: a partner key (its own quota) or an editor
    // key (drafts). Writes name their own requirement.
    security((), ("partner_key" = []), ("editor_key" = [])),
    modifiers(&SecuritySchemes)
)]
struct ApiDoc;

/// The API keys, sent as `Authorization: Bearer <key>`.
struct SecuritySchemes;

impl utoipa::Modify for SecuritySchemes {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = doc.components.get_or_insert_with(Default::default);
        for (name, description) in [
            (
                "editor_key",
                "An editor key (`newsdesk keys create --role editor`): writes, and reads drafts.",
            ),
            (
                "partner_key",
                "A partner key (`newsdesk keys create --role partner`): reads published content with its own rate limit.",
            ),
        ] {
            components.add_security_scheme(
                name,
                SecurityScheme::Http(
                    HttpBuilder::new()
                        .scheme(HttpAuthScheme::Bearer)
                        .bearer_format("nd_<id>_<secret>")
                        .description(Some(description))
                        .build(),
                ),
            );
        }
    }
}

/// A section (tag) per resource, from its registration, before the other sections.
fn resource_tags(doc: &mut Value) {
    if let Some(tags) = doc["tags"].as_array_mut() {
        let resources = api::served::tags().into_iter().map(
            |(name, description)| serde_json::json!({"name": name, "description": description}),
        );
        tags.splice(0..0, resources);
    }
}

/// The description as the code declares it, completed with the shared problem
/// responses and the exact vocabulary; without examples.
pub fn describe() -> Result<Value, serde_json::Error> {
    let (_, mut doc) = App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .configure(|cfg| api::configure(cfg))
        .split_for_parts();
    utoipa::Modify::modify(&exact::Exact, &mut doc);
    let mut doc = serde_json::to_value(&doc)?;
    resource_tags(&mut doc);
    problems::add_error_responses(&mut doc);
    bodies::complete(&mut doc);
    exact::prune_unused_schemas(&mut doc);
    keys::components(&mut doc);
    Ok(doc)
}
