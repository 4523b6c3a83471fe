//! Typed access to the menus the billing product uses.
//!
//! Every menu works the same way (`add`, `set`, `remove`, `print` with queries and `.proplist`),
//! so one generic [`Menu`] serves them all; each menu only contributes its row type.

mod hotspot;
mod ppp;
mod system;

use std::marker::PhantomData;
use std::time::Duration;

pub use hotspot::{
    HotspotActive, HotspotUser, HotspotUserChanges, HotspotUserProfile, HotspotUserProfileChanges,
    NewHotspotUser, NewHotspotUserProfile,
};
pub use ppp::{
    NewPppProfile, NewPppSecret, PppActive, PppProfile, PppProfileChanges, PppSecret,
    PppSecretChanges,
};
pub use system::{SystemIdentity, SystemResource};

use crate::client::Client;
use crate::command::{Command, Query};
use crate::duration::{format_router_duration, parse_router_duration};
use crate::error::Error;
use crate::reply::Attributes;

/// An item's internal id, e.g. `*1A`. Stable for the item's life, unlike print positions.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct ItemId(pub String);

impl ItemId {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for ItemId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A row type read from `print`.
pub trait MenuRow: Sized {
    /// The menu's path, e.g. `/ip/hotspot/user`.
    const PATH: &'static str;
    /// Properties absent from the row (through `.proplist` or because the router left them out)
    /// take their default, so a narrow print still yields rows.
    fn from_attributes(row: &Attributes) -> Self;
}

/// Values for `add` or `set`: only the properties to send.
pub trait MenuValues {
    fn to_attributes(&self) -> Vec<(&'static str, String)>;
}

/// One menu of the router; obtained from the `Client` helpers such as [`Client::hotspot_users`].
pub struct Menu<'c, Row> {
    client: &'c Client,
    row: PhantomData<Row>,
}

impl<'c, Row: MenuRow> Menu<'c, Row> {
    pub(crate) fn new(client: &'c Client) -> Self {
        Self {
            client,
            row: PhantomData,
        }
    }

    /// Prints the rows matching `query`, with only `proplist` properties (all when empty).
    pub async fn print(&self, query: &Query, proplist: &[&str]) -> Result<Vec<Row>, Error> {
        let command = Command::new(&format!("{}/print", Row::PATH))
            .proplist(proplist)
            .query(query);
        let response = self.client.run(&command).await?;
        Ok(response.rows.iter().map(Row::from_attributes).collect())
    }

    pub async fn print_all(&self) -> Result<Vec<Row>, Error> {
        self.print(&Query::new(), &[]).await
    }

    /// The row whose `name` is exactly `name`, if any.
    pub async fn find_by_name(&self, name: &str) -> Result<Option<Row>, Error> {
        Ok(self
            .print(&Query::new().equals("name", name), &[])
            .await?
            .into_iter()
            .next())
    }

    /// Adds an item; returns the id the router assigned.
    pub async fn add(&self, values: &impl MenuValues) -> Result<ItemId, Error> {
        let command = with_values(Command::new(&format!("{}/add", Row::PATH)), values);
        let response = self.client.run(&command).await?;
        let id = response
            .ret()
            .ok_or_else(|| Error::UnexpectedReply("add returned no =ret=".into()))?;
        Ok(ItemId(id.to_owned()))
    }

    pub async fn set(&self, id: &ItemId, changes: &impl MenuValues) -> Result<(), Error> {
        let command = with_values(
            Command::new(&format!("{}/set", Row::PATH)).attr(".id", id.as_str()),
            changes,
        );
        self.client.run(&command).await.map(drop)
    }

    pub async fn remove(&self, id: &ItemId) -> Result<(), Error> {
        let command = Command::new(&format!("{}/remove", Row::PATH)).attr(".id", id.as_str());
        self.client.run(&command).await.map(drop)
    }
}

fn with_values(command: Command, values: &impl MenuValues) -> Command {
    values
        .to_attributes()
        .into_iter()
        .fold(command, |command, (name, value)| command.attr(name, &value))
}

impl Client {
    pub fn hotspot_users(&self) -> Menu<'_, HotspotUser> {
        Menu::new(self)
    }

    pub fn hotspot_user_profiles(&self) -> Menu<'_, HotspotUserProfile> {
        Menu::new(self)
    }

    /// Logged-in hotspot sessions; `remove` logs the session out (a kick).
    pub fn hotspot_active(&self) -> Menu<'_, HotspotActive> {
        Menu::new(self)
    }

    pub fn ppp_secrets(&self) -> Menu<'_, PppSecret> {
        Menu::new(self)
    }

    pub fn ppp_profiles(&self) -> Menu<'_, PppProfile> {
        Menu::new(self)
    }

    /// Connected PPP sessions; `remove` disconnects one.
    pub fn ppp_active(&self) -> Menu<'_, PppActive> {
        Menu::new(self)
    }

    pub async fn system_resource(&self) -> Result<SystemResource, Error> {
        single_row(self, "/system/resource/print")
            .await
            .map(|row| SystemResource::from_attributes(&row))
    }

    pub async fn system_identity(&self) -> Result<SystemIdentity, Error> {
        single_row(self, "/system/identity/print")
            .await
            .map(|row| SystemIdentity::from_attributes(&row))
    }
}

async fn single_row(client: &Client, path: &str) -> Result<Attributes, Error> {
    let response = client.run(&Command::new(path)).await?;
    response
        .rows
        .into_iter()
        .next()
        .ok_or_else(|| Error::UnexpectedReply(format!("{path} returned no row")))
}

/// Small readers for property values, shared by the row types.
pub(crate) fn text(row: &Attributes, name: &str) -> String {
    row.get(name).unwrap_or_default().to_owned()
}

pub(crate) fn optional_text(row: &Attributes, name: &str) -> Option<String> {
    row.get(name).filter(|v| !v.is_empty()).map(str::to_owned)
}

pub(crate) fn number(row: &Attributes, name: &str) -> Option<u64> {
    row.get(name).and_then(|v| v.parse().ok())
}

pub(crate) fn duration(row: &Attributes, name: &str) -> Option<Duration> {
    row.get(name).and_then(|v| parse_router_duration(v).ok())
}

/// RouterOS 7 prints booleans as `true`/`false`, version 6 as `yes`/`no`.
pub(crate) fn flag(row: &Attributes, name: &str) -> bool {
    matches!(row.get(name), Some("true" | "yes"))
}

pub(crate) fn id(row: &Attributes) -> ItemId {
    ItemId(text(row, ".id"))
}

/// Collects `(name, value)` pairs, skipping `None`s.
#[derive(Default)]
pub(crate) struct ValueList(Vec<(&'static str, String)>);

impl ValueList {
    pub(crate) fn text(mut self, name: &'static str, value: Option<&str>) -> Self {
        if let Some(value) = value {
            self.0.push((name, value.to_owned()));
        }
        self
    }

    pub(crate) fn number(mut self, name: &'static str, value: Option<u64>) -> Self {
        if let Some(value) = value {
            self.0.push((name, value.to_string()));
        }
        self
    }

    pub(crate) fn duration(mut self, name: &'static str, value: Option<Duration>) -> Self {
        if let Some(value) = value {
            self.0.push((name, format_router_duration(value)));
        }
        self
    }

    pub(crate) fn flag(mut self, name: &'static str, value: Option<bool>) -> Self {
        if let Some(value) = value {
            self.0
                .push((name, if value { "yes" } else { "no" }.to_owned()));
        }
        self
    }

    pub(crate) fn finish(self) -> Vec<(&'static str, String)> {
        self.0
    }
}
