//! Lists of any resource, written once: a page in a chosen order, and on request the
//! total and the facets, all under the same filter.

use rusqlite::Connection;

use super::Result;
use super::query::{Facet, FacetCount, Listing, Page, PageRequest, Sort, Where};
use super::read::{self, Statement};
use super::row::NamedRow;

/// A resource that can be listed.
pub trait Resource: Sized + Send + 'static {
    /// Which items a list holds.
    type Filter: Send + 'static;
    const LISTING: Listing;
    /// The orders a list accepts; the first is the default.
    const SORTS: &'static [Sort];
    const FACETS: &'static [Facet];

    fn conditions(filter: &Self::Filter) -> Where;
    fn from_row(row: &NamedRow<'_>) -> rusqlite::Result<Self>;

    /// What a page reads of each item, given the `fields` it is cut down to (empty:
    /// every field). A listing may leave out the columns of fields nobody asked for.
    fn listing(_fields: &[String]) -> Listing {
        Self::LISTING
    }

    /// Reads one page of `listing` under `conditions` in `sort` order. A resource
    /// with an index of its own (search) may answer from it.
    fn page(
        conn: &Connection,
        _filter: &Self::Filter,
        listing: &Listing,
        conditions: &Where,
        sort: &Sort,
        request: &PageRequest,
    ) -> Result<Page<Self>> {
        read::page(conn, listing, conditions, sort, request, Self::from_row)
    }

    /// Completes the items of a page with what the page query does not read, such as
    /// search snippets, as far as `fields` (empty: every field) asks for it: a few
    /// queries per page, never one per item.
    fn complete(
        _conn: &Connection,
        _filter: &Self::Filter,
        _items: &mut [Self],
        _fields: &[String],
    ) -> Result<()> {
        Ok(())
    }

    /// The order to read `sort` in under `filter`: the same order, possibly on an
    /// equal expression that an index the filter selects can serve.
    fn order(_filter: &Self::Filter, sort: Sort) -> Sort {
        sort
    }

    /// The default order.
    fn default_sort() -> Sort {
        Self::SORTS[0]
    }
}

/// Whether `fields` (empty: every field) asks for `name`.
pub fn wanted(fields: &[String], name: &str) -> bool {
    fields.is_empty() || fields.iter().any(|f| f == name)
}

/// What to read of a list.
#[derive(Debug, Clone)]
pub struct ListRequest {
    pub sort: Sort,
    pub page: PageRequest,
    /// Count every item under the filter.
    pub count: bool,
    /// The only fields of each item the reader wants; empty for every field. Items
    /// may come without the others.
    pub fields: Vec<String>,
    pub facets: Vec<Facet>,
}

impl ListRequest {
    /// The first `limit` items in the default order, nothing else.
    pub fn first<R: Resource>(limit: u32) -> Self {
        Self {
            sort: R::default_sort(),
            page: PageRequest::first(limit),
            count: false,
            fields: Vec::new(),
            facets: Vec::new(),
        }
    }
}

/// A page of a list, with the total and facets asked for.
#[derive(Debug)]
pub struct Listed<T> {
    pub page: Page<T>,
    pub total: Option<u64>,
    pub facets: Vec<(&'static str, Vec<FacetCount>)>,
}

/// Reads what `request` asks of the list of `R` under `filter`.
pub fn list<R: Resource>(
    conn: &Connection,
    filter: &R::Filter,
    request: &ListRequest,
) -> Result<Listed<R>> {
    let conditions = R::conditions(filter);
    let mut page = R::page(
        conn,
        filter,
        &R::listing(&request.fields),
        &conditions,
        &R::order(filter, request.sort),
        &request.page,
    )?;
    R::complete(conn, filter, &mut page.items, &request.fields)?;
    let total = if request.count {
        Some(read::count(conn, &R::LISTING, &conditions)?)
    } else {
        None
    };
    let facets = request
        .facets
        .iter()
        .map(|f| Ok((f.name, read::facet(conn, &R::LISTING, &conditions, f)?)))
        .collect::<Result<_>>()?;
    Ok(Listed {
        page,
        total,
        facets,
    })
}

/// Every item under `filter`, in the default order: for reads by id.
pub fn all<R: Resource>(conn: &Connection, filter: &R::Filter) -> Result<Vec<R>> {
    let sort = R::order(filter, R::default_sort());
    let dir = if sort.descending { "DESC" } else { "ASC" };
    let order = format!("{} {dir}, {} {dir}", sort.key, R::LISTING.id);
    let mut items = read::all(
        conn,
        &R::LISTING,
        R::conditions(filter),
        &order,
        R::from_row,
    )?;
    R::complete(conn, filter, &mut items, &[])?;
    Ok(items)
}

/// The statements [`list`] runs for `request`, for checking their query plans.
pub(crate) fn statements<R: Resource>(filter: &R::Filter, request: &ListRequest) -> Vec<Statement> {
    let conditions = R::conditions(filter);
    let mut statements = vec![read::page_statement(
        &R::listing(&request.fields),
        &conditions,
        &R::order(filter, request.sort),
        &request.page,
    )];
    if request.count {
        statements.push(read::count_statement(&R::LISTING, &conditions));
    }
    for facet in &request.facets {
        statements.push(read::facet_statement(&R::LISTING, &conditions, facet));
    }
    statements
}

/// `EXPLAIN QUERY PLAN` of every statement [`list`] runs for `request`, one line a step.
pub fn plans<R: Resource>(
    conn: &Connection,
    filter: &R::Filter,
    request: &ListRequest,
) -> Result<Vec<String>> {
    let mut lines = Vec::new();
    for statement in statements::<R>(filter, request) {
        lines.push(format!("-- {}", statement.sql));
        lines.extend(read::plan(conn, &statement)?);
    }
    Ok(lines)
}
