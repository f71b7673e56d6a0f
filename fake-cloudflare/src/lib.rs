//! A stateful local stand-in for the Cloudflare API operations of `spec/openapi.json`, for
//! testing clients against: user API tokens, AI Search tokens and instances, and Access service
//! tokens, with Cloudflare's envelopes, auth, pagination, injected faults and a request log.
//!
//! It is written from the spec, independently of the `cloudflare-tokens` client it tests.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use fake_cloudflare::{Fault, FakeCloudflare};
//!
//! let server = FakeCloudflare::builder().bootstrap_token("t").email_key("a@b.c", "k").start().await?;
//! let base_url = server.base_url(); // http://127.0.0.1:PORT/client/v4
//! server.inject(Fault::drop_connection("user_tokens_create"));
//! // ... point the client at base_url with `Authorization: Bearer t` ...
//! assert_eq!(server.requests_for("user_tokens_create").len(), 1);
//! # Ok(()) }
//! ```
//!
//! # Behaviour
//!
//! - The API lives under `/client/v4`, like `https://api.cloudflare.com/client/v4`, so a client
//!   is pointed at [`FakeCloudflare::base_url`]. Other paths answer 404 (code 7000), except the
//!   admin API under `/__fake` (see [`admin`]).
//! - Auth: `Authorization: Bearer` with the bootstrap token or the current value of a user token
//!   created in the fake (not deleted, not disabled, not expired, past its `not_before`), or
//!   `X-Auth-Email` and `X-Auth-Key` equal to the configured ones. Missing or unknown credentials
//!   get 401 (code 10000), unreadable ones (another scheme than Bearer, half of an email and key)
//!   400 (code 6003); the user token operations refuse an email and key with 403 (code 9109).
//! - Permissions: the bootstrap token and the email and key may call everything. An API token
//!   created in the fake may call an operation only if one of its `allow` policies grants one of
//!   the permission groups the spec lists for it (`x-api-token-group`, read from
//!   `spec/openapi.json` at build time: [`Operation::token_groups`]); otherwise 403 (code 10000).
//!   Operations the spec lists no group for (verify, AI Search, `r2_buckets_get`, Access rotate)
//!   are open to any valid token. A disabled, expired or not yet valid token gets 401 whatever
//!   it grants. Not enforced: a policy's `resources` (a group granted on one account counts on
//!   every account and on the user's paths), `deny` policies (they take nothing away), which
//!   owner a token has (user or account), request-IP conditions, and the permissions behind a
//!   group (`x-cfPermissionsRequired`): "AI Search Index Engine" grants nothing the fake checks.
//! - AI Search answers as Cloudflare's AI Search guides show: timestamps like
//!   `2025-12-25 01:52:28` (UTC, no zone), list items with every field the list's schema
//!   requires (`null` where unset), an empty result for a token delete, and errors with a
//!   `path` (`["body", "name"]`, or empty).
//! - Pagination: `page` from 1 and `per_page` within the spec's bounds (user tokens 5..=50,
//!   default 20; AI Search 1..=100, default 20, tokens' `page` at most 100; Access 1..=1000,
//!   default 1000). Values out of bounds are rejected with 400, not clamped. Lists keep creation
//!   order (AI Search instances default to newest first, as the spec's `order_by_direction`
//!   default says). AI Search lists leave `total_pages` out of `result_info`, as the real API does.
//! - Requests are checked against the spec's request schemas before anything is carried out
//!   (after auth): every body and query parameter, for required fields, types, enums, formats
//!   (`date-time`, `uuid`, `uri`), lengths, ranges and list sizes. The first rule broken is
//!   refused with 400, code 1001, the message naming the field (`ai_search_model: "x" is not
//!   one of ...`; a secret field's value is never shown), so that what Cloudflare would refuse
//!   is never taken and echoed back. Fields the server sets (`readOnly`) are ignored in requests.
//! - Every answer carries a `cf-ray` header: the request's sequence number in hex and `-FAKE`.
//! - Errors: Cloudflare's error envelope with one error. The codes follow Cloudflare's where we
//!   know them and are otherwise stable approximations:
//!
//!   | status | code  | when |
//!   | ------ | ----- | ---- |
//!   | 400    | 1001  | a body field or query parameter is missing or invalid (also `per_page` out of bounds) |
//!   | 400    | 6003  | credential headers that cannot be read ("Invalid request headers") |
//!   | 400    | 6007  | the body is not JSON |
//!   | 400    | 7002  | AI Search: `cf_api_id`/`cf_api_key` are not a usable user token and its current value, or `token_id` is not a token of the account |
//!   | 401    | 1000  | `GET /user/tokens/verify` with an unknown token ("Invalid API Token") |
//!   | 401    | 10000 | no credentials, or credentials the fake does not know ("Authentication error") |
//!   | 403    | 9109  | a user token operation called with an email and key |
//!   | 403    | 10000 | an API token none of whose policies grants a permission group the operation needs ("Authentication error") |
//!   | 404    | 7000  | no operation has this path (also an `accounts_or_zones` other than `accounts`/`zones`) |
//!   | 404    | 7003  | the path names an object that does not exist |
//!   | 405    | 7001  | the path exists but not with this method |
//!   | 400    | 1009  | an AI Search instance id already taken (the create's documented refusal) |
//!   | 409    | 1009  | an AI Search token still used by instances |
//!   | 413    | 6008  | the request body is larger than [`Limits::max_body_size`] |
//!   | 429    | 971   | an injected rate limit |
//! - Access service tokens authenticate to a protected test application,
//!   `GET /__fake/access/protected` ([`access_app`]), with `CF-Access-Client-Id` and
//!   `CF-Access-Client-Secret`: the current secret, or the previous one until its
//!   `previous_client_secret_expires_at`; only one previous secret is kept, so a second rotation
//!   ends the first one's grace. Expired, disabled and deleted tokens are refused (403).
//! - Time: the fake's clock can be moved forward ([`FakeCloudflare::advance_clock`],
//!   `POST /__fake/clock`), so that expiries and grace periods end without waiting.
//! - Faults: see [`faults`].
//!
//! # Limits
//!
//! Nothing a client sends makes the fake hold more, or wait longer, than these bounds. Each is
//! set on [`FakeCloudflareBuilder`] (or all at once with [`FakeCloudflareBuilder::limits`]) and
//! on the `fake-cloudflare` command line; [`Limits::default`] has the defaults.
//!
//! | limit | default | builder / flag | beyond it |
//! | ----- | ------- | -------------- | --------- |
//! | request log | 1000 requests | `max_logged_requests` / `--max-logged-requests` | the oldest entry is dropped ([`FakeCloudflare::requests_dropped`] counts them) |
//! | body in the log | 16 KiB | `log_body_excerpt` / `--log-body-excerpt` | the body is logged as a string: the first bytes of its redacted JSON (or text); [`RecordedRequest::body_truncated`] is set |
//! | request body | 1 MiB | `max_body_size` / `--max-body-size` | 413 with an error envelope (code 6008), `Connection: close`; a body that declares more (`Content-Length`) is refused before any of it is read, a chunked one as soon as it brings more |
//! | request head | 64 KiB ([`MAX_REQUEST_HEAD`]) | fixed | 431 |
//! | header read timeout | 30 s | `header_read_timeout` / `--header-read-timeout` | the connection is closed: a head sent in part, or byte by byte, and then stalled |
//! | idle timeout | 30 s | `idle_timeout` / `--idle-timeout` | the connection is closed: no request being answered and no byte moving (a kept-alive connection between requests, a client that stops reading an answer), or a request body that pauses that long |
//!
//! A kept-alive connection waits for its next request at most the shorter of the two
//! timeouts. An answer the fake itself delays (a `delay` fault) is not idleness.

pub mod access_app;
pub mod admin;
mod auth;
mod envelope;
pub mod faults;
mod fields;
mod holds;
mod ids;
mod limits;
mod pagination;
mod query;
pub mod requests;
mod resources;
pub mod routes;
mod server;
mod service;
mod shared;
mod validate;

pub use faults::{Fault, FaultAction, Times};
pub use limits::{Limits, MAX_REQUEST_HEAD};
pub use requests::{AuthUsed, RecordedRequest};
pub use resources::access::AccessScope;
pub use resources::accounts::DEFAULT_ACCOUNT_ID;
pub use resources::permission_groups::AI_SEARCH_INDEX_ENGINE;
pub use resources::user_tokens::BOOTSTRAP_TOKEN_ID;
pub use routes::{API_PREFIX, Operation};
pub use server::{
    DEFAULT_API_KEY, DEFAULT_BOOTSTRAP_TOKEN, DEFAULT_EMAIL, FakeCloudflare, FakeCloudflareBuilder,
    SeededUserToken,
};
