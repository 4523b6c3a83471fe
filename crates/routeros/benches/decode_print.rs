//! Decoding a `print` of 20,000 hotspot users (name, uptime, comment, bytes), from raw bytes to
//! typed rows; and the same print end to end from the simulator over loopback.

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use routeros::codec::{SentenceDecoder, encode_sentence};
use routeros::sim::Simulator;
use routeros::{Client, ClientConfig, HotspotUser, MenuRow, Query, Reply, TaggedReply};
use tokio::runtime::Runtime;

const USERS: usize = 20_000;
const PROPLIST: [&str; 6] = [".id", "name", "uptime", "comment", "bytes-in", "bytes-out"];

/// The bytes a router sends for the print, as one buffer.
fn print_reply_bytes() -> Vec<u8> {
    let mut bytes = Vec::new();
    for n in 1..=USERS {
        let words = [
            "!re".to_owned(),
            format!("=.id=*{n:X}"),
            format!("=name=user{n:05}"),
            format!("=uptime={}h{}m{}s", n % 24, n % 60, n % 59),
            format!("=comment=preloaded voucher {n}"),
            format!("=bytes-in={}", n * 1_048_573),
            format!("=bytes-out={}", n * 524_287),
            ".tag=12".to_owned(),
        ];
        bytes.extend(encode_sentence(&words).unwrap());
    }
    bytes.extend(encode_sentence(&["!done", ".tag=12"]).unwrap());
    bytes
}

fn decode_rows(bytes: &[u8]) -> Vec<HotspotUser> {
    let mut decoder = SentenceDecoder::default();
    let mut buf = bytes::BytesMut::from(bytes);
    let mut rows = Vec::with_capacity(USERS);
    while let Some(words) = decoder.decode(&mut buf).unwrap() {
        if let Some(TaggedReply {
            reply: Reply::Re(row),
            ..
        }) = TaggedReply::parse(words)
        {
            rows.push(HotspotUser::from_attributes(&row));
        }
    }
    rows
}

fn decode_print(c: &mut Criterion) {
    let bytes = print_reply_bytes();
    assert_eq!(decode_rows(&bytes).len(), USERS);
    println!("print reply of {USERS} users: {} bytes", bytes.len());
    c.bench_function("decode_print_20000_users", |b| {
        b.iter_batched(
            || bytes.clone(),
            |bytes| decode_rows(&bytes),
            BatchSize::LargeInput,
        )
    });

    let runtime = Runtime::new().unwrap();
    let (_sim, client) = runtime.block_on(async {
        let sim = Simulator::builder()
            .credentials("admin", "pw")
            .preload_hotspot_users(USERS)
            .spawn()
            .await
            .unwrap();
        let client =
            Client::connect(ClientConfig::new("127.0.0.1", "admin", "pw").port(sim.addr().port()))
                .await
                .unwrap();
        (sim, client)
    });
    let mut group = c.benchmark_group("print_20000_users_from_simulator");
    group.sample_size(10);
    group.bench_function("end_to_end_loopback", |b| {
        b.to_async(&runtime).iter(|| async {
            let rows = client
                .hotspot_users()
                .print(&Query::new(), &PROPLIST)
                .await
                .unwrap();
            assert_eq!(rows.len(), USERS);
        })
    });
    group.finish();
}

criterion_group!(benches, decode_print);
criterion_main!(benches);
