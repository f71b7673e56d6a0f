//! Identifiers, secrets and timestamps in the shapes Cloudflare uses for them.

use chrono::{DateTime, SecondsFormat, Utc};

const HEX: &[u8] = b"0123456789abcdef";
const TOKEN_ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";

fn random_from(alphabet: &[u8], len: usize) -> String {
    (0..len)
        .map(|_| char::from(alphabet[fastrand::usize(..alphabet.len())]))
        .collect()
}

/// A 32-character lowercase hex id, like a user token's or a policy's.
pub fn hex_id() -> String {
    random_from(HEX, 32)
}

/// A random (version 4) UUID in its hyphenated form.
pub fn uuid() -> String {
    let mut bytes = [0u8; 16];
    fastrand::fill(&mut bytes);
    uuid::Builder::from_random_bytes(bytes)
        .into_uuid()
        .to_string()
}

/// A user token's secret value: 40 URL-safe characters, as Cloudflare issues them.
pub fn token_value() -> String {
    random_from(TOKEN_ALPHABET, 40)
}

/// An Access service token's client id: 32 hex characters and `.access`.
pub fn client_id() -> String {
    format!("{}.access", hex_id())
}

/// An Access service token's client secret: 64 hex characters.
pub fn client_secret() -> String {
    random_from(HEX, 64)
}

pub fn now() -> DateTime<Utc> {
    Utc::now()
}

/// RFC 3339 in UTC with a `Z`, to the second, as Cloudflare writes most timestamps.
pub fn timestamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// The form Cloudflare's AI Search guides show (`2025-12-25 01:52:28`: a space, no zone, UTC),
/// which AI Search answers with although its schema says `date-time`.
pub fn ai_search_timestamp(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M:%S").to_string()
}

/// RFC 3339, or the AI Search form above.
pub fn parse_timestamp(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.with_timezone(&Utc))
        .or_else(|| {
            chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S")
                .ok()
                .map(|t| t.and_utc())
        })
}
