//! `cf-tokens ai-search tokens rotate`: it converges after any single fault or SIGKILL at any
//! of its requests, and the instance has a working API token at every moment.

mod converges;
