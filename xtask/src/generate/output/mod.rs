//! One module per part of `generated/src/`, each with an `emit` that renders its files:
//! `root` (`lib.rs`, `client.rs`, `operations.rs`), `types` (the models), `progenitor` (progenitor's request-level client),
//! `methods` (the methods of `Client`) and `mock` (the httpmock helpers).

pub mod methods;
pub mod mock;
pub mod progenitor;
pub mod root;
pub mod types;

use std::collections::BTreeMap;
use std::path::PathBuf;

use anyhow::{Context, Result};
use proc_macro2::TokenStream;
use quote::format_ident;
use serde_json::Value;

use super::api::Api;
use super::postprocess;
use super::split::Parts;

/// What every part is rendered from.
pub struct Input<'a> {
    pub spec: &'a Value,
    pub api: &'a Api,
    pub parts: &'a Parts,
    /// Each area's documentation, from the spec's tags.
    pub area_docs: BTreeMap<String, String>,
}

impl Input<'_> {
    /// Every area, shared models' included.
    pub fn areas(&self) -> Vec<&String> {
        self.api.areas.iter().collect()
    }

    /// The areas that have operations (only models are shared).
    pub fn operation_areas(&self) -> Vec<&String> {
        self.api
            .areas
            .iter()
            .filter(|a| self.api.operations.iter().any(|o| &&o.area == a))
            .collect()
    }

    pub fn area_doc(&self, area: &str) -> String {
        self.area_docs.get(area).cloned().unwrap_or_default()
    }
}

/// Module names for a list of areas.
pub fn idents(areas: &[&String]) -> Vec<syn::Ident> {
    areas.iter().map(|a| format_ident!("{}", a)).collect()
}

/// The rendered files, each with the generated-file header.
pub struct Files {
    header: String,
    files: BTreeMap<PathBuf, String>,
}

impl Files {
    pub fn new(header: String) -> Self {
        Self {
            header,
            files: BTreeMap::new(),
        }
    }

    /// Renders `tokens` as the file `path`, with `inner_docs` as its `//!` documentation.
    pub fn emit(&mut self, path: &str, inner_docs: &str, tokens: TokenStream) -> Result<()> {
        let mut file: syn::File = syn::parse2(tokens)
            .with_context(|| format!("generated code for {path} does not parse"))?;
        let mut attrs: Vec<syn::Attribute> = inner_docs
            .lines()
            .map(|line| {
                let line = format!(" {line}");
                syn::parse_quote!(#![doc = #line])
            })
            .collect();
        attrs.append(&mut file.attrs);
        file.attrs = attrs;
        postprocess::space_doc_comments(&mut file);
        let text = format!("{}{}", self.header, prettyplease::unparse(&file));
        self.files.insert(PathBuf::from(path), text);
        Ok(())
    }

    pub fn into_inner(self) -> BTreeMap<PathBuf, String> {
        self.files
    }
}
