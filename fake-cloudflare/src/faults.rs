//! Injected faults ("switches"): what goes wrong, for which operation, how many times.
//!
//! A fault targets an operation id (or `*` for every operation) and is used up one request at a
//! time. Faults for the same operation queue up in the order they were injected, so a test can
//! script "429, then 502, then the real answer".
//!
//! The text form, used by `--fault` and accepted by the admin API, is
//! `OPERATION=ACTION[:TIMES]`, where `TIMES` is a positive number (default 1) or `forever`, and
//! `ACTION` is one of:
//!
//! - `fail/STATUS[/CODE[/MESSAGE]]`: answer `STATUS` with a Cloudflare error envelope
//! - `drop`: read the request, then close the connection without answering or doing anything
//! - `drop-after`: carry out the request, then close the connection without answering
//! - `rate-limit[/SECONDS]`: answer 429 with `Retry-After: SECONDS` (default 1)
//! - `html-502`: answer 502 with an HTML page, as Cloudflare's edge does when the origin fails
//! - `truncate`: carry out the request, then answer 200 with the first half of the JSON body
//! - `delay/MILLIS`: wait, then answer normally
//! - `omit/FIELD`: carry out the request, then answer without the field `FIELD` of the result
//!   (e.g. a create whose answer lacks the secret it promised)
//! - `hold`: carry out the request, then keep the connection open without answering until the
//!   held requests are released (`POST /__fake/release`, [`FakeCloudflare::release_held`]), when
//!   the real answer goes out; never, if nobody releases them. For tests that kill a client
//!   while it waits for an answer: [`FakeCloudflare::wait_for_held`] tells when one is held.
//!
//! [`FakeCloudflare::release_held`]: crate::FakeCloudflare::release_held
//! [`FakeCloudflare::wait_for_held`]: crate::FakeCloudflare::wait_for_held

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::routes::Operation;

/// One injected fault.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fault {
    /// The operation id (e.g. `user_tokens_create`) the fault applies to, or `*` for all.
    pub operation: String,
    /// What happens.
    #[serde(flatten)]
    pub action: FaultAction,
    /// How many requests it applies to.
    #[serde(default)]
    pub times: Times,
}

/// What an injected fault does to a request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FaultAction {
    /// Answer `status` with a Cloudflare error envelope holding `code` and `message`.
    Fail {
        status: u16,
        code: i64,
        message: String,
    },
    /// Read the request, then close the connection without answering or carrying it out.
    Drop,
    /// Carry out the request, then close the connection without answering.
    DropAfter,
    /// Answer 429 with `Retry-After: retry_after` (seconds) and an error envelope.
    RateLimit { retry_after: u64 },
    /// Answer 502 with an HTML error page instead of JSON.
    #[serde(rename = "html_502")]
    Html502,
    /// Carry out the request, then answer 200 with only the first half of the JSON body.
    Truncate,
    /// Wait `millis` milliseconds, then answer normally.
    Delay { millis: u64 },
    /// Carry out the request, then keep the connection open without answering until released.
    Hold,
    /// Carry out the request, then answer without the field `field` of the result.
    Omit { field: String },
}

/// How many requests a fault applies to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Times {
    Count(u32),
    Forever,
}

impl Default for Times {
    fn default() -> Self {
        Times::Count(1)
    }
}

impl Serialize for Times {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Times::Count(n) => s.serialize_u32(*n),
            Times::Forever => s.serialize_str("forever"),
        }
    }
}

impl<'de> Deserialize<'de> for Times {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Count(u32),
            Word(String),
        }
        match Raw::deserialize(d)? {
            Raw::Count(n) if n > 0 => Ok(Times::Count(n)),
            Raw::Word(w) if w == "forever" => Ok(Times::Forever),
            _ => Err(serde::de::Error::custom(
                "times must be a positive number or \"forever\"",
            )),
        }
    }
}

impl Fault {
    /// A fault applying once to `operation` (an operation id, or `*`).
    pub fn new(operation: impl Into<String>, action: FaultAction) -> Self {
        Self {
            operation: operation.into(),
            action,
            times: Times::default(),
        }
    }

    /// Fail with `status` and a Cloudflare error holding `code` and `message`.
    pub fn fail(
        operation: impl Into<String>,
        status: u16,
        code: i64,
        message: impl Into<String>,
    ) -> Self {
        Self::new(
            operation,
            FaultAction::Fail {
                status,
                code,
                message: message.into(),
            },
        )
    }

    /// Close the connection after reading the request, without carrying it out.
    pub fn drop_connection(operation: impl Into<String>) -> Self {
        Self::new(operation, FaultAction::Drop)
    }

    /// Carry out the request, then close the connection without answering.
    pub fn drop_after(operation: impl Into<String>) -> Self {
        Self::new(operation, FaultAction::DropAfter)
    }

    /// Answer 429 with `Retry-After: retry_after_secs`.
    pub fn rate_limit(operation: impl Into<String>, retry_after_secs: u64) -> Self {
        Self::new(
            operation,
            FaultAction::RateLimit {
                retry_after: retry_after_secs,
            },
        )
    }

    /// Answer 502 with an HTML page.
    pub fn html_502(operation: impl Into<String>) -> Self {
        Self::new(operation, FaultAction::Html502)
    }

    /// Carry out the request and answer 200 with a truncated JSON body.
    pub fn truncate(operation: impl Into<String>) -> Self {
        Self::new(operation, FaultAction::Truncate)
    }

    /// Wait `delay` before answering normally.
    pub fn delay(operation: impl Into<String>, delay: std::time::Duration) -> Self {
        let millis = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX);
        Self::new(operation, FaultAction::Delay { millis })
    }

    /// Carry out the request, then hold the answer until the held requests are released.
    pub fn hold(operation: impl Into<String>) -> Self {
        Self::new(operation, FaultAction::Hold)
    }

    /// Carry out the request, then answer without the result's field `field`.
    pub fn omit(operation: impl Into<String>, field: impl Into<String>) -> Self {
        Self::new(
            operation,
            FaultAction::Omit {
                field: field.into(),
            },
        )
    }

    /// Apply to the next `n` requests instead of one (`n` of 0 is taken as 1).
    pub fn times(mut self, n: u32) -> Self {
        self.times = Times::Count(n.max(1));
        self
    }

    /// Apply to every request until cleared.
    pub fn forever(mut self) -> Self {
        self.times = Times::Forever;
        self
    }

    /// Checks that the fault names one of the spec's operation ids (or `*`), since a fault for a
    /// misspelt id would silently never apply.
    pub fn validate(&self) -> Result<(), String> {
        if self.operation == "*" || Operation::from_id(&self.operation).is_some() {
            Ok(())
        } else {
            Err(format!("unknown operation id {:?}", self.operation))
        }
    }

    fn matches(&self, operation: &str) -> bool {
        self.operation == "*" || self.operation == operation
    }
}

impl fmt::Display for FaultAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FaultAction::Fail {
                status,
                code,
                message,
            } => write!(f, "fail/{status}/{code}/{message}"),
            FaultAction::Drop => f.write_str("drop"),
            FaultAction::DropAfter => f.write_str("drop-after"),
            FaultAction::RateLimit { retry_after } => write!(f, "rate-limit/{retry_after}"),
            FaultAction::Html502 => f.write_str("html-502"),
            FaultAction::Truncate => f.write_str("truncate"),
            FaultAction::Delay { millis } => write!(f, "delay/{millis}"),
            FaultAction::Hold => f.write_str("hold"),
            FaultAction::Omit { field } => write!(f, "omit/{field}"),
        }
    }
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}={}", self.operation, self.action)?;
        match self.times {
            Times::Count(n) => write!(f, ":{n}"),
            Times::Forever => f.write_str(":forever"),
        }
    }
}

impl FromStr for FaultAction {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let mut parts = s.splitn(4, '/');
        let kind = parts.next().unwrap_or_default();
        let args: Vec<&str> = parts.collect();
        let number = |i: usize, what: &str| -> Result<Option<u64>, String> {
            args.get(i)
                .map(|a| {
                    a.parse::<u64>()
                        .map_err(|_| format!("{what} must be a number, got {a:?}"))
                })
                .transpose()
        };
        let no_args = |action: FaultAction| {
            if args.is_empty() {
                Ok(action)
            } else {
                Err(format!("{kind} takes no arguments"))
            }
        };
        match kind {
            "fail" => {
                let status = number(0, "status")?.ok_or("fail needs a status: fail/STATUS")?;
                let status = u16::try_from(status)
                    .ok()
                    .filter(|s| (100..=599).contains(s))
                    .ok_or_else(|| format!("{status} is not an HTTP status"))?;
                let code = args
                    .get(1)
                    .map(|c| {
                        c.parse::<i64>()
                            .map_err(|_| format!("code must be a number, got {c:?}"))
                    })
                    .transpose()?
                    .unwrap_or(10000);
                let message = args.get(2).map_or("Injected failure", |m| *m).to_owned();
                Ok(FaultAction::Fail {
                    status,
                    code,
                    message,
                })
            }
            "drop" => no_args(FaultAction::Drop),
            "drop-after" => no_args(FaultAction::DropAfter),
            "rate-limit" => Ok(FaultAction::RateLimit {
                retry_after: number(0, "seconds")?.unwrap_or(1),
            }),
            "html-502" => no_args(FaultAction::Html502),
            "truncate" => no_args(FaultAction::Truncate),
            "delay" => Ok(FaultAction::Delay {
                millis: number(0, "milliseconds")?
                    .ok_or("delay needs milliseconds: delay/MILLIS")?,
            }),
            "hold" => no_args(FaultAction::Hold),
            "omit" => match args.as_slice() {
                [field] if !field.is_empty() => Ok(FaultAction::Omit {
                    field: (*field).to_owned(),
                }),
                _ => Err("omit needs one field name: omit/FIELD".to_owned()),
            },
            other => Err(format!(
                "unknown fault {other:?}: expected fail, drop, drop-after, rate-limit, html-502, truncate, delay, hold or omit"
            )),
        }
    }
}

impl FromStr for Fault {
    type Err = String;

    /// Parses `OPERATION=ACTION[:TIMES]` (see the module docs).
    fn from_str(s: &str) -> Result<Self, String> {
        let (operation, rest) = s
            .split_once('=')
            .ok_or_else(|| format!("expected OPERATION=ACTION[:TIMES], got {s:?}"))?;
        // A trailing `:N` or `:forever` is the count; any other colon belongs to the action.
        let (action, times) = match rest.rsplit_once(':') {
            Some((action, "forever")) => (action, Times::Forever),
            Some((action, n)) if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) => {
                let n: u32 = n.parse().map_err(|_| format!("count {n:?} is too large"))?;
                if n == 0 {
                    return Err("count must be at least 1".to_owned());
                }
                (action, Times::Count(n))
            }
            _ => (rest, Times::Count(1)),
        };
        let fault = Fault {
            operation: operation.to_owned(),
            action: action.parse()?,
            times,
        };
        fault.validate()?;
        Ok(fault)
    }
}

/// The faults waiting to be applied, in injection order.
#[derive(Clone, Debug, Default)]
pub(crate) struct FaultQueue(Vec<Fault>);

impl FaultQueue {
    pub fn push(&mut self, fault: Fault) {
        self.0.push(fault);
    }

    /// Uses up one application of the first fault for `operation`, if any.
    pub fn take(&mut self, operation: &str) -> Option<FaultAction> {
        let i = self.0.iter().position(|f| f.matches(operation))?;
        let action = self.0[i].action.clone();
        match &mut self.0[i].times {
            Times::Forever => {}
            Times::Count(n) if *n > 1 => *n -= 1,
            Times::Count(_) => {
                self.0.remove(i);
            }
        }
        Some(action)
    }

    pub fn pending(&self) -> Vec<Fault> {
        self.0.clone()
    }

    pub fn clear(&mut self) {
        self.0.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_text_form() {
        let f: Fault = "user_tokens_create=drop:1".parse().unwrap();
        assert_eq!(f, Fault::drop_connection("user_tokens_create"));
        let f: Fault = "*=rate-limit/7:forever".parse().unwrap();
        assert_eq!(f, Fault::rate_limit("*", 7).forever());
        let f: Fault = "user_tokens_get=fail/503/1234/Try: later:3"
            .parse()
            .unwrap();
        assert_eq!(
            f,
            Fault::fail("user_tokens_get", 503, 1234, "Try: later").times(3)
        );
        let f: Fault = "user_tokens_get=fail/500".parse().unwrap();
        assert_eq!(
            f,
            Fault::fail("user_tokens_get", 500, 10000, "Injected failure")
        );
        assert!("nope=drop".parse::<Fault>().is_err());
        assert!("user_tokens_get=explode".parse::<Fault>().is_err());
        assert!("user_tokens_get=drop:0".parse::<Fault>().is_err());
        assert!("user_tokens_get=fail/99".parse::<Fault>().is_err());
        let f: Fault = "user_tokens_create=hold".parse().unwrap();
        assert_eq!(f, Fault::hold("user_tokens_create"));
        assert!("user_tokens_create=hold/5".parse::<Fault>().is_err());
        let f: Fault = "user_tokens_create=omit/value:2".parse().unwrap();
        assert_eq!(f, Fault::omit("user_tokens_create", "value").times(2));
        assert!("user_tokens_create=omit".parse::<Fault>().is_err());
        assert!("user_tokens_create=omit/a/b".parse::<Fault>().is_err());
    }

    #[test]
    fn text_form_round_trips() {
        for f in [
            Fault::truncate("user_tokens_list").times(2),
            Fault::delay("*", std::time::Duration::from_millis(30)).forever(),
            Fault::html_502("ai_search_tokens_get"),
            Fault::hold("user_tokens_create").forever(),
            Fault::omit("access_service_tokens_create", "client_secret"),
        ] {
            assert_eq!(f.to_string().parse::<Fault>().unwrap(), f);
        }
    }

    #[test]
    fn json_form() {
        let f: Fault = serde_json::from_str(r#"{"operation":"user_tokens_list","kind":"rate_limit","retry_after":3,"times":"forever"}"#).unwrap();
        assert_eq!(f, Fault::rate_limit("user_tokens_list", 3).forever());
        let f: Fault =
            serde_json::from_str(r#"{"operation":"user_tokens_list","kind":"drop"}"#).unwrap();
        assert_eq!(f.times, Times::Count(1));
        let json = serde_json::to_value(Fault::html_502("user_tokens_list")).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"operation": "user_tokens_list", "kind": "html_502", "times": 1})
        );
        let f: Fault =
            serde_json::from_str(r#"{"operation":"user_tokens_create","kind":"hold"}"#).unwrap();
        assert_eq!(f, Fault::hold("user_tokens_create"));
    }

    #[test]
    fn queue_uses_faults_up_in_order() {
        let mut q = FaultQueue::default();
        q.push(Fault::rate_limit("a", 1).times(2));
        q.push(Fault::html_502("a"));
        assert!(q.take("b").is_none());
        assert!(matches!(q.take("a"), Some(FaultAction::RateLimit { .. })));
        assert!(matches!(q.take("a"), Some(FaultAction::RateLimit { .. })));
        assert!(matches!(q.take("a"), Some(FaultAction::Html502)));
        assert!(q.take("a").is_none());
    }
}
