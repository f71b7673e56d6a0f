//! What an operation's success answer carries, and what its method returns for it:
//!
//! | The answer | progenitor returns | The method returns |
//! | --- | --- | --- |
//! | Cloudflare's envelope around a result | `Envelope<T>` | `Response<T>`, or `Page<T>` for a list |
//! | the envelope without a result | `Envelope<Value>` | `Response<()>` |
//! | bare JSON | `T` | `Response<T>` |
//! | no body | `()` | `Response<()>` |
//! | not JSON (a file, a text) | `ByteStream` | `Response<bytes::Bytes>` |
//!
//! Each goes through the same call (retries, deadline, body limit, errors): only the last step,
//! from progenitor's value to ours, differs (the runtime's `call/finish.rs`: `finish`, `finish_page`,
//! `finish_unit`, `finish_bare`, `finish_bytes`).

use anyhow::{Context, Result, bail};
use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;
use syn::{GenericArgument, PathArguments, ReturnType, Type};

use crate::keywords::EnvelopePart;
use crate::trim::SCHEMAS;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// Cloudflare's envelope around a `result`: the envelope's model, and whether `result` is a
    /// list.
    Envelope { model: String, is_list: bool },
    /// The envelope without a `result`.
    NoResult,
    /// A JSON body that is the result itself.
    Bare,
    /// No body.
    Empty,
    /// A body that is not JSON.
    Raw,
}

impl Answer {
    /// The answer of operation `id` whose (first) success response is `response`.
    pub fn of(
        id: &str,
        response: Option<&Value>,
        schemas: &serde_json::Map<String, Value>,
    ) -> Result<Self> {
        let response =
            response.with_context(|| format!("operation {id} has no success response"))?;
        let Some(content) = response.get("content").and_then(Value::as_object) else {
            return Ok(Self::Empty);
        };
        let Some(json) = content.get("application/json") else {
            return Ok(Self::Raw);
        };
        let Some(reference) = json.pointer("/schema/$ref").and_then(Value::as_str) else {
            return Ok(Self::Bare);
        };
        let model = reference.strip_prefix(SCHEMAS).unwrap_or(reference);
        let schema = schemas
            .get(model)
            .with_context(|| format!("operation {id} refers to a missing model {model}"))?;
        if EnvelopePart::of(schema) != Some(EnvelopePart::Success) {
            return Ok(Self::Bare);
        }
        Ok(match schema.pointer("/properties/result") {
            Some(result) => Self::Envelope {
                model: model.to_string(),
                is_list: result.get("type") == Some(&Value::String("array".into())),
            },
            None => Self::NoResult,
        })
    }
}

/// The success response an operation is generated for, of `responses` (status → response):
/// the only one, or when upstream documents several (a 200 with JSON and a 202 without a body),
/// the first with JSON, else the first with a body, else the first. progenitor takes one type
/// for every success; an answer of another documented form fails to decode, as an error.
pub fn primary_success(responses: &serde_json::Map<String, Value>) -> Option<(&String, &Value)> {
    let success: Vec<(&String, &Value)> = responses
        .iter()
        .filter(|(s, _)| s.starts_with('2'))
        .collect();
    let has = |r: &Value, json: bool| {
        r.get("content")
            .and_then(Value::as_object)
            .is_some_and(|c| !json || c.contains_key("application/json"))
    };
    success
        .iter()
        .find(|(_, r)| has(r, true))
        .or_else(|| success.iter().find(|(_, r)| has(r, false)))
        .or_else(|| success.first())
        .copied()
}

/// What a facade method returns, and how it finishes the call.
pub struct Returns {
    /// The method's return type inside `crate::Result<…>`.
    pub returns: TokenStream,
    /// The `Call` method that finishes the call, applied to progenitor's `result`.
    pub finish: TokenStream,
    /// The result type (inside `Envelope<…>` for envelopes; `Vec<Item>` for lists).
    pub result: Type,
}

/// The return type and the finishing step of operation `id`'s method, from progenitor's method
/// `raw`. `per_page` is the page size the request asked for (for lists).
pub fn returns(
    id: &str,
    answer: &Answer,
    raw: &syn::ImplItemFn,
    per_page: TokenStream,
) -> Result<Returns> {
    let value = response_value(raw)?;
    let unit: Type = syn::parse_quote!(());
    Ok(match answer {
        Answer::Envelope { is_list, .. } => {
            let result = only_argument(&value, "Envelope").with_context(|| {
                format!(
                    "{id}: expected `Envelope` in progenitor's return type, found `{}`",
                    name(&value)
                )
            })?;
            match (is_list, only_argument(&result, "Vec")) {
                (true, Some(item)) => Returns {
                    returns: quote! { crate::Page<#item> },
                    finish: quote! { finish_page(result, #per_page) },
                    result,
                },
                _ => Returns {
                    returns: quote! { crate::Response<#result> },
                    finish: quote! { finish(result) },
                    result,
                },
            }
        }
        Answer::NoResult => Returns {
            returns: quote! { crate::Response<()> },
            finish: quote! { finish_unit(result) },
            result: unit,
        },
        Answer::Bare | Answer::Empty => Returns {
            returns: quote! { crate::Response<#value> },
            finish: quote! { finish_bare(result) },
            result: value,
        },
        Answer::Raw => {
            if name(&value) != "ByteStream" {
                bail!(
                    "{id}: expected progenitor's `ByteStream` for a body that is not JSON, found `{}`",
                    name(&value)
                );
            }
            Returns {
                returns: quote! { crate::Response<::bytes::Bytes> },
                finish: quote! { finish_bytes(result) },
                result: syn::parse_quote!(::bytes::Bytes),
            }
        }
    })
}

/// `T` of progenitor's `Result<ResponseValue<T>, Error<…>>`.
fn response_value(method: &syn::ImplItemFn) -> Result<Type> {
    let ReturnType::Type(_, ty) = &method.sig.output else {
        bail!("{}: progenitor's method returns nothing", method.sig.ident)
    };
    only_argument(ty, "Result")
        .and_then(|inner| only_argument(&inner, "ResponseValue"))
        .with_context(|| {
            format!(
                "{}: progenitor's method does not return `Result<ResponseValue<…>, …>`",
                method.sig.ident
            )
        })
}

fn name(ty: &Type) -> String {
    match ty {
        Type::Path(path) => path
            .path
            .segments
            .last()
            .map(|s| s.ident.to_string())
            .unwrap_or_default(),
        Type::Tuple(t) if t.elems.is_empty() => "()".into(),
        _ => "?".into(),
    }
}

/// `T` in `…::Outer<T, …>`, when the type is an `outer`.
pub(super) fn only_argument(ty: &Type, outer: &str) -> Option<Type> {
    let Type::Path(path) = ty else { return None };
    let segment = path.path.segments.last()?;
    if segment.ident != outer {
        return None;
    }
    let PathArguments::AngleBracketed(args) = &segment.arguments else {
        return None;
    };
    match args.args.first()? {
        GenericArgument::Type(inner) => Some(inner.clone()),
        _ => None,
    }
}
