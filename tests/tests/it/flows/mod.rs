//! The multi-step flows (`cloudflare_tokens::flows`) called directly: the setup's typed ids, and
//! the wait for indexing. (The CLI's tests run the setup end to end.)

mod ids;
mod wait;
