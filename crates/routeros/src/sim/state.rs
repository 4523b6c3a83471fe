//! The simulated router's configuration and sessions, and the commands that act on them.
//!
//! Everything here is synchronous and free of IO so it can be tested directly; the server
//! around it deals with sockets, tags, latency and faults.

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use super::menus::{
    HOTSPOT_ACTIVE, HOTSPOT_PROFILE, HOTSPOT_USER, MENUS, MenuSpec, PPP_PROFILE, PPP_SECRET,
};
use super::query::Query;
use super::request::{Change, Outcome, Request};
use crate::duration::{format_router_duration, parse_router_duration};
use crate::reply::{Attributes, Reply, Trap, TrapCategory};

#[derive(Debug, Clone)]
struct Item {
    properties: Attributes,
    /// For sessions: the clock reading at login, from which `uptime` is computed.
    started_at: Option<Duration>,
}

struct Menu {
    spec: &'static MenuSpec,
    items: BTreeMap<u32, Item>,
    next_id: u32,
}

pub(crate) struct RouterState {
    menus: BTreeMap<&'static str, Menu>,
    clock: Duration,
    identity: String,
    /// Fourth octet and MAC suffix for the next session, so sessions look distinct.
    next_session: u32,
    pub(crate) emit_empty: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SessionError {
    #[error("no {menu} item named {name:?}")]
    NoSuchUser { menu: &'static str, name: String },
    #[error("{name:?} is disabled")]
    Disabled { name: String },
}

fn format_id(id: u32) -> String {
    format!("*{id:X}")
}

fn parse_id(text: &str) -> Option<u32> {
    u32::from_str_radix(text.strip_prefix('*')?, 16).ok()
}

impl RouterState {
    pub(crate) fn new() -> Self {
        let mut menus: BTreeMap<_, _> = MENUS
            .iter()
            .map(|spec| {
                (
                    spec.path,
                    Menu {
                        spec,
                        items: BTreeMap::new(),
                        next_id: 1,
                    },
                )
            })
            .collect();
        let mut seed = |path: &'static str, id: u32, properties: &[(&str, &str)]| {
            let menu = menus.get_mut(path).expect("seeded menus exist");
            let mut row: Attributes = menu.spec.defaults.iter().copied().collect();
            for (name, value) in properties {
                row.insert(*name, *value);
            }
            menu.items.insert(
                id,
                Item {
                    properties: row,
                    started_at: None,
                },
            );
        };
        // The default items every RouterOS has, with the ids real routers give them.
        seed(HOTSPOT_PROFILE, 0, &[("name", "default")]);
        seed(PPP_PROFILE, 0, &[("name", "default")]);
        seed(PPP_PROFILE, 0xFFFF_FFFE, &[("name", "default-encryption")]);
        Self {
            menus,
            clock: Duration::ZERO,
            identity: "MikroTik".to_owned(),
            next_session: 1,
            emit_empty: true,
        }
    }

    pub(crate) fn clock(&self) -> Duration {
        self.clock
    }

    /// Moves the clock on; sessions whose user has used up `limit-uptime` are logged out, as a
    /// hotspot does.
    pub(crate) fn advance_clock(&mut self, by: Duration) -> Vec<Change> {
        self.clock += by;
        let expired: Vec<u32> = self.menus[HOTSPOT_ACTIVE]
            .items
            .iter()
            .filter(|(_, session)| {
                let user = session.properties.get("user").unwrap_or_default();
                let Some(user_row) = self.find_by_name(HOTSPOT_USER, user).map(|(_, item)| self.render(HOTSPOT_USER, item))
                else {
                    return false;
                };
                let limit = user_row.get("limit-uptime").and_then(|l| parse_router_duration(l).ok());
                let used = user_row.get("uptime").and_then(|u| parse_router_duration(u).ok());
                matches!((limit, used), (Some(limit), Some(used)) if limit > Duration::ZERO && used >= limit)
            })
            .map(|(id, _)| *id)
            .collect();
        expired
            .into_iter()
            .filter_map(|id| self.end_session(HOTSPOT_ACTIVE, id))
            .collect()
    }

    pub(crate) fn rows(&self, path: &str) -> Vec<Attributes> {
        let live = if path == HOTSPOT_USER {
            self.live_uptimes()
        } else {
            HashMap::new()
        };
        self.menus.get(path).map_or_else(Vec::new, |menu| {
            menu.items
                .iter()
                .map(|(id, item)| with_id(*id, self.render_with(path, item, &live)))
                .collect()
        })
    }

    fn find_by_name(&self, path: &str, name: &str) -> Option<(u32, &Item)> {
        let key = if path == HOTSPOT_ACTIVE {
            "user"
        } else {
            "name"
        };
        self.menus[path]
            .items
            .iter()
            .find(|(_, item)| item.properties.get(key) == Some(name))
            .map(|(id, item)| (*id, item))
    }

    /// An item's properties as `print` shows them, with time-dependent values filled in.
    fn render(&self, path: &str, item: &Item) -> Attributes {
        let live = if path == HOTSPOT_USER {
            self.live_uptimes()
        } else {
            HashMap::new()
        };
        self.render_with(path, item, &live)
    }

    /// Time of the running hotspot sessions, per user: a user's `uptime` includes it.
    fn live_uptimes(&self) -> HashMap<&str, Duration> {
        let mut live: HashMap<&str, Duration> = HashMap::new();
        for session in self.menus[HOTSPOT_ACTIVE].items.values() {
            if let (Some(user), Some(started_at)) =
                (session.properties.get("user"), session.started_at)
            {
                *live.entry(user).or_default() += self.clock.saturating_sub(started_at);
            }
        }
        live
    }

    fn render_with(&self, path: &str, item: &Item, live: &HashMap<&str, Duration>) -> Attributes {
        let mut row = item.properties.clone();
        if let Some(started_at) = item.started_at {
            row.insert(
                "uptime",
                format_router_duration(self.clock.saturating_sub(started_at)),
            );
        }
        if path == HOTSPOT_USER {
            let stored = row
                .get("uptime")
                .and_then(|u| parse_router_duration(u).ok())
                .unwrap_or_default();
            let running = row
                .get("name")
                .and_then(|name| live.get(name))
                .copied()
                .unwrap_or_default();
            row.insert("uptime", format_router_duration(stored + running));
        }
        row
    }

    /// Adds an item bypassing validation, for preloading benchmark data.
    pub(crate) fn preload(&mut self, path: &'static str, properties: Attributes) {
        let menu = self
            .menus
            .get_mut(path)
            .expect("preload targets a known menu");
        let mut row: Attributes = menu.spec.defaults.iter().copied().collect();
        for (name, value) in properties {
            row.insert(name, value);
        }
        menu.items.insert(
            menu.next_id,
            Item {
                properties: row,
                started_at: None,
            },
        );
        menu.next_id += 1;
    }

    pub(crate) fn execute(&mut self, request: &Request) -> Outcome {
        match request.path.as_str() {
            "/system/resource/print" | "/system/resource/getall" => {
                return self.print_resource(request);
            }
            "/system/identity/print" | "/system/identity/getall" => {
                let row: Attributes = [("name", self.identity.as_str())].into_iter().collect();
                return single_row(row, request);
            }
            "/system/identity/set" => {
                if let Some(name) = request.attributes.get("name") {
                    self.identity = name.to_owned();
                }
                return Outcome::done();
            }
            _ => {}
        }
        let (path, verb) = request.split_verb();
        let Some(spec) = self.menus.get(path).map(|m| m.spec) else {
            return unknown_command(path);
        };
        match verb {
            "print" | "getall" => self.print(spec.path, request),
            "add" if !spec.sessions => self.add(spec, &request.attributes),
            "set" if !spec.sessions => self.set(spec, &request.attributes),
            "remove" => self.remove(spec, &request.attributes),
            _ => unknown_command(verb),
        }
    }

    fn print_resource(&self, request: &Request) -> Outcome {
        let uptime = format_router_duration(self.clock);
        let row: Attributes = [
            ("uptime", uptime.as_str()),
            ("version", "7.18 (stable)"),
            ("build-time", "2025-02-24 12:00:00"),
            ("free-memory", "201326592"),
            ("total-memory", "268435456"),
            ("cpu", "simulated"),
            ("cpu-count", "1"),
            ("cpu-load", "3"),
            ("free-hdd-space", "83886080"),
            ("total-hdd-space", "134217728"),
            ("architecture-name", "x86_64"),
            ("board-name", "CHR"),
            ("platform", "MikroTik"),
        ]
        .into_iter()
        .collect();
        single_row(row, request)
    }

    fn print(&self, path: &'static str, request: &Request) -> Outcome {
        let proplist: Option<Vec<&str>> = request
            .attributes
            .get(".proplist")
            .filter(|p| !p.is_empty())
            .map(|p| p.split(',').collect());
        let query = match Query::parse(&request.queries) {
            Ok(query) => query,
            Err(invalid) => {
                return Outcome::trap(&invalid.to_string(), Some(TrapCategory::ArgumentValue));
            }
        };
        let mut replies: Vec<Reply> = self
            .rows(path)
            .into_iter()
            .filter(|row| query.matches(row))
            .map(|row| Reply::Re(select(row, proplist.as_deref())))
            .collect();
        if request.attributes.get("count-only").is_some() {
            let count = replies.len().to_string();
            return Outcome {
                replies: vec![Reply::Done([("ret", count)].into_iter().collect())],
                changes: Vec::new(),
            };
        }
        if replies.is_empty() && self.emit_empty {
            replies.push(Reply::Empty);
        }
        replies.push(Reply::Done(Attributes::new()));
        Outcome {
            replies,
            changes: Vec::new(),
        }
    }

    /// Checks the values an `add` or `set` brings: known properties, unique name, valid profile.
    fn validate(
        &self,
        spec: &MenuSpec,
        values: &Attributes,
        except_id: Option<u32>,
    ) -> Result<(), Outcome> {
        for (name, _) in values.iter() {
            if name != ".id" && name != "numbers" && !spec.writable.contains(&name) {
                return Err(Outcome::trap(
                    &format!("unknown parameter {name}"),
                    Some(TrapCategory::ArgumentValue),
                ));
            }
        }
        if let (Some(name), Some(message)) = (values.get("name"), spec.duplicate_name)
            && self
                .find_by_name(spec.path, name)
                .is_some_and(|(id, _)| Some(id) != except_id)
        {
            return Err(Outcome::trap(message, None));
        }
        if let (Some(profile), Some(profiles)) = (values.get("profile"), spec.profiles)
            && self.find_by_name(profiles, profile).is_none()
        {
            return Err(Outcome::trap(
                "input does not match any value of profile",
                Some(TrapCategory::ArgumentValue),
            ));
        }
        for (name, value) in values.iter() {
            let is_interval =
                name == "limit-uptime" || (name.ends_with("-timeout") && value != "none");
            if is_interval && parse_router_duration(value).is_err() {
                let message = format!("value of {name} is not a time interval");
                return Err(Outcome::trap(&message, Some(TrapCategory::ArgumentValue)));
            }
        }
        Ok(())
    }

    fn add(&mut self, spec: &'static MenuSpec, values: &Attributes) -> Outcome {
        if values.get("name").is_none_or(str::is_empty) {
            return Outcome::trap("failure: name must be set", None);
        }
        if let Err(trap) = self.validate(spec, values, None) {
            return trap;
        }
        let menu = self
            .menus
            .get_mut(spec.path)
            .expect("spec comes from this map");
        let mut row: Attributes = spec.defaults.iter().copied().collect();
        if spec.path == HOTSPOT_USER {
            for (name, value) in [
                ("uptime", "0s"),
                ("bytes-in", "0"),
                ("bytes-out", "0"),
                ("packets-in", "0"),
                ("packets-out", "0"),
            ] {
                row.insert(name, value);
            }
        }
        for (name, value) in values.iter() {
            row.insert(name, normalise_value(value));
        }
        let id = menu.next_id;
        menu.next_id += 1;
        menu.items.insert(
            id,
            Item {
                properties: row,
                started_at: None,
            },
        );
        let change = self.change(spec.path, id);
        Outcome {
            replies: vec![Reply::Done([("ret", format_id(id))].into_iter().collect())],
            changes: vec![change],
        }
    }

    /// Resolves `.id` (or `numbers`): a comma-separated list of `*HEX` ids or item names.
    fn resolve(&self, spec: &MenuSpec, values: &Attributes) -> Result<Vec<u32>, Outcome> {
        let Some(list) = values.get(".id").or_else(|| values.get("numbers")) else {
            return Err(Outcome::trap("no such item", None));
        };
        list.split(',')
            .map(|reference| {
                let by_id =
                    parse_id(reference).filter(|id| self.menus[spec.path].items.contains_key(id));
                by_id.or_else(|| self.find_by_name(spec.path, reference).map(|(id, _)| id))
            })
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| Outcome::trap("no such item", None))
    }

    fn set(&mut self, spec: &'static MenuSpec, values: &Attributes) -> Outcome {
        let ids = match self.resolve(spec, values) {
            Ok(ids) => ids,
            Err(trap) => return trap,
        };
        let renaming_several = ids.len() > 1 && values.get("name").is_some();
        if let Err(trap) = self.validate(
            spec,
            values,
            ids.first().copied().filter(|_| !renaming_several),
        ) {
            return trap;
        }
        let mut changes = Vec::new();
        for id in ids {
            let item = self
                .menus
                .get_mut(spec.path)
                .and_then(|m| m.items.get_mut(&id))
                .expect("resolved ids exist");
            for (name, value) in values
                .iter()
                .filter(|(name, _)| *name != ".id" && *name != "numbers")
            {
                item.properties.insert(name, normalise_value(value));
            }
            changes.push(self.change(spec.path, id));
        }
        Outcome {
            replies: vec![Reply::Done(Attributes::new())],
            changes,
        }
    }

    fn remove(&mut self, spec: &'static MenuSpec, values: &Attributes) -> Outcome {
        let ids = match self.resolve(spec, values) {
            Ok(ids) => ids,
            Err(trap) => return trap,
        };
        let changes = ids
            .into_iter()
            .filter_map(|id| self.end_session(spec.path, id))
            .collect();
        Outcome {
            replies: vec![Reply::Done(Attributes::new())],
            changes,
        }
    }

    /// Removes an item; a hotspot session's time is added to its user's `uptime`.
    fn end_session(&mut self, path: &'static str, id: u32) -> Option<Change> {
        let item = self.menus.get_mut(path)?.items.remove(&id)?;
        if let (HOTSPOT_ACTIVE, Some(started_at)) = (path, item.started_at) {
            let used = self.clock.saturating_sub(started_at);
            let user = item.properties.get("user").unwrap_or_default();
            if let Some(user_id) = self.find_by_name(HOTSPOT_USER, user).map(|(id, _)| id) {
                let user = self.menus.get_mut(HOTSPOT_USER)?.items.get_mut(&user_id)?;
                let stored = user
                    .properties
                    .get("uptime")
                    .and_then(|u| parse_router_duration(u).ok())
                    .unwrap_or_default();
                user.properties
                    .insert("uptime", format_router_duration(stored + used));
            }
        }
        Some(Change {
            path,
            row: [(".id", format_id(id)), (".dead", "yes".to_owned())]
                .into_iter()
                .collect(),
        })
    }

    fn change(&self, path: &'static str, id: u32) -> Change {
        let item = &self.menus[path].items[&id];
        Change {
            path,
            row: with_id(id, self.render(path, item)),
        }
    }

    /// Starts a hotspot (`HOTSPOT_ACTIVE`, keyed by `user`) or PPP (`PPP_ACTIVE`) session.
    pub(crate) fn log_in(
        &mut self,
        sessions: &'static str,
        name: &str,
    ) -> Result<(String, Change), SessionError> {
        let accounts = if sessions == HOTSPOT_ACTIVE {
            HOTSPOT_USER
        } else {
            PPP_SECRET
        };
        let account = self
            .find_by_name(accounts, name)
            .map(|(_, item)| item.properties.clone())
            .ok_or_else(|| SessionError::NoSuchUser {
                menu: accounts,
                name: name.to_owned(),
            })?;
        if account.get("disabled") == Some("true") {
            return Err(SessionError::Disabled {
                name: name.to_owned(),
            });
        }
        let n = self.next_session;
        self.next_session += 1;
        let mac = format!("02:00:00:00:{:02X}:{:02X}", (n >> 8) & 0xFF, n & 0xFF);
        let row: Attributes = if sessions == HOTSPOT_ACTIVE {
            [
                ("server", "hotspot1".to_owned()),
                ("user", name.to_owned()),
                (
                    "address",
                    format!("10.5.{}.{}", 50 + (n / 250) % 200, 1 + n % 250),
                ),
                ("mac-address", mac),
                ("login-by", "http-chap".to_owned()),
                ("bytes-in", "0".to_owned()),
                ("bytes-out", "0".to_owned()),
            ]
            .into_iter()
            .collect()
        } else {
            let address = account.get("remote-address").map_or_else(
                || format!("10.10.{}.{}", (n / 250) % 250, 1 + n % 250),
                str::to_owned,
            );
            [
                ("name", name.to_owned()),
                ("service", "pppoe".to_owned()),
                ("caller-id", mac),
                ("address", address),
                ("encoding", String::new()),
            ]
            .into_iter()
            .collect()
        };
        let menu = self.menus.get_mut(sessions).expect("session menus exist");
        let id = menu.next_id;
        menu.next_id += 1;
        menu.items.insert(
            id,
            Item {
                properties: row,
                started_at: Some(self.clock),
            },
        );
        Ok((format_id(id), self.change(sessions, id)))
    }

    /// Ends every session of `name` in `sessions`; returns the changes.
    pub(crate) fn log_out(&mut self, sessions: &'static str, name: &str) -> Vec<Change> {
        let key = if sessions == HOTSPOT_ACTIVE {
            "user"
        } else {
            "name"
        };
        let ids: Vec<u32> = self.menus[sessions]
            .items
            .iter()
            .filter(|(_, item)| item.properties.get(key) == Some(name))
            .map(|(id, _)| *id)
            .collect();
        ids.into_iter()
            .filter_map(|id| self.end_session(sessions, id))
            .collect()
    }

    pub(crate) fn knows_menu(&self, path: &str) -> bool {
        self.menus.contains_key(path)
    }
}

fn with_id(id: u32, row: Attributes) -> Attributes {
    let mut with_id: Attributes = [(".id", format_id(id))].into_iter().collect();
    for (name, value) in row {
        with_id.insert(name, value);
    }
    with_id
}

/// RouterOS stores flags as booleans and prints them as `true`/`false`, whichever way they were
/// written.
fn normalise_value(value: &str) -> &str {
    match value {
        "yes" => "true",
        "no" => "false",
        other => other,
    }
}

fn select(row: Attributes, proplist: Option<&[&str]>) -> Attributes {
    match proplist {
        Some(wanted) => row
            .into_iter()
            .filter(|(name, _)| wanted.contains(&name.as_str()))
            .collect(),
        None => row,
    }
}

fn single_row(row: Attributes, request: &Request) -> Outcome {
    let proplist: Option<Vec<&str>> = request
        .attributes
        .get(".proplist")
        .map(|p| p.split(',').collect());
    Outcome {
        replies: vec![
            Reply::Re(select(row, proplist.as_deref())),
            Reply::Done(Attributes::new()),
        ],
        changes: Vec::new(),
    }
}

/// RouterOS answers an unknown path with two traps: the missing part, then the prefix.
pub(crate) fn unknown_command(missing: &str) -> Outcome {
    let last = missing.rsplit('/').next().unwrap_or(missing);
    Outcome {
        replies: vec![
            Reply::Trap(Trap {
                message: format!("no such command or directory ({last})"),
                category: Some(TrapCategory::MissingItemOrCommand),
            }),
            Reply::Trap(Trap {
                message: "no such command prefix".into(),
                category: None,
            }),
            Reply::Done(Attributes::new()),
        ],
        changes: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(words: &[&str]) -> Request {
        Request::parse(words.iter().map(|w| (*w).to_owned()).collect())
    }

    fn trap_message(outcome: &Outcome) -> Option<&str> {
        outcome.replies.iter().find_map(|r| match r {
            Reply::Trap(trap) => Some(trap.message.as_str()),
            _ => None,
        })
    }

    #[test]
    fn add_returns_hex_ids_and_refuses_duplicates() {
        let mut state = RouterState::new();
        for n in 1..=27u32 {
            let outcome =
                state.execute(&request(&["/ip/hotspot/user/add", &format!("=name=u{n}")]));
            assert_eq!(
                outcome.replies,
                [Reply::Done([("ret", format_id(n))].into_iter().collect())]
            );
        }
        assert_eq!(format_id(26), "*1A");
        let duplicate = state.execute(&request(&["/ip/hotspot/user/add", "=name=u1"]));
        assert_eq!(
            trap_message(&duplicate),
            Some("failure: already have user with this name for this server")
        );
        assert!(matches!(duplicate.replies.last(), Some(Reply::Done(_))));
    }

    #[test]
    fn set_and_remove_of_a_missing_item_trap() {
        let mut state = RouterState::new();
        for verb in ["set", "remove"] {
            let outcome = state.execute(&request(&[&format!("/ppp/secret/{verb}"), "=.id=*99"]));
            assert_eq!(trap_message(&outcome), Some("no such item"));
        }
    }

    #[test]
    fn unknown_profile_and_parameter_are_refused() {
        let mut state = RouterState::new();
        let outcome = state.execute(&request(&[
            "/ip/hotspot/user/add",
            "=name=a",
            "=profile=gold",
        ]));
        assert_eq!(
            trap_message(&outcome),
            Some("input does not match any value of profile")
        );
        let outcome = state.execute(&request(&[
            "/ip/hotspot/user/add",
            "=name=a",
            "=colour=red",
        ]));
        assert_eq!(trap_message(&outcome), Some("unknown parameter colour"));
    }

    #[test]
    fn print_filters_selects_and_reports_empty() {
        let mut state = RouterState::new();
        state.execute(&request(&["/ip/hotspot/user/add", "=name=a", "=comment=x"]));
        state.execute(&request(&["/ip/hotspot/user/add", "=name=b"]));
        let outcome = state.execute(&request(&[
            "/ip/hotspot/user/print",
            "=.proplist=name",
            "?comment",
        ]));
        assert_eq!(
            outcome.replies,
            [
                Reply::Re([("name", "a")].into_iter().collect()),
                Reply::Done(Attributes::new())
            ]
        );
        let none = state.execute(&request(&["/ip/hotspot/user/print", "?name=zzz"]));
        assert_eq!(none.replies, [Reply::Empty, Reply::Done(Attributes::new())]);
    }

    #[test]
    fn malformed_query_traps_even_when_the_menu_is_empty() {
        let mut state = RouterState::new();
        for path in ["/ppp/active/print", "/ip/hotspot/user/print"] {
            let outcome = state.execute(&request(&[path, "?#x"]));
            assert_eq!(
                trap_message(&outcome),
                Some("invalid query word \"?#x\""),
                "{path}"
            );
        }
        // ?=name=x is the same test as ?name=x.
        state.execute(&request(&["/ip/hotspot/user/add", "=name=a"]));
        let outcome = state.execute(&request(&["/ip/hotspot/user/print", "?=name=a"]));
        assert!(matches!(outcome.replies[0], Reply::Re(_)), "{outcome:?}");
    }

    #[test]
    fn session_uptime_follows_the_clock_and_limit_uptime_logs_out() {
        let mut state = RouterState::new();
        state.execute(&request(&[
            "/ip/hotspot/user/add",
            "=name=a",
            "=limit-uptime=1h",
        ]));
        state.log_in(HOTSPOT_ACTIVE, "a").unwrap();
        state.advance_clock(Duration::from_secs(600));
        assert_eq!(state.rows(HOTSPOT_ACTIVE)[0].get("uptime"), Some("10m"));
        assert_eq!(state.rows(HOTSPOT_USER)[0].get("uptime"), Some("10m"));
        let changes = state.advance_clock(Duration::from_secs(3000));
        assert_eq!(changes.len(), 1);
        assert!(state.rows(HOTSPOT_ACTIVE).is_empty());
        assert_eq!(state.rows(HOTSPOT_USER)[0].get("uptime"), Some("1h"));
        assert_eq!(
            state.log_in(HOTSPOT_ACTIVE, "nobody").map(|(id, _)| id),
            Err(SessionError::NoSuchUser {
                menu: HOTSPOT_USER,
                name: "nobody".into()
            })
        );
    }

    #[test]
    fn unknown_paths_trap_like_routeros() {
        let mut state = RouterState::new();
        let outcome = state.execute(&request(&["/ip/nothing/print"]));
        assert_eq!(outcome.replies.len(), 3);
        assert_eq!(
            trap_message(&outcome),
            Some("no such command or directory (nothing)")
        );
    }
}
