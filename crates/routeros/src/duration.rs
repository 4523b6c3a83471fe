//! RouterOS time intervals, as printed by the API: `1w2d3h4m5s`, with older forms like
//! `1d02:03:04` and `00:05:00` accepted on input.

use std::time::Duration;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a RouterOS time interval: {0:?}")]
pub struct InvalidRouterDuration(pub String);

/// Formats whole seconds the way RouterOS 7 prints them; zero is `0s`.
pub fn format_router_duration(duration: Duration) -> String {
    let mut seconds = duration.as_secs();
    if seconds == 0 {
        return "0s".to_owned();
    }
    let mut out = String::new();
    for (unit, size) in [
        ("w", 604_800),
        ("d", 86_400),
        ("h", 3_600),
        ("m", 60),
        ("s", 1),
    ] {
        let count = seconds / size;
        if count > 0 {
            out.push_str(&count.to_string());
            out.push_str(unit);
        }
        seconds %= size;
    }
    out
}

/// Parses `1w2d3h4m5s` (any subset, in that order, `ms` allowed), `hh:mm:ss` and `Nd hh:mm:ss`
/// forms, or a bare number of seconds.
pub fn parse_router_duration(text: &str) -> Result<Duration, InvalidRouterDuration> {
    let invalid = || InvalidRouterDuration(text.to_owned());
    let text = text.trim();
    if text.is_empty() {
        return Err(invalid());
    }
    if let Ok(seconds) = text.parse::<u64>() {
        return Ok(Duration::from_secs(seconds));
    }
    // A clock part (`hh:mm:ss`) may only come last, after unit-suffixed parts like `1d`.
    let (with_units, clock) = match text.find(':') {
        Some(colon) => {
            let start = text[..colon]
                .rfind(|c: char| !c.is_ascii_digit())
                .map_or(0, |i| i + 1);
            (&text[..start], Some(&text[start..]))
        }
        None => (text, None),
    };
    let mut total = match clock {
        Some(clock) => parse_clock(clock).ok_or_else(invalid)?,
        None => Duration::ZERO,
    };
    let mut rest = with_units;
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !c.is_ascii_digit())
            .ok_or_else(invalid)?;
        if digits == 0 {
            return Err(invalid());
        }
        let count: u32 = rest[..digits].parse().map_err(|_| invalid())?;
        rest = &rest[digits..];
        let (unit, after) = if let Some(after) = rest.strip_prefix("ms") {
            (Duration::from_millis(1), after)
        } else {
            let unit = match rest.as_bytes()[0] {
                b'w' => Duration::from_secs(604_800),
                b'd' => Duration::from_secs(86_400),
                b'h' => Duration::from_secs(3_600),
                b'm' => Duration::from_secs(60),
                b's' => Duration::from_secs(1),
                _ => return Err(invalid()),
            };
            (unit, &rest[1..])
        };
        total = unit
            .checked_mul(count)
            .and_then(|part| total.checked_add(part))
            .ok_or_else(invalid)?;
        rest = after;
    }
    Ok(total)
}

fn parse_clock(text: &str) -> Option<Duration> {
    let mut parts = text.split(':');
    let hours: u64 = parts.next()?.parse().ok()?;
    let minutes: u64 = parts.next()?.parse().ok()?;
    let seconds: u64 = parts.next()?.parse().ok()?;
    if parts.next().is_some() || minutes >= 60 || seconds >= 60 {
        return None;
    }
    Some(Duration::from_secs(
        hours.checked_mul(3600)? + minutes * 60 + seconds,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn known_forms_parse() {
        let cases = [
            ("0s", 0),
            ("5s", 5),
            ("1h", 3600),
            ("1w2d3h4m5s", 604_800 + 2 * 86_400 + 3 * 3600 + 4 * 60 + 5),
            ("00:05:00", 300),
            ("1d02:03:04", 86_400 + 2 * 3600 + 3 * 60 + 4),
            ("90", 90),
        ];
        for (text, seconds) in cases {
            assert_eq!(
                parse_router_duration(text),
                Ok(Duration::from_secs(seconds)),
                "{text}"
            );
        }
        assert_eq!(
            parse_router_duration("1s500ms"),
            Ok(Duration::from_millis(1500))
        );
    }

    #[test]
    fn garbage_is_rejected() {
        for text in ["", "h", "5x", "1:2", "12:61:00", "-1s"] {
            assert!(parse_router_duration(text).is_err(), "{text}");
        }
    }

    proptest! {
        #[test]
        fn formatting_round_trips(seconds in 0u64..100_000_000) {
            let text = format_router_duration(Duration::from_secs(seconds));
            prop_assert_eq!(parse_router_duration(&text), Ok(Duration::from_secs(seconds)));
        }
    }
}
