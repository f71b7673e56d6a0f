//! What each group of commands does, run in-process against the fake: `account …` (the
//! account's API tokens and permission groups), `user …` (user tokens) and `access …` (service
//! tokens).

mod access;
mod account;
mod user;
