//! A server on loopback that misbehaves on purpose, for the hardening tests of the client and of
//! the command line: it redirects, stalls, never answers, sends bodies that never end or lie
//! about their length.
//!
//! It speaks just enough HTTP/1.1 by hand (so that it can break the protocol where a test needs
//! it): it reads one request per connection (head and `Content-Length` body), records it, and
//! plays the [`Reply`] the test's function chose. It counts connections too, so that a test can
//! show that nothing at all reached it.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// The path prefix of [`Server::base_url`], as Cloudflare's API has it.
pub const BASE_PATH: &str = "/client/v4";

/// One request as it arrived.
#[derive(Clone, Debug)]
pub struct Recorded {
    pub method: String,
    /// The request target as sent, percent-encoding and query included.
    pub target: String,
    /// Header names in lower case, values as sent.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Recorded {
    /// The value of a header, by lower-case name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The request as text: head and body, to search for what must not be there.
    pub fn text(&self) -> String {
        let headers: Vec<String> = self
            .headers
            .iter()
            .map(|(n, v)| format!("{n}: {v}"))
            .collect();
        format!(
            "{} {}\n{}\n\n{}",
            self.method,
            self.target,
            headers.join("\n"),
            String::from_utf8_lossy(&self.body)
        )
    }
}

/// What the server does with a request.
#[derive(Clone, Debug)]
pub enum Reply {
    /// Writes these bytes, then closes the connection.
    Raw(Vec<u8>),
    /// Writes these bytes, then keeps the connection open without writing more.
    RawThenHang(Vec<u8>),
    /// Writes the head, then chunks of `chunk` bytes of spaces for ever (until the client goes).
    EndlessChunks { head: Vec<u8>, chunk: usize },
    /// Writes the head and then `chunk`-byte pieces for ever, whatever the head declared.
    EndlessRaw { head: Vec<u8>, chunk: usize },
    /// Reads the request and never answers.
    Hang,
}

/// A complete response: status, extra headers, body, with `Content-Length` and
/// `Connection: close`.
pub fn response(status: u16, headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status} {}\r\n", reason(status));
    for (name, value) in headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str(&format!(
        "content-length: {}\r\nconnection: close\r\n\r\n",
        body.len()
    ));
    let mut bytes = out.into_bytes();
    bytes.extend_from_slice(body);
    bytes
}

/// A JSON response with a `cf-ray` header.
pub fn json(status: u16, body: &serde_json::Value) -> Reply {
    Reply::Raw(response(
        status,
        &[
            ("content-type", "application/json"),
            ("cf-ray", "8f3b2c1d4e5a6b7c-LHR"),
        ],
        body.to_string().as_bytes(),
    ))
}

/// Only a response's head (status line and headers), for replies that then misbehave.
pub fn head(status: u16, headers: &[(&str, &str)]) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status} {}\r\n", reason(status));
    for (name, value) in headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str("\r\n");
    out.into_bytes()
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        404 => "Not Found",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

type Respond = dyn Fn(&Recorded) -> Reply + Send + Sync;

/// Answers played in order, the last one for ever after.
pub struct Script {
    answers: Vec<Reply>,
    played: AtomicUsize,
}

impl Script {
    /// A script of `answers`, at least one.
    pub fn new(answers: Vec<Reply>) -> Self {
        assert!(!answers.is_empty(), "a script needs an answer to play");
        Self {
            answers,
            played: AtomicUsize::new(0),
        }
    }

    /// The next answer.
    pub fn next(&self) -> Reply {
        let n = self.played.fetch_add(1, Ordering::SeqCst);
        self.answers[n.min(self.answers.len() - 1)].clone()
    }
}

/// A running server; it stops when the test's runtime does.
pub struct Server {
    port: u16,
    requests: Arc<Mutex<Vec<Recorded>>>,
    connections: Arc<AtomicUsize>,
}

impl Server {
    /// Starts a server that answers every request with `respond(request)`.
    pub async fn start(respond: impl Fn(&Recorded) -> Reply + Send + Sync + 'static) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("a free port");
        let port = listener.local_addr().expect("a local address").port();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let connections = Arc::new(AtomicUsize::new(0));
        let respond: Arc<Respond> = Arc::new(respond);
        let (log, count) = (requests.clone(), connections.clone());
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                count.fetch_add(1, Ordering::SeqCst);
                let (log, respond) = (log.clone(), respond.clone());
                tokio::spawn(serve(stream, log, respond));
            }
        });
        Server {
            port,
            requests,
            connections,
        }
    }

    /// A server that plays `answers` in order, the last one for ever after.
    pub async fn scripted(answers: Vec<Reply>) -> Server {
        let script = Script::new(answers);
        Self::start(move |_| script.next()).await
    }

    /// A server that answers everything with `reply`.
    pub async fn always(reply: Reply) -> Server {
        Self::start(move |_| reply.clone()).await
    }

    /// `http://127.0.0.1:<port>/client/v4`.
    pub fn base_url(&self) -> String {
        format!("{}{BASE_PATH}", self.origin())
    }

    /// `http://127.0.0.1:<port>`.
    pub fn origin(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Every request received, in order.
    pub fn requests(&self) -> Vec<Recorded> {
        self.requests.lock().unwrap().clone()
    }

    /// How many connections were opened, complete requests or not.
    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

async fn serve(mut stream: TcpStream, log: Arc<Mutex<Vec<Recorded>>>, respond: Arc<Respond>) {
    let Some(request) = read_request(&mut stream).await else {
        return;
    };
    log.lock().unwrap().push(request.clone());
    match respond(&request) {
        Reply::Raw(bytes) => {
            let _ = stream.write_all(&bytes).await;
            let _ = stream.shutdown().await;
        }
        Reply::RawThenHang(bytes) => {
            let _ = stream.write_all(&bytes).await;
            hang(stream).await;
        }
        Reply::Hang => hang(stream).await,
        Reply::EndlessChunks { head, chunk } => {
            if stream.write_all(&head).await.is_err() {
                return;
            }
            let mut piece = format!("{chunk:x}\r\n").into_bytes();
            piece.extend(std::iter::repeat_n(b' ', chunk));
            piece.extend_from_slice(b"\r\n");
            while stream.write_all(&piece).await.is_ok() {}
        }
        Reply::EndlessRaw { head, chunk } => {
            if stream.write_all(&head).await.is_err() {
                return;
            }
            let piece = vec![b' '; chunk];
            while stream.write_all(&piece).await.is_ok() {}
        }
    }
}

/// Keeps the connection open, reading (and dropping) whatever comes, until the client closes it.
async fn hang(mut stream: TcpStream) {
    let mut sink = [0u8; 1024];
    loop {
        match tokio::time::timeout(Duration::from_secs(3600), stream.read(&mut sink)).await {
            Ok(Ok(0)) | Ok(Err(_)) | Err(_) => return,
            Ok(Ok(_)) => {}
        }
    }
}

/// Reads one request: its head, and as much body as `Content-Length` says.
async fn read_request(stream: &mut TcpStream) -> Option<Recorded> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(at) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break at;
        }
        let read = stream.read(&mut chunk).await.ok()?;
        if read == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..read]);
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).to_string();
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next()?.split(' ');
    let method = request_line.next()?.to_string();
    let target = request_line.next()?.to_string();
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = buffer[head_end + 4..].to_vec();
    while body.len() < length {
        let read = stream.read(&mut chunk).await.ok()?;
        if read == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..read]);
    }
    Some(Recorded {
        method,
        target,
        headers,
        body,
    })
}
