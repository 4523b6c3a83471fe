//! Customers and staff users: persistence and lookups.

use crate::identity::password;
use crate::identity::principal::{Principal, PrincipalKind};
use domain::model::accounts::{Customer, Summary};
use domain::{CustomerId, EmailAddress, PersonName, Role, Rupiah, StaffUserId, WhatsappNumber};
use serde::Serialize;
use sqlx::{PgConnection, PgExecutor, PgPool};

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct StaffUser {
    pub id: StaffUserId,
    pub username: String,
    pub name: String,
    pub role: Role,
}

#[derive(Debug, thiserror::Error)]
pub enum InsertCustomerError {
    #[error("duplicate WhatsApp number")]
    DuplicateWhatsapp,
    #[error("duplicate email address")]
    DuplicateEmail,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

pub async fn insert_customer(
    conn: &mut PgConnection,
    name: &PersonName,
    whatsapp: &WhatsappNumber,
    email: Option<&EmailAddress>,
    password_hash: Option<&str>,
) -> Result<Customer, InsertCustomerError> {
    sqlx::query_as!(
        Customer,
        r#"INSERT INTO customers (name, whatsapp, email, password_hash)
           VALUES ($1, $2, $3, $4)
           RETURNING id AS "id: CustomerId", name, whatsapp, email, status, balance AS "balance: Rupiah""#,
        name.as_str(),
        whatsapp.as_str(),
        email.map(EmailAddress::as_str),
        password_hash
    )
    .fetch_one(conn)
    .await
    .map_err(|e| match crate::core::db::violated_unique_index(&e) {
        Some("customers_whatsapp_key") => InsertCustomerError::DuplicateWhatsapp,
        Some("customers_email_key") => InsertCustomerError::DuplicateEmail,
        _ => InsertCustomerError::Database(e),
    })
}

pub async fn customer(pool: &PgPool, id: CustomerId) -> Result<Option<Customer>, sqlx::Error> {
    sqlx::query_as!(
        Customer,
        r#"SELECT id AS "id: CustomerId", name, whatsapp, email, status, balance AS "balance: Rupiah"
           FROM customers WHERE id = $1"#,
        id.0
    )
    .fetch_optional(pool)
    .await
}

pub async fn staff_user(pool: &PgPool, id: StaffUserId) -> Result<Option<StaffUser>, sqlx::Error> {
    let row = sqlx::query!(
        "SELECT id, username, name, role FROM staff_users WHERE id = $1",
        id.0
    )
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|row| StaffUser {
        id: StaffUserId(row.id),
        username: row.username,
        name: row.name,
        role: parse_staff_role(&row.role),
    }))
}

fn parse_staff_role(role: &str) -> Role {
    role.parse()
        .expect("the staff_users.role CHECK constraint admits only known roles")
}

#[derive(Debug, thiserror::Error)]
pub enum CreateStaffError {
    #[error("username must be 3–32 characters of a–z, 0–9, dot, dash or underscore")]
    InvalidUsername,
    #[error("{0}")]
    InvalidName(domain::contact::ContactError),
    #[error("{0}")]
    InvalidPassword(password::PolicyError),
    #[error("staff users are admins or staff, not customers")]
    InvalidRole,
    #[error("a staff user with this username already exists")]
    DuplicateUsername,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// Creates an admin or cashier. Usernames are lower-cased.
pub async fn create_staff(
    pool: &PgPool,
    username: &str,
    name: &str,
    password: secrecy::SecretString,
    role: Role,
) -> Result<StaffUser, CreateStaffError> {
    let username = username.trim().to_lowercase();
    let valid_username = (3..=32).contains(&username.len())
        && username
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'));
    if !valid_username {
        return Err(CreateStaffError::InvalidUsername);
    }
    let name = PersonName::parse(name).map_err(CreateStaffError::InvalidName)?;
    if role == Role::Customer {
        return Err(CreateStaffError::InvalidRole);
    }
    password::check_policy(&password).map_err(CreateStaffError::InvalidPassword)?;
    let hash = password::hash(password).await;
    let mut tx = pool.begin().await?;
    let id = sqlx::query_scalar!(
        "INSERT INTO staff_users (username, name, password_hash, role) VALUES ($1, $2, $3, $4) RETURNING id",
        username,
        name.as_str(),
        hash,
        role.as_str()
    )
    .fetch_one(&mut *tx)
    .await
    .map_err(|e| match crate::core::db::violated_unique_index(&e) {
        Some("staff_users_username_key") => CreateStaffError::DuplicateUsername,
        _ => CreateStaffError::Database(e),
    })?;
    crate::core::audit::record(
        &mut *tx,
        crate::core::audit::Actor::System,
        "staff.create",
        Some(("staff_user", id.to_string())),
        serde_json::json!({ "username": username, "role": role }),
    )
    .await?;
    tx.commit().await?;
    Ok(StaffUser {
        id: StaffUserId(id),
        username,
        name: name.to_string(),
        role,
    })
}

/// A user that a login name refers to, before the password is checked.
#[derive(Debug)]
pub(crate) struct LoginCandidate {
    pub principal: Principal,
    pub password_hash: Option<String>,
    /// Disabled staff and inactive customers may not log in.
    pub may_log_in: bool,
}

/// Resolves a login name: a staff username first, then a customer's email or WhatsApp number.
pub(crate) async fn find_login(
    pool: &PgPool,
    username: &str,
) -> Result<Option<LoginCandidate>, sqlx::Error> {
    let lowered = username.to_lowercase();
    if let Some(row) = sqlx::query!(
        "SELECT id, name, role, password_hash, active FROM staff_users WHERE username = $1",
        lowered
    )
    .fetch_optional(pool)
    .await?
    {
        return Ok(Some(LoginCandidate {
            principal: Principal {
                kind: PrincipalKind::Staff,
                id: row.id,
                role: parse_staff_role(&row.role),
                name: row.name,
            },
            password_hash: Some(row.password_hash),
            may_log_in: row.active,
        }));
    }

    let customer = if lowered.contains('@') {
        sqlx::query!(
            "SELECT id, name, password_hash, status FROM customers WHERE email = $1",
            lowered
        )
        .fetch_optional(pool)
        .await?
        .map(|r| (r.id, r.name, r.password_hash, r.status))
    } else if let Ok(number) = WhatsappNumber::parse(username) {
        sqlx::query!(
            "SELECT id, name, password_hash, status FROM customers WHERE whatsapp = $1",
            number.as_str()
        )
        .fetch_optional(pool)
        .await?
        .map(|r| (r.id, r.name, r.password_hash, r.status))
    } else {
        None
    };
    Ok(
        customer.map(|(id, name, password_hash, status)| LoginCandidate {
            principal: Principal {
                kind: PrincipalKind::Customer,
                id,
                role: Role::Customer,
                name,
            },
            password_hash,
            may_log_in: status != "inactive",
        }),
    )
}

pub(crate) async fn touch_last_login(
    executor: impl PgExecutor<'_>,
    principal: &Principal,
) -> Result<(), sqlx::Error> {
    match principal.kind {
        PrincipalKind::Staff => {
            sqlx::query!(
                "UPDATE staff_users SET last_login_at = now() WHERE id = $1",
                principal.id
            )
            .execute(executor)
            .await?
        }
        PrincipalKind::Customer => {
            sqlx::query!(
                "UPDATE customers SET last_login_at = now() WHERE id = $1",
                principal.id
            )
            .execute(executor)
            .await?
        }
    };
    Ok(())
}

/// Head counts for the admin dashboard.
/// Head counts for the admin dashboard.
pub async fn counts(pool: &PgPool) -> Result<Summary, sqlx::Error> {
    let row = sqlx::query!(
        r#"SELECT
             (SELECT count(*) FROM customers) AS "customers!",
             (SELECT count(*) FROM staff_users WHERE active) AS "staff!",
             (SELECT coalesce(sum(balance), 0)::BIGINT FROM customers) AS "balance_total!""#
    )
    .fetch_one(pool)
    .await?;
    Ok(Summary {
        customers: row.customers,
        active_staff: row.staff,
        balance_total: Rupiah::new(row.balance_total),
    })
}
