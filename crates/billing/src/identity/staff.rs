//! Managing staff users: their role, whether they may log in, and their login sessions. A role
//! change or a deactivation ends every session of the user at once (a session carries the role
//! it was started with), and the last active admin can be neither demoted nor deactivated.

use crate::core::audit::{self, Actor};
use crate::core::problem::{Explain, Problem};
use crate::identity::principal::PrincipalKind;
use crate::identity::sessions::SessionStore;
use domain::model::accounts::{LoginSession, StaffChange, StaffMember};
use domain::{ErrorCode, FieldError, PersonName, Role};
use sqlx::PgPool;

#[derive(Debug, thiserror::Error)]
pub enum StaffError {
    #[error(transparent)]
    Invalid(#[from] FieldError),
    #[error("no staff user with this id")]
    NotFound,
    #[error("no such session of this user")]
    SessionNotFound,
    #[error(
        "this is the last active admin: make another user an admin before demoting or deactivating this one"
    )]
    LastAdmin,
    #[error("the session store is unavailable")]
    Redis(#[from] fred::error::Error),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

impl Explain for StaffError {
    fn problem(&self) -> Problem {
        match self {
            StaffError::Invalid(e) => e.problem(),
            StaffError::NotFound => Problem::NotFound {
                field: "staff_id",
                code: ErrorCode::StaffNotFound,
            },
            StaffError::SessionNotFound => Problem::NotFound {
                field: "session_id",
                code: ErrorCode::SessionNotFound,
            },
            StaffError::LastAdmin => Problem::Conflict {
                field: Some("role"),
                code: ErrorCode::LastAdmin,
            },
            StaffError::Redis(_) => Problem::Unavailable,
            StaffError::Database(_) => Problem::Internal,
        }
    }
}

struct StaffRow {
    id: i64,
    username: String,
    name: String,
    role: String,
    active: bool,
    last_login_at: Option<chrono::DateTime<chrono::Utc>>,
}

impl From<StaffRow> for StaffMember {
    fn from(r: StaffRow) -> Self {
        StaffMember {
            id: r.id,
            username: r.username,
            name: r.name,
            role: r.role.parse().unwrap_or(Role::Staff),
            active: r.active,
            last_login_at: r.last_login_at,
        }
    }
}

#[derive(Clone, Debug)]
pub struct StaffService {
    pool: PgPool,
    sessions: SessionStore,
}

fn subject(id: i64) -> String {
    PrincipalKind::Staff.subject(id)
}

impl StaffService {
    pub fn new(pool: PgPool, sessions: SessionStore) -> Self {
        StaffService { pool, sessions }
    }

    /// Every staff user, admins first, then by name.
    pub async fn list(&self) -> Result<Vec<StaffMember>, StaffError> {
        Ok(sqlx::query_as!(
            StaffRow,
            "SELECT id, username, name, role, active, last_login_at FROM staff_users
             ORDER BY role = 'admin' DESC, active DESC, lower(name), id"
        )
        .fetch_all(&self.pool)
        .await?
        .into_iter()
        .map(StaffMember::from)
        .collect())
    }

    pub async fn get(&self, id: i64) -> Result<StaffMember, StaffError> {
        sqlx::query_as!(
            StaffRow,
            "SELECT id, username, name, role, active, last_login_at FROM staff_users WHERE id = $1",
            id
        )
        .fetch_optional(&self.pool)
        .await?
        .map(StaffMember::from)
        .ok_or(StaffError::NotFound)
    }

    /// Renames, changes the role of, or (de)activates a staff user, in one transaction. A role
    /// change or a deactivation ends the user's sessions: before the change commits (a failure
    /// leaves everything as it was) and again after it (a login that read the old role meanwhile
    /// is ended too).
    pub async fn update(
        &self,
        id: i64,
        change: StaffChange,
        actor: Actor,
    ) -> Result<StaffMember, StaffError> {
        let name = PersonName::parse(&change.name)
            .map_err(|e| FieldError::new("name", e.code(), e.to_string()))?;
        if change.role == Role::Customer {
            return Err(FieldError::new(
                "role",
                ErrorCode::StaffRole,
                "a staff user is an admin or staff",
            )
            .into());
        }
        let mut tx = self.pool.begin().await?;
        // Every active admin is locked, so two admins demoting each other at once cannot leave
        // the installation without one.
        let admins: Vec<i64> = sqlx::query_scalar!(
            "SELECT id FROM staff_users WHERE role = 'admin' AND active ORDER BY id FOR UPDATE"
        )
        .fetch_all(&mut *tx)
        .await?;
        let current = sqlx::query!(
            "SELECT role, active FROM staff_users WHERE id = $1 FOR UPDATE",
            id
        )
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StaffError::NotFound)?;
        let stays_admin = change.role == Role::Admin && change.active;
        if admins.contains(&id) && !stays_admin && admins.len() == 1 {
            return Err(StaffError::LastAdmin);
        }
        let role_changed = current.role != change.role.as_str();
        let deactivated = current.active && !change.active;
        let ends_sessions = role_changed || deactivated;
        sqlx::query!(
            "UPDATE staff_users SET name = $2, role = $3, active = $4, updated_at = now() WHERE id = $1",
            id,
            name.as_str(),
            change.role.as_str(),
            change.active
        )
        .execute(&mut *tx)
        .await?;
        let mut ended = 0;
        if ends_sessions {
            ended = self.sessions.revoke_all(&subject(id)).await?;
        }
        audit::record(
            &mut *tx,
            actor,
            "staff.update",
            Some(("staff_user", id.to_string())),
            serde_json::json!({ "name": name.as_str(), "role": change.role.as_str(),
                                "active": change.active, "sessions_ended": ended }),
        )
        .await?;
        tx.commit().await?;
        if ends_sessions && let Err(error) = self.sessions.revoke_all(&subject(id)).await {
            tracing::warn!(staff_id = id, %error, "cannot end sessions started during a role change");
        }
        self.get(id).await
    }

    /// The user's live login sessions, oldest first.
    pub async fn sessions(&self, id: i64) -> Result<Vec<LoginSession>, StaffError> {
        self.exists(id).await?;
        Ok(self
            .sessions
            .list(&subject(id))
            .await?
            .into_iter()
            .map(|s| LoginSession {
                id: s.handle,
                started_at: s.created_at,
                client_ip: s.client_ip,
            })
            .collect())
    }

    /// Ends every session of the user; returns how many ended.
    pub async fn end_sessions(&self, id: i64, actor: Actor) -> Result<u64, StaffError> {
        self.exists(id).await?;
        let ended = self.sessions.revoke_all(&subject(id)).await?;
        audit::record(
            &self.pool,
            actor,
            "staff.sessions_ended",
            Some(("staff_user", id.to_string())),
            serde_json::json!({ "ended": ended }),
        )
        .await?;
        Ok(ended)
    }

    /// Ends one session of the user, named as [`sessions`](Self::sessions) lists it.
    pub async fn end_session(
        &self,
        id: i64,
        session: &str,
        actor: Actor,
    ) -> Result<(), StaffError> {
        self.exists(id).await?;
        if !self.sessions.revoke(&subject(id), session).await? {
            return Err(StaffError::SessionNotFound);
        }
        audit::record(
            &self.pool,
            actor,
            "staff.session_ended",
            Some(("staff_user", id.to_string())),
            serde_json::json!({ "session": session }),
        )
        .await?;
        Ok(())
    }

    async fn exists(&self, id: i64) -> Result<(), StaffError> {
        sqlx::query_scalar!("SELECT id FROM staff_users WHERE id = $1", id)
            .fetch_optional(&self.pool)
            .await?
            .map(|_| ())
            .ok_or(StaffError::NotFound)
    }
}
