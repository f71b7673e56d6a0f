//! What the command line refuses, and what it never loses: usage errors before any request, ids
//! that would change the request's path, `--timeout`, dates and durations that would overflow,
//! and one-time secrets.

mod arithmetic;
mod paths_and_timeouts;
mod secrets_once;
mod usage;
