//! The project's build tasks, behind `cargo xtask` (see `cli`). A library so that the tests in
//! `tests/` drive exactly the code the command runs.

pub mod bench;
pub mod changes;
pub mod cli;
pub mod generate;
pub mod keywords;
pub mod load;
pub mod overlay;
pub mod pointer;
pub mod sample;
pub mod sink;
pub mod trim;
pub mod upstream_subset;
pub mod workspace;

pub use workspace::repo_root;
