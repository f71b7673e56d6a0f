//! What the generator produced: the public API as snapshots, every model's JSON round trip, a
//! doc line on every field, the committed client up to date with the spec, and the `mock`
//! feature's helpers used as a user of the crate would.

mod field_docs;
mod mock_helpers;
mod models;
mod snapshots;
mod up_to_date;
