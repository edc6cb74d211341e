//! The optional HTTPS listener (`CREDBRIDGE_HTTPS_LISTEN` with `CREDBRIDGE_TLS_CERT` and
//! `CREDBRIDGE_TLS_KEY`): the same router as the HTTP listener, behind rustls.
//!
//! Why a second listener rather than TLS only: verifiers that fetch status lists and did:web
//! documents insist on https (the W3C Bitstring Status List suite's document loader does),
//! while most deployments terminate TLS in a proxy and keep plain HTTP inside. rustls runs on
//! the ring provider, which the workspace already builds for the fetch crate's client.

use std::path::Path;
use std::sync::Arc;

use axum::Router;
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;

/// Why the HTTPS listener could not be set up.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TlsError {
    /// The certificate or key file could not be read or parsed as PEM.
    #[error("{}: {reason}", path.display())]
    Pem {
        /// The file.
        path: std::path::PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// rustls refused the certificate and key (they do not match, or the key type is not
    /// supported).
    #[error("the TLS certificate and key do not make a server configuration: {0}")]
    Config(#[from] rustls::Error),
    /// An HTTPS listener needs both files.
    #[error(
        "an HTTPS listener needs a certificate and a key (set CREDBRIDGE_TLS_CERT and CREDBRIDGE_TLS_KEY, or tls-cert and tls-key)"
    )]
    MissingFiles,
}

/// The rustls server configuration of a PEM certificate chain and private key.
pub fn server_config(cert: &Path, key: &Path) -> Result<Arc<rustls::ServerConfig>, TlsError> {
    let pem_err = |path: &Path, e: rustls::pki_types::pem::Error| TlsError::Pem {
        path: path.to_owned(),
        reason: e.to_string(),
    };
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(cert)
        .map_err(|e| pem_err(cert, e))?
        .collect::<Result<_, _>>()
        .map_err(|e| pem_err(cert, e))?;
    if chain.is_empty() {
        return Err(TlsError::Pem {
            path: cert.to_owned(),
            reason: "no CERTIFICATE block".to_owned(),
        });
    }
    let key = PrivateKeyDer::from_pem_file(key).map_err(|e| pem_err(key, e))?;
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()?
    .with_no_client_auth()
    .with_single_cert(chain, key)?;
    Ok(Arc::new(config))
}

/// Serves `app` over TLS on `listener` until `stop` turns true. A failed handshake ends that
/// connection only.
pub async fn serve_https(
    listener: TcpListener,
    config: Arc<rustls::ServerConfig>,
    app: Router,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    let acceptor = TlsAcceptor::from(config);
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = stop.changed() => break,
        };
        let Ok((stream, _)) = accepted else {
            continue;
        };
        let acceptor = acceptor.clone();
        let service = TowerToHyperService::new(app.clone());
        tokio::spawn(async move {
            let Ok(tls) = acceptor.accept(stream).await else {
                return;
            };
            let served = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(tls), service)
                .await;
            if let Err(e) = served {
                tracing::debug!(error = %e, "https connection ended with an error");
            }
        });
    }
}
