//! Reading a resource out of a JSON document the way an editor sends it: every field
//! is parsed into its domain type, and every bad field is reported at once rather
//! than the first one alone.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use utoipa::ToSchema;

/// One bad field or parameter of a request.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct FieldError {
    /// The query parameter, path segment or body field at fault; nested body fields
    /// are written as paths (`dateline.date`, `body[2].text`).
    #[schema(example = "limit")]
    pub field: String,
    #[schema(example = "must be between 1 and 100")]
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// The body does not describe a valid resource: each reason, by field.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{} invalid field(s)", .0.len())]
pub struct Invalid(pub Vec<FieldError>);

/// The fields of one JSON object, taken out one by one.
pub struct Fields {
    object: Map<String, Value>,
    errors: Vec<FieldError>,
}

impl Fields {
    /// Starts reading `value`, which must be an object. Fields that the server
    /// manages (`ignored`) may be present and are dropped unread, so that what a
    /// client reads it can send back unchanged.
    pub fn new(value: Value, ignored: &[&str]) -> Result<Self, Invalid> {
        let Value::Object(mut object) = value else {
            return Err(Invalid(vec![FieldError::new(
                "",
                "the body must be a JSON object",
            )]));
        };
        for name in ignored {
            object.remove(*name);
        }
        Ok(Self {
            object,
            errors: Vec::new(),
        })
    }

    /// A field that must be present and not null; `None` (and an error recorded)
    /// when it is not.
    pub fn required<T: DeserializeOwned>(&mut self, name: &str) -> Option<T> {
        let present = self.object.get(name).is_some_and(|v| !v.is_null());
        let value = self.take(name);
        if !present {
            self.errors.push(FieldError::new(name, "is required"));
        }
        value
    }

    /// A field that may be absent or null.
    pub fn optional<T: DeserializeOwned>(&mut self, name: &str) -> Option<T> {
        self.take(name)
    }

    fn take<T: DeserializeOwned>(&mut self, name: &str) -> Option<T> {
        let value = self.object.remove(name).filter(|v| !v.is_null())?;
        match serde_path_to_error::deserialize::<_, T>(value) {
            Ok(parsed) => Some(parsed),
            Err(error) => {
                let path = error.path().to_string();
                let field = if path == "." {
                    name.to_owned()
                } else if path.starts_with('[') {
                    format!("{name}{path}")
                } else {
                    format!("{name}.{path}")
                };
                self.errors
                    .push(FieldError::new(field, error.into_inner().to_string()));
                None
            }
        }
    }

    /// True when `field`, or a part of it, already has an error.
    pub(crate) fn has_error(&self, field: &str) -> bool {
        self.errors.iter().any(|e| {
            e.field
                .strip_prefix(field)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with(['[', '.']))
        })
    }

    /// Records a failed cross-field rule.
    pub(crate) fn reject(&mut self, field: &str, message: impl Into<String>) {
        self.errors.push(FieldError::new(field, message));
    }

    /// Ends reading: fields nobody asked for are errors (a typo is not silently
    /// dropped), then every error found is returned together.
    pub fn finish(mut self) -> Result<(), Invalid> {
        let mut unknown: Vec<String> = self.object.keys().cloned().collect();
        unknown.sort();
        for name in unknown {
            self.errors
                .push(FieldError::new(name, "is not a field of this resource"));
        }
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(Invalid(self.errors))
        }
    }
}

/// Applies an RFC 7396 JSON Merge Patch: objects merge key by key, `null` removes a
/// key, anything else replaces the target.
pub fn merge_patch(target: &mut Value, patch: Value) {
    let Value::Object(patch) = patch else {
        *target = patch;
        return;
    };
    if !target.is_object() {
        *target = Value::Object(Map::new());
    }
    if let Value::Object(map) = target {
        for (key, value) in patch {
            if value.is_null() {
                map.remove(&key);
            } else {
                merge_patch(map.entry(key).or_insert(Value::Null), value);
            }
        }
    }
}

/// Declares a string newtype that is trimmed and bounded in length (in characters)
/// when parsed, for the free-text fields of the content model.
macro_rules! bounded_text {
    ($(#[$doc:meta])* $name:ident, $min:tt ..= $max:tt, $example:tt) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Default, PartialEq, Eq)]
        #[derive(serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
        #[serde(try_from = "String", into = "String")]
        #[schema(value_type = String, example = $example, min_length = $min, max_length = $max)]
        pub struct $name(String);

        impl $name {
            pub const MIN: usize = $min;
            pub const MAX: usize = $max;

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = String;
            #[allow(unused_comparisons, clippy::absurd_extreme_comparisons)]
            fn try_from(s: String) -> Result<Self, String> {
                let trimmed = s.trim();
                let len = trimmed.chars().count();
                if len < $min {
                    Err(if $min == 1 {
                        "must not be empty".to_owned()
                    } else {
                        format!("must be at least {} characters long", $min)
                    })
                } else if len > $max {
                    Err(format!("must be at most {} characters long", $max))
                } else {
                    Ok(Self(trimmed.to_owned()))
                }
            }
        }

        impl From<$name> for String {
            fn from(t: $name) -> String {
                t.0
            }
        }
    };
}
pub(crate) use bounded_text;

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    bounded_text!(Short, 1..=5, "abc");

    #[test]
    fn reports_every_bad_field_with_its_path() {
        let mut f = Fields::new(
            json!({"a": "", "b": [1, "x"], "c": 3, "links": {}}),
            &["links"],
        )
        .unwrap();
        let _: Option<Short> = f.required("a");
        let _: Option<Vec<u32>> = f.required("b");
        let _: Option<Short> = f.required("missing");
        let errors = f.finish().unwrap_err().0;
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["a", "b[1]", "missing", "c"]);
    }

    #[test]
    fn merges_patches_as_rfc_7396_says() {
        let mut doc = json!({"a": "b", "c": {"d": "e", "f": "g"}, "l": [1]});
        merge_patch(
            &mut doc,
            json!({"a": "z", "c": {"f": null}, "l": [2], "n": {"x": 1}}),
        );
        assert_eq!(
            doc,
            json!({"a": "z", "c": {"d": "e"}, "l": [2], "n": {"x": 1}})
        );
    }

    #[test]
    fn trims_and_bounds_text() {
        assert_eq!(Short::try_from("  ab ".to_owned()).unwrap().as_str(), "ab");
        assert!(Short::try_from("   ".to_owned()).is_err());
        assert!(Short::try_from("abcdef".to_owned()).is_err());
    }
}
