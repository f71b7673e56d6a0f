//! Every operation of the spec has behaviour tests in the `operations_*` files: a call of its
//! method, a check of its refusal, and a read of every page for the paged lists. An operation
//! added to the spec fails here until it gets them.

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::Value;

/// The operations the `operations_*` files test, by spec operation id. Kept by hand, so that
/// an operation that appears in (or leaves) the spec is noticed.
const TESTED: &[&str] = &[
    // operations_user_tokens.rs
    "permission_groups_list",
    "user_tokens_create",
    "user_tokens_delete",
    "user_tokens_get",
    "user_tokens_list",
    "user_tokens_roll",
    "user_tokens_update",
    "user_tokens_verify",
    // operations_access_service_tokens.rs
    "access_service_tokens_create",
    "access_service_tokens_delete",
    "access_service_tokens_get",
    "access_service_tokens_list",
    "access_service_tokens_refresh",
    "access_service_tokens_rotate",
    "access_service_tokens_update",
    // operations_ai_search_tokens.rs
    "ai_search_tokens_create",
    "ai_search_tokens_delete",
    "ai_search_tokens_get",
    "ai_search_tokens_list",
    "ai_search_tokens_update",
    // operations_ai_search_instances.rs
    "ai_search_instances_create",
    "ai_search_instances_delete",
    "ai_search_instances_get",
    "ai_search_instances_list",
    "ai_search_instances_update",
    "account_permission_groups_list",
    "account_tokens_create",
    "account_tokens_delete",
    "account_tokens_get",
    "account_tokens_list",
    "account_tokens_roll",
    "account_tokens_update",
    "account_tokens_verify",
    "ai_search_namespaces_list",
    "ai_search_namespaces_create",
    "ai_search_namespaces_get",
    "ai_search_namespaces_update",
    "ai_search_namespaces_delete",
    "ai_search_namespace_instances_list",
    "ai_search_namespace_instances_create",
    "ai_search_namespace_instances_get",
    "ai_search_namespace_instances_update",
    "ai_search_namespace_instances_delete",
    "ai_search_jobs_list",
    "ai_search_jobs_get",
    "ai_search_stats",
    "ai_search_search",
    "ai_search_namespace_jobs_list",
    "ai_search_namespace_jobs_get",
    "ai_search_namespace_stats",
    "ai_search_namespace_search",
    "r2_buckets_get",
    "r2_buckets_create",
];

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
    operations
}

/// The text of the `operations_*` test files other than this one.
fn test_sources() -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("the tests directory")
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| {
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            name.starts_with("operations_")
                && name.ends_with(".rs")
                && name != "operations_coverage.rs"
        })
        .collect();
    files.sort();
    assert!(files.len() >= 4, "the operations_* files: {files:?}");
    files
        .iter()
        .map(|path| std::fs::read_to_string(path).expect("a test file"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn the_tested_list_is_the_spec() {
    let spec: BTreeSet<String> = spec_operations().into_iter().map(|o| o.id).collect();
    let tested: BTreeSet<String> = TESTED.iter().map(|id| id.to_string()).collect();
    assert_eq!(TESTED.len(), tested.len(), "TESTED lists an id twice");
    let untested: Vec<_> = spec.difference(&tested).collect();
    let gone: Vec<_> = tested.difference(&spec).collect();
    assert!(
        untested.is_empty() && gone.is_empty(),
        "operations in the spec without tests: {untested:?}; tested but not in the spec: {gone:?}"
    );
}

#[test]
fn every_operation_is_called_refused_and_paged() {
    let sources = test_sources();
    let mut missing = Vec::new();
    for operation in spec_operations() {
        let id = &operation.id;
        // The method call (`.user_tokens_list(` does not match `.user_tokens_list_all(`).
        if !sources.contains(&format!(".{id}(")) {
            missing.push(format!("{id}: no call of Client::{id}"));
        }
        // The refusal check names the operation the error must report.
        if !sources.contains(&format!("assert_api_error(&error, \"{id}\"")) {
            missing.push(format!("{id}: no check of a refusal (assert_api_error)"));
        }
        if operation.paged && !sources.contains(&format!(".{id}_all(")) {
            missing.push(format!("{id}: no read of every page (Client::{id}_all)"));
        }
    }
    assert!(missing.is_empty(), "untested:\n{}", missing.join("\n"));
}
