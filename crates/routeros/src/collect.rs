//! Gathering the replies to one command, within the limits a router's answer may take.

use crate::error::{Error, ReplyLimit};
use crate::reply::{Reply, Response, Trap};

/// Gathers the replies to one command into a [`Response`], holding at most `max_rows` rows of
/// at most `max_len` bytes in all: a router that keeps sending `!re` gets
/// [`Error::LimitExceeded`], not all of the memory.
#[derive(Debug)]
pub struct ReplyCollector {
    command: String,
    max_rows: usize,
    max_len: usize,
    /// Bytes of the rows held.
    len: usize,
    response: Response,
    /// RouterOS follows a `!trap` with `!done`; the first trap is the command's error.
    trap: Option<Trap>,
}

impl ReplyCollector {
    pub fn new(command: &str, max_rows: usize, max_len: usize) -> Self {
        Self {
            command: command.to_owned(),
            max_rows,
            max_len,
            len: 0,
            response: Response::default(),
            trap: None,
        }
    }

    /// Takes the next reply; returns the command's outcome once it is known. After an outcome the
    /// collector has nothing more to give.
    pub fn push(&mut self, reply: Reply) -> Option<Result<Response, Error>> {
        match reply {
            Reply::Re(_) if self.response.rows.len() >= self.max_rows => {
                return Some(Err(Error::LimitExceeded {
                    limit: ReplyLimit::RowsPerReply,
                    max: self.max_rows,
                }));
            }
            Reply::Re(row) if self.len.saturating_add(row.size()) > self.max_len => {
                return Some(Err(Error::LimitExceeded {
                    limit: ReplyLimit::BytesPerReply,
                    max: self.max_len,
                }));
            }
            Reply::Re(row) => {
                self.len += row.size();
                self.response.rows.push(row);
            }
            Reply::Done(done) => {
                return Some(match self.trap.take() {
                    Some(trap) => Err(Error::trap(&self.command, trap)),
                    None => {
                        let mut response = std::mem::take(&mut self.response);
                        response.done = done;
                        Ok(response)
                    }
                });
            }
            Reply::Trap(trap) => {
                self.trap.get_or_insert(trap);
            }
            Reply::Fatal(reason) => return Some(Err(Error::Fatal { reason })),
            Reply::Empty => {}
            Reply::Unknown { word, .. } => {
                tracing::debug!(%word, command = self.command, "ignoring unknown reply word")
            }
        }
        None
    }

    /// Rows held so far.
    pub fn rows(&self) -> usize {
        self.response.rows.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reply::Attributes;

    #[test]
    fn collector_refuses_rows_beyond_its_limit() {
        let row = || Reply::Re([("name", "a")].into_iter().collect());
        let mut collector = ReplyCollector::new("/ip/hotspot/user/print", 2, 1000);
        assert!(collector.push(row()).is_none());
        assert!(collector.push(row()).is_none());
        let outcome = collector.push(row()).unwrap();
        assert!(
            matches!(
                outcome,
                Err(Error::LimitExceeded {
                    limit: ReplyLimit::RowsPerReply,
                    max: 2
                })
            ),
            "{outcome:?}"
        );
        assert_eq!(collector.rows(), 2);

        let mut exact = ReplyCollector::new("/ip/hotspot/user/print", 2, 1000);
        exact.push(row());
        exact.push(row());
        let response = exact.push(Reply::Done(Attributes::new())).unwrap().unwrap();
        assert_eq!(response.rows.len(), 2);
    }

    #[test]
    fn collector_refuses_rows_beyond_its_byte_limit() {
        // "name" and "abc" are 7 bytes a row: two fit in 15 bytes, a third does not.
        let row = || Reply::Re([("name", "abc")].into_iter().collect());
        let mut collector = ReplyCollector::new("/ip/hotspot/user/print", 100, 15);
        assert!(collector.push(row()).is_none());
        assert!(collector.push(row()).is_none());
        let outcome = collector.push(row()).unwrap();
        assert!(
            matches!(
                outcome,
                Err(Error::LimitExceeded {
                    limit: ReplyLimit::BytesPerReply,
                    max: 15
                })
            ),
            "{outcome:?}"
        );
    }
}
