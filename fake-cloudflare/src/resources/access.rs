//! Zero Trust Access service tokens: `/{accounts_or_zones}/{account_or_zone_id}/access/service_tokens`.

use chrono::{DateTime, Duration, Utc};
use serde_json::{Value, json};

use super::Call;
use crate::envelope::{ApiError, Reply};
use crate::fields::{self, Object};
use crate::ids::{self, timestamp};
use crate::pagination;
use crate::routes::Owner;

const DEFAULT_DURATION: &str = "8760h";

/// Whether a service token belongs to an account or to a zone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AccessScope {
    Account,
    Zone,
}

impl AccessScope {
    /// The path segment: `accounts` or `zones`.
    pub fn segment(self) -> &'static str {
        match self {
            AccessScope::Account => "accounts",
            AccessScope::Zone => "zones",
        }
    }
}

#[derive(Clone, Debug)]
struct ServiceToken {
    scope: String,
    owner: String,
    id: String,
    name: String,
    client_id: String,
    client_secret: String,
    /// The secret before the last rotation, accepted until `previous_client_secret_expires_at`.
    /// Cloudflare keeps only one: a second rotation replaces it with the secret that was current.
    previous_client_secret: Option<String>,
    duration: String,
    enabled: bool,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    /// None for tokens whose duration is `forever`.
    expires_at: Option<DateTime<Utc>>,
    client_secret_version: u64,
    previous_client_secret_expires_at: Option<DateTime<Utc>>,
}

impl ServiceToken {
    /// A new token with the default duration, enabled, with its first secret.
    fn fresh(scope: &str, owner: &str, name: String, now: DateTime<Utc>) -> Self {
        Self {
            scope: scope.to_owned(),
            owner: owner.to_owned(),
            id: ids::uuid(),
            name,
            client_id: ids::client_id(),
            client_secret: ids::client_secret(),
            previous_client_secret: None,
            duration: DEFAULT_DURATION.to_owned(),
            enabled: true,
            created_at: now,
            updated_at: now,
            expires_at: now.checked_add_signed(Duration::hours(8760)),
            client_secret_version: 1,
            previous_client_secret_expires_at: None,
        }
    }

    /// The token as listed and fetched. `client_secret_version` and
    /// `previous_client_secret_expires_at` are beyond the spec's model; they report what
    /// rotations did, and clients that do not know them ignore them.
    fn view(&self) -> Value {
        let mut v = json!({
            "id": self.id,
            "name": self.name,
            "client_id": self.client_id,
            "duration": self.duration,
            "enabled": self.enabled,
            "created_at": timestamp(self.created_at),
            "updated_at": timestamp(self.updated_at),
            "client_secret_version": self.client_secret_version,
        });
        if let Some(t) = self.expires_at {
            v["expires_at"] = json!(timestamp(t));
        }
        if let Some(t) = self.previous_client_secret_expires_at {
            v["previous_client_secret_expires_at"] = json!(timestamp(t));
        }
        v
    }

    fn view_with_secret(&self) -> Value {
        let mut v = self.view();
        v["client_secret"] = json!(self.client_secret);
        v
    }
}

/// Reads a Go duration (`8760h`, `1h30m`, `1.5h`, `90s`, `250ms`, `10us`, `10µs`, `5ns`) or
/// `forever` (none): the units Cloudflare's docs list for `duration`.
fn parse_duration(s: &str) -> Result<Option<Duration>, ApiError> {
    if s == "forever" {
        return Ok(None);
    }
    let bad = || {
        ApiError::invalid(format!(
            "duration must be like 8760h, 1h30m, 90s, 250ms or forever (units ns, us, ms, s, m, h), got {s:?}"
        ))
        .at_field("duration")
    };
    let mut nanos: f64 = 0.0;
    let mut rest = s;
    while !rest.is_empty() {
        let number = rest
            .bytes()
            .take_while(|b| b.is_ascii_digit() || *b == b'.')
            .count();
        let amount: f64 = rest[..number].parse().map_err(|_| bad())?;
        let unit = rest[number..]
            .char_indices()
            .take_while(|(_, c)| c.is_alphabetic())
            .last()
            .map_or(0, |(i, c)| i + c.len_utf8());
        let scale = match &rest[number..number + unit] {
            "ns" => 1.0,
            "us" | "µs" | "μs" => 1e3,
            "ms" => 1e6,
            "s" => 1e9,
            "m" => 60e9,
            "h" => 3600e9,
            _ => return Err(bad()),
        };
        nanos += amount * scale;
        rest = &rest[number + unit..];
    }
    // Positive, and no more than a duration can hold.
    if !(1.0..9e18).contains(&nanos) {
        return Err(bad());
    }
    Ok(Some(Duration::nanoseconds(nanos.round() as i64)))
}

/// When a token of `duration` made valid at `from` expires: none for `forever`, a 400 for a
/// duration that ends beyond the last representable date (it must not read as `forever`).
fn expiry(from: DateTime<Utc>, duration: &str) -> Result<Option<DateTime<Utc>>, ApiError> {
    let Some(length) = parse_duration(duration)? else {
        return Ok(None);
    };
    from.checked_add_signed(length).map(Some).ok_or_else(|| {
        ApiError::invalid(format!(
            "duration {duration:?} ends after the last date this API can represent"
        ))
    })
}

fn secret_version(obj: &Object) -> Result<Option<u64>, ApiError> {
    match fields::opt_number(obj, "client_secret_version")? {
        None => Ok(None),
        Some(v) if v >= 1.0 && v.fract() == 0.0 && v <= u32::MAX as f64 => Ok(Some(v as u64)),
        Some(v) => Err(ApiError::invalid(format!(
            "client_secret_version must be a whole number from 1, got {v}"
        ))),
    }
}

/// The service tokens of every account and zone, in creation order.
#[derive(Clone, Debug, Default)]
pub struct ServiceTokens {
    tokens: Vec<ServiceToken>,
}

/// The account or zone in the path; any other scope names no Access path.
fn scoped<'c>(call: &'c Call) -> Result<&'c Owner, ApiError> {
    let owner = call.owner()?;
    match owner.scope.as_str() {
        "accounts" | "zones" => Ok(owner),
        _ => Err(ApiError::no_route()),
    }
}

impl ServiceTokens {
    fn index(&self, call: &Call) -> Result<usize, ApiError> {
        let owner = scoped(call)?;
        let id = call.id()?;
        self.tokens
            .iter()
            .position(|t| t.scope == owner.scope && t.owner == owner.id && t.id == id)
            .ok_or_else(|| ApiError::not_found("Access service token", id))
    }

    /// The tokens of `owner`, as fetched.
    pub fn views(&self, scope: AccessScope, owner: &str) -> Vec<Value> {
        self.tokens
            .iter()
            .filter(|t| t.scope == scope.segment() && t.owner == owner)
            .map(ServiceToken::view)
            .collect()
    }

    /// Every token, with its scope and owner, for state dumps.
    pub fn dump(&self) -> Vec<Value> {
        self.tokens
            .iter()
            .map(|t| {
                let mut v = t.view();
                v["accounts_or_zones"] = json!(t.scope);
                v["account_or_zone_id"] = json!(t.owner);
                v
            })
            .collect()
    }

    /// Creates a token from a create body.
    fn insert(
        &mut self,
        scope: &str,
        owner: &str,
        obj: &Object,
        now: DateTime<Utc>,
    ) -> Result<Value, ApiError> {
        let mut token = ServiceToken::fresh(scope, owner, fields::name(obj, "name", 1024)?, now);
        if let Some(duration) = fields::opt_str(obj, "duration")? {
            token.expires_at = expiry(now, duration)?;
            token.duration = duration.to_owned();
        }
        token.enabled = fields::opt_bool(obj, "enabled")?.unwrap_or(true);
        token.client_secret_version = secret_version(obj)?.unwrap_or(1);
        token.previous_client_secret_expires_at =
            fields::opt_time(obj, "previous_client_secret_expires_at")?;
        let view = token.view_with_secret();
        self.tokens.push(token);
        Ok(view)
    }

    /// Creates a token without a request; returns it with its client secret.
    pub fn seed(
        &mut self,
        scope: AccessScope,
        owner: &str,
        name: &str,
        now: DateTime<Utc>,
    ) -> Value {
        let token = ServiceToken::fresh(scope.segment(), owner, name.to_owned(), now);
        let view = token.view_with_secret();
        self.tokens.push(token);
        view
    }

    pub fn list(&self, call: &Call) -> Result<Reply, ApiError> {
        let owner = scoped(call)?;
        let name = call.query.get("name");
        let search = call.query.get("search").map(str::to_lowercase);
        let items = self
            .tokens
            .iter()
            .filter(|t| t.scope == owner.scope && t.owner == owner.id)
            .filter(|t| name.is_none_or(|n| t.name == n))
            .filter(|t| {
                search
                    .as_ref()
                    .is_none_or(|s| t.name.to_lowercase().contains(s))
            })
            .map(ServiceToken::view)
            .collect();
        pagination::page(items, call.query, pagination::ACCESS)
    }

    pub fn create(&mut self, call: &Call) -> Result<Reply, ApiError> {
        let owner = scoped(call)?;
        let obj = fields::object(call.body, true)?;
        let view = self.insert(&owner.scope, &owner.id, &obj, call.now)?;
        Ok(Reply::created(view))
    }

    pub fn get(&self, call: &Call) -> Result<Reply, ApiError> {
        let i = self.index(call)?;
        Ok(Reply::ok(self.tokens[i].view()))
    }

    pub fn update(&mut self, call: &Call) -> Result<Reply, ApiError> {
        let i = self.index(call)?;
        let obj = fields::object(call.body, true)?;
        let name = match fields::opt_str(&obj, "name")? {
            Some(_) => Some(fields::name(&obj, "name", 1024)?),
            None => None,
        };
        let duration = fields::opt_str(&obj, "duration")?;
        // A new duration counts from now, as if the token had just been refreshed.
        let expires_at = duration.map(|d| expiry(call.now, d)).transpose()?;
        let enabled = fields::opt_bool(&obj, "enabled")?;
        let version = secret_version(&obj)?;
        let previous = fields::opt_time(&obj, "previous_client_secret_expires_at")?;
        let t = &mut self.tokens[i];
        if let Some(name) = name {
            t.name = name;
        }
        if let (Some(duration), Some(expires_at)) = (duration, expires_at) {
            t.duration = duration.to_owned();
            t.expires_at = expires_at;
        }
        if let Some(enabled) = enabled {
            t.enabled = enabled;
        }
        if let Some(version) = version {
            t.client_secret_version = version;
        }
        if previous.is_some() {
            t.previous_client_secret_expires_at = previous;
        }
        t.updated_at = call.now;
        Ok(Reply::ok(t.view()))
    }

    pub fn delete(&mut self, call: &Call) -> Result<Reply, ApiError> {
        let i = self.index(call)?;
        Ok(Reply::ok(self.tokens.remove(i).view()))
    }

    pub fn refresh(&mut self, call: &Call) -> Result<Reply, ApiError> {
        let i = self.index(call)?;
        let t = &mut self.tokens[i];
        t.expires_at = expiry(call.now, &t.duration)?;
        t.updated_at = call.now;
        Ok(Reply::ok(t.view()))
    }

    /// The token whose credentials `client_id` and `client_secret` are at `now`, as an Access
    /// application checks `CF-Access-Client-Id` and `CF-Access-Client-Secret`: enabled, not
    /// expired, and the secret either the current one or the previous one before its
    /// `previous_client_secret_expires_at`. `owner`, when given, limits the search to the tokens
    /// of that account or zone.
    pub fn admit(
        &self,
        owner: Option<(AccessScope, &str)>,
        client_id: &str,
        client_secret: &str,
        now: DateTime<Utc>,
    ) -> Option<&str> {
        let token = self.tokens.iter().find(|t| {
            owner.is_none_or(|(scope, id)| t.scope == scope.segment() && t.owner == id)
                && constant_time_eq(t.client_id.as_bytes(), client_id.as_bytes())
        })?;
        let current = constant_time_eq(token.client_secret.as_bytes(), client_secret.as_bytes());
        let previous = token.previous_client_secret.as_ref().is_some_and(|p| {
            constant_time_eq(p.as_bytes(), client_secret.as_bytes())
                && token
                    .previous_client_secret_expires_at
                    .is_some_and(|end| now < end)
        });
        let live = token.enabled && token.expires_at.is_none_or(|end| now < end);
        (live && (current || previous)).then_some(token.id.as_str())
    }

    pub fn rotate(&mut self, call: &Call) -> Result<Reply, ApiError> {
        let i = self.index(call)?;
        let obj = fields::object(call.body, false)?;
        let previous = fields::opt_time(&obj, "previous_client_secret_expires_at")?;
        let t = &mut self.tokens[i];
        let replaced = std::mem::replace(&mut t.client_secret, ids::client_secret());
        // The secret the last rotation kept, if any, is dropped here: only one previous secret.
        t.previous_client_secret = Some(replaced);
        t.client_secret_version += 1;
        // Without a grace period the previous secret stops working at once.
        t.previous_client_secret_expires_at = Some(previous.unwrap_or(call.now));
        t.updated_at = call.now;
        Ok(Reply::ok(t.view_with_secret()))
    }
}

/// Whether `a` and `b` are equal, in a time that depends on their lengths only, not on where
/// they differ: a client secret must not be guessable byte by byte from how long a refusal took.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    subtle::ConstantTimeEq::ct_eq(a, b).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constant_time_eq_compares_whole_values() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
        assert!(constant_time_eq(b"", b""));
    }

    #[test]
    fn durations() {
        assert_eq!(
            parse_duration("8760h").unwrap(),
            Some(Duration::hours(8760))
        );
        assert_eq!(
            parse_duration("1h30m5s").unwrap(),
            Some(Duration::seconds(5405))
        );
        assert_eq!(parse_duration("forever").unwrap(), None);
        assert_eq!(parse_duration("1.5h").unwrap(), Some(Duration::minutes(90)));
        for (text, seconds) in [
            ("90000000000ns", 90),
            ("90000000us", 90),
            ("90000000µs", 90),
            ("90000ms", 90),
            ("90s", 90),
            ("2m", 120),
        ] {
            assert_eq!(
                parse_duration(text).unwrap(),
                Some(Duration::seconds(seconds)),
                "{text}"
            );
        }
        for bad in [
            "",
            "0h",
            "h",
            "5d",
            "-1h",
            "1x",
            "99999999999999999999h",
            "5 days",
            "0.1ns",
        ] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn an_expiry_beyond_the_last_date_is_an_error_not_forever() {
        let now = Utc::now();
        assert_eq!(expiry(now, "1h").unwrap(), Some(now + Duration::hours(1)));
        assert_eq!(expiry(now, "forever").unwrap(), None);
        // A valid duration that ends after the last representable date.
        let near_the_end = DateTime::<Utc>::MAX_UTC - Duration::minutes(30);
        let error = expiry(near_the_end, "1h").unwrap_err();
        assert_eq!(error.status, 400);
        assert!(error.message.contains("last date"), "{}", error.message);
    }
}
