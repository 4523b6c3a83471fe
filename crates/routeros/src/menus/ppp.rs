use std::time::Duration;

use super::{ItemId, MenuRow, MenuValues, ValueList, duration, flag, id, optional_text, text};
use crate::reply::Attributes;

/// A row of `/ppp/secret`: a PPPoE (or other PPP) account.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PppSecret {
    pub id: ItemId,
    pub name: String,
    pub password: Option<String>,
    pub profile: Option<String>,
    /// `any`, `pppoe`, `pptp`, …
    pub service: Option<String>,
    pub remote_address: Option<String>,
    pub comment: Option<String>,
    pub disabled: bool,
}

impl MenuRow for PppSecret {
    const PATH: &'static str = "/ppp/secret";
    fn from_attributes(row: &Attributes) -> Self {
        Self {
            id: id(row),
            name: text(row, "name"),
            password: optional_text(row, "password"),
            profile: optional_text(row, "profile"),
            service: optional_text(row, "service"),
            remote_address: optional_text(row, "remote-address"),
            comment: optional_text(row, "comment"),
            disabled: flag(row, "disabled"),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewPppSecret {
    pub name: String,
    pub password: Option<String>,
    pub profile: Option<String>,
    pub service: Option<String>,
    pub remote_address: Option<String>,
    pub comment: Option<String>,
    pub disabled: bool,
}

impl MenuValues for NewPppSecret {
    fn to_attributes(&self) -> Vec<(&'static str, String)> {
        ValueList::default()
            .text("name", Some(&self.name))
            .text("password", self.password.as_deref())
            .text("profile", self.profile.as_deref())
            .text("service", self.service.as_deref())
            .text("remote-address", self.remote_address.as_deref())
            .text("comment", self.comment.as_deref())
            .flag("disabled", self.disabled.then_some(true))
            .finish()
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PppSecretChanges {
    pub name: Option<String>,
    pub password: Option<String>,
    pub profile: Option<String>,
    pub service: Option<String>,
    pub remote_address: Option<String>,
    pub comment: Option<String>,
    pub disabled: Option<bool>,
}

impl MenuValues for PppSecretChanges {
    fn to_attributes(&self) -> Vec<(&'static str, String)> {
        ValueList::default()
            .text("name", self.name.as_deref())
            .text("password", self.password.as_deref())
            .text("profile", self.profile.as_deref())
            .text("service", self.service.as_deref())
            .text("remote-address", self.remote_address.as_deref())
            .text("comment", self.comment.as_deref())
            .flag("disabled", self.disabled)
            .finish()
    }
}

/// A row of `/ppp/profile`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PppProfile {
    pub id: ItemId,
    pub name: String,
    pub rate_limit: Option<String>,
    pub local_address: Option<String>,
    pub remote_address: Option<String>,
}

impl MenuRow for PppProfile {
    const PATH: &'static str = "/ppp/profile";
    fn from_attributes(row: &Attributes) -> Self {
        Self {
            id: id(row),
            name: text(row, "name"),
            rate_limit: optional_text(row, "rate-limit"),
            local_address: optional_text(row, "local-address"),
            remote_address: optional_text(row, "remote-address"),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewPppProfile {
    pub name: String,
    pub rate_limit: Option<String>,
    pub local_address: Option<String>,
    pub remote_address: Option<String>,
}

impl MenuValues for NewPppProfile {
    fn to_attributes(&self) -> Vec<(&'static str, String)> {
        ValueList::default()
            .text("name", Some(&self.name))
            .text("rate-limit", self.rate_limit.as_deref())
            .text("local-address", self.local_address.as_deref())
            .text("remote-address", self.remote_address.as_deref())
            .finish()
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PppProfileChanges {
    pub name: Option<String>,
    pub rate_limit: Option<String>,
    pub local_address: Option<String>,
    pub remote_address: Option<String>,
}

impl MenuValues for PppProfileChanges {
    fn to_attributes(&self) -> Vec<(&'static str, String)> {
        ValueList::default()
            .text("name", self.name.as_deref())
            .text("rate-limit", self.rate_limit.as_deref())
            .text("local-address", self.local_address.as_deref())
            .text("remote-address", self.remote_address.as_deref())
            .finish()
    }
}

/// A row of `/ppp/active`: a connected session.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PppActive {
    pub id: ItemId,
    pub name: String,
    pub service: Option<String>,
    pub caller_id: Option<String>,
    pub address: Option<String>,
    pub uptime: Option<Duration>,
}

impl MenuRow for PppActive {
    const PATH: &'static str = "/ppp/active";
    fn from_attributes(row: &Attributes) -> Self {
        Self {
            id: id(row),
            name: text(row, "name"),
            service: optional_text(row, "service"),
            caller_id: optional_text(row, "caller-id"),
            address: optional_text(row, "address"),
            uptime: duration(row, "uptime"),
        }
    }
}
