//! `serve_with` on a real socket (port 0): it announces its address, answers over TCP, and
//! stops gracefully; `--dev` is refused on a non-loopback address.

use std::time::Duration;

use credbridge_server::{ServeError, ServeSettings, serve_with};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::both;
use crate::fixtures::{Backend, postgres_url, unique};

const CREDENTIAL: &str = include_str!("../../../../examples/ob3-eddsa-rdfc-2022.json");

async fn http(addr: std::net::SocketAddr, request: String) -> String {
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await.unwrap();
    String::from_utf8_lossy(&response).into_owned()
}

async fn serve_on_loopback(backend: Backend) {
    let data_dir = std::env::temp_dir().join(unique("credbridge_serve_test"));
    let mut settings = ServeSettings::with_data_dir(data_dir.clone());
    settings.listen = "127.0.0.1:0".parse().unwrap();
    settings.dev = true;
    settings.offline = true;
    let mut schema = None;
    if backend == Backend::Postgres {
        let name = unique("cb_serve_test");
        credbridge_store::create_schema(&postgres_url(), &name)
            .await
            .unwrap();
        settings.database_url = Some(format!(
            "{}?options=-c%20search_path%3D{name}",
            postgres_url()
        ));
        schema = Some(name);
    }
    let (addr_tx, addr_rx) = tokio::sync::oneshot::channel();
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(serve_with(
        settings,
        move |addr| {
            addr_tx.send(addr).unwrap();
        },
        async move {
            let _ = stop_rx.await;
        },
    ));
    let addr = tokio::time::timeout(Duration::from_secs(60), addr_rx)
        .await
        .unwrap()
        .unwrap();
    assert!(addr.ip().is_loopback() && addr.port() != 0);

    let health = http(
        addr,
        "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".into(),
    )
    .await;
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");
    let upload = http(
        addr,
        format!(
            "POST /inbox HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{CREDENTIAL}",
            CREDENTIAL.len()
        ),
    )
    .await;
    assert!(upload.starts_with("HTTP/1.1 201"), "{upload}");

    stop_tx.send(()).unwrap();
    tokio::time::timeout(Duration::from_secs(60), server)
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    // Acknowledged means stored: a fresh store sees the credential.
    let location = match &schema {
        Some(name) => credbridge_store::Location::Postgres {
            url: postgres_url(),
            schema: Some(name.clone()),
        },
        None => credbridge_store::Location::DataDir(data_dir.clone()),
    };
    let store = credbridge_store::open(&location).await.unwrap();
    let tenant = store.tenant_by_name("default").await.unwrap().unwrap();
    let page = store
        .list_credentials(
            &tenant.id,
            &credbridge_store::CredentialFilter {
                limit: 10,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(page.total, 1);
    store.close().await;
    if let Some(name) = schema {
        credbridge_store::drop_schema(&postgres_url(), &name)
            .await
            .unwrap();
    }
    let _ = std::fs::remove_dir_all(data_dir);
}
both!(serve_answers_and_stops_gracefully, serve_on_loopback);

#[tokio::test]
async fn dev_is_refused_off_loopback() {
    let mut settings =
        ServeSettings::with_data_dir(std::env::temp_dir().join(unique("credbridge_dev")));
    settings.listen = "0.0.0.0:0".parse().unwrap();
    settings.dev = true;
    let err = serve_with(settings, |_| panic!("must not listen"), async {})
        .await
        .unwrap_err();
    assert!(matches!(err, ServeError::DevNotLoopback { .. }), "{err}");
    assert!(err.to_string().contains("loopback"));
}
