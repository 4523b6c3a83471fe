//! Runs the fuzz target's committed seed corpus (`fuzz/corpus/decode_sentences/`, real RouterOS
//! reply sentences) through the fuzz target's own code, so every `cargo test` exercises it
//! without cargo-fuzz or a nightly toolchain.

#[path = "../fuzz/src/lib.rs"]
mod fuzz;

use std::path::Path;

#[test]
fn every_seed_decodes_into_replies_in_any_chunking() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus/decode_sentences");
    let mut seeds = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let seed = std::fs::read(&path).unwrap();
        let replies = fuzz::decode_sentences(&seed)
            .unwrap_or_else(|error| panic!("{}: {error}", path.display()));
        assert!(replies >= 1, "{}: no reply decoded", path.display());
        // The first byte is the chunk size: any other split must decode the same replies.
        for chunk in [1, 2, 3, 5, 8, 13, 100, 255] {
            let mut rechunked = seed.clone();
            rechunked[0] = chunk;
            assert_eq!(
                fuzz::decode_sentences(&rechunked),
                Ok(replies),
                "{} in chunks of {chunk}",
                path.display()
            );
        }
        seeds += 1;
    }
    assert!(seeds >= 5, "only {seeds} seeds in {}", dir.display());
}
