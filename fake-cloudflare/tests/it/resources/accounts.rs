//! `GET /accounts` and `GET /zones`: the fake's own account, the accounts its zones belong to,
//! zones filtered by `account.id`, and paging within the spec's `per_page` bounds.

use fake_cloudflare::DEFAULT_ACCOUNT_ID;
use reqwest::Method;
use serde_json::{Value, json};
use test_support::fake::http::*;

const OTHER: &str = "0123456789abcdef0123456789abcdef";

fn field(answer: &Answer, name: &str) -> Vec<String> {
    answer
        .result()
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item[name].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn accounts_are_the_fakes_own_then_those_of_its_zones() {
    let api = Api::start().await;
    assert_eq!(ACCOUNT, DEFAULT_ACCOUNT_ID);
    let answer = api.get("/accounts").await;
    assert_success(&answer);
    assert_eq!(field(&answer, "id"), [ACCOUNT]);
    assert_eq!(answer.result()[0]["type"], "standard");
    assert_eq!(
        answer.json["result_info"],
        json!({ "page": 1, "per_page": 20, "count": 1, "total_count": 1, "total_pages": 1 })
    );

    api.server.create_zone(OTHER, "other.example");
    api.server.create_zone(ACCOUNT, "mine.example");
    let answer = api.get("/accounts").await;
    assert_eq!(field(&answer, "id"), [ACCOUNT, OTHER]);
    let by_name = api.get("/accounts?name=Fake%20account").await;
    assert_eq!(field(&by_name, "id"), [ACCOUNT]);
}

#[tokio::test]
async fn accounts_answer_an_email_and_key_too() {
    let api = Api::start().await;
    let request = api
        .http
        .request(Method::GET, api.url("/accounts"))
        .header("X-Auth-Email", EMAIL)
        .header("X-Auth-Key", KEY);
    let answer = Api::send(request).await;
    assert_success(&answer);
    assert_eq!(field(&answer, "id"), [ACCOUNT]);
}

#[tokio::test]
async fn zones_are_filtered_by_account_id() {
    let api = Api::start().await;
    let seeded: Value = api.server.create_zone(ACCOUNT, "a.example");
    api.server.create_zone(OTHER, "b.example");
    api.server.create_zone(ACCOUNT, "c.example");

    let all = api.get("/zones").await;
    assert_success(&all);
    assert_eq!(field(&all, "name"), ["a.example", "b.example", "c.example"]);
    assert_eq!(all.result()[0], seeded, "listed as seeded");

    let mine = api.get(&format!("/zones?account.id={ACCOUNT}")).await;
    assert_eq!(field(&mine, "name"), ["a.example", "c.example"]);
    assert_eq!(mine.result()[0]["account"]["id"], ACCOUNT);
    assert_eq!(mine.json["result_info"]["total_count"], 2);

    let none = api
        .get("/zones?account.id=ffffffffffffffffffffffffffffffff")
        .await;
    assert_eq!(none.result(), &json!([]));

    let desc = api.get("/zones?direction=desc&name=b.example").await;
    assert_eq!(field(&desc, "name"), ["b.example"]);
}

#[tokio::test]
async fn zones_page_within_the_specs_bounds() {
    let api = Api::start().await;
    for i in 0..12 {
        api.server.create_zone(ACCOUNT, &format!("z{i:02}.example"));
    }
    let mut seen = Vec::new();
    for (page, count) in [(1, 5), (2, 5), (3, 2)] {
        let answer = api
            .get(&format!(
                "/zones?account.id={ACCOUNT}&page={page}&per_page=5"
            ))
            .await;
        assert_eq!(answer.status, 200, "{}", answer.text);
        assert_eq!(
            answer.json["result_info"],
            json!({ "page": page, "per_page": 5, "count": count, "total_count": 12, "total_pages": 3 })
        );
        seen.extend(field(&answer, "name"));
    }
    let expected: Vec<String> = (0..12).map(|i| format!("z{i:02}.example")).collect();
    assert_eq!(seen, expected);

    for per_page in [4, 51] {
        let answer = api.get(&format!("/zones?per_page={per_page}")).await;
        assert_eq!(answer.status, 400, "per_page={per_page}: {}", answer.text);
    }
    let answer = api.get("/accounts?per_page=51").await;
    assert_eq!(answer.status, 400, "{}", answer.text);
}
