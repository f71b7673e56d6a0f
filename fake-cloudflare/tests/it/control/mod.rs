//! What a test steers and reads the fake with: injected faults, the request log and the admin
//! API.

mod faults;
mod request_log;
