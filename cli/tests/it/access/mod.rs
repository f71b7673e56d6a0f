//! `access tokens rotate` run as the real binary against the fake, with its answer faulted or
//! the binary killed, and the operator's next steps after it: a client holding the original
//! secret must be admitted until the grace period it was promised ends.

mod grace;
