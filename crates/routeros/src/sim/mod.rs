//! A RouterOS API server that keeps the product's menus in memory: the peer of the integration
//! tests, the router of the demo, and the target of the benchmarks.
//!
//! ```no_run
//! # async fn example() -> std::io::Result<()> {
//! use std::time::Duration;
//! use routeros::sim::Simulator;
//! let sim = Simulator::builder().credentials("admin", "secret").latency(Duration::from_millis(20)).spawn().await?;
//! println!("router at {}", sim.addr());
//! # Ok(()) }
//! ```

mod menus;
mod query;
mod request;
mod server;
mod state;

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::task::{JoinHandle, JoinSet};
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::{self, pki_types::PrivateKeyDer, pki_types::PrivatePkcs8KeyDer};

pub use state::SessionError;

use crate::reply::Attributes;
use crate::tls::{certificate_fingerprint, provider};
use menus::{HOTSPOT_ACTIVE, HOTSPOT_PROFILE, HOTSPOT_USER, PPP_ACTIVE, PPP_PROFILE, PPP_SECRET};
use server::Shared;
use state::RouterState;

/// Settings for a [`Simulator`]; see [`Simulator::builder`].
#[derive(Debug, Clone)]
pub struct SimulatorBuilder {
    listen: SocketAddr,
    username: String,
    password: String,
    latency: Duration,
    preloaded_hotspot_users: usize,
    legacy_login: bool,
    tls: bool,
    emit_empty: bool,
}

impl SimulatorBuilder {
    /// The address to bind; the default `127.0.0.1:0` picks a free port.
    pub fn listen(mut self, addr: SocketAddr) -> Self {
        self.listen = addr;
        self
    }

    pub fn credentials(mut self, username: &str, password: &str) -> Self {
        self.username = username.to_owned();
        self.password = password.to_owned();
        self
    }

    /// Delay between receiving a command and sending its replies, as a WAN link would add.
    /// Replies of pipelined commands are delayed in parallel, not one after the other.
    pub fn latency(mut self, latency: Duration) -> Self {
        self.latency = latency;
        self
    }

    /// Starts with `count` hotspot users (`user00001`, …) for benchmarks.
    pub fn preload_hotspot_users(mut self, count: usize) -> Self {
        self.preloaded_hotspot_users = count;
        self
    }

    /// Behave like RouterOS before 6.43: answer `/login` with an MD5 challenge.
    pub fn legacy_login(mut self, legacy: bool) -> Self {
        self.legacy_login = legacy;
        self
    }

    /// Serve API-SSL with a freshly generated self-signed certificate; its SHA-256 fingerprint is
    /// [`Simulator::tls_fingerprint`].
    pub fn tls(mut self, tls: bool) -> Self {
        self.tls = tls;
        self
    }

    /// Send `!empty` for prints without rows, as RouterOS 7.18+ does (the default). Turn off to
    /// imitate older versions.
    pub fn emit_empty(mut self, emit: bool) -> Self {
        self.emit_empty = emit;
        self
    }

    pub async fn spawn(self) -> std::io::Result<Simulator> {
        let listener = TcpListener::bind(self.listen).await?;
        let addr = listener.local_addr()?;
        let (acceptor, tls_fingerprint) = if self.tls {
            let (acceptor, fingerprint) = self_signed_acceptor().map_err(std::io::Error::other)?;
            (Some(acceptor), Some(fingerprint))
        } else {
            (None, None)
        };
        let mut router = RouterState::new();
        router.emit_empty = self.emit_empty;
        for n in 1..=self.preloaded_hotspot_users {
            router.preload(HOTSPOT_USER, preloaded_user(n));
        }
        let shared = Arc::new(Shared::new(
            router,
            self.username,
            self.password,
            self.legacy_login,
            self.latency,
        ));
        let accept_task = tokio::spawn(accept_connections(listener, acceptor, shared.clone()));
        Ok(Simulator {
            shared,
            addr,
            tls_fingerprint,
            accept_task,
        })
    }
}

fn preloaded_user(n: usize) -> Attributes {
    [
        ("name", format!("user{n:05}")),
        ("password", format!("pw{n:05}")),
        ("comment", format!("preloaded voucher {n}")),
        ("limit-uptime", "1d".to_owned()),
        (
            "uptime",
            crate::duration::format_router_duration(Duration::from_secs((n as u64 * 37) % 86_400)),
        ),
        ("bytes-in", ((n as u64) * 1_048_573).to_string()),
        ("bytes-out", ((n as u64) * 524_287).to_string()),
    ]
    .into_iter()
    .collect()
}

fn self_signed_acceptor()
-> Result<(TlsAcceptor, [u8; 32]), Box<dyn std::error::Error + Send + Sync>> {
    let certified =
        rcgen::generate_simple_self_signed(vec!["localhost".to_owned(), "127.0.0.1".to_owned()])?;
    let cert = certified.cert.der().clone();
    let fingerprint = certificate_fingerprint(&cert);
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(certified.key_pair.serialize_der()));
    let config = rustls::ServerConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()?
        .with_no_client_auth()
        .with_single_cert(vec![cert], key)?;
    Ok((TlsAcceptor::from(Arc::new(config)), fingerprint))
}

async fn accept_connections(
    listener: TcpListener,
    acceptor: Option<TlsAcceptor>,
    shared: Arc<Shared>,
) {
    // Owning the connection tasks here means aborting this task (when the Simulator is dropped)
    // closes every connection too.
    let mut connections = JoinSet::new();
    let next_connection = AtomicU64::new(1);
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((stream, peer)) = accepted else { continue };
                let _ = stream.set_nodelay(true);
                let connection = next_connection.fetch_add(1, Ordering::Relaxed);
                tracing::debug!(%peer, connection, "simulator accepted a connection");
                let shared = shared.clone();
                let acceptor = acceptor.clone();
                connections.spawn(async move {
                    match acceptor {
                        None => server::serve(stream, shared, connection).await,
                        Some(acceptor) => match acceptor.accept(stream).await {
                            Ok(tls) => server::serve(tls, shared, connection).await,
                            Err(error) => tracing::debug!(%error, "simulator TLS handshake failed"),
                        },
                    }
                });
            }
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}

/// A running simulated router. Dropping it stops the server and closes its connections.
pub struct Simulator {
    shared: Arc<Shared>,
    addr: SocketAddr,
    tls_fingerprint: Option<[u8; 32]>,
    accept_task: JoinHandle<()>,
}

impl Drop for Simulator {
    fn drop(&mut self) {
        self.accept_task.abort();
    }
}

impl Simulator {
    /// Defaults: `127.0.0.1:0`, user `admin` with an empty password, no latency, plaintext login,
    /// no TLS, `!empty` on.
    pub fn builder() -> SimulatorBuilder {
        SimulatorBuilder {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            username: "admin".to_owned(),
            password: String::new(),
            latency: Duration::ZERO,
            preloaded_hotspot_users: 0,
            legacy_login: false,
            tls: false,
            emit_empty: true,
        }
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// SHA-256 of the TLS certificate's DER encoding, when serving TLS.
    pub fn tls_fingerprint(&self) -> Option<[u8; 32]> {
        self.tls_fingerprint
    }

    /// Logs a hotspot user in: an entry appears in `/ip/hotspot/active` whose `uptime` grows with
    /// [`advance_clock`](Self::advance_clock). Returns the session's `.id`.
    pub fn login_hotspot_user(&self, name: &str) -> Result<String, SessionError> {
        self.start_session(HOTSPOT_ACTIVE, name)
    }

    /// Ends the user's hotspot sessions (as if they logged out); returns how many ended.
    pub fn logout_hotspot_user(&self, name: &str) -> usize {
        self.end_sessions(HOTSPOT_ACTIVE, name)
    }

    /// Connects a PPP secret: an entry appears in `/ppp/active`.
    pub fn login_ppp_secret(&self, name: &str) -> Result<String, SessionError> {
        self.start_session(PPP_ACTIVE, name)
    }

    pub fn logout_ppp_secret(&self, name: &str) -> usize {
        self.end_sessions(PPP_ACTIVE, name)
    }

    fn start_session(&self, sessions: &'static str, name: &str) -> Result<String, SessionError> {
        let mut world = self.shared.world();
        let (id, change) = world.router.log_in(sessions, name)?;
        world.publish(vec![change]);
        Ok(id)
    }

    fn end_sessions(&self, sessions: &'static str, name: &str) -> usize {
        let mut world = self.shared.world();
        let changes = world.router.log_out(sessions, name);
        let ended = changes.len();
        world.publish(changes);
        ended
    }

    /// Moves the router's clock on. Session uptimes grow by `by`; hotspot users who reach their
    /// `limit-uptime` are logged out.
    pub fn advance_clock(&self, by: Duration) {
        let mut world = self.shared.world();
        let changes = world.router.advance_clock(by);
        world.publish(changes);
    }

    /// The router's uptime as the simulated clock reads it.
    pub fn clock(&self) -> Duration {
        self.shared.world().router.clock()
    }

    pub fn set_latency(&self, latency: Duration) {
        self.shared.world().latency = latency;
    }

    /// After `sentences` more reply sentences (on any connection), the connection about to send
    /// the next one is dropped without a word. Fires once.
    pub fn drop_after(&self, sentences: u64) {
        self.shared.world().drop_after = Some(sentences);
    }

    /// Drops every open connection now.
    pub fn drop_connections(&self) {
        self.shared
            .drop_all
            .send_modify(|generation| *generation += 1);
    }

    /// While true, every login is refused as if the password were wrong.
    pub fn refuse_login(&self, refuse: bool) {
        self.shared.world().refuse_login = refuse;
    }

    /// Answers every command with this path (e.g. `/ip/hotspot/user/add`) with `!trap` and
    /// `message`, without executing it.
    pub fn trap_command(&self, path: &str, message: &str) {
        self.shared
            .world()
            .trapped_commands
            .insert(path.to_owned(), message.to_owned());
    }

    pub fn clear_trapped_commands(&self) {
        self.shared.world().trapped_commands.clear();
    }

    /// How many API connections are open.
    pub fn connection_count(&self) -> usize {
        self.shared.world().connections
    }

    /// How many times a command with this path (e.g. `/system/identity/print`) was received on a
    /// logged-in connection, since the simulator started.
    pub fn commands_received(&self, path: &str) -> u64 {
        self.shared
            .world()
            .commands_received
            .get(path)
            .copied()
            .unwrap_or(0)
    }

    /// How many `listen` commands are running, on all connections. One stops when the client
    /// cancels it with `/cancel` or its connection closes.
    pub fn listen_count(&self) -> usize {
        self.shared.world().listen_count()
    }

    fn rows(&self, path: &str) -> Vec<Attributes> {
        self.shared.world().router.rows(path)
    }

    /// Snapshot of `/ip/hotspot/user`, as `print` would show it.
    pub fn hotspot_users(&self) -> Vec<Attributes> {
        self.rows(HOTSPOT_USER)
    }

    pub fn hotspot_user_profiles(&self) -> Vec<Attributes> {
        self.rows(HOTSPOT_PROFILE)
    }

    pub fn hotspot_active(&self) -> Vec<Attributes> {
        self.rows(HOTSPOT_ACTIVE)
    }

    pub fn ppp_secrets(&self) -> Vec<Attributes> {
        self.rows(PPP_SECRET)
    }

    pub fn ppp_profiles(&self) -> Vec<Attributes> {
        self.rows(PPP_PROFILE)
    }

    pub fn ppp_active(&self) -> Vec<Attributes> {
        self.rows(PPP_ACTIVE)
    }
}
