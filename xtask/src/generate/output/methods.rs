//! `methods/`: the methods of [`Client`](cloudflare_tokens::Client), one per operation,
//! with their query parameter structs, one file per area.

use anyhow::Result;
use quote::quote;

use super::{Files, Input, idents};
use crate::generate::{api, facade};

pub fn emit(input: &Input<'_>, files: &mut Files) -> Result<()> {
    let areas = input.operation_areas();
    let modules = idents(&areas);
    files.emit(
        "methods/mod.rs",
        "The methods of [`Client`](crate::Client), one per operation, and their query parameters.",
        quote! {
            #(mod #modules;)*
            // An area may have nothing public of its own (its models all shared, or no query
            // structs): its glob is then empty, or re-exports only crate-visible items.
            #(#[allow(unused_imports)] pub use self::#modules::*;)*
        },
    )?;
    for area in areas {
        let operations: Vec<&api::Operation> = input
            .api
            .operations
            .iter()
            .filter(|o| &o.area == area)
            .collect();
        let tokens = facade::area(&operations, &input.parts.methods, input.spec)?;
        files.emit(
            &format!("methods/{area}.rs"),
            &input.area_doc(area),
            quote! {
                #![allow(unused_imports, clippy::all)]
                #tokens
            },
        )?;
    }
    Ok(())
}
