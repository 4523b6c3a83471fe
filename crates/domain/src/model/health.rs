//! The health report behind `GET /health`.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum HealthStatus {
    Healthy,
    Degraded,
    Unhealthy,
}

/// One dependency's check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Check {
    pub name: String,
    pub status: HealthStatus,
    /// A failing critical check makes the whole service unhealthy; another only degraded.
    pub critical: bool,
    pub latency_ms: f64,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HealthReport {
    pub status: HealthStatus,
    pub checks: Vec<Check>,
}

impl HealthReport {
    /// The overall status of these checks.
    pub fn from_checks(checks: Vec<Check>) -> Self {
        let failing = |critical: bool| {
            checks
                .iter()
                .any(|c| c.critical == critical && c.status != HealthStatus::Healthy)
        };
        let status = if failing(true) {
            HealthStatus::Unhealthy
        } else if failing(false) {
            HealthStatus::Degraded
        } else {
            HealthStatus::Healthy
        };
        HealthReport { status, checks }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(critical: bool, status: HealthStatus) -> Check {
        Check {
            name: "x".into(),
            status,
            critical,
            latency_ms: 1.0,
            error: None,
        }
    }

    #[test]
    fn a_failing_critical_check_is_unhealthy_and_a_minor_one_degraded() {
        use HealthStatus::*;
        let overall = |checks: Vec<Check>| HealthReport::from_checks(checks).status;
        assert_eq!(overall(vec![check(true, Healthy)]), Healthy);
        assert_eq!(
            overall(vec![check(true, Healthy), check(false, Unhealthy)]),
            Degraded
        );
        assert_eq!(
            overall(vec![check(true, Unhealthy), check(false, Healthy)]),
            Unhealthy
        );
    }
}
