//! Who may call what: the credentials the fake accepts, and the permissions a token it minted
//! carries.

mod credentials;
mod permissions;
