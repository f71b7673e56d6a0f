//! `cf-tokens ai-search setup`: a run end to end (what it creates, reruns, rollbacks, dry runs,
//! where the minted secret may appear), convergence after any fault or kill, and what a run
//! repairs.

mod concurrent;
pub mod converges;
mod end_to_end;
mod repairs;

/// The name the setup gives what it creates for the instance `docs` (its API token and the
/// registration): `ai-search-<instance>`.
pub const NAME: &str = "ai-search-docs";

/// The setup most tests run: instance `docs`, indexing one of the fake's buckets. Tests run one
/// setup after another, so orphans are deleted however recent (no grace).
pub const SETUP: &[&str] = &[
    "ai-search",
    "setup",
    "--instance",
    "docs",
    "--r2-bucket",
    "docs-bucket",
    "--orphan-grace",
    "0s",
];
