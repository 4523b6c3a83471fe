//! One logged-in API connection carrying many tagged commands at once.
//!
//! A reader task decodes every sentence the router sends and routes it by `.tag` to the command
//! that owns the tag; a writer task sends encoded commands in the order they were queued. Callers
//! never touch the socket, so any number of them can have commands in flight.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::BytesMut;
use md5::{Digest, Md5};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufWriter};
use tokio::net::TcpStream;
use tokio::sync::mpsc::error::TrySendError;
use tokio::sync::{OwnedSemaphorePermit, Semaphore, mpsc};
use tokio::task::JoinHandle;
use tokio::time::timeout;

use crate::codec::{DecodeError, SentenceDecoder, encode_sentence};
use crate::command::Command;
use crate::config::{ClientConfig, TlsMode};
use crate::error::{Error, ReplyLimit, TimeoutStage};
use crate::reply::{Reply, TaggedReply};
use crate::tls;

pub(crate) trait Transport: AsyncRead + AsyncWrite + Send + Unpin {}
impl<T: AsyncRead + AsyncWrite + Send + Unpin> Transport for T {}

/// Replies, and bytes of replies, buffered per command before the reader waits for its caller
/// to take them. A reply larger than the byte budget waits until the buffer is empty.
const BUFFERED_REPLIES: usize = 256;
const BUFFERED_BYTES: usize = 4 * 1024 * 1024;

/// A reply on its way to the caller, holding its share of the command's byte budget.
type Buffered = (Reply, OwnedSemaphorePermit);

/// The reader's end of one command's buffer.
#[derive(Clone)]
struct Route {
    sender: mpsc::Sender<Buffered>,
    room: Arc<Semaphore>,
}

impl Route {
    fn new() -> (Self, mpsc::Receiver<Buffered>) {
        let (sender, receiver) = mpsc::channel(BUFFERED_REPLIES);
        let room = Arc::new(Semaphore::new(BUFFERED_BYTES));
        (Self { sender, room }, receiver)
    }

    /// Buffers `reply`, waiting up to `patience` for room.
    async fn deliver(&self, reply: Reply, patience: Duration) -> Delivery {
        // The cast is exact: the budget fits in a u32.
        let share = reply.size().clamp(1, BUFFERED_BYTES) as u32;
        // Without a wait, no timer: most replies find room at once.
        let (reply, permit) = match self.room.clone().try_acquire_many_owned(share) {
            Ok(permit) => match self.sender.try_send((reply, permit)) {
                Ok(()) => return Delivery::Buffered,
                Err(TrySendError::Closed(_)) => return Delivery::Dropped,
                Err(TrySendError::Full((reply, permit))) => (reply, Some(permit)),
            },
            Err(_) => (reply, None),
        };
        let wait = async {
            let permit = match permit {
                Some(permit) => permit,
                None => match self.room.clone().acquire_many_owned(share).await {
                    Ok(permit) => permit,
                    Err(_) => return Delivery::Dropped,
                },
            };
            match self.sender.send((reply, permit)).await {
                Ok(()) => Delivery::Buffered,
                Err(_) => Delivery::Dropped,
            }
        };
        timeout(patience, wait).await.unwrap_or(Delivery::Unread)
    }
}

enum Delivery {
    Buffered,
    /// The caller is gone.
    Dropped,
    /// The caller left the buffer full for the whole patience.
    Unread,
}

/// Where replies go, and whether the connection still lives.
#[derive(Default)]
struct Routes {
    by_tag: HashMap<String, Route>,
    /// Commands given up because their caller left replies unread, until the caller hears why.
    unread: HashMap<String, Error>,
    /// Set once when the connection dies; the error every later command gets.
    closed: Option<ClosedBecause>,
}

#[derive(Clone)]
enum ClosedBecause {
    Lost(String),
    Fatal(String),
    Limit(ReplyLimit, usize),
}

impl ClosedBecause {
    fn to_error(&self) -> Error {
        match self {
            Self::Lost(reason) => Error::ConnectionLost {
                reason: reason.clone(),
            },
            Self::Fatal(reason) => Error::Fatal {
                reason: reason.clone(),
            },
            Self::Limit(limit, max) => Error::LimitExceeded {
                limit: *limit,
                max: *max,
            },
        }
    }
}

struct Shared {
    routes: Mutex<Routes>,
    outbound: mpsc::UnboundedSender<Vec<u8>>,
    next_tag: AtomicU64,
    /// How long the reader waits for a caller to make room for its command's next reply.
    unread_patience: Duration,
}

impl Shared {
    fn routes(&self) -> std::sync::MutexGuard<'_, Routes> {
        // A panic while holding this lock leaves only a map behind, which stays consistent.
        self.routes
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Fails every command in flight and every later one with `because`. Callers read the
    /// replies already buffered, then the error.
    fn close(&self, because: ClosedBecause) {
        let mut routes = self.routes();
        if routes.closed.is_some() {
            return;
        }
        routes.closed = Some(because);
        routes.by_tag.clear();
    }

    /// Hands `tagged` to the command it belongs to, waiting while that command's buffer is full.
    /// The wait holds back every command on the connection (the router's replies arrive in one
    /// stream), so it is bounded: a caller that leaves its replies unread for longer loses the
    /// command.
    async fn route(&self, tagged: TaggedReply) {
        let Some(tag) = tagged.tag else {
            tracing::debug!(reply = ?tagged.reply, "ignoring an untagged reply");
            return;
        };
        let finished = matches!(tagged.reply, Reply::Done(_));
        let route = {
            let mut routes = self.routes();
            let route = if finished {
                routes.by_tag.remove(&tag)
            } else {
                routes.by_tag.get(&tag).cloned()
            };
            let Some(route) = route else {
                tracing::trace!(%tag, "reply for a command nobody waits for");
                return;
            };
            route
        };
        match route.deliver(tagged.reply, self.unread_patience).await {
            Delivery::Buffered => {}
            Delivery::Dropped => {
                self.routes().by_tag.remove(&tag);
            }
            Delivery::Unread => {
                tracing::warn!(%tag, "giving up a command whose replies are not being read");
                {
                    let mut routes = self.routes();
                    routes.by_tag.remove(&tag);
                    routes.unread.insert(
                        tag.clone(),
                        Error::RepliesUnread {
                            waited: self.unread_patience,
                        },
                    );
                }
                self.send_cancel(&tag);
            }
        }
    }

    /// Asks the router to stop the command with `tag`, without waiting for an answer.
    fn send_cancel(&self, tag: &str) {
        let own_tag = self.next_tag.fetch_add(1, Ordering::Relaxed).to_string();
        let words = [
            String::from("/cancel"),
            format!("=tag={tag}"),
            format!(".tag={own_tag}"),
        ];
        if let Ok(bytes) = encode_sentence(&words) {
            let _ = self.outbound.send(bytes);
        }
    }

    /// Why the replies of `tag` stopped before `!done`.
    fn why_ended(&self, tag: &str) -> Error {
        let mut routes = self.routes();
        if let Some(error) = routes.unread.remove(tag) {
            return error;
        }
        match &routes.closed {
            Some(because) => because.to_error(),
            None => Error::ConnectionLost {
                reason: "reply route closed".into(),
            },
        }
    }
}

pub(crate) struct Connection {
    shared: Arc<Shared>,
    in_flight: Arc<Semaphore>,
    reader: JoinHandle<()>,
    writer: JoinHandle<()>,
}

impl Drop for Connection {
    fn drop(&mut self) {
        self.reader.abort();
        self.writer.abort();
    }
}

impl Connection {
    /// Connects, logs in and starts the reader and writer tasks.
    #[tracing::instrument(skip_all, fields(router = %config.address()))]
    pub(crate) async fn open(config: &ClientConfig) -> Result<Arc<Self>, Error> {
        let address = config.address();
        let tcp = timeout(config.timeouts.connect, TcpStream::connect(&address))
            .await
            .map_err(|_| Error::Timeout {
                stage: TimeoutStage::Connect,
                after: config.timeouts.connect,
            })?
            .map_err(|source| Error::Connect {
                address: address.clone(),
                source,
            })?;
        tcp.set_nodelay(true)?;
        let mut stream: Box<dyn Transport> = match &config.tls {
            TlsMode::None => Box::new(tcp),
            mode => Box::new(
                timeout(
                    config.timeouts.connect,
                    tls::connect(tcp, &config.host, mode),
                )
                .await
                .map_err(|_| Error::Timeout {
                    stage: TimeoutStage::Connect,
                    after: config.timeouts.connect,
                })??,
            ),
        };
        let mut decoder = SentenceDecoder::new(config.limits.max_word_len)
            .max_words(config.limits.max_words_per_sentence)
            .max_sentence_len(config.limits.max_sentence_len);
        let mut buf = BytesMut::with_capacity(64 * 1024);
        timeout(
            config.timeouts.login,
            login(
                &mut stream,
                &mut decoder,
                &mut buf,
                &config.username,
                &config.password,
            ),
        )
        .await
        .map_err(|_| Error::Timeout {
            stage: TimeoutStage::Login,
            after: config.timeouts.login,
        })??;
        tracing::debug!("logged in");

        let (read_half, write_half) = tokio::io::split(stream);
        let (outbound, outbound_rx) = mpsc::unbounded_channel();
        let shared = Arc::new(Shared {
            routes: Mutex::default(),
            outbound,
            next_tag: AtomicU64::new(1),
            unread_patience: config.timeouts.command,
        });
        let reader = tokio::spawn(read_replies(read_half, decoder, buf, shared.clone()));
        let writer = tokio::spawn(write_commands(write_half, outbound_rx, shared.clone()));
        Ok(Arc::new(Self {
            shared,
            in_flight: Arc::new(Semaphore::new(config.max_in_flight)),
            reader,
            writer,
        }))
    }

    pub(crate) fn is_alive(&self) -> bool {
        self.shared.routes().closed.is_none()
    }

    /// Sends `command` once a slot among `max_in_flight` is free; replies arrive on the returned
    /// receiver.
    pub(crate) async fn start(self: &Arc<Self>, command: &Command) -> Result<ReplyReceiver, Error> {
        let permit =
            self.in_flight
                .clone()
                .acquire_owned()
                .await
                .map_err(|_| Error::ConnectionLost {
                    reason: "connection shut down".into(),
                })?;
        let tag = self
            .shared
            .next_tag
            .fetch_add(1, Ordering::Relaxed)
            .to_string();
        let bytes = encode_sentence(&command.tagged_words(&tag))?;
        let (route, replies) = Route::new();
        {
            let mut routes = self.shared.routes();
            if let Some(because) = &routes.closed {
                return Err(because.to_error());
            }
            routes.by_tag.insert(tag.clone(), route);
        }
        // Queued while registered, so a reply can never arrive before its route exists.
        if self.shared.outbound.send(bytes).is_err() {
            self.shared.routes().by_tag.remove(&tag);
            return Err(Error::ConnectionLost {
                reason: "writer stopped".into(),
            });
        }
        tracing::trace!(%tag, command = command.path(), "sent");
        Ok(ReplyReceiver {
            tag,
            replies,
            finished: false,
            connection: self.clone(),
            _permit: permit,
        })
    }
}

/// The replies to one command. Dropping it before `!done` cancels the command on the router,
/// so an abandoned `listen` does not stream forever.
pub(crate) struct ReplyReceiver {
    tag: String,
    replies: mpsc::Receiver<Buffered>,
    finished: bool,
    connection: Arc<Connection>,
    _permit: OwnedSemaphorePermit,
}

impl ReplyReceiver {
    /// The next reply; `!done` is the last one delivered.
    pub(crate) async fn next(&mut self) -> Result<Reply, Error> {
        if self.finished {
            return Err(Error::UnexpectedReply("read past !done".into()));
        }
        let reply = match self.replies.recv().await {
            // Taking the reply frees its share of the buffer.
            Some((reply, _share)) => Ok(reply),
            None => Err(self.connection.shared.why_ended(&self.tag)),
        };
        if !matches!(
            reply,
            Ok(Reply::Trap(_)) | Ok(Reply::Re(_)) | Ok(Reply::Empty) | Ok(Reply::Unknown { .. })
        ) {
            self.finished = true;
        }
        reply
    }

    pub(crate) fn is_finished(&self) -> bool {
        self.finished
    }

    pub(crate) fn cancel(&self) {
        self.connection.shared.send_cancel(&self.tag);
    }
}

impl Drop for ReplyReceiver {
    fn drop(&mut self) {
        if !self.finished && self.connection.is_alive() {
            let given_up = {
                let mut routes = self.connection.shared.routes();
                routes.by_tag.remove(&self.tag);
                routes.unread.remove(&self.tag).is_some()
            };
            if !given_up {
                self.connection.shared.send_cancel(&self.tag);
            }
        }
    }
}

async fn read_replies(
    mut reader: tokio::io::ReadHalf<Box<dyn Transport>>,
    mut decoder: SentenceDecoder,
    mut buf: BytesMut,
    shared: Arc<Shared>,
) {
    let because = loop {
        loop {
            match decoder.decode(&mut buf) {
                Ok(Some(words)) => match TaggedReply::parse(words) {
                    Some(TaggedReply {
                        reply: Reply::Fatal(reason),
                        ..
                    }) => {
                        tracing::warn!(%reason, "router sent !fatal");
                        shared.close(ClosedBecause::Fatal(reason));
                        return;
                    }
                    Some(tagged) => shared.route(tagged).await,
                    None => tracing::warn!("ignoring a sentence that is not a reply"),
                },
                Ok(None) => break,
                Err(DecodeError::TooManyWords { limit }) => {
                    tracing::warn!(limit, "router sent a sentence with too many words");
                    shared.close(ClosedBecause::Limit(ReplyLimit::WordsPerSentence, limit));
                    return;
                }
                Err(DecodeError::SentenceTooLong { limit }) => {
                    tracing::warn!(limit, "router sent a sentence over the byte limit");
                    shared.close(ClosedBecause::Limit(ReplyLimit::BytesPerSentence, limit));
                    return;
                }
                Err(error) => {
                    shared.close(ClosedBecause::Lost(error.to_string()));
                    return;
                }
            }
        }
        match reader.read_buf(&mut buf).await {
            Ok(0) => break "closed by the router".to_owned(),
            Ok(_) => {}
            Err(error) => break error.to_string(),
        }
    };
    tracing::info!(reason = %because, "connection to router lost");
    shared.close(ClosedBecause::Lost(because));
}

async fn write_commands(
    writer: tokio::io::WriteHalf<Box<dyn Transport>>,
    mut outbound: mpsc::UnboundedReceiver<Vec<u8>>,
    shared: Arc<Shared>,
) {
    let mut writer = BufWriter::with_capacity(64 * 1024, writer);
    while let Some(bytes) = outbound.recv().await {
        let mut result = writer.write_all(&bytes).await;
        // Batch whatever else is already queued into the same flush: pipelined commands then
        // leave in few TCP segments instead of one each.
        while result.is_ok() {
            match outbound.try_recv() {
                Ok(more) => result = writer.write_all(&more).await,
                Err(_) => break,
            }
        }
        if let Err(error) = result.and(writer.flush().await) {
            shared.close(ClosedBecause::Lost(error.to_string()));
            return;
        }
    }
}

/// Reads one reply sentence during login, before the reader task exists.
async fn read_reply(
    stream: &mut Box<dyn Transport>,
    decoder: &mut SentenceDecoder,
    buf: &mut BytesMut,
) -> Result<Reply, Error> {
    loop {
        if let Some(words) = decoder.decode(buf)? {
            if let Some(tagged) = TaggedReply::parse(words) {
                return Ok(tagged.reply);
            }
            continue;
        }
        if stream.read_buf(buf).await? == 0 {
            return Err(Error::ConnectionLost {
                reason: "closed by the router during login".into(),
            });
        }
    }
}

/// Reads replies up to `!done`; returns the `!done` attributes, or the trap as a login rejection.
async fn read_until_done(
    stream: &mut Box<dyn Transport>,
    decoder: &mut SentenceDecoder,
    buf: &mut BytesMut,
) -> Result<crate::reply::Attributes, Error> {
    let mut rejection = None;
    loop {
        match read_reply(stream, decoder, buf).await? {
            Reply::Done(attributes) => {
                return match rejection {
                    Some(message) => Err(Error::LoginRejected { message }),
                    None => Ok(attributes),
                };
            }
            Reply::Trap(trap) => rejection = Some(trap.message),
            Reply::Fatal(reason) => return Err(Error::Fatal { reason }),
            other => tracing::debug!(reply = ?other, "ignoring reply during login"),
        }
    }
}

async fn send(stream: &mut Box<dyn Transport>, words: &[String]) -> Result<(), Error> {
    stream.write_all(&encode_sentence(words)?).await?;
    stream.flush().await?;
    Ok(())
}

/// Logs in with the plaintext method of RouterOS 6.43+, falling back to the MD5 challenge when
/// the router answers with one (older routers ignore the password and send `=ret=<challenge>`).
async fn login(
    stream: &mut Box<dyn Transport>,
    decoder: &mut SentenceDecoder,
    buf: &mut BytesMut,
    username: &str,
    password: &str,
) -> Result<(), Error> {
    send(
        stream,
        &[
            "/login".into(),
            format!("=name={username}"),
            format!("=password={password}"),
        ],
    )
    .await?;
    let done = read_until_done(stream, decoder, buf).await?;
    let Some(challenge) = done.get("ret") else {
        return Ok(());
    };
    let response = legacy_challenge_response(password, challenge)
        .map_err(|_| Error::UnexpectedReply(format!("login challenge is not hex: {challenge}")))?;
    send(
        stream,
        &[
            "/login".into(),
            format!("=name={username}"),
            format!("=response={response}"),
        ],
    )
    .await?;
    read_until_done(stream, decoder, buf).await?;
    Ok(())
}

/// The answer to a pre-6.43 login challenge: `00` followed by the hex MD5 of a zero byte, the
/// password and the decoded challenge.
pub fn legacy_challenge_response(
    password: &str,
    challenge_hex: &str,
) -> Result<String, hex::FromHexError> {
    let challenge = hex::decode(challenge_hex)?;
    let mut md5 = Md5::new();
    md5.update([0u8]);
    md5.update(password.as_bytes());
    md5.update(&challenge);
    Ok(format!("00{}", hex::encode(md5.finalize())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn challenge_response_matches_the_api_guide_example() {
        // The exchange printed in the vendor's API guide, for user admin with an empty password.
        let response = legacy_challenge_response("", "93b438ec9b80057c06dd9fe67d56aa9a").unwrap();
        assert_eq!(response, "00e134102a9d330dd7b1849fedfea3cb57");
        assert!(legacy_challenge_response("x", "not hex").is_err());
    }
}
