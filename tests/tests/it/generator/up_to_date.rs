//! `cargo test` fails when the committed client is stale: the generator runs in check mode
//! against the committed spec and must find nothing to change.

#[test]
fn generated_client_matches_the_spec() {
    let root = xtask::repo_root();
    let mut diff = Vec::new();
    let report = xtask::generate::run(&root, xtask::sink::Mode::Check, &mut diff)
        .unwrap_or_else(|e| panic!("the generator failed: {e:#}"));
    assert!(
        report.is_clean(),
        "generated/src is out of date with spec/openapi.json; run `{}` and commit.\n{}",
        xtask::generate::COMMAND,
        String::from_utf8_lossy(&diff)
    );
}
