//! Access service tokens, for accounts and zones.

use fake_cloudflare::AccessScope;
use serde_json::json;
use test_support::fake::http::*;

#[tokio::test]
async fn crud_for_accounts_and_zones() {
    let api = Api::start().await;
    for scope in ["accounts", "zones"] {
        let base = format!("/{scope}/{ACCOUNT}/access/service_tokens");
        let created = api
            .post(&base, json!({ "name": "robot", "duration": "1h" }))
            .await;
        assert_eq!(created.status, 201, "{}", created.text);
        assert_success(&created);
        let token = created.result().clone();
        let id = token["id"].as_str().unwrap().to_owned();
        assert!(uuid::Uuid::parse_str(&id).is_ok());
        assert!(token["client_id"].as_str().unwrap().ends_with(".access"));
        let secret = token["client_secret"].as_str().unwrap().to_owned();
        assert_eq!(secret.len(), 64);
        assert_eq!(token["duration"], "1h");
        assert_eq!(token["enabled"], true);
        assert!(token["expires_at"].is_string());

        let got = api.get(&format!("{base}/{id}")).await;
        assert_eq!(got.status, 200);
        assert!(got.result().get("client_secret").is_none());
        assert!(!got.text.contains(&secret));
        assert_eq!(got.result()["client_id"], token["client_id"]);

        let listed = api.get(&base).await;
        assert_eq!(listed.result().as_array().unwrap().len(), 1);
        assert!(!listed.text.contains(&secret));

        let updated = api
            .put(
                &format!("{base}/{id}"),
                json!({ "name": "robot 2", "enabled": false }),
            )
            .await;
        assert_eq!(updated.status, 200, "{}", updated.text);
        assert_eq!(updated.result()["name"], "robot 2");
        assert_eq!(updated.result()["enabled"], false);
        assert_eq!(updated.result()["duration"], "1h");

        let deleted = api.delete(&format!("{base}/{id}")).await;
        assert_eq!(deleted.status, 200);
        assert_eq!(deleted.result()["id"], id.as_str());
        assert_error(&api.get(&format!("{base}/{id}")).await, 404, 7003);
    }
}

#[tokio::test]
async fn accounts_and_zones_are_separate_and_other_scopes_are_404() {
    let api = Api::start().await;
    let created = api
        .post(
            &format!("/accounts/{ACCOUNT}/access/service_tokens"),
            json!({ "name": "a" }),
        )
        .await;
    let id = created.result()["id"].as_str().unwrap();
    assert_error(
        &api.get(&format!("/zones/{ACCOUNT}/access/service_tokens/{id}"))
            .await,
        404,
        7003,
    );
    assert_error(
        &api.get(&format!("/users/{ACCOUNT}/access/service_tokens"))
            .await,
        404,
        7000,
    );
    assert_error(
        &api.post(
            &format!("/users/{ACCOUNT}/access/service_tokens"),
            json!({ "name": "a" }),
        )
        .await,
        404,
        7000,
    );
    let zones = api
        .get(&format!("/zones/{ACCOUNT}/access/service_tokens"))
        .await;
    assert_eq!(zones.result(), &json!([]));
}

#[tokio::test]
async fn refresh_extends_and_rotate_issues_a_new_secret() {
    let api = Api::start().await;
    let base = format!("/accounts/{ACCOUNT}/access/service_tokens");
    let created = api.post(&base, json!({ "name": "robot" })).await;
    let token = created.result().clone();
    let id = token["id"].as_str().unwrap();
    assert_eq!(token["duration"], "8760h");

    let refreshed = api.post(&format!("{base}/{id}/refresh"), json!({})).await;
    assert_eq!(refreshed.status, 200, "{}", refreshed.text);
    assert!(refreshed.result().get("client_secret").is_none());
    assert!(
        refreshed.result()["expires_at"].as_str().unwrap() >= token["expires_at"].as_str().unwrap()
    );

    let grace = "2999-06-01T00:00:00Z";
    let rotated = api
        .post(
            &format!("{base}/{id}/rotate"),
            json!({ "previous_client_secret_expires_at": grace }),
        )
        .await;
    assert_eq!(rotated.status, 200, "{}", rotated.text);
    let new_secret = rotated.result()["client_secret"].as_str().unwrap();
    assert_ne!(new_secret, token["client_secret"].as_str().unwrap());
    assert_eq!(rotated.result()["client_id"], token["client_id"]);
    assert_eq!(rotated.result()["previous_client_secret_expires_at"], grace);
    assert_eq!(rotated.result()["client_secret_version"], 2);

    let got = api.get(&format!("{base}/{id}")).await;
    assert_eq!(got.result()["previous_client_secret_expires_at"], grace);
    let stored = api.server.service_tokens(AccessScope::Account, ACCOUNT);
    assert_eq!(stored[0]["previous_client_secret_expires_at"], grace);

    // Rotation without a body is allowed; the previous secret then expires at once.
    let rotated =
        Api::send(api.request(reqwest::Method::POST, &format!("{base}/{id}/rotate"))).await;
    assert_eq!(rotated.status, 200, "{}", rotated.text);
    assert_eq!(rotated.result()["client_secret_version"], 3);

    // Only account tokens can be refreshed or rotated.
    let zone = api
        .post(
            &format!("/zones/{ACCOUNT}/access/service_tokens"),
            json!({ "name": "z" }),
        )
        .await;
    let zone_id = zone.result()["id"].as_str().unwrap();
    let answer = api
        .post(
            &format!("/zones/{ACCOUNT}/access/service_tokens/{zone_id}/rotate"),
            json!({}),
        )
        .await;
    assert_error(&answer, 404, 7000);
    assert_error(
        &api.post(&format!("{base}/{zone_id}/refresh"), json!({}))
            .await,
        404,
        7003,
    );
}

#[tokio::test]
async fn bad_bodies_are_400() {
    let api = Api::start().await;
    let base = format!("/accounts/{ACCOUNT}/access/service_tokens");
    assert_error(&api.post(&base, json!({})).await, 400, 1001);
    assert_error(
        &api.post(&base, json!({ "name": "x", "duration": "soon" }))
            .await,
        400,
        1001,
    );
    assert_error(&api.post(&base, json!({ "name": 5 })).await, 400, 1001);
    let created = api
        .post(&base, json!({ "name": "x", "duration": "forever" }))
        .await;
    assert_eq!(created.status, 201);
    assert!(created.result().get("expires_at").is_none());
    let id = created.result()["id"].as_str().unwrap();
    let bad_time = json!({ "previous_client_secret_expires_at": "later" });
    assert_error(
        &api.post(&format!("{base}/{id}/rotate"), bad_time).await,
        400,
        1001,
    );
}

#[tokio::test]
async fn list_filters_by_name_and_search() {
    let api = Api::start().await;
    let base = format!("/accounts/{ACCOUNT}/access/service_tokens");
    for name in ["deploy", "deploy-staging", "backup"] {
        api.post(&base, json!({ "name": name })).await;
    }
    let names = |answer: &Answer| -> Vec<String> {
        answer
            .result()
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["name"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(
        names(&api.get(&base).await),
        ["deploy", "deploy-staging", "backup"]
    );
    assert_eq!(
        names(&api.get(&format!("{base}?name=deploy")).await),
        ["deploy"]
    );
    assert_eq!(
        names(&api.get(&format!("{base}?search=DEPLOY")).await),
        ["deploy", "deploy-staging"]
    );
    let seeded = api
        .server
        .create_service_token(AccessScope::Zone, "z", "seeded");
    assert!(seeded["client_secret"].is_string());
    assert_eq!(api.server.service_tokens(AccessScope::Zone, "z").len(), 1);
}
