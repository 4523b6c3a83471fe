//! Demo data for a newcomer's first look: known logins, printed by the run command.
//! Idempotent: running it again leaves existing rows alone.

use crate::accounts::{self, CreateStaffError, InsertCustomerError};
use crate::auth::password;
use domain::{EmailAddress, PersonName, Role, WhatsappNumber};
use secrecy::SecretString;
use sqlx::PgPool;

pub struct DemoLogin {
    pub role: Role,
    pub username: &'static str,
    pub password: &'static str,
}

pub const STAFF: [(&str, &str, &str, Role); 2] = [
    ("admin", "Admin Demo", "admin12345", Role::Admin),
    ("kasir", "Kasir Demo", "kasir12345", Role::Staff),
];

/// (name, WhatsApp, email, password)
pub const CUSTOMERS: [(&str, &str, &str, &str); 3] = [
    (
        "Budi Santoso",
        "081234567801",
        "budi@example.com",
        "budi12345",
    ),
    (
        "Siti Rahayu",
        "081234567802",
        "siti@example.com",
        "siti12345",
    ),
    (
        "Agus Wijaya",
        "081234567803",
        "agus@example.com",
        "agus12345",
    ),
];

pub fn logins() -> Vec<DemoLogin> {
    STAFF
        .iter()
        .map(|(username, _, password, role)| DemoLogin {
            role: *role,
            username,
            password,
        })
        .chain(CUSTOMERS.iter().map(|(_, _, email, password)| DemoLogin {
            role: Role::Customer,
            username: email,
            password,
        }))
        .collect()
}

pub async fn seed(pool: &PgPool) -> Result<(), sqlx::Error> {
    for (username, name, pass, role) in STAFF {
        match accounts::create_staff(pool, username, name, SecretString::from(pass), role).await {
            Ok(_) | Err(CreateStaffError::DuplicateUsername) => {}
            Err(CreateStaffError::Database(e)) => return Err(e),
            Err(other) => panic!("demo staff user {username} is invalid: {other}"),
        }
    }
    for (name, whatsapp, email, pass) in CUSTOMERS {
        let name = PersonName::parse(name).expect("demo name is valid");
        let whatsapp = WhatsappNumber::parse(whatsapp).expect("demo number is valid");
        let email = EmailAddress::parse(email).expect("demo email is valid");
        let hash = password::hash(SecretString::from(pass)).await;
        let mut conn = pool.acquire().await?;
        match accounts::insert_customer(&mut conn, &name, &whatsapp, Some(&email), Some(&hash))
            .await
        {
            Ok(_)
            | Err(InsertCustomerError::DuplicateWhatsapp | InsertCustomerError::DuplicateEmail) => {
            }
            Err(InsertCustomerError::Database(e)) => return Err(e),
        }
    }
    Ok(())
}
