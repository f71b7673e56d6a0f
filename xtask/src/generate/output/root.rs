//! `codegen/mod.rs`: the generated modules and the list of secret field names.

use anyhow::Result;
use quote::quote;

use super::{Files, Input};
use crate::generate::sensitive_fields;

pub fn emit(input: &Input<'_>, files: &mut Files) -> Result<()> {
    let sensitive = sensitive_fields(input.spec);
    files.emit(
        "mod.rs",
        "The generated part of the crate: the models, progenitor's request-level client and the\nmethods of [`Client`](crate::Client).",
        quote! {
            pub mod methods;
            pub(crate) mod progenitor;
            pub mod types;
            #[cfg(feature = "mock")]
            pub mod mock;

            /// Fields the API marks as secret (`x-sensitive`), masked in error excerpts.
            pub(crate) const SENSITIVE_FIELDS: &[&str] = &[#(#sensitive),*];
        },
    )
}
