//! The conformance referees, in one test binary: Prism (mock, dynamic and proxy modes) against
//! the upstream subset, and the official TypeScript SDK against fake-cloudflare. See the README,
//! section "Conformance referees". Without Node.js or the npm packages each test skips with a
//! notice, except under `CI=true`, where it fails.

mod calls;
mod cli;
mod prism_dynamic;
mod prism_requests;
mod sdk;
mod support;
mod validator_live;
