//! Who owns an article and on what terms partners may use it.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The rights and usage terms of an article. A member the article leaves `null` is
/// the newsroom's default (`--copyright-holder`, `--copyright-notice`,
/// `--usage-terms`, `--license-url`): reads show the default in its place, and a
/// write that sends it back stores it as the article's own.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Rights {
    /// Who holds the copyright.
    #[schema(example = "Press Service of the President of the Republic of Belarus")]
    pub copyright_holder: Option<String>,
    /// The copyright line as it is printed.
    #[schema(example = "© 2024 Press Service of the President of the Republic of Belarus")]
    pub copyright_notice: Option<String>,
    /// What partners may do with the article, in words.
    #[schema(example = "Republication with attribution; no resale.")]
    pub usage_terms: Option<String>,
    /// The licence, as an absolute `http` or `https` URL.
    #[serde(default, deserialize_with = "super::checked::web_url")]
    #[schema(example = "https://creativecommons.org/licenses/by/4.0/")]
    pub license_url: Option<String>,
}

impl Rights {
    pub fn is_empty(&self) -> bool {
        *self == Rights::default()
    }
}
