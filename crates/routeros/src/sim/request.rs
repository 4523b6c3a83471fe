//! A command sentence as the simulator reads it, and what a command produced.

use crate::reply::{Attributes, Reply, Trap, TrapCategory};

/// A change to a menu, for `listen` subscribers.
#[derive(Debug, Clone)]
pub(crate) struct Change {
    pub path: &'static str,
    /// The item as it now prints, or `.id` and `.dead=yes` when it is gone.
    pub row: Attributes,
}

/// What a command produced: its replies (untagged) and the changes it made.
#[derive(Debug, Default)]
pub(crate) struct Outcome {
    pub replies: Vec<Reply>,
    pub changes: Vec<Change>,
}

impl Outcome {
    pub(super) fn done() -> Self {
        Self {
            replies: vec![Reply::Done(Attributes::new())],
            changes: Vec::new(),
        }
    }

    pub(crate) fn trap(message: &str, category: Option<TrapCategory>) -> Self {
        Self {
            replies: vec![
                Reply::Trap(Trap {
                    message: message.to_owned(),
                    category,
                }),
                Reply::Done(Attributes::new()),
            ],
            changes: Vec::new(),
        }
    }
}

/// A parsed command sentence.
#[derive(Debug, Default)]
pub(crate) struct Request {
    pub path: String,
    pub attributes: Attributes,
    pub queries: Vec<String>,
    pub tag: Option<String>,
}

impl Request {
    pub(crate) fn parse(words: Vec<String>) -> Self {
        let mut words = words.into_iter();
        let mut request = Request {
            path: words.next().unwrap_or_default(),
            ..Default::default()
        };
        for word in words {
            if let Some(tag) = word.strip_prefix(".tag=") {
                request.tag = Some(tag.to_owned()).filter(|t| !t.is_empty());
            } else if let Some(pair) = word.strip_prefix('=') {
                let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
                request.attributes.insert(name, value);
            } else if word.starts_with('?') {
                request.queries.push(word);
            }
        }
        request
    }

    /// The menu path and the verb: `/ip/hotspot/user/add` → (`/ip/hotspot/user`, `add`).
    pub(crate) fn split_verb(&self) -> (&str, &str) {
        self.path.rsplit_once('/').unwrap_or(("", &self.path))
    }
}
