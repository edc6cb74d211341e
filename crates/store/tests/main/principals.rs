//! Tenants, clients, tokens, users, sessions and challenges.

use credbridge_store::{Client, Session, Store, StoreError, Token, User, new_id};

use crate::both;

fn client(tenant_id: &str, name: &str) -> Client {
    Client {
        client_id: new_id(),
        tenant_id: tenant_id.to_owned(),
        name: name.to_owned(),
        secret_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".to_owned(),
        scopes: vec!["read:/inbox".into(), "write:/inbox".into()],
        created_at: 1_000,
        revoked_at: None,
    }
}

async fn tenants(store: &dyn Store) {
    let acme = store.create_tenant("acme").await.unwrap();
    let again = store.create_tenant("acme").await.unwrap_err();
    assert!(
        matches!(&again, StoreError::Duplicate { what: "tenant", value } if value == "acme"),
        "{again:?}"
    );
    assert_eq!(store.ensure_tenant("acme").await.unwrap(), acme);
    let other = store.ensure_tenant("globex").await.unwrap();
    assert_ne!(other.id, acme.id);
    assert_eq!(store.tenant_by_name("nobody").await.unwrap(), None);
}
both!(tenants_are_unique_by_name, tenants);

async fn clients_and_tokens(store: &dyn Store) {
    let acme = store.ensure_tenant("acme").await.unwrap();
    let globex = store.ensure_tenant("globex").await.unwrap();
    let a = client(&acme.id, "ats");
    let b = client(&globex.id, "hr");
    store.add_client(&a).await.unwrap();
    store.add_client(&b).await.unwrap();
    assert_eq!(store.client(&a.client_id).await.unwrap(), Some(a.clone()));
    assert_eq!(store.list_clients(&acme.id).await.unwrap(), vec![a.clone()]);

    let token = Token {
        token_hash: "ab".repeat(32),
        client_id: a.client_id.clone(),
        tenant_id: acme.id.clone(),
        scopes: vec!["read:/inbox".into()],
        created_at: 1_000,
        expires_at: 5_000,
    };
    store.add_token(&token).await.unwrap();
    assert_eq!(
        store.token(&token.token_hash, 4_999).await.unwrap(),
        Some(token.clone())
    );
    assert_eq!(
        store.token(&token.token_hash, 5_000).await.unwrap(),
        None,
        "expired"
    );

    // Another tenant cannot revoke acme's client.
    assert!(
        !store
            .revoke_client(&globex.id, &a.client_id, 2_000)
            .await
            .unwrap()
    );
    assert!(
        store
            .revoke_client(&acme.id, &a.client_id, 2_000)
            .await
            .unwrap()
    );
    assert_eq!(
        store.token(&token.token_hash, 3_000).await.unwrap(),
        None,
        "revoked"
    );
    assert_eq!(
        store
            .client(&a.client_id)
            .await
            .unwrap()
            .unwrap()
            .revoked_at,
        Some(2_000)
    );
    assert!(
        !store
            .revoke_client(&acme.id, &a.client_id, 2_500)
            .await
            .unwrap(),
        "once"
    );
    assert_eq!(store.purge_expired_tokens(10_000).await.unwrap(), 0);
}
both!(clients_tokens_and_revocation, clients_and_tokens);

async fn users_and_sessions(store: &dyn Store) {
    let acme = store.ensure_tenant("acme").await.unwrap();
    let user = User {
        id: new_id(),
        tenant_id: acme.id.clone(),
        email: "ann@acme.example".into(),
        password_hash: "$argon2id$…".into(),
        created_at: 1,
    };
    store.add_user(&user).await.unwrap();
    let twin = User {
        id: new_id(),
        ..user.clone()
    };
    assert!(matches!(
        store.add_user(&twin).await.unwrap_err(),
        StoreError::Duplicate {
            what: "user email",
            ..
        }
    ));
    assert_eq!(
        store.user_by_email("ann@acme.example").await.unwrap(),
        Some(user.clone())
    );
    let session = Session {
        id_hash: "cd".repeat(32),
        user_id: user.id.clone(),
        tenant_id: acme.id.clone(),
        created_at: 10,
        expires_at: 20,
    };
    store.add_session(&session).await.unwrap();
    assert_eq!(
        store.session(&session.id_hash, 19).await.unwrap(),
        Some(session.clone())
    );
    assert_eq!(store.session(&session.id_hash, 20).await.unwrap(), None);
    store.delete_session(&session.id_hash).await.unwrap();
    assert_eq!(store.session(&session.id_hash, 11).await.unwrap(), None);
}
both!(users_and_sessions_expire, users_and_sessions);

async fn challenges(store: &dyn Store) {
    let acme = store.ensure_tenant("acme").await.unwrap();
    let globex = store.ensure_tenant("globex").await.unwrap();
    store.add_challenge(&acme.id, "c1", 0, 100).await.unwrap();
    assert_eq!(
        store.use_challenge(&acme.id, "c1", 1).await.unwrap(),
        Some(1)
    );
    assert_eq!(
        store.use_challenge(&acme.id, "c1", 2).await.unwrap(),
        Some(2)
    );
    assert_eq!(
        store.use_challenge(&globex.id, "c1", 2).await.unwrap(),
        None,
        "tenant"
    );
    assert_eq!(
        store.use_challenge(&acme.id, "c1", 100).await.unwrap(),
        None,
        "expired"
    );
    assert_eq!(
        store.use_challenge(&acme.id, "nope", 1).await.unwrap(),
        None
    );
}
both!(challenges_count_uses, challenges);

async fn closed_store_is_unavailable(store: &dyn Store) {
    store.ping().await.unwrap();
    store.close().await;
    let err = store.ping().await.unwrap_err();
    assert!(err.is_unavailable(), "{err:?}");
}
both!(a_closed_pool_is_unavailable, closed_store_is_unavailable);
