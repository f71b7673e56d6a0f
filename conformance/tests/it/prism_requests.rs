//! Referee 1: Prism in mock mode, with `--errors`, against upstream's own schemas. Every
//! operation is called through the Rust client with every auth style its security allows (and
//! on both scopes where it has them): a request Prism finds invalid gets an error answer, so the
//! call fails; an example answer the client cannot decode fails it too.

use std::collections::BTreeSet;

use crate::calls::{self, Called};
use crate::support::{self, Prism};

#[tokio::test(flavor = "multi_thread")]
async fn every_operation_with_every_auth_style_is_valid_and_decodes() {
    let Some(tools) = support::tools("prism_requests") else {
        return;
    };
    let prism = Prism::mock(&tools, "requests", &[]);
    let mut failures = Vec::new();
    let mut validated = 0;
    let mut called = BTreeSet::new();
    for op in support::operations() {
        assert!(
            !op.auth.is_empty(),
            "{} ({} {}): the spec names no auth style",
            op.id,
            op.method,
            op.path
        );
        for style in &op.auth {
            let client = support::client(&prism.base_url(), *style);
            for scope in calls::scopes(&op.path) {
                match calls::call(&client, &op.id, scope).await {
                    Called::Ok => {
                        validated += 1;
                        called.insert(op.id.clone());
                    }
                    Called::Failed(e) => {
                        failures.push(format!("{} ({style:?}, {scope:?}): {e}", op.id))
                    }
                    Called::NoCall => failures.push(format!(
                        "{}: no call is written for it in conformance/tests/it/calls.rs",
                        op.id
                    )),
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "Prism refused requests or the client could not decode its examples:\n{}\n\nPrism's log:\n{}",
        failures.join("\n"),
        prism.log_text()
    );
    let all: BTreeSet<String> = support::operations().into_iter().map(|o| o.id).collect();
    assert_eq!(called, all, "every operation of the spec was called");
    // Every call is one request, and Prism logged that each passed its validation.
    let passed_count = || {
        prism
            .log_text()
            .matches("The request passed the validation rules")
            .count()
    };
    // Prism writes its log as it goes: give the last lines a moment to land.
    let mut passed = passed_count();
    for _ in 0..50 {
        if passed >= validated {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
        passed = passed_count();
    }
    assert_eq!(passed, validated, "Prism validated every request");
    eprintln!(
        "prism_requests: {validated} requests over {} operations validated by Prism, every example answer decoded",
        all.len()
    );
}
