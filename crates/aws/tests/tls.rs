//! The production transport: the mock served over HTTPS (rustls, a certificate made by
//! openssl), trusted when its CA is configured and refused by the system trust store.

mod support;

use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use support::{ManualClock, MockAws, REGION};
use team_aws::error::{ErrorKind, HttpError};
use team_aws::{Credentials, Endpoint, HttpClient, Region, RetryPolicy, SecretsManager};
use test_support::scratch_dir;

/// A test CA and a server certificate it signed for `localhost` and 127.0.0.1, as DER:
/// (CA certificate, server certificate, server key).
fn certificates(dir: &Path) -> (Vec<u8>, Vec<u8>, Vec<u8>) {
    let run = |args: &[&str]| {
        let output = Command::new("openssl")
            .args(args)
            .current_dir(dir)
            .output()
            .expect("openssl runs (scripts/install-test-tools installs it)");
        assert!(
            output.status.success(),
            "openssl {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    };
    let ec = [
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
    ];
    run(&[
        &["req", "-x509"],
        &ec[..],
        &[
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
            "-days",
            "2",
            "-subj",
            "/CN=team-aws test CA",
        ],
    ]
    .concat());
    run(&[
        &["req"],
        &ec[..],
        &[
            "-keyout",
            "key.pem",
            "-out",
            "server.csr",
            "-subj",
            "/CN=localhost",
        ],
    ]
    .concat());
    std::fs::write(
        dir.join("server.ext"),
        "basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n\
         subjectAltName=DNS:localhost,IP:127.0.0.1\n",
    )
    .unwrap();
    run(&[
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-days",
        "2",
        "-extfile",
        "server.ext",
        "-out",
        "server.pem",
    ]);
    run(&["x509", "-in", "ca.pem", "-outform", "DER", "-out", "ca.der"]);
    run(&[
        "x509",
        "-in",
        "server.pem",
        "-outform",
        "DER",
        "-out",
        "server.der",
    ]);
    run(&[
        "pkcs8", "-topk8", "-nocrypt", "-in", "key.pem", "-outform", "DER", "-out", "key.der",
    ]);
    let read = |name: &str| std::fs::read(dir.join(name)).unwrap();
    (read("ca.der"), read("server.der"), read("key.der"))
}

/// Serves the mock's router over TLS on a new port; returns the HTTPS URL.
async fn serve_tls(mock: &MockAws, certificate: Vec<u8>, key: Vec<u8>) -> String {
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(
        vec![CertificateDer::from(certificate)],
        PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key)),
    )
    .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let router = mock.router();
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            let acceptor = acceptor.clone();
            let service = TowerToHyperService::new(router.clone());
            tokio::spawn(async move {
                // A client that refuses the certificate ends the handshake: not a test failure.
                if let Ok(tls) = acceptor.accept(stream).await {
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(tls), service)
                        .await;
                }
            });
        }
    });
    format!("https://localhost:{port}")
}

fn client(http: HttpClient, url: &str, clock: Arc<ManualClock>) -> SecretsManager {
    SecretsManager::builder(Region::new(REGION).unwrap(), http)
        .endpoint(Endpoint::parse(url).unwrap())
        .credentials(Credentials::new("AKIATLS", "tls-secret", None, None))
        .clock(clock)
        .retry(RetryPolicy::none())
        .build()
        .unwrap()
}

#[tokio::test]
async fn secrets_are_read_over_https_from_a_trusted_server_only() {
    let clock = ManualClock::new();
    let mock = MockAws::start(clock.clone()).await;
    mock.know("AKIATLS", "tls-secret", None);
    mock.put_secret("over-tls", r#"{"k":"v"}"#);
    let (ca, cert, key) = certificates(&scratch_dir("aws-tls"));
    let url = serve_tls(&mock, cert, key).await;

    let mut roots = rustls::RootCertStore::empty();
    roots.add(CertificateDer::from(ca)).unwrap();
    let trusting = client(
        HttpClient::with_root_certificates(roots).unwrap(),
        &url,
        clock.clone(),
    );
    let values = trusting.get_secret("over-tls").await.unwrap();
    assert_eq!(values.get("k"), Some("v"));
    mock.assert_no_refusals();
    assert_eq!(mock.log()[0].header("host"), Some(&url["https://".len()..]));

    // The system store does not know this CA: the connection is refused, and said so.
    let system = client(HttpClient::new().unwrap(), &url, clock);
    let error = system.get_secret("over-tls").await.unwrap_err();
    let ErrorKind::Http(HttpError::Transport { endpoint, reason }) = &error.kind else {
        panic!("not a transport error: {error}");
    };
    assert_eq!(endpoint, &format!("{url}/"));
    assert!(reason.contains("certificate"), "{reason}");
    assert_eq!(mock.log().len(), 1, "no request reached the server");
}
