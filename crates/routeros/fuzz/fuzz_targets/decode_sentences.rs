//! Feeds arbitrary bytes, in arbitrary chunks, to the sentence decoder and reply parser: they
//! must return errors, never panic or loop.
#![no_main]

use bytes::BytesMut;
use libfuzzer_sys::fuzz_target;
use routeros::TaggedReply;
use routeros::codec::SentenceDecoder;

fuzz_target!(|data: &[u8]| {
    // The first byte picks the chunk size, so split words and lengths are explored too.
    let Some((&chunk, input)) = data.split_first() else {
        return;
    };
    let chunk = usize::from(chunk).max(1);
    let mut decoder = SentenceDecoder::new(64 * 1024);
    let mut buf = BytesMut::new();
    for piece in input.chunks(chunk) {
        buf.extend_from_slice(piece);
        loop {
            match decoder.decode(&mut buf) {
                Ok(Some(words)) => {
                    if let Some(reply) = TaggedReply::parse(words) {
                        // Re-encoding what was parsed must not panic either.
                        let _ = reply.to_words();
                    }
                }
                Ok(None) => break,
                Err(_) => return,
            }
        }
    }
});
