//! Feeds arbitrary bytes, in arbitrary chunks, to the sentence decoder, reply parser and reply
//! collector, with small word and row limits: they must return errors, never panic, loop or hold
//! more than the limits allow. Seeds: `corpus/decode_sentences/`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = routeros_fuzz::decode_sentences(data);
});
