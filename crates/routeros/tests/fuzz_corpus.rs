//! Runs the fuzz target's committed seed corpus (`fuzz/corpus/decode_sentences/`, real RouterOS
//! reply sentences, and `limit_*` seeds that break the reply limits) through the fuzz target's
//! own code, so every `cargo test` exercises it without cargo-fuzz or a nightly toolchain.

#[path = "../fuzz/src/lib.rs"]
mod fuzz;

use std::path::Path;

use routeros::codec::DecodeError;

#[test]
fn every_seed_decodes_the_same_in_any_chunking_and_limits_hold() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus/decode_sentences");
    let mut seeds = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let seed = std::fs::read(&path).unwrap();
        let decoded = fuzz::decode_sentences(&seed);
        match name.as_str() {
            "limit_words" => assert_eq!(
                decoded,
                Err(DecodeError::TooManyWords {
                    limit: fuzz::MAX_WORDS_PER_SENTENCE
                }),
                "{name}"
            ),
            "limit_sentence_bytes" => assert_eq!(
                decoded,
                Err(DecodeError::SentenceTooLong {
                    limit: fuzz::MAX_SENTENCE_LEN
                }),
                "{name}"
            ),
            "limit_rows" | "limit_reply_bytes" => {
                let decoded = decoded.unwrap();
                assert_eq!(decoded.refused, 1, "{name}: {decoded:?}");
                // The flooded command is refused; the other one still finishes.
                assert_eq!(decoded.finished, 2, "{name}: {decoded:?}");
            }
            _ => {
                let decoded = decoded.unwrap_or_else(|error| panic!("{name}: {error}"));
                assert!(decoded.replies >= 1, "{name}: no reply decoded");
                assert_eq!(decoded.refused, 0, "{name}");
            }
        }
        // The first byte is the chunk size: any other split must decode the same.
        for chunk in [1, 2, 3, 5, 8, 13, 100, 255] {
            let mut rechunked = seed.clone();
            rechunked[0] = chunk;
            assert_eq!(
                fuzz::decode_sentences(&rechunked),
                fuzz::decode_sentences(&seed),
                "{name} in chunks of {chunk}"
            );
        }
        seeds += 1;
    }
    assert!(seeds >= 9, "only {seeds} seeds in {}", dir.display());
}
