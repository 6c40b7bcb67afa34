//! Reads by id, written once for every resource: one, several (in list order),
//! and whether one exists.

use rusqlite::Connection;

use super::Result;
use super::list::{self, Resource};
use super::visibility::Visibility;

/// A resource that can be read by its id.
pub trait Keyed: Resource {
    type Id: Clone + Send + 'static;
    /// The table its rows live in.
    const TABLE: &'static str;

    /// The filter that selects the items `ids` as far as `visibility` allows;
    /// resources that are always public ignore it.
    fn with_ids(ids: &[Self::Id], visibility: Visibility) -> Self::Filter;
    fn id_str(id: &Self::Id) -> &str;
}

/// The item `id` if `visibility` allows it.
pub fn find<R: Keyed>(conn: &Connection, id: &R::Id, visibility: Visibility) -> Result<Option<R>> {
    Ok(find_many::<R>(conn, std::slice::from_ref(id), visibility)?.pop())
}

/// The item `id` if the public may see it.
pub fn get<R: Keyed>(conn: &Connection, id: &R::Id) -> Result<Option<R>> {
    find(conn, id, Visibility::Public)
}

/// The public items with these ids, in list order; missing ids are skipped.
pub(crate) fn get_many<R: Keyed>(conn: &Connection, ids: &[R::Id]) -> Result<Vec<R>> {
    find_many(conn, ids, Visibility::Public)
}

/// The items with these ids that `visibility` allows, in list order.
pub(crate) fn find_many<R: Keyed>(
    conn: &Connection,
    ids: &[R::Id],
    visibility: Visibility,
) -> Result<Vec<R>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    list::all(conn, &R::with_ids(ids, visibility))
}

/// Whether a row `id` exists, whoever may see it.
pub fn exists<R: Keyed>(conn: &Connection, id: &R::Id) -> Result<bool> {
    super::row_exists(conn, R::TABLE, R::id_str(id))
}
