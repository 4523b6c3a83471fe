use std::time::Duration;

use crate::codec::{
    DEFAULT_MAX_SENTENCE_LEN, DEFAULT_MAX_WORD_LEN, DEFAULT_MAX_WORDS_PER_SENTENCE,
};

/// How the client protects the connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TlsMode {
    /// Plain TCP, normally port 8728.
    None,
    /// TLS (normally port 8729) accepting only the certificate whose DER encoding has this SHA-256
    /// digest. Meant for the self-signed certificates routers usually carry; host name and expiry
    /// are not checked, because the pin already identifies the exact certificate.
    PinnedSha256([u8; 32]),
    /// TLS verified against the operating system's trusted roots and the host name.
    SystemRoots,
}

impl TlsMode {
    /// Parses a fingerprint written as hex, with or without `:` separators.
    pub fn pinned_from_hex(fingerprint: &str) -> Result<Self, hex::FromHexError> {
        let cleaned: String = fingerprint.chars().filter(|c| *c != ':').collect();
        let mut digest = [0u8; 32];
        hex::decode_to_slice(cleaned, &mut digest)?;
        Ok(Self::PinnedSha256(digest))
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timeouts {
    pub connect: Duration,
    pub login: Duration,
    /// From asking for a command (including any wait for a free slot or a reconnect) to its
    /// `!done`. Streams (`listen`) are not bound by it.
    pub command: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self {
            connect: Duration::from_secs(5),
            login: Duration::from_secs(5),
            command: Duration::from_secs(30),
        }
    }
}

/// How often and how patiently to re-establish a dropped connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reconnect {
    /// Attempts per command that finds the connection down, before it fails.
    pub attempts: u32,
    pub initial_delay: Duration,
    pub max_delay: Duration,
}

impl Default for Reconnect {
    fn default() -> Self {
        Self {
            attempts: 3,
            initial_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(5),
        }
    }
}

impl Reconnect {
    /// The pause before attempt number `attempt` (0-based): none before the first, then doubling.
    pub fn delay_before(&self, attempt: u32) -> Duration {
        if attempt == 0 {
            return Duration::ZERO;
        }
        let factor = 1u32.checked_shl(attempt - 1).unwrap_or(u32::MAX);
        self.initial_delay
            .saturating_mul(factor)
            .min(self.max_delay)
    }
}

/// Bounds on what the router may send, so that a faulty or hostile router (or anyone on the path
/// to it) cannot make the client buffer without end. A reply beyond them fails with
/// [`Error::LimitExceeded`](crate::Error::LimitExceeded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplyLimits {
    /// Bytes in one word.
    pub max_word_len: usize,
    /// Words in one sentence (one row's properties, plus the reply word and tag).
    pub max_words_per_sentence: usize,
    /// Bytes of the words of one sentence.
    pub max_sentence_len: usize,
    /// `!re` rows collected for one command by [`Client::run`](crate::Client::run). Streams
    /// (`listen`) are not bound by it or the next limit: their rows are handed over one by one.
    pub max_rows_per_reply: usize,
    /// Bytes of the rows collected for one command by [`Client::run`](crate::Client::run),
    /// counting their property names and values.
    pub max_reply_len: usize,
}

impl Default for ReplyLimits {
    fn default() -> Self {
        Self {
            max_word_len: DEFAULT_MAX_WORD_LEN,
            max_words_per_sentence: DEFAULT_MAX_WORDS_PER_SENTENCE,
            max_sentence_len: DEFAULT_MAX_SENTENCE_LEN,
            max_rows_per_reply: 100_000,
            max_reply_len: 256 * 1024 * 1024,
        }
    }
}

#[derive(Clone)]
pub struct ClientConfig {
    pub host: String,
    pub port: u16,
    pub tls: TlsMode,
    pub username: String,
    pub password: String,
    pub timeouts: Timeouts,
    /// Commands allowed in flight on the connection at once; further commands wait for a slot.
    pub max_in_flight: usize,
    pub reconnect: Reconnect,
    pub limits: ReplyLimits,
}

impl std::fmt::Debug for ClientConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientConfig")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("tls", &self.tls)
            .field("username", &self.username)
            .field("password", &"<redacted>")
            .field("timeouts", &self.timeouts)
            .field("max_in_flight", &self.max_in_flight)
            .field("reconnect", &self.reconnect)
            .field("limits", &self.limits)
            .finish()
    }
}

impl ClientConfig {
    /// Plain TCP on the standard API port with default timeouts.
    pub fn new(
        host: impl Into<String>,
        username: impl Into<String>,
        password: impl Into<String>,
    ) -> Self {
        Self {
            host: host.into(),
            port: 8728,
            tls: TlsMode::None,
            username: username.into(),
            password: password.into(),
            timeouts: Timeouts::default(),
            max_in_flight: 256,
            reconnect: Reconnect::default(),
            limits: ReplyLimits::default(),
        }
    }

    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    pub fn tls(mut self, tls: TlsMode) -> Self {
        self.tls = tls;
        self
    }

    pub fn timeouts(mut self, timeouts: Timeouts) -> Self {
        self.timeouts = timeouts;
        self
    }

    pub fn max_in_flight(mut self, max_in_flight: usize) -> Self {
        self.max_in_flight = max_in_flight.max(1);
        self
    }

    pub fn reconnect(mut self, reconnect: Reconnect) -> Self {
        self.reconnect = reconnect;
        self
    }

    pub fn limits(mut self, limits: ReplyLimits) -> Self {
        self.limits = limits;
        self
    }

    pub(crate) fn address(&self) -> String {
        format!("{}:{}", self.host, self.port)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let reconnect = Reconnect {
            attempts: 10,
            initial_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(500),
        };
        let delays: Vec<_> = (0..6)
            .map(|a| reconnect.delay_before(a).as_millis())
            .collect();
        assert_eq!(delays, [0, 100, 200, 400, 500, 500]);
        assert_eq!(reconnect.delay_before(u32::MAX), Duration::from_millis(500));
    }

    #[test]
    fn fingerprint_parses_with_or_without_colons() {
        let hex = "AB".repeat(32);
        let colons = vec!["ab"; 32].join(":");
        assert_eq!(
            TlsMode::pinned_from_hex(&hex).unwrap(),
            TlsMode::PinnedSha256([0xAB; 32])
        );
        assert_eq!(
            TlsMode::pinned_from_hex(&colons).unwrap(),
            TlsMode::PinnedSha256([0xAB; 32])
        );
        assert!(TlsMode::pinned_from_hex("abcd").is_err());
    }
}
