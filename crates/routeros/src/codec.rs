//! The RouterOS API wire format: length-prefixed words grouped into sentences.
//!
//! A word is `<length><bytes>`, where the length takes one to five bytes depending on its size,
//! and a sentence ends with a zero-length word. The first byte of a length is never `0xF8` or
//! above: those values are reserved control bytes, and a peer that sends one has left the
//! protocol, so decoding stops with an error instead of guessing.

use bytes::{Buf, BytesMut};

/// Words longer than this are refused by [`SentenceDecoder::new`]'s default limit: a router never
/// sends anything near it, and a corrupt length must not make us buffer gigabytes.
pub const DEFAULT_MAX_WORD_LEN: usize = 16 * 1024 * 1024;

/// Sentences with more words than this are refused by default: the widest RouterOS row has a few
/// hundred properties, and a sentence that never ends must not grow without bound.
pub const DEFAULT_MAX_WORDS_PER_SENTENCE: usize = 4096;

/// Sentences longer than this, counting the bytes of their words, are refused by default: room
/// for one word of the largest default size, and a bound on what one sentence can make us hold.
pub const DEFAULT_MAX_SENTENCE_LEN: usize = DEFAULT_MAX_WORD_LEN;

/// The largest length the five-byte form can carry.
pub const MAX_ENCODABLE_LEN: usize = u32::MAX as usize;

#[derive(Debug, thiserror::Error, PartialEq, Eq, Clone)]
pub enum DecodeError {
    #[error("reserved control byte {0:#04x} where a word length was expected")]
    ControlByte(u8),
    #[error("word of {length} bytes exceeds the limit of {limit} bytes")]
    WordTooLong { length: usize, limit: usize },
    #[error("sentence has more than {limit} words")]
    TooManyWords { limit: usize },
    #[error("sentence is longer than {limit} bytes")]
    SentenceTooLong { limit: usize },
}

#[derive(Debug, thiserror::Error, PartialEq, Eq, Clone)]
#[error("word of {0} bytes is longer than the protocol can encode")]
pub struct WordTooLongToEncode(pub usize);

/// Appends the encoded form of `len` to `out`.
pub fn encode_length(len: usize, out: &mut Vec<u8>) -> Result<(), WordTooLongToEncode> {
    // The casts below are exact: each branch has checked that `len` fits.
    match len {
        0..=0x7F => out.push(len as u8),
        0x80..=0x3FFF => out.extend_from_slice(&((len as u16) | 0x8000).to_be_bytes()),
        0x4000..=0x1F_FFFF => out.extend_from_slice(&((len as u32) | 0xC0_0000).to_be_bytes()[1..]),
        0x20_0000..=0xFFF_FFFF => {
            out.extend_from_slice(&((len as u32) | 0xE000_0000).to_be_bytes())
        }
        0x1000_0000..=MAX_ENCODABLE_LEN => {
            out.push(0xF0);
            out.extend_from_slice(&(len as u32).to_be_bytes());
        }
        _ => return Err(WordTooLongToEncode(len)),
    }
    Ok(())
}

/// Reads a length from the front of `buf`.
///
/// Returns `Ok(None)` when `buf` holds only part of the length, otherwise the length and how many
/// bytes encoded it.
pub fn decode_length(buf: &[u8]) -> Result<Option<(usize, usize)>, DecodeError> {
    let Some(&first) = buf.first() else {
        return Ok(None);
    };
    let header_len = match first {
        0x00..=0x7F => 1,
        0x80..=0xBF => 2,
        0xC0..=0xDF => 3,
        0xE0..=0xEF => 4,
        0xF0..=0xF7 => 5,
        control => return Err(DecodeError::ControlByte(control)),
    };
    if buf.len() < header_len {
        return Ok(None);
    }
    let length = match header_len {
        1 => usize::from(first),
        2 => usize::from(u16::from_be_bytes([first & 0x3F, buf[1]])),
        3 => u32::from_be_bytes([0, first & 0x1F, buf[1], buf[2]]) as usize,
        4 => u32::from_be_bytes([first & 0x0F, buf[1], buf[2], buf[3]]) as usize,
        _ => u32::from_be_bytes([buf[1], buf[2], buf[3], buf[4]]) as usize,
    };
    Ok(Some((length, header_len)))
}

/// Appends one word (length and bytes) to `out`.
pub fn encode_word(word: &[u8], out: &mut Vec<u8>) -> Result<(), WordTooLongToEncode> {
    encode_length(word.len(), out)?;
    out.extend_from_slice(word);
    Ok(())
}

/// Encodes a whole sentence, including the terminating zero-length word.
pub fn encode_sentence<W: AsRef<str>>(words: &[W]) -> Result<Vec<u8>, WordTooLongToEncode> {
    let mut out = Vec::with_capacity(words.iter().map(|w| w.as_ref().len() + 2).sum::<usize>() + 1);
    for word in words {
        encode_word(word.as_ref().as_bytes(), &mut out)?;
    }
    out.push(0);
    Ok(out)
}

/// Splits a byte stream into sentences, keeping partial input between calls.
///
/// Words are decoded as UTF-8; bytes that are not valid UTF-8 (a router configured with a legacy
/// code page) are replaced with U+FFFD rather than failing the whole reply.
#[derive(Debug)]
pub struct SentenceDecoder {
    max_word_len: usize,
    max_words: usize,
    max_sentence_len: usize,
    words: Vec<String>,
    /// Bytes of the words in `words`.
    sentence_len: usize,
}

impl Default for SentenceDecoder {
    fn default() -> Self {
        Self::new(DEFAULT_MAX_WORD_LEN)
    }
}

impl SentenceDecoder {
    pub fn new(max_word_len: usize) -> Self {
        Self {
            max_word_len,
            max_words: DEFAULT_MAX_WORDS_PER_SENTENCE,
            max_sentence_len: DEFAULT_MAX_SENTENCE_LEN,
            words: Vec::new(),
            sentence_len: 0,
        }
    }

    /// Refuse sentences whose words add up to more than `max_sentence_len` bytes.
    pub fn max_sentence_len(mut self, max_sentence_len: usize) -> Self {
        self.max_sentence_len = max_sentence_len;
        self
    }

    /// Refuse sentences of more than `max_words` words (at least one).
    pub fn max_words(mut self, max_words: usize) -> Self {
        self.max_words = max_words.max(1);
        self
    }

    /// Takes as many complete words as `buf` holds; returns a sentence once its terminating empty
    /// word has arrived. Consumed bytes are removed from `buf`.
    ///
    /// Empty sentences (a lone zero-length word) are skipped, as the protocol says they are ignored.
    pub fn decode(&mut self, buf: &mut BytesMut) -> Result<Option<Vec<String>>, DecodeError> {
        loop {
            let Some((length, header_len)) = decode_length(buf)? else {
                return Ok(None);
            };
            if length > self.max_word_len {
                return Err(DecodeError::WordTooLong {
                    length,
                    limit: self.max_word_len,
                });
            }
            if length > 0 && self.words.len() >= self.max_words {
                self.forget_sentence();
                return Err(DecodeError::TooManyWords {
                    limit: self.max_words,
                });
            }
            if self.sentence_len.saturating_add(length) > self.max_sentence_len {
                self.forget_sentence();
                return Err(DecodeError::SentenceTooLong {
                    limit: self.max_sentence_len,
                });
            }
            if buf.len() < header_len + length {
                buf.reserve(header_len + length - buf.len());
                return Ok(None);
            }
            buf.advance(header_len);
            if length == 0 {
                if self.words.is_empty() {
                    continue;
                }
                self.sentence_len = 0;
                return Ok(Some(std::mem::take(&mut self.words)));
            }
            let bytes = buf.split_to(length);
            let word = match std::str::from_utf8(&bytes) {
                Ok(text) => text.to_owned(),
                Err(_) => String::from_utf8_lossy(&bytes).into_owned(),
            };
            self.sentence_len += length;
            self.words.push(word);
        }
    }

    fn forget_sentence(&mut self) {
        self.words = Vec::new();
        self.sentence_len = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn decode_all(bytes: &[u8]) -> Result<Vec<Vec<String>>, DecodeError> {
        let mut decoder = SentenceDecoder::default();
        let mut buf = BytesMut::from(bytes);
        let mut sentences = Vec::new();
        while let Some(sentence) = decoder.decode(&mut buf)? {
            sentences.push(sentence);
        }
        Ok(sentences)
    }

    #[test]
    fn length_forms_match_the_documented_boundaries() {
        let cases: [(usize, &[u8]); 10] = [
            (0, &[0x00]),
            (0x7F, &[0x7F]),
            (0x80, &[0x80, 0x80]),
            (0x3FFF, &[0xBF, 0xFF]),
            (0x4000, &[0xC0, 0x40, 0x00]),
            (0x1F_FFFF, &[0xDF, 0xFF, 0xFF]),
            (0x20_0000, &[0xE0, 0x20, 0x00, 0x00]),
            (0xFFF_FFFF, &[0xEF, 0xFF, 0xFF, 0xFF]),
            (0x1000_0000, &[0xF0, 0x10, 0x00, 0x00, 0x00]),
            (0xFFFF_FFFF, &[0xF0, 0xFF, 0xFF, 0xFF, 0xFF]),
        ];
        for (length, expected) in cases {
            let mut out = Vec::new();
            encode_length(length, &mut out).unwrap();
            assert_eq!(out, expected, "encoding {length:#x}");
            assert_eq!(
                decode_length(expected).unwrap(),
                Some((length, expected.len()))
            );
        }
    }

    #[test]
    fn control_bytes_are_rejected() {
        for control in 0xF8..=0xFF {
            assert_eq!(
                decode_all(&[control, 0, 0, 0, 0]),
                Err(DecodeError::ControlByte(control))
            );
        }
    }

    #[test]
    fn overlong_word_is_refused_before_buffering_it() {
        let mut decoder = SentenceDecoder::new(10);
        let mut buf = BytesMut::from(&[0x0B][..]);
        assert_eq!(
            decoder.decode(&mut buf),
            Err(DecodeError::WordTooLong {
                length: 11,
                limit: 10
            })
        );
    }

    #[test]
    fn sentence_with_too_many_words_is_refused_before_buffering_more() {
        let mut decoder = SentenceDecoder::new(10).max_words(3);
        let mut three = BytesMut::from(&encode_sentence(&["!re", "=a=1", "=b=2"]).unwrap()[..]);
        assert_eq!(
            decoder.decode(&mut three).unwrap().map(|s| s.len()),
            Some(3)
        );

        // An endless sentence: the fourth word is refused as soon as its length is read.
        let mut endless = BytesMut::new();
        for _ in 0..1000 {
            let mut word = Vec::new();
            encode_word(b"=x=y", &mut word).unwrap();
            endless.extend_from_slice(&word);
        }
        let before = endless.len();
        assert_eq!(
            decoder.decode(&mut endless),
            Err(DecodeError::TooManyWords { limit: 3 })
        );
        assert_eq!(before - endless.len(), 3 * 5, "stopped at the fourth word");
    }

    #[test]
    fn sentence_longer_than_its_byte_limit_is_refused_before_buffering_the_word() {
        let mut decoder = SentenceDecoder::new(100).max_sentence_len(12);
        let mut buf =
            BytesMut::from(&encode_sentence(&["!re", "=a=1", "=b=2", "=c=3"]).unwrap()[..]);
        let before = buf.len();
        assert_eq!(
            decoder.decode(&mut buf),
            Err(DecodeError::SentenceTooLong { limit: 12 })
        );
        // "!re", "=a=1" and "=b=2" (11 bytes) were taken; "=c=3" would have made 15.
        assert_eq!(before - buf.len(), 4 + 5 + 5);
    }

    #[test]
    fn empty_sentences_are_skipped() {
        let mut bytes = vec![0, 0];
        bytes.extend(encode_sentence(&["!done"]).unwrap());
        assert_eq!(decode_all(&bytes).unwrap(), vec![vec!["!done".to_owned()]]);
    }

    fn length_in_class(class: u8) -> BoxedStrategy<usize> {
        match class {
            0 => (0usize..=0x7F).boxed(),
            1 => (0x80usize..=0x3FFF).boxed(),
            2 => (0x4000usize..=0x1F_FFFF).boxed(),
            3 => (0x20_0000usize..=0xFFF_FFFF).boxed(),
            _ => (0x1000_0000usize..=MAX_ENCODABLE_LEN).boxed(),
        }
    }

    proptest! {
        #[test]
        fn every_length_class_round_trips(length in (0u8..5).prop_flat_map(length_in_class)) {
            let mut out = Vec::new();
            encode_length(length, &mut out).unwrap();
            let expected_header = match length {
                0..=0x7F => 1, 0x80..=0x3FFF => 2, 0x4000..=0x1F_FFFF => 3,
                0x20_0000..=0xFFF_FFFF => 4, _ => 5,
            };
            prop_assert_eq!(out.len(), expected_header);
            prop_assert_eq!(decode_length(&out).unwrap(), Some((length, expected_header)));
            // A truncated length is "need more", never an error or a wrong value.
            for cut in 0..out.len() {
                prop_assert_eq!(decode_length(&out[..cut]).unwrap(), None);
            }
        }

        #[test]
        fn sentences_round_trip_through_arbitrary_chunking(
            sentences in prop::collection::vec(
                prop::collection::vec(
                    // Mostly short words, some long enough for the two- and three-byte forms.
                    prop_oneof![
                        4 => "[^\u{0}]{1,40}",
                        1 => "[a-z=]{100,300}",
                        1 => "x{16384,16400}",
                    ],
                    1..6,
                ),
                1..5,
            ),
            chunk in 1usize..64,
        ) {
            let bytes: Vec<u8> = sentences.iter().flat_map(|s| encode_sentence(s).unwrap()).collect();
            let mut decoder = SentenceDecoder::default();
            let mut buf = BytesMut::new();
            let mut decoded = Vec::new();
            for piece in bytes.chunks(chunk) {
                buf.extend_from_slice(piece);
                while let Some(sentence) = decoder.decode(&mut buf).unwrap() {
                    decoded.push(sentence);
                }
            }
            prop_assert_eq!(decoded, sentences);
            prop_assert!(buf.is_empty());
        }

        #[test]
        fn decoder_never_panics_on_arbitrary_bytes(
            bytes in prop::collection::vec(any::<u8>(), 0..2048),
            chunk in 1usize..128,
        ) {
            let mut decoder = SentenceDecoder::new(4096);
            let mut buf = BytesMut::new();
            'feed: for piece in bytes.chunks(chunk) {
                buf.extend_from_slice(piece);
                loop {
                    match decoder.decode(&mut buf) {
                        Ok(Some(sentence)) => prop_assert!(!sentence.is_empty()),
                        Ok(None) => break,
                        Err(_) => break 'feed,
                    }
                }
            }
        }
    }
}
