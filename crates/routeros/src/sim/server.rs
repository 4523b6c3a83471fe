//! The simulator's network side: one task per API connection, speaking the wire protocol.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use bytes::BytesMut;
use md5::{Digest, Md5};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufWriter};
use tokio::sync::{mpsc, watch};
use tokio::time::Instant;

use super::request::{Change, Outcome, Request};
use super::state::RouterState;
use crate::codec::{SentenceDecoder, encode_sentence};
use crate::connection::legacy_challenge_response;
use crate::reply::{Attributes, Reply, TaggedReply, Trap, TrapCategory};

/// A reply on its way out, held back until `due` to model the link's latency.
struct Outgoing {
    due: Instant,
    bytes: Vec<u8>,
    /// Close the connection once this sentence is written (after `!fatal`).
    close_after: bool,
}

struct Listener {
    connection: u64,
    path: String,
    tag: Option<String>,
    outbound: mpsc::UnboundedSender<Outgoing>,
}

/// Mutable simulator state shared by connections and the test's `Simulator` handle.
pub(crate) struct World {
    pub(crate) router: RouterState,
    pub(crate) latency: Duration,
    /// Reply sentences still allowed before a connection is dropped; `None` means no fault.
    pub(crate) drop_after: Option<u64>,
    pub(crate) refuse_login: bool,
    pub(crate) trapped_commands: HashMap<String, String>,
    pub(crate) connections: usize,
    /// How many times each command path was received (after login), for tests.
    pub(crate) commands_received: HashMap<String, u64>,
    listeners: Vec<Listener>,
}

pub(crate) struct Shared {
    world: Mutex<World>,
    pub(crate) username: String,
    pub(crate) password: String,
    pub(crate) legacy_login: bool,
    /// Bumped to make every open connection drop at once.
    pub(crate) drop_all: watch::Sender<u64>,
}

impl Shared {
    pub(crate) fn new(
        router: RouterState,
        username: String,
        password: String,
        legacy_login: bool,
        latency: Duration,
    ) -> Self {
        Self {
            world: Mutex::new(World {
                router,
                latency,
                drop_after: None,
                refuse_login: false,
                trapped_commands: HashMap::new(),
                connections: 0,
                commands_received: HashMap::new(),
                listeners: Vec::new(),
            }),
            username,
            password,
            legacy_login,
            drop_all: watch::Sender::new(0),
        }
    }

    pub(crate) fn world(&self) -> MutexGuard<'_, World> {
        self.world
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Counts one reply sentence against the `drop_after` fault; false means drop now.
    fn allow_sentence(&self) -> bool {
        let mut world = self.world();
        match world.drop_after {
            Some(0) => {
                world.drop_after = None;
                false
            }
            Some(remaining) => {
                world.drop_after = Some(remaining - 1);
                true
            }
            None => true,
        }
    }
}

impl World {
    pub(crate) fn listen_count(&self) -> usize {
        self.listeners.len()
    }

    /// Sends each change as `!re` to the connections listening on its menu.
    pub(crate) fn publish(&mut self, changes: Vec<Change>) {
        if changes.is_empty() || self.listeners.is_empty() {
            return;
        }
        let due = Instant::now() + self.latency;
        for change in changes {
            self.listeners.retain(|listener| {
                if listener.path != change.path {
                    return true;
                }
                let reply = TaggedReply {
                    tag: listener.tag.clone(),
                    reply: Reply::Re(change.row.clone()),
                };
                let bytes = encode(&reply);
                listener
                    .outbound
                    .send(Outgoing {
                        due,
                        bytes,
                        close_after: false,
                    })
                    .is_ok()
            });
        }
    }
}

fn encode(reply: &TaggedReply) -> Vec<u8> {
    // Simulator replies are built from short strings; none comes near the 4 GiB word limit.
    encode_sentence(&reply.to_words()).expect("simulator replies are encodable")
}

fn trap(message: &str, category: Option<TrapCategory>) -> Vec<Reply> {
    Outcome::trap(message, category).replies
}

/// Serves one API connection until the peer leaves, a fault drops it, or the simulator stops.
pub(crate) async fn serve<S>(stream: S, shared: Arc<Shared>, connection: u64)
where
    S: AsyncRead + AsyncWrite + Send + Unpin,
{
    shared.world().connections += 1;
    let (reader, writer) = tokio::io::split(stream);
    let (outbound, queued) = mpsc::unbounded_channel();
    let mut drop_all = shared.drop_all.subscribe();
    let mut session = Session {
        shared: shared.clone(),
        connection,
        outbound,
        logged_in: false,
        challenge: None,
    };
    tokio::select! {
        () = session.read_commands(reader) => {}
        () = write_replies(writer, queued, &shared) => {}
        _ = drop_all.changed() => {}
    }
    let mut world = shared.world();
    world
        .listeners
        .retain(|listener| listener.connection != connection);
    world.connections -= 1;
    tracing::debug!(connection, "simulator connection closed");
}

async fn write_replies<W: AsyncWrite + Unpin>(
    writer: W,
    mut queued: mpsc::UnboundedReceiver<Outgoing>,
    shared: &Shared,
) {
    let mut writer = BufWriter::with_capacity(64 * 1024, writer);
    while let Some(outgoing) = queued.recv().await {
        if outgoing.due > Instant::now() {
            // What is already written must not wait for a later reply's latency.
            if writer.flush().await.is_err() {
                return;
            }
            tokio::time::sleep_until(outgoing.due).await;
        }
        if !shared.allow_sentence() {
            tracing::info!("fault injection: dropping the connection");
            // The sentences allowed before the drop do reach the client.
            let _ = writer.flush().await;
            return;
        }
        if writer.write_all(&outgoing.bytes).await.is_err() {
            return;
        }
        if (outgoing.close_after || queued.is_empty()) && writer.flush().await.is_err() {
            return;
        }
        if outgoing.close_after {
            return;
        }
    }
}

struct Session {
    shared: Arc<Shared>,
    connection: u64,
    outbound: mpsc::UnboundedSender<Outgoing>,
    logged_in: bool,
    /// The challenge sent to a legacy-login client, awaiting its `=response=`.
    challenge: Option<String>,
}

impl Session {
    async fn read_commands<R: AsyncRead + Unpin>(&mut self, mut reader: R) {
        let mut decoder = SentenceDecoder::default();
        let mut buf = BytesMut::with_capacity(64 * 1024);
        loop {
            loop {
                match decoder.decode(&mut buf) {
                    Ok(Some(words)) => self.handle(Request::parse(words)),
                    Ok(None) => break,
                    Err(error) => {
                        tracing::warn!(%error, "simulator: undecodable input, closing");
                        return;
                    }
                }
            }
            match reader.read_buf(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
        }
    }

    fn handle(&mut self, request: Request) {
        let received = Instant::now();
        let shared = self.shared.clone();
        let mut world = shared.world();
        let due = received + world.latency;
        if self.logged_in {
            *world
                .commands_received
                .entry(request.path.clone())
                .or_default() += 1;
        }
        let replies = match request.path.as_str() {
            "/login" => self.login(&request, world.refuse_login),
            _ if !self.logged_in => trap("not logged in", Some(TrapCategory::Api)),
            "/quit" => {
                let bytes = encode(&TaggedReply {
                    tag: None,
                    reply: Reply::Fatal("session terminated on request".into()),
                });
                let _ = self.outbound.send(Outgoing {
                    due,
                    bytes,
                    close_after: true,
                });
                return;
            }
            "/cancel" => {
                self.cancel(&mut world, &request, due);
                return;
            }
            path if world.trapped_commands.contains_key(path) => {
                trap(&world.trapped_commands[path], None)
            }
            path if path.ends_with("/listen") => {
                let menu = path.trim_end_matches("/listen");
                if !world.router.knows_menu(menu) {
                    super::state::unknown_command(menu).replies
                } else {
                    world.listeners.push(Listener {
                        connection: self.connection,
                        path: menu.to_owned(),
                        tag: request.tag.clone(),
                        outbound: self.outbound.clone(),
                    });
                    return;
                }
            }
            _ => {
                let outcome = world.router.execute(&request);
                world.publish(outcome.changes);
                outcome.replies
            }
        };
        drop(world);
        self.send(&request.tag, replies, due);
    }

    fn send(&self, tag: &Option<String>, replies: Vec<Reply>, due: Instant) {
        for reply in replies {
            let bytes = encode(&TaggedReply {
                tag: tag.clone(),
                reply,
            });
            let _ = self.outbound.send(Outgoing {
                due,
                bytes,
                close_after: false,
            });
        }
    }

    fn login(&mut self, request: &Request, refuse: bool) -> Vec<Reply> {
        let shared = &self.shared;
        let name_ok = request.attributes.get("name") == Some(shared.username.as_str());
        let accepted = if shared.legacy_login {
            let Some(response) = request.attributes.get("response") else {
                // Pre-6.43 routers answer any first /login with a challenge.
                let challenge = self.new_challenge();
                self.challenge = Some(challenge.clone());
                return vec![Reply::Done([("ret", challenge)].into_iter().collect())];
            };
            let expected = self
                .challenge
                .take()
                .and_then(|c| legacy_challenge_response(&shared.password, &c).ok());
            name_ok && expected.as_deref() == Some(response)
        } else {
            name_ok && request.attributes.get("password") == Some(shared.password.as_str())
        };
        if accepted && !refuse {
            self.logged_in = true;
            vec![Reply::Done(Attributes::new())]
        } else {
            trap("invalid user name or password (6)", None)
        }
    }

    fn new_challenge(&self) -> String {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default()
            .as_nanos();
        let mut md5 = Md5::new();
        md5.update(self.connection.to_be_bytes());
        md5.update(nanos.to_be_bytes());
        hex::encode(md5.finalize())
    }

    /// Stops this connection's `listen` commands: the one tagged `=tag=`, or all of them.
    fn cancel(&self, world: &mut World, request: &Request, due: Instant) {
        let target = request.attributes.get("tag");
        let mut stopped = Vec::new();
        world.listeners.retain(|listener| {
            let hit = listener.connection == self.connection
                && target.is_none_or(|tag| listener.tag.as_deref() == Some(tag));
            if hit {
                stopped.push(listener.tag.clone());
            }
            !hit
        });
        let interrupted = Reply::Trap(Trap {
            message: "interrupted".into(),
            category: Some(TrapCategory::Interrupted),
        });
        // The order of the API guide's example: the trap, then /cancel's !done, then the
        // cancelled command's !done.
        for tag in &stopped {
            self.send(tag, vec![interrupted.clone()], due);
        }
        self.send(&request.tag, vec![Reply::Done(Attributes::new())], due);
        for tag in &stopped {
            self.send(tag, vec![Reply::Done(Attributes::new())], due);
        }
    }
}
