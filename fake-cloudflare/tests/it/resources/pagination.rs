//! `page`, `per_page` and `result_info` on every paged list.

use fake_cloudflare::AccessScope;
use serde_json::{Value, json};
use test_support::fake::http::*;

fn names(answer: &Answer) -> Vec<String> {
    answer
        .result()
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn ai_search_tokens_250_items_in_pages_of_100_without_total_pages() {
    let api = Api::start().await;
    for i in 0..250 {
        api.server
            .register_ai_search_token(ACCOUNT, &format!("t{i:03}"), "x");
    }
    let mut seen = Vec::new();
    for (page, count) in [(1, 100), (2, 100), (3, 50)] {
        let answer = api
            .get(&format!(
                "/accounts/{ACCOUNT}/ai-search/tokens?page={page}&per_page=100"
            ))
            .await;
        assert_eq!(answer.status, 200, "{}", answer.text);
        assert_eq!(
            answer.json["result_info"],
            json!({ "page": page, "per_page": 100, "count": count, "total_count": 250 })
        );
        seen.extend(names(&answer));
    }
    let expected: Vec<String> = (0..250).map(|i| format!("t{i:03}")).collect();
    assert_eq!(seen, expected, "creation order, each item once");

    let past = api
        .get(&format!(
            "/accounts/{ACCOUNT}/ai-search/tokens?page=4&per_page=100"
        ))
        .await;
    assert_eq!(past.result(), &json!([]));
    assert_eq!(past.json["result_info"]["count"], 0);

    let default = api
        .get(&format!("/accounts/{ACCOUNT}/ai-search/tokens"))
        .await;
    assert_eq!(
        default.json["result_info"],
        json!({ "page": 1, "per_page": 20, "count": 20, "total_count": 250 })
    );
}

#[tokio::test]
async fn ai_search_instances_pages_without_total_pages() {
    let api = Api::start().await;
    let token_id = api.create_ai_search_token("t").await;
    for i in 0..250 {
        let body = json!({ "id": format!("i{i:03}"), "token_id": token_id });
        assert_eq!(
            api.post(&format!("/accounts/{ACCOUNT}/ai-search/instances"), body)
                .await
                .status,
            201
        );
    }
    let mut seen = Vec::new();
    for (page, count) in [(1, 100), (2, 100), (3, 50)] {
        let path = format!(
            "/accounts/{ACCOUNT}/ai-search/instances?page={page}&per_page=100&order_by_direction=asc"
        );
        let answer = api.get(&path).await;
        let info = &answer.json["result_info"];
        assert_eq!(
            info,
            &json!({ "page": page, "per_page": 100, "count": count, "total_count": 250 })
        );
        seen.extend(
            answer
                .result()
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["id"].clone()),
        );
    }
    let expected: Vec<Value> = (0..250).map(|i| json!(format!("i{i:03}"))).collect();
    assert_eq!(seen, expected);
}

#[tokio::test]
async fn user_tokens_pages_report_total_pages() {
    let api = Api::start().await;
    for i in 0..250 {
        api.server.create_user_token(&format!("u{i:03}"));
    }
    let mut seen = Vec::new();
    for page in 1..=5 {
        let answer = api
            .get(&format!("/user/tokens?page={page}&per_page=50"))
            .await;
        assert_eq!(
            answer.json["result_info"],
            json!({ "page": page, "per_page": 50, "count": 50, "total_count": 250, "total_pages": 5 })
        );
        seen.extend(names(&answer));
    }
    assert_eq!(
        seen,
        (0..250).map(|i| format!("u{i:03}")).collect::<Vec<_>>()
    );
    let default = api.get("/user/tokens").await;
    assert_eq!(default.json["result_info"]["per_page"], 20);
    assert_eq!(default.json["result_info"]["total_pages"], 13);
}

#[tokio::test]
async fn access_pages_report_total_pages() {
    let api = Api::start().await;
    for i in 0..250 {
        api.server
            .create_service_token(AccessScope::Account, ACCOUNT, &format!("s{i:03}"));
    }
    let base = format!("/accounts/{ACCOUNT}/access/service_tokens");
    for (page, count) in [(1, 100), (2, 100), (3, 50)] {
        let answer = api.get(&format!("{base}?page={page}&per_page=100")).await;
        assert_eq!(
            answer.json["result_info"],
            json!({ "page": page, "per_page": 100, "count": count, "total_count": 250, "total_pages": 3 })
        );
    }
    let default = api.get(&base).await;
    assert_eq!(
        default.json["result_info"],
        json!({ "page": 1, "per_page": 1000, "count": 250, "total_count": 250, "total_pages": 1 })
    );
}

#[tokio::test]
async fn out_of_range_page_parameters_are_rejected() {
    let api = Api::start().await;
    let ai = format!("/accounts/{ACCOUNT}/ai-search/tokens");
    let access = format!("/accounts/{ACCOUNT}/access/service_tokens");
    for path in [
        "/user/tokens?per_page=51".to_owned(),
        "/user/tokens?per_page=4".to_owned(),
        "/user/tokens?page=0".to_owned(),
        "/user/tokens?page=two".to_owned(),
        format!("{ai}?per_page=101"),
        format!("{ai}?per_page=0"),
        format!("{ai}?page=101"),
        format!("/accounts/{ACCOUNT}/ai-search/instances?per_page=101"),
        format!("{access}?per_page=1001"),
        format!("{access}?page=-1"),
    ] {
        assert_error(&api.get(&path).await, 400, 1001);
    }
    // The maxima themselves are fine.
    for path in [
        "/user/tokens?per_page=50".to_owned(),
        format!("{ai}?per_page=100&page=100"),
        format!("{access}?per_page=1000"),
    ] {
        assert_eq!(api.get(&path).await.status, 200, "{path}");
    }
}
