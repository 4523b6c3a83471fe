//! Evaluation of `print` query words, following the stack rules of the API guide.

use std::cmp::Ordering;

use crate::duration::parse_router_duration;
use crate::reply::Attributes;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid query word {0:?}")]
pub(crate) struct InvalidQuery(pub String);

/// A stack of booleans that, as the guide puts it, starts with an infinite number of `true`s.
#[derive(Default)]
struct Stack(Vec<bool>);

impl Stack {
    fn pop(&mut self) -> bool {
        self.0.pop().unwrap_or(true)
    }

    fn push(&mut self, value: bool) {
        self.0.push(value);
    }

    /// Index 0 is the top.
    fn at(&self, index: usize) -> bool {
        self.0
            .len()
            .checked_sub(index + 1)
            .is_none_or(|i| self.0[i])
    }
}

/// True when `row` passes all of `words` (each starting with `?`).
pub(crate) fn matches(words: &[String], row: &Attributes) -> Result<bool, InvalidQuery> {
    let mut stack = Stack::default();
    for word in words {
        let invalid = || InvalidQuery(word.clone());
        let body = word.strip_prefix('?').ok_or_else(invalid)?;
        if let Some(operations) = body.strip_prefix('#') {
            apply_operations(operations, &mut stack).ok_or_else(invalid)?;
        } else if let Some(name) = body.strip_prefix('-') {
            stack.push(!has_value(row, name));
        } else if let Some(comparison) = body.strip_prefix('<') {
            let (name, value) = comparison.split_once('=').ok_or_else(invalid)?;
            stack.push(
                row.get(name)
                    .is_some_and(|actual| compare(actual, value) == Ordering::Less),
            );
        } else if let Some(comparison) = body.strip_prefix('>') {
            let (name, value) = comparison.split_once('=').ok_or_else(invalid)?;
            stack.push(
                row.get(name)
                    .is_some_and(|actual| compare(actual, value) == Ordering::Greater),
            );
        } else if let Some((name, value)) = body.split_once('=') {
            stack.push(equals(row.get(name), value));
        } else {
            stack.push(has_value(row, body));
        }
    }
    Ok(!stack.0.contains(&false))
}

fn has_value(row: &Attributes, name: &str) -> bool {
    row.get(name).is_some_and(|v| !v.is_empty())
}

/// RouterOS compares typed values; booleans print as `true`/`false` but are also written
/// `yes`/`no`, so both spellings are treated as the same value.
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

/// Numbers compare as numbers, time intervals as durations, anything else as text.
fn compare(actual: &str, expected: &str) -> Ordering {
    if let (Ok(a), Ok(b)) = (actual.parse::<i64>(), expected.parse::<i64>()) {
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

fn apply_operations(operations: &str, stack: &mut Stack) -> Option<()> {
    let mut chars = operations.chars().peekable();
    let mut after_index = false;
    while let Some(c) = chars.next() {
        if let Some(digit) = c.to_digit(10) {
            let mut index = digit as usize;
            while let Some(next) = chars.peek().and_then(|c| c.to_digit(10)) {
                index = index.checked_mul(10)?.checked_add(next as usize)?;
                chars.next();
            }
            let value = stack.at(index);
            if chars.peek().is_none() {
                stack.0 = vec![value];
            } else {
                stack.push(value);
            }
            after_index = true;
            continue;
        }
        match c {
            '!' => {
                let top = stack.pop();
                stack.push(!top);
            }
            '&' => {
                let (a, b) = (stack.pop(), stack.pop());
                stack.push(a && b);
            }
            '|' => {
                let (a, b) = (stack.pop(), stack.pop());
                stack.push(a || b);
            }
            '.' if after_index => {}
            '.' => {
                let top = stack.at(0);
                stack.push(top);
            }
            _ => return None,
        }
        after_index = false;
    }
    Some(())
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
}
