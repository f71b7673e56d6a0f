//! What every connection's handler shares: the credentials, the limits, and behind one lock the
//! fake's state, its faults and its request log.

use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};

use chrono::{DateTime, Utc};
use std::sync::{Mutex, MutexGuard, PoisonError};

use crate::auth::Credentials;
use crate::faults::FaultQueue;
use crate::holds::Holds;
use crate::limits::Limits;
use crate::requests::{AuthUsed, RequestLog};
use crate::resources::State;

pub(crate) struct Shared {
    pub credentials: Credentials,
    pub limits: Limits,
    inner: Mutex<Inner>,
    seq: AtomicU64,
    /// How far the fake's clock is ahead of the real one, in seconds: tests move it forward to
    /// cross a grace period or an expiry without sleeping.
    clock_ahead: AtomicI64,
    pub holds: Holds,
}

/// The mutable part, behind one lock: handlers are quick and never hold it across an await.
#[derive(Default)]
pub(crate) struct Inner {
    pub state: State,
    pub faults: FaultQueue,
    pub log: RequestLog,
}

impl Shared {
    pub fn new(credentials: Credentials, faults: FaultQueue, limits: Limits) -> Self {
        let inner = Inner {
            faults,
            log: RequestLog::with_capacity(limits.max_logged_requests),
            ..Inner::default()
        };
        Self {
            credentials,
            limits,
            inner: Mutex::new(inner),
            seq: AtomicU64::new(0),
            clock_ahead: AtomicI64::new(0),
            holds: Holds::new(),
        }
    }

    /// The lock; a panic elsewhere while holding it leaves the state usable for the next test.
    pub fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The fake's time: the real time plus what [`Shared::advance_clock`] added.
    pub fn now(&self) -> DateTime<Utc> {
        let ahead = chrono::Duration::seconds(self.clock_ahead.load(Ordering::Relaxed));
        let real = crate::ids::now();
        real.checked_add_signed(ahead).unwrap_or(real)
    }

    /// Moves the fake's clock `seconds` forward (never back: time the fake has shown stays past).
    pub fn advance_clock(&self, seconds: u32) {
        self.clock_ahead
            .fetch_add(i64::from(seconds), Ordering::Relaxed);
    }

    /// The next request's sequence number, from 1.
    pub fn next_seq(&self) -> u64 {
        self.seq.fetch_add(1, Ordering::Relaxed) + 1
    }

    /// Notes in the log the status request `seq` was answered with.
    pub fn set_status(&self, seq: u64, status: Option<u16>) {
        if let Some(record) = self.lock().log.get_mut(seq) {
            record.status = status;
        }
    }
}

impl Inner {
    /// Notes in the log who request `seq` turned out to be from.
    pub fn set_auth(&mut self, seq: u64, auth: &AuthUsed) {
        if let Some(record) = self.log.get_mut(seq) {
            record.auth = auth.clone();
        }
    }
}
