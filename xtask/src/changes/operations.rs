//! Operations: added, removed, moved, and per operation its parameters, request body and the
//! result of a successful call.

use std::collections::BTreeSet;

use serde_json::Value;

use super::diff::{differences, limit_changes};
use super::shape::{Ty, flag, unwrap};
use super::spec::{Operation, Spec};
use super::{Change, Kind};

pub fn compare(old: &Spec<'_>, new: &Spec<'_>, out: &mut Vec<Change>) {
    let ids: BTreeSet<&String> = old.operations.keys().chain(new.operations.keys()).collect();
    for id in ids {
        let subject = format!("operation {id}");
        match (old.operations.get(id), new.operations.get(id)) {
            (None, Some(added)) => out.push(Change::new(
                Kind::OperationAdded,
                subject,
                false,
                format!("new operation, {}", added.route()),
            )),
            (Some(removed), None) => out.push(Change::new(
                Kind::OperationRemoved,
                subject,
                true,
                format!(
                    "operation removed (was {}): the client loses this method",
                    removed.route()
                ),
            )),
            (Some(before), Some(after)) => {
                // The same method now calls another endpoint: a different operation in all but
                // name, which a reviewer must look at even though callers still compile.
                if before.route() != after.route() {
                    out.push(Change::new(
                        Kind::OperationMoved,
                        subject.clone(),
                        true,
                        format!("now {}, was {}", after.route(), before.route()),
                    ));
                }
                parameters(&subject, before, after, out);
                request_body(&subject, before, after, out);
                result(&subject, (before, old), (after, new), out);
            }
            (None, None) => unreachable!("the id comes from one of the two specs"),
        }
    }
}

fn location(parameter: &Value) -> &str {
    parameter.get("in").and_then(Value::as_str).unwrap_or("?")
}

fn schema(parameter: &Value) -> &Value {
    static ANY: Value = Value::Null;
    parameter.get("schema").unwrap_or(&ANY)
}

/// Parameters match by name. A path parameter is an argument of the method; a query parameter
/// is a field of the operation's query struct (`…Query`), which callers build with a literal:
/// any new parameter breaks code, an optional one a literal that lists every field.
fn parameters(subject: &str, old: &Operation<'_>, new: &Operation<'_>, out: &mut Vec<Change>) {
    let (before, after) = (old.parameters(), new.parameters());
    let names: BTreeSet<&str> = before.keys().chain(after.keys()).copied().collect();
    for name in names {
        let subject = format!("{subject} parameter {name}");
        match (before.get(name), after.get(name)) {
            (None, Some(p)) => {
                let required = flag(p, "required");
                let mut detail = format!(
                    "new {} {} parameter of type {}",
                    if required { "required" } else { "optional" },
                    location(p),
                    Ty::of(schema(p))
                );
                if !required {
                    detail.push_str(
                        ": a literal of the query struct that lists every field no longer \
                         compiles (one ending in `..Default::default()` does)",
                    );
                }
                out.push(Change::new(Kind::ParameterAdded, subject, true, detail));
            }
            (Some(p), None) => out.push(Change::new(
                Kind::ParameterRemoved,
                subject,
                true,
                format!("{} parameter removed", location(p)),
            )),
            (Some(o), Some(n)) => {
                let (breaking, details) = parameter_changes(o, n);
                if !details.is_empty() {
                    let detail = details.join("; ");
                    out.push(Change::new(
                        Kind::ParameterChanged,
                        subject,
                        breaking,
                        detail,
                    ));
                }
            }
            (None, None) => unreachable!("the name comes from one of the two operations"),
        }
    }
}

fn parameter_changes(old: &Value, new: &Value) -> (bool, Vec<String>) {
    let mut breaking = false;
    let mut details = Vec::new();
    if location(old) != location(new) {
        breaking = true;
        details.push(format!("moved from {} to {}", location(old), location(new)));
    }
    match (flag(old, "required"), flag(new, "required")) {
        (false, true) => {
            breaking = true;
            details.push("now required: its argument changes from Option<T> to T".into());
        }
        (true, false) => {
            breaking = true;
            details.push("no longer required: its argument changes from T to Option<T>".into());
        }
        _ => {}
    }
    for difference in differences(schema(old), schema(new)) {
        breaking |= difference.breaking;
        details.push(difference.detail);
    }
    let limits = limit_changes(schema(old), schema(new));
    if !limits.is_empty() {
        details.push(format!("limits changed: {limits}"));
    }
    (breaking, details)
}

/// Progenitor makes the body a required argument whatever the spec says, so only its presence
/// and its type matter.
fn request_body(subject: &str, old: &Operation<'_>, new: &Operation<'_>, out: &mut Vec<Change>) {
    let detail = match (old.body(), new.body()) {
        (None, None) => return,
        (None, Some(body)) => format!(
            "now takes a request body of type {}: the method gains an argument",
            Ty::of(body)
        ),
        (Some(body), None) => format!(
            "no longer takes a request body (was {}): the method loses an argument",
            Ty::of(body)
        ),
        (Some(before), Some(after)) => {
            let (before, after) = (Ty::of(before), Ty::of(after));
            if before == after {
                return;
            }
            format!("request body was {before}, now {after}")
        }
    };
    out.push(Change::new(Kind::RequestBodyChanged, subject, true, detail));
}

/// The result of a successful call, seen through Cloudflare's envelope.
fn result(
    subject: &str,
    (old, old_spec): (&Operation<'_>, &Spec<'_>),
    (new, new_spec): (&Operation<'_>, &Spec<'_>),
    out: &mut Vec<Change>,
) {
    let (before, after) = (old.result(old_spec.models), new.result(new_spec.models));
    let mut push = |breaking: bool, detail: String| {
        out.push(Change::new(
            Kind::ResponseChanged,
            subject,
            breaking,
            detail,
        ));
    };
    let (before, after) = match (before, after) {
        (None, None) => return,
        (None, Some(after)) => {
            return push(
                true,
                format!(
                    "a successful call now returns {}, was nothing",
                    Ty::of(after)
                ),
            );
        }
        (Some(before), None) => {
            return push(
                true,
                format!(
                    "a successful call now returns nothing, was {}",
                    Ty::of(before)
                ),
            );
        }
        (Some(before), Some(after)) => (before, after),
    };
    for difference in differences(before, after) {
        let detail = format!("result: {}", difference.detail);
        push(difference.breaking, detail);
    }
    // The generator types the envelope's `result` without its nullability, so this changes
    // what may arrive, not the Rust type.
    let nullable = |schema: &Value| flag(schema, "nullable") || flag(unwrap(schema), "nullable");
    if nullable(before) != nullable(after) {
        let detail = if nullable(after) {
            "the result may now be null"
        } else {
            "the result is no longer nullable"
        };
        push(false, detail.into());
    }
}
