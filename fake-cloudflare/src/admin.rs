//! The admin API, under `/__fake` (outside `/client/v4`, so no Cloudflare path can collide):
//! faults, the request log, state, and a reset. It needs no credentials, is never logged and
//! never faulted. Its answers are plain JSON, not Cloudflare envelopes.
//!
//! | method | path | does |
//! | ------ | ---- | ---- |
//! | GET    | `/__fake/requests[?operation=ID]` | the request log (all, or one operation's) |
//! | DELETE | `/__fake/requests` | empties the log |
//! | GET    | `/__fake/faults` | the faults not yet used up |
//! | POST   | `/__fake/faults` | adds faults: a fault object, a text form, or an array of either |
//! | DELETE | `/__fake/faults` | removes every fault |
//! | GET    | `/__fake/held` | `{"held": N}`: how many answers `hold` faults keep back now |
//! | POST   | `/__fake/release` | sends every held answer |
//! | GET    | `/__fake/state` | every object of the fake, without secrets |
//! | POST   | `/__fake/user_tokens` | `{"name": ...}` → a new user token's `{"id", "value"}` |
//! | POST   | `/__fake/reset` | empties state, faults and log (the credentials stay) |
//! | GET    | `/__fake/clock` | `{"now": ...}`: the fake's time |
//! | POST   | `/__fake/clock` | `{"advance_seconds": N}` moves the fake's time forward; → `{"now": ...}` |
//! | GET    | `/__fake/access/protected[?account=ID\|?zone=ID]` | an Access application: 200 for valid `CF-Access-Client-Id`/`-Secret`, else 403 ([`crate::access_app`]) |

use hyper::Method;
use hyper::body::Bytes;
use hyper::http::request::Parts;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::access_app;
use crate::faults::Fault;
use crate::ids::timestamp;
use crate::query::Query;
use crate::shared::Shared;

pub const PREFIX: &str = "/__fake";

/// A fault as the admin API takes it: an object or its text form.
#[derive(Deserialize)]
#[serde(untagged)]
enum FaultInput {
    Object(Fault),
    Text(String),
}

#[derive(Deserialize)]
#[serde(untagged)]
enum FaultsInput {
    Many(Vec<FaultInput>),
    One(FaultInput),
}

fn error(status: u16, message: impl Into<String>) -> (u16, Value) {
    (status, json!({ "error": message.into() }))
}

fn parse_faults(bytes: &[u8]) -> Result<Vec<Fault>, String> {
    let input: FaultsInput = serde_json::from_slice(bytes).map_err(|e| {
        format!("expected a fault object, a fault's text form, or an array of them: {e}")
    })?;
    let inputs = match input {
        FaultsInput::Many(many) => many,
        FaultsInput::One(one) => vec![one],
    };
    inputs
        .into_iter()
        .map(|input| {
            let fault = match input {
                FaultInput::Object(fault) => fault,
                FaultInput::Text(text) => text.parse()?,
            };
            fault.validate()?;
            Ok(fault)
        })
        .collect()
}

pub(crate) fn handle(shared: &Shared, parts: &Parts, bytes: &Bytes) -> (u16, Value) {
    let path = parts.uri.path().strip_prefix(PREFIX).unwrap_or_default();
    let path = path.strip_suffix('/').unwrap_or(path);
    let method = &parts.method;
    let mut inner = shared.lock();
    match (method, path) {
        (&Method::GET, "/requests") => {
            let query = Query::parse(parts.uri.query());
            let operation = query.get("operation");
            let requests: Vec<_> = inner
                .log
                .iter()
                .filter(|r| operation.is_none_or(|op| r.operation.as_deref() == Some(op)))
                .collect();
            (200, json!(requests))
        }
        (&Method::DELETE, "/requests") => {
            let cleared = inner.log.len();
            inner.log.clear();
            (200, json!({ "cleared": cleared }))
        }
        (&Method::GET, "/faults") => (200, json!(inner.faults.pending())),
        (&Method::POST, "/faults") => match parse_faults(bytes) {
            Ok(faults) => {
                faults.into_iter().for_each(|f| inner.faults.push(f));
                (200, json!(inner.faults.pending()))
            }
            Err(e) => error(400, e),
        },
        (&Method::DELETE, "/faults") => {
            inner.faults.clear();
            (200, json!([]))
        }
        (&Method::GET, "/held") => (200, json!({ "held": shared.holds.held() })),
        (&Method::POST, "/release") => {
            let released = shared.holds.held();
            shared.holds.release();
            (200, json!({ "released": released }))
        }
        (&Method::GET, "/state") => (200, inner.state.dump(shared.now())),
        (&Method::POST, "/user_tokens") => {
            let name = serde_json::from_slice::<Value>(bytes)
                .ok()
                .and_then(|v| v.get("name").and_then(Value::as_str).map(str::to_owned));
            match name {
                Some(name) => {
                    let (id, value) = inner.state.user_tokens.seed(&name, shared.now());
                    (200, json!({ "id": id, "value": value }))
                }
                None => error(400, "expected {\"name\": \"...\"}"),
            }
        }
        (&Method::POST, "/reset") => {
            inner.state.reset();
            inner.faults.clear();
            inner.log.clear();
            shared.holds.release();
            (200, json!({ "reset": true }))
        }
        (&Method::GET, "/clock") => (200, json!({ "now": timestamp(shared.now()) })),
        (&Method::POST, "/clock") => {
            let seconds = serde_json::from_slice::<Value>(bytes).ok().and_then(|v| {
                v.get("advance_seconds")
                    .and_then(Value::as_u64)
                    .and_then(|s| u32::try_from(s).ok())
            });
            match seconds {
                Some(seconds) => {
                    shared.advance_clock(seconds);
                    (200, json!({ "now": timestamp(shared.now()) }))
                }
                None => error(
                    400,
                    "expected {\"advance_seconds\": N}, N from 0 to 4294967295",
                ),
            }
        }
        (&Method::GET, "/access/protected") => access_app::check(
            &inner.state.access,
            &parts.headers,
            parts.uri.query(),
            shared.now(),
        ),
        (
            _,
            "/requests" | "/faults" | "/held" | "/release" | "/state" | "/user_tokens" | "/reset"
            | "/clock" | "/access/protected",
        ) => error(405, "method not allowed"),
        _ => error(404, format!("no admin endpoint {}", parts.uri.path())),
    }
}
