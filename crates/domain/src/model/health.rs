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

    /// What anyone may read: the same status, without error texts, and the checks of one kind
    /// (`router:Tower A`, `router:Tower B`) folded into one per kind (`routers`), so no name of a
    /// router or of anything else the operator named is given away.
    pub fn public(&self) -> HealthReport {
        let mut checks: Vec<Check> = Vec::new();
        for check in &self.checks {
            let name = match check.name.split_once(':') {
                Some((kind, _)) => format!("{kind}s"),
                None => check.name.clone(),
            };
            match checks.iter_mut().find(|c| c.name == name) {
                Some(folded) => {
                    if check.status != HealthStatus::Healthy {
                        folded.status = HealthStatus::Unhealthy;
                    }
                    folded.latency_ms = folded.latency_ms.max(check.latency_ms);
                }
                None => checks.push(Check {
                    name,
                    status: check.status,
                    critical: check.critical,
                    latency_ms: check.latency_ms,
                    error: None,
                }),
            }
        }
        HealthReport {
            status: self.status,
            checks,
        }
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
    fn the_public_report_names_no_router_and_gives_no_error() {
        let named = |name: &str, status: HealthStatus, error: Option<&str>| Check {
            name: name.into(),
            status,
            critical: !name.contains(':'),
            latency_ms: 2.0,
            error: error.map(Into::into),
        };
        let report = HealthReport::from_checks(vec![
            named("database", HealthStatus::Healthy, None),
            named("router:Tower A", HealthStatus::Healthy, None),
            named(
                "router:Tower B",
                HealthStatus::Unhealthy,
                Some("10.0.0.2: refused"),
            ),
        ]);
        let public = report.public();
        assert_eq!(public.status, HealthStatus::Degraded);
        let names: Vec<_> = public.checks.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["database", "routers"]);
        assert_eq!(public.checks[1].status, HealthStatus::Unhealthy);
        assert!(public.checks.iter().all(|c| c.error.is_none()));
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
