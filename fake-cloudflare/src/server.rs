//! Starting and stopping the server, and the handle tests drive it through.

use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use serde_json::Value;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::admin;
use crate::auth::Credentials;
use crate::faults::{Fault, FaultQueue};
use crate::limits::{Limits, MAX_REQUEST_HEAD};
use crate::requests::RecordedRequest;
use crate::resources::access::AccessScope;
use crate::resources::ai_search::IndexingPlan;
use crate::routes::API_PREFIX;
use crate::service::handle;
use crate::shared::Shared;

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
    limits: Limits,
    indexing: IndexingPlan,
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
            limits: Limits::default(),
            indexing: IndexingPlan::default(),
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

    /// Every limit at once (see [`Limits`]).
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// Requests the log keeps (default 1000); the oldest is dropped to make room.
    pub fn max_logged_requests(mut self, entries: usize) -> Self {
        self.limits.max_logged_requests = entries;
        self
    }

    /// Bytes of each request body the log keeps (default 16 KiB): a larger body is logged as an
    /// excerpt.
    pub fn log_body_excerpt(mut self, bytes: usize) -> Self {
        self.limits.log_body_excerpt = bytes;
        self
    }

    /// The largest request body accepted (default 1 MiB); a larger one gets 413.
    pub fn max_body_size(mut self, bytes: usize) -> Self {
        self.limits.max_body_size = bytes;
        self
    }

    /// How long a request head may take to arrive (default 30 s).
    pub fn header_read_timeout(mut self, timeout: Duration) -> Self {
        self.limits.header_read_timeout = timeout;
        self
    }

    /// How long a connection may sit idle, and a request body pause (default 30 s).
    pub fn idle_timeout(mut self, timeout: Duration) -> Self {
        self.limits.idle_timeout = timeout;
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

    /// How AI Search indexing goes: a new instance has `items` items, indexed over `polls` reads
    /// of its stats or jobs (default 6 items over 3 reads). Zero polls index everything at once.
    pub fn indexing(mut self, items: u32, polls: u32) -> Self {
        self.indexing = IndexingPlan { items, polls };
        self
    }

    /// Binds and starts serving on the current tokio runtime.
    pub async fn start(self) -> std::io::Result<FakeCloudflare> {
        let listener = TcpListener::bind(self.addr).await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared::new(self.credentials, self.faults, self.limits));
        shared.lock().state.ai_search.indexing = self.indexing;
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
        tokio::spawn(connection(stream, shared.clone(), stopped.clone()));
    }
}

/// Serves one connection until it ends, the server stops, or it has been idle too long.
async fn connection(stream: TcpStream, shared: Arc<Shared>, mut stopped: watch::Receiver<bool>) {
    let limits = shared.limits;
    let activity = Arc::new(Activity::new());
    let watched = Watched {
        stream,
        activity: activity.clone(),
    };
    let service = {
        let activity = activity.clone();
        service_fn(move |request| {
            let shared = shared.clone();
            let busy = Busy::new(activity.clone());
            async move {
                let answer = handle(shared, request).await;
                drop(busy);
                answer
            }
        })
    };
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout)
        .max_header_size(MAX_REQUEST_HEAD);
    let connection = builder.serve_connection(TokioIo::new(watched), service);
    // Errors here are connections the client closed or the fake dropped on purpose; a
    // connection dropped here is closed.
    tokio::select! {
        _ = connection => {}
        () = stop_requested(&mut stopped) => {}
        () = activity.idle_for(limits.idle_timeout) => {}
    }
}

/// When a connection last moved a byte, and how many of its requests are being answered.
struct Activity {
    start: Instant,
    /// Milliseconds from `start` to the last byte read or written (or answer finished).
    last: AtomicU64,
    busy: AtomicUsize,
}

impl Activity {
    fn new() -> Self {
        Self {
            start: Instant::now(),
            last: AtomicU64::new(0),
            busy: AtomicUsize::new(0),
        }
    }

    fn now(&self) -> u64 {
        u64::try_from(self.start.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    fn touch(&self) {
        self.last.store(self.now(), Ordering::Relaxed);
    }

    /// Resolves once the connection has been idle for `timeout`: no request being answered
    /// (a delayed or held answer is not idleness) and no byte moved.
    async fn idle_for(&self, timeout: Duration) {
        loop {
            let idle =
                Duration::from_millis(self.now().saturating_sub(self.last.load(Ordering::Relaxed)));
            let busy = self.busy.load(Ordering::Relaxed) > 0;
            if !busy && idle >= timeout {
                return;
            }
            let wait = if busy { timeout } else { timeout - idle };
            tokio::time::sleep(wait.max(Duration::from_millis(1))).await;
        }
    }
}

/// A request being answered; its end counts as activity.
struct Busy(Arc<Activity>);

impl Busy {
    fn new(activity: Arc<Activity>) -> Self {
        activity.busy.fetch_add(1, Ordering::Relaxed);
        Self(activity)
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        self.0.touch();
        self.0.busy.fetch_sub(1, Ordering::Relaxed);
    }
}

/// A connection's stream, noting each byte that moves.
struct Watched {
    stream: TcpStream,
    activity: Arc<Activity>,
}

impl AsyncRead for Watched {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        let polled = Pin::new(&mut this.stream).poll_read(cx, buf);
        if matches!(polled, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            this.activity.touch();
        }
        polled
    }
}

impl AsyncWrite for Watched {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let polled = Pin::new(&mut this.stream).poll_write(cx, buf);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            this.activity.touch();
        }
        polled
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let polled = Pin::new(&mut this.stream).poll_write_vectored(cx, bufs);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            this.activity.touch();
        }
        polled
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_shutdown(cx)
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

    /// The requests received (admin API calls aside), in arrival order: the last
    /// [`Limits::max_logged_requests`] of them.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.lock().log.iter().cloned().collect()
    }

    /// How many requests the log dropped (oldest first) to stay within its limit, since the
    /// start or the last clear.
    pub fn requests_dropped(&self) -> u64 {
        self.shared.lock().log.dropped()
    }

    /// The limits this fake runs with.
    pub fn limits(&self) -> Limits {
        self.shared.limits
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
        inner.state.reset();
        inner.faults.clear();
        inner.log.clear();
        drop(inner);
        self.shared.holds.release();
    }

    /// Creates a user token without a request (and without a log entry). Its one policy grants
    /// "AI Search Index Engine" on every account.
    pub fn create_user_token(&self, name: &str) -> SeededUserToken {
        let (id, value) = self
            .shared
            .lock()
            .state
            .user_tokens
            .seed(name, self.shared.now());
        SeededUserToken { id, value }
    }

    /// User token `id` as `GET /user/tokens/{id}` shows it.
    pub fn user_token(&self, id: &str) -> Option<Value> {
        self.shared
            .lock()
            .state
            .user_tokens
            .view(id, self.shared.now())
    }

    /// Every user token, in creation order, without values.
    pub fn user_tokens(&self) -> Vec<Value> {
        self.shared
            .lock()
            .state
            .user_tokens
            .views(self.shared.now())
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
        self.shared.lock().state.ai_search.seed_token(
            account_id,
            name,
            cf_api_id,
            self.shared.now(),
        )
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

    /// Creates an R2 bucket in `account_id` without a request.
    pub fn create_r2_bucket(&self, account_id: &str, name: &str) -> Value {
        self.shared
            .lock()
            .state
            .r2
            .seed(account_id, name, self.shared.now())
    }

    /// Adds a zone named `name` to `account_id` without a request; the account becomes one
    /// that `GET /accounts` lists. Returns the zone as `GET /zones` lists it.
    pub fn create_zone(&self, account_id: &str, name: &str) -> Value {
        self.shared
            .lock()
            .state
            .directory
            .seed_zone(account_id, name, self.shared.now())
    }

    /// Changes how the indexing of instances created from now on goes (see
    /// [`FakeCloudflareBuilder::indexing`]).
    pub fn set_indexing(&self, items: u32, polls: u32) {
        self.shared.lock().state.ai_search.indexing = IndexingPlan { items, polls };
    }

    /// Creates an Access service token without a request; returns it with its `client_secret`.
    pub fn create_service_token(&self, scope: AccessScope, owner_id: &str, name: &str) -> Value {
        self.shared
            .lock()
            .state
            .access
            .seed(scope, owner_id, name, self.shared.now())
    }

    /// The Access service tokens of an account or zone, in creation order, with
    /// `client_secret_version` and `previous_client_secret_expires_at`.
    pub fn service_tokens(&self, scope: AccessScope, owner_id: &str) -> Vec<Value> {
        self.shared.lock().state.access.views(scope, owner_id)
    }

    /// The fake's time, which [`FakeCloudflare::advance_clock`] moves ahead of the real one.
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.shared.now()
    }

    /// Moves the fake's clock forward, as `POST /__fake/clock` does: expiries and grace periods
    /// end without a test sleeping through them.
    pub fn advance_clock(&self, by: Duration) {
        self.shared
            .advance_clock(u32::try_from(by.as_secs()).unwrap_or(u32::MAX));
    }

    /// Everything the fake holds, as `GET /__fake/state` shows it.
    pub fn state(&self) -> Value {
        self.shared.lock().state.dump(self.shared.now())
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
