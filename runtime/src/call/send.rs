//! The retry loop: one attempt after another, as the policy and the method allow, within the
//! call's deadline.

use bytes::Bytes;
use reqwest::StatusCode;
use tokio::time::Instant;

use super::body::{Attempt, placeholder};
use super::log::{Decision, failure_text};
use super::{CallContext, InFlight, Verdict};
use crate::retry::{is_retryable_status, retry_after};

impl CallContext {
    /// Sends `request`, retrying as the policy and the method allow, until the deadline.
    pub(super) async fn execute(
        &self,
        client: &reqwest::Client,
        request: reqwest::Request,
    ) -> reqwest::Result<reqwest::Response> {
        {
            let mut record = self.record();
            record.method = Some(request.method().clone());
            record.path = request.url().path().to_string();
            record.request_body = request
                .body()
                .and_then(reqwest::Body::as_bytes)
                .map(Bytes::copy_from_slice);
        }
        let attempts = self.attempts(client, request);
        let Some(deadline) = self.deadline else {
            return attempts.await;
        };
        match tokio::time::timeout_at(deadline, attempts).await {
            Ok(result) => result,
            Err(_) => Ok(self.deadline_passed()),
        }
    }

    /// The deadline cut the call short: an attempt under way may have reached the server.
    fn deadline_passed(&self) -> reqwest::Response {
        let in_flight = {
            let mut record = self.record();
            record.verdict = Some(Verdict::Deadline);
            let in_flight = record.in_flight.take();
            if in_flight.is_some() {
                // Whether it left cannot be known: it may have.
                record.reached_server = true;
            }
            in_flight
        };
        if let Some(attempt) = in_flight {
            let cut = (attempt.status.is_none()).then_some("no answer before the deadline");
            self.log_attempt(
                attempt.number,
                attempt.started,
                attempt.status,
                cut,
                &Decision::DeadlinePassed,
            );
        }
        placeholder(self.record().status.unwrap_or(StatusCode::GATEWAY_TIMEOUT))
    }

    async fn attempts(
        &self,
        client: &reqwest::Client,
        mut request: reqwest::Request,
    ) -> reqwest::Result<reqwest::Response> {
        let policy = &self.shared.retry;
        let idempotent = self.operation.is_idempotent();
        let mut retry = 0;
        loop {
            // JSON bodies can be cloned; were one not, there is simply no retry.
            let spare = if retry < policy.max_retries {
                request.try_clone()
            } else {
                None
            };
            let number = retry + 1;
            let started = Instant::now();
            {
                let mut record = self.record();
                record.attempts = number;
                record.in_flight = Some(InFlight {
                    number,
                    started,
                    status: None,
                });
            }
            let attempt = match client.execute(request).await {
                Ok(response) => self.answered(response).await,
                Err(error) => {
                    // A connect error means the request never left: safe to send again, even a POST.
                    if !error.is_connect() {
                        self.record().reached_server = true;
                    }
                    Attempt::Failed(error)
                }
            };
            self.record().in_flight = None;
            let mut decision = match &attempt {
                Attempt::Refused(_) => match self.record().verdict {
                    Some(Verdict::Redirect) => Decision::RedirectNotFollowed,
                    _ => Decision::BodyTooLarge,
                },
                Attempt::Answer(response) => {
                    let status = response.status();
                    if !is_retryable_status(status) {
                        Decision::Done
                    } else if !idempotent {
                        Decision::NotReplayed
                    } else if spare.is_none() {
                        Decision::OutOfRetries
                    } else {
                        match policy.delay_after(status, response.headers(), retry) {
                            Some(wait) => Decision::Retry(wait),
                            None => Decision::WaitTooLong(
                                retry_after(response.headers(), std::time::SystemTime::now())
                                    .unwrap_or_default(),
                            ),
                        }
                    }
                }
                Attempt::Failed(error) => {
                    if !(error.is_connect() || idempotent) {
                        Decision::NotReplayed
                    } else if spare.is_none() {
                        Decision::OutOfRetries
                    } else {
                        Decision::Retry(policy.backoff(retry))
                    }
                }
            };
            if let Decision::WaitTooLong(wait) = decision {
                self.record().note = Some(format!(
                    "not retried: Retry-After asks for {wait:?}, more than the retry policy's \
                     max_delay of {:?}",
                    policy.max_delay
                ));
            }
            if let Decision::Retry(wait) = decision
                && self.deadline.is_some_and(|deadline| {
                    Instant::now()
                        .checked_add(wait)
                        .is_none_or(|at| at >= deadline)
                })
            {
                decision = Decision::NoTimeLeft(wait);
                self.record().note = Some(format!(
                    "not retried: waiting {wait:?} would pass the call's deadline of {:?}",
                    self.shared.deadline
                ));
            }
            let (status, failure) = match &attempt {
                Attempt::Answer(response) | Attempt::Refused(response) => {
                    (self.record().status.or(Some(response.status())), None)
                }
                Attempt::Failed(error) => (None, Some(failure_text(error))),
            };
            self.log_attempt(number, started, status, failure, &decision);
            let (Decision::Retry(wait), Some(spare)) = (&decision, spare) else {
                return match attempt {
                    Attempt::Answer(response) | Attempt::Refused(response) => Ok(response),
                    Attempt::Failed(error) => Err(error),
                };
            };
            drop(attempt);
            tokio::time::sleep(*wait).await;
            request = spare;
            retry += 1;
        }
    }
}
