//! Property tests over every input path: whatever arrives, the answer is a well-formed error
//! (or success), never a panic.

use std::cell::RefCell;

use credbridge_obapi::*;
use proptest::prelude::*;

use crate::support::*;

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 256,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Text made of the characters the parsers care about.
fn texty() -> impl Strategy<Value = String> {
    proptest::string::string_regex("[a-zA-Z0-9 {}\\[\\]\":,.=&%?/#<>;_~+-]{0,120}").unwrap()
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn registration_never_panics(body in proptest::collection::vec(any::<u8>(), 0..400), text in texty()) {
        let _ = oauth::validate_registration(&body, false);
        let _ = oauth::validate_registration(text.as_bytes(), true);
    }

    #[test]
    fn authorization_requests_never_panic(query in texty()) {
        let env = Env::new();
        let _ = env.authz().authorization_request(&query);
    }

    #[test]
    fn api_requests_answer_with_a_status(
        method in prop::sample::select(vec!["GET", "POST", "PUT", "DELETE"]),
        path in prop::sample::select(vec!["/ims/ob/v3p0/credentials", "/ims/clr/v2p0/credentials", "/ims/ob/v3p0/profile", "/oauth/token", "/oauth/register", "/oauth/revoke", "/x"]),
        query in texty(),
        content_type in prop::sample::select(vec!["application/json", "text/plain", "application/x-www-form-urlencoded", ""]),
        body in texty(),
    ) {
        thread_local!(static ENV: RefCell<Option<(Env, String)>> = const { RefCell::new(None) });
        ENV.with(|cell| {
            let mut cell = cell.borrow_mut();
            let (env, token) = cell.get_or_insert_with(|| {
                let env = Env::new();
                let scopes: Vec<String> = Permission::ALL.iter().map(|p| ob(*p)).collect();
                let token = env.token("alice", &scopes);
                (env, token)
            });
            let response = env.service.handle(
                &HttpRequest::new(method, &format!("{path}?{query}"))
                    .with_header("Authorization", &format!("Bearer {token}"))
                    .with_header("Content-Type", content_type)
                    .with_body(body.clone()),
            );
            assert!((200..600).contains(&response.status));
            if response.status >= 400 {
                assert!(response.body_json().is_some(), "error bodies are JSON");
            }
        });
    }

    #[test]
    fn foreign_pages_never_panic_the_consumer(body in texty(), link in texty()) {
        let env = Env::new();
        let mut connection = env.connect("alice", &[ob(Permission::CredentialReadonly)]);
        let http = env.client();
        http.inject(HttpResponse::bytes(200, "application/json", body.into_bytes()).with_header("Link", link));
        let sleeper = ClockSleeper { clock: env.clock.clone(), waits: RefCell::new(Vec::new()) };
        let options = PullOptions { max_pages: 3, ..PullOptions::default() };
        let _ = pull(&http, env.clock.as_ref(), &sleeper, &mut connection, &options, &mut |_| {});
    }
}
