//! `progenitor/`: progenitor's request-level client (it builds each request and decodes
//! each response), its operations filed by area. `crate::runtime::call` drives it.

use anyhow::Result;
use quote::quote;

use super::{Files, Input, idents};
use crate::generate::split;

pub fn emit(input: &Input<'_>, files: &mut Files) -> Result<()> {
    let areas = input.operation_areas();
    let modules = idents(&areas);
    let common = &input.parts.progenitor_common;
    files.emit(
        "progenitor/mod.rs",
        "progenitor's request-level client: builds each request and decodes each response.\n[`crate::Client`] drives it, through the runtime's `call` module and the `exec` hook in `client.rs`.",
        quote! {
            #![allow(dead_code, unused_imports, clippy::all)]
            use super::types;
            #(mod #modules;)*
            #(#common)*
        },
    )?;
    for area in areas {
        let methods = input
            .parts
            .methods_by_area
            .get(area)
            .cloned()
            .unwrap_or_default();
        let block = split::operations_impl(&methods);
        files.emit(
            &format!("progenitor/{area}.rs"),
            &input.area_doc(area),
            quote! {
                #![allow(unused_imports, clippy::all)]
                use super::*;
                #block
            },
        )?;
    }
    Ok(())
}
