//! The fake as a server: the bounds on what a client can make it hold or wait for, and the
//! `fake-cloudflare` binary with its flags.

mod binary;
mod limits;
