//! The conformance referees live in `tests/it/` (one test binary, `it`) and, for the official
//! TypeScript SDK, in `sdk-driver.mjs` beside this crate's `package.json`. See the repository
//! README, section "Conformance referees".
