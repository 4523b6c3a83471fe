//! The input handling of the fuzz targets, as a library so the `routeros` crate's tests can run
//! the committed seed corpus through exactly the same code (`tests/fuzz_corpus.rs`).

use bytes::BytesMut;
use routeros::TaggedReply;
use routeros::codec::{DecodeError, SentenceDecoder};

/// Feeds `data` to the sentence decoder and reply parser. The first byte picks the chunk size the
/// rest arrives in, so words and lengths split across reads are explored too. Returns how many
/// replies were parsed, or the decoder's error; either way it must never panic or loop.
pub fn decode_sentences(data: &[u8]) -> Result<usize, DecodeError> {
    let Some((&chunk, input)) = data.split_first() else {
        return Ok(0);
    };
    let chunk = usize::from(chunk).max(1);
    let mut decoder = SentenceDecoder::new(64 * 1024);
    let mut buf = BytesMut::new();
    let mut replies = 0;
    for piece in input.chunks(chunk) {
        buf.extend_from_slice(piece);
        while let Some(words) = decoder.decode(&mut buf)? {
            if let Some(reply) = TaggedReply::parse(words) {
                // Re-encoding what was parsed must not panic either.
                let _ = reply.to_words();
                replies += 1;
            }
        }
    }
    Ok(replies)
}
