//! The report on a real update: Cloudflare's description of 2024-08-07, trimmed with our
//! overlay, against the committed spec.

use serde_json::Value;

use super::{Kind, Report, compare};

/// The report, or `None` (the test is skipped) when the 2024 spec is not on this machine.
fn real_report() -> Option<Report> {
    let repo = crate::repo_root();
    let upstream = crate::workspace::upstream_for_tests(crate::workspace::OLDER_UPSTREAM)?;
    let overlay = crate::overlay::Overlay::load(&repo.join("spec/overlay.toml"))
        .unwrap_or_else(|e| panic!("loading the overlay: {e}"));
    let doc = crate::load::load(&upstream).unwrap_or_else(|e| panic!("loading upstream: {e}"));
    let options = crate::trim::Options {
        allow_missing: true,
        ..Default::default()
    };
    let old = crate::trim::trim(&doc, &overlay, options)
        .unwrap_or_else(|e| panic!("trimming the 2024 spec: {e}"))
        .spec;
    let committed = std::fs::read_to_string(repo.join("spec/openapi.json"))
        .unwrap_or_else(|e| panic!("reading spec/openapi.json: {e}"));
    let new: Value = serde_json::from_str(&committed).expect("the committed spec is JSON");
    Some(compare(&old, &new))
}

#[test]
fn the_2024_spec_against_the_committed_one() {
    let Some(report) = real_report() else { return };
    let has = |kind: Kind, subject: &str| {
        report
            .changes
            .iter()
            .any(|c| c.kind == kind && c.subject == subject)
    };
    for field in ["enabled", "expires_at", "last_seen_at"] {
        let subject = format!("model ServiceToken.{field}");
        assert!(
            has(Kind::FieldAdded, &subject),
            "{subject} should be reported as added:\n{}",
            report.render_text()
        );
    }
    for id in [
        "ai_search_instances_create",
        "ai_search_instances_list",
        "ai_search_tokens_create",
        "ai_search_tokens_list",
    ] {
        let subject = format!("operation {id}");
        assert!(
            has(Kind::OperationAdded, &subject),
            "{subject} should be reported as added:\n{}",
            report.render_text()
        );
    }
    // Fields added to a model that only responses use never break callers.
    let service_token_enabled = report
        .changes
        .iter()
        .find(|c| c.subject == "model ServiceToken.enabled")
        .expect("checked above");
    assert!(!service_token_enabled.breaking);
    // Nothing was removed from the API in two years, but the overlay's renames and the new
    // typing of old free-form models do break the client.
    assert!(report.breaking_count() > 0);
    assert!(
        !report
            .changes
            .iter()
            .any(|c| c.kind == Kind::OperationRemoved)
    );
    // The same inputs give the same bytes.
    let again = real_report().expect("present a moment ago");
    assert_eq!(report.render_json(), again.render_json());
}
