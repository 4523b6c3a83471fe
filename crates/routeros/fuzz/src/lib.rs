//! The input handling of the fuzz targets, as a library so the `routeros` crate's tests can run
//! the committed seed corpus through exactly the same code (`tests/fuzz_corpus.rs`).

use std::collections::{HashMap, HashSet};

use bytes::BytesMut;
use routeros::codec::{DecodeError, SentenceDecoder};
use routeros::{Error, Reply, ReplyCollector, TaggedReply};

/// Small limits, so that small inputs reach them.
pub const MAX_WORD_LEN: usize = 64 * 1024;
pub const MAX_WORDS_PER_SENTENCE: usize = 16;
pub const MAX_SENTENCE_LEN: usize = 24 * 1024;
pub const MAX_ROWS_PER_REPLY: usize = 4;
pub const MAX_REPLY_LEN: usize = 32 * 1024;

/// What one input decoded into.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// Reply sentences parsed.
    pub replies: usize,
    /// Commands (tags) that reached an outcome: `!done`, a trap, `!fatal`.
    pub finished: usize,
    /// Commands refused for sending more than [`MAX_ROWS_PER_REPLY`] rows or [`MAX_REPLY_LEN`]
    /// bytes of rows.
    pub refused: usize,
}

/// Feeds `data` to the sentence decoder, the reply parser and a reply collector per tag, as the
/// client does. The first byte picks the chunk size the rest arrives in, so words and lengths
/// split across reads are explored too. Returns what was decoded, or the decoder's error; either
/// way it must never panic, loop, or hold more than the limits allow.
pub fn decode_sentences(data: &[u8]) -> Result<Decoded, DecodeError> {
    let Some((&chunk, input)) = data.split_first() else {
        return Ok(Decoded::default());
    };
    let chunk = usize::from(chunk).max(1);
    let mut decoder = SentenceDecoder::new(MAX_WORD_LEN)
        .max_words(MAX_WORDS_PER_SENTENCE)
        .max_sentence_len(MAX_SENTENCE_LEN);
    let mut buf = BytesMut::new();
    let mut collectors: HashMap<Option<String>, ReplyCollector> = HashMap::new();
    // As in the client, replies for a command refused over a limit are dropped.
    let mut refused = HashSet::new();
    let mut decoded = Decoded::default();
    for piece in input.chunks(chunk) {
        buf.extend_from_slice(piece);
        while let Some(words) = decoder.decode(&mut buf)? {
            assert!(
                words.len() <= MAX_WORDS_PER_SENTENCE,
                "{} words",
                words.len()
            );
            let Some(tagged) = TaggedReply::parse(words) else {
                continue;
            };
            // Re-encoding what was parsed must not panic either.
            let _ = tagged.to_words();
            decoded.replies += 1;
            if refused.contains(&tagged.tag) {
                continue;
            }
            let collector = collectors
                .entry(tagged.tag.clone())
                .or_insert_with(|| ReplyCollector::new("/fuzz", MAX_ROWS_PER_REPLY, MAX_REPLY_LEN));
            let fatal = matches!(tagged.reply, Reply::Fatal(_));
            let outcome = collector.push(tagged.reply);
            assert!(collector.rows() <= MAX_ROWS_PER_REPLY);
            if let Some(outcome) = outcome {
                collectors.remove(&tagged.tag);
                decoded.finished += 1;
                if let Err(Error::LimitExceeded { .. }) = outcome {
                    decoded.refused += 1;
                    refused.insert(tagged.tag);
                }
            }
            if fatal {
                return Ok(decoded);
            }
        }
    }
    Ok(decoded)
}
