//! `cf-tokens` as a shell runs it, one binary with a module per subject. (Most of the CLI's
//! tests run it in-process, in the `tests` package; these need the real process.)

mod binary;
