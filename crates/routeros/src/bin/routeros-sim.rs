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
    /// Send no `!empty` for prints without rows, as RouterOS before 7.18 (some clients cannot
    /// read it).
    #[arg(long)]
    no_empty: bool,
    /// Demo mode: the router's clock follows real time, and every this many seconds a customer
    /// logs in as a hotspot user that nobody has used yet and whose comment starts with
    /// --demo-comment-prefix. 0 turns it off.
    #[arg(long, default_value_t = 0)]
    demo_login_every: u64,
    /// Demo mode: only hotspot users whose comment starts with this text are logged in (for
    /// example the comment prefix a billing system puts on its vouchers). The default, empty,
    /// picks any user that has a comment.
    #[arg(long, default_value = "", value_name = "PREFIX")]
    demo_comment_prefix: String,
    /// Demo mode: every enabled PPP secret whose comment starts with this text is dialled in by
    /// its subscriber's device, within a second of being made, enabled or kicked (a PPPoE
    /// client redials at once). Without it no PPP session is started.
    #[arg(long, value_name = "PREFIX")]
    demo_ppp_comment_prefix: Option<String>,
}

/// Plays the subscribers' PPPoE devices: an enabled secret of ours that is not connected dials
/// in (after a kick it reconnects with its new profile, as a real device does).
fn dial_in_ppp(sim: &Simulator, comment_prefix: &str) {
    let online: Vec<String> = sim
        .ppp_active()
        .iter()
        .filter_map(|s| s.get("name").map(str::to_owned))
        .collect();
    for secret in sim.ppp_secrets() {
        let Some(name) = secret.get("name") else {
            continue;
        };
        let ours = secret
            .get("comment")
            .is_some_and(|c| c.starts_with(comment_prefix));
        if ours && secret.get("disabled") != Some("true") && !online.iter().any(|o| o == name) {
            match sim.login_ppp_secret(name) {
                Ok(_) => tracing::info!(secret = name, "demo subscriber dialled in"),
                Err(error) => tracing::warn!(secret = name, ?error, "demo dial-in failed"),
            }
        }
    }
}

/// Plays customers for the demo: time passes and unused users whose comment starts with
/// `comment_prefix` log in now and then.
async fn play_customers(
    sim: &Simulator,
    login_every: Duration,
    comment_prefix: &str,
    ppp_comment_prefix: Option<&str>,
) {
    let mut clock = tokio::time::interval(Duration::from_secs(1));
    let mut since_login = Duration::ZERO;
    loop {
        clock.tick().await;
        sim.advance_clock(Duration::from_secs(1));
        if let Some(prefix) = ppp_comment_prefix {
            dial_in_ppp(sim, prefix);
        }
        since_login += Duration::from_secs(1);
        if login_every.is_zero() || since_login < login_every {
            continue;
        }
        since_login = Duration::ZERO;
        let online: Vec<String> = sim
            .hotspot_active()
            .iter()
            .filter_map(|s| s.get("user").map(str::to_owned))
            .collect();
        let unused = sim.hotspot_users().into_iter().find(|u| {
            u.get("comment")
                .is_some_and(|c| !c.is_empty() && c.starts_with(comment_prefix))
                && u.get("disabled") != Some("true")
                && matches!(u.get("uptime"), None | Some("0s"))
                && !u.get("name").is_some_and(|n| online.iter().any(|o| o == n))
        });
        if let Some(name) = unused.as_ref().and_then(|u| u.get("name")) {
            match sim.login_hotspot_user(name) {
                Ok(_) => tracing::info!(user = name, "demo customer logged in"),
                Err(error) => tracing::warn!(user = name, ?error, "demo login failed"),
            }
        }
    }
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
        .emit_empty(!args.no_empty)
        .spawn()
        .await?;
    if let Some(fingerprint) = sim.tls_fingerprint() {
        eprintln!("tls certificate sha256 {}", hex::encode(fingerprint));
    }
    // Scripts wait for exactly this line on stdout.
    println!("listening on {}", sim.addr());
    if args.demo_login_every > 0 || args.demo_ppp_comment_prefix.is_some() {
        tokio::select! {
            () = play_customers(
                &sim,
                Duration::from_secs(args.demo_login_every),
                &args.demo_comment_prefix,
                args.demo_ppp_comment_prefix.as_deref(),
            ) => {}
            result = tokio::signal::ctrl_c() => result?,
        }
    } else {
        tokio::signal::ctrl_c().await?;
    }
    Ok(())
}
