//! `mock.rs`: progenitor's typed httpmock helpers, one per operation (feature `mock`).
//!
//! Two of progenitor's helper shapes do not compile and are rewritten here. Each rewrite knows
//! the exact shape it replaces; a helper that needs it but has another shape (progenitor changed)
//! fails generation, naming the helper, instead of being left as it is.

use anyhow::{Result, bail};
use quote::{ToTokens, quote};
use serde_json::Value;
use syn::visit_mut::VisitMut;

use super::{Files, Input};

pub fn emit(input: &Input, mut mock: syn::File, files: &mut Files) -> Result<()> {
    let mut lists = ListQueryParams::default();
    lists.visit_file_mut(&mut mock);
    let mut bodies = OptionalBodies::default();
    bodies.visit_file_mut(&mut mock);
    check(list_query_params(input), &lists, &bodies)?;
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

/// How many query parameters of the spec are lists: each has one helper to rewrite.
fn list_query_params(input: &Input) -> usize {
    let operations = &input.api.operations;
    operations
        .iter()
        .flat_map(|operation| &operation.parameters)
        .filter(|p| {
            p.location == "query" && p.schema.get("type").and_then(Value::as_str) == Some("array")
        })
        .count()
}

/// Fails, naming each helper, unless every helper that needed a rewrite got it.
fn check(list_params: usize, lists: &ListQueryParams, bodies: &OptionalBodies) -> Result<()> {
    let mut problems = Vec::new();
    if lists.rewritten.len() != list_params {
        problems.push(format!(
            "the spec has {list_params} list-typed query parameters, but {} helpers were \
             rewritten ({:?})",
            lists.rewritten.len(),
            lists.rewritten
        ));
    }
    if !lists.unmatched.is_empty() {
        problems.push(format!(
            "list-parameter helpers without `query_param(name, value.to_string())`: {:?}",
            lists.unmatched
        ));
    }
    if !bodies.unmatched.is_empty() {
        problems.push(format!(
            "optional-body helpers without `Self(self.0.json_body_obj(value))`: {:?}",
            bodies.unmatched
        ));
    }
    if !problems.is_empty() {
        bail!(
            "progenitor's httpmock helpers no longer have the shape post-processing rewrites ({}); \
             update xtask/src/generate/output/mock.rs",
            problems.join("; ")
        );
    }
    Ok(())
}

/// The helper being visited, as `WhenType::method`, for errors.
fn helper_name(self_ty: &str, method: &syn::ImplItemFn) -> String {
    format!("{self_ty}::{}", method.sig.ident)
}

/// The type an `impl` block is for, as written.
fn self_type(item: &syn::ItemImpl) -> String {
    item.self_ty.to_token_stream().to_string()
}

/// progenitor's helper for a list-typed query parameter matches `value.to_string()`, which a
/// list does not have: it matches each item instead (the client sends one `key=item` pair each).
/// progenitor's own output for other parameters is left as it is.
#[derive(Default)]
struct ListQueryParams {
    self_ty: String,
    /// The helpers rewritten.
    rewritten: Vec<String>,
    /// Helpers taking a list whose body has no `query_param` call to rewrite.
    unmatched: Vec<String>,
}

impl VisitMut for ListQueryParams {
    fn visit_item_impl_mut(&mut self, item: &mut syn::ItemImpl) {
        self.self_ty = self_type(item);
        syn::visit_mut::visit_item_impl_mut(self, item);
    }

    fn visit_impl_item_fn_mut(&mut self, method: &mut syn::ImplItemFn) {
        // Requests are matched by progenitor's `…When` wrappers (its `…Then` ones build
        // answers), and a list body is matched whole by `body`: the rest take parameters.
        let signature = method.sig.to_token_stream().to_string();
        let is_parameter = self.self_ty.ends_with("When") && method.sig.ident != "body";
        if !is_parameter || !signature.contains("Vec <") {
            return;
        }
        let mut items = ListItems::default();
        items.visit_block_mut(&mut method.block);
        let name = helper_name(&self.self_ty, method);
        if items.rewritten == 0 {
            self.unmatched.push(name);
        } else {
            self.rewritten.push(name);
        }
    }
}

#[derive(Default)]
struct ListItems {
    rewritten: usize,
}

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
        self.rewritten += 1;
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
#[derive(Default)]
struct OptionalBodies {
    self_ty: String,
    /// `body` helpers taking an `Option` whose body is not the one rewritten.
    unmatched: Vec<String>,
}

impl VisitMut for OptionalBodies {
    fn visit_item_impl_mut(&mut self, item: &mut syn::ItemImpl) {
        self.self_ty = self_type(item);
        syn::visit_mut::visit_item_impl_mut(self, item);
    }

    fn visit_impl_item_fn_mut(&mut self, method: &mut syn::ImplItemFn) {
        if method.sig.ident != "body" || !takes_an_option(&method.sig) {
            return;
        }
        let passes_it_whole = method.block.to_token_stream().to_string()
            == quote!({ Self(self.0.json_body_obj(value)) }).to_string();
        if !passes_it_whole {
            self.unmatched.push(helper_name(&self.self_ty, method));
            return;
        }
        method.block = syn::parse_quote!({
            match value {
                ::std::option::Option::Some(value) => Self(self.0.json_body_obj(value)),
                ::std::option::Option::None => self,
            }
        });
    }
}

/// Whether a helper's argument is an `Option`.
fn takes_an_option(signature: &syn::Signature) -> bool {
    signature.inputs.iter().any(|input| {
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
    })
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
        let mut bodies = OptionalBodies::default();
        bodies.visit_file_mut(&mut file);
        assert!(bodies.unmatched.is_empty());
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

    #[test]
    fn a_list_parameter_is_matched_item_by_item_and_counted() {
        // Helpers that take no list parameter: a scalar one, an answer, a list body.
        let untouched = quote! {
            impl ListWhen {
                pub fn page(self, value: u32) -> Self {
                    Self(self.0.query_param("page", value.to_string()))
                }
            }
            impl ListThen {
                pub fn success(self, value: Vec<types::Item>) -> Self {
                    Self(self.0.json_body_obj(&value))
                }
            }
            impl ExcludeWhen {
                pub fn body(self, value: &Vec<types::Item>) -> Self {
                    Self(self.0.json_body_obj(value))
                }
            }
        };
        let mut file: syn::File = syn::parse_quote! {
            impl ListWhen {
                pub fn tags(self, value: Vec<String>) -> Self {
                    Self(self.0.query_param("tags", value.to_string()))
                }
            }
            #untouched
        };
        let mut lists = ListQueryParams::default();
        lists.visit_file_mut(&mut file);
        assert_eq!(lists.rewritten, ["ListWhen::tags"]);
        assert!(lists.unmatched.is_empty());
        let expected: syn::File = syn::parse_quote! {
            impl ListWhen {
                pub fn tags(self, value: Vec<String>) -> Self {
                    Self(value.iter().fold(self.0, |when, item| {
                        let text = match ::serde_json::to_value(item) {
                            ::std::result::Result::Ok(::serde_json::Value::String(text)) => text,
                            ::std::result::Result::Ok(other) => other.to_string(),
                            ::std::result::Result::Err(_) => ::std::string::String::new(),
                        };
                        when.query_param("tags", text)
                    }))
                }
            }
            #untouched
        };
        assert_eq!(
            prettyplease::unparse(&file),
            prettyplease::unparse(&expected)
        );
        check(1, &lists, &OptionalBodies::default()).unwrap();
    }

    #[test]
    fn a_helper_of_another_shape_fails_generation_naming_it() {
        let mut file: syn::File = syn::parse_quote! {
            impl ListWhen {
                pub fn tags(self, value: Vec<String>) -> Self {
                    Self(self.0.query_param_list("tags", value))
                }
            }
            impl FlagWhen {
                pub fn body(self, value: Option<&types::FlagBody>) -> Self {
                    Self(self.0.json_body_opt(value))
                }
            }
        };
        let mut lists = ListQueryParams::default();
        lists.visit_file_mut(&mut file);
        let mut bodies = OptionalBodies::default();
        bodies.visit_file_mut(&mut file);
        let message = check(1, &lists, &bodies).unwrap_err().to_string();
        for expected in [
            "the spec has 1 list-typed query parameters, but 0 helpers were rewritten",
            r#"without `query_param(name, value.to_string())`: ["ListWhen::tags"]"#,
            r#"without `Self(self.0.json_body_obj(value))`: ["FlagWhen::body"]"#,
            "update xtask/src/generate/output/mock.rs",
        ] {
            assert!(message.contains(expected), "{expected:?} not in {message}");
        }
    }
}
