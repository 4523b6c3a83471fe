use std::time::Duration;

use super::{duration, number, optional_text, text};
use crate::reply::Attributes;

/// The one row of `/system/resource/print`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SystemResource {
    pub uptime: Option<Duration>,
    pub version: Option<String>,
    pub board_name: Option<String>,
    pub architecture_name: Option<String>,
    /// Percent.
    pub cpu_load: Option<u64>,
    pub free_memory: Option<u64>,
    pub total_memory: Option<u64>,
}

impl SystemResource {
    pub(crate) fn from_attributes(row: &Attributes) -> Self {
        Self {
            uptime: duration(row, "uptime"),
            version: optional_text(row, "version"),
            board_name: optional_text(row, "board-name"),
            architecture_name: optional_text(row, "architecture-name"),
            cpu_load: number(row, "cpu-load"),
            free_memory: number(row, "free-memory"),
            total_memory: number(row, "total-memory"),
        }
    }
}

/// The one row of `/system/identity/print`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SystemIdentity {
    pub name: String,
}

impl SystemIdentity {
    pub(crate) fn from_attributes(row: &Attributes) -> Self {
        Self {
            name: text(row, "name"),
        }
    }
}
