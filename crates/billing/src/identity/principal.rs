//! Who is making a request: the result of authentication, stored with the login session.

use crate::core::audit::Actor;
use crate::core::problem::{Explain, Problem};
use domain::Role;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Principal {
    pub kind: PrincipalKind,
    pub id: i64,
    pub role: Role,
    pub name: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PrincipalKind {
    Staff,
    Customer,
}

impl PrincipalKind {
    /// The token subject of the user `id` of this kind: `staff:ID` or `customer:ID`.
    pub fn subject(self, id: i64) -> String {
        match self {
            PrincipalKind::Staff => format!("staff:{id}"),
            PrincipalKind::Customer => format!("customer:{id}"),
        }
    }
}

/// A principal lacks the role an operation needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("your role may not do this")]
pub struct Forbidden;

impl Explain for Forbidden {
    fn problem(&self) -> Problem {
        Problem::Forbidden
    }
}

impl Principal {
    /// The token subject: `staff:ID` or `customer:ID`.
    pub fn subject(&self) -> String {
        self.kind.subject(self.id)
    }

    pub fn actor(&self) -> Actor {
        match self.kind {
            PrincipalKind::Staff => Actor::Staff(self.id),
            PrincipalKind::Customer => Actor::Customer(self.id),
        }
    }

    /// Fails unless the principal has one of `roles`.
    pub fn require(&self, roles: &[Role]) -> Result<(), Forbidden> {
        if roles.contains(&self.role) {
            Ok(())
        } else {
            Err(Forbidden)
        }
    }
}
