//! Registration, login, logout and authentication of staff and customers.

use crate::core::audit::{self, Actor};
use crate::core::config::Config;
use crate::core::problem::{Explain, Problem};
use crate::core::redis::RedisPool;
use crate::identity::accounts;
use crate::identity::password;
use crate::identity::principal::{Forbidden, Principal};
use crate::identity::rate_limit::{AddressLimit, UsernameBackoff};
use crate::identity::sessions::SessionStore;
use crate::identity::token::TokenKeys;
use domain::contact::ContactError;
use domain::model::accounts::{Customer, Registration};
use domain::{EmailAddress, ErrorCode, FieldError, PersonName, WhatsappNumber};
use secrecy::{ExposeSecret, SecretString};
use sqlx::PgPool;
use std::net::IpAddr;

/// An authenticated request: the principal and the login session it came through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authenticated {
    pub principal: Principal,
    pub session_id: String,
}

#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error(transparent)]
    Invalid(#[from] FieldError),
    /// The WhatsApp number or the email belongs to an account already; which one is not said,
    /// so the registration form tells nobody whose number or address is a customer's.
    #[error(
        "this WhatsApp number or email address cannot be registered again; if the account is yours, log in"
    )]
    AlreadyRegistered,
    #[error("wrong username or password")]
    InvalidCredentials,
    #[error("too many attempts; try again in {retry_after_seconds} seconds")]
    RateLimited { retry_after_seconds: u64 },
    #[error("not logged in, or the session has ended")]
    Unauthenticated,
    #[error("your role may not do this")]
    Forbidden,
    #[error("database error")]
    Database(#[from] sqlx::Error),
    #[error("the session store is not answering")]
    Redis(#[from] fred::error::Error),
}

impl From<Forbidden> for AuthError {
    fn from(_: Forbidden) -> Self {
        AuthError::Forbidden
    }
}

impl Explain for AuthError {
    fn problem(&self) -> Problem {
        match self {
            AuthError::Invalid(e) => e.problem(),
            AuthError::AlreadyRegistered => Problem::Conflict {
                field: None,
                code: ErrorCode::AlreadyRegistered,
            },
            AuthError::InvalidCredentials => Problem::InvalidCredentials,
            AuthError::RateLimited {
                retry_after_seconds,
            } => Problem::RateLimited {
                retry_after_seconds: *retry_after_seconds,
            },
            AuthError::Unauthenticated => Problem::Unauthenticated,
            AuthError::Forbidden => Problem::Forbidden,
            AuthError::Redis(_) => Problem::Unavailable,
            AuthError::Database(_) => Problem::Internal,
        }
    }
}

impl AuthError {
    /// The browser's cookie session store (the same Redis, through tower-sessions) failed.
    pub fn session_store(error: impl std::fmt::Display) -> Self {
        AuthError::Redis(fred::error::Error::new(
            fred::error::ErrorKind::IO,
            error.to_string(),
        ))
    }

    fn invalid(field: &'static str, code: ErrorCode, message: impl ToString) -> Self {
        AuthError::Invalid(FieldError::new(field, code, message.to_string()))
    }

    fn contact(field: &'static str, error: ContactError) -> Self {
        Self::invalid(field, error.code(), error)
    }
}

/// What a successful login hands back: a bearer token for API clients and the session id the
/// browser's cookie session keeps.
#[derive(Debug, Clone)]
pub struct LoginSuccess {
    pub token: String,
    pub expires_at: chrono::DateTime<chrono::Utc>,
    pub authenticated: Authenticated,
}

#[derive(Clone, Debug)]
pub struct AuthService {
    pool: PgPool,
    sessions: SessionStore,
    user_backoff: UsernameBackoff,
    address_limit: AddressLimit,
    register_per_address: AddressLimit,
    register_in_all: AddressLimit,
    keys: TokenKeys,
}

impl AuthService {
    pub fn new(config: &Config, pool: PgPool, redis: RedisPool) -> Self {
        let prefix = &config.redis.key_prefix;
        AuthService {
            pool,
            sessions: SessionStore::new(redis.clone(), prefix, config.auth.session_ttl_seconds),
            user_backoff: UsernameBackoff::new(
                redis.clone(),
                prefix,
                config.auth.login_max_failures,
                config.auth.login_window_seconds,
                config.auth.login_backoff_max_seconds,
            ),
            // Many customers may share one address behind an operator's NAT, so the per-address
            // limit is looser than the per-username one.
            address_limit: AddressLimit::new(
                redis.clone(),
                prefix,
                "login-ip",
                config
                    .auth
                    .login_max_failures
                    .saturating_mul(IP_LIMIT_FACTOR),
                config.auth.login_window_seconds,
            ),
            register_per_address: AddressLimit::new(
                redis.clone(),
                prefix,
                "register-ip",
                config.auth.register_per_address_per_hour,
                3600,
            ),
            register_in_all: AddressLimit::new(
                redis.clone(),
                prefix,
                "register",
                config.auth.register_per_hour,
                3600,
            ),
            keys: TokenKeys::new(config.secrets.jwt_secret.expose_secret().as_bytes()),
        }
    }

    /// Validates, rejects a duplicate WhatsApp number or email, inserts the customer.
    /// Registers a customer. Each registration costs a password hash, so they are limited per
    /// client address and for everyone together (per hour); a refused one does no hashing.
    pub async fn register(
        &self,
        input: Registration,
        client_ip: Option<IpAddr>,
    ) -> Result<Customer, AuthError> {
        let name = PersonName::parse(&input.name).map_err(|e| AuthError::contact("name", e))?;
        let whatsapp = WhatsappNumber::parse(&input.whatsapp)
            .map_err(|e| AuthError::contact("whatsapp", e))?;
        let email =
            EmailAddress::parse(&input.email).map_err(|e| AuthError::contact("email", e))?;
        let password = SecretString::from(input.password);
        password::check_policy(&password)
            .map_err(|e| AuthError::invalid("password", e.code(), e))?;
        if let Some(ip) = client_ip
            && let Some(retry_after_seconds) =
                self.register_per_address.reserve(&ip.to_string()).await?
        {
            return Err(AuthError::RateLimited {
                retry_after_seconds,
            });
        }
        if let Some(retry_after_seconds) = self.register_in_all.reserve("all").await? {
            return Err(AuthError::RateLimited {
                retry_after_seconds,
            });
        }
        let password_hash = password::hash(password).await;

        let mut tx = self.pool.begin().await?;
        let customer = accounts::insert_customer(
            &mut tx,
            &name,
            &whatsapp,
            Some(&email),
            Some(&password_hash),
        )
        .await
        .map_err(|e| match e {
            accounts::InsertCustomerError::DuplicateWhatsapp
            | accounts::InsertCustomerError::DuplicateEmail => AuthError::AlreadyRegistered,
            accounts::InsertCustomerError::Database(e) => AuthError::Database(e),
        })?;
        audit::record(
            &mut *tx,
            Actor::Customer(customer.id.0),
            "customer.register",
            Some(("customer", customer.id.to_string())),
            serde_json::json!({ "whatsapp": customer.whatsapp }),
        )
        .await?;
        tx.commit().await?;
        Ok(customer)
    }

    /// Logs in. `username` is a staff login, a customer's email or a customer's WhatsApp number.
    pub async fn login(
        &self,
        username: &str,
        password: SecretString,
        client_ip: Option<IpAddr>,
    ) -> Result<LoginSuccess, AuthError> {
        let username = username.trim();
        if username.is_empty() {
            return Err(AuthError::invalid(
                "username",
                ErrorCode::UsernameEmpty,
                "must not be empty",
            ));
        }
        if password.expose_secret().is_empty() {
            return Err(AuthError::invalid(
                "password",
                ErrorCode::PasswordEmpty,
                "must not be empty",
            ));
        }
        let user_subject = normalised_username(username);
        let ip_subject = client_ip.map(|ip| ip.to_string());
        // The address's attempt is counted before anything else, the password included, so
        // that parallel attempts cannot slip past the limit together.
        if let Some(ip) = &ip_subject
            && let Some(retry_after_seconds) = self.address_limit.reserve(ip).await?
        {
            return Err(AuthError::RateLimited {
                retry_after_seconds,
            });
        }
        if let Some(retry_after_seconds) = self.user_backoff.admit(&user_subject).await? {
            // No password was checked: the address gets its attempt back, so an owner tapping
            // "log in" while their username is slowed down does not block their own address.
            if let Some(ip) = &ip_subject {
                self.address_limit.release(ip).await?;
            }
            return Err(AuthError::RateLimited {
                retry_after_seconds,
            });
        }

        let candidate = accounts::find_login(&self.pool, username).await?;
        let stored_hash = candidate.as_ref().and_then(|c| c.password_hash.clone());
        let verified = password::verify(password, stored_hash).await;
        let principal = match candidate {
            Some(c) if verified && c.may_log_in => c.principal,
            _ => {
                self.user_backoff.record_failure(&user_subject).await?;
                audit::record(
                    &self.pool,
                    Actor::System,
                    "auth.login_failed",
                    None,
                    serde_json::json!({ "username": username, "ip": client_ip.map(|ip| ip.to_string()) }),
                )
                .await?;
                return Err(AuthError::InvalidCredentials);
            }
        };
        self.user_backoff.clear(&user_subject).await?;
        if let Some(ip) = &ip_subject {
            self.address_limit.release(ip).await?;
        }
        accounts::touch_last_login(&self.pool, &principal).await?;
        audit::record(
            &self.pool,
            principal.actor(),
            "auth.login",
            None,
            serde_json::json!({ "ip": client_ip.map(|ip| ip.to_string()) }),
        )
        .await?;

        let (principal, session_id) = self.start_session(username, principal, ip_subject).await?;
        let issued_at = chrono::Utc::now();
        let expires_at = issued_at + chrono::Duration::seconds(self.sessions.ttl_seconds() as i64);
        let token = self.keys.issue(
            principal.subject(),
            session_id.clone(),
            issued_at.timestamp(),
            expires_at.timestamp(),
        );
        Ok(LoginSuccess {
            token,
            expires_at,
            authenticated: Authenticated {
                principal,
                session_id,
            },
        })
    }

    /// The login sessions, for managing a user's sessions.
    pub fn sessions(&self) -> SessionStore {
        self.sessions.clone()
    }

    /// Stores the session of a verified login. The user is read again after their session
    /// generation is noted: a role change or deactivation committed before that read is seen
    /// here, and one committed after it makes the store refuse the session (read again then).
    async fn start_session(
        &self,
        username: &str,
        verified: Principal,
        client_ip: Option<String>,
    ) -> Result<(Principal, String), AuthError> {
        let subject = verified.subject();
        for _ in 0..3 {
            let generation = self.sessions.generation(&subject).await?;
            let principal = accounts::find_login(&self.pool, username)
                .await?
                .filter(|c| c.may_log_in && c.principal.subject() == subject)
                .map(|c| c.principal)
                .ok_or(AuthError::InvalidCredentials)?;
            if let Some(session_id) = self
                .sessions
                .create(&principal, generation, client_ip.clone())
                .await?
            {
                return Ok((principal, session_id));
            }
        }
        Err(AuthError::Unauthenticated)
    }

    /// Ends a login session: its token and cookie stop working at once.
    pub async fn logout(&self, session_id: &str) -> Result<(), AuthError> {
        self.sessions.delete(session_id).await?;
        Ok(())
    }

    /// Authenticates a bearer token: valid signature and expiry, and its session still exists.
    pub async fn authenticate_token(&self, token: &str) -> Result<Authenticated, AuthError> {
        let claims = self.keys.verify(token).ok_or(AuthError::Unauthenticated)?;
        let authenticated = self.authenticate_session(&claims.sid).await?;
        if authenticated.principal.subject() != claims.sub {
            return Err(AuthError::Unauthenticated);
        }
        Ok(authenticated)
    }

    /// Authenticates the session id kept by a browser's cookie session.
    pub async fn authenticate_session(&self, session_id: &str) -> Result<Authenticated, AuthError> {
        let principal = self
            .sessions
            .get(session_id)
            .await?
            .ok_or(AuthError::Unauthenticated)?;
        Ok(Authenticated {
            principal,
            session_id: session_id.to_owned(),
        })
    }
}

const IP_LIMIT_FACTOR: u32 = 5;

/// Failures count against the username normalised the way lookups are, so `0812…` and `+62812…`
/// share one counter.
fn normalised_username(username: &str) -> String {
    WhatsappNumber::parse(username)
        .map(|n| n.as_str().to_owned())
        .unwrap_or_else(|_| username.to_lowercase())
}
