//! Operations of every shape Cloudflare's spec holds, each added by one overlay entry: answers
//! that are not envelopes, recursive schemas, bodies that are not JSON, and a shared error model
//! that adding operations never changes. These trim Cloudflare's published spec with the
//! committed overlay plus a few upstream operations, chosen for their shapes.

use std::path::Path;

use serde_json::{Value, json};
use xtask::overlay::{Operation, Overlay};

/// The committed overlay plus `extra` (`id`, `METHOD /path`, whether it takes a body), each in
/// an area of its own, trimmed with placeholder docs; with the generated files.
fn trim_with(
    extra: &[(&str, &str, bool)],
) -> Option<(
    Value,
    std::collections::BTreeMap<std::path::PathBuf, String>,
)> {
    let upstream = crate::common::upstream(xtask::workspace::CURRENT_UPSTREAM)?;
    let root = crate::common::repo_root();
    let mut overlay = Overlay::load(&root.join("spec/overlay.toml")).unwrap();
    for (id, upstream, body) in extra {
        let pascal = xtask::trim::pascal_case(id);
        overlay
            .areas
            .insert(id.to_string(), format!("The `{id}` area."));
        overlay.operations.push(Operation {
            id: id.to_string(),
            upstream: upstream.to_string(),
            area: id.to_string(),
            doc: format!("Test operation `{upstream}`."),
            result: format!("{pascal}Result"),
            body: body.then(|| format!("{pascal}Body")),
        });
    }
    let doc = xtask::load::load(&upstream).unwrap();
    let options = xtask::trim::Options {
        placeholder_docs: true,
        ..Default::default()
    };
    let trimmed = xtask::trim::trim(&doc, &overlay, options).unwrap_or_else(|e| panic!("{e}"));
    let text = xtask::trim::render(&trimmed.spec);
    let progenitor = xtask::generate::progenitor_version(&root).unwrap();
    let files =
        xtask::generate::check_and_render(Path::new("openapi.json"), text.as_bytes(), &progenitor)
            .unwrap_or_else(|e| panic!("{e:#}"));
    Some((trimmed.spec, files))
}

fn committed_spec() -> Value {
    let text =
        std::fs::read_to_string(crate::common::repo_root().join("spec/openapi.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn schema<'a>(spec: &'a Value, name: &str) -> &'a Value {
    spec.pointer(&format!("/components/schemas/{name}"))
        .unwrap_or_else(|| panic!("no model {name}"))
}

fn success<'a>(spec: &'a Value, path: &str, method: &str) -> (&'a String, &'a Value) {
    let responses = spec["paths"][path][method]["responses"]
        .as_object()
        .unwrap();
    responses
        .iter()
        .find(|(status, _)| status.starts_with('2'))
        .unwrap_or_else(|| panic!("{method} {path} has no success"))
}

fn methods<'a>(
    files: &'a std::collections::BTreeMap<std::path::PathBuf, String>,
    area: &str,
) -> &'a str {
    files
        .get(Path::new(&format!("methods/{area}.rs")))
        .unwrap_or_else(|| panic!("no methods/{area}.rs"))
}

#[test]
fn an_operation_whose_result_is_a_model_we_renamed_changes_no_existing_model() {
    // IAM's permission group list answers upstream's `iam_permission_group`, which token
    // policies name as `permission_groups` items: our overlay renames that model
    // `PolicyPermissionGroup`. The new operation's result is identical to it but must not take
    // its place (before, `TokenPolicy.permission_groups` became a list of the new model).
    let Some((spec, files)) = trim_with(&[(
        "iam_permission_groups",
        "GET /accounts/{account_id}/iam/permission_groups",
        false,
    )]) else {
        return;
    };
    let committed = committed_spec();
    for (name, model) in committed["components"]["schemas"].as_object().unwrap() {
        assert_eq!(schema(&spec, name), model, "model {name} changed");
    }
    let result = schema(&spec, "IamPermissionGroupsResult");
    assert_eq!(
        result["properties"],
        schema(&committed, "PolicyPermissionGroup")["properties"]
    );
    assert!(
        methods(&files, "iam_permission_groups").contains("pub async fn iam_permission_groups(")
    );
}

/// The signature of `Client::<name>` in the methods of area `name`.
fn signature(
    files: &std::collections::BTreeMap<std::path::PathBuf, String>,
    name: &str,
) -> syn::Signature {
    let file = syn::parse_file(methods(files, name)).unwrap();
    for item in file.items {
        let syn::Item::Impl(block) = item else {
            continue;
        };
        for member in block.items {
            if let syn::ImplItem::Fn(method) = member
                && method.sig.ident == name
            {
                return method.sig;
            }
        }
    }
    panic!("no method {name}");
}

/// A signature's arguments after `&self`, as tokens.
fn arguments(signature: &syn::Signature) -> Vec<String> {
    signature
        .inputs
        .iter()
        .filter_map(|input| match input {
            syn::FnArg::Typed(typed) => Some(quote::quote!(#typed).to_string()),
            syn::FnArg::Receiver(_) => None,
        })
        .collect()
}

#[test]
fn an_enum_with_values_its_type_does_not_allow_is_any_value() {
    // Registrar's `privacy_mode` is `type: string` with `enum: [false, "redaction"]`; typify
    // refuses such an enum, so the operation did not generate.
    let Some((spec, files)) = trim_with(&[(
        "registration_get",
        "GET /accounts/{account_id}/registrar-sandbox/registrations/{domain_name}",
        false,
    )]) else {
        return;
    };
    let model = schema(&spec, "RegistrationGetResult");
    assert_eq!(model["properties"]["privacy_mode"], json!({}));
    assert!(methods(&files, "registration_get").contains("pub async fn registration_get("));
}

#[test]
fn a_type_openapi_does_not_know_is_any_value() {
    // Workers KV's bulk get answers values and metadata of `type: unknown`, on which
    // progenitor gave up ("not yet implemented").
    let Some((spec, files)) = trim_with(&[(
        "kv_bulk_get",
        "POST /accounts/{account_id}/storage/kv/namespaces/{namespace_id}/bulk/get",
        true,
    )]) else {
        return;
    };
    let with_metadata = schema(&spec, "KvBulkGetResultVariant1ValuesValue");
    assert_eq!(with_metadata["properties"]["value"], json!({}));
    assert_eq!(with_metadata["properties"]["metadata"], json!({}));
    assert!(methods(&files, "kv_bulk_get").contains("pub async fn kv_bulk_get("));
}

#[test]
fn two_spellings_of_one_field_keep_the_one_that_is_its_name() {
    // Stream's webhook body takes `notification_url` or `notificationUrl` (an `anyOf` of the
    // two requirements, which made the body a union of empty variants): both are the Rust
    // field `notification_url`, which typify declared twice.
    let Some((spec, files)) = trim_with(&[(
        "stream_webhook",
        "PUT /accounts/{account_id}/stream/webhook",
        true,
    )]) else {
        return;
    };
    let body = schema(&spec, "StreamWebhookBody");
    let names: Vec<&String> = body["properties"].as_object().unwrap().keys().collect();
    assert_eq!(names, ["notification_url"]);
    assert_eq!(body.get("required"), None);
    assert_eq!(body.get("oneOf"), None);
    assert!(methods(&files, "stream_webhook").contains("pub async fn stream_webhook("));
}

#[test]
fn a_protocol_upgrade_is_a_named_limitation() {
    // Browser Rendering's devtools session answers 101 (a WebSocket): progenitor's assertion
    // `response_types.len() <= 1` was all one learnt.
    let Some(upstream) = crate::common::upstream(xtask::workspace::CURRENT_UPSTREAM) else {
        return;
    };
    let root = crate::common::repo_root();
    let mut overlay = Overlay::load(&root.join("spec/overlay.toml")).unwrap();
    overlay.operations.push(Operation {
        id: "devtools".into(),
        upstream: "GET /accounts/{account_id}/browser-rendering/devtools/browser/{session_id}"
            .into(),
        area: "user_tokens".into(),
        doc: "Test.".into(),
        result: "DevtoolsResult".into(),
        body: None,
    });
    let doc = xtask::load::load(&upstream).unwrap();
    let options = xtask::trim::Options {
        placeholder_docs: true,
        ..Default::default()
    };
    let Err(error) = xtask::trim::trim(&doc, &overlay, options) else {
        panic!("a 101 answer is refused");
    };
    assert_eq!(
        error.limitation,
        Some(xtask::load::Limitation::ProtocolUpgrade)
    );
    let error = error.to_string();
    assert!(
        error.contains("#/paths/~1accounts~1{account_id}~1browser-rendering~1devtools~1browser~1{session_id}/get/responses/101"),
        "{error}"
    );
    assert!(error.contains("answers `101`"), "{error}");
    assert!(
        error.ends_with(" [limitation: protocol upgrade]"),
        "{error}"
    );
}

#[test]
fn a_binary_body_is_any_body_reqwest_can_send() {
    // DLP's dataset upload takes `application/octet-stream`: progenitor's method is generic
    // over the body, and so is ours.
    let Some((_, files)) = trim_with(&[(
        "dataset_upload",
        "POST /accounts/{account_id}/dlp/datasets/{dataset_id}/versions/{version}/entries/{entry_id}",
        true,
    )]) else {
        return;
    };
    let signature = signature(&files, "dataset_upload");
    let generics = &signature.generics;
    assert_eq!(
        quote::quote!(#generics).to_string(),
        "< B : Into < reqwest :: Body > >"
    );
    assert_eq!(arguments(&signature).last().unwrap(), "body : B");
}

#[test]
fn a_parameter_named_like_an_argument_of_ours_is_passed_under_another_name() {
    // Cloudforce One's rule search takes a required `query` parameter beside optional ones,
    // which go in the method's `query` struct: the parameter becomes `query_parameter`.
    let Some((_, files)) = trim_with(&[(
        "rule_search",
        "GET /accounts/{account_id}/cloudforce-one/rules/search",
        false,
    )]) else {
        return;
    };
    assert_eq!(
        arguments(&signature(&files, "rule_search")),
        [
            "account_id : & str",
            "query_parameter : & str",
            "query : & RuleSearchQuery"
        ]
    );
}

#[test]
fn operations_with_other_error_and_message_shapes_change_no_existing_model() {
    // Devices: an error `result` that is an array (ours says object). R2: `errors` and
    // `messages` of R2's own schemas (its messages are plain strings).
    let Some((spec, _)) = trim_with(&[
        (
            "devices_exclude",
            "GET /accounts/{account_id}/devices/policy/exclude",
            false,
        ),
        ("r2_buckets", "GET /accounts/{account_id}/r2/buckets", false),
    ]) else {
        return;
    };
    let committed = committed_spec();
    for (name, model) in committed["components"]["schemas"].as_object().unwrap() {
        assert_eq!(schema(&spec, name), model, "model {name} changed");
    }
    // The error model is pinned: it is ours, whatever upstream writes.
    let message = json!({ "$ref": "#/components/schemas/ResponseMessage" });
    assert_eq!(
        schema(&committed, "ErrorEnvelope"),
        &json!({
            "description": "Cloudflare's envelope around a failed call: `success` is false and `errors` says why.",
            "type": "object",
            "required": ["success", "errors"],
            "properties": {
                "errors": { "type": "array", "items": message },
                "messages": { "type": "array", "items": message },
                "result": { "nullable": true, "type": "object" },
                "success": { "enum": [false], "type": "boolean" },
            },
            "x-envelope": "error",
        })
    );
    // R2's envelope names our message model, which `crate::Message` reads strings into.
    let (_, ok) = success(&spec, "/accounts/{account_id}/r2/buckets", "get");
    let envelope = ok["content"]["application/json"]["schema"]["$ref"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap();
    assert_eq!(
        schema(&spec, envelope)["properties"]["messages"],
        json!({ "type": "array", "items": message })
    );
    let error = &spec["paths"]["/accounts/{account_id}/devices/policy/exclude"]["get"]["responses"]
        ["4XX"]["content"]["application/json"]["schema"];
    assert_eq!(
        error,
        &json!({ "$ref": "#/components/schemas/ErrorEnvelope" })
    );
}

#[test]
fn answers_that_are_not_envelopes_return_their_own_body_or_nothing() {
    let Some((spec, files)) = trim_with(&[
        // `{success, errors, messages}` without a result.
        (
            "stripe_delete",
            "DELETE /accounts/{account_id}/pay-per-crawl/publisher/stripe",
            false,
        ),
        // A bare JSON object.
        ("cnis_list", "GET /accounts/{account_id}/cni/cnis", false),
        // No success documented at all.
        ("ready", "GET /ready", false),
    ]) else {
        return;
    };
    let (_, ok) = success(
        &spec,
        "/accounts/{account_id}/pay-per-crawl/publisher/stripe",
        "delete",
    );
    let envelope = schema(&spec, "StripeDeleteResultEnvelope");
    assert_eq!(envelope["x-envelope"], "success");
    assert!(envelope["properties"].get("result").is_none(), "{envelope}");
    assert_eq!(
        ok["description"],
        "Success: Cloudflare's envelope, without a result."
    );
    assert!(
        methods(&files, "stripe_delete").contains("crate::Result<crate::Response<()>>"),
        "{}",
        methods(&files, "stripe_delete")
    );

    let (_, ok) = success(&spec, "/accounts/{account_id}/cni/cnis", "get");
    assert_eq!(
        ok["content"]["application/json"]["schema"],
        json!({ "$ref": "#/components/schemas/CnisListResult" })
    );
    assert!(schema(&spec, "CnisListResult").get("x-envelope").is_none());
    assert!(
        methods(&files, "cnis_list")
            .contains("crate::Result<crate::Response<types::CnisListResult>>"),
        "{}",
        methods(&files, "cnis_list")
    );

    let (status, ok) = success(&spec, "/ready", "get");
    assert_eq!(status, "2XX");
    assert_eq!(
        ok["content"],
        json!({ "*/*": { "schema": { "type": "string", "format": "binary" } } })
    );
    assert!(
        methods(&files, "ready").contains("crate::Result<crate::Response<::bytes::Bytes>>"),
        "{}",
        methods(&files, "ready")
    );
}

/// The models `value` refers to directly.
fn references(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, inner) in map {
                match (key.as_str(), inner.as_str()) {
                    ("$ref", Some(r)) => {
                        out.extend(r.strip_prefix("#/components/schemas/").map(str::to_string))
                    }
                    _ => references(inner, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| references(v, out)),
        _ => {}
    }
}

/// Whether model `name` is reached again by following references from it.
fn is_recursive(models: &serde_json::Map<String, Value>, name: &str) -> bool {
    let mut seen = std::collections::BTreeSet::new();
    let mut pending = Vec::new();
    references(&models[name], &mut pending);
    while let Some(next) = pending.pop() {
        if next == name {
            return true;
        }
        if seen.insert(next.clone())
            && let Some(model) = models.get(&next)
        {
            references(model, &mut pending);
        }
    }
    false
}

#[test]
fn recursive_schemas_become_models_that_refer_to_themselves() {
    // Workers observability's filter node: a union whose first form holds a list of filter
    // nodes.
    let Some((spec, files)) = trim_with(&[(
        "queries_list",
        "GET /accounts/{account_id}/workers/observability/queries",
        false,
    )]) else {
        return;
    };
    let models = spec["components"]["schemas"].as_object().unwrap();
    let recursive: Vec<&String> = models
        .iter()
        .filter(|(name, _)| is_recursive(models, name))
        .map(|(name, _)| name)
        .collect();
    assert!(!recursive.is_empty(), "no model refers to itself");
    let types = files
        .iter()
        .filter(|(path, _)| path.starts_with("types"))
        .map(|(_, text)| text.as_str())
        .collect::<String>();
    // Each is a Rust type of its own (typify boxes the recursion where a `Vec` does not).
    for name in recursive {
        let rust = xtask::generate::rust_name(name);
        assert!(
            types.contains(&format!("pub struct {rust} "))
                || types.contains(&format!("pub enum {rust} ")),
            "no type {rust}"
        );
    }
}

#[test]
fn a_path_parameter_upstream_marks_nullable_is_a_plain_argument() {
    // The LOA document's id schema is `nullable` (it also describes a field); a path segment
    // is never null, and an `Option` argument would not fit in the path.
    let path = "/accounts/{account_id}/addressing/loa_documents/{loa_document_id}/download";
    let Some((spec, files)) = trim_with(&[("loa_download", &format!("GET {path}"), false)]) else {
        return;
    };
    let parameters = spec["paths"][path]["get"]["parameters"].as_array().unwrap();
    let loa = parameters
        .iter()
        .find(|p| p["name"] == "loa_document_id")
        .expect("the id is a parameter");
    assert_eq!(loa["required"], json!(true));
    assert_eq!(loa["schema"], json!({"maxLength": 32, "type": "string"}));
    let methods = methods(&files, "loa_download");
    assert!(methods.contains("loa_document_id: &str"), "{methods}");
}

#[test]
fn the_sample_can_pick_named_operations_to_reproduce_a_failure() {
    let Some(upstream) = crate::common::upstream(xtask::workspace::CURRENT_UPSTREAM) else {
        return;
    };
    let doc = xtask::load::load(&upstream).unwrap();
    let overlay = Overlay::load(&crate::common::repo_root().join("spec/overlay.toml")).unwrap();
    let wanted = ["post /zones/{zone_id}/logs/control/retention/flag".to_string()];
    let picked = xtask::sample::pick(&doc, &overlay, &wanted).unwrap();
    assert_eq!(picked.len(), 1);
    assert_eq!(
        picked[0].upstream,
        "POST /zones/{zone_id}/logs/control/retention/flag"
    );
    assert!(picked[0].id.starts_with("s_"), "{}", picked[0].id);
    // One the overlay has already, or none upstream has, is an error naming it.
    for missing in ["GET /user/tokens", "GET /nowhere"] {
        let error = xtask::sample::pick(&doc, &overlay, &[missing.to_string()]).unwrap_err();
        assert_eq!(
            error.to_string(),
            format!("`{missing}` is not an upstream operation the overlay lacks")
        );
    }
}

#[test]
fn a_page_parameter_that_is_not_a_number_keeps_its_type_and_no_stream() {
    // Page Shield's `page` is a string (it also takes "all"): it is no page number the client
    // could count with, so it stays a string field and the list has no `…_all` stream.
    let path = "/zones/{zone_id}/page_shield/connections";
    let Some((spec, files)) = trim_with(&[("connections_list", &format!("GET {path}"), false)])
    else {
        return;
    };
    let parameters = spec["paths"][path]["get"]["parameters"].as_array().unwrap();
    let role = |name: &str| {
        parameters
            .iter()
            .find(|p| p["name"] == name)
            .unwrap_or_else(|| panic!("no {name}"))
            .get("x-role")
            .cloned()
    };
    assert_eq!(role("page"), None);
    assert_eq!(role("per_page"), Some(json!("per-page")));
    let methods = methods(&files, "connections_list");
    assert!(
        methods.contains("pub page: ::std::option::Option<::std::string::String>"),
        "{methods}"
    );
    assert!(!methods.contains("fn connections_list_all"), "{methods}");
}
