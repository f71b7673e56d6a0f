//! Every operation of the spec has behaviour tests in the `operations` modules: a call of its
//! method, a check of its refusal, and a read of every page for the paged lists. The list of
//! operations comes from `spec/openapi.json`, so one added to the spec fails here until it gets
//! them. The test sources are parsed (with `syn`), and calls are looked for in the code: a call
//! in a comment, or in a string, does not count.

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::Value;
use syn::visit::Visit;

struct SpecOperation {
    id: String,
    paged: bool,
}

fn spec_operations() -> Vec<SpecOperation> {
    let spec: Value = cloudflare_tokens_tests::repo::spec();
    let mut operations = Vec::new();
    for item in spec["paths"].as_object().expect("paths").values() {
        for (method, operation) in item.as_object().expect("a path item") {
            if !matches!(
                method.as_str(),
                "get" | "put" | "post" | "delete" | "patch" | "head" | "options" | "trace"
            ) {
                continue;
            }
            let id = operation["operationId"]
                .as_str()
                .unwrap_or_else(|| panic!("an operation without operationId: {operation}"));
            // A list is paged when it takes a `page` query parameter: it has an `…_all` stream.
            let paged = operation["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|p| p["name"] == "page" && p["in"] == "query");
            operations.push(SpecOperation {
                id: id.to_string(),
                paged,
            });
        }
    }
    operations.sort_by(|a, b| a.id.cmp(&b.id));
    operations
}

/// What the code of some test sources calls.
#[derive(Debug, Default)]
struct Calls {
    /// Names of the methods called (`client.user_tokens_list(…)` → `user_tokens_list`).
    methods: BTreeSet<String>,
    /// The operation ids `assert_api_error(&error, "<id>", …)` checks (and the refusal table's).
    refusals: BTreeSet<String>,
}

impl<'ast> Visit<'ast> for Calls {
    fn visit_expr_method_call(&mut self, call: &'ast syn::ExprMethodCall) {
        self.methods.insert(call.method.to_string());
        syn::visit::visit_expr_method_call(self, call);
    }

    fn visit_expr_call(&mut self, call: &'ast syn::ExprCall) {
        if let syn::Expr::Path(path) = &*call.func
            && path
                .path
                .segments
                .last()
                .is_some_and(|s| s.ident == "assert_api_error")
            && let Some(syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(id),
                ..
            })) = call.args.iter().nth(1)
        {
            self.refusals.insert(id.value());
        }
        syn::visit::visit_expr_call(self, call);
    }

    /// The arguments of `assert!(…)`, `assert_eq!(…)`, `tokio::join!(…)` are code too: they are
    /// read as expressions separated by commas, where they parse as such.
    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        let parser = syn::punctuated::Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated;
        if let Ok(exprs) = mac.parse_body_with(parser) {
            for expr in &exprs {
                self.visit_expr(expr);
            }
        }
        syn::visit::visit_macro(self, mac);
    }
}

fn calls_in(source: &str) -> Calls {
    let file = syn::parse_file(source).expect("a test file parses");
    let mut calls = Calls::default();
    calls.visit_file(&file);
    calls
}

/// The calls in the `operations` test files other than this one (whose own test quotes calls
/// in a string).
fn test_calls() -> Calls {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/operations");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("the operations tests' directory")
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| {
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            name.ends_with(".rs") && name != "coverage.rs"
        })
        .collect();
    files.sort();
    let mut all = Calls::default();
    for path in &files {
        let source = std::fs::read_to_string(path).expect("a test file");
        let calls = calls_in(&source);
        all.methods.extend(calls.methods);
        all.refusals.extend(calls.refusals);
    }
    // The refusal table's tests call `Client::<id>` and `assert_api_error(&error, "<id>", …)`
    // through its macro, where the source spells neither out: its rows are read from the table.
    for (id, _, _) in super::refusals::TABLE {
        all.methods.insert(id.to_string());
        all.refusals.insert(id.to_string());
    }
    all
}

/// What is missing for each operation of the spec: its call, its refusal, its `…_all` read.
fn missing(operations: &[SpecOperation], calls: &Calls) -> Vec<String> {
    let mut missing = Vec::new();
    for operation in operations {
        let id = &operation.id;
        if !calls.methods.contains(id) {
            missing.push(format!("{id}: no call of Client::{id}"));
        }
        if !calls.refusals.contains(id) {
            missing.push(format!("{id}: no check of a refusal (assert_api_error)"));
        }
        let all = format!("{id}_all");
        if operation.paged && !calls.methods.contains(&all) {
            missing.push(format!("{id}: no read of every page (Client::{all})"));
        }
    }
    missing
}

#[test]
fn every_operation_is_called_refused_and_paged() {
    let operations = spec_operations();
    // The reader of the spec sees its operations (this test cannot pass on an empty list).
    let paged: Vec<&str> = operations
        .iter()
        .filter(|o| o.paged && o.id.starts_with("user_tokens"))
        .map(|o| o.id.as_str())
        .collect();
    assert_eq!(paged, ["user_tokens_list"]);
    let missing = missing(&operations, &test_calls());
    assert!(missing.is_empty(), "untested:\n{}", missing.join("\n"));
}

#[test]
fn calls_in_comments_strings_and_other_names_do_not_count() {
    let source = r#"
        async fn t(client: &Client) {
            // client.user_tokens_list(&query).await;
            /* client.user_tokens_get("id").await; */
            /// client.user_tokens_delete("id")
            let text = "client.user_tokens_roll(\"id\")";
            client.user_tokens_list_all(Default::default());
            // assert_api_error(&error, "user_tokens_verify", 403);
            assert_api_error(&error, "user_tokens_create", 403);
            assert!(client.permission_groups_list(&q).await.is_ok());
        }
    "#;
    let calls = calls_in(source);
    let ops = [
        "permission_groups_list",
        "user_tokens_create",
        "user_tokens_delete",
        "user_tokens_get",
        "user_tokens_list",
        "user_tokens_roll",
        "user_tokens_verify",
    ]
    .map(|id| SpecOperation {
        id: id.to_string(),
        paged: id == "user_tokens_list",
    });
    assert_eq!(
        missing(&ops, &calls),
        [
            "permission_groups_list: no check of a refusal (assert_api_error)",
            "user_tokens_create: no call of Client::user_tokens_create",
            "user_tokens_delete: no call of Client::user_tokens_delete",
            "user_tokens_delete: no check of a refusal (assert_api_error)",
            "user_tokens_get: no call of Client::user_tokens_get",
            "user_tokens_get: no check of a refusal (assert_api_error)",
            "user_tokens_list: no call of Client::user_tokens_list",
            "user_tokens_list: no check of a refusal (assert_api_error)",
            "user_tokens_roll: no call of Client::user_tokens_roll",
            "user_tokens_roll: no check of a refusal (assert_api_error)",
            "user_tokens_verify: no call of Client::user_tokens_verify",
            "user_tokens_verify: no check of a refusal (assert_api_error)",
        ]
    );
}
