//! The rules for a router's settings: what an admin types, parsed into settings the billing can
//! store and connect with.

use crate::error_code::{ErrorCode, FieldError};
use crate::model::routers::RouterInput;

/// The API port of RouterOS without and with TLS.
pub const API_PORT: u16 = 8728;
pub const API_TLS_PORT: u16 = 8729;

/// A router's settings, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouterSettings {
    pub name: String,
    pub host: String,
    pub port: u16,
    pub use_tls: bool,
    /// The fingerprint as entered (trimmed), and its bytes.
    pub tls_fingerprint: Option<(String, CertificateFingerprint)>,
    pub username: String,
    /// `None`: keep the stored password (on update), or refuse (on create).
    pub password: Option<String>,
    pub hotspot_login_url: Option<String>,
}

/// The SHA-256 digest of a router's certificate, pinned instead of trusting a CA.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CertificateFingerprint(pub [u8; 32]);

impl CertificateFingerprint {
    /// 64 hex digits, optionally grouped with `:` as RouterOS and openssl print them.
    pub fn parse(input: &str) -> Option<Self> {
        let cleaned: String = input.chars().filter(|c| *c != ':').collect();
        let mut digest = [0u8; 32];
        hex::decode_to_slice(cleaned, &mut digest).ok()?;
        Some(CertificateFingerprint(digest))
    }
}

fn trimmed(input: Option<String>) -> Option<String> {
    input.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
}

impl RouterInput {
    /// Checks every field, in the order of the form, and fails on the first bad one.
    pub fn parse(self) -> Result<RouterSettings, FieldError> {
        let name = self.name.trim().to_owned();
        if name.is_empty() || name.chars().count() > 64 || name.chars().any(char::is_control) {
            return Err(FieldError::new(
                "name",
                ErrorCode::RouterName,
                "name must be 1–64 characters, without control characters",
            ));
        }
        let host = self.host.trim().to_owned();
        let host_ok = !host.is_empty()
            && host.len() <= 253
            && host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'));
        if !host_ok {
            return Err(FieldError::new(
                "host",
                ErrorCode::RouterHost,
                "host must be an IP address or a host name",
            ));
        }
        let port = self
            .port
            .unwrap_or(if self.use_tls { API_TLS_PORT } else { API_PORT });
        if port == 0 {
            return Err(FieldError::new(
                "port",
                ErrorCode::RouterPort,
                "port must be between 1 and 65535",
            ));
        }
        let tls_fingerprint = match trimmed(self.tls_fingerprint) {
            None => None,
            Some(_) if !self.use_tls => {
                return Err(FieldError::new(
                    "tls_fingerprint",
                    ErrorCode::RouterFingerprint,
                    "a certificate fingerprint needs TLS",
                ));
            }
            Some(text) => {
                let digest = CertificateFingerprint::parse(&text).ok_or_else(|| {
                    FieldError::new(
                        "tls_fingerprint",
                        ErrorCode::RouterFingerprint,
                        "fingerprint must be 64 hex digits (SHA-256)",
                    )
                })?;
                Some((text, digest))
            }
        };
        let username = self.username.trim().to_owned();
        if username.is_empty()
            || username.chars().count() > 100
            || username.chars().any(char::is_control)
        {
            return Err(FieldError::new(
                "username",
                ErrorCode::RouterUsername,
                "API username must be 1–100 characters, without control characters",
            ));
        }
        let hotspot_login_url = trimmed(self.hotspot_login_url);
        if let Some(url) = &hotspot_login_url {
            let parsed = url::Url::parse(url).ok().filter(|u| {
                matches!(u.scheme(), "http" | "https")
                    && u.host().is_some()
                    && u.query().is_none()
                    && !url.chars().any(|c| c.is_whitespace() || c.is_control())
            });
            if parsed.is_none() || url.len() > 300 {
                return Err(FieldError::new(
                    "hotspot_login_url",
                    ErrorCode::RouterLoginUrl,
                    "the hotspot login page must be an http:// or https:// address without a query",
                ));
            }
        }
        Ok(RouterSettings {
            name,
            host,
            port,
            use_tls: self.use_tls,
            tls_fingerprint,
            username,
            password: self.password.filter(|p| !p.is_empty()),
            hotspot_login_url,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn input() -> RouterInput {
        RouterInput {
            name: " Tower A ".into(),
            host: "192.168.88.1".into(),
            username: "billing".into(),
            password: Some("secret".into()),
            ..RouterInput::default()
        }
    }

    fn code_of(input: RouterInput) -> (&'static str, ErrorCode) {
        let e = input.parse().unwrap_err();
        (e.field, e.code)
    }

    #[test]
    fn fills_in_the_api_port_and_trims() {
        let s = input().parse().unwrap();
        assert_eq!((s.name.as_str(), s.port), ("Tower A", API_PORT));
        let s = RouterInput {
            use_tls: true,
            ..input()
        }
        .parse()
        .unwrap();
        assert_eq!(s.port, API_TLS_PORT);
    }

    #[test]
    fn names_the_bad_field() {
        let bad_name = RouterInput {
            name: "  ".into(),
            ..input()
        };
        assert_eq!(code_of(bad_name), ("name", ErrorCode::RouterName));
        let bad_host = RouterInput {
            host: "router one".into(),
            ..input()
        };
        assert_eq!(code_of(bad_host), ("host", ErrorCode::RouterHost));
        let port_zero = RouterInput {
            port: Some(0),
            ..input()
        };
        assert_eq!(code_of(port_zero), ("port", ErrorCode::RouterPort));
        let pin_without_tls = RouterInput {
            tls_fingerprint: Some("ab".repeat(32)),
            ..input()
        };
        assert_eq!(
            code_of(pin_without_tls),
            ("tls_fingerprint", ErrorCode::RouterFingerprint)
        );
        let short_pin = RouterInput {
            use_tls: true,
            tls_fingerprint: Some("abcd".into()),
            ..input()
        };
        assert_eq!(
            code_of(short_pin),
            ("tls_fingerprint", ErrorCode::RouterFingerprint)
        );
        let no_user = RouterInput {
            username: "".into(),
            ..input()
        };
        assert_eq!(code_of(no_user), ("username", ErrorCode::RouterUsername));
        // PostgreSQL stores no NUL in text: a control character is bad input, not a 500.
        for username in ["bill\0ing", "bill\u{1b}ing", &"a".repeat(101)] {
            let odd_user = RouterInput {
                username: username.into(),
                ..input()
            };
            assert_eq!(
                code_of(odd_user),
                ("username", ErrorCode::RouterUsername),
                "{username:?}"
            );
        }
        let odd_url = RouterInput {
            hotspot_login_url: Some("http://x/lo\0gin".into()),
            ..input()
        };
        assert_eq!(
            code_of(odd_url),
            ("hotspot_login_url", ErrorCode::RouterLoginUrl)
        );
        for url in [
            "ftp://x/login",
            "http://x/login?a=1",
            "not a url",
            "http://x /login",
        ] {
            let bad_url = RouterInput {
                hotspot_login_url: Some(url.into()),
                ..input()
            };
            assert_eq!(
                code_of(bad_url),
                ("hotspot_login_url", ErrorCode::RouterLoginUrl),
                "{url}"
            );
        }
    }

    #[test]
    fn reads_a_fingerprint_with_or_without_colons() {
        let plain = "0123456789abcdef".repeat(4);
        let grouped: Vec<String> = plain
            .as_bytes()
            .chunks(2)
            .map(|p| String::from_utf8(p.to_vec()).unwrap().to_uppercase())
            .collect();
        assert_eq!(
            CertificateFingerprint::parse(&plain),
            CertificateFingerprint::parse(&grouped.join(":"))
        );
        assert!(CertificateFingerprint::parse(&plain).is_some());
        assert!(CertificateFingerprint::parse(&plain[2..]).is_none());
    }

    proptest! {
        #[test]
        fn accepted_settings_are_trimmed_and_in_range(
            name in "\\PC{0,70}", host in "[a-z0-9.:-]{0,20}", port in proptest::option::of(any::<u16>()),
            use_tls: bool, username in "\\PC{0,10}",
        ) {
            let parsed = RouterInput { name: name.clone(), host, port, use_tls, username, ..RouterInput::default() }.parse();
            match parsed {
                Ok(s) => {
                    prop_assert_eq!(s.name.trim(), s.name.as_str());
                    prop_assert!(!s.name.is_empty() && s.name.chars().count() <= 64);
                    prop_assert!(s.port > 0);
                    prop_assert!(!s.username.is_empty());
                }
                Err(e) => prop_assert!(["name", "host", "port", "username"].contains(&e.field)),
            }
        }
    }
}
