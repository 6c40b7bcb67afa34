//! The vocabulary of list queries: what a list reads (`Listing`), its conditions
//! (`Where`), its orders (`Sort`, always with the id as tiebreaker), its facets, and
//! the keyset position a page starts after (`Cursor`). `read` turns them into SQL.

use rusqlite::types::Value;

use super::row::NamedRow;

/// The value of a row's sort key, as carried in a cursor.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(untagged)]
pub enum SortValue {
    Int(i64),
    Text(String),
    /// A float (a search rank) travels as its bits, `{"f": …}`: a decimal might not
    /// parse back to the very same value, and the page after would repeat a row.
    Float(#[serde(with = "float_bits")] f64),
}

mod float_bits {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    #[derive(Serialize, Deserialize)]
    struct Bits {
        f: u64,
    }

    pub fn serialize<S: Serializer>(value: &f64, s: S) -> Result<S::Ok, S::Error> {
        Bits { f: value.to_bits() }.serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
        Bits::deserialize(d).map(|b| f64::from_bits(b.f))
    }
}

impl SortValue {
    pub(super) fn to_sql(&self) -> Value {
        match self {
            Self::Int(i) => Value::Integer(*i),
            Self::Float(f) => Value::Real(*f),
            Self::Text(s) => Value::Text(s.clone()),
        }
    }

    pub(super) fn from_sql(value: Value) -> Self {
        match value {
            Value::Integer(i) => Self::Int(i),
            Value::Real(f) => Self::Float(f),
            Value::Text(s) => Self::Text(s),
            // Sort keys are NOT NULL columns; anything else sorts as the empty text.
            Value::Null | Value::Blob(_) => Self::Text(String::new()),
        }
    }
}

/// The position after which the next page starts.
#[derive(Debug, Clone, PartialEq)]
pub struct Cursor {
    pub key: SortValue,
    pub id: String,
}

/// Which page to read.
#[derive(Debug, Clone)]
pub struct PageRequest {
    pub limit: u32,
    pub after: Option<Cursor>,
}

impl PageRequest {
    pub fn first(limit: u32) -> Self {
        Self { limit, after: None }
    }
}

/// One page of a list, and where the next one starts.
#[derive(Debug)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next: Option<Cursor>,
    /// Ranked by statistics of all the text (FTS5's bm25, which the search engine
    /// answers without): an edit of any text may reorder it.
    pub ranked_by_all_text: bool,
    /// A full page of a search of one word ranked by the engine: the word, and the
    /// score of the page's last hit, which an edited article must reach to enter it
    /// ([`super::listing::floored_keys`]).
    pub floor: Option<(String, f32)>,
}

/// What a list reads: where its items come from, their id, their columns.
#[derive(Debug, Clone)]
pub struct Listing {
    /// The `FROM` clause, e.g. `articles a`. It may hold `?` placeholders, bound with
    /// [`Where::bind_source`], unless the listing is `deferred`.
    pub from: &'static str,
    /// The unique id expression, the tiebreaker of every sort.
    pub id: &'static str,
    /// The columns `from_row` reads: fixed, or chosen for the fields a list asks for.
    pub columns: std::borrow::Cow<'static, str>,
    /// Read the columns only for the rows of the page, joined back by rowid once the
    /// page's keys are known: for costly columns (bodies, relation lists) on lists
    /// that may need sorting. The table must have a rowid, under the alias `id` is
    /// qualified with.
    pub deferred: bool,
}

impl Listing {
    /// The rowid of the listed table, under the alias of `id` (`a.id`: `a.rowid`).
    pub fn rowid(&self) -> String {
        match self.id.split_once('.') {
            Some((alias, _)) => format!("{alias}.rowid"),
            None => "rowid".to_owned(),
        }
    }
}

/// One way to order a list: its name in the API, an SQL expression, a direction.
/// The listing's id breaks ties in the same direction.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sort {
    pub name: &'static str,
    pub key: &'static str,
    pub descending: bool,
    /// Orders by full-text rank: only for lists filtered by a full-text query.
    pub relevance: bool,
}

impl Sort {
    pub const fn asc(name: &'static str, key: &'static str) -> Self {
        Self {
            name,
            key,
            descending: false,
            relevance: false,
        }
    }

    pub const fn desc(name: &'static str, key: &'static str) -> Self {
        Self {
            descending: true,
            ..Self::asc(name, key)
        }
    }

    /// Best match first: `key` is a bm25 rank, lower is better.
    pub const fn relevance(key: &'static str) -> Self {
        Self {
            relevance: true,
            ..Self::asc("relevance", key)
        }
    }
}

/// A facet: how many items of a list have each value of a field.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Facet {
    pub name: &'static str,
    /// Joins that reach the value from the listing (empty for a column of the item).
    pub join: &'static str,
    pub value: &'static str,
    pub label: &'static str,
    /// Count distinct items, for joins that can reach one value twice from an item.
    pub distinct: bool,
}

/// One value of a facet.
#[derive(Debug, Clone, PartialEq)]
pub struct FacetCount {
    pub value: String,
    pub label: String,
    pub count: u64,
}

/// How many values a facet lists at most, the most frequent first.
pub const FACET_VALUES: u32 = 100;

/// The conditions of a list query, with their parameters in placeholder order.
#[derive(Debug, Default, Clone)]
pub struct Where {
    source_params: Vec<Value>,
    joins: Vec<String>,
    conditions: Vec<String>,
    params: Vec<Value>,
}

impl Where {
    /// Adds `condition`, whose `?` placeholders take `params` in order.
    pub fn and(&mut self, condition: impl Into<String>, params: impl IntoIterator<Item = Value>) {
        self.conditions.push(condition.into());
        self.params.extend(params);
    }

    /// Adds `template` with `{}` replaced by a placeholder list for `values`; nothing
    /// when `values` is empty (an absent filter). Repeated values mean OR.
    pub fn any_of<S: ToString>(&mut self, template: &str, values: &[S]) {
        if values.is_empty() {
            return;
        }
        let marks = vec!["?"; values.len()].join(", ");
        self.and(
            template.replace("{}", &marks),
            values.iter().map(|v| Value::Text(v.to_string())),
        );
    }

    /// Adds `column op ?` when `value` is given (a range bound).
    pub fn bound(&mut self, column: &str, op: &str, value: Option<Value>) {
        if let Some(value) = value {
            self.and(format!("{column} {op} ?"), [value]);
        }
    }

    /// Joins another table, such as a full-text index, to the listing.
    pub fn join(&mut self, clause: impl Into<String>) {
        self.joins.push(clause.into());
    }

    /// Binds the placeholders of the listing's `FROM` clause.
    pub fn bind_source(&mut self, params: impl IntoIterator<Item = Value>) {
        self.source_params.extend(params);
    }

    /// ` JOIN … WHERE …` after the listing's `FROM`, with `extra_join` last of the joins.
    pub(super) fn sql(&self, extra_join: &str) -> String {
        let mut sql = String::new();
        for join in self.joins.iter().map(String::as_str).chain([extra_join]) {
            if !join.is_empty() {
                sql.push(' ');
                sql.push_str(join);
            }
        }
        if !self.conditions.is_empty() {
            sql.push_str(" WHERE ");
            sql.push_str(&self.conditions.join(" AND "));
        }
        sql
    }

    pub(super) fn all_params(&self) -> Vec<Value> {
        self.source_params
            .iter()
            .chain(&self.params)
            .cloned()
            .collect()
    }
}

/// Reads a column stored as JSON (an article's body, a participant's aliases, a
/// topic's media topics) into its type.
pub fn json_column<T: serde::de::DeserializeOwned>(
    row: &NamedRow<'_>,
    idx: &str,
) -> rusqlite::Result<T> {
    let text: String = row.get(idx)?;
    serde_json::from_str(&text).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
    })
}

/// Unix seconds to a UTC time.
pub fn time_column(
    row: &NamedRow<'_>,
    idx: &str,
) -> rusqlite::Result<chrono::DateTime<chrono::Utc>> {
    let secs: i64 = row.get(idx)?;
    chrono::DateTime::from_timestamp(secs, 0)
        .ok_or_else(|| rusqlite::Error::IntegralValueOutOfRange(0, secs))
}
