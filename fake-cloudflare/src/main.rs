//! `fake-cloudflare`: runs the fake on a local port until killed, printing what a client needs.

use std::io::Write;
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use clap::Parser;
use fake_cloudflare::{
    DEFAULT_API_KEY, DEFAULT_BOOTSTRAP_TOKEN, DEFAULT_EMAIL, FakeCloudflare, Fault, Limits,
};

/// A stateful local stand-in for Cloudflare's API tokens, AI Search and Access service token
/// operations. Prints `key=value` lines (base_url, admin_url, credentials) once it listens.
#[derive(Parser, Debug)]
#[command(name = "fake-cloudflare", version)]
struct Cli {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    host: IpAddr,

    /// Port to listen on; 0 picks a free one.
    #[arg(long, default_value_t = 0)]
    port: u16,

    /// Bearer token accepted from the start.
    #[arg(long, env = "FAKE_CLOUDFLARE_BOOTSTRAP_TOKEN", default_value = DEFAULT_BOOTSTRAP_TOKEN)]
    bootstrap_token: String,

    /// X-Auth-Email accepted together with --api-key.
    #[arg(long, default_value = DEFAULT_EMAIL)]
    email: String,

    /// X-Auth-Key accepted together with --email.
    #[arg(long, env = "FAKE_CLOUDFLARE_API_KEY", default_value = DEFAULT_API_KEY)]
    api_key: String,

    /// Accept no email and key at all.
    #[arg(long)]
    no_email_key: bool,

    /// A fault to apply, as OPERATION=ACTION[:TIMES] (repeatable). ACTION is fail/STATUS[/CODE[/MESSAGE]],
    /// drop, drop-after, rate-limit[/SECONDS], html-502, truncate, delay/MILLIS, omit/FIELD (answer
    /// without that field of the result) or hold (carry it out, answer only after
    /// POST /__fake/release); TIMES is a
    /// number (default 1) or forever; OPERATION is an operation id or *.
    #[arg(long = "fault", value_name = "SPEC", value_parser = parse_fault)]
    faults: Vec<Fault>,

    /// Requests the log keeps; the oldest is dropped to make room.
    #[arg(long, value_name = "N", default_value_t = Limits::default().max_logged_requests)]
    max_logged_requests: usize,

    /// Bytes of each request body the log keeps; a larger body is logged as an excerpt.
    #[arg(long, value_name = "BYTES", default_value_t = Limits::default().log_body_excerpt)]
    log_body_excerpt: usize,

    /// The largest request body accepted, in bytes; a larger one is answered 413.
    #[arg(long, value_name = "BYTES", default_value_t = Limits::default().max_body_size)]
    max_body_size: usize,

    /// How long a request head may take to arrive, as 500ms, 30s or 2m.
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = parse_duration)]
    header_read_timeout: Duration,

    /// How long a connection may sit idle (no request being answered, no byte moving), and a
    /// request body pause, as 500ms, 30s or 2m.
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = parse_duration)]
    idle_timeout: Duration,
}

fn parse_fault(s: &str) -> Result<Fault, String> {
    s.parse()
}

/// `500ms`, `30s`, `2m`.
fn parse_duration(s: &str) -> Result<Duration, String> {
    let (number, unit) = s
        .find(|c: char| !c.is_ascii_digit())
        .map_or((s, ""), |i| s.split_at(i));
    let invalid = || format!("expected a duration such as 500ms, 30s or 2m, not `{s}`");
    let n: u64 = number.parse().map_err(|_| invalid())?;
    match unit {
        "ms" => Ok(Duration::from_millis(n)),
        "s" => Ok(Duration::from_secs(n)),
        "m" => n
            .checked_mul(60)
            .map(Duration::from_secs)
            .ok_or_else(invalid),
        _ => Err(invalid()),
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let mut builder = FakeCloudflare::builder()
        .bind(SocketAddr::new(cli.host, cli.port))
        .bootstrap_token(&cli.bootstrap_token)
        .limits(Limits {
            max_logged_requests: cli.max_logged_requests,
            log_body_excerpt: cli.log_body_excerpt,
            max_body_size: cli.max_body_size,
            header_read_timeout: cli.header_read_timeout,
            idle_timeout: cli.idle_timeout,
        });
    builder = if cli.no_email_key {
        builder.without_email_key()
    } else {
        builder.email_key(&cli.email, &cli.api_key)
    };
    for fault in &cli.faults {
        builder = builder.fault(fault.clone());
    }
    let server = builder.start().await?;

    let mut out = std::io::stdout().lock();
    writeln!(out, "base_url={}", server.base_url())?;
    writeln!(out, "admin_url={}", server.admin_url())?;
    writeln!(out, "bootstrap_token={}", server.bootstrap_token())?;
    if let Some((email, key)) = server.email_key() {
        writeln!(out, "email={email}")?;
        writeln!(out, "api_key={key}")?;
    }
    for fault in &cli.faults {
        writeln!(out, "fault={fault}")?;
    }
    out.flush()?;
    drop(out);

    tokio::signal::ctrl_c().await?;
    server.shutdown().await;
    Ok(())
}
