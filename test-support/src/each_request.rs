//! A run faulted, or its real binary killed, at each of its requests in turn: a clean reference
//! run gives the sequence of requests; for request `k`, faults replay the run up to `k` and
//! apply an action to it. Used by the setup's and the rotation's convergence tests.

use std::collections::HashSet;
use std::time::Duration;

use fake_cloudflare::{Fault, FaultAction, RecordedRequest};

/// The operation a recorded request was routed to (empty if none).
pub fn operation(request: &RecordedRequest) -> String {
    request.operation.clone().unwrap_or_default()
}

/// The requests of a reference run that can be faulted: those it did not fault already.
pub fn points(reference: &[RecordedRequest]) -> Vec<usize> {
    (0..reference.len())
        .filter(|&k| reference[k].fault.is_none())
        .collect()
}

/// The faults that replay the reference run up to request `k`, apply `action` to it, and keep
/// those of `scenario` (the faults the reference run was made with) that were still to come.
/// Faults for one operation apply in the order injected, so a pass-through (`delay/0`) for each
/// earlier request of the same operation makes `action` hit exactly request `k`.
pub fn faults_for(
    reference: &[RecordedRequest],
    scenario: Vec<Fault>,
    k: usize,
    action: FaultAction,
) -> Vec<Fault> {
    let mut faults: Vec<Fault> = reference[..k]
        .iter()
        .map(|r| match &r.fault {
            Some(text) => format!("{}={text}", operation(r))
                .parse()
                .expect("a recorded fault parses"),
            None => Fault::delay(operation(r), Duration::ZERO),
        })
        .collect();
    faults.push(Fault::new(operation(&reference[k]), action));
    let used: HashSet<String> = reference[..k]
        .iter()
        .filter(|r| r.fault.is_some())
        .map(operation)
        .collect();
    faults.extend(
        scenario
            .into_iter()
            .filter(|f| !used.contains(&f.operation)),
    );
    faults
}

#[cfg(feature = "cli")]
pub use killing::kill_at;

#[cfg(feature = "cli")]
mod killing {
    use std::os::unix::process::ExitStatusExt;

    use fake_cloudflare::{FakeCloudflare, Fault};

    use crate::cli::{Binary, env_for};

    /// Runs `binary` with `args` against `server` and `faults` (from [`faults_for`](super::faults_for) with
    /// [`FaultAction::Hold`](fake_cloudflare::FaultAction::Hold) at request `k`), waits until
    /// request `k` is held (carried out, its answer not sent), calls `while_held` (to look at the state at that moment),
    /// then kills the process with SIGKILL, checks that it was killed there, and clears the
    /// faults and releases the held request, ready for a clean re-run.
    pub async fn kill_at(
        binary: Binary,
        server: &FakeCloudflare,
        args: &[&str],
        faults: Vec<Fault>,
        k: usize,
        context: &str,
        while_held: impl FnOnce(&FakeCloudflare),
    ) {
        for fault in faults {
            server.inject(fault);
        }
        let env = env_for(server);
        let mut child = binary
            .command(&env, args)
            .spawn()
            .expect("the binary starts");
        tokio::select! {
            () = server.wait_for_held(1) => {}
            status = child.wait() => panic!("{context}: the run ended ({status:?}) first"),
        }
        while_held(server);
        child.start_kill().expect("the child can be killed");
        let status = child.wait().await.expect("the child is reaped");
        assert_eq!(status.signal(), Some(9), "{context}: {status:?}");
        let held = server.requests();
        assert_eq!(held.len(), k + 1, "{context}: {held:#?}");
        assert_eq!(held[k].fault.as_deref(), Some("hold"), "{context}");
        server.clear_faults();
        server.release_held();
    }
}
