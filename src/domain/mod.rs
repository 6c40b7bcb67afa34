//! The content model: plain types with no I/O. They are the JSON that clients see
//! and, through `utoipa::ToSchema`, the schemas of the OpenAPI description.

pub(crate) mod checked;
pub(crate) mod ids;
pub(crate) mod input;
pub(crate) mod kind;
pub(crate) mod rights;
pub(crate) mod search;
pub(crate) mod timeline;
pub(crate) mod webhook;

pub use article::{
    ArticleStatus, Block, Correction, Dateline, HeadlineOrigin, NewArticle, SourceAttribution,
};
pub use event::{EventKind, EventParticipant, EventRole, NewEvent, Place};
pub use ids::{Slug, SlugError};
pub use input::{FieldError, Invalid};
pub use kind::{COLLECTIONS, Named, ResourceKind};
pub use participant::{NewParticipant, ParticipantKind};
pub use quote::NewQuote;
pub use rights::Rights;
pub use search::SearchHit;
pub use timeline::{TimelineEntry, TimelineType};
pub use topic::{MediaTopic, NewTopic};

/// Each resource's module (`domain/{name}.rs`), its type and id, and its names.
macro_rules! declare {
    ($($name:ident $collection:ident $type:ident $id:ident;)*) => {$(
        pub(crate) mod $name;
        pub use $name::{$id, $type};

        impl Named for $type {
            type Id = $id;
            const NAME: &'static str = stringify!($name);
            const COLLECTION: &'static str = stringify!($collection);
            fn id(&self) -> &$id {
                &self.id
            }
        }
    )*};
}
kind::resources!(declare);

use serde::Serialize;
use utoipa::ToSchema;

/// Hypermedia links of a resource.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Links {
    /// The canonical URL path of this resource.
    #[serde(rename = "self")]
    #[schema(example = "/v1/articles/lukashenko-at-sco-summit-astana")]
    pub self_: String,
}

/// The one place that knows the shape of the API's URLs: storage names a collection
/// and an id, never a path.
impl Links {
    pub fn to(collection: &str, id: &str) -> Self {
        Self {
            self_: format!("/v1/{collection}/{id}"),
        }
    }

    /// A resource under another one (`/v1/articles/{id}/versions/{n}`).
    pub fn under(collection: &str, id: &str, sub: &str, sub_id: &str) -> Self {
        Self {
            self_: format!("/v1/{collection}/{id}/{sub}/{sub_id}"),
        }
    }
}
