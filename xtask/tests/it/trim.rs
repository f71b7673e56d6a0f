//! The trimmer end to end: `cargo xtask trim` (through `xtask::cli::run`) and `xtask::trim::trim`
//! on a small hand-written spec that has Cloudflare's quirks (`xtask/tests/fixtures/trim/`), and
//! on Cloudflare's real published descriptions (found as `xtask::workspace::upstream_dir` says).

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsString;
use std::path::Path;

use serde_json::{Value, json};

use crate::common::{LIST, fixture, repo_root, upstream};

// ---------------------------------------------------------------------------------------------
// Helpers

/// What one `cargo xtask ...` run printed and returned.
struct Run {
    code: u8,
    out: String,
    err: String,
}

impl std::fmt::Display for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "exit {}\n--- stdout\n{}\n--- stderr\n{}",
            self.code, self.out, self.err
        )
    }
}

fn xtask<S: Into<OsString>>(args: impl IntoIterator<Item = S>) -> Run {
    let mut argv: Vec<OsString> = vec!["xtask".into()];
    argv.extend(args.into_iter().map(Into::into));
    let mut out = Vec::new();
    let mut err = Vec::new();
    let code = xtask::cli::run(argv, &mut out, &mut err);
    Run {
        code,
        out: String::from_utf8(out).expect("stdout is UTF-8"),
        err: String::from_utf8(err).expect("stderr is UTF-8"),
    }
}

/// `cargo xtask trim --upstream UPSTREAM --out OUT --overlay OVERLAY EXTRA...`.
fn trim_cli(upstream: &Path, overlay: &Path, out: &Path, extra: &[&str]) -> Run {
    let mut args: Vec<OsString> = vec![
        "trim".into(),
        "--upstream".into(),
        upstream.into(),
        "--out".into(),
        out.into(),
        "--overlay".into(),
        overlay.into(),
    ];
    args.extend(extra.iter().map(OsString::from));
    xtask(args)
}

/// Trims `upstream` with the fixture overlay into a fresh directory; returns the spec's bytes.
fn trim_fixture_text(upstream: &Path) -> String {
    let dir = tempfile::tempdir().unwrap();
    let run = trim_cli(upstream, &fixture("overlay.toml"), dir.path(), &[]);
    assert_eq!(run.code, 0, "{run}");
    std::fs::read_to_string(dir.path().join("openapi.json")).unwrap()
}

/// The fixture spec, trimmed with the fixture overlay.
fn trimmed() -> Value {
    serde_json::from_str(&trim_fixture_text(&fixture("upstream.json"))).unwrap()
}

fn schema<'a>(spec: &'a Value, name: &str) -> &'a Value {
    spec.pointer(&format!("/components/schemas/{name}"))
        .unwrap_or_else(|| panic!("no model {name} in the trimmed spec"))
}

fn model_names(spec: &Value) -> BTreeSet<String> {
    spec["components"]["schemas"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect()
}

fn reference(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

const ONE: &str = "/accounts/{account_id}/widgets/{widget_id}";

/// Every operation of a spec: (path, method, operation).
fn operations(spec: &Value) -> Vec<(String, String, &Value)> {
    let mut ops = Vec::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            ops.push((path.clone(), method.clone(), op));
        }
    }
    ops
}

/// Every `(pointer, key, value)` of every object in `value`.
fn walk<'a>(value: &'a Value, at: String, found: &mut Vec<(String, String, &'a Value)>) {
    match value {
        Value::Object(map) => {
            for (key, inner) in map {
                found.push((at.clone(), key.clone(), inner));
                walk(inner, format!("{at}/{key}"), found);
            }
        }
        Value::Array(items) => {
            for (i, inner) in items.iter().enumerate() {
                walk(inner, format!("{at}/{i}"), found);
            }
        }
        _ => {}
    }
}

fn entries(value: &Value) -> Vec<(String, String, &Value)> {
    let mut found = Vec::new();
    walk(value, String::new(), &mut found);
    found
}

/// A gzip file holding `data` in stored (uncompressed) deflate blocks. flate2 is not a
/// dependency of the tests, and the format is simple enough to write by hand; the real upstream
/// tests below read genuinely compressed files.
fn gzip_stored(data: &[u8]) -> Vec<u8> {
    let mut crc_table = [0u32; 256];
    for (n, entry) in crc_table.iter_mut().enumerate() {
        let mut c = n as u32;
        for _ in 0..8 {
            c = if c & 1 != 0 {
                0xEDB8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
        }
        *entry = c;
    }
    let crc = !data.iter().fold(!0u32, |c, &b| {
        crc_table[((c ^ u32::from(b)) & 0xff) as usize] ^ (c >> 8)
    });
    let mut out = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255];
    let mut chunks = data.chunks(0xffff).peekable();
    if chunks.peek().is_none() {
        out.extend([1, 0, 0, 0xff, 0xff]);
    }
    while let Some(chunk) = chunks.next() {
        out.push(u8::from(chunks.peek().is_none()));
        let len = chunk.len() as u16;
        out.extend(len.to_le_bytes());
        out.extend((!len).to_le_bytes());
        out.extend(chunk);
    }
    out.extend(crc.to_le_bytes());
    out.extend((data.len() as u32).to_le_bytes());
    out
}

/// Checks that in pretty-printed JSON the keys of every object come in sorted order.
fn assert_keys_sorted(text: &str) {
    // Keys at one indentation belong to one object until a line with less indentation ends it.
    let mut last: BTreeMap<usize, String> = BTreeMap::new();
    for (n, line) in text.lines().enumerate() {
        let indent = line.len() - line.trim_start().len();
        last.retain(|&i, _| i <= indent);
        let rest = line.trim_start();
        let Some(rest) = rest.strip_prefix('"') else {
            continue;
        };
        let Some((key, _)) = rest.split_once("\": ") else {
            continue;
        };
        if let Some(previous) = last.get(&indent) {
            assert!(
                previous.as_str() < key,
                "line {}: key `{key}` comes after `{previous}`",
                n + 1
            );
        }
        last.insert(indent, key.to_string());
    }
}

// ---------------------------------------------------------------------------------------------
// The fixture spec

#[test]
fn operations_get_our_ids_and_only_allowlisted_ones_are_kept() {
    let spec = trimmed();
    let mut ids: Vec<(String, String, String)> = operations(&spec)
        .into_iter()
        .map(|(path, method, op)| (path, method, op["operationId"].as_str().unwrap().into()))
        .collect();
    ids.sort();
    // The list operation has no operationId upstream, the others have upstream's; all get ours.
    let expected = [
        (LIST, "get", "widgets_list"),
        (LIST, "post", "widgets_create"),
        (ONE, "delete", "widgets_delete"),
        (ONE, "get", "widgets_get"),
    ];
    let mut expected: Vec<(String, String, String)> = expected
        .iter()
        .map(|(p, m, i)| (p.to_string(), m.to_string(), i.to_string()))
        .collect();
    expected.sort();
    assert_eq!(ids, expected);
    for (_, _, op) in operations(&spec) {
        assert_eq!(
            op["tags"],
            json!(["widgets"]),
            "the overlay's area is the tag"
        );
    }
}

#[test]
fn accounts_or_zones_becomes_a_named_enum_and_parameters_are_ordered() {
    let spec = trimmed();
    for method in ["get", "post"] {
        let parameters = &spec["paths"][LIST][method]["parameters"];
        assert_eq!(
            parameters[0],
            json!({
                "in": "path",
                "name": "accounts_or_zones",
                "required": true,
                "schema": reference("AccountsOrZones"),
                "x-role": "scope-kind",
            }),
            "{method}"
        );
        assert_eq!(
            parameters[1],
            json!({
                "in": "path",
                "name": "account_or_zone_id",
                "required": true,
                "schema": { "maxLength": 32, "type": "string" },
                "x-role": "scope-id",
            }),
            "{method}: path-item parameters apply, without prose"
        );
    }
    assert_eq!(
        schema(&spec, "AccountsOrZones"),
        &json!({
            "description": "Our doc: whether a widget belongs to an account or a zone.",
            "enum": ["accounts", "zones"],
            "type": "string",
        })
    );
    // Query parameters follow the path's, by name; the operation-scoped fix made `page` whole.
    let list = &spec["paths"][LIST]["get"]["parameters"];
    let names: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "accounts_or_zones",
            "account_or_zone_id",
            "direction",
            "page"
        ]
    );
    // The overlay's `[parameters]` mark their roles; the others get none.
    assert_eq!(
        list[3],
        json!({"in": "query", "name": "page", "required": false, "x-role": "page",
               "schema": {"default": 1, "type": "integer"}})
    );
    let roles: Vec<&Value> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|p| &p["x-role"])
        .collect();
    assert_eq!(
        roles,
        [
            &json!("scope-kind"),
            &json!("scope-id"),
            &Value::Null,
            &json!("page")
        ]
    );
    // A string enum parameter becomes a positional model.
    assert_eq!(list[2]["schema"], reference("WidgetsListDirection"));
    // Path parameters are in the path's order even where upstream lists them otherwise, and
    // `readOnly` (meaningless on a parameter) is gone.
    let one = &spec["paths"][ONE]["get"]["parameters"];
    assert_eq!(one[0]["name"], "account_id");
    assert_eq!(
        one[1],
        json!({"in": "path", "name": "widget_id", "required": true,
               "schema": {"maxLength": 32, "type": "string"}})
    );
}

#[test]
fn inline_schemas_are_hoisted_renamed_and_deduplicated() {
    let spec = trimmed();
    // The overlay's names: the request body and the result.
    assert_eq!(
        spec["paths"][LIST]["post"]["requestBody"],
        json!({"required": true,
               "content": {"application/json": {"schema": reference("WidgetCreate")}}})
    );
    let widget = schema(&spec, "Widget");
    // `settings` would be `WidgetSettings`; [rename] calls it `WidgetOptions`, and what is
    // nested in it is named after the new name.
    assert_eq!(widget["properties"]["settings"], reference("WidgetOptions"));
    let options = schema(&spec, "WidgetOptions");
    assert_eq!(
        options,
        &json!({
            "description": "Our doc: how a widget is set up.",
            "type": "object",
            "properties": {
                "label": {"type": "string"},
                "schedule": reference("WidgetOptionsSchedule"),
                "size": {"minimum": 1, "type": "integer"},
            },
        })
    );
    // Positional models get a positional description when the overlay has none.
    assert_eq!(
        schema(&spec, "WidgetOptionsSchedule"),
        &json!({
            "description": "The `schedule` field of [`WidgetOptions`].",
            "type": "object",
            "properties": {"cron": {"type": "string"}},
        })
    );
    // The request body's `settings` is the same model: it, and what is nested in it, are
    // deduplicated into the response's (over two rounds: the nested model first).
    assert_eq!(
        schema(&spec, "WidgetCreate")["properties"]["settings"],
        reference("WidgetOptions")
    );
    // Two identical positional models become one (the shorter name stays).
    assert_eq!(widget["properties"]["limits"], reference("WidgetQuota"));
    assert_eq!(widget["properties"]["quota"], reference("WidgetQuota"));
    let names = model_names(&spec);
    for gone in [
        "WidgetSettings",
        "WidgetCreateSettings",
        "WidgetCreateSettingsSchedule",
        "WidgetLimits",
    ] {
        assert!(!names.contains(gone), "{gone} should not exist: {names:?}");
    }
    // No model is left with an inline object: every object with properties is a component.
    for (name, model) in spec["components"]["schemas"].as_object().unwrap() {
        for (property, value) in model["properties"].as_object().into_iter().flatten() {
            assert!(
                value.get("properties").is_none(),
                "{name}.{property} is an inline object"
            );
        }
    }
}

#[test]
fn models_of_one_name_are_merged() {
    // The list's items (upstream `widget_summary`) and the other results (`widget`) are both
    // `Widget`: the model has the fields of both, and requires only what both require.
    let spec = trimmed();
    let widget = schema(&spec, "Widget");
    let properties: Vec<&String> = widget["properties"].as_object().unwrap().keys().collect();
    assert_eq!(
        properties,
        [
            "color",
            "created_on",
            "id",
            "limits",
            "name",
            "quota",
            "secret",
            "settings",
            "status"
        ]
    );
    // Both require `id` and `created_on`; `created_on` is read-only.
    assert_eq!(widget["required"], json!(["id"]));
    // `widget` says its id is a UUID, `widget_summary` does not: both are read from
    // responses, so the merge keeps the looser form and a list item's plain id decodes.
    assert_eq!(
        widget["properties"]["id"],
        json!({"maxLength": 32, "type": "string"})
    );
    assert_eq!(
        widget["properties"]["created_on"],
        json!({"format": "date-time", "readOnly": true, "type": "string"})
    );
}

#[test]
fn every_error_response_is_one_error_envelope() {
    let spec = trimmed();
    let mut statuses = BTreeSet::new();
    for (path, method, op) in operations(&spec) {
        for (status, response) in op["responses"].as_object().unwrap() {
            let schema = &response["content"]["application/json"]["schema"];
            if !status.starts_with('2') {
                statuses.insert(status.clone());
                assert_eq!(
                    schema,
                    &reference("ErrorEnvelope"),
                    "{method} {path} {status}"
                );
            }
        }
    }
    assert_eq!(statuses, BTreeSet::from(["4XX".into(), "5XX".into()]));
    // Three different upstream error schemas (an inline one, a plain component and an `allOf`)
    // make no difference: the error envelope and its messages are the trimmer's own models.
    assert_eq!(
        schema(&spec, "ErrorEnvelope"),
        &json!({
            "description": "Our doc: the envelope of a failed call.",
            "type": "object",
            "required": ["success", "errors"],
            "properties": {
                "errors": {"items": reference("ResponseMessage"), "type": "array"},
                "messages": {"items": reference("ResponseMessage"), "type": "array"},
                "result": {"nullable": true, "type": "object"},
                "success": {"enum": [false], "type": "boolean"},
            },
            "x-envelope": "error",
        })
    );
    assert_eq!(
        schema(&spec, "ResponseMessage"),
        &json!({
            "description": "Our doc: one message of an envelope.",
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"minimum": 1000, "type": "integer"},
                "documentation_url": {"type": "string"},
                "message": {"type": "string"},
                "path": {"items": {"type": "string"}, "type": "array"},
                "source": reference("ResponseMessageSource"),
            },
            "x-envelope": "message",
        })
    );
}

#[test]
fn allof_envelopes_are_flattened_and_the_result_extracted() {
    let spec = trimmed();
    let success = |path: &str, method: &str| {
        spec["paths"][path][method]["responses"]["200"]["content"]["application/json"]["schema"]
            .clone()
    };
    assert_eq!(success(ONE, "get"), reference("WidgetEnvelope"));
    assert_eq!(success(LIST, "post"), reference("WidgetEnvelope"));
    assert_eq!(success(LIST, "get"), reference("WidgetListEnvelope"));
    assert_eq!(success(ONE, "delete"), reference("DeletedWidgetEnvelope"));
    let common = json!({
        "errors": {"items": reference("ResponseMessage"), "type": "array"},
        "messages": {"items": reference("ResponseMessage"), "type": "array"},
        "success": {"enum": [true], "type": "boolean"},
    });
    let envelope = |result: Value, extra: Option<(&str, Value)>| {
        let mut properties = common.clone();
        properties["result"] = result;
        if let Some((key, value)) = extra {
            properties[key] = value;
        }
        properties
    };
    let widget_envelope = schema(&spec, "WidgetEnvelope");
    assert_eq!(widget_envelope["type"], "object");
    // Every part of the envelope is marked as one: the generator keys on the mark, not the name.
    for (model, part) in [
        ("WidgetEnvelope", "success"),
        ("WidgetListEnvelope", "success"),
        ("DeletedWidgetEnvelope", "success"),
        ("ErrorEnvelope", "error"),
        ("ResponseMessage", "message"),
        ("ResultInfo", "result-info"),
    ] {
        assert_eq!(schema(&spec, model)["x-envelope"], part, "{model}");
    }
    assert_eq!(schema(&spec, "Widget").get("x-envelope"), None);
    assert_eq!(
        widget_envelope["required"],
        json!(["success", "errors", "messages"])
    );
    assert_eq!(
        widget_envelope["properties"],
        envelope(reference("Widget"), None)
    );
    assert_eq!(
        schema(&spec, "WidgetListEnvelope")["properties"],
        envelope(
            json!({"items": reference("Widget"), "type": "array"}),
            Some(("result_info", reference("ResultInfo")))
        )
    );
    // A nullable result keeps `nullable` next to the reference.
    assert_eq!(
        schema(&spec, "DeletedWidgetEnvelope")["properties"]["result"],
        json!({"allOf": [reference("DeletedWidget")], "nullable": true})
    );
    assert_eq!(
        schema(&spec, "DeletedWidget")["properties"],
        json!({"id": {"maxLength": 32, "type": "string"}})
    );
    // `ResultInfo` is the trimmer's own (upstream says `number` for its counts).
    let info = schema(&spec, "ResultInfo");
    assert_eq!(info["properties"]["count"], json!({"type": "integer"}));
    assert_eq!(info["properties"]["page"], json!({"type": "integer"}));
    // Nothing of the upstream structure is left.
    for (at, key, _) in entries(&spec) {
        if key == "allOf" {
            assert!(
                at.ends_with("/result") || at.contains("/properties/"),
                "an allOf outside a use of a model, at {at}"
            );
        }
    }
    // A request body declared without a schema (a DELETE upstream) carries nothing: none here.
    assert!(spec["paths"][ONE]["delete"].get("requestBody").is_none());
}

#[test]
fn security_that_demands_all_schemes_at_once_is_split() {
    let spec = trimmed();
    let either = json!([{"api_token": []}, {"api_email": [], "api_key": []}]);
    // The spec-wide requirement lists every scheme in one requirement.
    assert_eq!(spec["paths"][LIST]["get"]["security"], either);
    assert_eq!(spec["paths"][ONE]["delete"]["security"], either);
    // An operation that only accepts a token keeps that.
    assert_eq!(
        spec["paths"][LIST]["post"]["security"],
        json!([{"api_token": []}])
    );
    // Schemes we don't keep are dropped; the order is token first.
    assert_eq!(spec["paths"][ONE]["get"]["security"], either);
    assert_eq!(
        spec["components"]["securitySchemes"],
        json!({
            "api_email": {"in": "header", "name": "X-Auth-Email", "type": "apiKey"},
            "api_key": {"in": "header", "name": "X-Auth-Key", "type": "apiKey"},
            "api_token": {"scheme": "bearer", "type": "http"},
        })
    );
}

#[test]
fn only_the_closure_of_the_allowlisted_operations_is_kept() {
    let spec = trimmed();
    let expected: BTreeSet<String> = [
        "AccountsOrZones",
        "DeletedWidget",
        "DeletedWidgetEnvelope",
        "ErrorEnvelope",
        "ResponseMessage",
        "ResponseMessageSource",
        "ResultInfo",
        "Widget",
        "WidgetColor",
        "WidgetCreate",
        "WidgetEnvelope",
        "WidgetListEnvelope",
        "WidgetOptions",
        "WidgetOptionsSchedule",
        "WidgetQuota",
        "WidgetsListDirection",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    assert_eq!(model_names(&spec), expected);
    assert!(spec["paths"].get("/unrelated").is_none());
    // Every reference resolves, and every model is reached from an operation.
    let mut reached = BTreeSet::new();
    let mut pending: Vec<&Value> = vec![&spec["paths"]];
    while let Some(value) = pending.pop() {
        for (_, key, inner) in entries(value) {
            if key != "$ref" {
                continue;
            }
            let name = inner
                .as_str()
                .and_then(|r| r.strip_prefix("#/components/schemas/"))
                .unwrap_or_else(|| panic!("unexpected reference {inner}"));
            if reached.insert(name.to_string()) {
                pending.push(schema(&spec, name));
            }
        }
    }
    assert_eq!(reached, expected);
}

#[test]
fn prose_is_replaced_by_ours_and_only_known_extensions_stay() {
    let dir = tempfile::tempdir().unwrap();
    let run = trim_cli(
        &fixture("upstream.json"),
        &fixture("overlay.toml"),
        dir.path(),
        &[],
    );
    assert_eq!(run.code, 0, "{run}");
    let text = std::fs::read_to_string(dir.path().join("openapi.json")).unwrap();
    // The fixture marks every piece of upstream prose with these words.
    assert!(
        !text.contains("upstream prose"),
        "upstream prose in the trimmed spec"
    );
    let spec: Value = serde_json::from_str(&text).unwrap();
    // Upstream's extensions worth keeping, and our own marks (the envelope's parts, the
    // overlay's parameter roles).
    let kept = [
        "x-sensitive",
        "x-cfPermissionsRequired",
        "x-api-token-group",
        "x-envelope",
        "x-role",
    ];
    for (at, key, _) in entries(&spec) {
        assert!(
            !["summary", "example", "examples", "externalDocs"].contains(&key.as_str()),
            "`{key}` at {at}"
        );
        assert!(
            key != "title" || at == "/info",
            "`title` at {at}: upstream prose"
        );
        assert!(
            !key.starts_with("x-") || kept.contains(&key.as_str()),
            "extension `{key}` at {at} should have been dropped"
        );
    }
    // The kept extensions are where upstream had them.
    assert_eq!(
        spec["paths"][ONE]["get"]["x-cfPermissionsRequired"],
        json!({"enum": ["#widget:read"]})
    );
    assert_eq!(
        spec["paths"][LIST]["get"]["x-api-token-group"],
        json!(["Widgets Read", "Widgets Write"])
    );
    assert_eq!(
        schema(&spec, "Widget")["properties"]["secret"],
        json!({"type": "string", "x-sensitive": true})
    );
    // Our words instead: the overlay's docs, title, areas; upstream's facts (version, license,
    // servers) stay.
    assert_eq!(
        spec["info"],
        json!({
            "title": "Fixture widgets",
            "version": "9.9.9",
            "license": {"name": "BSD-3-Clause", "url": "https://opensource.org/licenses/BSD-3-Clause"},
        })
    );
    assert_eq!(
        spec["servers"],
        json!([{"url": "https://api.example.test/client/v4"}])
    );
    assert_eq!(
        spec["tags"],
        json!([{"name": "widgets", "description": "Widgets of the fixture API: our words."}])
    );
    assert_eq!(
        spec["paths"][ONE]["get"]["description"],
        "Our doc: fetch one widget."
    );
    assert_eq!(
        spec["paths"][LIST]["get"]["description"],
        "Our doc: list the widgets of an account or a zone."
    );
    assert_eq!(schema(&spec, "Widget")["description"], "Our doc: a widget.");
    for (name, model) in spec["components"]["schemas"].as_object().unwrap() {
        assert!(
            model["description"].as_str().is_some_and(|d| !d.is_empty()),
            "{name} has no documentation"
        );
    }
}

#[test]
fn null_in_an_enum_becomes_nullable() {
    let spec = trimmed();
    assert_eq!(
        schema(&spec, "Widget")["properties"]["color"],
        json!({"allOf": [reference("WidgetColor")], "nullable": true})
    );
    assert_eq!(
        schema(&spec, "WidgetColor"),
        &json!({
            "description": "The `color` field of [`Widget`].",
            "enum": ["red", "green"],
            "type": "string",
        })
    );
    for (at, key, value) in entries(&spec) {
        if key == "enum" {
            assert!(
                !value.as_array().unwrap().contains(&Value::Null),
                "null in the enum at {at}"
            );
        }
    }
}

#[test]
fn read_only_properties_are_not_required() {
    let spec = trimmed();
    let create = schema(&spec, "WidgetCreate");
    assert_eq!(create["required"], json!(["name"]));
    assert_eq!(
        create["properties"]["id"],
        json!({"readOnly": true, "type": "string"})
    );
    let widget = schema(&spec, "Widget");
    assert!(
        !widget["required"]
            .as_array()
            .unwrap()
            .contains(&json!("created_on"))
    );
}

#[test]
fn output_is_deterministic_with_sorted_keys() {
    let first = trim_fixture_text(&fixture("upstream.json"));
    let second = trim_fixture_text(&fixture("upstream.json"));
    assert_eq!(first, second, "two trims of one input differ");
    assert!(first.ends_with("}\n"));
    assert_keys_sorted(&first);
    // The library gives the same bytes as the command.
    let doc = xtask::load::load(&fixture("upstream.json")).unwrap();
    let overlay = xtask::overlay::Overlay::load(&fixture("overlay.toml")).unwrap();
    let trimmed = xtask::trim::trim(&doc, &overlay, xtask::trim::Options::default()).unwrap();
    assert!(trimmed.warnings.is_empty(), "{:?}", trimmed.warnings);
    assert_eq!(xtask::trim::render(&trimmed.spec), first);
    // Trimming again over the same output changes nothing and says so.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("openapi.json"), &first).unwrap();
    let run = trim_cli(
        &fixture("upstream.json"),
        &fixture("overlay.toml"),
        dir.path(),
        &[],
    );
    assert_eq!(run.code, 0, "{run}");
    assert!(run.out.contains("openapi.json: unchanged"), "{run}");
    assert!(run.out.contains("API changes: none"), "{run}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("openapi.json")).unwrap(),
        first
    );
}

/// The files in `dir` and their bytes.
fn contents(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

#[test]
fn check_mode_passes_when_current_and_fails_with_a_diff_otherwise() {
    let upstream = fixture("upstream.json");
    let overlay = fixture("overlay.toml");
    let current = trim_fixture_text(&upstream);

    // Up to date: success, nothing touched.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("openapi.json"), &current).unwrap();
    let run = trim_cli(&upstream, &overlay, dir.path(), &["--check"]);
    assert_eq!(run.code, 0, "{run}");
    assert!(run.err.is_empty(), "{run}");

    // Stale: failure, a diff of what would change and the command that updates it.
    let stale = current.replace(
        "Our doc: fetch one widget.",
        "An edit by hand that trim would undo.",
    );
    assert_ne!(stale, current);
    std::fs::write(dir.path().join("openapi.json"), &stale).unwrap();
    let before = contents(dir.path());
    let run = trim_cli(&upstream, &overlay, dir.path(), &["--check"]);
    assert_eq!(run.code, 1, "{run}");
    assert!(
        run.out.contains("openapi.json (committed)") && run.out.contains("openapi.json (expected)"),
        "{run}"
    );
    let diff_line = |sign: char, text: &str| {
        run.out.lines().any(|line| {
            line.strip_prefix(sign)
                .is_some_and(|rest| rest.trim() == format!("\"description\": \"{text}\","))
        })
    };
    assert!(
        diff_line('-', "An edit by hand that trim would undo."),
        "{run}"
    );
    assert!(diff_line('+', "Our doc: fetch one widget."), "{run}");
    // Only the edited line differs.
    assert_eq!(
        run.out
            .lines()
            .filter(|l| l.starts_with(['-', '+']))
            .count(),
        4,
        "{run}"
    );
    assert!(run.err.contains("out of date"), "{run}");
    assert!(
        run.err.contains(&format!(
            "cargo xtask trim --upstream {}",
            upstream.display()
        )),
        "{run}"
    );
    assert_eq!(contents(dir.path()), before, "check mode wrote something");

    // Missing altogether: failure, and still nothing written.
    let empty = tempfile::tempdir().unwrap();
    let run = trim_cli(&upstream, &overlay, empty.path(), &["--check"]);
    assert_eq!(run.code, 1, "{run}");
    // The whole file is new; a long diff is cut short, and says so.
    assert!(run.out.lines().any(|line| line == "+{"), "{run}");
    assert!(
        run.out.contains("more diff lines for openapi.json"),
        "{run}"
    );
    assert!(
        contents(empty.path()).is_empty(),
        "check mode wrote something"
    );
}

#[test]
fn an_allowlisted_operation_missing_upstream_fails_unless_allowed() {
    let dir = tempfile::tempdir().unwrap();
    let overlay = dir.path().join("overlay.toml");
    let extra = r#"
[[operation]]
id = "widgets_rotate"
upstream = "POST /accounts/{account_id}/widgets/{widget_id}/rotate"
area = "widgets"
result = "Widget"
doc = "Our doc: an operation the fixture spec does not have."
"#;
    let text = std::fs::read_to_string(fixture("overlay.toml")).unwrap();
    // Operations go before [models]: TOML tables after it would belong to it otherwise.
    let text = text.replacen("[models]", &format!("{extra}\n[models]"), 1);
    std::fs::write(&overlay, text).unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let upstream = fixture("upstream.json");

    let run = trim_cli(&upstream, &overlay, &out, &[]);
    assert_eq!(run.code, 1, "{run}");
    assert!(run.err.contains("`widgets_rotate`"), "{run}");
    assert!(
        run.err
            .contains("POST /accounts/{account_id}/widgets/{widget_id}/rotate"),
        "{run}"
    );
    assert!(run.err.contains("--allow-missing"), "{run}");
    // The error points at the paths, where every missing operation (here one) would be.
    assert!(
        run.err.contains("#/paths: 1 allowlisted operation(s)"),
        "{run}"
    );
    assert!(contents(&out).is_empty(), "a failed trim wrote something");

    let run = trim_cli(&upstream, &overlay, &out, &["--allow-missing"]);
    assert_eq!(run.code, 0, "{run}");
    assert!(run.err.contains("xtask: warning:"), "{run}");
    assert!(run.err.contains("`widgets_rotate`"), "{run}");
    // What is there is trimmed as without the extra operation.
    let written = std::fs::read_to_string(out.join("openapi.json")).unwrap();
    assert_eq!(written, trim_fixture_text(&upstream));
}

#[test]
fn json_gzip_and_yaml_inputs_give_the_same_spec() {
    let json = std::fs::read(fixture("upstream.json")).unwrap();
    let expected = trim_fixture_text(&fixture("upstream.json"));
    let dir = tempfile::tempdir().unwrap();
    let gz = dir.path().join("upstream.json.gz");
    std::fs::write(&gz, gzip_stored(&json)).unwrap();
    assert_eq!(trim_fixture_text(&gz), expected, ".json.gz");
    assert_eq!(
        trim_fixture_text(&fixture("upstream.yaml")),
        expected,
        ".yaml"
    );
    // YAML may be compressed too; gzip is recognised by content, the format by the name.
    let yaml_gz = dir.path().join("upstream.yaml.gz");
    let yaml = std::fs::read(fixture("upstream.yaml")).unwrap();
    std::fs::write(&yaml_gz, gzip_stored(&yaml)).unwrap();
    assert_eq!(trim_fixture_text(&yaml_gz), expected, ".yaml.gz");
    let yml = dir.path().join("upstream.yml");
    std::fs::write(&yml, &yaml).unwrap();
    assert_eq!(trim_fixture_text(&yml), expected, ".yml");
}

#[test]
fn the_gzip_helper_writes_what_the_loader_reads() {
    // The helper is part of the test: check it on sizes around its 64 KiB block boundary.
    let dir = tempfile::tempdir().unwrap();
    for size in [2usize, 3, 0xffff, 0x10000, 0x10001, 200_000] {
        let text = format!("\"{}\"", "a".repeat(size - 2));
        assert_eq!(text.len(), size);
        let path = dir.path().join(format!("{size}.json.gz"));
        std::fs::write(&path, gzip_stored(text.as_bytes())).unwrap();
        let doc = xtask::load::load(&path).unwrap_or_else(|e| panic!("{size}: {e}"));
        assert_eq!(doc.root, Value::String("a".repeat(size - 2)));
    }
    // Nothing at all decompresses to nothing, which is not JSON (but is valid gzip).
    let path = dir.path().join("empty.json.gz");
    std::fs::write(&path, gzip_stored(b"")).unwrap();
    let error = xtask::load::load(&path).err().expect("empty is not JSON");
    assert!(error.to_string().contains(":1:0: invalid JSON"), "{error}");
}

// ---------------------------------------------------------------------------------------------
// The real upstream descriptions

#[test]
fn the_current_upstream_spec_reproduces_the_committed_spec() {
    let root = repo_root();
    let Some(upstream) = upstream(xtask::workspace::CURRENT_UPSTREAM) else {
        return;
    };
    let overlay = root.join("spec/overlay.toml");
    // What `cargo xtask trim --check` does.
    let run = trim_cli(&upstream, &overlay, &root.join("spec"), &["--check"]);
    assert_eq!(
        run.code, 0,
        "spec/openapi.json is not what trim makes:\n{run}"
    );
    // And byte for byte, in a directory of its own.
    let dir = tempfile::tempdir().unwrap();
    let run = trim_cli(&upstream, &overlay, dir.path(), &[]);
    assert_eq!(run.code, 0, "{run}");
    assert!(run.err.is_empty(), "warnings on the current spec:\n{run}");
    let written = std::fs::read(dir.path().join("openapi.json")).unwrap();
    let committed = std::fs::read(root.join("spec/openapi.json")).unwrap();
    assert!(
        written == committed,
        "the trimmed spec differs from spec/openapi.json"
    );
    assert_keys_sorted(std::str::from_utf8(&written).unwrap());
}

/// The ids of the overlay's operations that the 2024 spec lacks (it has no AI Search at all, and
/// Access service tokens only per account or per zone, not under `{accounts_or_zones}`).
const MISSING_IN_2024: &[&str] = &[
    "ai_search_tokens_list",
    "ai_search_tokens_create",
    "ai_search_tokens_get",
    "ai_search_tokens_update",
    "ai_search_tokens_delete",
    "ai_search_instances_list",
    "ai_search_instances_create",
    "ai_search_instances_get",
    "ai_search_instances_update",
    "ai_search_instances_delete",
    "access_service_tokens_list",
    "access_service_tokens_create",
    "access_service_tokens_get",
    "access_service_tokens_update",
    "access_service_tokens_delete",
];

/// Trims the 2024 spec with `--allow-missing` into `dir`; `None` when it is not on this machine.
fn trim_2024(dir: &Path) -> Option<Run> {
    let upstream = upstream(xtask::workspace::OLDER_UPSTREAM)?;
    let overlay = repo_root().join("spec/overlay.toml");
    Some(trim_cli(&upstream, &overlay, dir, &["--allow-missing"]))
}

#[test]
fn the_2024_upstream_spec_needs_allow_missing() {
    let Some(upstream) = upstream(xtask::workspace::OLDER_UPSTREAM) else {
        return;
    };
    let overlay = repo_root().join("spec/overlay.toml");
    let dir = tempfile::tempdir().unwrap();
    let run = trim_cli(&upstream, &overlay, dir.path(), &[]);
    assert_eq!(run.code, 1, "{run}");
    // Every missing operation is named at once, so one edit of the overlay can deal with all.
    for id in MISSING_IN_2024 {
        assert!(
            run.err.contains(&format!("`{id}`")),
            "{id} is not named:\n{run}"
        );
    }
    assert!(
        run.err
            .contains("GET /accounts/{account_id}/ai-search/tokens"),
        "{run}"
    );
    assert!(
        run.err.contains("cloudflare-openapi-2024-08-07.json.gz"),
        "{run}"
    );
    assert!(run.err.contains("--allow-missing"), "{run}");
    assert!(
        contents(dir.path()).is_empty(),
        "a failed trim wrote something"
    );

    let Some(run) = trim_2024(dir.path()) else {
        return;
    };
    assert_eq!(run.code, 0, "{run}");
    for id in MISSING_IN_2024 {
        assert!(
            run.err.contains(&format!("xtask: warning: skipped `{id}`")),
            "no warning for {id}:\n{run}"
        );
    }
    let spec: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("openapi.json")).unwrap())
            .unwrap();
    let ids: BTreeSet<String> = operations(&spec)
        .into_iter()
        .map(|(_, _, op)| op["operationId"].as_str().unwrap().to_string())
        .collect();
    for id in MISSING_IN_2024 {
        assert!(!ids.contains(*id), "{id} is in the 2024 trim");
    }
    for id in [
        "user_tokens_list",
        "access_service_tokens_refresh",
        "access_service_tokens_rotate",
    ] {
        assert!(ids.contains(id), "{id} is missing from the 2024 trim");
    }
}

#[test]
fn changes_reports_the_service_token_fields_added_since_2024() {
    let dir = tempfile::tempdir().unwrap();
    let Some(run) = trim_2024(dir.path()) else {
        return;
    };
    assert_eq!(run.code, 0, "{run}");
    let old = dir.path().join("openapi.json");
    let new = repo_root().join("spec/openapi.json");
    let fields = ["enabled", "expires_at", "last_seen_at"];

    let text = xtask([
        OsString::from("changes"),
        old.clone().into(),
        new.clone().into(),
    ]);
    assert_eq!(text.code, 0, "{text}");
    assert!(text.out.starts_with("API changes: "), "{text}");
    for field in fields {
        let line = format!("[compatible] model ServiceToken.{field}: ");
        assert!(text.out.contains(&line), "no `{line}` in:\n{text}");
    }

    let json_run = xtask([
        OsString::from("changes"),
        old.into(),
        new.into(),
        "--json".into(),
    ]);
    assert_eq!(json_run.code, 0, "{json_run}");
    let report: Value = serde_json::from_str(&json_run.out).expect("--json prints JSON");
    let changes = report["changes"].as_array().unwrap();
    for field in fields {
        let subject = format!("model ServiceToken.{field}");
        let change = changes
            .iter()
            .find(|c| c["subject"] == subject.as_str() && c["kind"] == "field_added")
            .unwrap_or_else(|| panic!("no field_added for {subject} in\n{json_run}"));
        assert_eq!(change["breaking"], false, "{change}");
    }
    // The counts agree with the list, and with the text report's summary line.
    let breaking = changes.iter().filter(|c| c["breaking"] == true).count();
    assert_eq!(report["breaking"], breaking);
    assert_eq!(report["compatible"], changes.len() - breaking);
    assert!(
        text.out.starts_with(&format!(
            "API changes: {breaking} breaking, {} compatible\n",
            changes.len() - breaking
        )),
        "{text}"
    );
}
