//! Refusals: each a typed error with its problem slug and status, and what it does to the
//! exchange.

use std::sync::Arc;

use credbridge_exchange::{
    ExchangeError, ExchangeService, LocalVerifier, MemoryStore, PresentationVerifier,
    ServiceConfig, VerifiedItem,
};
use serde_json::{Value, json};

use super::common::*;

/// Starts a request exchange and returns (service, workflow id, exchange id, the server's
/// first answer, the university).
async fn started() -> (
    credbridge_exchange::ExchangeService,
    String,
    String,
    Value,
    Issuer,
) {
    let service = service();
    let university = Issuer::new(51);
    let (workflow, exchange) = request_exchange(&service, &university).await;
    let asked = service
        .participate(&workflow.id, &exchange.id, &json!({}), NOW)
        .await
        .unwrap();
    (
        service,
        workflow.id,
        exchange.id,
        asked.response,
        university,
    )
}

#[tokio::test]
async fn a_wrong_challenge_is_refused_and_leaves_the_exchange_to_its_wallet() {
    let (service, workflow, exchange, asked, university) = started().await;
    let learner = wallet(61);
    let degree = university.badge(learner.did(), "BSc", 1);
    let vp = learner
        .sign(
            &learner.presentation(vec![degree.clone()]),
            Some("not-the-challenge"),
            Some("credbridge.example"),
            NOW,
        )
        .unwrap();
    let error = service
        .participate(
            &workflow,
            &exchange,
            &json!({"verifiablePresentation": vp}),
            NOW,
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&error, ExchangeError::ChallengeMismatch { found: Some(f) } if f == "not-the-challenge"),
        "{error:?}"
    );
    assert_eq!((error.slug(), error.status()), ("challenge-mismatch", 422));
    let stored = service
        .exchange(TENANT, &workflow, &exchange)
        .await
        .unwrap();
    assert_eq!(stored.to_json(NOW)["state"], "active");
    assert_eq!(
        stored.to_json(NOW)["lastError"]["type"],
        "urn:credbridge:problem:challenge-mismatch"
    );
    // The wallet's own answer still goes through.
    let answer = learner.answer(&asked, vec![degree], NOW).unwrap();
    let done = service
        .participate(&workflow, &exchange, &answer, NOW)
        .await
        .unwrap();
    assert_eq!(done.received.len(), 1);
}

#[tokio::test]
async fn a_wrong_domain_is_refused() {
    let (service, workflow, exchange, asked, university) = started().await;
    let learner = wallet(62);
    let challenge = asked["verifiablePresentationRequest"]["challenge"]
        .as_str()
        .unwrap();
    let vp = learner
        .sign(
            &learner.presentation(vec![university.badge(learner.did(), "BSc", 1)]),
            Some(challenge),
            Some("evil.example"),
            NOW,
        )
        .unwrap();
    let error = service
        .participate(
            &workflow,
            &exchange,
            &json!({"verifiablePresentation": vp}),
            NOW,
        )
        .await
        .unwrap_err();
    match &error {
        ExchangeError::DomainMismatch { expected, found } => {
            assert_eq!(expected, "credbridge.example");
            assert_eq!(found.as_deref(), Some("evil.example"));
        }
        other => panic!("expected DomainMismatch, got {other:?}"),
    }
    assert_eq!(state(&service, &workflow, &exchange, NOW).await, "active");
}

#[tokio::test]
async fn a_replayed_presentation_is_refused_as_a_replay() {
    let (service, workflow, exchange, asked, university) = started().await;
    let learner = wallet(63);
    let answer = learner
        .answer(&asked, vec![university.badge(learner.did(), "BSc", 1)], NOW)
        .unwrap();
    service
        .participate(&workflow, &exchange, &answer, NOW)
        .await
        .unwrap();

    // The same presentation again, to the same exchange …
    let error = service
        .participate(&workflow, &exchange, &answer, NOW + 1)
        .await
        .unwrap_err();
    assert!(
        matches!(error, ExchangeError::ChallengeReplayed),
        "{error:?}"
    );
    let problem = error.to_problem();
    assert_eq!(
        problem.problem_type,
        "urn:credbridge:problem:challenge-replayed"
    );
    assert_eq!(problem.status, 409);
    assert!(
        problem.detail.contains("replay refused"),
        "{}",
        problem.detail
    );

    // … and to another exchange of the same workflow, which issued its own challenge.
    let second = service
        .create_exchange(TENANT, &workflow, &json!({}), NOW)
        .await
        .unwrap();
    service
        .participate(&workflow, &second.id, &json!({}), NOW)
        .await
        .unwrap();
    let error = service
        .participate(&workflow, &second.id, &answer, NOW + 1)
        .await
        .unwrap_err();
    assert!(
        matches!(error, ExchangeError::ChallengeReplayed),
        "{error:?}"
    );
    assert_eq!(
        state(&service, &workflow, &second.id, NOW + 1).await,
        "active"
    );
}

/// The real verifier, yielding to the runtime first, as the server's does when it moves
/// verification to its blocking pool: two requests then interleave between their checks and
/// their writes.
struct YieldingVerifier(LocalVerifier);

#[async_trait::async_trait]
impl PresentationVerifier for YieldingVerifier {
    async fn verify(
        &self,
        presentation: Vec<u8>,
        challenge: String,
        domain: String,
        now: i64,
    ) -> Vec<VerifiedItem> {
        tokio::task::yield_now().await;
        self.0
            .verify_blocking(&presentation, challenge, domain, now)
    }
}

#[tokio::test]
async fn two_copies_of_one_presentation_racing_are_accepted_once() {
    let service = ExchangeService::new(
        Arc::new(MemoryStore::new()),
        Arc::new(YieldingVerifier(LocalVerifier::new(options()))),
        ServiceConfig::for_base_url(BASE).unwrap(),
    );
    let university = Issuer::new(51);
    let (workflow, exchange) = request_exchange(&service, &university).await;
    let asked = service
        .participate(&workflow.id, &exchange.id, &json!({}), NOW)
        .await
        .unwrap();
    let learner = wallet(64);
    let answer = learner
        .answer(
            &asked.response,
            vec![university.badge(learner.did(), "BSc", 1)],
            NOW,
        )
        .unwrap();
    let (a, b) = tokio::join!(
        service.participate(&workflow.id, &exchange.id, &answer, NOW),
        service.participate(&workflow.id, &exchange.id, &answer, NOW),
    );
    let accepted = [a.is_ok(), b.is_ok()].iter().filter(|ok| **ok).count();
    assert_eq!(accepted, 1, "{a:?} / {b:?}");
    // Both passed every check before either wrote: the store's insert-if-absent decided.
    let refused = a.err().or(b.err()).unwrap();
    assert!(
        matches!(refused, ExchangeError::ChallengeReplayed),
        "{refused:?}"
    );
    assert_eq!(
        state(&service, &workflow.id, &exchange.id, NOW).await,
        "complete"
    );
}

#[tokio::test]
async fn an_expired_exchange_is_refused_with_gone() {
    let service = service();
    let university = Issuer::new(52);
    let workflow = service
        .create_workflow(TENANT, &request_workflow(&university.did.did), NOW)
        .await
        .unwrap();
    let exchange = service
        .create_exchange(TENANT, &workflow.id, &json!({"ttl": 60}), NOW)
        .await
        .unwrap();
    let asked = service
        .participate(&workflow.id, &exchange.id, &json!({}), NOW + 59)
        .await
        .unwrap();
    let learner = wallet(65);
    let answer = learner
        .answer(
            &asked.response,
            vec![university.badge(learner.did(), "BSc", 1)],
            NOW + 60,
        )
        .unwrap();
    let error = service
        .participate(&workflow.id, &exchange.id, &answer, NOW + 60)
        .await
        .unwrap_err();
    assert!(
        matches!(&error, ExchangeError::Expired { expires } if expires == "2027-01-15T08:01:00Z"),
        "{error:?}"
    );
    assert_eq!((error.slug(), error.status()), ("exchange-expired", 410));
    let stored = service
        .exchange(TENANT, &workflow.id, &exchange.id)
        .await
        .unwrap();
    assert_eq!(stored.to_json(NOW + 60)["state"], "expired");
    assert_eq!(stored.to_json(NOW + 60)["lastError"]["status"], 410);
    // Also a fresh start after expiry.
    let error = service
        .participate(&workflow.id, &exchange.id, &json!({}), NOW + 3600)
        .await
        .unwrap_err();
    assert_eq!(error.slug(), "exchange-expired");
}

/// Posts `vp` (already signed or not) to a started exchange; returns the error and the state
/// after.
async fn refused(vp: Value) -> (ExchangeError, String, Option<String>) {
    let (service, workflow, exchange, _, _) = started().await;
    let error = service
        .participate(
            &workflow,
            &exchange,
            &json!({"verifiablePresentation": vp}),
            NOW,
        )
        .await
        .unwrap_err();
    let stored = service
        .exchange(TENANT, &workflow, &exchange)
        .await
        .unwrap();
    let body = stored.to_json(NOW);
    (
        error,
        body["state"].as_str().unwrap().to_owned(),
        body["lastError"]["detail"].as_str().map(str::to_owned),
    )
}

/// Signs `credentials` into a presentation for the started exchange's request.
async fn answered(
    credentials: impl FnOnce(&Issuer, &str) -> Vec<Value>,
) -> (ExchangeError, String) {
    let (service, workflow, exchange, asked, university) = started().await;
    let learner = wallet(66);
    let answer = learner
        .answer(&asked, credentials(&university, learner.did()), NOW)
        .unwrap();
    let error = service
        .participate(&workflow, &exchange, &answer, NOW)
        .await
        .unwrap_err();
    let state = state(&service, &workflow, &exchange, NOW).await;
    // A failed presentation ends the exchange: the wallet's next try is refused.
    let next = service
        .participate(&workflow, &exchange, &answer, NOW)
        .await
        .unwrap_err();
    assert_eq!(next.slug(), "exchange-invalid", "{next}");
    (error, state)
}

#[tokio::test]
async fn a_presentation_that_does_not_satisfy_the_query_ends_the_exchange() {
    // The right kind of credential from an issuer the employer does not list.
    let (error, state) = answered(|_, holder| vec![Issuer::new(99).badge(holder, "BSc", 1)]).await;
    match &error {
        ExchangeError::QueryNotSatisfied { pointer, rule } => {
            assert_eq!(pointer, "/query/0/credentialQuery/0");
            assert!(rule.contains("trusted issuers"), "{rule}");
        }
        other => panic!("expected QueryNotSatisfied, got {other:?}"),
    }
    assert_eq!((error.slug(), error.status()), ("query-not-satisfied", 422));
    assert_eq!(state, "invalid");

    // No credential at all.
    let (error, _) = answered(|_, _| vec![]).await;
    assert!(
        matches!(error, ExchangeError::QueryNotSatisfied { .. }),
        "{error:?}"
    );
}

#[tokio::test]
async fn an_unsigned_presentation_is_refused() {
    let learner = wallet(67);
    let university = Issuer::new(51);
    let vp = learner.presentation(vec![university.badge(learner.did(), "BSc", 1)]);
    let (error, state, detail) = refused(vp).await;
    assert!(matches!(error, ExchangeError::Unsigned), "{error:?}");
    assert_eq!(
        (error.slug(), error.status()),
        ("presentation-unsigned", 422)
    );
    assert_eq!(state, "invalid");
    assert!(detail.unwrap().contains("authentication"));
}

#[tokio::test]
async fn a_tampered_credential_inside_is_refused_naming_it() {
    let (error, state) = answered(|university, holder| {
        let mut degree = university.badge(holder, "BSc", 1);
        degree["credentialSubject"]["achievement"]["name"] = json!("PhD");
        vec![degree]
    })
    .await;
    match &error {
        ExchangeError::CredentialInvalid { path, check, .. } => {
            assert!(path.contains("verifiableCredential"), "{path}");
            assert_eq!(check, "proof");
        }
        other => panic!("expected CredentialInvalid, got {other:?}"),
    }
    assert_eq!(state, "invalid");
}

#[tokio::test]
async fn a_presentation_signed_by_someone_else_than_its_holder_is_refused() {
    let (service, workflow, exchange, asked, university) = started().await;
    let learner = wallet(68);
    let thief = wallet(69);
    // The thief signs a presentation naming the learner as holder.
    let vp = learner.presentation(vec![university.badge(learner.did(), "BSc", 1)]);
    let request = &asked["verifiablePresentationRequest"];
    let signed = thief
        .sign(
            &vp,
            request["challenge"].as_str(),
            request["domain"].as_str(),
            NOW,
        )
        .unwrap();
    let error = service
        .participate(
            &workflow,
            &exchange,
            &json!({"verifiablePresentation": signed}),
            NOW,
        )
        .await
        .unwrap_err();
    match &error {
        ExchangeError::PresentationInvalid { check, .. } => assert_eq!(check, "holder.key-binding"),
        other => panic!("expected PresentationInvalid, got {other:?}"),
    }
}

#[tokio::test]
async fn a_tampered_presentation_is_refused() {
    let (service, workflow, exchange, asked, university) = started().await;
    let learner = wallet(70);
    let mut answer = learner
        .answer(&asked, vec![university.badge(learner.did(), "BSc", 1)], NOW)
        .unwrap();
    answer["verifiablePresentation"]["verifiableCredential"]
        .as_array_mut()
        .unwrap()
        .push(Issuer::new(51).badge(learner.did(), "MSc", 2));
    let error = service
        .participate(&workflow, &exchange, &answer, NOW)
        .await
        .unwrap_err();
    assert!(
        matches!(&error, ExchangeError::PresentationInvalid { check, .. } if check == "proof"),
        "{error:?}"
    );
}

#[tokio::test]
async fn messages_out_of_turn_or_of_the_wrong_shape_are_refused() {
    let service = service();
    let university = Issuer::new(53);
    let (workflow, exchange) = request_exchange(&service, &university).await;
    let learner = wallet(71);
    let vp = learner
        .sign(
            &learner.presentation(vec![]),
            Some("c"),
            Some("credbridge.example"),
            NOW,
        )
        .unwrap();
    // A presentation before any request was issued.
    let error = service
        .participate(
            &workflow.id,
            &exchange.id,
            &json!({"verifiablePresentation": vp}),
            NOW,
        )
        .await
        .unwrap_err();
    assert!(
        matches!(error, ExchangeError::NoRequestIssued { .. }),
        "{error:?}"
    );
    assert_eq!(error.status(), 400);
    for (message, pointer) in [
        (json!([]), ""),
        (
            json!({"verifiablePresentationRequest": {}}),
            "/verifiablePresentationRequest",
        ),
        (json!({"hello": 1}), "/hello"),
        (
            json!({"verifiablePresentation": "eyJ"}),
            "/verifiablePresentation",
        ),
        (
            json!({"verifiablePresentation": [{}, {}]}),
            "/verifiablePresentation",
        ),
        (
            json!({"verifiablePresentation": {"type": "VerifiableCredential"}}),
            "/verifiablePresentation/type",
        ),
    ] {
        match service
            .participate(&workflow.id, &exchange.id, &message, NOW)
            .await
        {
            Err(ExchangeError::InvalidMessage { pointer: got, .. }) => {
                assert_eq!(got, pointer, "{message}")
            }
            other => panic!("{message}: expected InvalidMessage, got {other:?}"),
        }
    }
    let error = service
        .participate(&workflow.id, "no-such-exchange", &json!({}), NOW)
        .await
        .unwrap_err();
    assert_eq!((error.slug(), error.status()), ("not-found", 404));
}
