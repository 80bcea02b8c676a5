//! Cost of reading a secret: signing one GetSecretValue request, and a whole `get_secret`
//! (credentials from the cache, signing, HTTP/1.1 on a kept-alive loopback connection, JSON
//! parsing) against an in-process server. Run with `cargo bench -p team-aws`.

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use std::time::SystemTime;
use team_aws::secrets_manager::get_secret_value_request;
use team_aws::{Credentials, Endpoint, HttpClient, Region, RetryPolicy, SecretsManager};

const ANSWER: &str = r#"{"ARN":"arn:aws:secretsmanager:us-east-2:123456789012:secret:site-AbCdEf","Name":"site","VersionId":"v1","SecretString":"{\"main-database-url\":\"postgres://admin:pw@db.internal:5432/postgres?sslmode=require\",\"pub-db-password\":\"p1\",\"dev-db-password\":\"p2\",\"pkg-db-password\":\"p3\"}","VersionStages":["AWSCURRENT"]}"#;

fn credentials() -> Credentials {
    Credentials::new(
        "ASIAEXAMPLE",
        "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        Some("IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMiJHMEUCIQ".repeat(8)),
        None,
    )
}

fn sign(c: &mut Criterion) {
    let region = Region::new("us-east-2").unwrap();
    let endpoint = Endpoint::parse("https://secretsmanager.us-east-2.amazonaws.com").unwrap();
    let credentials = credentials();
    c.bench_function("sign GetSecretValue", |b| {
        b.iter(|| {
            get_secret_value_request(
                &endpoint,
                &region,
                black_box("posit-team/workload"),
                &credentials,
                SystemTime::now(),
            )
        })
    });
}

fn round_trip(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let url = runtime.block_on(async {
        let app = axum::Router::new().fallback(|| async { ANSWER });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        format!("http://{addr}")
    });
    let http = HttpClient::with_root_certificates(rustls::RootCertStore::empty()).unwrap();
    let client = SecretsManager::builder(Region::new("us-east-2").unwrap(), http)
        .endpoint(Endpoint::parse(&url).unwrap())
        .credentials(credentials())
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    c.bench_function("get_secret over loopback HTTP", |b| {
        b.iter(|| {
            runtime
                .block_on(client.get_secret(black_box("site")))
                .unwrap()
        })
    });
}

criterion_group!(benches, sign, round_trip);
criterion_main!(benches);
