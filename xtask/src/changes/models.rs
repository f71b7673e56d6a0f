//! Models (components/schemas) and their fields. Envelopes are left out: the generator replaces
//! them by its generic envelope, and what they wrap is compared per operation as its result.

use std::collections::BTreeSet;
use std::sync::LazyLock;

use serde_json::{Map, Value};

use super::diff::{Aspect, Difference, differences, enum_differences, plural};
use super::shape::{Ty, flag, list, unwrap};
use super::spec::{Spec, is_envelope};
use super::{Change, Kind};

/// What sort of Rust type a model becomes.
enum Form<'a> {
    Struct {
        fields: &'a Map<String, Value>,
        required: BTreeSet<&'a str>,
    },
    /// `{type: object}` without properties: a map of anything, not a struct.
    FreeObject,
    Enum(&'a [Value]),
    Other(Ty),
}

static NO_FIELDS: LazyLock<Map<String, Value>> = LazyLock::new(Map::new);

impl<'a> Form<'a> {
    fn of(schema: &'a Value) -> Self {
        if let Some(fields) = schema.get("properties").and_then(Value::as_object) {
            let required = schema.get("required").and_then(Value::as_array);
            let required = required.into_iter().flatten().filter_map(Value::as_str);
            return Form::Struct {
                fields,
                required: required.collect(),
            };
        }
        if let Some(values) = schema.get("enum").and_then(Value::as_array) {
            return Form::Enum(values);
        }
        match Ty::of(schema) {
            Ty::Scalar { name, format: None } if name == "object" => Form::FreeObject,
            ty => Form::Other(ty),
        }
    }

    /// Fields to compare: a free-form object has none, so that when it becomes a struct the
    /// report lists what the struct now has.
    fn fields(&self) -> (&Map<String, Value>, BTreeSet<&str>) {
        match self {
            Form::Struct { fields, required } => (fields, required.clone()),
            _ => (&NO_FIELDS, BTreeSet::new()),
        }
    }

    fn describe(&self) -> String {
        match self {
            Form::Struct { fields, .. } => {
                let names: Vec<String> = fields.keys().cloned().collect();
                match names.len() {
                    0 => "a struct without fields".into(),
                    1..=6 => format!("a struct with {}", list(&names)),
                    n => format!("a struct with {n} fields"),
                }
            }
            Form::FreeObject => "a free-form JSON object".into(),
            Form::Enum(values) => format!(
                "an enum of {} {}",
                values.len(),
                plural(values.len(), "value", "values")
            ),
            Form::Other(ty) => ty.to_string(),
        }
    }

    fn same_sort(&self, other: &Form<'_>) -> bool {
        std::mem::discriminant(self) == std::mem::discriminant(other)
    }
}

pub fn compare(old: &Spec<'_>, new: &Spec<'_>, out: &mut Vec<Change>) {
    let names: BTreeSet<&String> = old.models.keys().chain(new.models.keys()).collect();
    let framing = |name: &str| is_envelope(old.models, name) || is_envelope(new.models, name);
    for name in names.into_iter().filter(|n| !framing(n)) {
        let subject = format!("model {name}");
        match (old.models.get(name), new.models.get(name)) {
            (None, Some(added)) => out.push(Change::new(
                Kind::ModelAdded,
                subject,
                false,
                format!("new model: {}", Form::of(added).describe()),
            )),
            (Some(_), None) => {
                let used = old.used_models.contains(name);
                let detail = if used {
                    "model removed: code that names its type no longer compiles"
                } else {
                    "model removed; no operation used it"
                };
                out.push(Change::new(Kind::ModelRemoved, subject, used, detail));
            }
            (Some(before), Some(after)) => model(name, (before, after), new, out),
            (None, None) => unreachable!("the name comes from one of the two specs"),
        }
    }
}

fn model(name: &str, (old, new): (&Value, &Value), new_spec: &Spec<'_>, out: &mut Vec<Change>) {
    let subject = format!("model {name}");
    let (before, after) = (Form::of(old), Form::of(new));
    if !before.same_sort(&after) {
        let detail = format!("was {}, now {}", before.describe(), after.describe());
        out.push(Change::new(Kind::ModelTypeChanged, &subject, true, detail));
        // A map that became a struct (or back) still has fields worth listing.
        if !matches!(
            (&before, &after),
            (Form::FreeObject, Form::Struct { .. }) | (Form::Struct { .. }, Form::FreeObject)
        ) {
            return;
        }
    }
    match (&before, &after) {
        (Form::Enum(old_values), Form::Enum(new_values)) => {
            let mut found = differences(&strip_enum(old), &strip_enum(new));
            found.extend(enum_differences(Some(old_values), Some(new_values)));
            push_differences(&subject, found, true, out);
        }
        (Form::Other(_), Form::Other(_)) => {
            push_differences(&subject, differences(old, new), true, out)
        }
        _ => {
            let in_requests = new_spec.request_models.contains(name);
            fields(name, (&before, &after), in_requests, out);
        }
    }
}

/// An enum model without its values, to compare its underlying type alone.
fn strip_enum(schema: &Value) -> Value {
    let mut schema = schema.clone();
    if let Some(map) = schema.as_object_mut() {
        map.remove("enum");
    }
    schema
}

/// Records differences found on a model as a whole (`whole`) or on one of its fields.
fn push_differences(subject: &str, found: Vec<Difference>, whole: bool, out: &mut Vec<Change>) {
    for difference in found {
        let kind = match difference.aspect {
            Aspect::Type if whole => Kind::ModelTypeChanged,
            Aspect::Type => Kind::FieldTypeChanged,
            Aspect::Format => Kind::FieldFormatChanged,
            Aspect::Secrecy => Kind::FieldSecrecyChanged,
            Aspect::EnumAdded => Kind::EnumValuesAdded,
            Aspect::EnumRemoved => Kind::EnumValuesRemoved,
        };
        out.push(Change::new(
            kind,
            subject,
            difference.breaking,
            difference.detail,
        ));
    }
}

fn nullable(schema: &Value) -> bool {
    flag(schema, "nullable") || flag(unwrap(schema), "nullable")
}

fn fields(
    model: &str,
    (old, new): (&Form<'_>, &Form<'_>),
    in_requests: bool,
    out: &mut Vec<Change>,
) {
    let ((before, old_required), (after, new_required)) = (old.fields(), new.fields());
    let names: BTreeSet<&String> = before.keys().chain(after.keys()).collect();
    for field in names {
        let subject = format!("model {model}.{field}");
        let required = (
            old_required.contains(field.as_str()),
            new_required.contains(field.as_str()),
        );
        match (before.get(field), after.get(field)) {
            (None, Some(schema)) => {
                // A model callers send is built with a struct literal: any new field, optional
                // or not, breaks a literal that lists every field (models are not
                // `#[non_exhaustive]`, so that `..Model::new(…)` works).
                let breaking = in_requests;
                let mut detail = format!(
                    "new {} field of type {}",
                    if required.1 { "required" } else { "optional" },
                    Ty::of(schema)
                );
                if in_requests && required.1 {
                    detail.push_str(": requests must now set it");
                } else if in_requests {
                    detail.push_str(
                        ": a struct literal that lists every field no longer compiles \
                         (one ending in `..Model::new(…)` or `..Default::default()` does)",
                    );
                }
                out.push(Change::new(Kind::FieldAdded, subject, breaking, detail));
            }
            (Some(_), None) => out.push(Change::new(
                Kind::FieldRemoved,
                subject,
                true,
                "field removed: code that reads or sets it no longer compiles",
            )),
            (Some(o), Some(n)) => common_field(&subject, (o, n), required, out),
            (None, None) => unreachable!("the name comes from one of the two models"),
        }
    }
}

/// One field present on both sides. Its Rust type is `Option<T>` when it is optional or
/// nullable, so required and nullable changes break exactly when they move it across that line.
fn common_field(
    subject: &str,
    (old, new): (&Value, &Value),
    required: (bool, bool),
    out: &mut Vec<Change>,
) {
    let found = differences(old, new);
    let type_changed = found.iter().any(|d| d.aspect == Aspect::Type);
    push_differences(subject, found, false, out);
    if type_changed {
        return;
    }
    let null = (nullable(old), nullable(new));
    let optional = (!required.0 || null.0, !required.1 || null.1);
    let breaking = optional.0 != optional.1;
    let effect = match optional {
        (false, true) => "its Rust type changes from T to Option<T>",
        (true, false) => "its Rust type changes from Option<T> to T",
        (true, true) => "its Rust type stays Option<T>",
        (false, false) => "its Rust type stays T",
    };
    if required.0 != required.1 {
        let what = if required.1 {
            "now required"
        } else {
            "no longer required"
        };
        let detail = format!("{what}: {effect}");
        out.push(Change::new(
            Kind::FieldRequiredChanged,
            subject,
            breaking,
            detail,
        ));
    }
    if null.0 != null.1 {
        let what = if null.1 {
            "may now be null"
        } else {
            "is no longer nullable"
        };
        let detail = format!("{what}: {effect}");
        out.push(Change::new(
            Kind::FieldNullableChanged,
            subject,
            breaking,
            detail,
        ));
    }
}
