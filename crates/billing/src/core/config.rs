//! One `Config`, loaded once at start-up from a TOML file plus `APP_`-prefixed environment
//! variables (`APP_DATABASE__URL` sets `database.url`), and passed down. No globals.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use rand::RngCore;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Local development and tests: missing secrets are generated into the data directory.
    Development,
    /// Every secret must be given explicitly.
    Production,
}

#[derive(Debug, Clone)]
pub struct Config {
    pub mode: Mode,
    /// Where generated development secrets and local files live (`.data` by default).
    pub data_dir: PathBuf,
    /// The address customers use to reach the app, for links in messages (no trailing slash).
    pub public_url: String,
    /// Reverse proxies whose `X-Forwarded-For` names the client (none by default).
    pub trusted_proxies: Vec<ipnet::IpNet>,
    pub timezone: chrono_tz::Tz,
    pub database: DatabaseConfig,
    pub redis: RedisConfig,
    pub secrets: Secrets,
    pub auth: AuthConfig,
    /// What happens on the router to an expired voucher's hotspot user.
    pub expired_voucher_action: domain::ExpiredAction,
    /// Run the background jobs (router outbox, activation monitor, profile sync) in this process.
    pub background_jobs: bool,
    /// How often the activation monitor reads the routers (30 s by default). Divides a minute.
    pub activation_interval_seconds: u32,
    pub health: HealthConfig,
    pub invoices: InvoicesConfig,
    pub business: BusinessConfig,
}

/// The operator as printed invoices and receipts name them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BusinessConfig {
    pub name: String,
    pub address: Option<String>,
    /// Telephone or WhatsApp, as printed.
    pub phone: Option<String>,
    /// NPWP, printed on invoices when set.
    pub tax_id: Option<String>,
}

#[derive(Debug, Clone, Copy)]
pub struct InvoicesConfig {
    /// PPN in hundredths of a percent (1,100 = 11 %); 0: no tax line.
    pub tax_basis_points: u32,
    /// Prices already include the tax (the line shows it, the total does not add it).
    pub prices_include_tax: bool,
    /// Days from issue to the due date when an invoice names none.
    pub due_days: u32,
    /// Days past an invoice's due date before its unpaid PPPoE subscription is isolated.
    pub isolation_grace_days: u32,
    /// Days before a subscription's period starts that the monthly run issues its invoice.
    pub run_days_ahead: u32,
    /// Days after a period starts that its invoice is due.
    pub period_due_days: u32,
}

#[derive(Debug, Clone)]
pub struct HealthConfig {
    /// The longest a router's health probe is reused: each router is probed at most once per
    /// interval, however often `/health` and the dashboard are read (30 s by default).
    pub router_probe_interval_seconds: u64,
    /// A bearer token that reads the detailed `/health` report (router names and errors) without
    /// an admin login, for monitoring. None: only admins read it.
    pub monitoring_token: Option<SecretString>,
}

#[derive(Debug, Clone)]
pub struct DatabaseConfig {
    pub url: SecretString,
    pub max_connections: u32,
}

#[derive(Debug, Clone)]
pub struct RedisConfig {
    pub url: SecretString,
    /// Prepended to every key, so several installations (or tests) can share one Redis.
    pub key_prefix: String,
}

#[derive(Debug, Clone)]
pub struct Secrets {
    /// Signs API tokens (HS256). At least 32 bytes.
    pub jwt_secret: SecretString,
    /// AES-256 key (base64 of 32 bytes) for router and gateway credentials and for backups.
    pub encryption_key: SecretString,
}

#[derive(Debug, Clone)]
pub struct AuthConfig {
    /// Lifetime of a login: of the API token and of the browser session.
    pub session_ttl_seconds: u64,
    /// Failed logins per username within the window before attempts are slowed down; a client
    /// address may make five times as many attempts before it is blocked for the window.
    pub login_max_failures: u32,
    pub login_window_seconds: u64,
    /// The longest wait between attempts on a username past its failures (it doubles from 1 s).
    pub login_backoff_max_seconds: u64,
    /// Customer registrations an hour from one client address, and from everyone together.
    pub register_per_address_per_hour: u32,
    pub register_per_hour: u32,
    /// Send the session cookie only over HTTPS (on by default in production).
    pub secure_cookies: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error(
        "missing setting `{key}`: set it in the config file or as the environment variable {env}"
    )]
    Missing { key: &'static str, env: String },
    #[error("setting `{key}` is malformed: {reason}")]
    Malformed { key: &'static str, reason: String },
    #[error("cannot read the configuration")]
    Source(#[from] config::ConfigError),
    #[error("cannot store generated development secrets in {path}: {source}")]
    SecretsFile {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// The shape of the file and environment before validation: everything optional, so that a
/// missing setting is reported by its name rather than as a deserialisation error.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct RawConfig {
    mode: Option<String>,
    /// Comma-separated addresses or networks.
    trusted_proxies: Option<String>,
    data_dir: Option<PathBuf>,
    public_url: Option<String>,
    timezone: Option<String>,
    database: RawDatabase,
    redis: RawRedis,
    secrets: RawSecrets,
    auth: RawAuth,
    vouchers: RawVouchers,
    background_jobs: Option<bool>,
    jobs: RawJobs,
    health: RawHealth,
    invoices: RawInvoices,
    business: RawBusiness,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct RawBusiness {
    name: Option<String>,
    address: Option<String>,
    phone: Option<String>,
    tax_id: Option<String>,
}

impl RawBusiness {
    fn resolve(self) -> BusinessConfig {
        let text = |v: Option<String>| v.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
        BusinessConfig {
            name: text(self.name).unwrap_or_else(|| "Mikrotik Billing".to_owned()),
            address: text(self.address),
            phone: text(self.phone),
            tax_id: text(self.tax_id),
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct RawInvoices {
    /// A percentage: `11`, `11.5` or `11,5`.
    tax_rate: Option<String>,
    prices_include_tax: Option<bool>,
    due_days: Option<u32>,
    isolation_grace_days: Option<u32>,
    run_days_ahead: Option<u32>,
    period_due_days: Option<u32>,
}

/// A percentage with up to two decimals (`11`, `11.5`, `11,25`) in hundredths of a percent.
fn basis_points(text: &str) -> Option<u32> {
    let text = text.trim().replace(',', ".");
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    if whole.is_empty()
        || fraction.len() > 2
        || !whole
            .chars()
            .chain(fraction.chars())
            .all(|c| c.is_ascii_digit())
    {
        return None;
    }
    let whole: u32 = whole.parse().ok()?;
    let hundredths: u32 = format!("{fraction:0<2}").parse().ok()?;
    let points = whole.checked_mul(100)?.checked_add(hundredths)?;
    (points <= 10_000).then_some(points)
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct RawHealth {
    router_probe_interval_seconds: Option<u64>,
    monitoring_token: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct RawJobs {
    activation_interval_seconds: Option<u32>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct RawVouchers {
    expired_action: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct RawDatabase {
    url: Option<String>,
    max_connections: Option<u32>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct RawRedis {
    url: Option<String>,
    key_prefix: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct RawSecrets {
    jwt_secret: Option<String>,
    encryption_key: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct RawAuth {
    session_ttl_seconds: Option<u64>,
    login_max_failures: Option<u32>,
    login_window_seconds: Option<u64>,
    login_backoff_max_seconds: Option<u64>,
    register_per_address_per_hour: Option<u32>,
    register_per_hour: Option<u32>,
    secure_cookies: Option<bool>,
    /// Lets production run with cookies over plain HTTP, on purpose (a LAN without TLS).
    insecure_cookies_in_production: Option<bool>,
}

fn env_name(key: &str) -> String {
    format!("APP_{}", key.replace('.', "__").to_uppercase())
}

fn required(value: Option<String>, key: &'static str) -> Result<String, ConfigError> {
    match value {
        Some(v) if !v.trim().is_empty() => Ok(v),
        _ => Err(ConfigError::Missing {
            key,
            env: env_name(key),
        }),
    }
}

impl Config {
    /// Reads `file` (if given; it must then exist) and the `APP_` environment.
    pub fn load(file: Option<&Path>) -> Result<Config, ConfigError> {
        let mut builder = config::Config::builder();
        if let Some(file) = file {
            builder = builder.add_source(config::File::from(file).required(true));
        }
        let raw: RawConfig = builder
            .add_source(
                config::Environment::with_prefix("APP")
                    .prefix_separator("_")
                    .separator("__")
                    .try_parsing(true),
            )
            .build()?
            .try_deserialize()?;
        Self::from_raw(raw)
    }

    fn from_raw(raw: RawConfig) -> Result<Config, ConfigError> {
        let mode = match raw.mode.as_deref().unwrap_or("development") {
            "development" | "dev" => Mode::Development,
            "production" | "prod" => Mode::Production,
            other => {
                return Err(ConfigError::Malformed {
                    key: "mode",
                    reason: format!("expected `development` or `production`, got `{other}`"),
                });
            }
        };
        let data_dir = raw.data_dir.unwrap_or_else(|| PathBuf::from(".data"));
        let timezone = raw.timezone.unwrap_or_else(|| "Asia/Jakarta".to_owned());
        let timezone = timezone
            .parse::<chrono_tz::Tz>()
            .map_err(|_| ConfigError::Malformed {
                key: "timezone",
                reason: format!("`{timezone}` is not an IANA time zone such as Asia/Jakarta"),
            })?;
        let public_url = raw
            .public_url
            .unwrap_or_else(|| "http://localhost:3000".to_owned());
        if !(public_url.starts_with("http://") || public_url.starts_with("https://")) {
            return Err(ConfigError::Malformed {
                key: "public_url",
                reason: format!("`{public_url}` must start with http:// or https://"),
            });
        }

        let trusted_proxies = crate::core::client_address::parse_trusted(
            raw.trusted_proxies.as_deref().unwrap_or(""),
        )
        .map_err(|reason| ConfigError::Malformed {
            key: "trusted_proxies",
            reason,
        })?;

        let database_url = required(raw.database.url, "database.url")?;
        if !database_url.starts_with("postgres://") && !database_url.starts_with("postgresql://") {
            return Err(ConfigError::Malformed {
                key: "database.url",
                reason: "must be a postgres:// URL".to_owned(),
            });
        }
        let redis_url = required(raw.redis.url, "redis.url")?;
        if !redis_url.starts_with("redis://") && !redis_url.starts_with("rediss://") {
            return Err(ConfigError::Malformed {
                key: "redis.url",
                reason: "must be a redis:// or rediss:// URL".to_owned(),
            });
        }

        let secrets = Self::secrets(raw.secrets, mode, &data_dir)?;
        let auth = AuthConfig {
            session_ttl_seconds: raw.auth.session_ttl_seconds.unwrap_or(7 * 24 * 3600),
            login_max_failures: raw.auth.login_max_failures.unwrap_or(5),
            login_window_seconds: raw.auth.login_window_seconds.unwrap_or(15 * 60),
            login_backoff_max_seconds: raw.auth.login_backoff_max_seconds.unwrap_or(30),
            register_per_address_per_hour: raw.auth.register_per_address_per_hour.unwrap_or(10),
            register_per_hour: raw.auth.register_per_hour.unwrap_or(300),
            secure_cookies: raw.auth.secure_cookies.unwrap_or(mode == Mode::Production),
        };
        if mode == Mode::Production
            && !auth.secure_cookies
            && !raw.auth.insecure_cookies_in_production.unwrap_or(false)
        {
            return Err(ConfigError::Malformed {
                key: "auth.secure_cookies",
                reason: "production sends the session cookie over HTTPS only; to run without \
                         HTTPS on purpose also set auth.insecure_cookies_in_production = true \
                         (APP_AUTH__INSECURE_COOKIES_IN_PRODUCTION)"
                    .to_owned(),
            });
        }
        if auth.session_ttl_seconds == 0
            || auth.login_max_failures == 0
            || auth.login_window_seconds == 0
        {
            return Err(ConfigError::Malformed {
                key: "auth",
                reason: "session_ttl_seconds, login_max_failures and login_window_seconds must be positive".to_owned(),
            });
        }

        let expired_voucher_action =
            match raw.vouchers.expired_action.as_deref().unwrap_or("remove") {
                "remove" => domain::ExpiredAction::Remove,
                "disable" => domain::ExpiredAction::Disable,
                other => {
                    return Err(ConfigError::Malformed {
                        key: "vouchers.expired_action",
                        reason: format!("expected `remove` or `disable`, got `{other}`"),
                    });
                }
            };

        let activation_interval_seconds = raw.jobs.activation_interval_seconds.unwrap_or(30);
        if !(1..=60).contains(&activation_interval_seconds) || 60 % activation_interval_seconds != 0
        {
            return Err(ConfigError::Malformed {
                key: "jobs.activation_interval_seconds",
                reason: "must divide a minute: 1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30 or 60"
                    .to_owned(),
            });
        }

        let router_probe_interval_seconds = raw.health.router_probe_interval_seconds.unwrap_or(30);
        if router_probe_interval_seconds == 0 {
            return Err(ConfigError::Malformed {
                key: "health.router_probe_interval_seconds",
                reason: "must be at least 1".to_owned(),
            });
        }
        let monitoring_token = match raw.health.monitoring_token {
            Some(token) if token.trim().len() < 16 => {
                return Err(ConfigError::Malformed {
                    key: "health.monitoring_token",
                    reason: "must be at least 16 characters (or unset)".to_owned(),
                });
            }
            token => token.map(|t| SecretString::from(t.trim().to_owned())),
        };

        let tax_basis_points = match raw.invoices.tax_rate.as_deref() {
            None => 0,
            Some(rate) => basis_points(rate).ok_or_else(|| ConfigError::Malformed {
                key: "invoices.tax_rate",
                reason: format!("`{rate}` is not a percentage from 0 to 100 such as 11 or 11.5"),
            })?,
        };
        let invoices = InvoicesConfig {
            tax_basis_points,
            prices_include_tax: raw.invoices.prices_include_tax.unwrap_or(false),
            due_days: raw.invoices.due_days.unwrap_or(7).min(365),
            isolation_grace_days: raw.invoices.isolation_grace_days.unwrap_or(3).min(365),
            run_days_ahead: raw.invoices.run_days_ahead.unwrap_or(7).min(27),
            period_due_days: raw.invoices.period_due_days.unwrap_or(0).min(27),
        };

        Ok(Config {
            mode,
            trusted_proxies,
            data_dir,
            public_url: public_url.trim_end_matches('/').to_owned(),
            timezone,
            database: DatabaseConfig {
                url: SecretString::from(database_url),
                max_connections: raw.database.max_connections.unwrap_or(20),
            },
            redis: RedisConfig {
                url: SecretString::from(redis_url),
                key_prefix: raw.redis.key_prefix.unwrap_or_else(|| "mb:".to_owned()),
            },
            secrets,
            auth,
            expired_voucher_action,
            background_jobs: raw.background_jobs.unwrap_or(true),
            activation_interval_seconds,
            health: HealthConfig {
                router_probe_interval_seconds,
                monitoring_token,
            },
            invoices,
            business: raw.business.resolve(),
        })
    }

    /// The secrets, generated into the data directory for development when not given.
    fn secrets(mut raw: RawSecrets, mode: Mode, data_dir: &Path) -> Result<Secrets, ConfigError> {
        if mode == Mode::Development && (raw.jwt_secret.is_none() || raw.encryption_key.is_none()) {
            let generated = development_secrets(data_dir)?;
            raw.jwt_secret = raw.jwt_secret.or(generated.jwt_secret);
            raw.encryption_key = raw.encryption_key.or(generated.encryption_key);
        }
        let jwt_secret = required(raw.jwt_secret, "secrets.jwt_secret")?;
        if jwt_secret.len() < 32 {
            return Err(ConfigError::Malformed {
                key: "secrets.jwt_secret",
                reason: "must be at least 32 characters".to_owned(),
            });
        }
        let encryption_key = required(raw.encryption_key, "secrets.encryption_key")?;
        match BASE64.decode(encryption_key.trim()) {
            Ok(bytes) if bytes.len() == 32 => {}
            _ => {
                return Err(ConfigError::Malformed {
                    key: "secrets.encryption_key",
                    reason: "must be 32 random bytes in base64 (e.g. `openssl rand -base64 32`)"
                        .to_owned(),
                });
            }
        }
        Ok(Secrets {
            jwt_secret: SecretString::from(jwt_secret),
            encryption_key: SecretString::from(encryption_key),
        })
    }

    /// A development configuration with fixed secrets and its own Redis key prefix, for tests
    /// that share one PostgreSQL server and one Redis.
    pub fn for_tests(database_url: &str, redis_url: &str) -> Config {
        let raw = RawConfig {
            database: RawDatabase {
                url: Some(database_url.to_owned()),
                max_connections: Some(5),
            },
            redis: RawRedis {
                url: Some(redis_url.to_owned()),
                key_prefix: Some(format!("test:{}:", uuid::Uuid::new_v4().simple())),
            },
            secrets: RawSecrets {
                jwt_secret: Some("test-secret-that-is-long-enough-for-hs256!".to_owned()),
                encryption_key: Some(BASE64.encode([7u8; 32])),
            },
            // An owner waits seconds, not half a minute, in tests of the login backoff.
            auth: RawAuth {
                login_backoff_max_seconds: Some(2),
                ..RawAuth::default()
            },
            ..RawConfig::default()
        };
        Config::from_raw(raw).expect("the test configuration is valid")
    }

    /// The 32-byte key for AES-256-GCM; validated at load time.
    pub fn encryption_key_bytes(&self) -> [u8; 32] {
        let bytes = BASE64
            .decode(self.secrets.encryption_key.expose_secret().trim())
            .expect("validated when the configuration was loaded");
        bytes.try_into().expect("validated to be 32 bytes")
    }
}

/// Reads `secrets.toml` from the data directory, creating it with fresh random secrets the first
/// time, so a development install keeps its sessions and encrypted data across restarts.
fn development_secrets(data_dir: &Path) -> Result<RawSecrets, ConfigError> {
    let path = data_dir.join("secrets.toml");
    let io_error = |source| ConfigError::SecretsFile {
        path: path.clone(),
        source,
    };
    if !path.exists() {
        let mut jwt = [0u8; 48];
        let mut key = [0u8; 32];
        rand::rng().fill_bytes(&mut jwt);
        rand::rng().fill_bytes(&mut key);
        let contents = format!(
            "# Generated for development on first run. Never use these in production.\n\
             jwt_secret = \"{}\"\nencryption_key = \"{}\"\n",
            BASE64.encode(jwt),
            BASE64.encode(key)
        );
        std::fs::create_dir_all(data_dir).map_err(io_error)?;
        write_private(&path, &contents).map_err(io_error)?;
    }
    let raw: RawSecrets = config::Config::builder()
        .add_source(config::File::from(path.as_path()).format(config::FileFormat::Toml))
        .build()?
        .try_deserialize()?;
    Ok(raw)
}

#[cfg(unix)]
fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(contents.as_bytes())
}

#[cfg(not(unix))]
fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    std::fs::write(path, contents)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tax_rates_are_read_as_hundredths_of_a_percent() {
        assert_eq!(basis_points("11"), Some(1_100));
        assert_eq!(basis_points("11.5"), Some(1_150));
        assert_eq!(basis_points("11,25"), Some(1_125));
        assert_eq!(basis_points("0"), Some(0));
        for bad in ["", "11.255", "-1", "eleven", "101", ".5", "1e2"] {
            assert_eq!(basis_points(bad), None, "{bad}");
        }
    }

    fn raw_with_urls() -> RawConfig {
        RawConfig {
            database: RawDatabase {
                url: Some("postgres://localhost/db".into()),
                max_connections: None,
            },
            redis: RawRedis {
                url: Some("redis://localhost".into()),
                key_prefix: None,
            },
            ..RawConfig::default()
        }
    }

    #[test]
    fn production_requires_every_secret_by_name() {
        let mut raw = raw_with_urls();
        raw.mode = Some("production".into());
        let err = Config::from_raw(raw).unwrap_err().to_string();
        assert!(err.contains("secrets.jwt_secret"), "{err}");
        assert!(err.contains("APP_SECRETS__JWT_SECRET"), "{err}");
    }

    #[test]
    fn production_keeps_cookies_secure_unless_told_otherwise_on_purpose() {
        let production = || {
            let mut raw = raw_with_urls();
            raw.mode = Some("production".into());
            raw.secrets.jwt_secret = Some("j".repeat(40));
            raw.secrets.encryption_key =
                Some("a2tra2tra2tra2tra2tra2tra2tra2tra2tra2tra2s=".into());
            raw
        };
        assert!(Config::from_raw(production()).unwrap().auth.secure_cookies);
        let mut plain = production();
        plain.auth.secure_cookies = Some(false);
        let err = Config::from_raw(plain).unwrap_err().to_string();
        assert!(
            err.contains("auth.secure_cookies")
                && err.contains("APP_AUTH__INSECURE_COOKIES_IN_PRODUCTION"),
            "{err}"
        );
        let mut on_purpose = production();
        on_purpose.auth.secure_cookies = Some(false);
        on_purpose.auth.insecure_cookies_in_production = Some(true);
        assert!(!Config::from_raw(on_purpose).unwrap().auth.secure_cookies);
    }

    #[test]
    fn development_generates_secrets_once_and_reuses_them() {
        let dir = tempfile::tempdir().unwrap();
        let load = || {
            let mut raw = raw_with_urls();
            raw.data_dir = Some(dir.path().to_owned());
            Config::from_raw(raw).unwrap()
        };
        let first = load();
        let second = load();
        assert_eq!(
            first.secrets.jwt_secret.expose_secret(),
            second.secrets.jwt_secret.expose_secret()
        );
        assert_eq!(first.encryption_key_bytes(), second.encryption_key_bytes());
        assert_eq!(first.timezone, chrono_tz::Asia::Jakarta);
    }

    #[test]
    fn names_the_missing_database_url() {
        let err = Config::from_raw(RawConfig::default())
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("database.url") && err.contains("APP_DATABASE__URL"),
            "{err}"
        );
    }

    #[test]
    fn rejects_malformed_settings_by_name() {
        let mut raw = raw_with_urls();
        raw.timezone = Some("Mars/Olympus".into());
        let err = Config::from_raw(raw).unwrap_err().to_string();
        assert!(err.contains("`timezone`"), "{err}");

        let mut raw = raw_with_urls();
        raw.mode = Some("staging".into());
        assert!(
            Config::from_raw(raw)
                .unwrap_err()
                .to_string()
                .contains("`mode`")
        );

        let mut raw = raw_with_urls();
        raw.mode = Some("production".into());
        raw.secrets.jwt_secret = Some("x".repeat(40));
        raw.secrets.encryption_key = Some("too-short".into());
        let err = Config::from_raw(raw).unwrap_err().to_string();
        assert!(err.contains("secrets.encryption_key"), "{err}");
    }
}
