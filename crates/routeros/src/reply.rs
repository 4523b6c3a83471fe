//! Reply sentences: what the router sends back.

use std::fmt;

/// The `name=value` pairs of one reply sentence, in the order the router sent them.
///
/// A `Vec` rather than a map: rows are small, built once and read a few times, and a 20,000-row
/// print is decoded measurably faster without hashing every property name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Attributes(Vec<(String, String)>);

impl Attributes {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    pub fn insert(&mut self, name: impl Into<String>, value: impl Into<String>) {
        let name = name.into();
        let value = value.into();
        match self.0.iter_mut().find(|(key, _)| *key == name) {
            Some(slot) => slot.1 = value,
            None => self.0.push((name, value)),
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The bytes of its names and values.
    pub fn size(&self) -> usize {
        self.0.iter().map(|(k, v)| k.len() + v.len()).sum()
    }
}

impl<K: Into<String>, V: Into<String>> FromIterator<(K, V)> for Attributes {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let mut attributes = Attributes::new();
        for (k, v) in iter {
            attributes.insert(k, v);
        }
        attributes
    }
}

impl IntoIterator for Attributes {
    type Item = (String, String);
    type IntoIter = std::vec::IntoIter<(String, String)>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

/// The error categories RouterOS attaches to a `!trap`, as listed in the API guide.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrapCategory {
    MissingItemOrCommand,
    ArgumentValue,
    Interrupted,
    Scripting,
    General,
    Api,
    Tty,
    ReturnValue,
    /// A number the guide does not list; kept so nothing the router said is lost.
    Other(u32),
}

impl TrapCategory {
    pub fn from_code(code: u32) -> Self {
        match code {
            0 => Self::MissingItemOrCommand,
            1 => Self::ArgumentValue,
            2 => Self::Interrupted,
            3 => Self::Scripting,
            4 => Self::General,
            5 => Self::Api,
            6 => Self::Tty,
            7 => Self::ReturnValue,
            other => Self::Other(other),
        }
    }

    pub fn code(self) -> u32 {
        match self {
            Self::MissingItemOrCommand => 0,
            Self::ArgumentValue => 1,
            Self::Interrupted => 2,
            Self::Scripting => 3,
            Self::General => 4,
            Self::Api => 5,
            Self::Tty => 6,
            Self::ReturnValue => 7,
            Self::Other(code) => code,
        }
    }
}

impl fmt::Display for TrapCategory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.code())
    }
}

/// A `!trap`: the router refused or failed a command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trap {
    pub message: String,
    pub category: Option<TrapCategory>,
}

/// One decoded reply sentence, without its tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    /// `!re`: one row of data.
    Re(Attributes),
    /// `!done`: the command finished; may carry `=ret=` (the new item's id after `add`).
    Done(Attributes),
    Trap(Trap),
    /// `!fatal`: the router is closing the connection, for the reason given.
    Fatal(String),
    /// `!empty` (RouterOS 7.18+): the command had no data to return. `!done` still follows.
    Empty,
    /// A reply word this client does not know; tolerated so a newer router does not break it.
    Unknown {
        word: String,
        attributes: Attributes,
    },
}

impl Reply {
    /// Roughly the bytes it holds: its names, values and messages.
    pub fn size(&self) -> usize {
        match self {
            Self::Re(attributes) | Self::Done(attributes) | Self::Unknown { attributes, .. } => {
                attributes.size()
            }
            Self::Trap(trap) => trap.message.len(),
            Self::Fatal(reason) => reason.len(),
            Self::Empty => 0,
        }
    }
}

/// A reply with the `.tag` it carried.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaggedReply {
    pub tag: Option<String>,
    pub reply: Reply,
}

impl TaggedReply {
    /// Interprets the words of one sentence received from a router.
    ///
    /// Returns `None` for a sentence whose first word is not a reply word (starting with `!`).
    pub fn parse(words: Vec<String>) -> Option<Self> {
        let mut words = words.into_iter();
        let first = words.next()?;
        if !first.starts_with('!') {
            return None;
        }
        let mut tag = None;
        let mut attributes = Attributes(Vec::with_capacity(words.len()));
        let mut plain = Vec::new();
        for word in words {
            if let Some(value) = word.strip_prefix(".tag=") {
                tag = Some(value.to_owned());
            } else if let Some(pair) = word.strip_prefix('=') {
                let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
                attributes.0.push((name.to_owned(), value.to_owned()));
            } else {
                plain.push(word);
            }
        }
        let reply = match first.as_str() {
            "!re" => Reply::Re(attributes),
            "!done" => Reply::Done(attributes),
            "!trap" => Reply::Trap(Trap {
                message: attributes.get("message").unwrap_or_default().to_owned(),
                category: attributes
                    .get("category")
                    .and_then(|c| c.parse().ok())
                    .map(TrapCategory::from_code),
            }),
            // The reason is a plain word after `!fatal`, not an attribute.
            "!fatal" => Reply::Fatal(
                plain
                    .into_iter()
                    .next()
                    .or_else(|| attributes.get("message").map(str::to_owned))
                    .unwrap_or_default(),
            ),
            "!empty" => Reply::Empty,
            _ => Reply::Unknown {
                word: first,
                attributes,
            },
        };
        Some(Self { tag, reply })
    }

    /// The words of this reply, as a router would send them.
    pub fn to_words(&self) -> Vec<String> {
        let mut words = Vec::new();
        match &self.reply {
            Reply::Re(attributes) | Reply::Done(attributes) => {
                words.push(
                    if matches!(self.reply, Reply::Re(_)) {
                        "!re"
                    } else {
                        "!done"
                    }
                    .to_owned(),
                );
                words.extend(attributes.iter().map(|(k, v)| format!("={k}={v}")));
            }
            Reply::Trap(trap) => {
                words.push("!trap".to_owned());
                if let Some(category) = trap.category {
                    words.push(format!("=category={category}"));
                }
                words.push(format!("=message={}", trap.message));
            }
            Reply::Fatal(reason) => {
                words.push("!fatal".to_owned());
                words.push(reason.clone());
            }
            Reply::Empty => words.push("!empty".to_owned()),
            Reply::Unknown { word, attributes } => {
                words.push(word.clone());
                words.extend(attributes.iter().map(|(k, v)| format!("={k}={v}")));
            }
        }
        if let Some(tag) = &self.tag {
            words.push(format!(".tag={tag}"));
        }
        words
    }
}

/// The outcome of a command that finished with `!done`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Response {
    /// One entry per `!re` sentence.
    pub rows: Vec<Attributes>,
    /// The attributes of `!done`.
    pub done: Attributes,
}

impl Response {
    /// `=ret=` of `!done`: the new item's `.id` after `add`.
    pub fn ret(&self) -> Option<&str> {
        self.done.get("ret")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(list: &[&str]) -> Vec<String> {
        list.iter().map(|w| (*w).to_owned()).collect()
    }

    #[test]
    fn attribute_values_may_contain_equals_or_be_empty() {
        let reply =
            TaggedReply::parse(words(&["!re", "=name=iu=c3Eeg", "=comment=", ".tag=7"])).unwrap();
        assert_eq!(reply.tag.as_deref(), Some("7"));
        let Reply::Re(attributes) = reply.reply else {
            panic!("expected !re")
        };
        assert_eq!(attributes.get("name"), Some("iu=c3Eeg"));
        assert_eq!(attributes.get("comment"), Some(""));
    }

    #[test]
    fn trap_keeps_message_and_category() {
        let reply =
            TaggedReply::parse(words(&["!trap", "=category=1", "=message=bad value"])).unwrap();
        assert_eq!(
            reply.reply,
            Reply::Trap(Trap {
                message: "bad value".into(),
                category: Some(TrapCategory::ArgumentValue)
            })
        );
    }

    #[test]
    fn fatal_reason_is_a_plain_word() {
        let reply =
            TaggedReply::parse(words(&["!fatal", "session terminated on request"])).unwrap();
        assert_eq!(
            reply.reply,
            Reply::Fatal("session terminated on request".into())
        );
    }

    #[test]
    fn empty_and_unknown_reply_words_are_tolerated() {
        assert_eq!(
            TaggedReply::parse(words(&["!empty", ".tag=3"]))
                .unwrap()
                .reply,
            Reply::Empty
        );
        let unknown = TaggedReply::parse(words(&["!future", "=x=1"])).unwrap();
        assert!(matches!(unknown.reply, Reply::Unknown { ref word, .. } if word == "!future"));
    }

    #[test]
    fn to_words_and_parse_agree() {
        let reply = TaggedReply {
            tag: Some("42".into()),
            reply: Reply::Done([("ret", "*1A")].into_iter().collect()),
        };
        assert_eq!(TaggedReply::parse(reply.to_words()).unwrap(), reply);
    }
}
