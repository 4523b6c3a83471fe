//! Argon2id password hashes. Hashing is CPU-heavy, so it runs on the blocking pool.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use secrecy::{ExposeSecret, SecretString};

pub use domain::password::{MAX_LEN, MIN_LEN, PolicyError};

/// Checks the password policy.
pub fn check_policy(password: &SecretString) -> Result<(), PolicyError> {
    domain::password::check_policy(password.expose_secret())
}

pub async fn hash(password: SecretString) -> String {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::from_b64(&random_salt()).expect("a fresh 16-byte salt is valid");
        Argon2::default()
            .hash_password(password.expose_secret().as_bytes(), &salt)
            .expect("argon2 with default parameters accepts any password up to the policy length")
            .to_string()
    })
    .await
    .expect("the hashing task does not panic")
}

fn random_salt() -> String {
    use base64::Engine;
    use rand::RngCore;
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::STANDARD_NO_PAD.encode(bytes)
}

/// Verifies `password` against `stored`. Without a stored hash (unknown user) it still spends the
/// time of one verification, so response times do not reveal which usernames exist.
pub async fn verify(password: SecretString, stored: Option<String>) -> bool {
    tokio::task::spawn_blocking(move || {
        let (hash, known) = match stored {
            Some(hash) => (hash, true),
            None => (DUMMY_HASH.to_owned(), false),
        };
        let Ok(parsed) = PasswordHash::new(&hash) else {
            return false;
        };
        let matches = Argon2::default()
            .verify_password(password.expose_secret().as_bytes(), &parsed)
            .is_ok();
        matches && known
    })
    .await
    .expect("the verification task does not panic")
}

/// An argon2id hash of a random string nobody knows, with the default parameters.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$qQ0vZiTq1RzG1Zl3w4G8Ae4Q3N2y6f0R7oC9lYqkFmU";

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn verifies_its_own_hashes_only() {
        let hashed = hash(SecretString::from("rahasia123")).await;
        assert!(hashed.starts_with("$argon2id$"));
        assert!(verify(SecretString::from("rahasia123"), Some(hashed.clone())).await);
        assert!(!verify(SecretString::from("rahasia124"), Some(hashed)).await);
        assert!(!verify(SecretString::from("rahasia123"), None).await);
    }

    #[test]
    fn dummy_hash_parses() {
        assert!(PasswordHash::new(DUMMY_HASH).is_ok());
    }

    #[test]
    fn policy_bounds_the_length() {
        assert!(check_policy(&SecretString::from("short")).is_err());
        assert!(check_policy(&SecretString::from("longenough")).is_ok());
        assert!(check_policy(&SecretString::from("x".repeat(129))).is_err());
    }
}
