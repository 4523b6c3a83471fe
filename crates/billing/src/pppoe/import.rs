//! Import of the `/ppp/secret`s an operator made before the billing (by hand, or with another
//! system): each becomes a customer (found by the WhatsApp number in the secret's comment, or
//! made) and a subscription on the plan of its profile (made, at price 0, when the router has no
//! PPPoE plan with it). Preview first; the import itself is one transaction and idempotent: a
//! secret that is already a subscription is left as it is.

use crate::core::audit::{self, Actor};
use crate::pppoe::secrets::SECRET_MARKER;
use crate::pppoe::subscriptions::{
    SubscriptionError, SubscriptionService, billing_day_of, check_billing_day, check_username,
};
use chrono::NaiveDate;
use domain::WhatsappNumber;
use domain::model::subscriptions::{
    ImportCandidate, ImportOutcome, ImportPreview, ImportRequest, ImportSkip,
};
use routeros::PppSecret;
use std::collections::{HashMap, HashSet};

/// The name given to a plan made for a profile, when a plan of another kind has that name.
fn plan_name_for(profile: &str, taken: &HashSet<String>) -> String {
    if taken.contains(profile) {
        format!("{profile} (PPPoE)")
    } else {
        profile.to_owned()
    }
}

/// The WhatsApp number in a comment (`Budi 0812-3456-7890`) and the rest of it as a name.
fn read_comment(comment: Option<&str>) -> (Option<String>, Option<String>) {
    let Some(comment) = comment.map(str::trim).filter(|c| !c.is_empty()) else {
        return (None, None);
    };
    let words: Vec<&str> = comment
        .split([' ', ',', ';', '/', '|'])
        .filter(|w| !w.is_empty())
        .collect();
    let number = words.iter().position(|w| {
        w.chars().filter(char::is_ascii_digit).count() >= 9 && WhatsappNumber::parse(w).is_ok()
    });
    let whatsapp = number.map(|i| {
        WhatsappNumber::parse(words[i])
            .expect("parsed above")
            .as_str()
            .to_owned()
    });
    let name: String = words
        .iter()
        .enumerate()
        .filter(|(i, _)| Some(*i) != number)
        .map(|(_, w)| *w)
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .filter(|c| !c.is_control())
        .take(100)
        .collect();
    (whatsapp, Some(name).filter(|n| !n.trim().is_empty()))
}

struct Scan {
    preview: ImportPreview,
    /// The secrets of the candidates, by username.
    secrets: HashMap<String, PppSecret>,
}

impl SubscriptionService {
    /// What importing the router's secrets would do.
    pub async fn import_preview(&self, router_id: i64) -> Result<ImportPreview, SubscriptionError> {
        Ok(self.scan(router_id).await?.preview)
    }

    async fn scan(&self, router_id: i64) -> Result<Scan, SubscriptionError> {
        let pool = self.pool();
        // The router must exist before it is asked.
        self.routers().get(router_id).await?;
        let client = self.routers().client(router_id).await?;
        let secrets = client
            .ppp_secrets()
            .print(
                &routeros::Query::new(),
                &[
                    ".id", "name", "password", "profile", "service", "comment", "disabled",
                ],
            )
            .await
            .map_err(crate::routers::RouterError::from)?;
        let existing: HashSet<String> = sqlx::query_scalar!(
            "SELECT pppoe_username FROM subscriptions WHERE router_id = $1",
            router_id
        )
        .fetch_all(pool)
        .await?
        .into_iter()
        .collect();
        let plans: HashMap<String, (i64, String)> = sqlx::query!(
            "SELECT DISTINCT ON (pp.name) pp.name, p.id, p.name AS plan_name
             FROM plans p JOIN pppoe_profiles pp ON pp.id = p.pppoe_profile_id
             WHERE p.router_id = $1 AND p.kind = 'pppoe'
             ORDER BY pp.name, p.active DESC, p.id",
            router_id
        )
        .fetch_all(pool)
        .await?
        .into_iter()
        .map(|r| (r.name, (r.id, r.plan_name)))
        .collect();
        let plan_names: HashSet<String> =
            sqlx::query_scalar!("SELECT name FROM plans WHERE router_id = $1", router_id)
                .fetch_all(pool)
                .await?
                .into_iter()
                .collect();
        let mut already_imported = 0;
        let mut candidates = Vec::new();
        let mut by_name = HashMap::new();
        let mut numbers = Vec::new();
        for secret in secrets {
            if existing.contains(&secret.name) {
                already_imported += 1;
                continue;
            }
            // Ours but unknown here (a deleted subscription's leftover), or of another service.
            if secret
                .comment
                .as_deref()
                .is_some_and(|c| c.starts_with(SECRET_MARKER))
                || secret
                    .service
                    .as_deref()
                    .is_some_and(|s| s != "pppoe" && s != "any")
                || check_username(&secret.name).is_err()
            {
                continue;
            }
            let (whatsapp, name) = read_comment(secret.comment.as_deref());
            let profile = secret
                .profile
                .clone()
                .filter(|p| !p.is_empty())
                .unwrap_or_else(|| "default".to_owned());
            let (plan_id, plan_name) = match plans.get(&profile) {
                Some((id, name)) => (Some(*id), name.clone()),
                None => (None, plan_name_for(&profile, &plan_names)),
            };
            numbers.extend(whatsapp.clone());
            candidates.push(ImportCandidate {
                pppoe_username: secret.name.clone(),
                profile: Some(profile),
                disabled: secret.disabled,
                comment: secret.comment.clone(),
                customer_name: name.unwrap_or_else(|| secret.name.clone()),
                whatsapp,
                customer_id: None,
                plan_id,
                plan_name,
            });
            by_name.insert(secret.name.clone(), secret);
        }
        let customers: HashMap<String, i64> = sqlx::query!(
            "SELECT id, whatsapp FROM customers WHERE whatsapp = ANY($1)",
            &numbers
        )
        .fetch_all(pool)
        .await?
        .into_iter()
        .map(|r| (r.whatsapp, r.id))
        .collect();
        for c in &mut candidates {
            c.customer_id = c.whatsapp.as_ref().and_then(|w| customers.get(w).copied());
        }
        Ok(Scan {
            preview: ImportPreview {
                router_id,
                candidates,
                already_imported,
            },
            secrets: by_name,
        })
    }

    /// Imports the router's secrets as the preview shows them (those asked for), in one
    /// transaction. A second import adds nothing.
    pub async fn import(
        &self,
        router_id: i64,
        request: ImportRequest,
        today: NaiveDate,
        actor: Actor,
    ) -> Result<ImportOutcome, SubscriptionError> {
        let billing_day =
            check_billing_day(request.billing_day.unwrap_or_else(|| billing_day_of(today)))?;
        let Scan { preview, secrets } = self.scan(router_id).await?;
        let wanted: HashSet<&str> = request.usernames.iter().map(String::as_str).collect();
        let mut outcome = ImportOutcome::default();
        let mut tx = self.pool().begin().await?;
        let mut plans_made: HashMap<String, i64> = HashMap::new();
        for candidate in preview.candidates {
            let username = candidate.pppoe_username.clone();
            if !wanted.is_empty() && !wanted.contains(username.as_str()) {
                continue;
            }
            let skip = |reason: &str| ImportSkip {
                pppoe_username: username.clone(),
                reason: reason.to_owned(),
            };
            let given = request
                .whatsapp
                .get(&username)
                .map(|w| WhatsappNumber::parse(w));
            let whatsapp = match given {
                Some(Ok(number)) => number.as_str().to_owned(),
                Some(Err(_)) => {
                    outcome.skipped.push(skip(
                        "the WhatsApp number given is not an Indonesian mobile number",
                    ));
                    continue;
                }
                None => match candidate.whatsapp.clone() {
                    Some(number) => number,
                    None => {
                        outcome
                            .skipped
                            .push(skip("no WhatsApp number: give one for this secret"));
                        continue;
                    }
                },
            };
            let secret = &secrets[&username];
            let Some(password) = secret.password.clone().filter(|p| !p.is_empty()) else {
                outcome.skipped.push(skip(
                    "the router did not show the secret's password (the API user needs the 'sensitive' policy)",
                ));
                continue;
            };
            let profile = candidate
                .profile
                .clone()
                .unwrap_or_else(|| "default".to_owned());
            let plan_id = match candidate
                .plan_id
                .or_else(|| plans_made.get(&profile).copied())
            {
                Some(id) => id,
                None => {
                    let profile_id = sqlx::query_scalar!(
                        "INSERT INTO pppoe_profiles (router_id, name) VALUES ($1, $2)
                         ON CONFLICT (router_id, name) DO UPDATE SET deleted_on_router = FALSE
                         RETURNING id",
                        router_id,
                        profile
                    )
                    .fetch_one(&mut *tx)
                    .await?;
                    let id = sqlx::query_scalar!(
                        "INSERT INTO plans (router_id, kind, name, price, pppoe_profile_id)
                         VALUES ($1, 'pppoe', $2, 0, $3) RETURNING id",
                        router_id,
                        candidate.plan_name,
                        profile_id
                    )
                    .fetch_one(&mut *tx)
                    .await?;
                    outcome.plans_created += 1;
                    plans_made.insert(profile.clone(), id);
                    id
                }
            };
            // The select does not see the insert's row (one snapshot): one row comes back,
            // made or found.
            let customer = sqlx::query!(
                "WITH made AS (
                     INSERT INTO customers (name, whatsapp) VALUES ($1, $2)
                     ON CONFLICT (whatsapp) DO NOTHING RETURNING id)
                 SELECT id AS \"id!\", TRUE AS \"made!\" FROM made
                 UNION ALL SELECT id, FALSE FROM customers WHERE whatsapp = $2",
                candidate.customer_name,
                whatsapp
            )
            .fetch_all(&mut *tx)
            .await?;
            let Some(customer) = customer.first() else {
                outcome
                    .skipped
                    .push(skip("the customer could not be found or made"));
                continue;
            };
            let customer_id = customer.id;
            if customer.made {
                outcome.customers_created += 1;
            }
            let id = sqlx::query_scalar!("SELECT nextval('subscriptions_id_seq') AS \"id!\"")
                .fetch_one(&mut *tx)
                .await?;
            let inserted =
                sqlx::query!(
                "INSERT INTO subscriptions (id, customer_id, plan_id, router_id, pppoe_username,
                                            pppoe_password_sealed, billing_day, start_date, status,
                                            origin, router_state)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'imported', 'synced')
                 ON CONFLICT (router_id, pppoe_username) DO NOTHING",
                id,
                customer_id,
                plan_id,
                router_id,
                username,
                self.seal_password(id, &password),
                billing_day,
                today,
                if secret.disabled { "suspended" } else { "active" }
            )
                .execute(&mut *tx)
                .await?
                .rows_affected();
            outcome.subscriptions_created += inserted;
        }
        audit::record(
            &mut *tx,
            actor,
            "subscription.import",
            Some(("router", router_id.to_string())),
            serde_json::json!({ "subscriptions": outcome.subscriptions_created,
                                "customers": outcome.customers_created,
                                "plans": outcome.plans_created,
                                "skipped": outcome.skipped.len() }),
        )
        .await?;
        tx.commit().await?;
        Ok(outcome)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_comment_gives_a_number_and_a_name() {
        assert_eq!(
            read_comment(Some("Budi Santoso 0812-3456-7890")),
            (
                Some("6281234567890".to_owned()),
                Some("Budi Santoso".to_owned())
            )
        );
        assert_eq!(
            read_comment(Some("Siti, RT 03")),
            (None, Some("Siti RT 03".to_owned()))
        );
        assert_eq!(read_comment(None), (None, None));
        assert_eq!(
            read_comment(Some("+6281298765432")),
            (Some("6281298765432".to_owned()), None)
        );
    }
}
