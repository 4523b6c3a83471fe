//! The audit log of sensitive operations (logins, registrations, credential changes, money).

use serde_json::Value;
use sqlx::PgExecutor;

#[derive(Debug, Clone, Copy)]
pub enum Actor {
    Staff(i64),
    Customer(i64),
    System,
}

impl Actor {
    /// The staff user acting, for the `…_by` columns that name one.
    pub fn staff_id(self) -> Option<i64> {
        match self {
            Actor::Staff(id) => Some(id),
            _ => None,
        }
    }

    fn kind_and_id(self) -> (&'static str, Option<i64>) {
        match self {
            Actor::Staff(id) => ("staff", Some(id)),
            Actor::Customer(id) => ("customer", Some(id)),
            Actor::System => ("system", None),
        }
    }
}

/// Records one audit entry. Pass the transaction of the operation so both commit together.
pub async fn record(
    executor: impl PgExecutor<'_>,
    actor: Actor,
    action: &str,
    entity: Option<(&str, String)>,
    details: Value,
) -> Result<(), sqlx::Error> {
    let (actor_kind, actor_id) = actor.kind_and_id();
    let (entity, entity_id) = match entity {
        Some((entity, id)) => (Some(entity), Some(id)),
        None => (None, None),
    };
    sqlx::query!(
        "INSERT INTO audit_logs (actor_kind, actor_id, action, entity, entity_id, details)
         VALUES ($1, $2, $3, $4, $5, $6)",
        actor_kind,
        actor_id,
        action,
        entity,
        entity_id,
        details
    )
    .execute(executor)
    .await?;
    Ok(())
}
