use std::time::Duration;

use crate::codec::{DecodeError, WordTooLongToEncode};
use crate::reply::TrapCategory;

/// Which step of talking to the router ran out of time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeoutStage {
    Connect,
    Login,
    Command,
}

impl std::fmt::Display for TimeoutStage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Connect => "connect",
            Self::Login => "login",
            Self::Command => "command",
        })
    }
}

/// A bound on what the router may send; see [`ReplyLimits`](crate::ReplyLimits).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReplyLimit {
    WordsPerSentence,
    BytesPerSentence,
    RowsPerReply,
    BytesPerReply,
}

impl std::fmt::Display for ReplyLimit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::WordsPerSentence => "words per sentence",
            Self::BytesPerSentence => "bytes per sentence",
            Self::RowsPerReply => "rows per reply",
            Self::BytesPerReply => "bytes per reply",
        })
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot connect to {address}: {source}")]
    Connect {
        address: String,
        source: std::io::Error,
    },

    #[error("TLS: {0}")]
    Tls(String),

    #[error("{stage} timed out after {after:?}")]
    Timeout {
        stage: TimeoutStage,
        after: Duration,
    },

    #[error("the router rejected the login: {message}")]
    LoginRejected { message: String },

    /// The router answered the command with `!trap`.
    #[error("router refused {command}: {message}")]
    Trap {
        command: String,
        message: String,
        category: Option<TrapCategory>,
    },

    /// The router sent `!fatal` and closed the connection.
    #[error("router closed the connection: {reason}")]
    Fatal { reason: String },

    /// The connection broke while the command was in flight. The router may or may not have
    /// executed it, so the caller decides whether a retry is safe (an `add` retried blindly could
    /// create a duplicate).
    #[error("connection lost while the command was in flight: {reason}")]
    ConnectionLost { reason: String },

    #[error("the command was cancelled")]
    Cancelled,

    /// The router sent more than [`ReplyLimits`](crate::ReplyLimits) allow. Over a per-reply
    /// limit only this command failed (and was cancelled on the router). Over a per-sentence
    /// limit the sentence's command cannot be told, so the connection was closed and every
    /// command in flight on it failed like this; as with [`Error::ConnectionLost`], the router
    /// may have executed them.
    #[error("the router's reply exceeded the limit of {max} {limit}")]
    LimitExceeded { limit: ReplyLimit, max: usize },

    /// The caller left a full buffer of replies unread for this long, holding up the connection's
    /// other commands; the command was cancelled on the router.
    #[error("replies were left unread for {waited:?}; the command was cancelled")]
    RepliesUnread { waited: Duration },

    #[error("protocol violation: {0}")]
    Decode(DecodeError),

    #[error(transparent)]
    Encode(#[from] WordTooLongToEncode),

    #[error("unexpected reply from the router: {0}")]
    UnexpectedReply(String),

    #[error("I/O: {0}")]
    Io(#[from] std::io::Error),
}

impl From<DecodeError> for Error {
    fn from(error: DecodeError) -> Self {
        match error {
            DecodeError::TooManyWords { limit } => Self::LimitExceeded {
                limit: ReplyLimit::WordsPerSentence,
                max: limit,
            },
            DecodeError::SentenceTooLong { limit } => Self::LimitExceeded {
                limit: ReplyLimit::BytesPerSentence,
                max: limit,
            },
            other => Self::Decode(other),
        }
    }
}

impl Error {
    pub(crate) fn trap(command: &str, trap: crate::reply::Trap) -> Self {
        Self::Trap {
            command: command.to_owned(),
            message: trap.message,
            category: trap.category,
        }
    }

    /// The router's trap message, when the router refused the command.
    pub fn trap_message(&self) -> Option<&str> {
        match self {
            Self::Trap { message, .. } => Some(message),
            _ => None,
        }
    }

    /// True when the failure was the connection, not the command: a caller may retry an
    /// idempotent command after this.
    pub fn is_connection_failure(&self) -> bool {
        matches!(
            self,
            Self::ConnectionLost { .. }
                | Self::Fatal { .. }
                | Self::Connect { .. }
                | Self::Io(_)
                | Self::Decode(_)
        ) || matches!(
            self,
            Self::Timeout {
                stage: TimeoutStage::Connect | TimeoutStage::Login,
                ..
            }
        )
    }
}
