//! Every query-word form of the API guide, sent by the product's own client to the simulator.

use routeros::{Client, Error, NewHotspotUser, Query, TrapCategory};

use crate::{builder, connect};

async fn names(client: &Client, query: &Query) -> Result<Vec<String>, Error> {
    let response = client
        .command("/ip/hotspot/user/print")
        .proplist(&["name"])
        .query(query)
        .run()
        .await?;
    Ok(response
        .rows
        .iter()
        .map(|row| row.get("name").unwrap_or_default().to_owned())
        .collect())
}

#[tokio::test]
async fn each_query_form_round_trips_through_the_client() {
    let sim = builder().spawn().await.unwrap();
    let client = connect(&sim).await;
    for (name, comment, uptime) in [
        ("a", Some("vip"), "2h"),
        ("b", Some(""), "30m"),
        ("c", None, "1d"),
        ("d", None, "1h"),
    ] {
        client
            .hotspot_users()
            .add(&NewHotspotUser {
                name: name.into(),
                comment: comment.map(Into::into),
                limit_uptime: Some(routeros::parse_router_duration(uptime).unwrap()),
                disabled: name == "d",
                ..Default::default()
            })
            .await
            .unwrap();
    }

    let cases: [(&str, Query, &[&str]); 14] = [
        ("no query", Query::new(), &["a", "b", "c", "d"]),
        ("?name=x", Query::new().equals("name", "b"), &["b"]),
        (
            "?disabled=yes",
            Query::new().equals("disabled", "yes"),
            &["d"],
        ),
        ("?name", Query::new().has("comment"), &["a"]),
        ("?-name", Query::new().lacks("comment"), &["b", "c", "d"]),
        (
            "?-unknown",
            Query::new().lacks("no-such-property"),
            &["a", "b", "c", "d"],
        ),
        (
            "?unknown=x",
            Query::new().equals("no-such-property", "x"),
            &[],
        ),
        (
            "?<name=x",
            Query::new().less_than("limit-uptime", "1h"),
            &["b"],
        ),
        (
            "?>name=x",
            Query::new().greater_than("limit-uptime", "1h"),
            &["a", "c"],
        ),
        (
            "?#|",
            Query::new().equals("name", "a").equals("name", "c").or(),
            &["a", "c"],
        ),
        (
            "?#&",
            Query::new().has("comment").equals("name", "a").and(),
            &["a"],
        ),
        (
            "?#!",
            Query::new().equals("name", "a").negate(),
            &["b", "c", "d"],
        ),
        (
            "?#.",
            Query::new().equals("name", "a").operations(".!|"),
            &["a", "b", "c", "d"],
        ),
        (
            "?#|!&",
            Query::new()
                .greater_than("limit-uptime", "40m")
                .equals("name", "a")
                .equals("name", "c")
                .operations("|!&"),
            &["d"],
        ),
    ];
    for (form, query, expected) in cases {
        assert_eq!(names(&client, &query).await.unwrap(), expected, "{form}");
    }

    let error = names(&client, &Query::new().operations("x"))
        .await
        .unwrap_err();
    assert!(
        matches!(
            &error,
            Error::Trap { message, category: Some(TrapCategory::ArgumentValue), .. }
                if message == "invalid query word \"?#x\""
        ),
        "{error:?}"
    );
    // The refusal costs nothing else.
    assert_eq!(names(&client, &Query::new()).await.unwrap().len(), 4);
}
