//! What every referee needs: the tools (Node.js and the pinned npm packages), the upstream
//! subset, Prism processes on free loopback ports, and the operations of our spec.

use std::io::Read;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};

use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use serde_json::Value;

/// The repository root (found from the current directory, as xtask finds it).
pub fn repo_root() -> PathBuf {
    xtask::workspace::repo_root()
}

/// Where the referees write what they build (the subset, Prism's logs): never committed.
pub fn work_dir() -> PathBuf {
    let dir = repo_root().join("target").join("conformance");
    std::fs::create_dir_all(&dir).expect("creating target/conformance");
    dir
}

/// Node.js and Prism, found.
#[derive(Clone, Debug)]
pub struct Tools {
    pub node: PathBuf,
    pub prism: PathBuf,
    /// The directory holding `package.json` and `node_modules/`.
    pub package_dir: PathBuf,
}

fn find_on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
}

fn tools_found() -> Result<Tools, String> {
    let package_dir = repo_root().join("conformance");
    let node = find_on_path("node").ok_or("Node.js (`node`) is not on PATH")?;
    let prism = package_dir.join("node_modules/@stainless-api/prism-cli/dist/index.js");
    if !prism.is_file() {
        return Err(
            "the pinned npm packages are not installed: run `npm ci --prefix conformance`"
                .to_string(),
        );
    }
    if !package_dir
        .join("node_modules/cloudflare/package.json")
        .is_file()
    {
        return Err(
            "the official SDK (`cloudflare`) is not installed: run `npm ci --prefix conformance`"
                .to_string(),
        );
    }
    Ok(Tools {
        node,
        prism,
        package_dir,
    })
}

/// The tools and Cloudflare's spec, or `None` after a visible notice when one is missing
/// locally. Under `CI=true` a missing one fails the test: CI installs them (`.ci/run`).
pub fn tools(test: &str) -> Option<Tools> {
    xtask::workspace::upstream_for_tests(xtask::workspace::CURRENT_UPSTREAM)?;
    match tools_found() {
        Ok(tools) => Some(tools),
        Err(why) if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("{test}: {why} (CI=true: the conformance referees must run)")
        }
        Err(why) => {
            // Straight to stderr: `eprintln!` is captured by the test harness, and the notice
            // must be seen in a passing run.
            use std::io::Write;
            let _ = writeln!(
                std::io::stderr(),
                "skipped: conformance test `{test}`: {why}"
            );
            None
        }
    }
}

/// Our trimmed spec.
pub fn our_spec() -> &'static Value {
    static SPEC: OnceLock<Value> = OnceLock::new();
    SPEC.get_or_init(|| {
        let text = std::fs::read_to_string(repo_root().join("spec/openapi.json"))
            .expect("reading spec/openapi.json");
        serde_json::from_str(&text).expect("spec/openapi.json is JSON")
    })
}

/// The upstream subset for our operations, built once per test run by the code behind
/// `cargo xtask upstream-subset`.
pub fn subset() -> PathBuf {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT
        .get_or_init(|| {
            let root = repo_root();
            let overlay = xtask::overlay::Overlay::load(&root.join("spec/overlay.toml"))
                .expect("loading the overlay");
            let upstream = xtask::load::load(
                &xtask::workspace::upstream_dir().join(xtask::workspace::CURRENT_UPSTREAM),
            )
            .expect("loading Cloudflare's spec");
            let spec = xtask::upstream_subset::build(our_spec(), &overlay, &upstream)
                .expect("building the upstream subset");
            let file = work_dir().join(xtask::upstream_subset::FILE);
            std::fs::write(&file, xtask::upstream_subset::render(&spec))
                .expect("writing the subset");
            file
        })
        .clone()
}

/// How a request authenticates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum AuthStyle {
    /// `Authorization: Bearer …`
    Token,
    /// `X-Auth-Email` + `X-Auth-Key`
    EmailKey,
}

/// One operation of our spec, as the referees need it.
#[derive(Clone, Debug)]
pub struct SpecOperation {
    pub id: String,
    pub method: String,
    pub path: String,
    /// The auth styles its security allows.
    pub auth: Vec<AuthStyle>,
}

/// Every operation of `spec/openapi.json`, sorted by id.
pub fn operations() -> Vec<SpecOperation> {
    let mut out = Vec::new();
    for (path, item) in our_spec()["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("path item") {
            let Some(id) = op["operationId"].as_str() else {
                continue;
            };
            let mut auth = Vec::new();
            for requirement in op["security"].as_array().into_iter().flatten() {
                let names: Vec<&str> = requirement
                    .as_object()
                    .into_iter()
                    .flatten()
                    .map(|(k, _)| k.as_str())
                    .collect();
                match names.as_slice() {
                    ["api_token"] => auth.push(AuthStyle::Token),
                    ["api_email", "api_key"] | ["api_key", "api_email"] => {
                        auth.push(AuthStyle::EmailKey)
                    }
                    other => panic!("{id}: unexpected security requirement {other:?}"),
                }
            }
            auth.sort();
            auth.dedup();
            out.push(SpecOperation {
                id: id.to_string(),
                method: method.to_uppercase(),
                path: path.clone(),
                auth,
            });
        }
    }
    out.sort_by(|a, b| a.id.cmp(&b.id));
    assert!(!out.is_empty(), "spec/openapi.json has no operations");
    out
}

/// A loopback port nothing listens on right now.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

/// Starting many Node.js processes at once on two cores makes each slow to start: one at a time.
static STARTING: Mutex<()> = Mutex::new(());

/// A Prism process, stopped when dropped.
pub struct Prism {
    child: Child,
    port: u16,
    log: PathBuf,
}

impl Prism {
    /// `prism mock SUBSET --errors` plus `extra` (e.g. `-d --seed 3`).
    pub fn mock(tools: &Tools, name: &str, extra: &[&str]) -> Prism {
        let subset = subset();
        let mut args = vec!["mock".to_string(), subset.display().to_string()];
        args.push("--errors".into());
        args.extend(extra.iter().map(|s| s.to_string()));
        Self::start(tools, name, args)
    }

    /// `prism mock` on another spec file (for tests of the subset itself).
    pub fn mock_file(tools: &Tools, name: &str, spec: &Path) -> Prism {
        let args = vec![
            "mock".to_string(),
            spec.display().to_string(),
            "--errors".into(),
        ];
        Self::start(tools, name, args)
    }

    /// `prism proxy SUBSET UPSTREAM`: forwards to `upstream`, checks requests and answers both,
    /// and reports every violation in the answer's `sl-violations` header. (Not `--errors`,
    /// which would replace an invalid answer by its own: the caller judges the violations.)
    pub fn proxy(tools: &Tools, name: &str, upstream: &str) -> Prism {
        let subset = subset();
        let args = vec![
            "proxy".to_string(),
            subset.display().to_string(),
            upstream.to_string(),
        ];
        Self::start(tools, name, args)
    }

    fn start(tools: &Tools, name: &str, mut args: Vec<String>) -> Prism {
        let _one_at_a_time = STARTING.lock().unwrap_or_else(|e| e.into_inner());
        let port = free_port();
        args.extend([
            "--host".into(),
            "127.0.0.1".into(),
            "--port".into(),
            port.to_string(),
        ]);
        let log = work_dir().join(format!("prism-{name}.log"));
        let out = std::fs::File::create(&log).expect("creating Prism's log");
        let err = out.try_clone().expect("cloning the log handle");
        let child = Command::new(&tools.node)
            .arg(&tools.prism)
            .args(&args)
            .current_dir(&tools.package_dir)
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
            .expect("starting Prism");
        let mut prism = Prism { child, port, log };
        prism.wait_until_listening(&args);
        prism
    }

    fn wait_until_listening(&mut self, args: &[String]) {
        let deadline = Instant::now() + Duration::from_secs(120);
        let addr = SocketAddr::from(([127, 0, 0, 1], self.port));
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!(
                    "Prism ({args:?}) exited with {status} before listening:\n{}",
                    self.log_text()
                );
            }
            if self.log_text().contains("Prism is listening")
                && TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok()
            {
                return;
            }
            if Instant::now() > deadline {
                panic!(
                    "Prism ({args:?}) did not listen within 120 s:\n{}",
                    self.log_text()
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// `http://127.0.0.1:PORT/client/v4`
    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}/client/v4", self.port)
    }

    /// Everything Prism printed so far.
    pub fn log_text(&self) -> String {
        let mut text = String::new();
        if let Ok(mut file) = std::fs::File::open(&self.log) {
            let _ = file.read_to_string(&mut text);
        }
        text
    }
}

impl Drop for Prism {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Credentials the referees use (Prism accepts any; the fake is started with these).
pub const TOKEN: &str = "conformance-bootstrap-token";
pub const EMAIL: &str = "referee@example.com";
pub const KEY: &str = "c2547eb745079dac9320b638f5e225cf483cc5cfdda41";
pub const ACCOUNT_ID: &str = "023e105f4ecef8ad9ca31a8372d0c353";
pub const ZONE_ID: &str = "9a7806061c88ada191ed06f989cc3dac";

/// A client of `base_url` authenticating in `style`, without retries (a retried request would
/// hide what the first answer was).
pub fn client(base_url: &str, style: AuthStyle) -> cloudflare_tokens::Client {
    use cloudflare_tokens::{Client, Credentials, RetryPolicy, Secret};
    let credentials = match style {
        AuthStyle::Token => Credentials::ApiToken(Secret::new(TOKEN.to_string())),
        AuthStyle::EmailKey => Credentials::ApiKey {
            email: EMAIL.to_string(),
            key: Secret::new(KEY.to_string()),
        },
    };
    Client::builder(credentials)
        .base_url(base_url)
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("a client")
}
