//! Talks to the simulator with raw sentences, to check what goes over the wire.

use bytes::BytesMut;
use routeros::codec::{SentenceDecoder, encode_sentence};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::{PASSWORD, builder};

struct Raw {
    stream: TcpStream,
    decoder: SentenceDecoder,
    buf: BytesMut,
}

impl Raw {
    async fn send(&mut self, words: &[&str]) {
        self.stream
            .write_all(&encode_sentence(words).unwrap())
            .await
            .unwrap();
    }

    async fn receive(&mut self) -> Vec<String> {
        loop {
            if let Some(sentence) = self.decoder.decode(&mut self.buf).unwrap() {
                return sentence;
            }
            assert!(
                self.stream.read_buf(&mut self.buf).await.unwrap() > 0,
                "simulator closed the connection"
            );
        }
    }
}

#[tokio::test]
async fn replies_carry_tags_and_empty_prints_send_empty() {
    let sim = builder().spawn().await.unwrap();
    let mut raw = Raw {
        stream: TcpStream::connect(sim.addr()).await.unwrap(),
        decoder: Default::default(),
        buf: BytesMut::new(),
    };

    raw.send(&["/ip/hotspot/user/print"]).await;
    assert_eq!(
        raw.receive().await[..2],
        ["!trap", "=category=5"],
        "commands before login are refused"
    );
    assert_eq!(raw.receive().await, ["!done"]);

    let password = format!("=password={PASSWORD}");
    raw.send(&["/login", "=name=admin", &password]).await;
    assert_eq!(raw.receive().await, ["!done"]);

    raw.send(&["/ip/hotspot/user/print", "?name=nobody", ".tag=a"])
        .await;
    raw.send(&["/ip/hotspot/user/add", "=name=x", "=comment=", ".tag=b"])
        .await;
    assert_eq!(raw.receive().await, ["!empty", ".tag=a"]);
    assert_eq!(raw.receive().await, ["!done", ".tag=a"]);
    assert_eq!(raw.receive().await, ["!done", "=ret=*1", ".tag=b"]);

    raw.send(&[
        "/ip/hotspot/user/print",
        "=.proplist=.id,name,comment",
        ".tag=c",
    ])
    .await;
    assert_eq!(
        raw.receive().await,
        ["!re", "=.id=*1", "=name=x", "=comment=", ".tag=c"]
    );
    assert_eq!(raw.receive().await, ["!done", ".tag=c"]);

    raw.send(&["/interface/print", ".tag=d"]).await;
    assert_eq!(
        raw.receive().await,
        [
            "!trap",
            "=category=0",
            "=message=no such command or directory (interface)",
            ".tag=d"
        ]
    );
    assert_eq!(
        raw.receive().await,
        ["!trap", "=message=no such command prefix", ".tag=d"]
    );
    assert_eq!(raw.receive().await, ["!done", ".tag=d"]);
}

#[tokio::test]
async fn simulator_without_empty_imitates_older_routeros() {
    let sim = builder().emit_empty(false).spawn().await.unwrap();
    let mut raw = Raw {
        stream: TcpStream::connect(sim.addr()).await.unwrap(),
        decoder: Default::default(),
        buf: BytesMut::new(),
    };
    let password = format!("=password={PASSWORD}");
    raw.send(&["/login", "=name=admin", &password]).await;
    assert_eq!(raw.receive().await, ["!done"]);
    raw.send(&["/ppp/active/print"]).await;
    assert_eq!(raw.receive().await, ["!done"]);
}
