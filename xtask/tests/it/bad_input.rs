//! Bad input to `cargo xtask trim` and `xtask::generate::run`: each gets a clear error that names
//! the file and the place in it (a JSON pointer, or line:column for syntax errors), exit code 1,
//! no panic, and leaves what it would have written exactly as it was.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use serde_json::{Value, json};
use xtask::sink::Mode;

use crate::common::{LIST, fixture, repo_root};

// ---------------------------------------------------------------------------------------------
// Helpers

/// Every file under `dir` (recursively), by relative path, with its bytes.
fn tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(current) = pending.pop() {
        for entry in std::fs::read_dir(&current).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let relative = path.strip_prefix(dir).unwrap().to_path_buf();
                files.insert(relative, std::fs::read(&path).unwrap());
            }
        }
    }
    files
}

/// What a failed `cargo xtask trim` printed.
pub(crate) struct Failure {
    pub out: String,
    pub err: String,
}

const SENTINEL: &str = "{\"committed\": \"a spec that a failed trim must leave alone\"}\n";

/// Runs `cargo xtask trim` in write mode on `upstream` with `overlay` into a directory that holds
/// a spec already; checks that it fails with exit code 1, without panicking, and that the
/// directory is as it was. Returns what it printed.
pub(crate) fn trim_fails(upstream: &Path, overlay: &Path) -> Failure {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("openapi.json"), SENTINEL).unwrap();
    let before = tree(dir.path());
    let args: Vec<OsString> = vec![
        "xtask".into(),
        "trim".into(),
        "--upstream".into(),
        upstream.into(),
        "--out".into(),
        dir.path().into(),
        "--overlay".into(),
        overlay.into(),
    ];
    let mut out = Vec::new();
    let mut err = Vec::new();
    let code = catch_unwind(AssertUnwindSafe(|| {
        xtask::cli::run(args, &mut out, &mut err)
    }))
    .unwrap_or_else(|_| panic!("xtask trim panicked on {}", upstream.display()));
    let failure = Failure {
        out: String::from_utf8(out).unwrap(),
        err: String::from_utf8(err).unwrap(),
    };
    assert_eq!(
        code, 1,
        "exit code\n--- stdout\n{}\n--- stderr\n{}",
        failure.out, failure.err
    );
    assert!(
        failure.err.starts_with("xtask: error: "),
        "stderr: {}",
        failure.err
    );
    assert_eq!(
        tree(dir.path()),
        before,
        "a failed trim changed its output directory"
    );
    failure
}

/// The fixture spec with `change` applied, written to `dir/name`.
fn mutated(dir: &Path, name: &str, change: impl FnOnce(&mut Value)) -> PathBuf {
    let text = std::fs::read_to_string(fixture("upstream.json")).unwrap();
    let mut spec: Value = serde_json::from_str(&text).unwrap();
    change(&mut spec);
    let path = dir.join(name);
    std::fs::write(&path, serde_json::to_string_pretty(&spec).unwrap()).unwrap();
    path
}

/// The JSON pointer in an error message that follows `file#`, up to the next `: `.
fn pointer_after(message: &str, file: &Path) -> String {
    let prefix = format!("{}#", file.display());
    let start = message
        .find(&prefix)
        .unwrap_or_else(|| panic!("no `{prefix}` in: {message}"))
        + prefix.len();
    let rest = &message[start..];
    rest[..rest.find(": ").unwrap_or(rest.len())].to_string()
}

/// Checks that the error names `file` and a pointer to a `$ref` whose value is `reference`.
fn assert_names_ref(message: &str, file: &Path, reference: &str) -> String {
    let pointer = pointer_after(message, file);
    assert!(pointer.ends_with("/$ref"), "{pointer} in: {message}");
    let spec: Value = serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
    assert_eq!(
        spec.pointer(&pointer),
        Some(&json!(reference)),
        "the pointer {pointer} does not designate the `$ref` in {}: {message}",
        file.display()
    );
    pointer
}

// ---------------------------------------------------------------------------------------------
// Broken upstream specs

#[test]
fn broken_json_names_line_and_column() {
    let file = fixture("broken.json");
    let failure = trim_fails(&file, &fixture("overlay.toml"));
    // Line 4 lacks the comma that should end line 3.
    let expected = format!("xtask: error: {}:4:3: invalid JSON: ", file.display());
    assert!(failure.err.starts_with(&expected), "{}", failure.err);
    assert!(
        failure.err.contains("expected `,` or `}`"),
        "{}",
        failure.err
    );
}

#[test]
fn broken_yaml_names_line_and_column() {
    let file = fixture("broken.yaml");
    let failure = trim_fails(&file, &fixture("overlay.toml"));
    // The key on line 4 is indented deeper than its siblings.
    let expected = format!("xtask: error: {}:4:11: invalid YAML: ", file.display());
    assert!(failure.err.starts_with(&expected), "{}", failure.err);
    // The position is said once, in front, not repeated at the end.
    assert!(!failure.err.contains(" at line "), "{}", failure.err);
}

#[test]
fn an_empty_file_and_broken_gzip_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.json");
    std::fs::write(&empty, "").unwrap();
    let failure = trim_fails(&empty, &fixture("overlay.toml"));
    assert!(
        failure.err.starts_with(&format!(
            "xtask: error: {}:1:0: invalid JSON: ",
            empty.display()
        )),
        "{}",
        failure.err
    );

    // The gzip magic number, then garbage.
    let gz = dir.path().join("spec.json.gz");
    std::fs::write(&gz, [0x1f, 0x8b, 8, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9]).unwrap();
    let failure = trim_fails(&gz, &fixture("overlay.toml"));
    assert!(
        failure
            .err
            .starts_with(&format!("xtask: error: {}: not valid gzip: ", gz.display())),
        "{}",
        failure.err
    );
}

#[test]
fn a_missing_upstream_file_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("cloudflare-openapi.json.gz");
    let failure = trim_fails(&missing, &fixture("overlay.toml"));
    assert!(
        failure.err.starts_with(&format!(
            "xtask: error: {}: cannot read: ",
            missing.display()
        )),
        "{}",
        failure.err
    );
}

#[test]
fn openapi_31_and_non_openapi_documents_are_refused_at_the_version_field() {
    let dir = tempfile::tempdir().unwrap();
    let v31 = mutated(dir.path(), "v31.json", |spec| {
        spec["openapi"] = json!("3.1.0");
    });
    let failure = trim_fails(&v31, &fixture("overlay.toml"));
    assert_eq!(
        failure.err,
        format!(
            "xtask: error: {}#/openapi: OpenAPI 3.1.0 is not supported: only 3.0.x can be trimmed and generated\n",
            v31.display()
        )
    );

    let swagger = mutated(dir.path(), "swagger.json", |spec| {
        let map = spec.as_object_mut().unwrap();
        map.remove("openapi");
        map.insert("swagger".into(), json!("2.0"));
    });
    let failure = trim_fails(&swagger, &fixture("overlay.toml"));
    assert!(
        failure
            .err
            .starts_with(&format!("xtask: error: {}#/openapi: ", swagger.display())),
        "{}",
        failure.err
    );
    assert!(
        failure.err.contains("not an OpenAPI document"),
        "{}",
        failure.err
    );

    // YAML says the same.
    let yaml = dir.path().join("v31.yaml");
    let text = std::fs::read_to_string(fixture("upstream.yaml")).unwrap();
    std::fs::write(&yaml, text.replace("openapi: 3.0.3", "openapi: 3.1.0")).unwrap();
    let failure = trim_fails(&yaml, &fixture("overlay.toml"));
    assert!(
        failure.err.starts_with(&format!(
            "xtask: error: {}#/openapi: OpenAPI 3.1.0",
            yaml.display()
        )),
        "{}",
        failure.err
    );
}

#[test]
fn a_ref_to_nothing_names_the_pointer_of_the_ref() {
    let dir = tempfile::tempdir().unwrap();
    let overlay = fixture("overlay.toml");

    // A parameter of a path item.
    let file = mutated(dir.path(), "parameter.json", |spec| {
        spec["paths"][LIST]["parameters"][0] = json!({"$ref": "#/components/parameters/nope"});
    });
    let failure = trim_fails(&file, &overlay);
    let pointer = assert_names_ref(&failure.err, &file, "#/components/parameters/nope");
    assert_eq!(
        pointer,
        "/paths/~1{accounts_or_zones}~1{account_or_zone_id}~1widgets/parameters/0/$ref"
    );
    assert!(
        failure
            .err
            .contains("`$ref` to nothing: `#/components/parameters/nope` does not exist"),
        "{}",
        failure.err
    );

    // A response.
    let file = mutated(dir.path(), "response.json", |spec| {
        spec["paths"][LIST]["post"]["responses"]["4XX"] =
            json!({"$ref": "#/components/responses/nope"});
    });
    let failure = trim_fails(&file, &overlay);
    assert_names_ref(&failure.err, &file, "#/components/responses/nope");

    // The request body's schema.
    let file = mutated(dir.path(), "body.json", |spec| {
        spec["paths"][LIST]["post"]["requestBody"]["content"]["application/json"]["schema"] =
            json!({"$ref": "#/components/schemas/nope"});
    });
    let failure = trim_fails(&file, &overlay);
    assert_names_ref(&failure.err, &file, "#/components/schemas/nope");

    // A property of an inline request body.
    let file = mutated(dir.path(), "inline.json", |spec| {
        spec["paths"][LIST]["post"]["requestBody"]["content"]["application/json"]["schema"] = json!({
            "type": "object",
            "properties": {"owner": {"$ref": "#/components/schemas/nope"}},
        });
    });
    let failure = trim_fails(&file, &overlay);
    let pointer = assert_names_ref(&failure.err, &file, "#/components/schemas/nope");
    assert!(pointer.ends_with("/properties/owner/$ref"), "{pointer}");
}

/// Specs whose mistake sits in a component reached through a `$ref`, or in a part of an `allOf`,
/// with the pointer of the mistake, the `$ref` there if there is one, and the message.
fn mistakes_behind_refs(
    dir: &Path,
) -> Vec<(PathBuf, &'static str, Option<&'static str>, &'static str)> {
    vec![
        (
            // A property of a model that operations refer to.
            mutated(dir, "property.json", |spec| {
                spec["components"]["schemas"]["widget"]["properties"]["owner"] =
                    json!({"$ref": "#/components/schemas/owner"});
            }),
            "/components/schemas/widget/properties/owner/$ref",
            Some("#/components/schemas/owner"),
            "`$ref` to nothing: `#/components/schemas/owner` does not exist",
        ),
        (
            // Cloudflare's envelopes are `allOf: [common, {properties: {result: ...}}]`.
            mutated(dir, "envelope.json", |spec| {
                spec["paths"][LIST]["post"]["responses"]["200"]["content"]["application/json"]["schema"]
                    ["allOf"][1]["properties"]["result"] =
                    json!({"$ref": "#/components/schemas/nope"});
            }),
            "/paths/~1{accounts_or_zones}~1{account_or_zone_id}~1widgets/post/responses/200/content/application~1json/schema/allOf/1/properties/result/$ref",
            Some("#/components/schemas/nope"),
            "`$ref` to nothing: `#/components/schemas/nope` does not exist",
        ),
        (
            // A schema that is not an object.
            mutated(dir, "schema.json", |spec| {
                spec["components"]["schemas"]["widget"]["properties"]["name"] = json!("string");
            }),
            "/components/schemas/widget/properties/name",
            None,
            "a schema must be an object",
        ),
    ]
}

#[test]
fn mistakes_behind_refs_and_allof_name_their_real_pointer() {
    let dir = tempfile::tempdir().unwrap();
    for (file, pointer, reference, message) in mistakes_behind_refs(dir.path()) {
        let failure = trim_fails(&file, &fixture("overlay.toml"));
        assert_eq!(
            pointer_after(&failure.err, &file),
            pointer,
            "{}",
            failure.err
        );
        if let Some(reference) = reference {
            assert_names_ref(&failure.err, &file, reference);
        }
        assert!(failure.err.contains(message), "{}", failure.err);
    }
}

#[test]
fn ref_cycles_are_errors_at_the_ref_that_closes_them() {
    let dir = tempfile::tempdir().unwrap();
    let overlay = fixture("overlay.toml");

    // Two names for each other, and nothing else.
    let file = mutated(dir.path(), "aliases.json", |spec| {
        let schemas = &mut spec["components"]["schemas"];
        schemas["widget_summary"] = json!({"$ref": "#/components/schemas/widget_summary_alias"});
        schemas["widget_summary_alias"] = json!({"$ref": "#/components/schemas/widget_summary"});
    });
    let failure = trim_fails(&file, &overlay);
    let pointer = assert_names_ref(&failure.err, &file, "#/components/schemas/widget_summary");
    assert_eq!(pointer, "/components/schemas/widget_summary_alias/$ref");
    assert!(failure.err.contains("`$ref` cycle"), "{}", failure.err);

    // A parameter that refers to itself.
    let file = mutated(dir.path(), "parameter.json", |spec| {
        spec["components"]["parameters"]["widget_id"] =
            json!({"$ref": "#/components/parameters/widget_id"});
    });
    let failure = trim_fails(&file, &overlay);
    let pointer = assert_names_ref(&failure.err, &file, "#/components/parameters/widget_id");
    assert_eq!(pointer, "/components/parameters/widget_id/$ref");
    assert!(failure.err.contains("`$ref` cycle"), "{}", failure.err);

    // A response that refers to itself.
    let file = mutated(dir.path(), "response.json", |spec| {
        spec["components"]["responses"]["widget_error"] =
            json!({"$ref": "#/components/responses/widget_error"});
    });
    let failure = trim_fails(&file, &overlay);
    let pointer = assert_names_ref(&failure.err, &file, "#/components/responses/widget_error");
    assert_eq!(pointer, "/components/responses/widget_error/$ref");
    assert!(failure.err.contains("`$ref` cycle"), "{}", failure.err);
}

#[test]
fn structural_problems_name_their_pointer() {
    let dir = tempfile::tempdir().unwrap();
    let overlay = fixture("overlay.toml");
    let body_schema = "#/paths/~1{accounts_or_zones}~1{account_or_zone_id}~1widgets/post/requestBody/content/application~1json/schema";

    // A schema that is not an object, in an inline request body.
    let file = mutated(dir.path(), "schema.json", |spec| {
        spec["paths"][LIST]["post"]["requestBody"]["content"]["application/json"]["schema"] =
            json!({"type": "object", "properties": {"name": "string"}});
    });
    let failure = trim_fails(&file, &overlay);
    assert!(
        failure.err.contains(&format!(
            "{}{body_schema}/properties/name: a schema must be an object",
            file.display()
        )),
        "{}",
        failure.err
    );

    // A remote reference.
    let file = mutated(dir.path(), "remote.json", |spec| {
        spec["paths"][LIST]["post"]["requestBody"]["content"]["application/json"]["schema"] =
            json!({"$ref": "other.json#/components/schemas/name"});
    });
    let failure = trim_fails(&file, &overlay);
    assert_names_ref(&failure.err, &file, "other.json#/components/schemas/name");
    assert!(
        failure.err.contains("only local references are supported"),
        "{}",
        failure.err
    );

    // A request body progenitor cannot send.
    let file = mutated(dir.path(), "form.json", |spec| {
        let body = &mut spec["paths"][LIST]["post"]["requestBody"]["content"];
        let json = body
            .as_object_mut()
            .unwrap()
            .remove("application/json")
            .unwrap();
        body["multipart/form-data"] = json;
    });
    let failure = trim_fails(&file, &overlay);
    assert!(
        failure.err.contains(&format!(
            "{}#/paths/~1{{accounts_or_zones}}~1{{account_or_zone_id}}~1widgets/post/requestBody: request body media type `multipart/form-data` is not one progenitor can send",
            file.display()
        )),
        "{}",
        failure.err
    );

    // No `paths`.
    let file = mutated(dir.path(), "no-paths.json", |spec| {
        spec.as_object_mut().unwrap().remove("paths");
    });
    let failure = trim_fails(&file, &overlay);
    assert!(
        failure
            .err
            .contains(&format!("{}#/paths: ", file.display())),
        "{}",
        failure.err
    );

    // Two models of one name whose fields cannot be merged.
    let file = mutated(dir.path(), "conflict.json", |spec| {
        spec["components"]["schemas"]["widget_summary"]["properties"]["name"] =
            json!({"type": "boolean"});
    });
    let failure = trim_fails(&file, &overlay);
    assert!(
        failure
            .err
            .contains("cannot merge this schema into model `Widget`"),
        "{}",
        failure.err
    );
    assert!(failure.err.contains("property `name`"), "{}", failure.err);
    assert!(
        failure.err.contains(&format!("{}#/", file.display())),
        "{}",
        failure.err
    );
}

// ---------------------------------------------------------------------------------------------
// Broken overlays

#[test]
fn an_overlay_syntax_error_names_line_and_column() {
    let overlay = fixture("overlay-syntax-error.toml");
    let failure = trim_fails(&fixture("upstream.json"), &overlay);
    // The string never closes: the error is at the end of its line.
    let expected = format!(
        "xtask: error: {}:10:19: invalid overlay: ",
        overlay.display()
    );
    assert!(failure.err.contains("expected `\"`"), "{}", failure.err);
    assert!(failure.err.starts_with(&expected), "{}", failure.err);
}

#[test]
fn an_unknown_overlay_key_names_it_and_its_line() {
    let overlay = fixture("overlay-unknown-key.toml");
    let failure = trim_fails(&fixture("upstream.json"), &overlay);
    let expected = format!(
        "xtask: error: {}:13:1: invalid overlay: ",
        overlay.display()
    );
    assert!(failure.err.starts_with(&expected), "{}", failure.err);
    assert!(failure.err.contains("`results`"), "{}", failure.err);
}

#[test]
fn overlay_mistakes_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let good = std::fs::read_to_string(fixture("overlay.toml")).unwrap();
    let upstream = fixture("upstream.json");
    let write = |name: &str, text: String| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path
    };
    let cases = [
        (
            "area.toml",
            good.replacen("area = \"widgets\"", "area = \"gadgets\"", 1),
            "operation `widgets_list` names unknown area `gadgets`",
        ),
        (
            "upstream.toml",
            good.replacen("upstream = \"GET /", "upstream = \"GET/", 1),
            "operation `widgets_list`: upstream must read `METHOD /path`",
        ),
        (
            "id.toml",
            good.replacen("id = \"widgets_get\"", "id = \"widgets_list\"", 1),
            "operation id `widgets_list` is used twice",
        ),
        (
            "case.toml",
            good.replacen("id = \"widgets_get\"", "id = \"widgetsGet\"", 1),
            "operation id `widgetsGet` must be snake_case",
        ),
        (
            "fix.toml",
            good.replacen("operation = \"widgets_list\"", "model = \"Widget\"", 1),
            "a fix must name either `model` and `property`, or `parameter`",
        ),
        // These are found while trimming: upstream no longer matches the overlay.
        (
            "undocumented.toml",
            good.replacen("Widget = \"Our doc: a widget.\"\n", "", 1),
            "models without documentation (add them to [models]): Widget",
        ),
        (
            "unknown-model.toml",
            good.replacen("[models]\n", "[models]\nGadget = \"Not a model.\"\n", 1),
            "[models] documents models the trimmed spec does not have: Gadget",
        ),
        (
            "unused-fix.toml",
            good.replacen("parameter = \"page\"", "parameter = \"pages\"", 1),
            "the fix for parameter `pages` of widgets_list matched nothing",
        ),
        (
            "unused-rename.toml",
            good.replacen("[rename]\n", "[rename]\nGadgetThing = \"Gadget\"\n", 1),
            "[rename] `GadgetThing` matched no model",
        ),
        (
            "unused-role.toml",
            good.replacen("[parameters]\n", "[parameters]\ncursor = \"page\"\n", 1),
            "[parameters] `cursor` matched no parameter",
        ),
    ];
    for (name, text, message) in cases {
        assert_ne!(text, good, "{name}: the replacement did not apply");
        let overlay = write(name, text);
        let failure = trim_fails(&upstream, &overlay);
        assert!(
            failure
                .err
                .starts_with(&format!("xtask: error: {}: ", overlay.display())),
            "{name}: {}",
            failure.err
        );
        assert!(failure.err.contains(message), "{name}: {}", failure.err);
    }

    // An overlay that is not there.
    let missing = dir.path().join("missing.toml");
    let failure = trim_fails(&upstream, &missing);
    assert!(
        failure.err.starts_with(&format!(
            "xtask: error: {}: cannot read overlay: ",
            missing.display()
        )),
        "{}",
        failure.err
    );
}

#[test]
fn check_mode_on_bad_input_fails_the_same_way() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("openapi.json"), SENTINEL).unwrap();
    let args: Vec<OsString> = vec![
        "xtask".into(),
        "trim".into(),
        "--check".into(),
        "--upstream".into(),
        fixture("broken.json").into(),
        "--out".into(),
        dir.path().into(),
        "--overlay".into(),
        fixture("overlay.toml").into(),
    ];
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = xtask::cli::run(args, &mut out, &mut err);
    let err = String::from_utf8(err).unwrap();
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("broken.json:4:3: invalid JSON"), "{err}");
    assert!(out.is_empty(), "no diff for input that did not parse");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("openapi.json")).unwrap(),
        SENTINEL
    );
}

#[test]
fn usage_errors_exit_with_2() {
    for args in [
        vec!["xtask", "trim"],
        vec!["xtask", "trim", "--upstream"],
        vec!["xtask", "trim", "--upstream", "x.json", "--bogus"],
        vec!["xtask", "changes", "only-one.json"],
        vec!["xtask", "frobnicate"],
    ] {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let code = xtask::cli::run(args.clone(), &mut out, &mut err);
        let err = String::from_utf8(err).unwrap();
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(err.starts_with("error: "), "{args:?}: {err}");
        assert!(out.is_empty(), "{args:?}");
    }
}

#[test]
fn changes_on_bad_input_names_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let good = repo_root().join("spec/openapi.json");
    let missing = dir.path().join("old.json");
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = xtask::cli::run(
        [
            OsString::from("xtask"),
            "changes".into(),
            missing.clone().into(),
            good.clone().into(),
        ],
        &mut out,
        &mut err,
    );
    let err = String::from_utf8(err).unwrap();
    assert_eq!(code, 1, "{err}");
    assert!(
        err.starts_with(&format!("xtask: error: {}: cannot read", missing.display())),
        "{err}"
    );

    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = xtask::cli::run(
        [
            OsString::from("xtask"),
            "changes".into(),
            good.into(),
            fixture("broken.json").into(),
            "--json".into(),
        ],
        &mut out,
        &mut err,
    );
    let err = String::from_utf8(err).unwrap();
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("broken.json:4:3: invalid JSON"), "{err}");
    assert!(out.is_empty());
}

// ---------------------------------------------------------------------------------------------
// The generator

/// A repository root in a temporary directory with what `generate::run` reads (the spec, and
/// Cargo.lock for progenitor's version) and a copy of the current generated modules.
struct GenRoot {
    dir: tempfile::TempDir,
    before: BTreeMap<PathBuf, Vec<u8>>,
}

const CODEGEN: &str = "generated/src";

impl GenRoot {
    fn new(spec: &[u8]) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let repo = repo_root();
        std::fs::copy(repo.join("Cargo.lock"), dir.path().join("Cargo.lock")).unwrap();
        std::fs::create_dir_all(dir.path().join("spec")).unwrap();
        std::fs::write(dir.path().join("spec/openapi.json"), spec).unwrap();
        let source = repo.join(CODEGEN);
        let target = dir.path().join(CODEGEN);
        for (relative, bytes) in tree(&source) {
            let path = target.join(relative);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, bytes).unwrap();
        }
        let before = tree(&target);
        assert!(!before.is_empty(), "no generated modules to copy");
        Self { dir, before }
    }

    fn from_spec(spec: &Value) -> Self {
        Self::new(xtask::trim::render(spec).as_bytes())
    }

    /// Runs the generator in `mode`; it must fail without panicking and leave the generated
    /// modules alone. Returns the error with its causes.
    fn fails(&self, mode: Mode) -> String {
        let mut out = Vec::new();
        let result = catch_unwind(AssertUnwindSafe(|| {
            xtask::generate::run(self.dir.path(), mode, &mut out)
        }))
        .unwrap_or_else(|_| panic!("the generator panicked"));
        let error = match result {
            Ok(report) => panic!("the generator accepted a broken spec: {report:?}"),
            Err(e) => format!("{e:#}"),
        };
        assert_eq!(
            tree(&self.dir.path().join(CODEGEN)),
            self.before,
            "a failed generation changed {CODEGEN}: {error}"
        );
        error
    }
}

fn committed_spec() -> Value {
    let text = std::fs::read_to_string(repo_root().join("spec/openapi.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

#[test]
fn generator_on_invalid_json_names_line_and_column() {
    let text = std::fs::read_to_string(repo_root().join("spec/openapi.json")).unwrap();
    // Cut in the middle of the document: the JSON ends too early.
    let cut = text.lines().take(40).collect::<Vec<_>>().join("\n");
    let root = GenRoot::new(cut.as_bytes());
    for mode in [Mode::Write, Mode::Check] {
        let error = root.fails(mode);
        let spec_file = root.dir.path().join("spec/openapi.json");
        assert!(
            error.starts_with(&format!("{}:40:", spec_file.display())),
            "{error}"
        );
        assert!(error.contains("invalid JSON: "), "{error}");
    }
}

#[test]
fn generator_refuses_openapi_31_at_the_version_field() {
    let mut spec = committed_spec();
    spec["openapi"] = json!("3.1.0");
    let root = GenRoot::from_spec(&spec);
    let error = root.fails(Mode::Write);
    assert!(
        error.contains("spec/openapi.json#/openapi: OpenAPI 3.1.0 is not supported"),
        "{error}"
    );
}

#[test]
fn generator_on_an_operation_without_its_envelope_model_fails() {
    let mut spec = committed_spec();
    let removed = spec["components"]["schemas"]
        .as_object_mut()
        .unwrap()
        .remove("ServiceTokenListEnvelope");
    assert!(
        removed.is_some(),
        "the committed spec changed: pick another model"
    );
    let root = GenRoot::from_spec(&spec);
    let error = root.fails(Mode::Write);
    assert!(
        error.contains("access~1service_tokens/get/responses/"),
        "{error}"
    );
    assert!(error.contains("`$ref` to nothing"), "{error}");
    assert!(error.contains("ServiceTokenListEnvelope"), "{error}");
}

#[test]
fn generator_on_a_model_referring_to_a_missing_model_fails() {
    let mut spec = committed_spec();
    let removed = spec["components"]["schemas"]
        .as_object_mut()
        .unwrap()
        .remove("TokenStatus");
    assert!(
        removed.is_some(),
        "the committed spec changed: pick another model"
    );
    let root = GenRoot::from_spec(&spec);
    let error = root.fails(Mode::Write);
    assert!(error.contains("TokenStatus"), "{error}");
}

#[test]
fn generator_turns_progenitor_panics_into_errors() {
    // progenitor panics ("... missing from path") when a path parameter is not in the path.
    let mut spec = committed_spec();
    let op = &mut spec["paths"]["/accounts/{account_id}/ai-search/tokens/{id}"]["get"];
    let parameters = op["parameters"].as_array_mut().unwrap();
    let id = parameters
        .iter_mut()
        .find(|p| p["name"] == "id")
        .expect("the committed spec changed: pick another parameter");
    id["name"] = json!("token_id");
    // The generator's own checks catch this before progenitor (with a pointer, tested below);
    // rendering directly reaches progenitor, whose panic must still come back as an error.
    let error = render_without_checks(&spec);
    assert!(error.contains("progenitor failed on this spec"), "{error}");
    assert!(error.contains("token_id"), "{error}");
    let root = GenRoot::from_spec(&spec);
    assert!(
        root.fails(Mode::Write)
            .contains("path parameter `token_id` is not in the path")
    );
}

#[test]
fn a_success_response_not_marked_as_an_envelope_is_the_result_itself() {
    // The generator knows envelopes by the trimmer's mark, not by their names: a model without
    // it is a bare answer, returned as it is.
    let mut spec = committed_spec();
    let envelope = &mut spec["components"]["schemas"]["TokenVerificationEnvelope"];
    assert!(
        envelope.is_object(),
        "the committed spec changed: pick another model"
    );
    envelope.as_object_mut().unwrap().remove("x-envelope");
    let bytes = xtask::trim::render(&spec);
    let progenitor = xtask::generate::progenitor_version(&repo_root()).unwrap();
    let files = xtask::generate::render(&spec, bytes.as_bytes(), &progenitor)
        .unwrap_or_else(|e| panic!("{e:#}"));
    let methods = &files[std::path::Path::new("methods/user_tokens.rs")];
    let method = methods
        .split("pub async fn user_tokens_verify(")
        .nth(1)
        .expect("the method is generated");
    let returns = method.split('{').next().unwrap();
    assert_eq!(
        returns.split_whitespace().collect::<String>(),
        "&self,)->crate::Result<crate::Response<types::TokenVerificationEnvelope>>",
        "{methods}"
    );
}

#[test]
fn post_processing_that_finds_nothing_to_rewrite_fails_loudly() {
    // A date-time property that progenitor types otherwise (here through typify's own
    // `x-rust-type`, naming a type of a crate the generator declares): the tolerant date-time
    // decoding would silently not apply to it.
    let mut spec = committed_spec();
    let property = &mut spec["components"]["schemas"]["UserToken"]["properties"]["expires_on"];
    assert_eq!(
        property["format"], "date-time",
        "the committed spec changed: pick another property"
    );
    use xtask::generate::prepare::{SECRET_CRATE, SECRET_PATH};
    property["x-rust-type"] = json!({"crate": SECRET_CRATE, "version": "*", "path": SECRET_PATH});
    let error = GenRoot::from_spec(&spec).fails(Mode::Write);
    assert!(error.contains("date-time properties, but"), "{error}");
    assert!(
        error.contains("update xtask/src/generate/postprocess.rs"),
        "{error}"
    );
}

/// What `xtask::generate::render` says of `spec`, bypassing the checks `run` makes first.
fn render_without_checks(spec: &serde_json::Value) -> String {
    let bytes = serde_json::to_vec(spec).unwrap();
    match xtask::generate::render(spec, &bytes, "test") {
        Ok(_) => panic!("rendering succeeded"),
        Err(e) => format!("{e:#}"),
    }
}

#[test]
fn generator_turns_progenitor_todo_into_an_error() {
    // progenitor has a `todo!()` for request bodies with an `encoding`.
    let mut spec = committed_spec();
    let body =
        &mut spec["paths"]["/user/tokens"]["post"]["requestBody"]["content"]["application/json"];
    assert!(
        body.is_object(),
        "the committed spec changed: pick another body"
    );
    body["encoding"] = json!({"name": {"contentType": "text/plain"}});
    let error = render_without_checks(&spec);
    assert!(error.contains("progenitor failed on this spec"), "{error}");
    assert!(error.contains("encoding"), "{error}");
    let error = GenRoot::from_spec(&spec).fails(Mode::Write);
    assert!(
        error.contains("/requestBody/content/application~1json/encoding"),
        "{error}"
    );
}

/// The JSON pointer after `spec/openapi.json#` in `error`, if there is one.
fn spec_pointer(error: &str) -> Option<String> {
    let start = error.find("spec/openapi.json#")? + "spec/openapi.json#".len();
    let rest = &error[start..];
    Some(rest[..rest.find(": ").unwrap_or(rest.len())].to_string())
}

#[test]
fn generator_errors_name_the_spec_file_and_the_pointer() {
    // A reference to a model that is not there: the error should say where the reference is.
    let mut spec = committed_spec();
    spec["components"]["schemas"]
        .as_object_mut()
        .unwrap()
        .remove("TokenStatus");
    let error = GenRoot::from_spec(&spec).fails(Mode::Write);
    let pointer = spec_pointer(&error).unwrap_or_else(|| panic!("no file and pointer: {error}"));
    assert_eq!(
        spec.pointer(&pointer),
        Some(&json!("#/components/schemas/TokenStatus")),
        "{error}"
    );

    // The same for an operation's envelope.
    let mut spec = committed_spec();
    spec["components"]["schemas"]
        .as_object_mut()
        .unwrap()
        .remove("ServiceTokenListEnvelope");
    let error = GenRoot::from_spec(&spec).fails(Mode::Write);
    let pointer = spec_pointer(&error).unwrap_or_else(|| panic!("no file and pointer: {error}"));
    assert_eq!(
        spec.pointer(&pointer),
        Some(&json!("#/components/schemas/ServiceTokenListEnvelope")),
        "{error}"
    );

    // A path parameter that is not in the path: the error should name the operation's place.
    let mut spec = committed_spec();
    let parameters =
        &mut spec["paths"]["/accounts/{account_id}/ai-search/tokens/{id}"]["get"]["parameters"];
    for parameter in parameters.as_array_mut().unwrap() {
        if parameter["name"] == "id" {
            parameter["name"] = json!("token_id");
        }
    }
    let error = GenRoot::from_spec(&spec).fails(Mode::Write);
    let pointer = spec_pointer(&error).unwrap_or_else(|| panic!("no file and pointer: {error}"));
    assert!(
        pointer.starts_with("/paths/~1accounts~1{account_id}~1ai-search~1tokens~1{id}/get"),
        "{error}"
    );
}

#[test]
fn the_generator_setup_succeeds_on_the_committed_spec() {
    // The control for the tests above: with the committed spec, the same temporary root
    // generates without error, so their failures come from the breakage alone. (Whether the
    // committed modules are current is another test's business.)
    let bytes = std::fs::read(repo_root().join("spec/openapi.json")).unwrap();
    let root = GenRoot::new(&bytes);
    let mut out = Vec::new();
    xtask::generate::run(root.dir.path(), Mode::Check, &mut out)
        .unwrap_or_else(|e| panic!("{e:#}"));
    assert_eq!(
        tree(&root.dir.path().join(CODEGEN)),
        root.before,
        "check mode wrote something"
    );
}
