//! Starting and stopping the server, and the handle tests drive it through.

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;

use chrono::Utc;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use serde_json::Value;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::auth::Credentials;
use crate::faults::{Fault, FaultQueue};
use crate::requests::RecordedRequest;
use crate::resources::State;
use crate::resources::access::AccessScope;
use crate::routes::API_PREFIX;
use crate::service::{Shared, handle};
use crate::{admin, ids};

/// The bootstrap token unless the builder sets another.
pub const DEFAULT_BOOTSTRAP_TOKEN: &str = "fake-bootstrap-token";
/// The `X-Auth-Email` unless the builder sets another.
pub const DEFAULT_EMAIL: &str = "fake@example.com";
/// The `X-Auth-Key` unless the builder sets another.
pub const DEFAULT_API_KEY: &str = "fake-global-api-key";

/// How to start a [`FakeCloudflare`].
#[derive(Clone, Debug)]
pub struct FakeCloudflareBuilder {
    addr: SocketAddr,
    credentials: Credentials,
    faults: FaultQueue,
}

impl Default for FakeCloudflareBuilder {
    fn default() -> Self {
        Self {
            addr: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            credentials: Credentials {
                bootstrap_token: DEFAULT_BOOTSTRAP_TOKEN.to_owned(),
                email_key: Some((DEFAULT_EMAIL.to_owned(), DEFAULT_API_KEY.to_owned())),
            },
            faults: FaultQueue::default(),
        }
    }
}

impl FakeCloudflareBuilder {
    /// The bearer token that is always accepted (default [`DEFAULT_BOOTSTRAP_TOKEN`]).
    pub fn bootstrap_token(mut self, token: impl Into<String>) -> Self {
        self.credentials.bootstrap_token = token.into();
        self
    }

    /// The `X-Auth-Email` and `X-Auth-Key` that are accepted (default [`DEFAULT_EMAIL`] and
    /// [`DEFAULT_API_KEY`]).
    pub fn email_key(mut self, email: impl Into<String>, key: impl Into<String>) -> Self {
        self.credentials.email_key = Some((email.into(), key.into()));
        self
    }

    /// Accept no email and key at all.
    pub fn without_email_key(mut self) -> Self {
        self.credentials.email_key = None;
        self
    }

    /// Where to listen (default `127.0.0.1:0`: a free port, so parallel tests do not collide).
    pub fn bind(mut self, addr: SocketAddr) -> Self {
        self.addr = addr;
        self
    }

    /// A fault in place from the first request on.
    ///
    /// # Panics
    ///
    /// If the fault names no operation of the spec: it would never apply.
    pub fn fault(mut self, fault: Fault) -> Self {
        if let Err(e) = fault.validate() {
            panic!("{e}");
        }
        self.faults.push(fault);
        self
    }

    /// Binds and starts serving on the current tokio runtime.
    pub async fn start(self) -> std::io::Result<FakeCloudflare> {
        let listener = TcpListener::bind(self.addr).await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared::new(self.credentials, self.faults));
        let (stop, stopped) = watch::channel(false);
        let task = tokio::spawn(serve(listener, shared.clone(), stopped));
        Ok(FakeCloudflare {
            addr,
            shared,
            stop,
            task: Some(task),
        })
    }
}

/// Resolves once the handle asks the server to stop, or is gone.
async fn stop_requested(stopped: &mut watch::Receiver<bool>) {
    // The guard `wait_for` returns must not live across an await: it is not `Send`.
    let _ = stopped.wait_for(|stop| *stop).await;
}

async fn serve(listener: TcpListener, shared: Arc<Shared>, mut stopped: watch::Receiver<bool>) {
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                // Out of file descriptors or the like: wait instead of spinning.
                Err(_) => {
                    tokio::time::sleep(std::time::Duration::from_millis(10)).await;
                    continue;
                }
            },
            // A send or a dropped handle both end the server.
            () = stop_requested(&mut stopped) => break,
        };
        let shared = shared.clone();
        let mut stopped = stopped.clone();
        tokio::spawn(async move {
            let service = service_fn(move |request| handle(shared.clone(), request));
            let connection = http1::Builder::new().serve_connection(TokioIo::new(stream), service);
            // Errors here are connections the client closed or the fake dropped on purpose.
            tokio::select! {
                _ = connection => {}
                () = stop_requested(&mut stopped) => {}
            }
        });
    }
}

/// A user token created by [`FakeCloudflare::create_user_token`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SeededUserToken {
    pub id: String,
    /// The secret value to send as `Authorization: Bearer`.
    pub value: String,
}

/// A running fake. Dropping it stops the server.
pub struct FakeCloudflare {
    addr: SocketAddr,
    shared: Arc<Shared>,
    stop: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
}

impl FakeCloudflare {
    pub fn builder() -> FakeCloudflareBuilder {
        FakeCloudflareBuilder::default()
    }

    /// Starts a fake with the default settings.
    pub async fn start() -> std::io::Result<Self> {
        Self::builder().start().await
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The API's base URL, `http://127.0.0.1:PORT/client/v4`, as `https://api.cloudflare.com/client/v4`.
    pub fn base_url(&self) -> String {
        format!("http://{}{API_PREFIX}", self.addr)
    }

    /// The admin API's base URL, `http://127.0.0.1:PORT/__fake`.
    pub fn admin_url(&self) -> String {
        format!("http://{}{}", self.addr, admin::PREFIX)
    }

    pub fn bootstrap_token(&self) -> &str {
        &self.shared.credentials.bootstrap_token
    }

    /// The accepted email and key, if that scheme is on.
    pub fn email_key(&self) -> Option<(&str, &str)> {
        self.shared
            .credentials
            .email_key
            .as_ref()
            .map(|(e, k)| (e.as_str(), k.as_str()))
    }

    /// Adds a fault after those already waiting.
    ///
    /// # Panics
    ///
    /// If the fault names no operation of the spec: it would never apply.
    pub fn inject(&self, fault: Fault) {
        if let Err(e) = fault.validate() {
            panic!("{e}");
        }
        self.shared.lock().faults.push(fault);
    }

    /// The faults not yet used up, in the order they apply.
    pub fn faults(&self) -> Vec<Fault> {
        self.shared.lock().faults.pending()
    }

    pub fn clear_faults(&self) {
        self.shared.lock().faults.clear();
    }

    /// How many requests a `hold` fault has carried out and keeps without an answer now.
    pub fn held(&self) -> usize {
        self.shared.holds.held()
    }

    /// Resolves once at least `n` requests are held (see [`Fault::hold`]).
    pub async fn wait_for_held(&self, n: usize) {
        self.shared.holds.wait_for(n).await;
    }

    /// Sends the answers of every request held now.
    pub fn release_held(&self) {
        self.shared.holds.release();
    }

    /// Every request received so far (admin API calls aside), in arrival order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.lock().log.clone()
    }

    /// The requests received for one operation id, in arrival order.
    pub fn requests_for(&self, operation: &str) -> Vec<RecordedRequest> {
        let inner = self.shared.lock();
        inner
            .log
            .iter()
            .filter(|r| r.operation.as_deref() == Some(operation))
            .cloned()
            .collect()
    }

    pub fn clear_requests(&self) {
        self.shared.lock().log.clear();
    }

    /// Forgets every object, fault and logged request, and releases held answers; the
    /// credentials stay.
    pub fn reset(&self) {
        let mut inner = self.shared.lock();
        inner.state = State::default();
        inner.faults.clear();
        inner.log.clear();
        drop(inner);
        self.shared.holds.release();
    }

    /// Creates a user token without a request (and without a log entry). Its one policy grants
    /// "AI Search Index Engine" on every account.
    pub fn create_user_token(&self, name: &str) -> SeededUserToken {
        let (id, value) = self.shared.lock().state.user_tokens.seed(name, Utc::now());
        SeededUserToken { id, value }
    }

    /// User token `id` as `GET /user/tokens/{id}` shows it.
    pub fn user_token(&self, id: &str) -> Option<Value> {
        self.shared.lock().state.user_tokens.view(id, ids::now())
    }

    /// Every user token, in creation order, without values.
    pub fn user_tokens(&self) -> Vec<Value> {
        self.shared.lock().state.user_tokens.views(ids::now())
    }

    /// The current secret value of user token `id`.
    pub fn user_token_value(&self, id: &str) -> Option<String> {
        self.shared
            .lock()
            .state
            .user_tokens
            .value(id)
            .map(str::to_owned)
    }

    /// Registers an AI Search token in `account_id` without a request, and without checking that
    /// `cf_api_id` names a user token.
    pub fn register_ai_search_token(&self, account_id: &str, name: &str, cf_api_id: &str) -> Value {
        self.shared
            .lock()
            .state
            .ai_search
            .seed_token(account_id, name, cf_api_id, ids::now())
    }

    /// The AI Search tokens of `account_id`, in creation order.
    pub fn ai_search_tokens(&self, account_id: &str) -> Vec<Value> {
        self.shared.lock().state.ai_search.token_views(account_id)
    }

    /// The AI Search instances of `account_id`, in creation order.
    pub fn ai_search_instances(&self, account_id: &str) -> Vec<Value> {
        self.shared
            .lock()
            .state
            .ai_search
            .instance_views(account_id)
    }

    /// Creates an Access service token without a request; returns it with its `client_secret`.
    pub fn create_service_token(&self, scope: AccessScope, owner_id: &str, name: &str) -> Value {
        self.shared
            .lock()
            .state
            .access
            .seed(scope, owner_id, name, ids::now())
    }

    /// The Access service tokens of an account or zone, in creation order, with
    /// `client_secret_version` and `previous_client_secret_expires_at`.
    pub fn service_tokens(&self, scope: AccessScope, owner_id: &str) -> Vec<Value> {
        self.shared.lock().state.access.views(scope, owner_id)
    }

    /// Everything the fake holds, as `GET /__fake/state` shows it.
    pub fn state(&self) -> Value {
        self.shared.lock().state.dump(ids::now())
    }

    /// Stops accepting connections, closes open ones and waits for the server task to end.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for FakeCloudflare {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}

impl std::fmt::Debug for FakeCloudflare {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeCloudflare")
            .field("base_url", &self.base_url())
            .finish_non_exhaustive()
    }
}
