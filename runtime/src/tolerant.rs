//! Decoding what the real service sends, which is not always what its description says. The
//! generated models call these through `#[serde(deserialize_with = ...)]`.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};

/// A date-time in any of the forms Cloudflare's API and documentation use:
/// RFC 3339 with any number of fraction digits (`2014-01-01T05:20:00.12345Z`), a space instead of
/// the `T`, short or colon-less offsets (`+00`, `+0000`), Go's `2014-01-01 05:20:00 +0000 UTC`,
/// no offset at all (taken as UTC), a bare date (midnight UTC), or Unix seconds as a number.
pub fn parse_date_time(text: &str) -> Option<DateTime<Utc>> {
    let text = text.trim();
    let text = text.strip_suffix(" UTC").unwrap_or(text).trim_end();
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Some(t.with_timezone(&Utc));
    }
    if let Some(normalized) = normalize(text) {
        if let Ok(t) = DateTime::parse_from_rfc3339(&normalized) {
            return Some(t.with_timezone(&Utc));
        }
        for format in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M"] {
            if let Ok(t) = NaiveDateTime::parse_from_str(&normalized, format) {
                return Some(t.and_utc());
            }
        }
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc())
}

/// Rewrites the variants into RFC 3339 (or RFC 3339 without an offset): `T` between date and
/// time, no space before the offset, offsets as `+hh:mm`.
fn normalize(text: &str) -> Option<String> {
    if text.len() < 10 || !text.is_char_boundary(10) {
        return None;
    }
    let (date, rest) = text.split_at(10);
    let rest = rest.strip_prefix(['T', 't', ' '])?;
    let rest = rest.replacen(' ', "", 1);
    // Find an offset sign after the time of day (not the date's hyphens, which are gone).
    let Some(sign) = rest.rfind(['+', '-']) else {
        return Some(format!("{date}T{rest}"));
    };
    let (time, offset) = rest.split_at(sign);
    let digits: String = offset[1..].chars().filter(char::is_ascii_digit).collect();
    let offset = match digits.len() {
        2 => format!("{}{}:00", &offset[..1], digits),
        4 => format!("{}{}:{}", &offset[..1], &digits[..2], &digits[2..]),
        _ => return None,
    };
    Some(format!("{date}T{time}{offset}"))
}

struct DateTimeVisitor;

impl<'de> Visitor<'de> for DateTimeVisitor {
    type Value = DateTime<Utc>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a date-time")
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Self::Value, E> {
        parse_date_time(value).ok_or_else(|| E::custom(format!("unrecognised date-time `{value}`")))
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Self::Value, E> {
        DateTime::from_timestamp(value, 0).ok_or_else(|| E::custom("Unix time out of range"))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Self::Value, E> {
        let value = i64::try_from(value).map_err(|_| E::custom("Unix time out of range"))?;
        self.visit_i64(value)
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<Self::Value, E> {
        let millis = (value * 1000.0).round() as i64;
        DateTime::from_timestamp_millis(millis).ok_or_else(|| E::custom("Unix time out of range"))
    }
}

/// For `DateTime<Utc>` fields.
pub fn date_time<'de, D: Deserializer<'de>>(deserializer: D) -> Result<DateTime<Utc>, D::Error> {
    deserializer.deserialize_any(DateTimeVisitor)
}

/// For `Option<DateTime<Utc>>` fields: `null` (and, with `#[serde(default)]`, absence) is `None`.
pub fn option_date_time<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<DateTime<Utc>>, D::Error> {
    #[derive(Deserialize)]
    struct Wrapped(#[serde(deserialize_with = "date_time")] DateTime<Utc>);
    Ok(Option::<Wrapped>::deserialize(deserializer)?.map(|Wrapped(t)| t))
}

/// For fields that default when missing (lists, maps): `null` gives the default too.
pub fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

/// An integer that may arrive written as a whole float (`10.0`), as JSON from some services does.
/// (The generator uses it for required integer fields; today's spec happens to have none.)
#[allow(dead_code)]
pub fn integer<'de, D: Deserializer<'de>>(deserializer: D) -> Result<i64, D::Error> {
    let number = serde_json::Number::deserialize(deserializer)?;
    whole(&number).ok_or_else(|| de::Error::custom(format!("expected an integer, found {number}")))
}

/// [`integer`] for optional fields: `null` is `None`.
pub fn option_integer<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<i64>, D::Error> {
    match Option::<serde_json::Number>::deserialize(deserializer)? {
        None => Ok(None),
        Some(number) => whole(&number)
            .map(Some)
            .ok_or_else(|| de::Error::custom(format!("expected an integer, found {number}"))),
    }
}

fn whole(number: &serde_json::Number) -> Option<i64> {
    number.as_i64().or_else(|| {
        let f = number.as_f64()?;
        (f.fract() == 0.0 && f >= i64::MIN as f64 && f <= i64::MAX as f64).then_some(f as i64)
    })
}

/// A count that may arrive as an integer, a float (`20.0`) or a numeric string.
pub fn option_count<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<u64>, D::Error> {
    let value = Option::<serde_json::Value>::deserialize(deserializer)?;
    Ok(value.and_then(|v| match v {
        serde_json::Value::Number(n) => n
            .as_u64()
            .or_else(|| n.as_f64().filter(|f| *f >= 0.0).map(|f| f as u64)),
        serde_json::Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> String {
        parse_date_time(text)
            .map(|t| t.to_rfc3339())
            .unwrap_or_else(|| "none".into())
    }

    #[test]
    fn accepts_the_forms_cloudflare_uses() {
        assert_eq!(at("2014-01-01T05:20:00Z"), "2014-01-01T05:20:00+00:00");
        assert_eq!(
            at("2014-01-01T05:20:00.12345Z"),
            "2014-01-01T05:20:00.123450+00:00"
        );
        assert_eq!(
            at("2025-08-12T20:32:52.469144957+00:00"),
            "2025-08-12T20:32:52.469144957+00:00"
        );
        assert_eq!(
            at("2019-10-24T17:09:42.883908+01:00"),
            "2019-10-24T16:09:42.883908+00:00"
        );
        assert_eq!(at("2023-07-16 15:00:00+00"), "2023-07-16T15:00:00+00:00");
        assert_eq!(
            at("2014-01-01 05:20:00 +0000 UTC"),
            "2014-01-01T05:20:00+00:00"
        );
        assert_eq!(
            at("2021-09-17T20:34:01.000000"),
            "2021-09-17T20:34:01+00:00"
        );
        assert_eq!(at("2024-06-03 14:00:00"), "2024-06-03T14:00:00+00:00");
        assert_eq!(at("2022-03-02"), "2022-03-02T00:00:00+00:00");
        assert_eq!(at("yesterday"), "none");
        assert_eq!(at("2022-03-02Tnoon"), "none");
    }

    #[test]
    fn whole_floats_are_integers() {
        #[derive(Deserialize)]
        struct T {
            #[serde(deserialize_with = "integer")]
            n: i64,
            #[serde(default, deserialize_with = "option_integer")]
            m: Option<i64>,
        }
        let t: T = serde_json::from_str(r#"{"n": 10.0, "m": null}"#).unwrap();
        assert_eq!((t.n, t.m), (10, None));
        assert!(serde_json::from_str::<T>(r#"{"n": 10.5}"#).is_err());
    }

    #[test]
    fn numbers_are_unix_time() {
        #[derive(Deserialize)]
        struct T {
            #[serde(deserialize_with = "date_time")]
            at: DateTime<Utc>,
        }
        let t: T = serde_json::from_str(r#"{"at": 1700000000}"#).unwrap();
        assert_eq!(t.at.to_rfc3339(), "2023-11-14T22:13:20+00:00");
    }
}
