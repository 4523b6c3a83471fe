//! A router (or a man in the middle) that sends without end must cost one command, not the
//! process: tiny hostile servers that log the client in and then flood it.
//!
//! A test binary of its own, so the resident-memory checks see only these tests.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use bytes::BytesMut;
use routeros::codec::{SentenceDecoder, encode_sentence, encode_word};
use routeros::sim::Simulator;
use routeros::{Client, ClientConfig, Error, ReplyLimit, ReplyLimits, Timeouts};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::net::tcp::OwnedWriteHalf;
use tokio::task::JoinHandle;

/// The tests measure this process's memory, so they run one at a time.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// The command the hostile router floods; it answers any other command as a router would.
const FLOOD: &str = "/flood";

#[derive(Clone, Copy)]
enum Flood {
    /// `!re` sentences for the command's tag, forever, each with a value this long.
    Rows { value_len: usize },
    /// One sentence whose words, each with a value this long, never end.
    Words { value_len: usize },
}

const SMALL: usize = 200;

struct HostileRouter {
    addr: SocketAddr,
    /// Bytes of flood written so far, over all connections.
    flooded: Arc<AtomicU64>,
    accept: JoinHandle<()>,
}

impl Drop for HostileRouter {
    fn drop(&mut self) {
        self.accept.abort();
    }
}

impl HostileRouter {
    async fn spawn(flood: Flood) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let flooded = Arc::new(AtomicU64::new(0));
        let counter = flooded.clone();
        let accept = tokio::spawn(async move {
            let mut connections = tokio::task::JoinSet::new();
            while let Ok((socket, _)) = listener.accept().await {
                connections.spawn(serve(socket, flood, counter.clone()));
            }
        });
        Self {
            addr,
            flooded,
            accept,
        }
    }

    fn config(&self, limits: ReplyLimits) -> ClientConfig {
        ClientConfig::new("127.0.0.1", "admin", "x")
            .port(self.addr.port())
            .timeouts(Timeouts {
                command: Duration::from_secs(5),
                ..Timeouts::default()
            })
            .limits(limits)
    }

    fn flooded(&self) -> u64 {
        self.flooded.load(Ordering::Relaxed)
    }
}

/// Logs any client in, answers commands other than [`FLOOD`] with `!done`, and floods the
/// replies of every [`FLOOD`] command.
async fn serve(socket: tokio::net::TcpStream, flood: Flood, flooded: Arc<AtomicU64>) {
    let (mut read, write) = socket.into_split();
    let write = Arc::new(tokio::sync::Mutex::new(write));
    let mut decoder = SentenceDecoder::default();
    let mut buf = BytesMut::new();
    let mut floods = tokio::task::JoinSet::new();
    loop {
        let sentence = match decoder.decode(&mut buf) {
            Ok(Some(sentence)) => sentence,
            Ok(None) => match read.read_buf(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(_) => continue,
            },
            Err(_) => return,
        };
        let tag = sentence
            .iter()
            .find_map(|word| word.strip_prefix(".tag="))
            .map(|tag| format!(".tag={tag}"));
        let mut done = vec!["!done".to_owned()];
        done.extend(tag.clone());
        if sentence[0] == FLOOD {
            floods.spawn(flood_replies(
                write.clone(),
                flood,
                tag.unwrap_or_default(),
                flooded.clone(),
            ));
        } else if write
            .lock()
            .await
            .write_all(&encode_sentence(&done).unwrap())
            .await
            .is_err()
        {
            return;
        }
    }
}

async fn flood_replies(
    write: Arc<tokio::sync::Mutex<OwnedWriteHalf>>,
    flood: Flood,
    tag: String,
    flooded: Arc<AtomicU64>,
) {
    let mut batch = Vec::new();
    match flood {
        Flood::Rows { value_len } => {
            for n in 0..(40_000 / value_len).max(1) {
                let name = format!("=name={n}-{}", "x".repeat(value_len));
                batch.extend(encode_sentence(&["!re", "=.id=*1", &name, &tag]).unwrap());
            }
        }
        Flood::Words { value_len } => {
            for n in 0..(40_000 / value_len).max(1) {
                let word = format!("=p{n}={}", "x".repeat(value_len));
                encode_word(word.as_bytes(), &mut batch).unwrap();
            }
        }
    }
    if matches!(flood, Flood::Words { .. }) {
        let mut start = Vec::new();
        encode_word(b"!re", &mut start).unwrap();
        if write.lock().await.write_all(&start).await.is_err() {
            return;
        }
    }
    loop {
        if write.lock().await.write_all(&batch).await.is_err() {
            return;
        }
        flooded.fetch_add(batch.len() as u64, Ordering::Relaxed);
    }
}

/// This process's resident memory, in bytes.
fn resident_bytes() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let kilobytes: u64 = status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmRSS in /proc/self/status");
    kilobytes * 1024
}

/// Lets the hostile router send `bytes` more, then checks this process grew by less than
/// `allowed` meanwhile.
async fn memory_stays_bounded(router: &HostileRouter, bytes: u64, allowed: u64) {
    let (start_memory, start_flood) = (resident_bytes(), router.flooded());
    tokio::time::timeout(Duration::from_secs(30), async {
        while router.flooded() < start_flood + bytes {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await
    .expect("the hostile router keeps sending");
    let grown = resident_bytes().saturating_sub(start_memory);
    assert!(
        grown < allowed,
        "grew by {grown} bytes while the router sent {bytes} more"
    );
}

/// Another router, on another connection, is served as usual meanwhile.
async fn another_router_still_answers() {
    let sim = Simulator::builder()
        .credentials("admin", "x")
        .spawn()
        .await
        .unwrap();
    let client =
        Client::connect(ClientConfig::new("127.0.0.1", "admin", "x").port(sim.addr().port()))
            .await
            .unwrap();
    assert_eq!(client.system_identity().await.unwrap().name, "MikroTik");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn endless_rows_fail_that_command_and_the_connection_serves_others() {
    let _one = ONE_AT_A_TIME.lock().await;
    let router = HostileRouter::spawn(Flood::Rows { value_len: SMALL }).await;
    let client = Client::connect(router.config(ReplyLimits {
        max_rows_per_reply: 1000,
        ..ReplyLimits::default()
    }))
    .await
    .unwrap();

    let error = client.command(FLOOD).run().await.unwrap_err();
    assert!(
        matches!(
            error,
            Error::LimitExceeded {
                limit: ReplyLimit::RowsPerReply,
                max: 1000
            }
        ),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        "the router's reply exceeded the limit of 1000 rows per reply"
    );

    // The router ignores the cancel and keeps flooding; the rows are dropped as they come.
    memory_stays_bounded(&router, 64 << 20, 32 << 20).await;
    // The same connection still carries other commands, and other routers are untouched.
    client
        .command("/system/identity/print")
        .run()
        .await
        .unwrap();
    assert!(client.is_connected().await);
    another_router_still_answers().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn endless_sentence_fails_the_connection_with_the_word_limit_and_the_client_reconnects() {
    let _one = ONE_AT_A_TIME.lock().await;
    let router = HostileRouter::spawn(Flood::Words { value_len: 5 }).await;
    let client = Client::connect(router.config(ReplyLimits {
        max_words_per_sentence: 100,
        ..ReplyLimits::default()
    }))
    .await
    .unwrap();

    let start_memory = resident_bytes();
    let error = client.command(FLOOD).run().await.unwrap_err();
    assert!(
        matches!(
            error,
            Error::LimitExceeded {
                limit: ReplyLimit::WordsPerSentence,
                max: 100
            }
        ),
        "{error:?}"
    );
    assert!(!client.is_connected().await, "the connection was closed");
    assert!(resident_bytes().saturating_sub(start_memory) < 32 << 20);

    // The next command reconnects.
    client
        .command("/system/identity/print")
        .run()
        .await
        .unwrap();
    another_router_still_answers().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stream_nobody_reads_holds_the_connection_back_only_for_a_while() {
    let _one = ONE_AT_A_TIME.lock().await;
    let router = HostileRouter::spawn(Flood::Rows { value_len: SMALL }).await;
    let mut config = router.config(ReplyLimits::default());
    config.timeouts.command = Duration::from_millis(500);
    let client = Client::connect(config).await.unwrap();

    let mut unread = client.command(FLOOD).stream().await.unwrap();
    // The flood fills the stream's buffer and then waits for its reader, holding up this command;
    // once the wait has lasted the command timeout, the stream is given up and this one answers.
    tokio::time::timeout(Duration::from_secs(3), async {
        loop {
            match client.command("/system/identity/print").run().await {
                Ok(_) => break,
                Err(Error::Timeout { .. }) => {}
                Err(other) => panic!("unexpected error {other:?}"),
            }
        }
    })
    .await
    .expect("the other command is answered once the stream is given up");
    memory_stays_bounded(&router, 8 << 20, 32 << 20).await;

    let mut rows = 0;
    let error = loop {
        match unread.next().await {
            Some(Ok(_)) => rows += 1,
            Some(Err(error)) => break error,
            None => panic!("the stream ended without an error after {rows} rows"),
        }
    };
    assert!(
        matches!(error, Error::RepliesUnread { .. }),
        "{error:?} after {rows} rows"
    );
    assert!(rows > 0, "the buffered rows are still handed over");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn large_rows_fail_that_command_at_the_byte_limit() {
    let _one = ONE_AT_A_TIME.lock().await;
    let router = HostileRouter::spawn(Flood::Rows {
        value_len: 64 * 1024,
    })
    .await;
    let client = Client::connect(router.config(ReplyLimits {
        max_rows_per_reply: 2000,
        max_reply_len: 4 << 20,
        ..ReplyLimits::default()
    }))
    .await
    .unwrap();

    let error = client.command(FLOOD).run().await.unwrap_err();
    assert!(
        matches!(
            error,
            Error::LimitExceeded {
                limit: ReplyLimit::BytesPerReply,
                max
            } if max == 4 << 20
        ),
        "{error:?}"
    );
    memory_stays_bounded(&router, 64 << 20, 32 << 20).await;
    client
        .command("/system/identity/print")
        .run()
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sentence_over_the_byte_limit_fails_the_connection() {
    let _one = ONE_AT_A_TIME.lock().await;
    let router = HostileRouter::spawn(Flood::Words {
        value_len: 16 * 1024,
    })
    .await;
    let client = Client::connect(router.config(ReplyLimits {
        max_sentence_len: 1 << 20,
        ..ReplyLimits::default()
    }))
    .await
    .unwrap();

    let error = client.command(FLOOD).run().await.unwrap_err();
    assert!(
        matches!(
            error,
            Error::LimitExceeded {
                limit: ReplyLimit::BytesPerSentence,
                max
            } if max == 1 << 20
        ),
        "{error:?}"
    );
    assert!(!client.is_connected().await);
    client
        .command("/system/identity/print")
        .run()
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unread_stream_buffers_a_bounded_number_of_bytes() {
    let _one = ONE_AT_A_TIME.lock().await;
    let router = HostileRouter::spawn(Flood::Rows { value_len: 1 << 20 }).await;
    let client = Client::connect(router.config(ReplyLimits::default()))
        .await
        .unwrap();
    let start_memory = resident_bytes();
    let _unread = client.command(FLOOD).stream().await.unwrap();
    // Wait until the client stops reading: the router's writes then stall.
    let mut last = router.flooded();
    loop {
        tokio::time::sleep(Duration::from_millis(300)).await;
        let now = router.flooded();
        if now == last {
            break;
        }
        last = now;
    }
    let grown = resident_bytes().saturating_sub(start_memory);
    assert!(
        grown < 48 << 20,
        "holding {grown} bytes for a stream nobody reads"
    );
}
