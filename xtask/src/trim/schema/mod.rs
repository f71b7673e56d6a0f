//! Turning upstream schemas into ours, in three parts: `resolve` follows `$ref`s and flattens
//! `allOf`s into one schema; `convert` drops prose and hoists every object and string enum into
//! a named component (named by overlay or by position); `merge` unites models that share a name.

mod convert;
mod merge;
mod quirks;
mod resolve;

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::keywords::LIMITS;
use crate::load::{Document, SpecError};
use crate::overlay::Overlay;
use crate::pointer::Pointer;

pub use merge::{Merge, merge_models};
pub use resolve::{Flat, Origins};

/// Keywords that carry facts about a value (besides its limits, [`LIMITS`]); everything else
/// upstream (prose, examples, vendor extensions) is dropped.
const FACT_KEYWORDS: &[&str] = &[
    "type",
    "format",
    "nullable",
    "enum",
    "default",
    "readOnly",
    "writeOnly",
    "deprecated",
    "x-sensitive",
];

fn is_fact(keyword: &str) -> bool {
    FACT_KEYWORDS.contains(&keyword) || LIMITS.contains(&keyword)
}

/// Keywords that describe a use of a named model rather than the model itself; they stay next to
/// the `$ref` (wrapped in `allOf`, as OpenAPI 3.0 ignores siblings of `$ref`).
const USE_SITE_KEYWORDS: &[&str] = &["nullable", "default", "readOnly", "writeOnly", "deprecated"];

pub const SCHEMAS: &str = "#/components/schemas/";

/// How to name a schema if it becomes a component.
#[derive(Clone, Debug)]
pub struct Naming {
    pub name: String,
    /// Named by the overlay (never merged away by deduplication).
    pub explicit: bool,
    /// Documentation to use when the overlay has none for this model.
    pub fallback_doc: Option<String>,
}

impl Naming {
    pub fn explicit(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            explicit: true,
            fallback_doc: None,
        }
    }

    pub fn positional(name: String, doc: String) -> Self {
        Self {
            name,
            explicit: false,
            fallback_doc: Some(doc),
        }
    }
}

/// A model of ours.
#[derive(Clone, Debug)]
pub struct Component {
    pub schema: Map<String, Value>,
    /// Some definition merged into it was read from a response: merges keep it loose.
    pub read: bool,
    pub explicit: bool,
    pub fallback_doc: Option<String>,
    /// Where upstream the (first) schema of this name came from.
    pub origin: Pointer,
}

/// Which way the data a schema describes travels. Merges of models read from responses keep a
/// format only where every definition states it, so that an answer one endpoint gives never
/// fails to decode against another's stricter wording; models only ever sent keep the format
/// any definition states (see [`Merge`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// Request bodies and parameters.
    Sent,
    /// Responses.
    Read,
}

/// The converter: holds the upstream document, the overlay and the components built so far.
pub struct Schemas<'a> {
    pub doc: &'a Document,
    pub overlay: &'a Overlay,
    pub components: BTreeMap<String, Component>,
    /// `$ref` targets being converted right now, to detect recursion.
    active: Vec<Pointer>,
    /// The model each of those targets is becoming, where it becomes one: a `$ref` back to it
    /// (a recursive schema) refers to that model.
    active_models: Vec<(Pointer, String)>,
    /// Conversions that can stand for any other of the same schema, by where the schema is
    /// written upstream: the schema and what it became (see [`Schemas::convert`]).
    converted: BTreeMap<Pointer, (Value, Value)>,
    /// Whether the schemas converted now describe what we send or what we read.
    pub direction: Direction,
    /// Counts the fixes and renames applied and the merges made so far: a conversion during
    /// which it moves depends on where it happens, and is not reused.
    site_dependent: usize,
    pub used_fixes: Vec<bool>,
    pub used_renames: BTreeMap<String, bool>,
    /// The overlay's `[parameters]` that some parameter had.
    pub used_roles: std::collections::BTreeSet<String>,
}

impl<'a> Schemas<'a> {
    pub fn new(doc: &'a Document, overlay: &'a Overlay) -> Self {
        Self {
            doc,
            overlay,
            components: BTreeMap::new(),
            active: Vec::new(),
            active_models: Vec::new(),
            converted: BTreeMap::new(),
            direction: Direction::Sent,
            site_dependent: 0,
            used_fixes: vec![false; overlay.fixes.len()],
            used_renames: overlay.rename.keys().map(|k| (k.clone(), false)).collect(),
            used_roles: Default::default(),
        }
    }

    pub fn error(&self, at: &Pointer, message: impl Into<String>) -> SpecError {
        SpecError::at(&self.doc.file, at, message)
    }
}

/// `cf_api_id` → `CfApiId`, `ai-search` → `AiSearch`.
pub fn pascal_case(text: &str) -> String {
    text.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut chars = w.chars();
            let first = chars
                .next()
                .map(|c| c.to_ascii_uppercase())
                .unwrap_or_default();
            std::iter::once(first).chain(chars).collect::<String>()
        })
        .collect()
}

/// Splits keywords that belong next to a reference from those of the model itself.
fn split_use_site(schema: Map<String, Value>) -> (Map<String, Value>, Map<String, Value>) {
    schema
        .into_iter()
        .partition(|(k, _)| USE_SITE_KEYWORDS.contains(&k.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pascal_case_names() {
        assert_eq!(pascal_case("cf_api_id"), "CfApiId");
        assert_eq!(pascal_case("ai-search"), "AiSearch");
        assert_eq!(pascal_case("accounts_or_zones"), "AccountsOrZones");
    }
}
