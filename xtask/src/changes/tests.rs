//! Small hand-written specs, one change at a time.

use serde_json::{Value, json};

use super::{Change, Kind, Report, compare};

/// Two operations, an envelope for each, a request model, a response model with a bit of
/// everything, an enum model and a model nothing uses.
fn base() -> Value {
    let envelope = |result: Value| {
        json!({
            "type": "object",
            "required": ["success", "errors", "messages"],
            "properties": {
                "success": {"type": "boolean", "enum": [true]},
                "errors": {"type": "array", "items": {"$ref": "#/components/schemas/Message"}},
                "messages": {"type": "array", "items": {"$ref": "#/components/schemas/Message"}},
                "result": result,
            },
            "x-envelope": "success",
        })
    };
    json!({
        "openapi": "3.0.3",
        "paths": {
            "/things": {
                "get": {
                    "operationId": "things_list",
                    "parameters": [
                        {"in": "query", "name": "page", "required": false,
                         "schema": {"type": "integer", "minimum": 1, "maximum": 50}},
                        {"in": "query", "name": "order", "required": false,
                         "schema": {"type": "string", "enum": ["asc", "desc"]}},
                    ],
                    "responses": {
                        "200": {"content": {"application/json": {"schema":
                            {"$ref": "#/components/schemas/ThingListEnvelope"}}}},
                    },
                },
                "post": {
                    "operationId": "things_create",
                    "parameters": [],
                    "requestBody": {"required": true, "content": {"application/json": {"schema":
                        {"$ref": "#/components/schemas/ThingCreate"}}}},
                    "responses": {
                        "200": {"content": {"application/json": {"schema":
                            {"$ref": "#/components/schemas/ThingEnvelope"}}}},
                    },
                },
            },
            "/things/{id}": {
                "get": {
                    "operationId": "things_get",
                    "parameters": [
                        {"in": "path", "name": "id", "required": true, "schema": {"type": "string"}},
                    ],
                    "responses": {
                        "200": {"content": {"application/json": {"schema":
                            {"$ref": "#/components/schemas/ThingEnvelope"}}}},
                    },
                },
            },
        },
        "components": {"schemas": {
            "Thing": {
                "type": "object",
                "required": ["id", "kind"],
                "properties": {
                    "id": {"type": "string"},
                    "kind": {"$ref": "#/components/schemas/Kind"},
                    "created": {"type": "string", "format": "date-time"},
                    "home": {"type": "string", "format": "uri"},
                    "owner": {"allOf": [{"$ref": "#/components/schemas/Owner"}], "nullable": true},
                    "tags": {"type": "array", "items": {"type": "string"}},
                    "secret": {"type": "string", "x-sensitive": true},
                    "mood": {"type": "string", "enum": ["calm", "busy"]},
                },
            },
            "ThingCreate": {
                "type": "object",
                "required": ["name"],
                "properties": {
                    "name": {"type": "string"},
                    "owner": {"$ref": "#/components/schemas/Owner"},
                },
            },
            "Owner": {"type": "object", "properties": {"email": {"type": "string"}}},
            "Kind": {"type": "string", "enum": ["big", "small"]},
            "Message": {"type": "object", "properties": {"code": {"type": "integer"}}},
            "Unused": {"type": "object", "properties": {"x": {"type": "string"}}},
            "Blob": {"type": "object"},
            "ThingEnvelope": envelope(json!({"$ref": "#/components/schemas/Thing"})),
            "ThingListEnvelope": envelope(json!({
                "type": "array", "items": {"$ref": "#/components/schemas/Thing"}
            })),
        }},
    })
}

/// The report on the base spec against the base spec changed by `edit`.
fn after(edit: impl FnOnce(&mut Value)) -> Report {
    let old = base();
    let mut new = base();
    edit(&mut new);
    compare(&old, &new)
}

fn at<'v>(spec: &'v mut Value, pointer: &str) -> &'v mut Value {
    spec.pointer_mut(pointer)
        .unwrap_or_else(|| panic!("the base spec has no {pointer}"))
}

fn model<'v>(spec: &'v mut Value, name: &str) -> &'v mut Value {
    at(spec, &format!("/components/schemas/{name}"))
}

fn field<'v>(spec: &'v mut Value, name: &str, field: &str) -> &'v mut Value {
    at(
        spec,
        &format!("/components/schemas/{name}/properties/{field}"),
    )
}

/// The report's only change, checked to be of `kind`, about `subject`.
fn single(report: &Report, kind: Kind, subject: &str) -> Change {
    assert_eq!(report.changes.len(), 1, "{}", report.render_text());
    let change = report.changes[0].clone();
    assert_eq!(
        (change.kind, change.subject.as_str()),
        (kind, subject),
        "{}",
        report.render_text()
    );
    change
}

fn breaking(report: &Report, kind: Kind, subject: &str) -> bool {
    single(report, kind, subject).breaking
}

#[test]
fn nothing_changed() {
    let report = compare(&base(), &base());
    assert!(report.is_empty());
    assert_eq!(report.render_text(), "API changes: none\n");
    let json: Value = serde_json::from_str(&report.render_json()).unwrap();
    assert_eq!(json, json!({"breaking": 0, "compatible": 0, "changes": []}));
}

#[test]
fn operations_added_removed_and_moved() {
    let report = after(|s| {
        let get = at(s, "/paths/~1things~1{id}/get").take();
        at(s, "/paths/~1things~1{id}")
            .as_object_mut()
            .unwrap()
            .clear();
        at(s, "/paths")["/items"] = json!({"put": get});
    });
    assert!(breaking(
        &report,
        Kind::OperationMoved,
        "operation things_get"
    ));

    let report = after(|s| {
        at(s, "/paths/~1things")
            .as_object_mut()
            .unwrap()
            .remove("post");
    });
    // ThingCreate and Owner stay: Thing still uses Owner; ThingCreate is no longer used, but it
    // is still in the spec and unchanged.
    assert!(breaking(
        &report,
        Kind::OperationRemoved,
        "operation things_create"
    ));

    let report = after(|s| {
        let mut copy = at(s, "/paths/~1things/get").clone();
        copy["operationId"] = json!("things_count");
        at(s, "/paths")["/count"] = json!({"get": copy});
    });
    let change = single(&report, Kind::OperationAdded, "operation things_count");
    assert!(!change.breaking);
    assert!(change.detail.contains("GET /count"), "{}", change.detail);
}

/// A change to make to a parameter.
type Edit = Box<dyn Fn(&mut Value)>;

fn list_parameter(s: &mut Value, index: usize) -> &mut Value {
    at(s, &format!("/paths/~1things/get/parameters/{index}"))
}

#[test]
fn parameters_added_and_removed() {
    let subject = "operation things_list parameter q";
    let optional =
        json!({"in": "query", "name": "q", "required": false, "schema": {"type": "string"}});
    let report = after(|s| {
        at(s, "/paths/~1things/get/parameters")
            .as_array_mut()
            .unwrap()
            .push(optional.clone());
    });
    // An optional query parameter is a new field of the operation's query struct: a literal
    // that lists every field stops compiling.
    assert!(breaking(&report, Kind::ParameterAdded, subject));

    let mut required = optional.clone();
    required["required"] = json!(true);
    let report = after(|s| {
        at(s, "/paths/~1things/get/parameters")
            .as_array_mut()
            .unwrap()
            .push(required);
    });
    assert!(breaking(&report, Kind::ParameterAdded, subject));

    let report = after(|s| {
        at(s, "/paths/~1things/get/parameters")
            .as_array_mut()
            .unwrap()
            .remove(0);
    });
    assert!(breaking(
        &report,
        Kind::ParameterRemoved,
        "operation things_list parameter page"
    ));
}

#[test]
fn parameters_changed() {
    let page = "operation things_list parameter page";
    let order = "operation things_list parameter order";
    let cases: Vec<(&str, &str, bool, Edit)> = vec![
        (
            page,
            "now required",
            true,
            Box::new(|p| p["required"] = json!(true)),
        ),
        (
            page,
            "moved from query to header",
            true,
            Box::new(|p| p["in"] = json!("header")),
        ),
        (
            page,
            "type was integer, now string",
            true,
            Box::new(|p| p["schema"]["type"] = json!("string")),
        ),
        (
            page,
            "format changed",
            true,
            Box::new(|p| p["schema"]["format"] = json!("int32")),
        ),
        (
            page,
            "maximum 50 → 100",
            false,
            Box::new(|p| p["schema"]["maximum"] = json!(100)),
        ),
        (
            order,
            "new enum value `random`",
            false,
            Box::new(|p| {
                p["schema"]["enum"] = json!(["asc", "desc", "random"]);
            }),
        ),
        (
            order,
            "enum value `desc` removed",
            true,
            Box::new(|p| p["schema"]["enum"] = json!(["asc"])),
        ),
        (
            order,
            "was an enum of",
            true,
            Box::new(|p| {
                p["schema"].as_object_mut().unwrap().remove("enum");
            }),
        ),
    ];
    for (subject, expected, is_breaking, edit) in cases {
        let index = if subject == page { 0 } else { 1 };
        let report = after(|s| edit(list_parameter(s, index)));
        let change = single(&report, Kind::ParameterChanged, subject);
        assert_eq!(
            change.breaking, is_breaking,
            "{expected}: {}",
            change.detail
        );
        assert!(
            change.detail.contains(expected),
            "{expected}: {}",
            change.detail
        );
    }
    // Dropping `required` also changes the positional argument's type.
    let report = after(|s| {
        at(s, "/paths/~1things~1{id}/get/parameters/0")["in"] = json!("query");
        at(s, "/paths/~1things~1{id}/get/parameters/0")["required"] = json!(false);
    });
    let change = single(
        &report,
        Kind::ParameterChanged,
        "operation things_get parameter id",
    );
    assert!(change.breaking);
    assert!(
        change.detail.contains("no longer required"),
        "{}",
        change.detail
    );
}

#[test]
fn request_bodies() {
    let subject = "operation things_create";
    let report = after(|s| {
        at(
            s,
            "/paths/~1things/post/requestBody/content/application~1json/schema",
        )["$ref"] = json!("#/components/schemas/Owner");
    });
    // ThingCreate is still in the spec (unused now), so only the body is reported.
    let change = single(&report, Kind::RequestBodyChanged, subject);
    assert!(change.breaking);
    assert!(
        change.detail.contains("`ThingCreate`, now `Owner`"),
        "{}",
        change.detail
    );

    let report = after(|s| {
        at(s, "/paths/~1things/post")
            .as_object_mut()
            .unwrap()
            .remove("requestBody");
    });
    assert!(breaking(&report, Kind::RequestBodyChanged, subject));

    let report = after(|s| {
        at(s, "/paths/~1things~1{id}/get")["requestBody"] = json!({"content": {"application/json":
            {"schema": {"$ref": "#/components/schemas/Owner"}}}});
    });
    assert!(breaking(
        &report,
        Kind::RequestBodyChanged,
        "operation things_get"
    ));

    // Progenitor always makes the body an argument, so `required` changes nothing.
    let report = after(|s| at(s, "/paths/~1things/post/requestBody")["required"] = json!(false));
    assert!(report.is_empty(), "{}", report.render_text());
}

#[test]
fn responses_compare_the_envelope_result() {
    let report = after(|s| {
        field(s, "ThingEnvelope", "result")["$ref"] = json!("#/components/schemas/Owner");
    });
    // Reported on both operations that return the envelope, not on the envelope itself.
    assert_eq!(report.changes.len(), 2, "{}", report.render_text());
    for (change, id) in report.changes.iter().zip(["things_create", "things_get"]) {
        assert_eq!(change.kind, Kind::ResponseChanged);
        assert_eq!(change.subject, format!("operation {id}"));
        assert!(change.breaking);
        assert!(
            change.detail.contains("was `Thing`, now `Owner`"),
            "{}",
            change.detail
        );
    }

    // A list that became a single item.
    let report = after(|s| {
        *field(s, "ThingListEnvelope", "result") = json!({"$ref": "#/components/schemas/Thing"});
    });
    assert!(breaking(
        &report,
        Kind::ResponseChanged,
        "operation things_list"
    ));

    // The same result through another (new) envelope is no change at all.
    let report = after(|s| {
        let copy = model(s, "ThingListEnvelope").clone();
        at(s, "/components/schemas")["ThingPageEnvelope"] = copy;
        at(
            s,
            "/paths/~1things/get/responses/200/content/application~1json/schema",
        )["$ref"] = json!("#/components/schemas/ThingPageEnvelope");
        model(s, "ThingPageEnvelope")["properties"]["result_info"] = json!({"type": "object"});
    });
    assert!(report.is_empty(), "{}", report.render_text());

    // Envelope framing other than `result` is the generator's business.
    let report = after(|s| {
        model(s, "ThingEnvelope")["required"] = json!(["success"]);
    });
    assert!(report.is_empty(), "{}", report.render_text());

    let report = after(|s| {
        let result = field(s, "ThingEnvelope", "result");
        *result = json!({"allOf": [result.clone()], "nullable": true});
    });
    assert_eq!(report.changes.len(), 2, "{}", report.render_text());
    assert!(
        report
            .changes
            .iter()
            .all(|c| !c.breaking && c.detail.contains("null"))
    );
}

#[test]
fn models_added_and_removed() {
    let report = after(|s| {
        at(s, "/components/schemas")["Extra"] = json!({"type": "string", "enum": ["x"]});
    });
    assert!(!breaking(&report, Kind::ModelAdded, "model Extra"));

    let report = after(|s| {
        at(s, "/components/schemas")
            .as_object_mut()
            .unwrap()
            .remove("Unused");
    });
    assert!(!breaking(&report, Kind::ModelRemoved, "model Unused"));

    let report = after(|s| {
        at(s, "/components/schemas")
            .as_object_mut()
            .unwrap()
            .remove("Owner");
        *field(s, "Thing", "owner") = json!({"type": "string"});
        *field(s, "ThingCreate", "owner") = json!({"type": "string"});
    });
    let removed: Vec<&Change> = report
        .changes
        .iter()
        .filter(|c| c.kind == Kind::ModelRemoved)
        .collect();
    assert_eq!(removed.len(), 1, "{}", report.render_text());
    assert!(removed[0].breaking);
}

#[test]
fn fields_added_to_request_models_break_struct_literals() {
    let new_field = |model_name: &'static str, required: bool| {
        after(move |s| {
            model(s, model_name)["properties"]["extra"] = json!({"type": "boolean"});
            if required {
                let list = model(s, model_name)
                    .as_object_mut()
                    .unwrap()
                    .entry("required")
                    .or_insert(json!([]));
                list.as_array_mut().unwrap().push(json!("extra"));
            }
        })
    };
    // Thing is only ever received.
    assert!(!breaking(
        &new_field("Thing", false),
        Kind::FieldAdded,
        "model Thing.extra"
    ));
    assert!(!breaking(
        &new_field("Thing", true),
        Kind::FieldAdded,
        "model Thing.extra"
    ));
    // Callers build ThingCreate: a literal that lists every field stops compiling, whether the
    // new field is optional or not.
    let report = new_field("ThingCreate", false);
    assert!(breaking(
        &report,
        Kind::FieldAdded,
        "model ThingCreate.extra"
    ));
    assert_eq!(
        single(&report, Kind::FieldAdded, "model ThingCreate.extra").detail,
        "new optional field of type boolean: a struct literal that lists every field no longer \
         compiles (one ending in `..Model::new(…)` or `..Default::default()` does)"
    );
    assert!(breaking(
        &new_field("ThingCreate", true),
        Kind::FieldAdded,
        "model ThingCreate.extra"
    ));
    // Owner is sent inside ThingCreate: a request model through a reference.
    assert!(breaking(
        &new_field("Owner", false),
        Kind::FieldAdded,
        "model Owner.extra"
    ));
    assert!(breaking(
        &new_field("Owner", true),
        Kind::FieldAdded,
        "model Owner.extra"
    ));
}

#[test]
fn fields_removed_and_retyped() {
    let report = after(|s| {
        model(s, "Thing")["properties"]
            .as_object_mut()
            .unwrap()
            .remove("home");
    });
    assert!(breaking(&report, Kind::FieldRemoved, "model Thing.home"));

    let cases: Vec<(&str, Value)> = vec![
        ("id", json!({"type": "integer"})),
        ("kind", json!({"$ref": "#/components/schemas/Owner"})),
        (
            "tags",
            json!({"type": "array", "items": {"type": "integer"}}),
        ),
        ("tags", json!({"type": "string"})),
        (
            "owner",
            json!({"type": "array", "items": {"$ref": "#/components/schemas/Owner"}}),
        ),
    ];
    for (name, schema) in cases {
        let report = after(|s| *field(s, "Thing", name) = schema.clone());
        let subject = format!("model Thing.{name}");
        assert!(
            breaking(&report, Kind::FieldTypeChanged, &subject),
            "{schema}"
        );
    }
}

#[test]
fn references_compare_by_name_through_use_site_wrappers() {
    // Wrapping the reference for a use-site keyword is not a type change.
    let report = after(|s| {
        *field(s, "Thing", "kind") = json!({
            "allOf": [{"$ref": "#/components/schemas/Kind"}], "readOnly": true
        });
    });
    assert!(report.is_empty(), "{}", report.render_text());
    let report = after(|s| {
        *field(s, "Thing", "owner") = json!({"$ref": "#/components/schemas/Owner"});
    });
    let change = single(&report, Kind::FieldNullableChanged, "model Thing.owner");
    assert!(
        !change.breaking,
        "an optional field is Option<T> either way"
    );
}

#[test]
fn formats() {
    let report = after(|s| field(s, "Thing", "id")["format"] = json!("uuid"));
    assert!(breaking(
        &report,
        Kind::FieldFormatChanged,
        "model Thing.id"
    ));
    let report = after(|s| {
        field(s, "Thing", "created")
            .as_object_mut()
            .unwrap()
            .remove("format");
    });
    assert!(breaking(
        &report,
        Kind::FieldFormatChanged,
        "model Thing.created"
    ));
    // Both are `String` in Rust.
    let report = after(|s| field(s, "Thing", "home")["format"] = json!("email"));
    assert!(!breaking(
        &report,
        Kind::FieldFormatChanged,
        "model Thing.home"
    ));
    let report = after(|s| field(s, "Thing", "tags")["items"]["format"] = json!("date"));
    assert!(breaking(
        &report,
        Kind::FieldFormatChanged,
        "model Thing.tags"
    ));
}

#[test]
fn required_and_nullable() {
    let report = after(|s| model(s, "Thing")["required"] = json!(["kind"]));
    let change = single(&report, Kind::FieldRequiredChanged, "model Thing.id");
    assert!(change.breaking);
    assert!(
        change.detail.contains("from T to Option<T>"),
        "{}",
        change.detail
    );

    let report = after(|s| model(s, "Thing")["required"] = json!(["id", "kind", "created"]));
    assert!(breaking(
        &report,
        Kind::FieldRequiredChanged,
        "model Thing.created"
    ));

    // Nullable on both sides: Option<T> whether required or not.
    let report = after(|s| model(s, "Thing")["required"] = json!(["id", "kind", "owner"]));
    assert!(!breaking(
        &report,
        Kind::FieldRequiredChanged,
        "model Thing.owner"
    ));

    let report = after(|s| field(s, "Thing", "id")["nullable"] = json!(true));
    assert!(breaking(
        &report,
        Kind::FieldNullableChanged,
        "model Thing.id"
    ));
    let report = after(|s| field(s, "Thing", "home")["nullable"] = json!(true));
    assert!(!breaking(
        &report,
        Kind::FieldNullableChanged,
        "model Thing.home"
    ));
}

#[test]
fn enum_values() {
    let report = after(|s| model(s, "Kind")["enum"] = json!(["big", "small", "huge"]));
    let change = single(&report, Kind::EnumValuesAdded, "model Kind");
    assert!(!change.breaking);
    assert!(change.detail.contains("`huge`"), "{}", change.detail);

    let report = after(|s| model(s, "Kind")["enum"] = json!(["big"]));
    assert!(breaking(&report, Kind::EnumValuesRemoved, "model Kind"));

    let report = after(|s| field(s, "Thing", "mood")["enum"] = json!(["busy", "asleep"]));
    let kinds: Vec<(Kind, bool)> = report
        .changes
        .iter()
        .map(|c| (c.kind, c.breaking))
        .collect();
    assert_eq!(
        kinds,
        [
            (Kind::EnumValuesAdded, false),
            (Kind::EnumValuesRemoved, true)
        ],
        "{}",
        report.render_text()
    );
    assert!(
        report
            .changes
            .iter()
            .all(|c| c.subject == "model Thing.mood")
    );
}

#[test]
fn secrecy() {
    let report = after(|s| {
        field(s, "Thing", "secret")
            .as_object_mut()
            .unwrap()
            .remove("x-sensitive");
    });
    let change = single(&report, Kind::FieldSecrecyChanged, "model Thing.secret");
    assert!(change.breaking);
    assert!(change.detail.contains("Secret"), "{}", change.detail);

    let report = after(|s| field(s, "ThingCreate", "name")["x-sensitive"] = json!(true));
    assert!(breaking(
        &report,
        Kind::FieldSecrecyChanged,
        "model ThingCreate.name"
    ));
}

#[test]
fn model_type_changes() {
    let report = after(|s| *model(s, "Owner") = json!({"type": "string", "enum": ["a"]}));
    assert!(breaking(&report, Kind::ModelTypeChanged, "model Owner"));

    // A free-form object that became a struct: the change, then what the struct has.
    let report = after(|s| {
        model(s, "Blob")["properties"] = json!({"size": {"type": "integer"}});
    });
    let kinds: Vec<(Kind, &str)> = report
        .changes
        .iter()
        .map(|c| (c.kind, c.subject.as_str()))
        .collect();
    assert_eq!(
        kinds,
        [
            (Kind::ModelTypeChanged, "model Blob"),
            (Kind::FieldAdded, "model Blob.size")
        ]
    );
    assert!(report.changes[0].breaking && !report.changes[1].breaking);

    let report = after(|s| model(s, "Kind")["type"] = json!("integer"));
    assert!(breaking(&report, Kind::ModelTypeChanged, "model Kind"));
}

#[test]
fn envelopes_are_not_models() {
    let report = after(|s| {
        let schemas = at(s, "/components/schemas").as_object_mut().unwrap();
        schemas.insert(
            "OtherFraming".into(),
            json!({"type": "object", "x-envelope": "success"}),
        );
    });
    assert!(report.is_empty(), "{}", report.render_text());
}

#[test]
fn ordering_and_rendering() {
    let report = after(|s| {
        model(s, "Kind")["enum"] = json!(["big"]);
        field(s, "Thing", "home")["nullable"] = json!(true);
        at(s, "/paths/~1things")
            .as_object_mut()
            .unwrap()
            .remove("post");
    });
    let subjects: Vec<&str> = report.changes.iter().map(|c| c.subject.as_str()).collect();
    assert_eq!(
        subjects,
        ["model Kind", "model Thing.home", "operation things_create"]
    );
    assert_eq!(report.breaking_count(), 2);
    let text = report.render_text();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "API changes: 2 breaking, 1 compatible");
    assert!(lines[1].starts_with("[breaking]") && lines[1].contains("model Kind: enum value"));
    assert!(lines[2].starts_with("[compatible] model Thing.home: may now be null"));
    assert!(text.ends_with('\n'));

    let json = report.render_json();
    assert!(json.ends_with("}\n"));
    let parsed: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(parsed["breaking"], 2);
    assert_eq!(parsed["compatible"], 1);
    assert_eq!(parsed["changes"][0]["kind"], "enum_values_removed");
    assert_eq!(parsed["changes"][0]["subject"], "model Kind");
    assert_eq!(parsed["changes"][0]["breaking"], true);
    assert_eq!(
        json,
        after(|s| {
            at(s, "/paths/~1things")
                .as_object_mut()
                .unwrap()
                .remove("post");
            model(s, "Kind")["enum"] = json!(["big"]);
            field(s, "Thing", "home")["nullable"] = json!(true);
        })
        .render_json()
    );
}

#[test]
fn kind_names_match_their_json() {
    let kinds = [
        Kind::OperationAdded,
        Kind::OperationRemoved,
        Kind::OperationMoved,
        Kind::ParameterAdded,
        Kind::ParameterRemoved,
        Kind::ParameterChanged,
        Kind::RequestBodyChanged,
        Kind::ResponseChanged,
        Kind::ModelAdded,
        Kind::ModelRemoved,
        Kind::ModelTypeChanged,
        Kind::FieldAdded,
        Kind::FieldRemoved,
        Kind::FieldTypeChanged,
        Kind::FieldFormatChanged,
        Kind::FieldRequiredChanged,
        Kind::FieldNullableChanged,
        Kind::EnumValuesAdded,
        Kind::EnumValuesRemoved,
        Kind::FieldSecrecyChanged,
    ];
    for kind in kinds {
        assert_eq!(serde_json::to_value(kind).unwrap(), json!(kind.as_str()));
    }
}
