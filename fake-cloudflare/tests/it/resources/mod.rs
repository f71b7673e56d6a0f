//! The API as the fake serves it: each resource's operations, and paging through lists.

mod access;
mod access_auth;
mod accounts;
mod ai_search;
mod journey;
mod pagination;
mod user_tokens;
