//! The menus the simulated router has, and how each behaves: what `add` and `set` accept, the
//! defaults of a new item, how a duplicate name is refused, which menu holds valid profiles.

/// How one menu behaves.
pub(super) struct MenuSpec {
    pub(super) path: &'static str,
    /// Properties `add` and `set` accept.
    pub(super) writable: &'static [&'static str],
    /// Properties every new item starts with.
    pub(super) defaults: &'static [(&'static str, &'static str)],
    /// The trap message for a second item with the same name, worded as RouterOS words it.
    pub(super) duplicate_name: Option<&'static str>,
    /// The menu whose item names are the valid values of `profile`.
    pub(super) profiles: Option<&'static str>,
    /// Sessions are created by logins (`Simulator::login_*`), not by `add`.
    pub(super) sessions: bool,
}

pub(crate) const HOTSPOT_USER: &str = "/ip/hotspot/user";
pub(crate) const HOTSPOT_PROFILE: &str = "/ip/hotspot/user/profile";
pub(crate) const HOTSPOT_ACTIVE: &str = "/ip/hotspot/active";
pub(crate) const PPP_SECRET: &str = "/ppp/secret";
pub(crate) const PPP_PROFILE: &str = "/ppp/profile";
pub(crate) const PPP_ACTIVE: &str = "/ppp/active";

pub(super) const MENUS: &[MenuSpec] = &[
    MenuSpec {
        path: HOTSPOT_USER,
        writable: &[
            "name",
            "password",
            "profile",
            "limit-uptime",
            "limit-bytes-total",
            "limit-bytes-in",
            "limit-bytes-out",
            "comment",
            "disabled",
            "server",
            "mac-address",
            "email",
        ],
        defaults: &[
            ("server", "all"),
            ("profile", "default"),
            ("disabled", "false"),
            ("dynamic", "false"),
        ],
        duplicate_name: Some("failure: already have user with this name for this server"),
        profiles: Some(HOTSPOT_PROFILE),
        sessions: false,
    },
    MenuSpec {
        path: HOTSPOT_PROFILE,
        writable: &[
            "name",
            "rate-limit",
            "shared-users",
            "session-timeout",
            "idle-timeout",
            "keepalive-timeout",
        ],
        defaults: &[
            ("shared-users", "1"),
            ("idle-timeout", "none"),
            ("keepalive-timeout", "2m"),
        ],
        // Seen for /ppp/profile on real routers; assumed identical for hotspot profiles.
        duplicate_name: Some("failure: profile with the same name already exists"),
        profiles: None,
        sessions: false,
    },
    MenuSpec {
        path: HOTSPOT_ACTIVE,
        writable: &[],
        defaults: &[],
        duplicate_name: None,
        profiles: None,
        sessions: true,
    },
    MenuSpec {
        path: PPP_SECRET,
        writable: &[
            "name",
            "password",
            "profile",
            "service",
            "remote-address",
            "local-address",
            "comment",
            "disabled",
        ],
        defaults: &[
            ("service", "any"),
            ("profile", "default"),
            ("disabled", "false"),
        ],
        duplicate_name: Some("failure: secret with the same name already exists"),
        profiles: Some(PPP_PROFILE),
        sessions: false,
    },
    MenuSpec {
        path: PPP_PROFILE,
        writable: &[
            "name",
            "rate-limit",
            "local-address",
            "remote-address",
            "only-one",
            "comment",
        ],
        defaults: &[("only-one", "default")],
        duplicate_name: Some("failure: profile with the same name already exists"),
        profiles: None,
        sessions: false,
    },
    MenuSpec {
        path: PPP_ACTIVE,
        writable: &[],
        defaults: &[],
        duplicate_name: None,
        profiles: None,
        sessions: true,
    },
];
