//! Both flows of issue 15 end to end, the test playing the wallet with real signatures.

use credbridge_exchange::{LocalVerifier, PresentationVerifier};
use credbridge_verify::Verdict;
use serde_json::{Value, json};

use super::common::*;

#[tokio::test]
async fn request_flow_verifies_the_wallets_presentation_and_hands_its_credentials_to_the_inbox() {
    let service = service();
    let university = Issuer::new(11);
    let learner = wallet(21);
    let (workflow, exchange) = request_exchange(&service, &university).await;
    assert_eq!(
        state(&service, &workflow.id, &exchange.id, NOW).await,
        "pending"
    );

    // The wallet follows the link: POST {} → the request, with a fresh challenge and our domain.
    let asked = service
        .participate(&workflow.id, &exchange.id, &json!({}), NOW)
        .await
        .unwrap();
    let request = &asked.response["verifiablePresentationRequest"];
    let challenge = request["challenge"].as_str().unwrap().to_owned();
    assert!(
        challenge.len() >= 43,
        "challenge {challenge:?} is 32 random bytes"
    );
    assert_eq!(request["domain"], "credbridge.example");
    assert_eq!(request["query"][0]["type"], "QueryByExample");
    assert_eq!(request["query"][1]["type"], "DIDAuthentication");
    assert_eq!(
        state(&service, &workflow.id, &exchange.id, NOW).await,
        "active"
    );

    // Asking again gives the same request (no state-changing side effect on the challenge).
    let again = service
        .participate(&workflow.id, &exchange.id, &json!({}), NOW)
        .await
        .unwrap();
    assert_eq!(
        again.response["verifiablePresentationRequest"]["challenge"],
        challenge.as_str()
    );

    // The wallet presents a degree and a second, unrelated badge.
    let degree = university.badge(learner.did(), "BSc Computer Science", 1);
    let other = Issuer::new(12).badge(learner.did(), "First Aid", 2);
    let answer = learner
        .answer(&asked.response, vec![degree.clone(), other.clone()], NOW)
        .unwrap();
    let done = service
        .participate(&workflow.id, &exchange.id, &answer, NOW)
        .await
        .unwrap();

    assert_eq!(
        done.response,
        json!({"redirectUrl": "https://jobs.acme.example/thanks"})
    );
    assert_eq!(done.holder.as_deref(), Some(learner.did()));
    assert_eq!(done.received.len(), 2, "both credentials go to the inbox");
    for (received, sent) in done.received.iter().zip([&degree, &other]) {
        assert_eq!(
            received.report.verdict,
            Verdict::Valid,
            "{:#?}",
            received.report
        );
        let bytes: Value = serde_json::from_slice(&received.bytes).unwrap();
        assert_eq!(
            &bytes, sent,
            "{} keeps the credential's own bytes",
            received.path
        );
    }
    assert_eq!(done.exchange.to_json(NOW)["state"], "complete");
    // The coordinator sees what the wallet sent.
    let stored = service
        .exchange(TENANT, &workflow.id, &exchange.id)
        .await
        .unwrap();
    assert_eq!(
        stored.result("present").unwrap()["verifiablePresentation"]["holder"],
        learner.did()
    );
    assert_eq!(stored.to_json(NOW)["state"], "complete");
    assert!(stored.last_error.is_none());
}

#[tokio::test]
async fn offer_flow_delivers_the_exchanges_credentials_after_did_authentication() {
    let service = service();
    let university = Issuer::new(31);
    let learner = wallet(41);
    let workflow = service
        .create_workflow(TENANT, &offer_workflow(), NOW)
        .await
        .unwrap();
    assert_eq!(workflow.id, "pickup");
    // The issuer does not know the wallet's DID yet: the badge names the learner by email hash.
    let badge = university.badge("urn:example:learner:42", "Data Literacy", 7);
    let exchange = service
        .create_exchange(
            TENANT,
            &workflow.id,
            &json!({"expires": "2027-01-20T08:00:00Z", "variables": {"credentials": [badge.clone()]}}),
            NOW,
        )
        .await
        .unwrap();
    assert_eq!(
        exchange.expires_at,
        credbridge_proofs::parse_datetime("2027-01-20T08:00:00Z").unwrap()
    );

    let asked = service
        .participate(&workflow.id, &exchange.id, &json!({}), NOW)
        .await
        .unwrap();
    let request = &asked.response["verifiablePresentationRequest"];
    assert_eq!(request["query"]["type"], "DIDAuthentication");
    assert!(request["challenge"].is_string());

    // DID Authentication: a presentation with no credentials, signed over the challenge.
    let answer = learner.answer(&asked.response, vec![], NOW + 5).unwrap();
    let done = service
        .participate(&workflow.id, &exchange.id, &answer, NOW + 5)
        .await
        .unwrap();
    let delivered = &done.response["verifiablePresentation"];
    assert_eq!(delivered["type"], json!(["VerifiablePresentation"]));
    assert_eq!(delivered["verifiableCredential"], json!([badge]));
    assert!(done.received.is_empty());
    assert_eq!(done.holder.as_deref(), Some(learner.did()));
    assert_eq!(done.exchange.to_json(NOW + 5)["state"], "complete");
    assert_eq!(done.exchange.step, "deliver");

    // What the wallet received verifies as the issuer signed it.
    let verifier = LocalVerifier::new(options());
    let bytes = serde_json::to_vec(&delivered["verifiableCredential"][0]).unwrap();
    let items = verifier
        .verify(bytes, "unused".into(), "unused".into(), NOW + 5)
        .await;
    assert_eq!(items.len(), 1);
    assert_eq!(items[0].report.as_ref().unwrap().verdict, Verdict::Valid);
}

#[tokio::test]
async fn an_offer_without_authentication_delivers_on_the_first_message() {
    let service = service();
    let badge = Issuer::new(32).badge("urn:example:learner:1", "Welding", 3);
    let workflow = service
        .create_workflow(
            TENANT,
            &json!({"initialStep": "deliver", "steps": {"deliver": {"credentialsVariable": "creds"}}}),
            NOW,
        )
        .await
        .unwrap();
    let exchange = service
        .create_exchange(
            TENANT,
            &workflow.id,
            &json!({"variables": {"creds": [badge.clone()]}}),
            NOW,
        )
        .await
        .unwrap();
    assert_eq!(
        exchange.expires_at,
        NOW + credbridge_exchange::DEFAULT_TTL_SECONDS
    );
    let done = service
        .participate(&workflow.id, &exchange.id, &json!({}), NOW)
        .await
        .unwrap();
    assert_eq!(
        done.response["verifiablePresentation"]["verifiableCredential"],
        json!([badge])
    );
    let error = service
        .participate(&workflow.id, &exchange.id, &json!({}), NOW)
        .await
        .unwrap_err();
    assert_eq!(error.slug(), "exchange-complete", "single use: {error}");
}

#[tokio::test]
async fn the_exchange_link_and_protocols_name_the_exchange() {
    let service = service();
    let (workflow, exchange) = request_exchange(&service, &Issuer::new(1)).await;
    let url = service.exchange_url(&workflow.id, &exchange.id);
    assert_eq!(
        url,
        format!(
            "https://credbridge.example/workflows/{}/exchanges/{}",
            workflow.id, exchange.id
        )
    );
    assert_eq!(
        service.protocols(&workflow.id, &exchange.id),
        json!({"protocols": {"vcapi": url}})
    );
    // Exchange ids are unguessable capabilities, and differ per exchange.
    let second = service
        .create_exchange(TENANT, &workflow.id, &json!({}), NOW)
        .await
        .unwrap();
    assert_ne!(second.id, exchange.id);
    assert!(exchange.id.len() >= 43);
}

#[tokio::test]
async fn credentials_reach_the_inbox_with_the_bytes_the_wallet_sent() {
    let service = service();
    let university = Issuer::new(13);
    let learner = wallet(22);
    let (workflow, exchange) = request_exchange(&service, &university).await;
    let asked = service
        .participate_bytes(&workflow.id, &exchange.id, b"{}", NOW)
        .await
        .unwrap();
    let degree = university.badge(learner.did(), "BSc Computer Science", 1);
    let answer = learner
        .answer(&asked.response, vec![degree.clone()], NOW)
        .unwrap();
    // The wallet sends its message pretty-printed: the inbox keeps those bytes, not ours.
    let body = serde_json::to_string_pretty(&answer).unwrap();
    let done = service
        .participate_bytes(&workflow.id, &exchange.id, body.as_bytes(), NOW)
        .await
        .unwrap();
    assert_eq!(done.received.len(), 1);
    let original = std::str::from_utf8(&done.received[0].bytes).unwrap();
    assert!(
        original.contains("\n        "),
        "pretty-printed as sent: {original}"
    );
    assert!(body.contains(original), "a slice of the body as sent");
    assert_eq!(serde_json::from_str::<Value>(original).unwrap(), degree);

    // Not JSON, or too large, is refused before anything else.
    let error = service
        .participate_bytes(
            &workflow.id,
            &exchange.id,
            b"{\"verifiablePresentation\":",
            NOW,
        )
        .await
        .unwrap_err();
    assert_eq!(error.slug(), "invalid-exchange-message", "{error}");
    let huge = vec![b' '; credbridge_exchange::MAX_MESSAGE_BYTES + 1];
    let error = service
        .participate_bytes(&workflow.id, &exchange.id, &huge, NOW)
        .await
        .unwrap_err();
    assert_eq!((error.slug(), error.status()), ("limit-exceeded", 413));
}

#[tokio::test]
async fn the_current_request_is_read_without_changing_the_exchange() {
    let service = service();
    let (workflow, exchange) = request_exchange(&service, &Issuer::new(14)).await;
    let before = service
        .current_request(&workflow.id, &exchange.id, NOW)
        .await
        .unwrap();
    let request = &before["verifiablePresentationRequest"];
    assert_eq!(request["query"][1]["type"], "DIDAuthentication");
    assert!(
        request.get("challenge").is_none(),
        "no challenge before the wallet starts"
    );
    assert_eq!(
        state(&service, &workflow.id, &exchange.id, NOW).await,
        "pending"
    );
    let asked = service
        .participate(&workflow.id, &exchange.id, &json!({}), NOW)
        .await
        .unwrap();
    let after = service
        .current_request(&workflow.id, &exchange.id, NOW)
        .await
        .unwrap();
    assert_eq!(after, asked.response);
    let error = service
        .current_request(&workflow.id, &exchange.id, NOW + 3600)
        .await
        .unwrap_err();
    assert_eq!(error.slug(), "exchange-expired");
}
