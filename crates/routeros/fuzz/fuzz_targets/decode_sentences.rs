//! Feeds arbitrary bytes, in arbitrary chunks, to the sentence decoder and reply parser: they
//! must return errors, never panic or loop. Seeds: `corpus/decode_sentences/`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = routeros_fuzz::decode_sentences(data);
});
