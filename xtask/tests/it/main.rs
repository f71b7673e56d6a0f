//! The trimmer and the generator driven end to end, as `cargo xtask` runs them: one test binary
//! with a module per subject.

mod alloc_meter;
mod bad_input;
mod common;
mod generality;
mod layout;
mod limits;
mod trim;
