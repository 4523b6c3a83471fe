//! `print` query words, parsed once and evaluated per item, following the API guide:
//!
//! - `?name` has a value for `name`; `?-name` has none;
//! - `?name=x` and `?=name=x` equal `x`; `?<name=x` less than `x`; `?>name=x` greater than `x`;
//! - `?#operations` works on the stack of results: `!` negates the top, `&` and `|` pop two and
//!   push their and / or, `.` copies the top, and a decimal index pushes a copy of the value
//!   that deep (0 is the top), or, at the end of the word, replaces every value with it. A `.`
//!   right after an index does nothing.
//!
//! The stack starts as endless `true`s, and an item is selected when no `false` is left on it.
//! A property the item lacks (or that no item has) simply has no value. A word that fits none of
//! the forms is refused before any item is looked at.

use std::cmp::Ordering;

use crate::duration::parse_router_duration;
use crate::reply::Attributes;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid query word {0:?}")]
pub(crate) struct InvalidQuery(pub String);

/// The query words of one `print`, parsed.
#[derive(Debug, Default)]
pub(crate) struct Query(Vec<Term>);

#[derive(Debug)]
enum Term {
    Has(String),
    Lacks(String),
    Compare {
        name: String,
        wanted: Ordering,
        value: String,
    },
    Operations(Vec<Operation>),
}

#[derive(Debug, Clone, Copy)]
enum Operation {
    /// Push a copy of the value `index` deep.
    Copy(usize),
    /// Replace every value, the endless ones below included, with the one `index` deep.
    ReplaceAll(usize),
    Not,
    And,
    Or,
    CopyTop,
}

impl Query {
    pub(crate) fn parse(words: &[String]) -> Result<Self, InvalidQuery> {
        words
            .iter()
            .map(|word| parse_word(word).ok_or_else(|| InvalidQuery(word.clone())))
            .collect::<Result<_, _>>()
            .map(Self)
    }

    /// True when `row` passes every word.
    pub(crate) fn matches(&self, row: &Attributes) -> bool {
        let mut stack = Stack::default();
        for term in &self.0 {
            match term {
                Term::Has(name) => stack.push(has_value(row, name)),
                Term::Lacks(name) => stack.push(!has_value(row, name)),
                Term::Compare {
                    name,
                    wanted: Ordering::Equal,
                    value,
                } => stack.push(equals(row.get(name), value)),
                Term::Compare {
                    name,
                    wanted,
                    value,
                } => stack.push(
                    row.get(name)
                        .is_some_and(|actual| compare(actual, value) == *wanted),
                ),
                Term::Operations(operations) => {
                    for operation in operations {
                        stack.apply(*operation);
                    }
                }
            }
        }
        stack.passes()
    }
}

fn parse_word(word: &str) -> Option<Term> {
    let body = word.strip_prefix('?')?;
    if let Some(operations) = body.strip_prefix('#') {
        return parse_operations(operations).map(Term::Operations);
    }
    let compare = |rest: &str, wanted| {
        let (name, value) = rest.split_once('=')?;
        (!name.is_empty()).then(|| Term::Compare {
            name: name.to_owned(),
            wanted,
            value: value.to_owned(),
        })
    };
    let named = |name: &str| (!name.is_empty()).then(|| name.to_owned());
    match body.chars().next()? {
        '-' => named(&body[1..]).map(Term::Lacks),
        '<' => compare(&body[1..], Ordering::Less),
        '>' => compare(&body[1..], Ordering::Greater),
        '=' => compare(&body[1..], Ordering::Equal),
        _ if body.contains('=') => compare(body, Ordering::Equal),
        _ => named(body).map(Term::Has),
    }
}

fn parse_operations(operations: &str) -> Option<Vec<Operation>> {
    let mut parsed = Vec::new();
    let mut chars = operations.chars().peekable();
    let mut after_index = false;
    while let Some(c) = chars.next() {
        if let Some(digit) = c.to_digit(10) {
            let mut index = digit as usize;
            while let Some(next) = chars.peek().and_then(|c| c.to_digit(10)) {
                index = index.checked_mul(10)?.checked_add(next as usize)?;
                chars.next();
            }
            parsed.push(if chars.peek().is_some() {
                Operation::Copy(index)
            } else {
                Operation::ReplaceAll(index)
            });
            after_index = true;
            continue;
        }
        match c {
            '!' => parsed.push(Operation::Not),
            '&' => parsed.push(Operation::And),
            '|' => parsed.push(Operation::Or),
            '.' if after_index => {}
            '.' => parsed.push(Operation::CopyTop),
            _ => return None,
        }
        after_index = false;
    }
    Some(parsed)
}

/// The values pushed so far, above endless copies of `below` (`true` until an index at the end
/// of an operation word replaces everything).
struct Stack {
    values: Vec<bool>,
    below: bool,
}

impl Default for Stack {
    fn default() -> Self {
        Self {
            values: Vec::new(),
            below: true,
        }
    }
}

impl Stack {
    fn pop(&mut self) -> bool {
        self.values.pop().unwrap_or(self.below)
    }

    fn push(&mut self, value: bool) {
        self.values.push(value);
    }

    /// Index 0 is the top.
    fn at(&self, index: usize) -> bool {
        self.values
            .len()
            .checked_sub(index + 1)
            .map_or(self.below, |i| self.values[i])
    }

    fn apply(&mut self, operation: Operation) {
        match operation {
            Operation::Copy(index) => self.push(self.at(index)),
            Operation::ReplaceAll(index) => {
                self.below = self.at(index);
                self.values.clear();
            }
            Operation::Not => {
                let top = self.pop();
                self.push(!top);
            }
            Operation::And => {
                let (a, b) = (self.pop(), self.pop());
                self.push(a && b);
            }
            Operation::Or => {
                let (a, b) = (self.pop(), self.pop());
                self.push(a || b);
            }
            Operation::CopyTop => self.push(self.at(0)),
        }
    }

    fn passes(&self) -> bool {
        self.below && !self.values.contains(&false)
    }
}

fn has_value(row: &Attributes, name: &str) -> bool {
    row.get(name).is_some_and(|v| !v.is_empty())
}

/// RouterOS compares typed values; booleans print as `true`/`false` but are also written
/// `yes`/`no`, so both spellings are treated as the same value. An empty value equals a property
/// that has none.
fn equals(actual: Option<&str>, expected: &str) -> bool {
    match actual {
        Some(actual) => normalise_flag(actual) == normalise_flag(expected),
        None => expected.is_empty(),
    }
}

fn normalise_flag(value: &str) -> &str {
    match value {
        "yes" => "true",
        "no" => "false",
        other => other,
    }
}

/// Numbers compare as numbers, item ids (`*1A`) and time intervals by what they stand for,
/// anything else as text.
fn compare(actual: &str, expected: &str) -> Ordering {
    if let (Ok(a), Ok(b)) = (actual.parse::<i64>(), expected.parse::<i64>()) {
        return a.cmp(&b);
    }
    if let (Some(a), Some(b)) = (item_id(actual), item_id(expected)) {
        return a.cmp(&b);
    }
    if let (Ok(a), Ok(b)) = (
        parse_router_duration(actual),
        parse_router_duration(expected),
    ) {
        return a.cmp(&b);
    }
    actual.cmp(expected)
}

fn item_id(value: &str) -> Option<u64> {
    u64::from_str_radix(value.strip_prefix('*')?, 16).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(pairs: &[(&str, &str)]) -> Attributes {
        pairs.iter().copied().collect()
    }

    fn query(words: &[&str]) -> Vec<String> {
        words.iter().map(|w| (*w).to_owned()).collect()
    }

    fn matches(words: &[String], row: &Attributes) -> Result<bool, InvalidQuery> {
        Ok(Query::parse(words)?.matches(row))
    }

    #[test]
    fn guide_examples_behave_as_documented() {
        let ether = row(&[("type", "ether")]);
        let vlan = row(&[("type", "vlan")]);
        let bridge = row(&[("type", "bridge")]);
        let either = query(&["?type=ether", "?type=vlan", "?#|"]);
        assert!(matches(&either, &ether).unwrap());
        assert!(matches(&either, &vlan).unwrap());
        assert!(!matches(&either, &bridge).unwrap());

        let neither = query(&["?type=ether", "?type=vlan", "?#|!"]);
        assert!(matches(&neither, &bridge).unwrap());
        assert!(!matches(&neither, &ether).unwrap());

        let commented = query(&["?>comment="]);
        assert!(matches(&commented, &row(&[("comment", "x")])).unwrap());
        assert!(!matches(&commented, &row(&[("comment", "")])).unwrap());

        let not_both = query(&["?>distance=1", "?gateway=172.16.1.1", "?#&!"]);
        assert!(
            !matches(
                &not_both,
                &row(&[("distance", "2"), ("gateway", "172.16.1.1")])
            )
            .unwrap()
        );
        assert!(
            matches(
                &not_both,
                &row(&[("distance", "1"), ("gateway", "172.16.1.1")])
            )
            .unwrap()
        );
    }

    #[test]
    fn presence_and_comparisons() {
        let user = row(&[("name", "a"), ("uptime", "2h"), ("disabled", "false")]);
        assert!(matches(&query(&["?name", "?-comment"]), &user).unwrap());
        assert!(matches(&query(&["?>uptime=1h", "?<uptime=1d"]), &user).unwrap());
        assert!(matches(&query(&["?disabled=no"]), &user).unwrap());
        assert!(!matches(&query(&["?name=b"]), &user).unwrap());
    }

    #[test]
    fn stack_indexes_copy_or_replace() {
        let user = row(&[("name", "a")]);
        // false, true; "1" at the end replaces the stack with the value at index 1 (false).
        assert!(!matches(&query(&["?name=b", "?name=a", "?#1"]), &user).unwrap());
        // "0." copies the top; "." after an index does nothing; then or-ing keeps a false below.
        assert!(!matches(&query(&["?name=b", "?name=a", "?#0.|"]), &user).unwrap());
        assert!(matches(&query(&["?name=b", "?#!"]), &user).unwrap());
        assert!(matches(&query(&["?#x"]), &user).is_err());
    }

    /// One row of each kind, and which of them `words` selects, by name.
    fn selected(words: &[&str]) -> Result<Vec<&'static str>, InvalidQuery> {
        let rows: [(&str, Attributes); 4] = [
            (
                "a",
                row(&[
                    ("name", "a"),
                    ("uptime", "2h"),
                    ("comment", "vip"),
                    ("bytes", "9"),
                ]),
            ),
            (
                "b",
                row(&[
                    ("name", "b"),
                    ("uptime", "30m"),
                    ("comment", ""),
                    ("bytes", "10"),
                ]),
            ),
            (
                "c",
                row(&[("name", "c"), ("uptime", "1d"), ("bytes", "100")]),
            ),
            ("d", row(&[("name", "d"), ("disabled", "true")])),
        ];
        let words = query(words);
        let mut selected = Vec::new();
        for (name, row) in &rows {
            if matches(&words, row)? {
                selected.push(*name);
            }
        }
        Ok(selected)
    }

    #[test]
    fn every_documented_word_form_selects_as_the_guide_says() {
        // No query words: every item.
        assert_eq!(selected(&[]).unwrap(), ["a", "b", "c", "d"]);
        // ?name=x and ?=name=x are the same test.
        assert_eq!(selected(&["?name=b"]).unwrap(), ["b"]);
        assert_eq!(selected(&["?=name=b"]).unwrap(), ["b"]);
        assert_eq!(selected(&["?=comment=vip"]).unwrap(), ["a"]);
        // A value may contain '='.
        assert_eq!(selected(&["?=name=b=c"]).unwrap(), Vec::<&str>::new());
        // An empty value equals a property that has none.
        assert_eq!(selected(&["?comment="]).unwrap(), ["b", "c", "d"]);
        assert_eq!(selected(&["?=comment="]).unwrap(), ["b", "c", "d"]);
        // ?<name=x and ?>name=x: numbers as numbers, intervals as intervals, text as text.
        assert_eq!(selected(&["?<bytes=10"]).unwrap(), ["a"]);
        assert_eq!(selected(&["?>bytes=9"]).unwrap(), ["b", "c"]);
        assert_eq!(selected(&["?>uptime=1h"]).unwrap(), ["a", "c"]);
        assert_eq!(selected(&["?<name=b"]).unwrap(), ["a"]);
        assert!(matches(&query(&["?<.id=*A"]), &row(&[(".id", "*9")])).unwrap());
        assert_eq!(selected(&["?>comment="]).unwrap(), ["a"]);
        // ?name: has a value; ?-name: has none.
        assert_eq!(selected(&["?comment"]).unwrap(), ["a"]);
        assert_eq!(selected(&["?-comment"]).unwrap(), ["b", "c", "d"]);
        assert_eq!(selected(&["?disabled"]).unwrap(), ["d"]);
        // A property no item has is simply absent.
        assert_eq!(selected(&["?nosuch"]).unwrap(), Vec::<&str>::new());
        assert_eq!(selected(&["?-nosuch"]).unwrap(), ["a", "b", "c", "d"]);
        assert_eq!(selected(&["?nosuch=x"]).unwrap(), Vec::<&str>::new());
        assert_eq!(selected(&["?>nosuch=0"]).unwrap(), Vec::<&str>::new());
        // Consecutive words must all hold.
        assert_eq!(selected(&["?bytes", "?<bytes=50"]).unwrap(), ["a", "b"]);
    }

    #[test]
    fn stack_operations_follow_the_guide() {
        // | and &: pop two, push the result.
        assert_eq!(
            selected(&["?name=a", "?name=c", "?#|"]).unwrap(),
            ["a", "c"]
        );
        assert_eq!(selected(&["?bytes", "?comment", "?#&"]).unwrap(), ["a"]);
        // !: negates the top.
        assert_eq!(selected(&["?name=a", "?#!"]).unwrap(), ["b", "c", "d"]);
        // .: copies the top, so "?#.&" is the identity.
        assert_eq!(selected(&["?name=a", "?#.&"]).unwrap(), ["a"]);
        assert_eq!(
            selected(&["?name=a", "?#.!|"]).unwrap(),
            ["a", "b", "c", "d"]
        );
        // Several operations in one word run left to right: not (a or c) and has bytes.
        assert_eq!(
            selected(&["?bytes", "?name=a", "?name=c", "?#|!&"]).unwrap(),
            ["b"]
        );
        // The same, spelled over several words.
        assert_eq!(
            selected(&["?bytes", "?name=a", "?name=c", "?#|", "?#!", "?#&"]).unwrap(),
            ["b"]
        );
        // An index followed by more operations pushes a copy of that value: with A, B on the
        // stack, "1!|" leaves A, B or not A (nothing passes) and "0!|" leaves A, true.
        assert_eq!(
            selected(&["?name=a", "?name=b", "?#1!|"]).unwrap(),
            Vec::<&str>::new()
        );
        assert_eq!(selected(&["?name=a", "?name=b", "?#0!|"]).unwrap(), ["a"]);
        // "." right after an index does nothing.
        assert_eq!(
            selected(&["?name=a", "?name=b", "?#1.!|"]).unwrap(),
            Vec::<&str>::new()
        );
        // An index at the end replaces every value with that one, the endless trues included:
        // after it, or-ing with what lies below cannot make a false true.
        assert_eq!(selected(&["?name=a", "?name=b", "?#1"]).unwrap(), ["a"]);
        assert_eq!(selected(&["?name=a", "?#0", "?#|"]).unwrap(), ["a"]);
        // Operations on the endless trues below the stack.
        assert_eq!(selected(&["?#!"]).unwrap(), Vec::<&str>::new());
        assert_eq!(selected(&["?#&|"]).unwrap(), ["a", "b", "c", "d"]);
        // An empty operation word changes nothing.
        assert_eq!(selected(&["?name=a", "?#"]).unwrap(), ["a"]);
    }

    #[test]
    fn malformed_words_are_refused_whatever_the_rows() {
        for word in [
            "?",
            "?-",
            "?<",
            "?>",
            "?<bytes",
            "?>bytes",
            "?<=1",
            "?>=1",
            "?=",
            "?=name",
            "?==x",
            "?#x",
            "?#|x",
            "?#99999999999999999999999",
        ] {
            assert_eq!(
                Query::parse(&query(&[word])).err(),
                Some(InvalidQuery(word.to_owned())),
                "{word}"
            );
        }
    }
}
