//! Secrets stay secret: every field the spec marks `x-sensitive` is a `Secret`, and no `Debug`
//! output, error message or log line carries one.

use cloudflare_tokens::{Client, Credentials, RetryPolicy, Scope, Secret, types};
use fake_cloudflare::{FakeCloudflare, Fault};

use super::log_capture;

use test_support::ACCOUNT;

use cloudflare_tokens_tests::repo::{root as repo, spec};

/// Every `x-sensitive` property of the spec's generated models, as (model, property). The
/// envelope's models (marked `x-envelope`) are the hand-written generic `Envelope<T>` instead.
fn sensitive_properties() -> Vec<(String, String)> {
    let spec = spec();
    let mut out = Vec::new();
    for (model, schema) in spec["components"]["schemas"].as_object().unwrap() {
        if schema.get("x-envelope").is_some() {
            continue;
        }
        for (property, value) in schema["properties"].as_object().into_iter().flatten() {
            if value["x-sensitive"] == true {
                out.push((model.clone(), property.clone()));
            }
        }
    }
    out
}

/// The Rust type of `model.field` in the generated source.
fn generated_field_type(model: &str, field: &str) -> Option<String> {
    let dir = repo().join("generated/src/types");
    for entry in std::fs::read_dir(dir).unwrap() {
        let file =
            syn::parse_file(&std::fs::read_to_string(entry.unwrap().path()).unwrap()).unwrap();
        for item in file.items {
            let syn::Item::Struct(s) = item else { continue };
            if s.ident != model {
                continue;
            }
            for f in s.fields {
                if f.ident.as_ref().is_some_and(|i| i == field) {
                    let ty = f.ty;
                    return Some(quote::quote!(#ty).to_string().replace(' ', ""));
                }
            }
        }
    }
    None
}

#[test]
fn every_sensitive_field_of_the_spec_is_a_secret() {
    let properties = sensitive_properties();
    assert!(
        properties.len() >= 3,
        "the spec marks the token value, client secret and API key: {properties:?}"
    );
    for (model, property) in &properties {
        let ty = generated_field_type(model, property)
            .unwrap_or_else(|| panic!("{model}.{property} is not generated"));
        assert!(
            ty.contains("cloudflare_tokens_runtime::Secret"),
            "{model}.{property} is `{ty}`, not a Secret"
        );
    }
}

fn quick_client(server: &FakeCloudflare) -> Client {
    Client::builder(Credentials::ApiToken(Secret::new(server.bootstrap_token())))
        .base_url(server.base_url())
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap()
}

fn policy() -> types::TokenPolicy {
    types::TokenPolicy::new(
        types::PolicyEffect::Allow,
        vec![types::PolicyPermissionGroup::new(
            fake_cloudflare::AI_SEARCH_INDEX_ENGINE,
        )],
        [(
            format!("com.cloudflare.api.account.{ACCOUNT}"),
            types::PolicyResourceValue::String("*".into()),
        )]
        .into_iter()
        .collect(),
    )
}

/// Collects what the client logs, at every level.
#[tokio::test]
async fn responses_errors_and_logs_never_show_a_secret() {
    let (captured, _guard) = log_capture::capture();

    let server = FakeCloudflare::start().await.unwrap();
    let client = quick_client(&server);
    let mut secrets = vec![server.bootstrap_token().to_string()];
    let mut printed = Vec::new();

    // A created token and its value.
    let created = client
        .user_tokens_create(&types::UserTokenCreate::new("indexer", vec![policy()]))
        .await
        .unwrap();
    let value = created.value.clone().expect("the value comes back once");
    secrets.push(value.expose_secret().to_string());
    printed.push(format!("{created:?} {:?} {}", created.result(), value));

    // It registered with AI Search (the key goes out on the wire, never into output).
    let id = created.id.clone().unwrap();
    let body = types::AiSearchTokenCreate::new(types::AiSearchTokenCreateRequired {
        cf_api_id: id.clone(),
        cf_api_key: value.clone(),
        name: "indexer".into(),
    });
    printed.push(format!("{body:?}"));
    let registered = client
        .ai_search_tokens_create(ACCOUNT, &body)
        .await
        .unwrap();
    printed.push(format!("{registered:?}"));

    // A rolled value.
    let rolled = client.user_tokens_roll(&id).await.unwrap();
    secrets.push(rolled.expose_secret().to_string());
    printed.push(format!("{rolled:?} {}", *rolled));

    // Access client secrets, from create and rotate.
    let scope = Scope::Account(ACCOUNT);
    let service = client
        .access_service_tokens_create(scope, &types::ServiceTokenCreate::new("ci"))
        .await
        .unwrap();
    secrets.push(
        service
            .client_secret
            .as_ref()
            .unwrap()
            .expose_secret()
            .to_string(),
    );
    printed.push(format!("{service:?}"));
    let service_id = service.id.clone().unwrap();
    let rotated = client
        .access_service_tokens_rotate(ACCOUNT, &service_id, &types::ServiceTokenRotate::default())
        .await
        .unwrap();
    secrets.push(
        rotated
            .client_secret
            .as_ref()
            .unwrap()
            .expose_secret()
            .to_string(),
    );
    printed.push(format!("{rotated:?}"));

    // A create whose response is cut short: the error quotes the body, with the secret masked.
    server.inject(Fault::truncate("access_service_tokens_create"));
    let error = client
        .access_service_tokens_create(scope, &types::ServiceTokenCreate::new("cut"))
        .await
        .unwrap_err();
    assert_eq!(
        error.kind(),
        cloudflare_tokens::ErrorKind::Decode,
        "{error}"
    );
    assert!(
        error.is_outcome_unknown(),
        "the token was created but its secret is lost: {error}"
    );
    printed.push(format!("{error} {error:?}"));

    // Errors from every failure kind.
    server.inject(Fault::html_502("user_tokens_verify"));
    let error = client.user_tokens_verify().await.unwrap_err();
    printed.push(format!("{error} {error:?}"));
    printed.push(format!("{client:?}"));

    let printed = printed.join("\n");
    let logs = captured.text();
    // The client's own attempt lines, not only the HTTP stack's: a capture that missed them
    // would make the checks below pass without looking.
    for operation in [
        "user_tokens_create",
        "ai_search_tokens_create",
        "user_tokens_verify",
    ] {
        assert!(
            logs.contains(&format!("operation=\"{operation}\"")),
            "no attempt of `{operation}` was logged:\n{logs}"
        );
    }
    for secret in &secrets {
        assert!(
            !printed.contains(secret.as_str()),
            "a secret was printed:\n{printed}"
        );
        assert!(
            !logs.contains(secret.as_str()),
            "a secret was logged:\n{logs}"
        );
    }
}
