//! The JSON envelopes every read answers with, sparse fields, `Last-Modified` and
//! the `Link: rel="next"` header.

use std::collections::BTreeMap;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use super::cursor::encode_cursor;
use super::include::{Includable, Included};
use crate::storage::{FacetCount, Listed};

/// Where a collection stands.
#[derive(Debug, Serialize, ToSchema)]
pub struct PageInfo {
    /// The page size asked for (default 20, at most 100).
    #[schema(example = 20)]
    pub limit: u32,
    /// Pass as `cursor` to get the next page; `null` on the last page.
    pub next_cursor: Option<String>,
    /// How many items the filters select over all pages; only with `count=true`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = 11)]
    pub total: Option<u64>,
}

/// How many of the selected items have one value of a faceted field.
#[derive(Debug, Serialize, ToSchema)]
pub struct FacetValue {
    #[schema(example = "aleksandr-lukashenko")]
    pub value: String,
    /// The value's name for display.
    #[schema(example = "Aleksandr Lukashenko")]
    pub label: String,
    #[schema(example = 9)]
    pub count: u64,
}

impl From<FacetCount> for FacetValue {
    fn from(c: FacetCount) -> Self {
        Self {
            value: c.value,
            label: c.label,
            count: c.count,
        }
    }
}

/// A page of a collection.
#[derive(Debug, Serialize, ToSchema)]
pub struct Collection<T: ToSchema> {
    pub data: Vec<T>,
    pub page: PageInfo,
    /// Per facet asked for with `facet`, its values among the items the filters
    /// select (over all pages), the most frequent first (at most 100); items without
    /// a value are not counted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub facets: Option<BTreeMap<String, Vec<FacetValue>>>,
    /// The related resources asked for with `include`, each once.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub included: Option<Included>,
}

/// One resource.
#[derive(Debug, Serialize, ToSchema)]
pub struct Single<T: ToSchema> {
    pub data: T,
    /// The related resources asked for with `include`, each once.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub included: Option<Included>,
}

/// A `200 OK` collection response, with `Link: <…>; rel="next"` when there is a next
/// page; only `fields` of each item when any are given.
pub fn collection<T: Includable + Serialize + ToSchema>(
    req: &HttpRequest,
    listed: Listed<T>,
    limit: u32,
    sort: &str,
    included: Option<Included>,
    fields: &[String],
) -> HttpResponse {
    let Listed {
        page,
        total,
        facets,
    } = listed;
    let next_cursor = page.next.as_ref().map(|c| encode_cursor(c, sort));
    let mut response = HttpResponse::Ok();
    last_modified(&mut response, &page.items, included.as_ref());
    if let Some(cursor) = &next_cursor {
        response.insert_header((
            header::LINK,
            format!("<{}>; rel=\"next\"", next_url(req, cursor)),
        ));
    }
    let facets = (!facets.is_empty()).then(|| {
        facets
            .into_iter()
            .map(|(name, counts)| {
                (
                    name.to_owned(),
                    counts.into_iter().map(Into::into).collect(),
                )
            })
            .collect()
    });
    let info = PageInfo {
        limit,
        next_cursor,
        total,
    };
    if fields.is_empty() {
        response.json(Collection {
            data: page.items,
            page: info,
            facets,
            included,
        })
    } else {
        response.json(Collection {
            data: page.items.iter().map(|item| sparse(item, fields)).collect(),
            page: info,
            facets,
            included,
        })
    }
}

/// A `200 OK` single-resource response; only `fields` when any are given.
pub fn single<T: Includable + Serialize + ToSchema>(
    data: T,
    included: Option<Included>,
    fields: &[String],
) -> HttpResponse {
    let mut response = HttpResponse::Ok();
    last_modified(
        &mut response,
        std::slice::from_ref(&data),
        included.as_ref(),
    );
    if fields.is_empty() {
        response.json(Single { data, included })
    } else {
        response.json(Single {
            data: sparse(&data, fields),
            included,
        })
    }
}

/// `item` with only `fields`. A struct gives up only the fields asked for, without
/// the others ever becoming JSON values (a list's sparse page spent more on those
/// than on writing the response); anything else is cut from its whole value.
fn sparse<T: Serialize>(item: &T, fields: &[String]) -> Value {
    if let Ok(picked) = item.serialize(pick::Picker(fields)) {
        return Value::Object(picked);
    }
    match serde_json::to_value(item) {
        Ok(Value::Object(mut map)) => {
            map.retain(|k, _| fields.contains(k));
            Value::Object(map)
        }
        Ok(other) => other,
        Err(_) => Value::Null,
    }
}

/// `Last-Modified`: the newest update among the items and what was side-loaded.
fn last_modified<T: Includable>(
    response: &mut actix_web::HttpResponseBuilder,
    items: &[T],
    included: Option<&Included>,
) {
    let mut newest = items.iter().map(Includable::updated_at).max();
    if let Some(inc) = included {
        let side = inc
            .articles
            .iter()
            .map(|a| a.updated_at)
            .chain(inc.quotes.iter().map(|q| q.updated_at))
            .chain(inc.participants.iter().map(|p| p.updated_at))
            .chain(inc.events.iter().map(|e| e.updated_at))
            .chain(inc.topics.iter().map(|t| t.updated_at))
            .max();
        newest = newest.max(side);
    }
    if let Some(time) = newest {
        let http_date = crate::representations::http_date(time);
        response.insert_header((header::LAST_MODIFIED, http_date));
    }
}

/// The request's own URL with `cursor` replaced: a path, or absolute under a
/// configured `--public-url`; never from the request's `Host`.
fn next_url(req: &HttpRequest, cursor: &str) -> String {
    let mut pairs: Vec<(String, String)> =
        serde_html_form::from_str(req.query_string()).unwrap_or_default();
    pairs.retain(|(k, _)| k != "cursor");
    pairs.push(("cursor".to_owned(), cursor.to_owned()));
    let query = serde_html_form::to_string(&pairs).unwrap_or_default();
    let base = req
        .app_data::<actix_web::web::Data<crate::http::origin::PublicUrl>>()
        .map_or("", |u| u.relative());
    format!("{base}{}?{query}", req.path())
}

/// A serializer that keeps the named fields of a struct, as JSON values keyed in
/// the same order as a whole value's map; other shapes are an error.
mod pick {
    use serde::Serialize;
    use serde::ser::{self, Impossible};
    use serde_json::{Error, Map, Value};

    pub struct Picker<'a>(pub &'a [String]);

    pub struct Picked<'a> {
        fields: &'a [String],
        map: Map<String, Value>,
    }

    fn not_a_struct() -> Error {
        ser::Error::custom("not a struct")
    }

    macro_rules! refuse {
        ($($method:ident($($arg:ty),*);)*) => {
            $(fn $method(self, $(_: $arg),*) -> Result<Self::Ok, Error> {
                Err(not_a_struct())
            })*
        };
    }

    impl<'a> ser::Serializer for Picker<'a> {
        type Ok = Map<String, Value>;
        type Error = Error;
        type SerializeSeq = Impossible<Self::Ok, Error>;
        type SerializeTuple = Impossible<Self::Ok, Error>;
        type SerializeTupleStruct = Impossible<Self::Ok, Error>;
        type SerializeTupleVariant = Impossible<Self::Ok, Error>;
        type SerializeMap = Impossible<Self::Ok, Error>;
        type SerializeStruct = Picked<'a>;
        type SerializeStructVariant = Impossible<Self::Ok, Error>;

        refuse! {
            serialize_bool(bool); serialize_i8(i8); serialize_i16(i16); serialize_i32(i32);
            serialize_i64(i64); serialize_u8(u8); serialize_u16(u16); serialize_u32(u32);
            serialize_u64(u64); serialize_f32(f32); serialize_f64(f64); serialize_char(char);
            serialize_str(&str); serialize_bytes(&[u8]); serialize_none(); serialize_unit();
            serialize_unit_struct(&'static str);
            serialize_unit_variant(&'static str, u32, &'static str);
        }

        fn serialize_some<V: ?Sized + Serialize>(self, _: &V) -> Result<Self::Ok, Error> {
            Err(not_a_struct())
        }

        fn serialize_newtype_struct<V: ?Sized + Serialize>(
            self,
            _: &'static str,
            _: &V,
        ) -> Result<Self::Ok, Error> {
            Err(not_a_struct())
        }

        fn serialize_newtype_variant<V: ?Sized + Serialize>(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: &V,
        ) -> Result<Self::Ok, Error> {
            Err(not_a_struct())
        }

        fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, Error> {
            Err(not_a_struct())
        }

        fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, Error> {
            Err(not_a_struct())
        }

        fn serialize_tuple_struct(
            self,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeTupleStruct, Error> {
            Err(not_a_struct())
        }

        fn serialize_tuple_variant(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeTupleVariant, Error> {
            Err(not_a_struct())
        }

        fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Error> {
            Err(not_a_struct())
        }

        fn serialize_struct(
            self,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeStruct, Error> {
            Ok(Picked {
                fields: self.0,
                map: Map::new(),
            })
        }

        fn serialize_struct_variant(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeStructVariant, Error> {
            Err(not_a_struct())
        }
    }

    impl ser::SerializeStruct for Picked<'_> {
        type Ok = Map<String, Value>;
        type Error = Error;

        fn serialize_field<V: ?Sized + Serialize>(
            &mut self,
            key: &'static str,
            value: &V,
        ) -> Result<(), Error> {
            if self.fields.iter().any(|f| f == key) {
                self.map
                    .insert(key.to_owned(), serde_json::to_value(value)?);
            }
            Ok(())
        }

        fn end(self) -> Result<Self::Ok, Error> {
            Ok(self.map)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct Item {
        zeta: u32,
        alpha: &'static str,
        #[serde(skip_serializing_if = "Option::is_none")]
        gone: Option<u32>,
        body: Vec<u32>,
    }

    #[test]
    fn sparse_fields_are_the_fields_of_the_whole_value() {
        let item = Item {
            zeta: 1,
            alpha: "a",
            gone: None,
            body: vec![1, 2],
        };
        let fields: Vec<String> = ["zeta", "alpha", "gone", "nope"].map(String::from).into();
        let mut whole = serde_json::to_value(&item).unwrap();
        whole
            .as_object_mut()
            .unwrap()
            .retain(|k, _| fields.contains(k));
        let picked = sparse(&item, &fields);
        assert_eq!(picked, whole);
        assert_eq!(picked.to_string(), r#"{"alpha":"a","zeta":1}"#);
        assert_eq!(sparse(&vec![1], &fields), serde_json::json!([1]));
    }
}
