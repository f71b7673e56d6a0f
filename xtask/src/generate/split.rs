//! Splits progenitor's single file into modules by area, so that a change to one model or one
//! operation shows up as a diff in one file.

use std::collections::BTreeMap;

use anyhow::{Context, Result, bail};
use quote::quote;
use syn::{ImplItem, Item, ItemImpl, Type};

use super::api::{Api, SHARED};
use super::expect::Targets;
use super::postprocess;

/// Progenitor's output, taken apart.
pub struct Parts {
    /// Items of `types` that belong to no single model (the `error` module, ...).
    pub types_common: Vec<Item>,
    /// Model items by area.
    pub types_by_area: BTreeMap<String, Vec<Item>>,
    /// progenitor client's own items (struct, constructors, trait impls, imports).
    pub progenitor_common: Vec<Item>,
    /// Operation methods by area.
    pub methods_by_area: BTreeMap<String, Vec<ImplItem>>,
    /// Every operation method, by operation id (for the facade).
    pub methods: BTreeMap<String, syn::ImplItemFn>,
    /// The `ModelRequired` structs and their models (for the docs).
    pub required_structs: postprocess::RequiredStructs,
}

pub fn split(file: syn::File, api: &Api, targets: &Targets) -> Result<Parts> {
    let mut parts = Parts {
        types_common: Vec::new(),
        types_by_area: BTreeMap::new(),
        progenitor_common: Vec::new(),
        methods_by_area: BTreeMap::new(),
        methods: BTreeMap::new(),
        required_structs: postprocess::RequiredStructs::new(),
    };
    let op_areas: BTreeMap<&str, &str> = api
        .operations
        .iter()
        .map(|o| (o.id.as_str(), o.area.as_str()))
        .collect();
    for item in file.items {
        match item {
            Item::Mod(module) if module.ident == "types" => {
                let (_, items) = module
                    .content
                    .context("progenitor's types module has no body")?;
                let types = postprocess::types(items, targets)?;
                for item in types.items {
                    match model_names(&item) {
                        names if names.is_empty() => parts.types_common.push(item),
                        names => {
                            // The first name that is a model of ours decides; an impl for a
                            // foreign type (`From<Model> for Map`) goes with its model.
                            let area = names
                                .iter()
                                .find_map(|n| {
                                    // A `ModelRequired` struct goes with its model.
                                    let model = types.required_structs.get(n).unwrap_or(n);
                                    api.model_areas.get(model)
                                })
                                .cloned()
                                .unwrap_or_else(|| SHARED.to_string());
                            parts.types_by_area.entry(area).or_default().push(item);
                        }
                    }
                }
                parts.required_structs = types.required_structs;
            }
            // Unused by the client, and `new` builds a reqwest client with `unwrap()`.
            Item::Mod(module) if module.ident == "prelude" => {}
            Item::Impl(block) if is_operations_impl(&block, &op_areas) => {
                for member in block.items {
                    let ImplItem::Fn(method) = member else {
                        bail!("unexpected item in progenitor's operations impl");
                    };
                    let id = method.sig.ident.to_string();
                    let Some(area) = op_areas.get(id.as_str()) else {
                        bail!("progenitor generated method `{id}` for no operation of the spec");
                    };
                    parts.methods.insert(id, method.clone());
                    parts
                        .methods_by_area
                        .entry((*area).to_string())
                        .or_default()
                        .push(ImplItem::Fn(method));
                }
            }
            Item::Impl(mut block) if is_inherent_client_impl(&block) => {
                // Drop `Client::new`: the facade builds raw clients with `new_with_client`.
                block
                    .items
                    .retain(|i| !matches!(i, ImplItem::Fn(f) if f.sig.ident == "new"));
                parts.progenitor_common.push(Item::Impl(block));
            }
            other => parts.progenitor_common.push(other),
        }
    }
    Ok(parts)
}

/// The models an item of `types` may be about: a struct or enum, or for an impl the type it is
/// for, then the types its trait names.
fn model_names(item: &Item) -> Vec<String> {
    let last = |path: &syn::Path| path.segments.last().map(|s| s.ident.to_string());
    match item {
        Item::Struct(s) => vec![s.ident.to_string()],
        Item::Enum(e) => vec![e.ident.to_string()],
        Item::Type(t) => vec![t.ident.to_string()],
        Item::Impl(i) => {
            let mut names: Vec<String> = match &*i.self_ty {
                Type::Path(p) => last(&p.path).into_iter().collect(),
                _ => Vec::new(),
            };
            if let Some((trait_path, _)) = &i.trait_ {
                for segment in &trait_path.segments {
                    if let syn::PathArguments::AngleBracketed(args) = &segment.arguments {
                        for arg in &args.args {
                            if let syn::GenericArgument::Type(Type::Path(p)) = arg {
                                names.extend(last(&p.path));
                            }
                        }
                    }
                }
            }
            names
        }
        _ => Vec::new(),
    }
}

fn is_client(ty: &Type) -> bool {
    matches!(ty, Type::Path(p) if p.path.is_ident("Client"))
}

fn is_inherent_client_impl(block: &ItemImpl) -> bool {
    block.trait_.is_none() && is_client(&block.self_ty)
}

fn is_operations_impl(block: &ItemImpl, op_areas: &BTreeMap<&str, &str>) -> bool {
    is_inherent_client_impl(block)
        && block
            .items
            .iter()
            .any(|i| matches!(i, ImplItem::Fn(f) if op_areas.contains_key(f.sig.ident.to_string().as_str())))
}

/// The attributes progenitor puts on its operations impl, kept on each area's impl.
pub fn operations_impl(methods: &[ImplItem]) -> Item {
    syn::parse2(quote! {
        #[allow(clippy::all)]
        impl Client {
            #(#methods)*
        }
    })
    .expect("an impl block of methods parses")
}
