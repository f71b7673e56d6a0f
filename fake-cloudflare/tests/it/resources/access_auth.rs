//! Access service-token authentication: the protected test application admits the current
//! secret, the previous one until its grace ends (one previous secret only), and refuses the
//! rest, on the fake's clock.

use serde_json::{Value, json};
use test_support::fake::http::*;

/// A 200 or a 403 from the protected application, for these credentials.
async fn knock(api: &Api, query: &str, client_id: &str, secret: &str) -> u16 {
    let answer = Api::send(
        api.http
            .get(format!(
                "{}/access/protected{query}",
                api.server.admin_url()
            ))
            .header("CF-Access-Client-Id", client_id)
            .header("CF-Access-Client-Secret", secret),
    )
    .await;
    // The answer never echoes a secret, admitted or refused.
    assert!(!answer.text.contains(secret), "{}", answer.text);
    assert!(
        answer.status == 200 || answer.status == 403,
        "{}",
        answer.text
    );
    answer.status
}

async fn advance(api: &Api, seconds: u64) -> Value {
    let answer = Api::send(
        api.http
            .post(format!("{}/clock", api.server.admin_url()))
            .json(&json!({ "advance_seconds": seconds })),
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    answer.json
}

fn field(value: &Value, name: &str) -> String {
    value[name]
        .as_str()
        .unwrap_or_else(|| panic!("{name} in {value}"))
        .to_owned()
}

/// A token created over the API in `scope`, with its id, client id and secret.
async fn create(api: &Api, scope: &str, body: Value) -> (String, String, String) {
    let created = api
        .post(&format!("/{scope}/{ACCOUNT}/access/service_tokens"), body)
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    let r = created.result();
    (
        field(r, "id"),
        field(r, "client_id"),
        field(r, "client_secret"),
    )
}

async fn rotate(api: &Api, id: &str, grace_until: &str) -> (String, Value) {
    let rotated = api
        .post(
            &format!("/accounts/{ACCOUNT}/access/service_tokens/{id}/rotate"),
            json!({ "previous_client_secret_expires_at": grace_until }),
        )
        .await;
    assert_eq!(rotated.status, 200, "{}", rotated.text);
    (
        field(rotated.result(), "client_secret"),
        rotated.result().clone(),
    )
}

fn fake_now(api: &Api) -> chrono::DateTime<chrono::Utc> {
    api.server.now()
}

fn stamp(t: chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

#[tokio::test]
async fn the_current_secret_is_admitted_and_anything_else_refused() {
    let api = Api::start().await;
    let (_, client_id, secret) = create(&api, "accounts", json!({ "name": "ci" })).await;
    assert_eq!(knock(&api, "", &client_id, &secret).await, 200);
    assert_eq!(
        knock(&api, &format!("?account={ACCOUNT}"), &client_id, &secret).await,
        200
    );
    // Another account's application does not know this token.
    assert_eq!(knock(&api, "?account=0123", &client_id, &secret).await, 403);
    assert_eq!(
        knock(&api, &format!("?zone={ACCOUNT}"), &client_id, &secret).await,
        403
    );
    let mut wrong = secret.clone().into_bytes();
    wrong[63] = if wrong[63] == b'0' { b'1' } else { b'0' };
    let wrong = String::from_utf8(wrong).unwrap();
    assert_eq!(knock(&api, "", &client_id, &wrong).await, 403);
    assert_eq!(knock(&api, "", &client_id, &secret[..63]).await, 403);
    assert_eq!(knock(&api, "", "nobody.access", &secret).await, 403);
    // Without the headers at all.
    let bare = Api::send(
        api.http
            .get(format!("{}/access/protected", api.server.admin_url())),
    )
    .await;
    assert_eq!(bare.status, 403, "{}", bare.text);
    // The answer names the admitted token.
    let admitted = Api::send(
        api.http
            .get(format!("{}/access/protected", api.server.admin_url()))
            .header("CF-Access-Client-Id", &client_id)
            .header("CF-Access-Client-Secret", &secret),
    )
    .await;
    assert_eq!(admitted.json["admitted"], true);
}

#[tokio::test]
async fn the_previous_secret_is_admitted_until_its_grace_ends_and_not_after() {
    let api = Api::start().await;
    let (id, client_id, original) = create(&api, "accounts", json!({ "name": "ci" })).await;
    let grace_end = fake_now(&api) + chrono::Duration::hours(1);
    let (new, rotated) = rotate(&api, &id, &stamp(grace_end)).await;
    assert_eq!(rotated["client_secret_version"], 2);
    assert_eq!(knock(&api, "", &client_id, &new).await, 200);
    assert_eq!(knock(&api, "", &client_id, &original).await, 200);

    // Just before the end of the grace period, both; past it, only the new secret.
    advance(&api, 3540).await;
    assert!(fake_now(&api) < grace_end);
    assert_eq!(knock(&api, "", &client_id, &original).await, 200);
    advance(&api, 120).await;
    assert!(fake_now(&api) > grace_end);
    assert_eq!(knock(&api, "", &client_id, &original).await, 403);
    assert_eq!(knock(&api, "", &client_id, &new).await, 200);
}

#[tokio::test]
async fn a_second_rotation_ends_the_original_secrets_grace() {
    let api = Api::start().await;
    let (id, client_id, original) = create(&api, "accounts", json!({ "name": "ci" })).await;
    let grace_end = stamp(fake_now(&api) + chrono::Duration::hours(1));
    let (second, _) = rotate(&api, &id, &grace_end).await;
    assert_eq!(knock(&api, "", &client_id, &original).await, 200);
    // Cloudflare keeps one previous secret: the second rotation keeps `second`, not `original`,
    // although the grace it promised `original` has not ended.
    let (third, rotated) = rotate(&api, &id, &grace_end).await;
    assert_eq!(rotated["client_secret_version"], 3);
    assert_eq!(knock(&api, "", &client_id, &original).await, 403);
    assert_eq!(knock(&api, "", &client_id, &second).await, 200);
    assert_eq!(knock(&api, "", &client_id, &third).await, 200);

    // A rotation without a grace period ends the previous secret at once.
    let rotated = Api::send(api.request(
        reqwest::Method::POST,
        &format!("/accounts/{ACCOUNT}/access/service_tokens/{id}/rotate"),
    ))
    .await;
    let fourth = field(rotated.result(), "client_secret");
    assert_eq!(knock(&api, "", &client_id, &third).await, 403);
    assert_eq!(knock(&api, "", &client_id, &fourth).await, 200);
}

#[tokio::test]
async fn expired_disabled_and_deleted_tokens_are_refused_and_a_refresh_extends() {
    let api = Api::start().await;
    let base = format!("/accounts/{ACCOUNT}/access/service_tokens");
    let (id, client_id, secret) =
        create(&api, "accounts", json!({ "name": "ci", "duration": "1h" })).await;
    advance(&api, 3000).await;
    assert_eq!(knock(&api, "", &client_id, &secret).await, 200);
    // A refresh starts the duration again from the fake's now.
    let refreshed = api.post(&format!("{base}/{id}/refresh"), json!({})).await;
    assert_eq!(refreshed.status, 200, "{}", refreshed.text);
    advance(&api, 3000).await;
    assert_eq!(knock(&api, "", &client_id, &secret).await, 200);
    advance(&api, 700).await;
    assert_eq!(knock(&api, "", &client_id, &secret).await, 403, "expired");

    let (id, client_id, secret) = create(&api, "accounts", json!({ "name": "ci2" })).await;
    let disabled = api
        .put(&format!("{base}/{id}"), json!({ "enabled": false }))
        .await;
    assert_eq!(disabled.status, 200, "{}", disabled.text);
    assert_eq!(knock(&api, "", &client_id, &secret).await, 403, "disabled");
    api.put(&format!("{base}/{id}"), json!({ "enabled": true }))
        .await;
    assert_eq!(knock(&api, "", &client_id, &secret).await, 200);
    assert_eq!(api.delete(&format!("{base}/{id}")).await.status, 200);
    assert_eq!(knock(&api, "", &client_id, &secret).await, 403, "deleted");
}

#[tokio::test]
async fn zone_tokens_are_admitted_by_their_zones_application() {
    let api = Api::start().await;
    let (id, client_id, secret) = create(&api, "zones", json!({ "name": "edge" })).await;
    assert_eq!(
        knock(&api, &format!("?zone={ACCOUNT}"), &client_id, &secret).await,
        200
    );
    assert_eq!(
        knock(&api, &format!("?account={ACCOUNT}"), &client_id, &secret).await,
        403
    );
    assert_eq!(knock(&api, "", &client_id, &secret).await, 200);
    api.delete(&format!("/zones/{ACCOUNT}/access/service_tokens/{id}"))
        .await;
    assert_eq!(
        knock(&api, &format!("?zone={ACCOUNT}"), &client_id, &secret).await,
        403
    );
}

#[tokio::test]
async fn the_clock_moves_only_forward_and_refuses_bad_input() {
    let api = Api::start().await;
    let before = fake_now(&api);
    let now = advance(&api, 86_400).await;
    let shown = chrono::DateTime::parse_from_rfc3339(now["now"].as_str().unwrap()).unwrap();
    // The answer is to the second, `before` finer.
    assert!(shown.to_utc() > before + chrono::Duration::days(1) - chrono::Duration::seconds(1));
    for bad in [json!({ "advance_seconds": -1 }), json!({}), json!("1h")] {
        let answer = Api::send(
            api.http
                .post(format!("{}/clock", api.server.admin_url()))
                .json(&bad),
        )
        .await;
        assert_eq!(answer.status, 400, "{bad}: {}", answer.text);
    }
    let wrong_method = Api::send(
        api.http
            .delete(format!("{}/access/protected", api.server.admin_url())),
    )
    .await;
    assert_eq!(wrong_method.status, 405);
}
