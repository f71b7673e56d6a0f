//! The ids the journey's and the refusal table's paths are written with, one letter each, so
//! that a path reads like the spec's template: `/accounts/{A}/tokens/{T}`.

use cloudflare_tokens_tests::ops::ACCOUNT_ID;

/// An API token's id (32 hex), user-owned or account-owned.
pub const TOKEN_ID: &str = "ed17574386854bf78a67040be0a770b0";
/// An id that is a UUID: an AI Search token's, an Access service token's.
pub const TOKEN_UUID: &str = "3f8a6c1e-9b2d-4e57-a0c4-7d1e5f9b2a63";
/// An AI Search namespace.
pub const NS: &str = "docs";
/// An AI Search instance.
pub const ID: &str = "docs-search";
/// An indexing job.
pub const JOB: &str = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";
/// An R2 bucket.
pub const BUCKET: &str = "docs-bucket";

/// `template` with its placeholders filled in: `{A}` the account, `{T}` [`TOKEN_ID`], `{U}`
/// [`TOKEN_UUID`], `{N}` [`NS`], `{I}` [`ID`], `{J}` [`JOB`], `{B}` [`BUCKET`], and `{S}` the
/// Access scope (`accounts`). A placeholder left over is a mistake in the test.
pub fn path(template: &str) -> String {
    let filled = template
        .replace("{A}", ACCOUNT_ID)
        .replace("{T}", TOKEN_ID)
        .replace("{U}", TOKEN_UUID)
        .replace("{N}", NS)
        .replace("{I}", ID)
        .replace("{J}", JOB)
        .replace("{B}", BUCKET)
        .replace("{S}", "accounts");
    assert!(
        !filled.contains('{'),
        "an unknown placeholder in {template}"
    );
    filled
}
