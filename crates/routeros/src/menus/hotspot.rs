use std::time::Duration;

use super::{
    ItemId, MenuRow, MenuValues, ValueList, duration, flag, id, number, optional_text, text,
};
use crate::reply::Attributes;

/// A row of `/ip/hotspot/user`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HotspotUser {
    pub id: ItemId,
    pub name: String,
    pub password: Option<String>,
    pub profile: Option<String>,
    pub limit_uptime: Option<Duration>,
    pub limit_bytes_total: Option<u64>,
    pub comment: Option<String>,
    pub disabled: bool,
    /// Time used so far, across sessions.
    pub uptime: Option<Duration>,
    pub bytes_in: Option<u64>,
    pub bytes_out: Option<u64>,
}

impl MenuRow for HotspotUser {
    const PATH: &'static str = "/ip/hotspot/user";
    fn from_attributes(row: &Attributes) -> Self {
        Self {
            id: id(row),
            name: text(row, "name"),
            password: optional_text(row, "password"),
            profile: optional_text(row, "profile"),
            limit_uptime: duration(row, "limit-uptime"),
            limit_bytes_total: number(row, "limit-bytes-total"),
            comment: optional_text(row, "comment"),
            disabled: flag(row, "disabled"),
            uptime: duration(row, "uptime"),
            bytes_in: number(row, "bytes-in"),
            bytes_out: number(row, "bytes-out"),
        }
    }
}

/// Values for `/ip/hotspot/user/add`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewHotspotUser {
    pub name: String,
    pub password: Option<String>,
    pub profile: Option<String>,
    pub limit_uptime: Option<Duration>,
    pub limit_bytes_total: Option<u64>,
    pub comment: Option<String>,
    pub disabled: bool,
}

impl MenuValues for NewHotspotUser {
    fn to_attributes(&self) -> Vec<(&'static str, String)> {
        ValueList::default()
            .text("name", Some(&self.name))
            .text("password", self.password.as_deref())
            .text("profile", self.profile.as_deref())
            .duration("limit-uptime", self.limit_uptime)
            .number("limit-bytes-total", self.limit_bytes_total)
            .text("comment", self.comment.as_deref())
            .flag("disabled", self.disabled.then_some(true))
            .finish()
    }
}

/// Values for `/ip/hotspot/user/set`: `None` leaves a property unchanged.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HotspotUserChanges {
    pub name: Option<String>,
    pub password: Option<String>,
    pub profile: Option<String>,
    pub limit_uptime: Option<Duration>,
    pub limit_bytes_total: Option<u64>,
    pub comment: Option<String>,
    pub disabled: Option<bool>,
}

impl MenuValues for HotspotUserChanges {
    fn to_attributes(&self) -> Vec<(&'static str, String)> {
        ValueList::default()
            .text("name", self.name.as_deref())
            .text("password", self.password.as_deref())
            .text("profile", self.profile.as_deref())
            .duration("limit-uptime", self.limit_uptime)
            .number("limit-bytes-total", self.limit_bytes_total)
            .text("comment", self.comment.as_deref())
            .flag("disabled", self.disabled)
            .finish()
    }
}

/// A row of `/ip/hotspot/user/profile`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HotspotUserProfile {
    pub id: ItemId,
    pub name: String,
    /// e.g. `2M/5M` (upload/download).
    pub rate_limit: Option<String>,
    pub shared_users: Option<u64>,
    pub session_timeout: Option<Duration>,
}

impl MenuRow for HotspotUserProfile {
    const PATH: &'static str = "/ip/hotspot/user/profile";
    fn from_attributes(row: &Attributes) -> Self {
        Self {
            id: id(row),
            name: text(row, "name"),
            rate_limit: optional_text(row, "rate-limit"),
            shared_users: number(row, "shared-users"),
            session_timeout: duration(row, "session-timeout"),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewHotspotUserProfile {
    pub name: String,
    pub rate_limit: Option<String>,
    pub shared_users: Option<u64>,
    pub session_timeout: Option<Duration>,
}

impl MenuValues for NewHotspotUserProfile {
    fn to_attributes(&self) -> Vec<(&'static str, String)> {
        ValueList::default()
            .text("name", Some(&self.name))
            .text("rate-limit", self.rate_limit.as_deref())
            .number("shared-users", self.shared_users)
            .duration("session-timeout", self.session_timeout)
            .finish()
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HotspotUserProfileChanges {
    pub name: Option<String>,
    pub rate_limit: Option<String>,
    pub shared_users: Option<u64>,
    pub session_timeout: Option<Duration>,
}

impl MenuValues for HotspotUserProfileChanges {
    fn to_attributes(&self) -> Vec<(&'static str, String)> {
        ValueList::default()
            .text("name", self.name.as_deref())
            .text("rate-limit", self.rate_limit.as_deref())
            .number("shared-users", self.shared_users)
            .duration("session-timeout", self.session_timeout)
            .finish()
    }
}

/// A row of `/ip/hotspot/active`: a logged-in session.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HotspotActive {
    pub id: ItemId,
    pub user: String,
    pub address: Option<String>,
    pub mac_address: Option<String>,
    pub uptime: Option<Duration>,
    pub bytes_in: Option<u64>,
    pub bytes_out: Option<u64>,
}

impl MenuRow for HotspotActive {
    const PATH: &'static str = "/ip/hotspot/active";
    fn from_attributes(row: &Attributes) -> Self {
        Self {
            id: id(row),
            user: text(row, "user"),
            address: optional_text(row, "address"),
            mac_address: optional_text(row, "mac-address"),
            uptime: duration(row, "uptime"),
            bytes_in: number(row, "bytes-in"),
            bytes_out: number(row, "bytes-out"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_user_sends_only_what_is_set() {
        let user = NewHotspotUser {
            name: "v-1234".into(),
            password: Some("p".into()),
            limit_uptime: Some(Duration::from_secs(3 * 3600)),
            ..Default::default()
        };
        assert_eq!(
            user.to_attributes(),
            [
                ("name", "v-1234".to_owned()),
                ("password", "p".to_owned()),
                ("limit-uptime", "3h".to_owned())
            ]
        );
    }

    #[test]
    fn row_reads_router_spellings() {
        let row: Attributes = [
            (".id", "*1A"),
            ("name", "v-1"),
            ("disabled", "true"),
            ("uptime", "1h2m"),
            ("limit-bytes-total", "1073741824"),
        ]
        .into_iter()
        .collect();
        let user = HotspotUser::from_attributes(&row);
        assert_eq!(user.id, ItemId("*1A".into()));
        assert!(user.disabled);
        assert_eq!(user.uptime, Some(Duration::from_secs(3720)));
        assert_eq!(user.limit_bytes_total, Some(1 << 30));
        assert_eq!(user.comment, None);
    }
}
