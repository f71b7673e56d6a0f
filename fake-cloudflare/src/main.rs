//! `fake-cloudflare`: runs the fake on a local port until killed, printing what a client needs.

use std::io::Write;
use std::net::{IpAddr, SocketAddr};

use clap::Parser;
use fake_cloudflare::{
    DEFAULT_API_KEY, DEFAULT_BOOTSTRAP_TOKEN, DEFAULT_EMAIL, FakeCloudflare, Fault,
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
}

fn parse_fault(s: &str) -> Result<Fault, String> {
    s.parse()
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let mut builder = FakeCloudflare::builder()
        .bind(SocketAddr::new(cli.host, cli.port))
        .bootstrap_token(&cli.bootstrap_token);
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
