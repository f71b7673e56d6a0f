//! Every operation of the spec against a mock server (`cloudflare_tokens_tests::ops`): one
//! module per area for what each sends and decodes, `refusals` (a table: every operation
//! refused once), and `coverage`, which fails when an operation of `spec/openapi.json` lacks its
//! tests.

mod access_service_tokens;
mod accounts;
mod ai_search_instances;
mod ai_search_tokens;
mod coverage;
mod journey;
/// Not tests: the ids `journey` and `refusals` write their paths with.
mod placeholders;
mod refusals;
mod user_tokens;
