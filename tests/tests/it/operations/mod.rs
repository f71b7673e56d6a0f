//! Every operation of the spec against a mock server (`cloudflare_tokens_tests::ops`): one
//! module per area for what each sends and decodes, and `coverage`, which fails when an
//! operation of `spec/openapi.json` lacks its tests.

mod access_service_tokens;
mod ai_search_instances;
mod ai_search_tokens;
mod coverage;
mod journey;
mod user_tokens;
