//! When to send a request again, and how long to wait first.

use std::time::{Duration, SystemTime};

use reqwest::StatusCode;
use reqwest::header::{HeaderMap, RETRY_AFTER};

/// How the client retries. GET, PUT and DELETE are retried on 429, 502, 503, 504 and lost
/// connections; POST (create, refresh, rotate) only when the request provably never left
/// (connection refused, DNS failure, connect timeout), because a replayed create could mint a
/// second credential whose secret nobody sees.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt; 0 disables retrying.
    pub max_retries: u32,
    /// The first backoff; each retry doubles it, with random jitter.
    pub base_delay: Duration,
    /// The longest wait before a retry, for backoff and `Retry-After` alike. A `Retry-After`
    /// longer than this is not waited for: the call fails and the error carries it.
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 2,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// No retries at all.
    pub fn none() -> Self {
        Self {
            max_retries: 0,
            ..Self::default()
        }
    }

    /// The backoff before retry number `retry` (0 for the first): `base_delay × 2^retry`,
    /// jittered to between half and all of it so that many clients do not retry in step.
    pub fn backoff(&self, retry: u32) -> Duration {
        let full = self
            .base_delay
            .saturating_mul(2u32.saturating_pow(retry))
            .min(self.max_delay);
        let half = full / 2;
        half + half.mul_f64(fastrand::f64())
    }

    /// The wait before retrying after `status` with these headers, or `None` not to retry.
    pub(crate) fn delay_after(
        &self,
        status: StatusCode,
        headers: &HeaderMap,
        retry: u32,
    ) -> Option<Duration> {
        if !is_retryable_status(status) || retry >= self.max_retries {
            return None;
        }
        match retry_after(headers, SystemTime::now()) {
            Some(wait) if wait > self.max_delay => None,
            Some(wait) => Some(wait),
            None => Some(self.backoff(retry)),
        }
    }
}

/// Statuses that say "try again later": rate limited, or a gateway without an answer.
pub(crate) fn is_retryable_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 429 | 502 | 503 | 504)
}

/// `Retry-After` as seconds or as an HTTP date.
pub(crate) fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(retry_after: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(RETRY_AFTER, HeaderValue::from_str(retry_after).unwrap());
        h
    }

    #[test]
    fn retry_after_in_seconds_and_as_a_date() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(
            retry_after(&headers("7"), now),
            Some(Duration::from_secs(7))
        );
        let later = httpdate::fmt_http_date(now + Duration::from_secs(30));
        assert_eq!(
            retry_after(&headers(&later), now),
            Some(Duration::from_secs(30))
        );
        let past = httpdate::fmt_http_date(now - Duration::from_secs(30));
        assert_eq!(retry_after(&headers(&past), now), Some(Duration::ZERO));
        assert_eq!(retry_after(&headers("soon"), now), None);
    }

    #[test]
    fn backoff_doubles_with_jitter_and_is_capped() {
        let policy = RetryPolicy::default();
        for retry in 0..4 {
            let full = Duration::from_millis(500) * 2u32.pow(retry);
            let wait = policy.backoff(retry);
            assert!(wait >= full / 2 && wait <= full, "{retry}: {wait:?}");
        }
        assert!(policy.backoff(30) <= policy.max_delay);
    }

    #[test]
    fn only_retryable_statuses_within_the_budget() {
        let policy = RetryPolicy::default();
        let none = HeaderMap::new();
        assert!(
            policy
                .delay_after(StatusCode::SERVICE_UNAVAILABLE, &none, 0)
                .is_some()
        );
        assert!(
            policy
                .delay_after(StatusCode::SERVICE_UNAVAILABLE, &none, 2)
                .is_none()
        );
        assert!(
            policy
                .delay_after(StatusCode::INTERNAL_SERVER_ERROR, &none, 0)
                .is_none()
        );
        assert_eq!(
            policy.delay_after(StatusCode::TOO_MANY_REQUESTS, &headers("1"), 0),
            Some(Duration::from_secs(1))
        );
        assert!(
            policy
                .delay_after(StatusCode::TOO_MANY_REQUESTS, &headers("3600"), 0)
                .is_none()
        );
        assert!(
            RetryPolicy::none()
                .delay_after(StatusCode::TOO_MANY_REQUESTS, &none, 0)
                .is_none()
        );
    }
}
