//! Referee 1, dynamic: Prism generates a random answer from upstream's response schema for
//! every operation (`prism mock -d --seed N`, one Prism per seed: a seed fixes every answer).
//! Whatever the spec allows must decode, except the deliberate strictness listed in
//! [`DELIBERATE`] (and in the README, with the reason).

use std::collections::BTreeMap;

use crate::calls::{self, Called};
use crate::support::{self, AuthStyle, Prism};

/// The seeds run by default; `CONFORMANCE_SEEDS=1-40` (or `3,7,9`) runs others.
const DEFAULT_SEEDS: std::ops::RangeInclusive<u64> = 1..=10;

/// Answers the spec allows that the client refuses on purpose: (operation or `*` for any,
/// what the error says, why). Keep the README's list ("Deliberate strictness") in step.
pub const DELIBERATE: &[(&str, &str, &str)] = &[
    (
        "*",
        "Cloudflare refused the request (HTTP 2",
        "`success: false` is a failure whatever the HTTP status: Cloudflare says the call did not \
         happen. (AI Search's single-instance envelopes type `success` as any boolean.)",
    ),
    (
        "ai_search_instances_list",
        "expected an integer, found",
        "`chunk_size`, `chunk_overlap` and `max_num_results` are whole numbers (the create and \
         update bodies and the single-instance answers say `integer`; only the list says `number`): \
         `10.0` reads as 10, a fraction is refused rather than rounded.",
    ),
    (
        "ai_search_namespace_instances_list",
        "expected an integer, found",
        "The same instance model, listed in a namespace: the same whole numbers.",
    ),
];

fn seeds() -> Vec<u64> {
    let Ok(text) = std::env::var("CONFORMANCE_SEEDS") else {
        return DEFAULT_SEEDS.collect();
    };
    let mut seeds = Vec::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        match part.split_once('-') {
            Some((a, b)) => {
                let (a, b): (u64, u64) = (a.parse().expect("a seed"), b.parse().expect("a seed"));
                seeds.extend(a..=b);
            }
            None => seeds.push(part.parse().expect("a seed")),
        }
    }
    seeds
}

#[derive(Default)]
struct Tally {
    decoded: usize,
    deliberate: usize,
    failures: Vec<String>,
}

#[tokio::test(flavor = "multi_thread")]
async fn every_answer_the_spec_allows_decodes() {
    let Some(tools) = support::tools("prism_dynamic") else {
        return;
    };
    let operations = support::operations();
    let mut tally: BTreeMap<String, Tally> = BTreeMap::new();
    let seeds = seeds();
    for seed in &seeds {
        let prism = Prism::mock(
            &tools,
            &format!("dynamic-{seed}"),
            &["--dynamic", "--seed", &seed.to_string()],
        );
        let token = support::client(&prism.base_url(), AuthStyle::Token);
        let email_key = support::client(&prism.base_url(), AuthStyle::EmailKey);
        for op in &operations {
            let entry = tally.entry(op.id.clone()).or_default();
            let scope = calls::scopes(&op.path).remove(0);
            // A credential the operation's `security` allows (`GET /accounts` takes only an
            // email and key), so that Prism answers from the spec rather than refusing it.
            let client = match op.auth.contains(&AuthStyle::Token) {
                true => &token,
                false => &email_key,
            };
            match calls::call(client, &op.id, scope).await {
                Called::Ok => entry.decoded += 1,
                Called::Failed(e) => {
                    // The error's line and its causes (`source()`), as a log would show them.
                    let mut text = e.to_string();
                    let mut cause = std::error::Error::source(&e);
                    while let Some(c) = cause {
                        text.push_str(": ");
                        text.push_str(&c.to_string());
                        cause = c.source();
                    }
                    match DELIBERATE
                        .iter()
                        .find(|(id, says, _)| (*id == "*" || *id == op.id) && text.contains(says))
                    {
                        Some(_) => entry.deliberate += 1,
                        None => entry.failures.push(format!("seed {seed}: {text}")),
                    }
                }
                Called::NoCall => entry.failures.push(format!(
                    "no call is written for it in conformance/tests/it/calls.rs (seed {seed})"
                )),
            }
        }
    }
    let mut report = String::new();
    let mut failed = Vec::new();
    let (mut decoded, mut deliberate) = (0, 0);
    for (id, t) in &tally {
        report.push_str(&format!(
            "  {id}: {} of {} decoded, {} refused on purpose\n",
            t.decoded,
            seeds.len(),
            t.deliberate
        ));
        decoded += t.decoded;
        deliberate += t.deliberate;
        failed.extend(t.failures.iter().map(|f| format!("{id}: {f}")));
    }
    eprintln!(
        "prism_dynamic: {} seeds x {} operations: {decoded} answers decoded, {deliberate} refused on purpose\n{report}",
        seeds.len(),
        operations.len()
    );
    assert!(
        failed.is_empty(),
        "answers the spec allows did not decode:\n{}\n\n{report}",
        failed.join("\n")
    );
}
