//! The generated crate's root (`lib.rs`), its `Client` (`client.rs`) and the list of its
//! operations (`operations.rs`).
//!
//! The crate holds nothing written by hand besides `Cargo.toml` and its README, so even the
//! wiring is generated: the runtime it runs on (`cloudflare-tokens-runtime`) is named here once,
//! as `crate::runtime`, and its public types are re-exported at the root, where the generated
//! code names them (`crate::Envelope`, `crate::Secret`, …). Each module is marked
//! `#[rustfmt::skip]` (the generator formats it, with prettyplease), and `lib.rs` itself is
//! written in the order and shape rustfmt keeps: one `use` per line, sorted as rustfmt sorts.

use anyhow::Result;
use quote::{format_ident, quote};

use super::{Files, Input};
use crate::generate::sensitive_fields;

pub fn emit(input: &Input<'_>, files: &mut Files) -> Result<()> {
    emit_lib(files)?;
    emit_client(input, files)?;
    emit_operations(input, files)
}

fn emit_lib(files: &mut Files) -> Result<()> {
    files.emit(
        "lib.rs",
        "The part of `cloudflare-tokens` that `cargo xtask generate` writes from\n\
         `spec/openapi.json`: the models ([`types`]), progenitor's request-level client, one\n\
         method of [`Client`] per operation and their [`operations`]. Use it through the\n\
         `cloudflare-tokens` crate, which re-exports all of it with the flows.",
        quote! {
            use cloudflare_tokens_runtime as runtime;
            #[rustfmt::skip]
            mod client;
            #[rustfmt::skip]
            mod methods;
            #[cfg(feature = "mock")]
            #[rustfmt::skip]
            pub mod mock;
            #[rustfmt::skip]
            pub mod operations;
            #[rustfmt::skip]
            mod progenitor;
            #[rustfmt::skip]
            pub mod types;

            pub use client::{Client, ClientBuilder};
            pub use cloudflare_tokens_runtime::Credentials;
            pub use cloudflare_tokens_runtime::DEFAULT_BASE_URL;
            pub use cloudflare_tokens_runtime::DEFAULT_DEADLINE;
            pub use cloudflare_tokens_runtime::DEFAULT_MAX_RESPONSE_BODY;
            pub use cloudflare_tokens_runtime::Envelope;
            pub use cloudflare_tokens_runtime::Error;
            pub use cloudflare_tokens_runtime::ErrorKind;
            pub use cloudflare_tokens_runtime::Message;
            pub use cloudflare_tokens_runtime::Operation;
            pub use cloudflare_tokens_runtime::Page;
            pub use cloudflare_tokens_runtime::Response;
            pub use cloudflare_tokens_runtime::Result;
            pub use cloudflare_tokens_runtime::ResultInfo;
            pub use cloudflare_tokens_runtime::RetryPolicy;
            pub use cloudflare_tokens_runtime::Scope;
            pub use cloudflare_tokens_runtime::Secret;
            pub use cloudflare_tokens_runtime::check_id;
            pub use methods::*;
        },
    )
}

fn emit_client(input: &Input<'_>, files: &mut Files) -> Result<()> {
    let sensitive = sensitive_fields(input.spec);
    files.emit(
        "client.rs",
        "The client users hold: the runtime's core, with one method per operation (`methods/`),\n\
         and the hook through which progenitor's client sends each request.",
        quote! {
            use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};

            use crate::runtime::call::{Call, CallContext};
            use crate::runtime::{ClientCore, Generated};
            use crate::{Credentials, Operation, Result};

            /// A Cloudflare API client for API tokens, AI Search and Access service tokens.
            ///
            /// Cheap to clone (the connection pool is shared). Each operation of the API is a
            /// method: see the list below. Results come back as [`Response`](crate::Response) or
            /// [`Page`](crate::Page); every failure is an [`Error`](crate::Error).
            #[derive(Clone)]
            pub struct Client {
                core: ClientCore,
            }

            /// Configures a [`Client`]: `Client::builder(credentials)…build()`.
            pub type ClientBuilder = cloudflare_tokens_runtime::ClientBuilder<Client>;

            impl ::std::fmt::Debug for Client {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    ::std::fmt::Debug::fmt(&self.core, f)
                }
            }

            impl ::std::convert::From<ClientCore> for Client {
                fn from(core: ClientCore) -> Self {
                    Self { core }
                }
            }

            impl Generated for Client {
                const SENSITIVE_FIELDS: &'static [&'static str] = &[#(#sensitive),*];
            }

            impl Client {
                /// A client configured from the environment: credentials as in
                /// [`Credentials::from_env`], and `CLOUDFLARE_BASE_URL` instead of Cloudflare's
                /// API if it is set.
                pub fn from_env() -> Result<Self> {
                    ClientBuilder::from_env()?.build()
                }

                /// A builder configured from the environment, to adjust further.
                pub fn builder_from_env() -> Result<ClientBuilder> {
                    ClientBuilder::from_env()
                }

                /// A builder configured as [`builder_from_env`](Self::builder_from_env) is, from
                /// `var` instead of the process environment.
                pub fn builder_from_lookup(var: impl Fn(&str) -> Option<String>) -> Result<ClientBuilder> {
                    ClientBuilder::from_lookup(var)
                }

                /// A builder for a client with these credentials.
                pub fn builder(credentials: Credentials) -> ClientBuilder {
                    ClientBuilder::new(credentials)
                }

                /// The base URL requests go to.
                pub fn base_url(&self) -> &str {
                    self.core.base_url()
                }

                /// Starts a call of `operation`; its deadline runs from now.
                pub(crate) fn call(&self, operation: &'static Operation) -> Call<crate::progenitor::Client> {
                    self.core.call(operation, crate::progenitor::Client::new_with_client)
                }
            }

            impl ClientHooks<CallContext> for crate::progenitor::Client {
                async fn exec(
                    &self,
                    request: reqwest::Request,
                    _info: &OperationInfo,
                ) -> reqwest::Result<reqwest::Response> {
                    crate::runtime::call::exec(self.inner(), self.client(), request).await
                }
            }
        },
    )
}

fn emit_operations(input: &Input<'_>, files: &mut Files) -> Result<()> {
    let constants = input.api.operations.iter().map(|op| {
        let name = format_ident!("{}", op.id.to_uppercase());
        let doc = format!(" [`Client::{}`](crate::Client::{}).", op.id, op.id);
        quote! {
            #[doc = #doc]
            pub const #name: &Operation = &crate::methods::#name;
        }
    });
    files.emit(
        "operations.rs",
        "Every operation of the API as an [`Operation`]: its id, method, path and the permissions\n\
         it needs; what an [`Error`](crate::Error) names as the call that failed.",
        quote! {
            use crate::Operation;

            #(#constants)*
        },
    )
}
