//! A simulated MikroTik router speaking the RouterOS API, for demos, tests and benchmarks.

use std::net::SocketAddr;
use std::time::Duration;

use clap::Parser;
use routeros::sim::Simulator;
use tracing_subscriber::EnvFilter;

#[derive(Parser, Debug)]
#[command(
    name = "routeros-sim",
    version,
    about = "A simulated MikroTik router speaking the RouterOS API"
)]
struct Args {
    /// Address to listen on, e.g. 127.0.0.1:8728 (port 0 picks a free one).
    #[arg(long, default_value = "127.0.0.1:8728")]
    listen: SocketAddr,
    #[arg(long, default_value = "admin")]
    user: String,
    #[arg(long, default_value = "")]
    password: String,
    /// Delay added before every reply, in milliseconds.
    #[arg(long, default_value_t = 0)]
    latency_ms: u64,
    /// Hotspot users to create at start (user00001, …).
    #[arg(long, default_value_t = 0)]
    users: usize,
    /// Serve API-SSL with a generated self-signed certificate (its fingerprint goes to stderr).
    #[arg(long)]
    tls: bool,
    /// Answer /login with the pre-6.43 MD5 challenge.
    #[arg(long)]
    legacy_login: bool,
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let args = Args::parse();
    let sim = Simulator::builder()
        .listen(args.listen)
        .credentials(&args.user, &args.password)
        .latency(Duration::from_millis(args.latency_ms))
        .preload_hotspot_users(args.users)
        .tls(args.tls)
        .legacy_login(args.legacy_login)
        .spawn()
        .await?;
    if let Some(fingerprint) = sim.tls_fingerprint() {
        eprintln!("tls certificate sha256 {}", hex::encode(fingerprint));
    }
    // Scripts wait for exactly this line on stdout.
    println!("listening on {}", sim.addr());
    tokio::signal::ctrl_c().await?;
    Ok(())
}
