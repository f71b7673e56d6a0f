//! The workspace's behaviour tests, one binary with a module per subject: the generated API
//! (snapshots, models, every operation against a mock server) and the client's runtime
//! (decoding, retries, pagination, secrets; `client_*`: redirects, path parameters, redaction,
//! body limit, deadline and logging against servers that misbehave on purpose). `cf-tokens`'s
//! tests are with the CLI, in `cli/tests/it/`. Helpers they share live in the package's library
//! (`tests/src/`).

mod client_body_limit;
mod client_deadline;
mod client_logging;
mod client_path_parameters;
mod client_permissions;
mod client_redaction;
mod client_redirects;
mod decoding;
mod docs;
mod error_display;
mod flows_ids;
mod flows_wait;
mod from_env;
mod generated_is_current;
mod log_capture;
mod mock_helpers;
mod models;
mod operations_access_service_tokens;
mod operations_ai_search_instances;
mod operations_ai_search_tokens;
mod operations_coverage;
mod operations_journey;
mod operations_user_tokens;
mod pagination;
mod retries;
mod secrets;
mod snapshots;
mod streams;
