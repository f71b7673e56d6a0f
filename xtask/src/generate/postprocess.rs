//! Where progenitor falls short of the client we want, the generated types are reshaped here
//! with `syn` and `quote`:
//!
//! - String enums get an `Unknown(String)` variant and infallible conversions, so a value Cloudflare
//!   adds later decodes instead of failing the call (and `""` gets the variant name `Empty`).
//! - Date-time fields decode through `crate::tolerant`, which accepts the forms Cloudflare's own
//!   documentation shows, not only RFC 3339.
//! - Fields that default when missing (lists, maps) also default when `null`; integers accept a
//!   whole number written as `10.0`; unknown fields are ignored in every model.
//! - Structs with required fields get a `new` constructor taking those, so that the many optional
//!   fields of a model like `AiSearchInstanceCreate` can be filled with `..Model::new(id)`. Required
//!   fields that share a type are taken by name (a `ModelRequired` struct), so a swap cannot compile.
//! - Doc comments get the leading space rustfmt-style comments have.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote};
use syn::{Attribute, Fields, Ident, Item, ItemEnum, ItemImpl, ItemStruct, Type};

use super::expect::{Found, Targets};

/// The `types` module after our rewrites.
pub struct Types {
    pub items: Vec<Item>,
    /// The `ModelRequired` structs this made (see [`constructor`]): each one's name and its
    /// model's. Computed here, where they are made, so the split and the docs need not guess
    /// them back from a name.
    pub required_structs: RequiredStructs,
}

/// `ModelRequired` struct name → model name.
pub type RequiredStructs = std::collections::BTreeMap<String, String>;

/// Rewrites the items of progenitor's `types` module, and fails unless every rewrite found each
/// of its `targets`.
pub fn types(items: Vec<Item>, targets: &Targets) -> anyhow::Result<Types> {
    let mut found = Found::default();
    let enums: Vec<(Ident, Vec<(Ident, String)>)> = items
        .iter()
        .filter_map(|item| match item {
            Item::Enum(e) => string_enum_values(e).map(|values| (e.ident.clone(), values)),
            _ => None,
        })
        .collect();
    let is_string_enum = |name: &Ident| enums.iter().any(|(n, _)| n == name);

    let mut out = Vec::new();
    let mut required_structs = RequiredStructs::new();
    let mut error_module = None;
    for item in items {
        match item {
            Item::Enum(e) if is_string_enum(&e.ident) => {
                let values = &enums
                    .iter()
                    .find(|(n, _)| *n == e.ident)
                    .expect("listed above")
                    .1;
                found.string_enums.insert(e.ident.to_string());
                out.extend(tolerant_enum(&e, values));
            }
            // typify's conversions of a string enum are replaced by ours.
            Item::Impl(i)
                if impl_target(&i).is_some_and(|t| is_string_enum(&t))
                    && is_conversion_impl(&i) => {}
            // Its `ConversionError` served only those conversions.
            // (A constrained type typify keeps, such as a patterned string, still needs it.)
            Item::Mod(m) if m.ident == "error" => {
                found.error_module = true;
                error_module = Some(Item::Mod(m));
            }
            Item::Struct(mut s) => {
                tolerate_fields(&mut s, &mut found);
                let (constructor, by_name) = constructor(&s);
                if let Some(by_name) = by_name {
                    required_structs.insert(by_name.to_string(), s.ident.to_string());
                }
                out.push(Item::Struct(s));
                out.extend(constructor);
            }
            other => out.push(other),
        }
    }
    if let Some(module) = error_module
        && out.iter().any(uses_error_module)
    {
        out.push(module);
    }
    targets.check(&found)?;
    Ok(Types {
        items: out,
        required_structs,
    })
}

/// Whether `item` names a path through typify's `error` module (`error::ConversionError`,
/// `self::error::…`), anywhere in it.
fn uses_error_module(item: &Item) -> bool {
    struct Finder(bool);
    impl<'ast> syn::visit::Visit<'ast> for Finder {
        fn visit_path(&mut self, path: &'ast syn::Path) {
            let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
            let through_error = segments
                .windows(2)
                .any(|pair| pair[0] == "error" && pair[1] == "ConversionError");
            self.0 |= through_error;
            syn::visit::visit_path(self, path);
        }
    }
    let mut finder = Finder(false);
    syn::visit::Visit::visit_item(&mut finder, item);
    finder.0
}

/// The variants and wire values of an enum whose variants are all unit variants (typify's form
/// of a string enum), or `None` for any other enum.
fn string_enum_values(e: &ItemEnum) -> Option<Vec<(Ident, String)>> {
    let mut values = Vec::new();
    for variant in &e.variants {
        if !matches!(variant.fields, Fields::Unit) {
            return None;
        }
        let wire = serde_rename(&variant.attrs).unwrap_or_else(|| variant.ident.to_string());
        let ident = if wire.is_empty() {
            Ident::new("Empty", Span::call_site())
        } else {
            variant.ident.clone()
        };
        values.push((ident, wire));
    }
    (!values.is_empty()).then_some(values)
}

pub(super) fn serde_rename(attrs: &[Attribute]) -> Option<String> {
    let mut rename = None;
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                let value: syn::LitStr = meta.value()?.parse()?;
                rename = Some(value.value());
            } else if meta.input.peek(syn::Token![=]) {
                let _: syn::Expr = meta.value()?.parse()?;
            }
            Ok(())
        });
    }
    rename
}

fn impl_target(i: &ItemImpl) -> Option<Ident> {
    match &*i.self_ty {
        Type::Path(p) => p.path.segments.last().map(|s| s.ident.clone()),
        _ => None,
    }
}

/// `Display`, `FromStr` and `TryFrom` impls: the ones typify writes for string enums.
fn is_conversion_impl(i: &ItemImpl) -> bool {
    let Some((trait_path, _)) = &i.trait_ else {
        return false;
    };
    let name = trait_path
        .segments
        .last()
        .map(|s| s.ident.to_string())
        .unwrap_or_default();
    matches!(name.as_str(), "Display" | "FromStr" | "TryFrom")
}

fn tolerant_enum(e: &ItemEnum, values: &[(Ident, String)]) -> Vec<Item> {
    let name = &e.ident;
    let docs: Vec<&Attribute> = e
        .attrs
        .iter()
        .filter(|a| a.path().is_ident("doc"))
        .collect();
    let taken = |candidate: &str| values.iter().any(|(ident, _)| ident == candidate);
    let unknown = if taken("Unknown") {
        format_ident!("UnknownValue")
    } else {
        format_ident!("Unknown")
    };
    let variants = values.iter().map(|(ident, wire)| {
        let doc = format!(" `{wire}`");
        quote! {
            #[doc = #doc]
            #[serde(rename = #wire)]
            #ident,
        }
    });
    let as_str_arms = values
        .iter()
        .map(|(ident, wire)| quote! { Self::#ident => #wire, });
    let from_arms = values
        .iter()
        .map(|(ident, wire)| quote! { #wire => Self::#ident, });
    let tokens: TokenStream = quote! {
        #(#docs)*
        #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Eq, Hash, Ord, PartialEq, PartialOrd)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            /// A value this version of the client does not know (Cloudflare added it later).
            #[serde(untagged)]
            #unknown(::std::string::String),
        }
        impl #name {
            /// The value as Cloudflare spells it.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#as_str_arms)*
                    Self::#unknown(value) => value.as_str(),
                }
            }
        }
        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl ::std::convert::From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #(#from_arms)*
                    other => Self::#unknown(other.to_string()),
                }
            }
        }
        impl ::std::convert::From<::std::string::String> for #name {
            fn from(value: ::std::string::String) -> Self {
                Self::from(value.as_str())
            }
        }
        impl ::std::str::FromStr for #name {
            type Err = ::std::convert::Infallible;
            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }
    };
    let file: syn::File = syn::parse2(tokens).expect("the tolerant enum template parses");
    file.items
}

fn type_string(ty: &Type) -> String {
    quote!(#ty).to_string().replace(' ', "")
}

const DATE_TIME: &str = "::chrono::DateTime<::chrono::offset::Utc>";

/// Adds tolerant decoding to the fields of a struct, counting what it rewrote in `found`.
fn tolerate_fields(s: &mut ItemStruct, found: &mut Found) {
    // Unknown fields are ignored everywhere, also in models typify closed (an empty body).
    let before = s.attrs.len();
    s.attrs.retain(|attr| !is_deny_unknown_fields(attr));
    if s.attrs.len() < before {
        found.closed_models.insert(s.ident.to_string());
    }
    let Fields::Named(fields) = &mut s.fields else {
        return;
    };
    for field in &mut fields.named {
        let ty = type_string(&field.ty);
        let defaults = has_serde_default(&field.attrs);
        let is_date_time = ty == DATE_TIME || ty == format!("::std::option::Option<{DATE_TIME}>");
        if is_date_time {
            found.date_times += 1;
        }
        let with = if ty == DATE_TIME {
            Some(quote! { #[serde(deserialize_with = "crate::runtime::tolerant::date_time")] })
        } else if ty == format!("::std::option::Option<{DATE_TIME}>") {
            Some(
                quote! { #[serde(default, deserialize_with = "crate::runtime::tolerant::option_date_time")] },
            )
        } else if ty == "i64" {
            Some(quote! { #[serde(deserialize_with = "crate::runtime::tolerant::integer")] })
        } else if ty == "::std::option::Option<i64>" {
            Some(
                quote! { #[serde(default, deserialize_with = "crate::runtime::tolerant::option_integer")] },
            )
        } else if defaults && !ty.starts_with("::std::option::Option<") {
            Some(
                quote! { #[serde(deserialize_with = "crate::runtime::tolerant::null_as_default")] },
            )
        } else {
            None
        };
        if let Some(with) = with {
            let attr: Attribute = syn::parse_quote!(#with);
            field.attrs.push(attr);
        }
    }
}

fn is_deny_unknown_fields(attr: &Attribute) -> bool {
    attr.path().is_ident("serde")
        && quote!(#attr).to_string().replace(' ', "") == "#[serde(deny_unknown_fields)]"
}

fn has_serde_default(attrs: &[Attribute]) -> bool {
    let mut found = false;
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("default") {
                found = true;
            }
            if meta.input.peek(syn::Token![=]) {
                let _: syn::Expr = meta.value()?.parse()?;
            }
            Ok(())
        });
    }
    found
}

/// `Model::new(required...)` for structs that have both required and optional fields.
///
/// A secret is taken as a `Secret`, never as anything that converts (a string literal in its
/// place would compile). Where every required field has a type of its own, they are arguments
/// (strings as anything that converts into one); where two share a type (two strings, say), a
/// swap would compile, so `new` takes them by name instead, in a `ModelRequired` struct, whose
/// name is returned beside the items.
fn constructor(s: &ItemStruct) -> (Vec<Item>, Option<Ident>) {
    let Fields::Named(fields) = &s.fields else {
        return (Vec::new(), None);
    };
    let mut required = Vec::new();
    let mut optional = Vec::new();
    for field in &fields.named {
        let Some(ident) = field.ident.clone() else {
            return (Vec::new(), None);
        };
        let ty = type_string(&field.ty);
        if ty.starts_with("::std::option::Option<") || has_serde_default(&field.attrs) {
            optional.push(ident);
        } else {
            let docs: Vec<Attribute> = field
                .attrs
                .iter()
                .filter(|a| a.path().is_ident("doc"))
                .cloned()
                .collect();
            required.push((ident, field.ty.clone(), ty, docs));
        }
    }
    if required.is_empty() || optional.is_empty() {
        return (Vec::new(), None);
    }
    let name = &s.ident;
    let mut types: Vec<&String> = required.iter().map(|(_, _, text, _)| text).collect();
    types.sort();
    let shared_type = types.windows(2).any(|pair| pair[0] == pair[1]);
    let by_name = shared_type.then(|| format_ident!("{name}Required"));
    let tokens = if let Some(named) = &by_name {
        let fields = required.iter().map(|(ident, ty, _, docs)| {
            quote! { #(#docs)* pub #ident: #ty, }
        });
        let idents: Vec<&Ident> = required.iter().map(|(ident, ..)| ident).collect();
        let doc = format!(
            " The required fields of a [`{name}`], by name: two of them have the same type, so \
             they are not taken by position, where a swap would compile."
        );
        let new_doc = format!(
            " A new `{name}`: the required fields set, by name, every optional field left out."
        );
        quote! {
            #[doc = #doc]
            #[derive(Clone, Debug, PartialEq)]
            pub struct #named {
                #(#fields)*
            }
            impl #name {
                #[doc = #new_doc]
                pub fn new(required: #named) -> Self {
                    let #named { #(#idents),* } = required;
                    Self {
                        #(#idents,)*
                        #(#optional: ::std::default::Default::default(),)*
                    }
                }
            }
            impl ::std::convert::From<#named> for #name {
                fn from(required: #named) -> Self {
                    Self::new(required)
                }
            }
        }
    } else {
        // Strings are taken as anything that converts, so literals work.
        let converts = |text: &str| text == "::std::string::String";
        let params = required.iter().map(|(ident, ty, text, _)| {
            if converts(text) {
                quote! { #ident: impl ::std::convert::Into<#ty> }
            } else {
                quote! { #ident: #ty }
            }
        });
        let inits = required.iter().map(|(ident, _, text, _)| {
            if converts(text) {
                quote! { #ident: #ident.into() }
            } else {
                quote! { #ident }
            }
        });
        let doc = match required.len() {
            1 => format!(" A new `{name}`: the required field set, every optional field left out."),
            _ => format!(
                " A new `{name}`: the required fields set (each of a type of its own, so no two \
                 can be swapped), every optional field left out."
            ),
        };
        quote! {
            impl #name {
                #[doc = #doc]
                pub fn new(#(#params),*) -> Self {
                    Self {
                        #(#inits,)*
                        #(#optional: ::std::default::Default::default(),)*
                    }
                }
            }
        }
    };
    let file: syn::File = syn::parse2(tokens).expect("the constructor template parses");
    (file.items, by_name)
}

/// Gives single-line doc comments a leading space, so `///text` prints as `/// text`.
pub fn space_doc_comments(file: &mut syn::File) {
    use syn::visit_mut::VisitMut;
    struct Docs;
    impl VisitMut for Docs {
        fn visit_attribute_mut(&mut self, attr: &mut Attribute) {
            if let syn::Meta::NameValue(nv) = &mut attr.meta
                && nv.path.is_ident("doc")
                && let syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) = &mut nv.value
            {
                let text = s.value();
                if !text.starts_with(' ') && !text.contains('\n') && !text.is_empty() {
                    *s = syn::LitStr::new(&format!(" {text}"), s.span());
                }
            }
        }
    }
    Docs.visit_file_mut(file);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_error_module_is_used_only_through_a_path_to_its_conversion_error() {
        let uses: Item = syn::parse_quote! {
            impl ::std::str::FromStr for Pattern {
                type Err = self::error::ConversionError;
                fn from_str(value: &str) -> Result<Self, self::error::ConversionError> {
                    Ok(Self(value.to_string()))
                }
            }
        };
        assert!(uses_error_module(&uses));
        let nested: Item = syn::parse_quote! {
            fn check() -> Option<Box<dyn Fn() -> Result<(), error::ConversionError>>> { None }
        };
        assert!(uses_error_module(&nested));
        // A mention in documentation, a string or another module's type is not a use.
        let mentions: Item = syn::parse_quote! {
            /// Fails with an error::ConversionError.
            struct Thing {
                label: &'static str,
                other: crate::error::Other,
                conversion: ConversionError,
            }
        };
        assert!(!uses_error_module(&mentions));
    }
}
