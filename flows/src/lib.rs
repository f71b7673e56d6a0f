//! Multi-step tasks built from the operations: the documented AI Search setup in one call, safe
//! to run again and undone when it fails half-way ([`setup_ai_search`]), Access service token
//! rotation with a grace period ([`rotate_access_token`], and [`rotate_access_token_guarded`],
//! which keeps that grace through lost answers and re-runs), and the question "does AI Search use
//! this API token?" ([`ai_search_registrations_of`]).
//!
//! ```no_run
//! # async fn example() -> Result<(), Box<dyn std::error::Error>> {
//! use cloudflare_tokens::Client;
//! use cloudflare_tokens::flows::{AiSearchSetup, InstanceSource, setup_ai_search};
//!
//! let cf = Client::from_env()?;
//! let setup = AiSearchSetup::new("account-id", "docs", InstanceSource::R2Bucket("docs-bucket".into()));
//! let outcome = setup_ai_search(&cf, &setup, |event| eprintln!("{event}")).await?;
//! println!("instance {} uses AI Search token {:?}", setup.instance_id, outcome.token.registration());
//! # Ok(()) }
//! ```

mod indexing;
mod registrations;
mod rotate;
mod rotate_ai_search;
mod setup;

pub use indexing::{Backoff, IndexingProgress, InstanceRef, Runs, WaitOutcome, wait_for_indexing};
pub use registrations::ai_search_registrations_of;
pub use rotate::{
    AccessRotationError, RECENT_CHANGE, ReadBack, RotatedServiceToken, rotate_access_token,
    rotate_access_token_guarded,
};
pub use rotate_ai_search::{
    Discarded, RotatedAiSearchToken, RotationError, RotationState, RotationStep,
    rotate_ai_search_token, rotate_ai_search_token_with_grace,
};
pub use setup::{
    AiSearchSetup, Blocker, Chain, ChainBreak, DeadToken, Event, InstanceOutcome, InstanceSource,
    Leftover, MintedToken, ORPHAN_GRACE, ObjectKind, PlannedStep, Presence, RolledBack, SetupError,
    SetupOutcome, Step, TokenOutcome, TokenOwner, WhyDeleted, WhyLeft, check_chain,
    check_registration, setup_ai_search,
};

/// The name of the permission group AI Search needs on the account.
pub const AI_SEARCH_INDEX_ENGINE: &str = "AI Search Index Engine";

/// Its id, as Cloudflare documents it: used only when looking the group up is not permitted.
pub const AI_SEARCH_INDEX_ENGINE_ID: &str = "9e9b428a0bcd46fd80e580b46a69963c";
