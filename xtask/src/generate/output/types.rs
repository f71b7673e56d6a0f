//! `types/`: the models, one file per area.

use anyhow::Result;
use quote::quote;

use super::{Files, Input, idents};

pub fn emit(input: &Input<'_>, files: &mut Files) -> Result<()> {
    let areas = input.areas();
    let modules = idents(&areas);
    let common = &input.parts.types_common;
    files.emit(
        "types/mod.rs",
        "The API's models, as Cloudflare sends and accepts them.",
        quote! {
            #(mod #modules;)*
            // An area may have nothing public of its own (its models all shared, or no query
            // structs): its glob is then empty, or re-exports only crate-visible items.
            #(#[allow(unused_imports)] pub use self::#modules::*;)*
            #(#common)*
        },
    )?;
    for area in areas {
        let mut items = input
            .parts
            .types_by_area
            .get(area)
            .cloned()
            .unwrap_or_default();
        crate::generate::docs::document_fields(
            &mut items,
            input.spec,
            &input.parts.required_structs,
        );
        files.emit(
            &format!("types/{area}.rs"),
            &input.area_doc(area),
            quote! {
                #![allow(clippy::all)]
                #[allow(unused_imports)]
                use super::*;
                #(#items)*
            },
        )?;
    }
    Ok(())
}
