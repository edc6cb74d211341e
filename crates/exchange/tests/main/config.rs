//! Workflow and exchange creation: every rule refused with its pointer.

use credbridge_exchange::ExchangeError;
use serde_json::{Value, json};

use super::common::*;

fn pointer_of(error: &ExchangeError) -> Option<&str> {
    match error {
        ExchangeError::InvalidConfig { pointer, .. } => Some(pointer),
        _ => None,
    }
}

#[tokio::test]
async fn bad_workflows_are_refused_naming_the_field_and_rule() {
    let service = service();
    let did_auth = json!({"query": {"type": "DIDAuthentication"}});
    let cases: Vec<(Value, &str, &str)> = vec![
        (json!({"steps": {"a": {}}}), "", "initialStep"),
        (
            json!({"initialStep": "a", "steps": {}}),
            "/steps",
            "at least one step",
        ),
        (
            json!({"initialStep": "b", "steps": {"a": {}}}),
            "/initialStep",
            "not one of the steps",
        ),
        (
            json!({"initialStep": "a", "steps": {"a": {"verifiablePresentationRequest": did_auth, "nextStep": "z"}}}),
            "/steps/a/nextStep",
            "not one of the steps",
        ),
        (
            json!({"initialStep": "a", "steps": {
                "a": {"verifiablePresentationRequest": did_auth, "nextStep": "b"},
                "b": {"verifiablePresentationRequest": did_auth, "nextStep": "a"}}}),
            "/steps/a/nextStep",
            "cycle",
        ),
        (
            json!({"initialStep": "a", "steps": {"a": {"issueRequests": []}}}),
            "",
            "unknown field `issueRequests`",
        ),
        (
            json!({"initialStep": "a", "credentialTemplates": [], "steps": {"a": {}}}),
            "",
            "unknown field `credentialTemplates`",
        ),
        (
            json!({"initialStep": "a", "steps": {"a": {"createChallenge": false, "verifiablePresentationRequest": did_auth}}}),
            "/steps/a/createChallenge",
            "fresh challenge",
        ),
        (
            json!({"initialStep": "a", "steps": {"a": {"verifiablePresentationRequest": {"query": {"type": "ZcapQuery"}}}}}),
            "/steps/a/verifiablePresentationRequest/query/type",
            "not supported",
        ),
        (
            json!({"initialStep": "a", "steps": {"a": {"credentialsVariable": "c", "nextStep": "a"}}}),
            "/steps/a/nextStep",
            "must be the last",
        ),
        (
            json!({"initialStep": "a", "steps": {"a": {"verifiablePresentationRequest": did_auth, "credentialsVariable": "c"}}}),
            "/steps/a/credentialsVariable",
            "delivers nothing",
        ),
        (
            json!({"id": "has space", "initialStep": "a", "steps": {"a": {}}}),
            "/id",
            "characters",
        ),
        (
            json!({"initialStep": "a", "steps": {"a": {"redirectUrl": "javascript:alert(1)"}}}),
            "/steps/a/redirectUrl",
            "http(s)",
        ),
    ];
    for (body, pointer, words) in cases {
        let error = service
            .create_workflow(TENANT, &body, NOW)
            .await
            .unwrap_err();
        assert_eq!(pointer_of(&error), Some(pointer), "{body}: {error}");
        assert!(error.to_string().contains(words), "{body}: {error}");
        assert_eq!((error.slug(), error.status()), ("invalid-request", 400));
    }
    let steps: serde_json::Map<String, Value> =
        (0..17).map(|i| (format!("s{i}"), json!({}))).collect();
    let error = service
        .create_workflow(TENANT, &json!({"initialStep": "s0", "steps": steps}), NOW)
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            ExchangeError::LimitExceeded {
                limit: 16,
                found: 17,
                ..
            }
        ),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_workflow_id_is_taken_once_and_seen_only_by_its_tenant() {
    let service = service();
    let workflow = service
        .create_workflow(TENANT, &offer_workflow(), NOW)
        .await
        .unwrap();
    assert_eq!(workflow.to_json(), {
        let mut expected = offer_workflow();
        expected["steps"]["didAuth"]["createChallenge"] = json!(true);
        expected
    });
    let error = service
        .create_workflow("other", &offer_workflow(), NOW)
        .await
        .unwrap_err();
    assert_eq!((error.slug(), error.status()), ("workflow-exists", 409));
    let error = service.workflow("other", "pickup").await.unwrap_err();
    assert_eq!(error.status(), 404);
    let error = service
        .create_exchange("other", "pickup", &json!({}), NOW)
        .await
        .unwrap_err();
    assert_eq!(error.status(), 404);
    assert_eq!(service.workflow(TENANT, "pickup").await.unwrap(), workflow);
    // A coordinator of another tenant cannot read an exchange either.
    let exchange = service
        .create_exchange(
            TENANT,
            "pickup",
            &json!({"variables": {"credentials": ["a.b.c"]}}),
            NOW,
        )
        .await
        .unwrap();
    let error = service
        .exchange("other", "pickup", &exchange.id)
        .await
        .unwrap_err();
    assert_eq!(error.status(), 404);
}

#[tokio::test]
async fn bad_exchange_requests_are_refused_naming_the_field_and_rule() {
    let service = service();
    service
        .create_workflow(TENANT, &offer_workflow(), NOW)
        .await
        .unwrap();
    let vc = json!({"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential"]});
    let cases: Vec<(Value, &str, &str)> = vec![
        (json!({}), "/variables/credentials", "give them as an array"),
        (
            json!({"variables": {"credentials": vc}}),
            "/variables/credentials",
            "must be an array",
        ),
        (
            json!({"variables": {"credentials": []}}),
            "/variables/credentials",
            "at least one",
        ),
        (
            json!({"variables": {"credentials": [vc, {"name": "x"}]}}),
            "/variables/credentials/1",
            "credential object",
        ),
        (
            json!({"ttl": 0, "variables": {"credentials": [vc]}}),
            "/ttl",
            "positive",
        ),
        (
            json!({"ttl": 31 * 24 * 3600, "variables": {"credentials": [vc]}}),
            "/ttl",
            "at most 2592000 seconds",
        ),
        (
            json!({"ttl": 5, "expires": "2030-01-01T00:00:00Z", "variables": {"credentials": [vc]}}),
            "/ttl",
            "not both",
        ),
        (
            json!({"expires": "2020-01-01T00:00:00Z", "variables": {"credentials": [vc]}}),
            "/expires",
            "in the past",
        ),
        (
            json!({"expires": "tomorrow", "variables": {"credentials": [vc]}}),
            "/expires",
            "dateTimeStamp",
        ),
        (
            json!({"variables": {"credentials": [vc], "results": {}}}),
            "/variables/results",
            "reserved",
        ),
        (
            json!({"openId": {}, "variables": {"credentials": [vc]}}),
            "",
            "unknown field `openId`",
        ),
    ];
    for (body, pointer, words) in cases {
        let error = service
            .create_exchange(TENANT, "pickup", &body, NOW)
            .await
            .unwrap_err();
        assert_eq!(pointer_of(&error), Some(pointer), "{body}: {error}");
        assert!(error.to_string().contains(words), "{body}: {error}");
    }
    let many: Vec<Value> = (0..101).map(|_| vc.clone()).collect();
    let error = service
        .create_exchange(
            TENANT,
            "pickup",
            &json!({"variables": {"credentials": many}}),
            NOW,
        )
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            ExchangeError::LimitExceeded {
                limit: 100,
                found: 101,
                ..
            }
        ),
        "{error:?}"
    );
}
