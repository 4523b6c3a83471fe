//! Customers as the operator manages them: create, edit, search. Self-registered customers are
//! the same rows.

use crate::core::audit::{self, Actor};
use crate::money::error::{MoneyError, invalid};
use domain::model::customers::{CustomerInput, CustomerPage, CustomerRecord, CustomerStatus};
use domain::{EmailAddress, ErrorCode, FieldError, PersonName, Rupiah, WhatsappNumber};
use sqlx::PgPool;

/// A customer's details, checked.
struct Details {
    name: PersonName,
    whatsapp: WhatsappNumber,
    email: Option<EmailAddress>,
    address: Option<String>,
    notes: Option<String>,
    status: CustomerStatus,
}

/// Free text: trimmed, empty is none, at most `max` characters, no control characters but line
/// breaks.
fn free_text(
    value: Option<String>,
    max: usize,
    field: &'static str,
    code: ErrorCode,
) -> Result<Option<String>, MoneyError> {
    let Some(text) = value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    if text.chars().count() > max || text.chars().any(|c| c.is_control() && c != '\n') {
        return Err(invalid(
            field,
            code,
            &format!("at most {max} characters, without control characters"),
        ));
    }
    Ok(Some(text))
}

fn parse(input: CustomerInput) -> Result<Details, MoneyError> {
    let contact = |field: &'static str, e: domain::contact::ContactError| {
        MoneyError::Invalid(FieldError::new(field, e.code(), e.to_string()))
    };
    Ok(Details {
        name: PersonName::parse(&input.name).map_err(|e| contact("name", e))?,
        whatsapp: WhatsappNumber::parse(&input.whatsapp).map_err(|e| contact("whatsapp", e))?,
        email: match input
            .email
            .as_deref()
            .map(str::trim)
            .filter(|e| !e.is_empty())
        {
            Some(email) => Some(EmailAddress::parse(email).map_err(|e| contact("email", e))?),
            None => None,
        },
        address: free_text(input.address, 500, "address", ErrorCode::AddressTooLong)?,
        notes: free_text(input.notes, 2000, "notes", ErrorCode::NotesTooLong)?,
        status: input.status.unwrap_or(CustomerStatus::Active),
    })
}

fn unique(error: sqlx::Error) -> MoneyError {
    match crate::core::db::violated_unique_index(&error) {
        Some("customers_whatsapp_key") => MoneyError::WhatsappTaken,
        Some("customers_email_key") => MoneyError::EmailTaken,
        _ => MoneyError::Database(error),
    }
}

pub async fn create(
    pool: &PgPool,
    input: CustomerInput,
    actor: Actor,
) -> Result<CustomerRecord, MoneyError> {
    let d = parse(input)?;
    let mut tx = pool.begin().await?;
    let id = sqlx::query_scalar!(
        "INSERT INTO customers (name, whatsapp, email, address, notes, status)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        d.name.as_str(),
        d.whatsapp.as_str(),
        d.email.as_ref().map(EmailAddress::as_str),
        d.address,
        d.notes,
        d.status.as_str()
    )
    .fetch_one(&mut *tx)
    .await
    .map_err(unique)?;
    audit::record(
        &mut *tx,
        actor,
        "customer.create",
        Some(("customer", id.to_string())),
        serde_json::json!({ "name": d.name.as_str(), "whatsapp": d.whatsapp.as_str() }),
    )
    .await?;
    tx.commit().await?;
    get(pool, id).await
}

/// Changes a customer's details and status. Closing a customer ends the billing of their
/// subscriptions from `today` (the run credits what was billed for the days after); reopening
/// bills them again from `today`, as a first period: the months in between are never billed.
pub async fn update(
    pool: &PgPool,
    id: i64,
    input: CustomerInput,
    today: chrono::NaiveDate,
    actor: Actor,
) -> Result<CustomerRecord, MoneyError> {
    let d = parse(input)?;
    let mut tx = pool.begin().await?;
    let before = crate::money::ledger::lock_customer(&mut tx, id).await?;
    let closing = d.status.as_str() == "closed";
    if (before.status == "closed") != closing {
        crate::pppoe::subscriptions::record_customer_service(&mut tx, id, today, !closing).await?;
    }
    let updated = sqlx::query!(
        "UPDATE customers SET name = $2, whatsapp = $3, email = $4, address = $5, notes = $6,
                status = $7, updated_at = now()
         WHERE id = $1",
        id,
        d.name.as_str(),
        d.whatsapp.as_str(),
        d.email.as_ref().map(EmailAddress::as_str),
        d.address,
        d.notes,
        d.status.as_str()
    )
    .execute(&mut *tx)
    .await
    .map_err(unique)?;
    if updated.rows_affected() == 0 {
        return Err(MoneyError::CustomerNotFound);
    }
    audit::record(
        &mut *tx,
        actor,
        "customer.update",
        Some(("customer", id.to_string())),
        serde_json::json!({ "name": d.name.as_str(), "whatsapp": d.whatsapp.as_str(),
                            "status": d.status.as_str() }),
    )
    .await?;
    tx.commit().await?;
    get(pool, id).await
}

/// Sets the password a customer logs in to the portal with (their WhatsApp number or email is
/// the username): for customers the operator added, who have none, or who forgot theirs.
pub async fn set_portal_password(
    pool: &PgPool,
    id: i64,
    password: secrecy::SecretString,
    actor: Actor,
) -> Result<(), MoneyError> {
    use crate::identity::password;
    password::check_policy(&password).map_err(|e| invalid("password", e.code(), &e.to_string()))?;
    let hash = password::hash(password).await;
    let mut tx = pool.begin().await?;
    let updated = sqlx::query!(
        "UPDATE customers SET password_hash = $2, updated_at = now() WHERE id = $1",
        id,
        hash
    )
    .execute(&mut *tx)
    .await?;
    if updated.rows_affected() == 0 {
        return Err(MoneyError::CustomerNotFound);
    }
    audit::record(
        &mut *tx,
        actor,
        "customer.portal_password",
        Some(("customer", id.to_string())),
        serde_json::json!({}),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn get(pool: &PgPool, id: i64) -> Result<CustomerRecord, MoneyError> {
    sqlx::query_as!(
        Row,
        r#"SELECT id, name, whatsapp, email, address, notes, status, balance,
                  password_hash IS NOT NULL AS "self_registered!", created_at
           FROM customers WHERE id = $1"#,
        id
    )
    .fetch_optional(pool)
    .await?
    .map(CustomerRecord::from)
    .ok_or(MoneyError::CustomerNotFound)
}

/// How a search query is read: a WhatsApp number (by its normalised prefix), an email (by
/// prefix), or words of a name (each by prefix).
#[derive(Debug, Clone, PartialEq, Eq)]
enum Query {
    All,
    Whatsapp(String),
    Email(String),
    /// A `to_tsquery('simple', …)` text, e.g. `budi:* & san:*`, and the same text as an email
    /// prefix.
    Words {
        tsquery: String,
        email: String,
    },
}

fn read_query(q: &str) -> Query {
    let q = q.trim();
    if q.is_empty() {
        return Query::All;
    }
    if q.contains('@') {
        return Query::Email(q.to_lowercase());
    }
    let digits: String = q
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '.' | '(' | ')' | '+'))
        .collect();
    if !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit()) {
        // 0812… and +62812… and 812… are all 62812…
        let national = digits
            .strip_prefix("62")
            .or_else(|| digits.strip_prefix('0'))
            .unwrap_or(&digits);
        return Query::Whatsapp(format!("62{national}"));
    }
    let words: Vec<String> = q
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| format!("{}:*", w.to_lowercase()))
        .collect();
    if words.is_empty() {
        // Only punctuation: nothing but an email could start so.
        return Query::Email(q.to_lowercase());
    }
    Query::Words {
        tsquery: words.join(" & "),
        email: q.to_lowercase(),
    }
}

/// The smallest text after every text that starts with `prefix` (its last character moved one
/// up), so that a prefix search is a range the `text_pattern_ops` index answers, also in a
/// prepared statement's generic plan (where `LIKE $1` could not use it).
fn past_prefix(prefix: &str) -> String {
    let mut chars: Vec<char> = prefix.chars().collect();
    while let Some(last) = chars.pop() {
        // The next character after `last`, skipping the surrogate gap.
        let next = (u32::from(last) + 1..=u32::from(char::MAX)).find_map(char::from_u32);
        if let Some(next) = next {
            chars.push(next);
            return chars.into_iter().collect();
        }
    }
    // Only characters that have no successor: every text is at most this.
    char::MAX.to_string().repeat(prefix.chars().count() + 1)
}

/// A customer row as `get` and the search read it.
struct Row {
    id: i64,
    name: String,
    whatsapp: String,
    email: Option<String>,
    address: Option<String>,
    notes: Option<String>,
    status: String,
    balance: i64,
    self_registered: bool,
    created_at: chrono::DateTime<chrono::Utc>,
}

impl From<Row> for CustomerRecord {
    fn from(r: Row) -> Self {
        CustomerRecord {
            id: r.id,
            name: r.name,
            whatsapp: r.whatsapp,
            email: r.email,
            address: r.address,
            notes: r.notes,
            status: CustomerStatus::parse(&r.status).unwrap_or(CustomerStatus::Active),
            balance: Rupiah::new(r.balance),
            self_registered: r.self_registered,
            created_at: r.created_at,
        }
    }
}

/// Customers matching `q` (see [`Query`]) and `status`, by id, `limit` (1–100) after `after`.
pub async fn search(
    pool: &PgPool,
    q: &str,
    status: Option<CustomerStatus>,
    after: Option<i64>,
    limit: i64,
) -> Result<CustomerPage, MoneyError> {
    if q.chars().count() > 100 {
        return Err(invalid(
            "q",
            ErrorCode::SearchQuery,
            "search for at most 100 characters",
        ));
    }
    let limit = limit.clamp(1, 100);
    let status = status.map(CustomerStatus::as_str);
    // One query per kind of search, so each gets the plan of its own index; planned for its own
    // values each time (a prepared statement's generic plan cannot know how selective a prefix
    // or a word is, and scans the table in id order instead).
    let mut tx = pool.begin().await?;
    sqlx::query("SET LOCAL plan_cache_mode = force_custom_plan")
        .execute(&mut *tx)
        .await?;
    let rows: Vec<Row> = match read_query(q) {
        Query::All => {
            sqlx::query_as!(
                Row,
                r#"SELECT id, name, whatsapp, email, address, notes, status, balance,
                          password_hash IS NOT NULL AS "self_registered!", created_at
                   FROM customers
                   WHERE ($1::TEXT IS NULL OR status = $1) AND ($2::BIGINT IS NULL OR id > $2)
                   ORDER BY id LIMIT $3"#,
                status,
                after,
                limit + 1
            )
            .fetch_all(&mut *tx)
            .await?
        }
        Query::Whatsapp(prefix) => {
            sqlx::query_as!(
                Row,
                r#"SELECT id, name, whatsapp, email, address, notes, status, balance,
                          password_hash IS NOT NULL AS "self_registered!", created_at
                   FROM customers
                   WHERE whatsapp ~>=~ $4 AND whatsapp ~<~ $5
                     AND ($1::TEXT IS NULL OR status = $1) AND ($2::BIGINT IS NULL OR id > $2)
                   ORDER BY id LIMIT $3"#,
                status,
                after,
                limit + 1,
                prefix.clone(),
                past_prefix(&prefix)
            )
            .fetch_all(&mut *tx)
            .await?
        }
        Query::Email(prefix) => {
            sqlx::query_as!(
                Row,
                r#"SELECT id, name, whatsapp, email, address, notes, status, balance,
                          password_hash IS NOT NULL AS "self_registered!", created_at
                   FROM customers
                   WHERE email ~>=~ $4 AND email ~<~ $5
                     AND ($1::TEXT IS NULL OR status = $1) AND ($2::BIGINT IS NULL OR id > $2)
                   ORDER BY id LIMIT $3"#,
                status,
                after,
                limit + 1,
                prefix.clone(),
                past_prefix(&prefix)
            )
            .fetch_all(&mut *tx)
            .await?
        }
        Query::Words { tsquery, email } => {
            // How common the words are decides the plan, and the planner cannot know it (a
            // prefix is estimated at 2 % of the table whatever it is): a few hundred matches at
            // most are read from the words index and sorted; more, and the table is walked in id
            // order, where they are dense enough to fill a page soon. The beginning of an email
            // is a range of its own index; the ids of all branches are merged, then read.
            sqlx::query("SET LOCAL enable_seqscan = off")
                .execute(&mut *tx)
                .await?;
            sqlx::query_as!(
                Row,
                r#"WITH sample AS MATERIALIZED (
                       SELECT id FROM customers
                       WHERE name_words @@ to_tsquery('simple', $4)
                         AND ($1::TEXT IS NULL OR status = $1) AND ($2::BIGINT IS NULL OR id > $2)
                       LIMIT 200
                   ), found AS MATERIALIZED (
                       SELECT DISTINCT id FROM (
                           (SELECT id FROM sample WHERE (SELECT count(*) FROM sample) < 200)
                           UNION ALL
                           (SELECT id FROM customers
                            WHERE name_words @@ to_tsquery('simple', $4)
                              AND ($1::TEXT IS NULL OR status = $1) AND ($2::BIGINT IS NULL OR id > $2)
                              AND (SELECT count(*) FROM sample) >= 200
                            ORDER BY id LIMIT $3)
                           UNION ALL
                           (SELECT id FROM customers
                            WHERE email ~>=~ $5 AND email ~<~ $6
                              AND ($1::TEXT IS NULL OR status = $1) AND ($2::BIGINT IS NULL OR id > $2)
                            ORDER BY id LIMIT $3)
                       ) branches
                       ORDER BY id LIMIT $3
                   )
                   SELECT c.id AS "id!", c.name AS "name!", c.whatsapp AS "whatsapp!", c.email,
                          c.address, c.notes, c.status AS "status!", c.balance AS "balance!",
                          c.password_hash IS NOT NULL AS "self_registered!",
                          c.created_at AS "created_at!"
                   FROM found JOIN customers c ON c.id = found.id
                   ORDER BY c.id"#,
                status,
                after,
                limit + 1,
                tsquery,
                email.clone(),
                past_prefix(&email)
            )
            .fetch_all(&mut *tx)
            .await?
        }
    };
    tx.commit().await?;
    let more = rows.len() as i64 > limit;
    let customers: Vec<CustomerRecord> = rows
        .into_iter()
        .take(limit as usize)
        .map(CustomerRecord::from)
        .collect();
    let next_after = if more {
        customers.last().map(|c| c.id)
    } else {
        None
    };
    Ok(CustomerPage {
        customers,
        next_after,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_are_read_as_numbers_emails_or_name_words() {
        assert_eq!(read_query("  "), Query::All);
        for number in ["0812 3456", "+62 812-3456", "812.3456", "628123456"] {
            assert_eq!(
                read_query(number),
                Query::Whatsapp("628123456".into()),
                "{number}"
            );
        }
        assert_eq!(
            read_query("Budi@Example"),
            Query::Email("budi@example".into())
        );
        assert_eq!(
            read_query("Budi San"),
            Query::Words {
                tsquery: "budi:* & san:*".into(),
                email: "budi san".into()
            }
        );
        // Quotes and operators of tsquery syntax are never passed through.
        assert_eq!(
            read_query("o'brien & !x"),
            Query::Words {
                tsquery: "o:* & brien:* & x:*".into(),
                email: "o'brien & !x".into()
            }
        );
    }

    #[test]
    fn a_prefix_ends_where_its_last_character_moves_up() {
        assert_eq!(past_prefix("62812"), "62813");
        assert_eq!(past_prefix("budi@"), "budiA");
        assert_eq!(past_prefix("a%"), "a&");
        assert_eq!(past_prefix("z\u{d7ff}"), "z\u{e000}");
        assert_eq!(past_prefix("x\u{10ffff}"), "y");
    }
}
