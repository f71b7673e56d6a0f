//! `codegen/mock.rs`: progenitor's typed httpmock helpers, one per operation (feature `mock`).

use anyhow::Result;
use quote::{ToTokens, quote};
use syn::visit_mut::VisitMut;

use super::Files;

pub fn emit(mut mock: syn::File, files: &mut Files) -> Result<()> {
    ListQueryParams.visit_file_mut(&mut mock);
    OptionalBodies.visit_file_mut(&mut mock);
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

/// progenitor's helper for a list-typed query parameter matches `value.to_string()`, which a
/// list does not have: it matches each item instead (the client sends one `key=item` pair each).
/// progenitor's own output for other parameters is left as it is.
struct ListQueryParams;

impl VisitMut for ListQueryParams {
    fn visit_impl_item_fn_mut(&mut self, method: &mut syn::ImplItemFn) {
        let signature = method.sig.to_token_stream().to_string();
        if signature.contains("Vec <") {
            ListItems.visit_block_mut(&mut method.block);
        }
    }
}

struct ListItems;

impl VisitMut for ListItems {
    fn visit_expr_mut(&mut self, expr: &mut syn::Expr) {
        syn::visit_mut::visit_expr_mut(self, expr);
        let syn::Expr::MethodCall(call) = expr else {
            return;
        };
        let is_to_string_of_value = |arg: &syn::Expr| {
            matches!(arg, syn::Expr::MethodCall(inner)
                if inner.method == "to_string"
                    && matches!(&*inner.receiver, syn::Expr::Path(p) if p.path.is_ident("value")))
        };
        if call.method != "query_param"
            || call.args.len() != 2
            || !is_to_string_of_value(&call.args[1])
        {
            return;
        }
        let receiver = &call.receiver;
        let name = &call.args[0];
        // Each item as the client writes it: through serde (a date-time in RFC 3339, an enum as
        // its wire value), a string as itself.
        *expr = syn::parse_quote! {
            value.iter().fold(#receiver, |when, item| {
                let text = match ::serde_json::to_value(item) {
                    ::std::result::Result::Ok(::serde_json::Value::String(text)) => text,
                    ::std::result::Result::Ok(other) => other.to_string(),
                    ::std::result::Result::Err(_) => ::std::string::String::new(),
                };
                when.query_param(#name, text)
            })
        };
    }
}

/// progenitor's `body` helper of an operation whose body is optional takes `Option<&T>` and
/// passes it where httpmock wants `&T`, which does not compile: with `Some` it matches that
/// body; with `None` it leaves the body unmatched (httpmock cannot ask for none).
struct OptionalBodies;

impl VisitMut for OptionalBodies {
    fn visit_impl_item_fn_mut(&mut self, method: &mut syn::ImplItemFn) {
        if method.sig.ident != "body" {
            return;
        }
        let takes_an_option = method.sig.inputs.iter().any(|input| {
            let syn::FnArg::Typed(argument) = input else {
                return false;
            };
            let syn::Type::Path(path) = &*argument.ty else {
                return false;
            };
            path.path
                .segments
                .last()
                .is_some_and(|segment| segment.ident == "Option")
        });
        let passes_it_whole = method.block.to_token_stream().to_string()
            == quote!({ Self(self.0.json_body_obj(value)) }).to_string();
        if takes_an_option && passes_it_whole {
            method.block = syn::parse_quote!({
                match value {
                    ::std::option::Option::Some(value) => Self(self.0.json_body_obj(value)),
                    ::std::option::Option::None => self,
                }
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_optional_body_is_matched_only_when_given() {
        let mut file: syn::File = syn::parse_quote! {
            impl FlagWhen {
                pub fn body(self, value: Option<&types::FlagBody>) -> Self {
                    Self(self.0.json_body_obj(value))
                }
            }
            impl TokenWhen {
                pub fn body(self, value: &types::TokenBody) -> Self {
                    Self(self.0.json_body_obj(value))
                }
            }
        };
        OptionalBodies.visit_file_mut(&mut file);
        let expected: syn::File = syn::parse_quote! {
            impl FlagWhen {
                pub fn body(self, value: Option<&types::FlagBody>) -> Self {
                    match value {
                        ::std::option::Option::Some(value) => Self(self.0.json_body_obj(value)),
                        ::std::option::Option::None => self,
                    }
                }
            }
            impl TokenWhen {
                pub fn body(self, value: &types::TokenBody) -> Self {
                    Self(self.0.json_body_obj(value))
                }
            }
        };
        assert_eq!(
            prettyplease::unparse(&file),
            prettyplease::unparse(&expected)
        );
    }
}
