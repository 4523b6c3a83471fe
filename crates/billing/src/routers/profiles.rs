//! What a router offers: its hotspot and PPPoE profiles, mirrored locally by the profile sync
//! (hourly, and on demand) so plans can be built on them.

use crate::routers::{RouterError, RouterService};
use domain::model::routers::{HotspotProfile, ProfileSync};
use sqlx::PgPool;

/// Reads `/ip/hotspot/user/profile` and `/ppp/profile` and brings the local copies up to date
/// in one transaction. Profiles deleted on the router are marked `deleted_on_router`.
pub async fn sync_profiles(
    pool: &PgPool,
    routers: &RouterService,
    router_id: i64,
) -> Result<ProfileSync, RouterError> {
    let client = routers.client(router_id).await?;
    let (hotspot_menu, ppp_menu) = (client.hotspot_user_profiles(), client.ppp_profiles());
    let (hotspot, ppp) = tokio::try_join!(hotspot_menu.print_all(), ppp_menu.print_all())?;

    let mut tx = pool.begin().await?;
    for profile in &hotspot {
        let shared_users = profile.shared_users.and_then(|n| i32::try_from(n).ok());
        sqlx::query!(
            "INSERT INTO hotspot_profiles (router_id, name, rate_limit, shared_users, last_sync)
             VALUES ($1, $2, $3, $4, now())
             ON CONFLICT (router_id, name) DO UPDATE SET
                 rate_limit = EXCLUDED.rate_limit, shared_users = EXCLUDED.shared_users,
                 deleted_on_router = FALSE, last_sync = now()",
            router_id,
            profile.name,
            profile.rate_limit,
            shared_users
        )
        .execute(&mut *tx)
        .await?;
    }
    for profile in &ppp {
        sqlx::query!(
            "INSERT INTO pppoe_profiles (router_id, name, rate_limit, local_address, remote_address, last_sync)
             VALUES ($1, $2, $3, $4, $5, now())
             ON CONFLICT (router_id, name) DO UPDATE SET
                 rate_limit = EXCLUDED.rate_limit, local_address = EXCLUDED.local_address,
                 remote_address = EXCLUDED.remote_address, deleted_on_router = FALSE, last_sync = now()",
            router_id,
            profile.name,
            profile.rate_limit,
            profile.local_address,
            profile.remote_address
        )
        .execute(&mut *tx)
        .await?;
    }
    let hotspot_names: Vec<String> = hotspot.iter().map(|p| p.name.clone()).collect();
    let ppp_names: Vec<String> = ppp.iter().map(|p| p.name.clone()).collect();
    let gone_hotspot = sqlx::query!(
        "UPDATE hotspot_profiles SET deleted_on_router = TRUE, last_sync = now()
         WHERE router_id = $1 AND NOT deleted_on_router AND name <> ALL($2)",
        router_id,
        &hotspot_names
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    let gone_ppp = sqlx::query!(
        "UPDATE pppoe_profiles SET deleted_on_router = TRUE, last_sync = now()
         WHERE router_id = $1 AND NOT deleted_on_router AND name <> ALL($2)",
        router_id,
        &ppp_names
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    tx.commit().await?;
    Ok(ProfileSync {
        hotspot_profiles: hotspot.len() as u64,
        pppoe_profiles: ppp.len() as u64,
        marked_deleted: gone_hotspot + gone_ppp,
    })
}

pub async fn hotspot_profiles(
    pool: &PgPool,
    router_id: i64,
) -> Result<Vec<HotspotProfile>, RouterError> {
    Ok(sqlx::query_as!(
        HotspotProfile,
        "SELECT id, router_id, name, rate_limit, shared_users, deleted_on_router, last_sync
         FROM hotspot_profiles WHERE router_id = $1 ORDER BY name",
        router_id
    )
    .fetch_all(pool)
    .await?)
}
