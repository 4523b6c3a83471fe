//! Encryption at rest for credentials (router passwords, gateway keys): AES-256-GCM with a
//! random nonce per value, stored as `nonce || ciphertext`. Each value is sealed with the
//! identity of the record that owns it as associated data (e.g. `router:7:10.0.0.1:8728`), so it
//! opens only for that record: copied to another row, or left behind when the row is pointed
//! elsewhere, it does not decrypt.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use rand::RngCore;

const NONCE_LEN: usize = 12;

#[derive(Debug, thiserror::Error)]
pub enum CryptoError {
    #[error("encrypted value is too short")]
    Truncated,
    #[error("encrypted value does not decrypt with the configured key")]
    WrongKeyOrTampered,
    #[error("decrypted value is not UTF-8")]
    NotUtf8,
}

/// Seals and opens secrets with the installation's encryption key.
#[derive(Clone)]
pub struct SecretBox {
    cipher: Aes256Gcm,
}

impl std::fmt::Debug for SecretBox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretBox(..)")
    }
}

impl SecretBox {
    pub fn new(key: &[u8; 32]) -> Self {
        SecretBox {
            cipher: Aes256Gcm::new(key.into()),
        }
    }

    /// Seals `plaintext` for the record `owner` names.
    pub fn seal(&self, plaintext: &str, owner: &[u8]) -> Vec<u8> {
        let mut nonce = [0u8; NONCE_LEN];
        rand::rng().fill_bytes(&mut nonce);
        let ciphertext = self
            .cipher
            .encrypt(
                &Nonce::from(nonce),
                Payload {
                    msg: plaintext.as_bytes(),
                    aad: owner,
                },
            )
            .expect("AES-GCM encryption of an in-memory buffer cannot fail");
        let mut sealed = Vec::with_capacity(NONCE_LEN + ciphertext.len());
        sealed.extend_from_slice(&nonce);
        sealed.extend_from_slice(&ciphertext);
        sealed
    }

    /// Opens a value sealed for `owner` (empty for values sealed before records were bound).
    pub fn open(&self, sealed: &[u8], owner: &[u8]) -> Result<String, CryptoError> {
        if sealed.len() < NONCE_LEN {
            return Err(CryptoError::Truncated);
        }
        let (nonce, ciphertext) = sealed.split_at(NONCE_LEN);
        let nonce: [u8; NONCE_LEN] = nonce.try_into().expect("split at the nonce length");
        let plaintext = self
            .cipher
            .decrypt(
                &Nonce::from(nonce),
                Payload {
                    msg: ciphertext,
                    aad: owner,
                },
            )
            .map_err(|_| CryptoError::WrongKeyOrTampered)?;
        String::from_utf8(plaintext).map_err(|_| CryptoError::NotUtf8)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn opens_what_it_sealed(secret in ".{0,64}") {
            let sbox = SecretBox::new(&[1u8; 32]);
            prop_assert_eq!(sbox.open(&sbox.seal(&secret, b"router:1"), b"router:1").unwrap(), secret);
        }
    }

    #[test]
    fn refuses_another_key_and_tampering() {
        let sealed = SecretBox::new(&[1u8; 32]).seal("router-password", b"router:1");
        assert!(matches!(
            SecretBox::new(&[2u8; 32]).open(&sealed, b"router:1"),
            Err(CryptoError::WrongKeyOrTampered)
        ));
        let mut tampered = sealed.clone();
        *tampered.last_mut().unwrap() ^= 1;
        assert!(
            SecretBox::new(&[1u8; 32])
                .open(&tampered, b"router:1")
                .is_err()
        );
        assert!(matches!(
            SecretBox::new(&[1u8; 32]).open(&[0; 4], b"router:1"),
            Err(CryptoError::Truncated)
        ));
    }

    #[test]
    fn never_stores_the_plaintext_and_uses_a_fresh_nonce() {
        let sbox = SecretBox::new(&[1u8; 32]);
        let a = sbox.seal("hunter2", b"router:1");
        let b = sbox.seal("hunter2", b"router:1");
        assert_ne!(a, b);
        assert!(!a.windows(7).any(|w| w == b"hunter2"));
    }

    #[test]
    fn a_value_opens_only_for_its_owner() {
        let sbox = SecretBox::new(&[1u8; 32]);
        let sealed = sbox.seal("router-password", b"router:1:10.0.0.1:8728");
        for other in [
            &b"router:2:10.0.0.1:8728"[..],
            b"router:1:203.0.113.9:8728",
            b"",
        ] {
            assert!(matches!(
                sbox.open(&sealed, other),
                Err(CryptoError::WrongKeyOrTampered)
            ));
        }
        assert_eq!(
            sbox.open(&sealed, b"router:1:10.0.0.1:8728").unwrap(),
            "router-password"
        );
    }
}
