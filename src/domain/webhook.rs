use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use super::input::{Fields, Invalid};
use super::{Links, ResourceKind};

/// A subscription: each change is POSTed to `url`, signed with its secret.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Webhook {
    #[schema(example = "9f2c4e1a7b3d")]
    pub id: String,
    #[schema(example = "https://partner.example/newsdesk-hook")]
    pub url: String,
    /// The resource types delivered; empty for all.
    #[schema(example = json!(["article"]))]
    pub types: Vec<ResourceKind>,
    /// Delivers embargoed articles (and their quotes) before their embargo lifts,
    /// as partner keys with embargo access read them.
    #[schema(example = false)]
    pub embargo: bool,
    pub created_at: DateTime<Utc>,
    pub delivery: DeliveryState,
    /// The signing secret: shown once, in the response that creates the webhook.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
    pub links: Links,
}

/// Where deliveries stand.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DeliveryState {
    /// The sequence number of the next change to deliver.
    pub next_seq: i64,
    /// Failed attempts in a row at `next_seq`.
    pub attempts: u32,
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    pub last_delivered_at: Option<DateTime<Utc>>,
}

/// A subscription as an editor asks for it.
#[derive(Debug, Clone, ToSchema)]
pub struct NewWebhook {
    /// An absolute `http` or `https` URL.
    #[schema(example = "https://partner.example/newsdesk-hook")]
    pub url: String,
    /// `article`, `quote`, `participant`, `event`; absent or empty for all.
    #[schema(required = false)]
    pub types: Vec<ResourceKind>,
    /// Deliver embargoed articles and their quotes early, marked with their
    /// `embargoed_until`; defaults to `false`. For a receiver bound by the embargo.
    #[schema(required = false, example = false)]
    pub embargo: bool,
}

impl NewWebhook {
    pub(crate) fn from_json(value: Value) -> Result<Self, Invalid> {
        let mut f = Fields::new(value, &[])?;
        let url: Option<String> = f.required("url");
        let types: Vec<String> = f.optional("types").unwrap_or_default();
        let embargo: bool = f.optional("embargo").unwrap_or_default();
        if let Some(u) = &url {
            match url::Url::parse(u) {
                Ok(parsed) if matches!(parsed.scheme(), "http" | "https") && parsed.has_host() => {}
                _ => f.reject("url", "must be an absolute http or https URL"),
            }
        }
        let mut kinds = Vec::with_capacity(types.len());
        for (i, t) in types.iter().enumerate() {
            match ResourceKind::parse(t) {
                Some(kind) => kinds.push(kind),
                None => {
                    let names: Vec<&str> = ResourceKind::ALL.iter().map(|k| k.as_str()).collect();
                    f.reject(
                        &format!("types[{i}]"),
                        format!("must be one of {}", names.join(", ")),
                    );
                }
            }
        }
        f.finish()?;
        Ok(Self {
            url: url.unwrap_or_default(),
            types: kinds,
            embargo,
        })
    }
}
