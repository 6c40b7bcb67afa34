//! Paging: page sizes and the opaque cursors of lists.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::error::ApiError;
use crate::storage::{Cursor, PageRequest, SortValue};

pub const DEFAULT_LIMIT: u32 = 20;
pub const MAX_LIMIT: u32 = 100;

/// Reads `cursor` into a page request of `limit` items for a list sorted by `sort`.
pub fn page_request(limit: u32, cursor: Option<&str>, sort: &str) -> Result<PageRequest, ApiError> {
    let after = cursor.map(|c| decode_cursor(c, sort)).transpose()?;
    Ok(PageRequest { limit, after })
}

#[derive(serde::Serialize, serde::Deserialize)]
struct CursorToken {
    /// The sort the cursor belongs to: a cursor from another sort cannot be reused.
    s: String,
    k: SortValue,
    i: String,
}

/// Cursors are opaque to clients: base64url of a small JSON token.
pub fn encode_cursor(cursor: &Cursor, sort: &str) -> String {
    let token = CursorToken {
        s: sort.to_owned(),
        k: cursor.key.clone(),
        i: cursor.id.clone(),
    };
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(&token).unwrap_or_default())
}

fn decode_cursor(text: &str, sort: &str) -> Result<Cursor, ApiError> {
    let bad = || {
        ApiError::invalid(
            "cursor",
            "is not a cursor this list returned; use the `next_cursor` of the previous page",
        )
    };
    let bytes = URL_SAFE_NO_PAD.decode(text).map_err(|_| bad())?;
    let token: CursorToken = serde_json::from_slice(&bytes).map_err(|_| bad())?;
    if token.s != sort {
        return Err(bad());
    }
    Ok(Cursor {
        key: token.k,
        id: token.i,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_are_bound_to_their_sort() {
        let c = Cursor {
            key: SortValue::Int(42),
            id: "a-b".into(),
        };
        let text = encode_cursor(&c, "-published_at");
        assert_eq!(decode_cursor(&text, "-published_at").unwrap(), c);
        for rank in [-0.1 - 0.2, -1.0, 3.0, f64::MIN_POSITIVE, -2.974908821707626] {
            let c = Cursor {
                key: SortValue::Float(rank),
                id: "quote/x".into(),
            };
            let text = encode_cursor(&c, "relevance");
            assert_eq!(decode_cursor(&text, "relevance").unwrap(), c, "{rank}");
        }
        let text = encode_cursor(
            &Cursor {
                key: SortValue::Text("2024-07-04".into()),
                id: "q".into(),
            },
            "said_on",
        );
        assert!(matches!(
            decode_cursor(&text, "said_on").unwrap().key,
            SortValue::Text(_)
        ));
        assert!(decode_cursor(&text, "name").is_err());
        assert!(decode_cursor("%%%", "name").is_err());
    }
}
