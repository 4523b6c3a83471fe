//! The shareable router handle: one multiplexed connection, re-established when it drops.

use std::sync::Arc;

use tokio::sync::Mutex;

use crate::collect::ReplyCollector;
use crate::command::{Command, Query};
use crate::config::ClientConfig;
use crate::connection::{Connection, ReplyReceiver};
use crate::error::{Error, TimeoutStage};
use crate::reply::{Attributes, Reply, Response};

/// A handle to one router. Cheap to clone; every clone shares the same connection, and commands
/// from all of them are pipelined on it.
///
/// When the connection drops, commands in flight fail with [`Error::ConnectionLost`] (they are
/// never retried here, since the router may already have executed them) and the next command
/// reconnects, with backoff, before it is sent.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    config: ClientConfig,
    connection: Mutex<Option<Arc<Connection>>>,
}

impl Client {
    /// Connects and logs in; fails if the router cannot be reached or refuses the login.
    pub async fn connect(config: ClientConfig) -> Result<Self, Error> {
        let connection = Connection::open(&config).await?;
        Ok(Self {
            inner: Arc::new(Inner {
                config,
                connection: Mutex::new(Some(connection)),
            }),
        })
    }

    pub fn config(&self) -> &ClientConfig {
        &self.inner.config
    }

    /// Whether the connection to the router is up. False once it has dropped (or the router
    /// sent `!fatal`), until the next command reconnects.
    pub async fn is_connected(&self) -> bool {
        self.inner
            .connection
            .lock()
            .await
            .as_ref()
            .is_some_and(|connection| connection.is_alive())
    }

    /// Starts building a command, e.g. `client.command("/ip/hotspot/user/print")`.
    pub fn command(&self, path: &str) -> CommandBuilder<'_> {
        CommandBuilder {
            client: self,
            command: Command::new(path),
        }
    }

    /// Sends `command` and collects its replies up to `!done`.
    pub async fn run(&self, command: &Command) -> Result<Response, Error> {
        let limit = self.inner.config.timeouts.command;
        // On timeout the receiver is dropped, which cancels the command on the router.
        tokio::time::timeout(limit, async {
            let receiver = self.start(command).await?;
            let limits = &self.inner.config.limits;
            let collector = ReplyCollector::new(
                command.path(),
                limits.max_rows_per_reply,
                limits.max_reply_len,
            );
            collect(receiver, collector).await
        })
        .await
        .map_err(|_| Error::Timeout {
            stage: TimeoutStage::Command,
            after: limit,
        })?
    }

    /// Sends a long-running command (`listen`, `/tool/...`) and returns its rows as they come.
    pub async fn stream(&self, command: &Command) -> Result<ReplyStream, Error> {
        Ok(ReplyStream {
            receiver: self.start(command).await?,
            command: command.path().to_owned(),
        })
    }

    async fn start(&self, command: &Command) -> Result<ReplyReceiver, Error> {
        self.connection().await?.start(command).await
    }

    /// The live connection, re-established if it has dropped.
    async fn connection(&self) -> Result<Arc<Connection>, Error> {
        let mut current = self.inner.connection.lock().await;
        if let Some(connection) = current.as_ref().filter(|c| c.is_alive()) {
            return Ok(connection.clone());
        }
        *current = None;
        let reconnect = &self.inner.config.reconnect;
        let mut last_error = None;
        for attempt in 0..reconnect.attempts.max(1) {
            tokio::time::sleep(reconnect.delay_before(attempt)).await;
            match Connection::open(&self.inner.config).await {
                Ok(connection) => {
                    tracing::info!(router = %self.inner.config.address(), attempt, "reconnected");
                    *current = Some(connection.clone());
                    return Ok(connection);
                }
                // Retrying cannot fix wrong credentials or a certificate mismatch.
                Err(error @ (Error::LoginRejected { .. } | Error::Tls(_))) => return Err(error),
                Err(error) => {
                    tracing::warn!(%error, attempt, "reconnect failed");
                    last_error = Some(error);
                }
            }
        }
        Err(last_error.unwrap_or_else(|| Error::ConnectionLost {
            reason: "no reconnect attempt".into(),
        }))
    }
}

/// Dropping `receiver` on an error cancels the command on the router.
async fn collect(
    mut receiver: ReplyReceiver,
    mut collector: ReplyCollector,
) -> Result<Response, Error> {
    loop {
        if let Some(outcome) = collector.push(receiver.next().await?) {
            return outcome;
        }
    }
}

/// A command under construction; see [`Client::command`].
#[must_use = "a command does nothing until run() or stream() is awaited"]
pub struct CommandBuilder<'c> {
    client: &'c Client,
    command: Command,
}

impl CommandBuilder<'_> {
    pub fn attr(mut self, name: &str, value: &str) -> Self {
        self.command = self.command.attr(name, value);
        self
    }

    pub fn query(mut self, query: &Query) -> Self {
        self.command = self.command.query(query);
        self
    }

    pub fn proplist(mut self, properties: &[&str]) -> Self {
        self.command = self.command.proplist(properties);
        self
    }

    pub async fn run(self) -> Result<Response, Error> {
        self.client.run(&self.command).await
    }

    pub async fn stream(self) -> Result<ReplyStream, Error> {
        self.client.stream(&self.command).await
    }
}

/// Rows of a long-running command, as the router sends them.
pub struct ReplyStream {
    receiver: ReplyReceiver,
    command: String,
}

impl ReplyStream {
    /// The next row; `None` once the command has finished.
    pub async fn next(&mut self) -> Option<Result<Attributes, Error>> {
        loop {
            if self.receiver.is_finished() {
                return None;
            }
            match self.receiver.next().await {
                Ok(Reply::Re(row)) => return Some(Ok(row)),
                Ok(Reply::Done(_)) => return None,
                Ok(Reply::Trap(trap)) => return Some(Err(Error::trap(&self.command, trap))),
                Ok(Reply::Fatal(reason)) => return Some(Err(Error::Fatal { reason })),
                Ok(Reply::Empty | Reply::Unknown { .. }) => {}
                Err(error) => return Some(Err(error)),
            }
        }
    }

    /// Sends `/cancel` for this command and waits until the router confirms it has stopped.
    pub async fn cancel(mut self) -> Result<(), Error> {
        if self.receiver.is_finished() {
            return Ok(());
        }
        self.receiver.cancel();
        // Skips the expected `!trap =category=2 =message=interrupted` and rows already on the way.
        while !matches!(self.receiver.next().await?, Reply::Done(_)) {}
        Ok(())
    }
}
