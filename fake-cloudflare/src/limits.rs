//! The bounds on what clients can make the fake hold or wait for: one leaf module, so that the
//! request log, the shared state and the server all read them without importing each other.

use std::time::Duration;

/// The most bytes a request head (request line and headers) may have; a larger one gets 431.
pub const MAX_REQUEST_HEAD: usize = 64 * 1024;

/// Bounds on what clients can make the fake hold or wait for (see the crate docs, "Limits").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Requests the log keeps; the oldest is dropped to make room (default 1000).
    pub max_logged_requests: usize,
    /// Bytes of a request body the log keeps: a larger body is logged as an excerpt of that
    /// many bytes of its redacted JSON (default 16 KiB).
    pub log_body_excerpt: usize,
    /// The largest request body accepted, in bytes; a larger one is answered 413 without being
    /// read (default 1 MiB).
    pub max_body_size: usize,
    /// How long a request head may take to arrive, counted from the moment the server waits
    /// for it: on a new connection, or after the previous answer on a kept-alive one
    /// (default 30 s).
    pub header_read_timeout: Duration,
    /// How long a connection may go without a byte moving while no request on it is being
    /// answered, and how long a request body may pause (default 30 s).
    pub idle_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_logged_requests: 1000,
            log_body_excerpt: 16 * 1024,
            max_body_size: 1024 * 1024,
            header_read_timeout: Duration::from_secs(30),
            idle_timeout: Duration::from_secs(30),
        }
    }
}
