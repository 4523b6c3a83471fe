//! Signed API tokens (JWT, HS256). A token names a login session; the session lives in Redis,
//! so deleting it revokes the token at once even though the signature is still valid.

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

const ISSUER: &str = "mikrotik-billing";

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Claims {
    /// `staff:<id>` or `customer:<id>`.
    pub sub: String,
    /// The login session this token belongs to.
    pub sid: String,
    pub iss: String,
    pub iat: i64,
    pub exp: i64,
}

#[derive(Clone)]
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
}

impl std::fmt::Debug for TokenKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TokenKeys(..)")
    }
}

impl TokenKeys {
    pub fn new(secret: &[u8]) -> Self {
        TokenKeys {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
        }
    }

    pub fn issue(&self, sub: String, sid: String, issued_at: i64, expires_at: i64) -> String {
        let claims = Claims {
            sub,
            sid,
            iss: ISSUER.to_owned(),
            iat: issued_at,
            exp: expires_at,
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .expect("HS256 signing of serialisable claims cannot fail")
    }

    /// The claims of a token with a valid signature, issuer and expiry; `None` otherwise.
    pub fn verify(&self, token: &str) -> Option<Claims> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.leeway = 0;
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &validation)
            .ok()
            .map(|data| data.claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verifies_its_own_tokens_and_rejects_others() {
        let keys = TokenKeys::new(b"0123456789abcdef0123456789abcdef");
        let now = chrono::Utc::now().timestamp();
        let token = keys.issue("staff:1".into(), "sid".into(), now, now + 60);
        let claims = keys.verify(&token).unwrap();
        assert_eq!(claims.sub, "staff:1");
        assert_eq!(claims.sid, "sid");

        let other = TokenKeys::new(b"another-secret-another-secret-xx");
        assert!(other.verify(&token).is_none());
        let expired = keys.issue("staff:1".into(), "sid".into(), now - 120, now - 60);
        assert!(keys.verify(&expired).is_none());
        assert!(keys.verify("not-a-token").is_none());
    }
}
