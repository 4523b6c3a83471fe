//! `server`: runs the web server (default), applies migrations, seeds demo data, creates admins.

use anyhow::{Context, Result, bail};
use axum::serve::ListenerExt;
use billing::{Config, Services};
use clap::{Parser, Subcommand};
use domain::Role;
use std::net::SocketAddr;
use std::path::PathBuf;
use tracing_subscriber::EnvFilter;

#[derive(Parser)]
#[command(version, about = "Mikrotik Billing server")]
struct Cli {
    /// TOML configuration file; `APP_*` environment variables override it (APP_DATABASE__URL…).
    #[arg(long, env = "APP_CONFIG")]
    config: Option<PathBuf>,
    /// The site's runtime settings (Leptos); LEPTOS_* environment variables override it.
    #[arg(long, env = "LEPTOS_CONFIG", default_value = "Leptos.toml")]
    leptos_config: PathBuf,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the web site and API (the default).
    Serve,
    /// Apply database migrations and exit.
    Migrate,
    /// Load the demo data (idempotent) and print its logins. With `--router`, also register that
    /// simulated router with demo plans and a first batch of vouchers.
    SeedDemo {
        /// Address of the simulated router's API, e.g. 127.0.0.1:18728.
        #[arg(long)]
        router: Option<std::net::SocketAddr>,
        #[arg(long, default_value = "admin")]
        router_user: String,
        #[arg(long, default_value = "demo-router")]
        router_password: String,
    },
    /// Run the monthly invoice run now (the server runs it every hour by itself) and print what
    /// it did. Safe beside a running server or another run: each subscription is invoiced once
    /// per period.
    InvoiceRun {
        /// Run as on this day (YYYY-MM-DD) instead of today.
        #[arg(long)]
        date: Option<chrono::NaiveDate>,
    },
    /// Create an admin (or cashier) account. The password is read from the environment variable
    /// NEW_USER_PASSWORD or, if unset, from the first line of standard input.
    CreateAdmin {
        #[arg(long)]
        username: String,
        #[arg(long)]
        name: String,
        /// `admin` or `staff` (cashier).
        #[arg(long, default_value = "admin")]
        role: String,
    },
}

#[tokio::main]
async fn main() {
    let cli = Cli::parse();
    if let Err(error) = run(cli).await {
        eprintln!("error: {error:#}");
        std::process::exit(1);
    }
}

async fn run(cli: Cli) -> Result<()> {
    let config = Config::load(cli.config.as_deref()).context("invalid configuration")?;
    init_tracing(&config);
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(config, &cli.leptos_config).await,
        Command::Migrate => {
            Services::start(config).await?;
            println!("migrations applied");
            Ok(())
        }
        Command::SeedDemo {
            router,
            router_user,
            router_password,
        } => {
            billing::ops::demo::refuse_in_production(config.mode).map_err(anyhow::Error::msg)?;
            let services = Services::start(config).await?;
            billing::ops::demo::seed(&services.pool).await?;
            billing::ops::demo::seed_money(
                &services.pool,
                billing::money::invoices::Issuing::from_config(&services.config),
                services.today(),
            )
            .await?;
            if let Some(router) = router {
                let added = billing::ops::demo::seed_router(
                    &services,
                    &router.ip().to_string(),
                    router.port(),
                    &router_user,
                    &router_password,
                )
                .await
                .map_err(|e| anyhow::anyhow!("cannot load the demo router: {e}"))?;
                if added {
                    println!(
                        "demo router registered: {router} with plans, subscribers and 20 vouchers"
                    );
                }
                // The demo subscribers' first invoices, as the hourly run would issue them.
                services
                    .invoice_run(services.today(), billing::core::audit::Actor::System)
                    .await?;
            }
            println!("demo data loaded; logins (username / password):");
            for login in billing::ops::demo::logins() {
                println!(
                    "  {:<9} {:<20} {}",
                    login.role.as_str(),
                    login.username,
                    login.password
                );
            }
            Ok(())
        }
        Command::InvoiceRun { date } => {
            let services = Services::start(config).await?;
            let on = date.unwrap_or_else(|| services.today());
            let outcome = services
                .invoice_run(on, billing::core::audit::Actor::System)
                .await?;
            println!(
                "invoice run as on {on}: {} created, {} skipped, {} failed",
                outcome.created,
                outcome.skipped,
                outcome.failed.len()
            );
            for f in &outcome.failed {
                println!("  subscription {}: {}", f.subscription_id, f.reason);
            }
            Ok(())
        }
        Command::CreateAdmin {
            username,
            name,
            role,
        } => {
            let role: Role = role.parse()?;
            let password = match std::env::var("NEW_USER_PASSWORD") {
                Ok(p) => p,
                Err(_) => {
                    let mut line = String::new();
                    std::io::stdin().read_line(&mut line)?;
                    line.trim_end_matches(['\r', '\n']).to_owned()
                }
            };
            if password.is_empty() {
                bail!("no password given: set NEW_USER_PASSWORD or pipe it on standard input");
            }
            let services = Services::start(config).await?;
            let user = billing::identity::accounts::create_staff(
                &services.pool,
                &username,
                &name,
                password.into(),
                role,
            )
            .await?;
            println!("created {} `{}` (id {})", user.role, user.username, user.id);
            Ok(())
        }
    }
}

fn init_tracing(config: &Config) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| {
        EnvFilter::new("info,sqlx=warn,tower_sessions=warn,tokio_cron_scheduler=warn")
    });
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    if config.mode == billing::core::config::Mode::Production {
        builder.json().init();
    } else {
        builder.init();
    }
}

async fn serve(config: Config, leptos_config: &std::path::Path) -> Result<()> {
    let leptos_options = if leptos_config.exists() {
        leptos::config::get_configuration(Some(&leptos_config.to_string_lossy()))
    } else {
        leptos::config::get_configuration(None)
    }
    .context("invalid Leptos site settings")?
    .leptos_options;
    let mut leptos_options = leptos_options;
    if leptos_options.hash_files && !server::static_files::build_has_hashes(&leptos_options) {
        tracing::warn!(
            "hash-files is on but this build has no {} beside the server: serving unhashed names",
            leptos_options.hash_file
        );
        leptos_options.hash_files = false;
    }
    // A development build's files are compressed here, once; a release build's arrive so.
    let site_root = std::path::PathBuf::from(leptos_options.site_root.as_ref());
    tokio::spawn(async move {
        if let Err(error) = server::static_files::precompress(site_root).await {
            tracing::warn!(%error, "cannot compress the site's files: sending them uncompressed");
        }
    });
    let addr = leptos_options.site_addr;
    let services = Services::start(config).await?;
    let shutdown = tokio_util::sync::CancellationToken::new();
    let mut scheduler = if services.config.background_jobs {
        Some(server::background::start(services.clone(), shutdown.clone()).await?)
    } else {
        None
    };
    let app = server::router(services, leptos_options);
    // Without TCP_NODELAY a streamed page's second write waits for the browser's delayed ACK
    // (40 ms on Linux) before it leaves: every page would take at least that long.
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {addr}"))?
        .tap_io(|stream| {
            if let Err(error) = stream.set_nodelay(true) {
                tracing::debug!(%error, "cannot set TCP_NODELAY on a connection");
            }
        });
    tracing::info!("listening on http://{addr}");
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await?;
    shutdown.cancel();
    if let Some(scheduler) = scheduler.as_mut() {
        scheduler.shutdown().await?;
    }
    tracing::info!("stopped");
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM; in-flight requests then finish before the server stops.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
