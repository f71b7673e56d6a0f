//! The methods users call: one per operation on `cloudflare_tokens::Client`, each a thin,
//! generated wrapper over progenitor's method that unwraps Cloudflare's envelope and turns every
//! failure into the crate's error type. Lists that page also get a `…_all` stream of every item.

use anyhow::{Context, Result, bail};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::visit_mut::VisitMut;
use syn::{FnArg, Pat, Type};

use super::api::Operation;
use super::shape::only_argument;
use crate::overlay::Role;

/// The generated code of one area: operation descriptions, query structs and methods.
pub fn area(
    operations: &[&Operation],
    raw: &std::collections::BTreeMap<String, syn::ImplItemFn>,
    spec: &serde_json::Value,
) -> Result<TokenStream> {
    let empty = serde_json::Map::new();
    let schemas = spec
        .pointer("/components/schemas")
        .and_then(serde_json::Value::as_object)
        .unwrap_or(&empty);
    let mut items = Vec::new();
    for op in operations {
        let method = raw
            .get(&op.id)
            .with_context(|| format!("progenitor generated no method for {}", op.id))?;
        items.push(operation(op, method, schemas)?);
    }
    Ok(quote! {
        use crate::types;
        #(#items)*
    })
}

/// The item type of `::std::vec::Vec<T>`.
fn vec_item(ty: &Type) -> Option<Type> {
    only_argument(ty, "Vec")
}

/// The inner type of `::std::option::Option<T>`.
fn option_inner(ty: &Type) -> Option<Type> {
    only_argument(ty, "Option")
}

/// `&'a T` → `&T`: the facade's arguments borrow only for the call.
fn without_lifetimes(mut ty: Type) -> Type {
    struct Strip;
    impl VisitMut for Strip {
        fn visit_type_reference_mut(&mut self, r: &mut syn::TypeReference) {
            r.lifetime = None;
            syn::visit_mut::visit_type_reference_mut(self, r);
        }
    }
    Strip.visit_type_mut(&mut ty);
    ty
}

fn is_str_ref(ty: &Type) -> bool {
    matches!(ty, Type::Reference(r) if matches!(&*r.elem, Type::Path(p) if p.path.is_ident("str")))
}

/// The arguments every method may take besides the spec's parameters.
const OWN_ARGUMENTS: [&str; 3] = ["scope", "query", "body"];

/// The name of a parameter's own argument: its Rust name, unless that is one of
/// [`OWN_ARGUMENTS`] (Cloudforce One's rule search takes a required `query`), which keep
/// theirs; then `<name>_parameter`.
fn own_argument(ident: &syn::Ident) -> syn::Ident {
    if OWN_ARGUMENTS.iter().any(|own| ident == own) {
        format_ident!("{ident}_parameter")
    } else {
        ident.clone()
    }
}

fn pascal(id: &str) -> String {
    crate::trim::pascal_case(id)
}

fn operation(
    op: &Operation,
    raw: &syn::ImplItemFn,
    schemas: &serde_json::Map<String, serde_json::Value>,
) -> Result<TokenStream> {
    let name = format_ident!("{}", op.id);
    let meta = format_ident!("{}", op.id.to_uppercase());
    let query_name = format_ident!("{}Query", pascal(&op.id));

    let mut args: Vec<TokenStream> = Vec::new(); // the facade's parameters
    let mut stream_args: Vec<TokenStream> = Vec::new(); // the same, for the `…_all` stream
    // The stream owns its arguments: each is made owned once, cloned for each page's call, and
    // passed by reference to the method.
    let mut stream_owned: Vec<TokenStream> = Vec::new();
    let mut stream_clones: Vec<TokenStream> = Vec::new();
    let mut stream_passes: Vec<TokenStream> = Vec::new();
    let mut passes = Vec::new(); // what the facade passes to progenitor's method
    let mut query_fields = Vec::new();
    let mut query_names = Vec::new();
    // The query fields of the page number and the page size, for `…_all`.
    let (mut page_field, mut per_page_field) = (None, None);
    // progenitor's arguments are the spec's parameters in its order, then the body: the model
    // says what each one is, progenitor's signature only its Rust name and type.
    let inputs: Vec<&syn::PatType> = raw
        .sig
        .inputs
        .iter()
        .filter_map(|input| match input {
            FnArg::Typed(typed) => Some(typed),
            FnArg::Receiver(_) => None,
        })
        .collect();
    let expected = op.parameters.len() + usize::from(op.has_body);
    if inputs.len() != expected {
        bail!(
            "{}: progenitor's method takes {} arguments, but the spec has {} parameters{}",
            op.id,
            inputs.len(),
            op.parameters.len(),
            if op.has_body { " and a body" } else { "" }
        );
    }
    // The path parameters to check before the call, as (name, value as &str).
    let mut path_checks: Vec<TokenStream> = Vec::new();
    for (index, typed) in inputs.iter().enumerate() {
        let Pat::Ident(pat) = &*typed.pat else {
            bail!("{}: unexpected parameter pattern", op.id)
        };
        let ident = pat.ident.clone();
        let ty = without_lifetimes((*typed.ty).clone());
        let Some(parameter) = op.parameters.get(index) else {
            if op.body_is_empty {
                // A body without fields: nothing for the caller to say.
                passes.push(quote! { &::std::default::Default::default() });
            } else {
                args.push(quote! { body: #ty });
                passes.push(quote! { #ident });
            }
            continue;
        };
        // What the caller passes this parameter as, when it is an argument of its own.
        let argument = own_argument(&ident);
        match (parameter.location.as_str(), parameter.role) {
            ("path", Some(Role::ScopeKind)) => {
                args.push(quote! { scope: crate::Scope<'_> });
                stream_args.push(quote! { scope: crate::Scope<'_> });
                stream_owned
                    .push(quote! { let scope = crate::runtime::scope::OwnedScope::from(scope); });
                stream_clones.push(quote! { let scope = scope.clone(); });
                stream_passes.push(quote! { scope.as_scope() });
                // The scope's path segment as the spec's enum of the two (`accounts`, `zones`).
                passes.push(quote! { <#ty as ::std::convert::From<&str>>::from(scope.segment()) });
            }
            ("path", Some(Role::ScopeId)) => {
                if op.with_role(Role::ScopeKind).is_none() {
                    bail!(
                        "{}: parameter `{}` is a scope id without a scope kind",
                        op.id,
                        parameter.name
                    );
                }
                path_checks.push(quote! { (scope.id_parameter(), scope.id()) });
                passes.push(quote! { scope.id() });
            }
            ("path", _) => {
                let api_name = &parameter.name;
                path_checks.push(if is_str_ref(&ty) {
                    quote! { (#api_name, #argument) }
                } else {
                    quote! { (#api_name, &::std::string::ToString::to_string(&#argument)) }
                });
                args.push(quote! { #argument: #ty });
                stream_args.push(quote! { #argument: #ty });
                stream_owned
                    .push(quote! { let #argument = ::std::borrow::ToOwned::to_owned(#argument); });
                stream_clones
                    .push(quote! { let #argument = ::std::clone::Clone::clone(&#argument); });
                stream_passes.push(quote! { &#argument });
                passes.push(quote! { #argument });
            }
            // A required query or header parameter is an argument of its own.
            ("query" | "header", None) if option_inner(&ty).is_none() => {
                args.push(quote! { #argument: #ty });
                stream_args.push(quote! { #argument: #ty });
                stream_clones
                    .push(quote! { let #argument = ::std::clone::Clone::clone(&#argument); });
                if matches!(ty, Type::Reference(_)) {
                    stream_owned.push(
                        quote! { let #argument = ::std::borrow::ToOwned::to_owned(#argument); },
                    );
                    stream_passes.push(quote! { &#argument });
                } else {
                    stream_passes.push(quote! { #argument });
                }
                passes.push(quote! { #argument });
            }
            ("query" | "header", role) => {
                let inner = option_inner(&ty).with_context(|| {
                    format!("{}: query parameter `{ident}` is not optional", op.id)
                })?;
                let (field_ty, pass) = match role {
                    Some(Role::Page | Role::PerPage) => (
                        quote! { ::std::option::Option<u32> },
                        quote! { query.#ident.map(::std::convert::Into::into) },
                    ),
                    _ if is_str_ref(&inner) => (
                        quote! { ::std::option::Option<::std::string::String> },
                        quote! { query.#ident.as_deref() },
                    ),
                    // progenitor borrows a list (`&Vec<T>`): the query struct owns it.
                    _ => match &inner {
                        Type::Reference(reference) => {
                            let owned = &reference.elem;
                            (
                                quote! { ::std::option::Option<#owned> },
                                quote! { query.#ident.as_ref() },
                            )
                        }
                        _ => (
                            quote! { ::std::option::Option<#inner> },
                            quote! { query.#ident.clone() },
                        ),
                    },
                };
                let doc = match role {
                    Some(Role::Page) => {
                        page_field = Some(ident.clone());
                        " Which page to fetch, from 1.".to_string()
                    }
                    Some(Role::PerPage) => {
                        per_page_field = Some(ident.clone());
                        match parameter.maximum {
                            Some(max) => format!(" How many items a page holds (at most {max})."),
                            None => " How many items a page holds.".to_string(),
                        }
                    }
                    _ => match &parameter.description {
                        Some(text) => format!(" {text}"),
                        None => format!(
                            " Sent as the `{}` {} parameter. {}",
                            parameter.name,
                            parameter.location,
                            super::docs::facts(&parameter.schema, schemas)
                        ),
                    },
                };
                query_fields.push(quote! { #[doc = #doc] pub #ident: #field_ty, });
                query_names.push(ident);
                passes.push(pass);
            }
            (other, _) => bail!("{}: parameters in `{other}` are not supported", op.id),
        }
    }
    let has_query = !query_fields.is_empty();
    if has_query {
        args.push(quote! { query: &#query_name });
    }

    let per_page = match &per_page_field {
        Some(field) => quote! { query.#field },
        None => quote! { None },
    };
    let super::shape::Returns {
        returns,
        finish,
        result,
    } = super::shape::returns(&op.id, &op.answer, raw, per_page)?;

    // Refused before the call starts: a value that would change the request's path.
    let check = (!path_checks.is_empty()).then(|| {
        quote! { crate::runtime::path::check(&#meta, &[#(#path_checks),*])?; }
    });

    let doc_lines = doc_lines(op);
    let permissions = op.permissions.iter().map(|p| quote! { #p });
    let groups = op.token_groups.iter().map(|g| quote! { #g });
    let (id, method, path) = (&op.id, &op.method, &op.path);
    let meta_doc = format!(" `{method} {path}`");

    let query_struct = has_query.then(|| {
        let doc = format!(" Optional parameters of [`Client::{id}`](crate::Client::{id}).");
        quote! {
            #[doc = #doc]
            #[derive(Clone, Debug, Default, PartialEq)]
            pub struct #query_name {
                #(#query_fields)*
            }
        }
    });

    let stream = match (op.is_paged(), &page_field, &per_page_field) {
        (true, Some(page), Some(per_page)) => {
            let all = format_ident!("{}_all", op.id);
            let item = vec_item(&result).context("paged operations return lists")?;
            let max = u32::try_from(op.max_per_page().unwrap_or(100)).unwrap_or(u32::MAX);
            let max_page = match op.max_page() {
                Some(page) => {
                    let page = u32::try_from(page).unwrap_or(u32::MAX);
                    quote! { ::std::option::Option::Some(#page) }
                }
                None => quote! { ::std::option::Option::None },
            };
            let cap = match op.max_page() {
                Some(page) => format!(
                    " The API serves at most {page} pages: when items remain past page {page}, the stream ends with an \
                     error of kind `Pagination`."
                ),
                None => String::new(),
            };
            let doc = format!(
                " Every item of [`Client::{id}`](crate::Client::{id}), fetched one page at a time as the stream is \
                 read (`{per_page}` defaults to {max}, the most the API allows). It stops after an empty or short page, \
                 at `total_pages` or `total_count`, and ends after the first error (a page repeating the one before \
                 it is one).{cap} The stream is `'static`: it owns a clone of the client and of its \
                 arguments, so it can outlive them and be moved to another task (`tokio::spawn`)."
            );
            Some(quote! {
                #[doc = #doc]
                pub fn #all(&self, #(#stream_args,)* query: #query_name) -> impl ::futures::Stream<Item = crate::Result<#item>> + ::std::marker::Send + use<> {
                    let client = ::std::clone::Clone::clone(self);
                    #(#stream_owned)*
                    let pages = crate::runtime::paginate::Pages {
                        operation: &#meta,
                        first_page: query.#page.unwrap_or(1),
                        per_page: query.#per_page.unwrap_or(#max),
                        max_page: #max_page,
                    };
                    crate::runtime::paginate::items(pages, move |page, per_page| {
                        let query = #query_name { #page: Some(page), #per_page: Some(per_page), ..query.clone() };
                        let client = ::std::clone::Clone::clone(&client);
                        #(#stream_clones)*
                        async move { client.#name(#(#stream_passes,)* &query).await }
                    })
                }
            })
        }
        _ => None,
    };

    // progenitor's type parameters, without its lifetimes: a binary body is any
    // `B: Into<reqwest::Body>`, and the facade passes it through.
    let type_params: Vec<&syn::TypeParam> = raw.sig.generics.type_params().collect();
    let generics = (!type_params.is_empty()).then(|| quote! { <#(#type_params),*> });
    let where_clause = &raw.sig.generics.where_clause;

    Ok(quote! {
        #[doc = #meta_doc]
        pub(crate) const #meta: crate::Operation = crate::Operation {
            id: #id,
            method: #method,
            path: #path,
            permissions: &[#(#permissions),*],
            token_groups: &[#(#groups),*],
        };

        #query_struct

        impl crate::Client {
            #(#[doc = #doc_lines])*
            pub async fn #name #generics (&self, #(#args),*) -> crate::Result<#returns> #where_clause {
                #check
                let call = self.call(&#meta);
                let result = call.progenitor().#name(#(#passes),*).await;
                call.#finish.await
            }

            #stream
        }
    })
}

fn doc_lines(op: &Operation) -> Vec<String> {
    let mut lines: Vec<String> = op.doc.lines().map(|l| format!(" {l}")).collect();
    lines.push(String::new());
    lines.push(format!(" `{} {}`", op.method, op.path));
    let mut needs = Vec::new();
    if !op.permissions.is_empty() {
        let list: Vec<String> = op.permissions.iter().map(|p| format!("`{p}`")).collect();
        needs.push(format!("the permission {}", list.join(" or ")));
    }
    if !op.token_groups.is_empty() {
        let list: Vec<String> = op.token_groups.iter().map(|g| format!("\"{g}\"")).collect();
        needs.push(format!(
            "an API token with the permission group {}",
            list.join(" or ")
        ));
    }
    if !needs.is_empty() {
        lines.push(String::new());
        lines.push(format!(" Needs {}.", needs.join(", granted by ")));
    }
    lines
}
