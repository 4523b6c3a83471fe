//! The client's address, for per-address limits and the audit log. Behind a reverse proxy every
//! connection comes from the proxy, which names the client in `X-Forwarded-For`; that header is
//! believed only when the connection comes from a configured proxy, since anyone else can write
//! it. Each trusted proxy appends the address it saw, so the client is the right-most address
//! that is not itself a trusted proxy.

use ipnet::IpNet;
use std::net::IpAddr;

/// The client's address: `peer` (the connection's), or, when `peer` is a trusted proxy, the
/// right-most untrusted address of `forwarded_for`.
pub fn client_address(peer: IpAddr, forwarded_for: Option<&str>, trusted: &[IpNet]) -> IpAddr {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    if !is_trusted(&peer) {
        return peer;
    }
    let Some(forwarded_for) = forwarded_for else {
        return peer;
    };
    let mut last = peer;
    for hop in forwarded_for.rsplit(',') {
        match hop.trim().parse::<IpAddr>() {
            Ok(ip) if is_trusted(&ip) => last = ip,
            Ok(ip) => return ip,
            // A hop that is not an address (a name, garbage written by the client): stop at the
            // last one a trusted proxy vouched for.
            Err(_) => return last,
        }
    }
    last
}

/// Parses `10.0.0.1, 192.168.0.0/24, ::1`: addresses or networks, comma-separated.
pub fn parse_trusted(list: &str) -> Result<Vec<IpNet>, String> {
    list.split(',')
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(|item| {
            item.parse::<IpNet>()
                .or_else(|_| item.parse::<IpAddr>().map(IpNet::from))
                .map_err(|_| {
                    format!("`{item}` is neither an IP address nor a network like 10.0.0.0/8")
                })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn the_header_counts_only_from_a_trusted_proxy() {
        let trusted = parse_trusted("127.0.0.1, 10.0.0.0/8").unwrap();
        let from = |peer, header| client_address(ip(peer), header, &trusted);
        assert_eq!(
            from("203.0.113.5", Some("198.51.100.1")),
            ip("203.0.113.5"),
            "spoofed"
        );
        assert_eq!(from("127.0.0.1", Some("198.51.100.1")), ip("198.51.100.1"));
        assert_eq!(
            from("127.0.0.1", Some("6.6.6.6, 198.51.100.1, 10.1.2.3")),
            ip("198.51.100.1"),
            "the right-most untrusted hop; the client wrote the left-most"
        );
        assert_eq!(from("127.0.0.1", None), ip("127.0.0.1"));
        assert_eq!(from("127.0.0.1", Some("10.0.0.9, junk")), ip("127.0.0.1"));
        assert_eq!(from("127.0.0.1", Some("10.0.0.9")), ip("10.0.0.9"));
        assert!(parse_trusted("10.0.0.0/8, nonsense").is_err());
        assert!(parse_trusted("").unwrap().is_empty());
    }
}
