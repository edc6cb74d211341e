//! Shared set-up: a service over a memory store and the offline verifier, an issuer that
//! signs OB 3.0 credentials with eddsa-rdfc-2022, and the two workflows of issue 15.

use std::sync::Arc;

use credbridge_exchange::testing::TestWallet;
use credbridge_exchange::{
    Exchange, ExchangeService, LocalVerifier, MemoryStore, ServiceConfig, Workflow,
};
use credbridge_keys::{ChainResolver, DidKey, KeyType, SecretKey};
use credbridge_proofs::{
    Canonicalizer, JsonLdCanonicalizer, SignOptions, sign_data_integrity, suites,
};
use credbridge_verify::{TrustPolicy, VerifyOptions};
use serde_json::{Value, json};

pub const NOW: i64 = 1_800_000_000;
pub const TENANT: &str = "acme";
pub const BASE: &str = "https://credbridge.example";

pub fn options() -> VerifyOptions {
    VerifyOptions {
        now: NOW,
        max_clock_skew: credbridge_verify::DEFAULT_MAX_CLOCK_SKEW,
        resolver: Arc::new(ChainResolver::offline_default()),
        canonicalizer: Arc::new(JsonLdCanonicalizer::with_bundled_contexts()),
        suites: suites::ALL_SUITES,
        documents: None,
        trust: TrustPolicy::default(),
        known_recipient: None,
        challenge: None,
        domain: None,
        status_lists: Default::default(),
    }
}

pub fn service() -> ExchangeService {
    ExchangeService::new(
        Arc::new(MemoryStore::new()),
        Arc::new(LocalVerifier::new(options())),
        ServiceConfig::for_base_url(BASE).unwrap(),
    )
}

/// A university that signs OB 3.0 credentials with eddsa-rdfc-2022 (did:key).
pub struct Issuer {
    key: SecretKey,
    pub did: DidKey,
}

impl Issuer {
    pub fn new(seed: u8) -> Issuer {
        let key = SecretKey::from_raw_bytes(KeyType::Ed25519, &[seed; 32]).unwrap();
        let did = DidKey::from_public_key(&key.public_key());
        Issuer { key, did }
    }

    /// An OpenBadgeCredential for `subject`, achievement `name`, signed.
    pub fn badge(&self, subject: &str, name: &str, serial: u32) -> Value {
        let credential = json!({
            "@context": [
                "https://www.w3.org/ns/credentials/v2",
                "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
            ],
            "id": format!("urn:uuid:5f0d6a3e-0000-4000-8000-{serial:012}"),
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "issuer": {
                "id": self.did.did,
                "type": ["Profile"],
                "name": "Example University"
            },
            "validFrom": "2026-01-01T00:00:00Z",
            "name": name,
            "credentialSubject": {
                "id": subject,
                "type": ["AchievementSubject"],
                "achievement": {
                    "id": format!("https://uni.example/achievements/{serial}"),
                    "type": ["Achievement"],
                    "name": name,
                    "description": format!("Awarded for completing {name}."),
                    "criteria": {"narrative": "Pass the final assessment."}
                }
            }
        });
        let canonicalizer = JsonLdCanonicalizer::with_bundled_contexts();
        sign_data_integrity(
            &credential,
            suites::EDDSA_RDFC_2022,
            &self.key,
            &SignOptions {
                verification_method: self.did.verification_method_id(),
                proof_purpose: "assertionMethod".into(),
                created: Some(NOW - 86_400),
                canonicalizer: Some(&canonicalizer as &dyn Canonicalizer),
                ..SignOptions::default()
            },
        )
        .unwrap()
    }
}

pub fn wallet(seed: u8) -> TestWallet {
    TestWallet::from_seed([seed; 32]).unwrap()
}

/// Flow 1: an employer asks for an OpenBadgeCredential from `issuer`, plus DID
/// Authentication with did:key and eddsa-rdfc-2022.
pub fn request_workflow(issuer: &str) -> Value {
    json!({
        "initialStep": "present",
        "steps": {
            "present": {
                "createChallenge": true,
                "verifiablePresentationRequest": {
                    "query": [
                        {
                            "type": "QueryByExample",
                            "credentialQuery": [{
                                "reason": "Acme asks for your degree to consider your application.",
                                "example": {
                                    "@context": [
                                        "https://www.w3.org/ns/credentials/v2",
                                        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
                                    ],
                                    "type": "OpenBadgeCredential",
                                    "credentialSubject": {"achievement": {}}
                                },
                                "trustedIssuer": [{"issuer": issuer, "required": true}]
                            }]
                        },
                        {
                            "type": "DIDAuthentication",
                            "acceptedMethods": [{"method": "key"}],
                            "acceptedCryptosuites": [{"cryptosuite": "eddsa-rdfc-2022"}]
                        }
                    ]
                },
                "redirectUrl": "https://jobs.acme.example/thanks"
            }
        }
    })
}

/// Flow 2: DID Authentication, then the exchange's `credentials` are delivered.
pub fn offer_workflow() -> Value {
    json!({
        "id": "pickup",
        "initialStep": "didAuth",
        "steps": {
            "didAuth": {
                "createChallenge": true,
                "verifiablePresentationRequest": {
                    "query": {
                        "type": "DIDAuthentication",
                        "acceptedMethods": [{"method": "key"}],
                        "acceptedCryptosuites": [{"cryptosuite": "eddsa-rdfc-2022"}]
                    }
                },
                "nextStep": "deliver"
            },
            "deliver": {"credentialsVariable": "credentials"}
        }
    })
}

/// A request-flow workflow and one exchange under it (TTL one hour).
pub async fn request_exchange(service: &ExchangeService, issuer: &Issuer) -> (Workflow, Exchange) {
    let workflow = service
        .create_workflow(TENANT, &request_workflow(&issuer.did.did), NOW)
        .await
        .unwrap();
    let exchange = service
        .create_exchange(TENANT, &workflow.id, &json!({"ttl": 3600}), NOW)
        .await
        .unwrap();
    (workflow, exchange)
}

/// The current state word of an exchange as its coordinator reads it at `now`.
pub async fn state(service: &ExchangeService, workflow: &str, exchange: &str, now: i64) -> String {
    let exchange = service.exchange(TENANT, workflow, exchange).await.unwrap();
    exchange.to_json(now)["state"].as_str().unwrap().to_owned()
}
