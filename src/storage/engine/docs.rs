//! What the engine indexes: the searchable text of every article, quote, participant
//! and event, read from the same views the FTS5 indexes read (`0004_search.sql`), so
//! both search the same words. Each kind has fields of its own, weighted as the
//! bm25 ranks of `storage::search` weigh their columns.

use std::collections::HashMap;

use rusqlite::{Connection, Row};
use tantivy::schema::{
    FAST, Field, IndexRecordOption, STRING, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::{AsciiFoldingFilter, LowerCaser, SimpleTokenizer, TextAnalyzer};
use tantivy::{Index, TantivyDocument};

use crate::domain::ResourceKind;
use crate::storage::Result;

/// The analyzer's name: Unicode words (letters and digits), lower-cased and folded
/// to ASCII, as FTS5's `unicode61 remove_diacritics 2` finds `António` by `Antonio`.
pub(super) const ANALYZER: &str = "newsdesk_fold";

/// The key field: `type/id`, the order among equal scores (as the cursor's id).
pub(super) const KEY: &str = "key";

/// A searchable column: its name, its weight, and its typical length in words, which
/// bm25 reads as the column's average length (`stats`: fixed, so that no edit of
/// other text moves a score).
pub(super) struct Column {
    pub name: &'static str,
    pub weight: f32,
    pub length: u32,
}

const fn column(name: &'static str, weight: f32, length: u32) -> Column {
    Column {
        name,
        weight,
        length,
    }
}

/// The searchable columns of each kind.
pub(super) const COLUMNS: [(ResourceKind, &[Column]); 4] = [
    (
        ResourceKind::Article,
        &[
            column("headline", 10.0, 10),
            column("summary", 4.0, 30),
            column("body", 1.0, 500),
        ],
    ),
    (
        ResourceKind::Quote,
        &[
            column("text", 1.0, 30),
            column("speaker", 2.0, 2),
            column("topic", 1.0, 2),
        ],
    ),
    (
        ResourceKind::Participant,
        &[
            column("name", 10.0, 2),
            column("aliases", 5.0, 2),
            column("title", 2.0, 4),
        ],
    ),
    (
        ResourceKind::Event,
        &[column("title", 10.0, 8), column("place", 3.0, 3)],
    ),
];

/// Each kind's text, from its search view, keyed by id; `{}` takes a condition on
/// the resource's table (aliased `r`).
fn source(kind: ResourceKind) -> &'static str {
    match kind {
        ResourceKind::Article => {
            "SELECT r.id, s.headline, s.summary, s.body FROM articles r \
             JOIN articles_search s ON s.doc = r.rowid WHERE {}"
        }
        ResourceKind::Quote => {
            "SELECT r.id, s.text, s.speaker, s.topic FROM quotes r \
             JOIN quotes_search s ON s.doc = r.rowid WHERE {}"
        }
        ResourceKind::Participant => {
            "SELECT r.id, s.name, s.aliases, s.title FROM participants r \
             JOIN participants_search s ON s.doc = r.rowid WHERE {}"
        }
        ResourceKind::Event => {
            "SELECT r.id, s.title, s.place FROM events r \
             JOIN events_search s ON s.doc = r.rowid WHERE {}"
        }
    }
}

/// The fields of the index: the key, one text field per kind and column, and per
/// kind one field of the words of all its columns.
#[derive(Clone)]
pub(super) struct Fields {
    pub key: Field,
    /// Per kind (in [`COLUMNS`]' order): each column's field and weight.
    pub text: Vec<(ResourceKind, Vec<(Field, f32)>)>,
    /// Each column's typical length.
    pub lengths: HashMap<Field, u32>,
    /// Each column's field of its kind's words: bm25 counts the documents that hold
    /// a word in any column, as FTS5 does, so that an edit moving a word from one
    /// column of a document to another moves no other document's score.
    pub counted: HashMap<Field, Field>,
}

pub(super) fn schema() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    let key = builder.add_text_field(KEY, STRING | FAST);
    let indexing = TextFieldIndexing::default()
        .set_tokenizer(ANALYZER)
        .set_index_option(IndexRecordOption::WithFreqsAndPositions);
    let options = TextOptions::default().set_indexing_options(indexing);
    // Which documents hold a word: no counts, positions or lengths.
    let words_only = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(ANALYZER)
            .set_index_option(IndexRecordOption::Basic)
            .set_fieldnorms(false),
    );
    let (mut lengths, mut counted) = (HashMap::new(), HashMap::new());
    let text = COLUMNS
        .iter()
        .map(|(kind, columns)| {
            let fields: Vec<(Field, f32)> = columns
                .iter()
                .map(|column| {
                    let name = format!("{}_{}", kind.as_str(), column.name);
                    let field = builder.add_text_field(&name, options.clone());
                    lengths.insert(field, column.length);
                    (field, column.weight)
                })
                .collect();
            let words =
                builder.add_text_field(&format!("{}_words", kind.as_str()), words_only.clone());
            counted.extend(fields.iter().map(|(field, _)| (*field, words)));
            (*kind, fields)
        })
        .collect();
    let fields = Fields {
        key,
        text,
        lengths,
        counted,
    };
    (builder.build(), fields)
}

pub(super) fn analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

/// The words the index holds for `text`, in order: what a query's words and a
/// document's text are both cut into.
pub(crate) fn words(text: &str) -> Vec<String> {
    let mut analyzer = analyzer();
    let mut stream = analyzer.token_stream(text);
    let mut words = Vec::new();
    while let Some(token) = stream.next() {
        words.push(token.text.clone());
    }
    words
}

pub(super) fn register(index: &Index) {
    index.tokenizers().register(ANALYZER, analyzer());
}

pub(super) fn key(kind: ResourceKind, id: &str) -> String {
    format!("{}/{id}", kind.as_str())
}

impl Fields {
    fn document(&self, kind: ResourceKind, row: &Row<'_>) -> rusqlite::Result<TantivyDocument> {
        let mut doc = TantivyDocument::default();
        let id: String = row.get(0)?;
        doc.add_text(self.key, key(kind, &id));
        let fields = self
            .text
            .iter()
            .find(|(k, _)| *k == kind)
            .map(|(_, f)| f.as_slice())
            .unwrap_or_default();
        for (n, (field, _)) in fields.iter().enumerate() {
            if let Some(text) = row.get::<_, Option<String>>(n + 1)? {
                if let Some(words) = self.counted.get(field) {
                    doc.add_text(*words, &text);
                }
                doc.add_text(*field, text);
            }
        }
        Ok(doc)
    }

    /// The document of `kind` `id` as the database holds it now; `None` when gone.
    pub fn one(
        &self,
        conn: &Connection,
        kind: ResourceKind,
        id: &str,
    ) -> Result<Option<TantivyDocument>> {
        let sql = source(kind).replace("{}", "r.id = ?1");
        let mut stmt = conn.prepare_cached(&sql)?;
        let mut rows = stmt.query([id])?;
        match rows.next()? {
            Some(row) => Ok(Some(self.document(kind, row)?)),
            None => Ok(None),
        }
    }

    /// Every document of `kind`, handed to `add` one by one.
    pub fn each(
        &self,
        conn: &Connection,
        kind: ResourceKind,
        mut add: impl FnMut(TantivyDocument) -> Result<()>,
    ) -> Result<()> {
        let sql = source(kind).replace("{}", "1");
        let mut stmt = conn.prepare(&sql)?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            add(self.document(kind, row)?)?;
        }
        Ok(())
    }
}
