//! How a service error looks to the person whose request caused it. The REST API and the web
//! interface both report errors through this, so a problem has one status and one code everywhere.

/// The kind of a problem, with the field it concerns and a stable code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    /// Bad input in one field.
    Invalid {
        field: &'static str,
        code: &'static str,
    },
    /// The request conflicts with what exists: a name taken, a record still in use.
    Conflict {
        field: &'static str,
        code: &'static str,
    },
    /// The record the request names does not exist.
    NotFound {
        field: &'static str,
        code: &'static str,
    },
    /// A router (or gateway) failed; the error's message says how, in the router's words.
    Upstream { code: &'static str },
    /// A fault on our side: logged, not explained.
    Internal,
}

/// A service error that can say what kind of problem it is.
pub trait Explain: std::error::Error {
    fn problem(&self) -> Problem;
}

impl Explain for crate::routers::RouterError {
    fn problem(&self) -> Problem {
        use crate::routers::RouterError as E;
        match self {
            E::Invalid { field, code, .. } => Problem::Invalid { field, code },
            E::DuplicateName => Problem::Conflict {
                field: "name",
                code: "router_name_taken",
            },
            E::InUse => Problem::Conflict {
                field: "router_id",
                code: "router_in_use",
            },
            E::NotFound => Problem::NotFound {
                field: "router_id",
                code: "router_not_found",
            },
            // Entering the router's password again stores it under the current key.
            E::Credentials(_) => Problem::Invalid {
                field: "password",
                code: "router_credentials",
            },
            E::Router(_) => Problem::Upstream {
                code: "router_unreachable",
            },
            E::Database(_) => Problem::Internal,
        }
    }
}

impl Explain for crate::catalog::CatalogError {
    fn problem(&self) -> Problem {
        use crate::catalog::CatalogError as E;
        match self {
            E::Invalid { field, code, .. } => Problem::Invalid { field, code },
            E::DuplicatePlan => Problem::Conflict {
                field: "name",
                code: "plan_name_taken",
            },
            E::PlanNotFound => Problem::NotFound {
                field: "plan_id",
                code: "plan_not_found",
            },
            E::RouterNotFound => Problem::Invalid {
                field: "router_id",
                code: "router_not_found",
            },
            E::Router(e) => e.problem(),
            E::Database(_) => Problem::Internal,
        }
    }
}

impl Explain for crate::vouchers::VoucherError {
    fn problem(&self) -> Problem {
        use crate::vouchers::VoucherError as E;
        match self {
            E::Invalid { field, code, .. } => Problem::Invalid { field, code },
            E::PlanNotFound => Problem::Invalid {
                field: "plan_id",
                code: "plan_not_found",
            },
            E::PlanInactive => Problem::Invalid {
                field: "plan_id",
                code: "plan_inactive",
            },
            E::CodeSpaceExhausted => Problem::Invalid {
                field: "code_length",
                code: "code_space_exhausted",
            },
            E::Database(_) => Problem::Internal,
        }
    }
}

impl Explain for crate::reconcile::ReconcileError {
    fn problem(&self) -> Problem {
        match self {
            crate::reconcile::ReconcileError::Router(e) => e.problem(),
            crate::reconcile::ReconcileError::Database(_) => Problem::Internal,
        }
    }
}

impl Explain for crate::sales::SaleError {
    fn problem(&self) -> Problem {
        use crate::sales::SaleError as E;
        match self {
            E::Invalid { field, code, .. } => Problem::Invalid { field, code },
            E::PlanNotFound => Problem::Invalid {
                field: "plan_id",
                code: "plan_not_found",
            },
            E::PlanInactive => Problem::Invalid {
                field: "plan_id",
                code: "plan_inactive",
            },
            E::NotHotspot => Problem::Invalid {
                field: "plan_id",
                code: "plan_not_hotspot",
            },
            E::NotFound => Problem::NotFound {
                field: "sale_id",
                code: "sale_not_found",
            },
            E::Voucher(e) => e.problem(),
            E::Database(_) => Problem::Internal,
        }
    }
}

impl Explain for crate::reports::ReportError {
    fn problem(&self) -> Problem {
        match self {
            crate::reports::ReportError::Invalid { field, code, .. } => {
                Problem::Invalid { field, code }
            }
            crate::reports::ReportError::Database(_) => Problem::Internal,
        }
    }
}
