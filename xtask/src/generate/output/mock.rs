//! `codegen/mock.rs`: progenitor's typed httpmock helpers, one per operation (feature `mock`).

use anyhow::Result;
use quote::quote;

use super::Files;

pub fn emit(mock: syn::File, files: &mut Files) -> Result<()> {
    let items = mock.items;
    files.emit(
        "mock.rs",
        "Typed [`httpmock`] helpers, one per operation, for testing programs that use this crate\n(feature `mock`).",
        quote! {
            #![allow(clippy::all)]
            #(#items)*
        },
    )
}
