//! The OB/CLR API tables through [`ObapiStore`]: OAuth records kept by hash, single use under
//! a race, the host's lists, sealed connections; and the sync adapters' refusal on a
//! current-thread runtime. (The obapi crate's own behaviour over these stores runs in
//! `tests/obapi_sqlite.rs` and `tests/obapi_postgres.rs`.)

use std::sync::Arc;

use credbridge_obapi::oauth::{ClientMetadata, ClientRecord, CodeRecord, TokenKind, TokenRecord};
use credbridge_obapi::{
    ApiFlavor, Connection, CredentialFormat, CredentialKey, OAuthStore, RegisteredClient,
    ServiceDescription, StoredCredential, Tokens, UpsertOutcome,
};
use credbridge_store::{ConnectionRecord, SqlOAuthStore, Store, StoreError};

use crate::both;

fn hash(n: u8) -> [u8; 32] {
    [n; 32]
}

fn code(n: u8, family: &str) -> CodeRecord {
    CodeRecord {
        code_hash: hash(n),
        client_id: "c1".into(),
        user: "alice".into(),
        redirect_uri: "https://hr.example/callback".into(),
        scopes: vec!["s1".into(), "s2".into()],
        code_challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM".into(),
        expires_at: 1_800_000_060,
        used: false,
        family: family.into(),
    }
}

fn token(n: u8, kind: TokenKind, family: &str, expires_at: i64) -> TokenRecord {
    TokenRecord {
        token_hash: hash(n),
        kind,
        client_id: "c1".into(),
        user: "alice".into(),
        scopes: vec!["s1".into()],
        expires_at,
        revoked: false,
        used: false,
        family: family.into(),
    }
}

async fn oauth_records(store: &dyn Store) {
    let metadata: ClientMetadata = serde_json::from_value(serde_json::json!({
        "client_name": "Harbour HR", "client_uri": "https://hr.example/",
        "logo_uri": "https://hr.example/logo.png", "tos_uri": "https://hr.example/terms",
        "policy_uri": "https://hr.example/privacy", "software_id": "sw", "software_version": "1",
        "redirect_uris": ["https://hr.example/callback"],
        "token_endpoint_auth_method": "client_secret_basic",
        "grant_types": ["authorization_code", "refresh_token"], "response_types": ["code"],
        "scope": ["s1", "s2"], "contacts": []
    }))
    .unwrap();
    let client = ClientRecord {
        client_id: "c1".into(),
        client_secret_hash: hash(9),
        issued_at: 1_800_000_000,
        metadata,
    };
    store.oauth_insert_client(&client).await.unwrap();
    assert_eq!(
        store.oauth_client("c1").await.unwrap(),
        Some(client.clone())
    );
    assert_eq!(store.oauth_client("c2").await.unwrap(), None);
    assert!(matches!(
        store.oauth_insert_client(&client).await,
        Err(StoreError::Duplicate { .. })
    ));

    // A code: the first take sees it unused, every later one used; unknown is None.
    store.oauth_insert_code(&code(1, "f1")).await.unwrap();
    assert_eq!(
        store.oauth_take_code(&hash(1)).await.unwrap(),
        Some(code(1, "f1"))
    );
    let again = store.oauth_take_code(&hash(1)).await.unwrap().unwrap();
    assert!(again.used);
    assert_eq!(store.oauth_take_code(&hash(2)).await.unwrap(), None);

    // Tokens: a refresh token is used once; revocation by token and by family.
    let access = token(10, TokenKind::Access, "f1", 1_800_003_600);
    let refresh = token(11, TokenKind::Refresh, "f1", 1_802_592_000);
    let other = token(12, TokenKind::Access, "f2", 1_800_000_100);
    for t in [&access, &refresh, &other] {
        store.oauth_insert_token(t).await.unwrap();
    }
    assert_eq!(
        store.oauth_token(&hash(10)).await.unwrap(),
        Some(access.clone())
    );
    assert!(store.oauth_mark_refresh_used(&hash(11)).await.unwrap());
    assert!(!store.oauth_mark_refresh_used(&hash(11)).await.unwrap());
    assert!(!store.oauth_mark_refresh_used(&hash(99)).await.unwrap());
    store.oauth_revoke_token(&hash(12)).await.unwrap();
    store.oauth_revoke_token(&hash(99)).await.unwrap();
    assert!(store.oauth_token(&hash(12)).await.unwrap().unwrap().revoked);
    assert!(!store.oauth_token(&hash(10)).await.unwrap().unwrap().revoked);
    store.oauth_revoke_family("f1").await.unwrap();
    assert!(store.oauth_token(&hash(10)).await.unwrap().unwrap().revoked);
    let r = store.oauth_token(&hash(11)).await.unwrap().unwrap();
    assert!(r.revoked && r.used && r.kind == TokenKind::Refresh);

    // Expired codes and tokens go: the code (…060) and token 12 (…100), not the others.
    assert_eq!(store.oauth_purge_expired(1_800_000_200).await.unwrap(), 2);
    assert_eq!(store.oauth_take_code(&hash(1)).await.unwrap(), None);
    assert_eq!(store.oauth_token(&hash(12)).await.unwrap(), None);
    assert!(store.oauth_token(&hash(10)).await.unwrap().is_some());
}
both!(oauth_records_are_kept_by_hash_and_used_once, oauth_records);

/// Two token requests race for each of 40 codes: exactly one `take_code` per code sees it
/// unused. On PostgreSQL the two statements run on two connections at once.
async fn take_code_race(store: &dyn Store) {
    for n in 0..40u8 {
        store
            .oauth_insert_code(&code(n, &format!("f{n}")))
            .await
            .unwrap();
    }
    for n in 0..40u8 {
        let h = hash(n);
        let (a, b) = tokio::join!(store.oauth_take_code(&h), store.oauth_take_code(&h));
        let winners = [a.unwrap().unwrap(), b.unwrap().unwrap()]
            .iter()
            .filter(|c| !c.used)
            .count();
        assert_eq!(winners, 1, "code {n}");
    }
    // The same for refresh tokens.
    for n in 100..140u8 {
        store
            .oauth_insert_token(&token(n, TokenKind::Refresh, "r", 2_000_000_000))
            .await
            .unwrap();
        let h = hash(n);
        let (a, b) = tokio::join!(
            store.oauth_mark_refresh_used(&h),
            store.oauth_mark_refresh_used(&h)
        );
        assert!(a.unwrap() ^ b.unwrap(), "refresh token {n}");
    }
}
both!(racing_take_code_has_exactly_one_winner, take_code_race);

fn stored(issuer: &str, id: &str, text: &str, at: i64) -> StoredCredential {
    StoredCredential {
        key: CredentialKey::new(issuer, id),
        format: CredentialFormat::Json,
        text: text.into(),
        issued_at: Some(1_700_000_000),
        stored_at: at,
    }
}

async fn credential_lists(store: &dyn Store) {
    let ob = ApiFlavor::OpenBadges;
    for n in 0..5 {
        let outcome = store
            .obapi_upsert(
                "alice",
                ob,
                &stored(
                    "did:ex:i",
                    &format!("urn:c:{n}"),
                    &format!("{{\"n\":{n}}}"),
                    100 + n,
                ),
            )
            .await
            .unwrap();
        assert_eq!(outcome, UpsertOutcome::Created);
    }
    // Replacing keeps the place, and the new stored_at makes it "new" for `since`.
    let mut jws = stored("did:ex:i", "urn:c:1", "eyJ.e30.sig", 200);
    jws.format = CredentialFormat::CompactJws;
    jws.issued_at = None;
    assert_eq!(
        store.obapi_upsert("alice", ob, &jws).await.unwrap(),
        UpsertOutcome::Replaced
    );
    let page = store.obapi_list("alice", ob, None, 1, 2).await.unwrap();
    assert_eq!(page.total, 5);
    assert_eq!(
        page.items,
        [jws.clone(), stored("did:ex:i", "urn:c:2", "{\"n\":2}", 102)]
    );
    let since = store
        .obapi_list("alice", ob, Some(103), 0, 10)
        .await
        .unwrap();
    assert_eq!(since.total, 2);
    let ids: Vec<&str> = since.items.iter().map(|c| c.key.id.as_str()).collect();
    assert_eq!(ids, ["urn:c:1", "urn:c:4"]);
    // Lists are per owner and per API.
    assert_eq!(
        store
            .obapi_list("bob", ob, None, 0, 10)
            .await
            .unwrap()
            .total,
        0
    );
    assert_eq!(
        store
            .obapi_list("alice", ApiFlavor::Clr, None, 0, 10)
            .await
            .unwrap()
            .total,
        0
    );

    assert_eq!(store.obapi_profile("alice").await.unwrap(), None);
    store.obapi_put_profile("alice", "{\"a\":1}").await.unwrap();
    store.obapi_put_profile("alice", "{\"a\":2}").await.unwrap();
    assert_eq!(
        store.obapi_profile("alice").await.unwrap().as_deref(),
        Some("{\"a\":2}")
    );
}
both!(
    credential_lists_keep_order_and_replace_in_place,
    credential_lists
);

fn toy_seal(bytes: &[u8]) -> Vec<u8> {
    let mut out = b"sealed:".to_vec();
    out.extend(bytes.iter().map(|b| b ^ 0x5a));
    out
}

fn toy_open(bytes: &[u8]) -> Option<Vec<u8>> {
    let rest = bytes.strip_prefix(b"sealed:")?;
    Some(rest.iter().map(|b| b ^ 0x5a).collect())
}

async fn obapi_connections(store: &dyn Store) {
    let connection = Connection {
        service: ServiceDescription {
            api_root: "https://badges.example/ims/ob/v3p0".into(),
            name: Some("Example Badges".into()),
            registration_url: "https://badges.example/oauth/register".into(),
            authorization_url: "https://badges.example/oauth/authorize".into(),
            token_url: "https://badges.example/oauth/token".into(),
            refresh_url: "https://badges.example/oauth/token".into(),
            scopes: vec!["s1".into()],
            terms_of_service_url: None,
            privacy_policy_url: None,
        },
        client: RegisteredClient {
            client_id: "cid".into(),
            client_secret: "the-client-secret".into(),
        },
        tokens: Tokens {
            access_token: "the-access-token".into(),
            refresh_token: Some("the-refresh-token".into()),
            expires_at: 1_800_003_600,
            scope: vec!["s1".into()],
        },
        last_sync: None,
    };
    let mut record = ConnectionRecord::seal("tenant-a", "badges", &connection, 1, toy_seal);
    store.obapi_save_connection(&record).await.unwrap();
    let back = store
        .obapi_connection("tenant-a", "badges")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(back, record);
    // Only the sealed bytes reach the table.
    let clear =
        |hay: &[u8], needle: &str| hay.windows(needle.len()).any(|w| w == needle.as_bytes());
    assert!(!clear(&back.sealed_client_secret, "the-client-secret"));
    assert!(!clear(&back.sealed_tokens, "the-access-token"));
    assert_eq!(back.open(toy_open).unwrap(), connection);
    assert!(back.open(|_| None).is_err());

    // Saving again replaces (a pull moves last_sync on).
    record.last_sync = Some("2027-01-15T08:00:09Z".into());
    store.obapi_save_connection(&record).await.unwrap();
    let list = store.obapi_connections("tenant-a").await.unwrap();
    assert_eq!(list, [record]);
    assert!(
        store
            .obapi_connections("tenant-b")
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        store
            .obapi_delete_connection("tenant-a", "badges")
            .await
            .unwrap()
    );
    assert!(
        !store
            .obapi_delete_connection("tenant-a", "badges")
            .await
            .unwrap()
    );
}
both!(connections_are_stored_sealed, obapi_connections);

/// On a current-thread runtime the sync adapter answers an error; it does not panic or hang.
#[tokio::test]
async fn the_sync_adapter_refuses_a_current_thread_runtime() {
    let t = crate::fixtures::TestStore::sqlite().await;
    let store: Arc<dyn Store> = t.store.clone();
    let adapter = SqlOAuthStore::new(store, tokio::runtime::Handle::current());
    let err = adapter.client("c1").unwrap_err();
    assert!(err.0.contains("multi-thread"), "{err}");
    t.cleanup().await;
}

/// On the server's multi-thread runtime the adapter works both on an async worker (through
/// `block_in_place`) and inside `spawn_blocking` (how the routes call it).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sync_adapter_runs_on_workers_and_in_spawn_blocking() {
    let t = crate::fixtures::TestStore::sqlite().await;
    let adapter = SqlOAuthStore::new(t.store.clone(), tokio::runtime::Handle::current());
    adapter.insert_code(code(1, "f")).unwrap();
    let moved = adapter.clone();
    let first = tokio::task::spawn_blocking(move || moved.take_code(&hash(1)))
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert!(!first.used);
    assert!(adapter.take_code(&hash(1)).unwrap().unwrap().used);
    t.cleanup().await;
}
