//! The running operator over an in-memory API server, for what a real API server cannot be
//! made to do: fail requests on purpose (conflicts, server errors, timeouts), serve a mock
//! AWS, and isolate a bad Site from the others at a controlled pace. The real controllers
//! (kube-runtime Controller loops fed by polling watches), the real builders, the real
//! PostgreSQL server. Everything about API semantics (convergence, drift, pruning, foreign
//! objects, garbage collection, leases) is proven on the real control plane: `real_*.rs`.
//!
//! Needs the throwaway PostgreSQL server: run through `scripts/test` or
//! `scripts/with-postgres cargo test -p team-operator --test controllers`.

mod cluster;

use cluster::{Cluster, NS, eventually, example, unique_site};
use k8s_openapi::api::core::v1::Secret;
use kube::api::{Patch, PatchParams};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::time::Duration;
use team_api::Site;
use test_support::api::Failure;

/// What `render` prints for the Site as it is stored, from the same Secrets.
async fn rendered(cluster: &Cluster, documents: &[Value], site: &str) -> Vec<Value> {
    cluster::rendered_in(&cluster.raw, NS, documents, site).await
}

fn identity(object: &Value) -> String {
    format!(
        "{}/{}",
        object["kind"].as_str().unwrap(),
        object["metadata"]["name"].as_str().unwrap()
    )
}

/// Objects only the running operator creates: the database credentials the PostgresDatabase
/// controller generates (render shows the PostgresDatabase, not its provisioning).
fn made_at_runtime(key: &str) -> bool {
    key.starts_with("Secret/") && key.ends_with("-db-credentials")
}

async fn converged_site(cluster: &Cluster, file: &str) -> (String, Vec<Value>) {
    let site = unique_site("c");
    let documents = example(file, &site);
    cluster.create(&documents).await;
    let expected = rendered(cluster, &documents, &site).await;
    let wanted: BTreeSet<String> = expected.iter().map(identity).collect();
    eventually("every rendered object to exist", 60, || async {
        let live: BTreeSet<String> = cluster
            .managed_objects()
            .await
            .into_keys()
            .filter(|k| !made_at_runtime(k))
            .collect();
        wanted.is_subset(&live).then_some(())
    })
    .await;
    (site, expected)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_failures_are_retried_and_generated_secrets_keep_their_values() {
    let cluster = Cluster::start().await;
    // Conflicts on writes, server errors on creates, timeouts on reads - for a while.
    cluster
        .recorder
        .fail(4, Failure::Status(409), |c| c.verb == "patch");
    cluster.recorder.fail(4, Failure::Status(500), |c| {
        c.verb == "create" && c.resource != "events"
    });
    cluster
        .recorder
        .fail(4, Failure::Timeout, |c| c.verb == "get");
    let (site, _) = converged_site(&cluster, "minimal.yaml").await;
    assert_eq!(
        cluster.recorder.pending_failures(),
        0,
        "every injected failure happened"
    );

    let key_name = format!("{site}-connect-key");
    let secrets = cluster.api::<Secret>();
    let key = |s: Secret| {
        s.data
            .or(None)
            .map(|d| d.into_iter().collect::<Vec<_>>())
            .unwrap_or_default()
    };
    let first = key(secrets.get(&key_name).await.unwrap());
    let string_first = secrets.get(&key_name).await.unwrap().string_data;

    // More failures, more reconciles: the generated key never changes.
    cluster
        .recorder
        .fail(5, Failure::Status(500), |c| c.is_write());
    let touch = json!({"metadata": {"annotations": {"example.com/touched": "yes"}}});
    cluster
        .api::<Site>()
        .patch(&site, &PatchParams::default(), &Patch::Merge(&touch))
        .await
        .unwrap();
    eventually("the injected write failures to happen", 30, || async {
        (cluster.recorder.pending_failures() == 0).then_some(())
    })
    .await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let again = secrets.get(&key_name).await.unwrap();
    assert_eq!(key(again.clone()), first);
    assert_eq!(again.string_data, string_first);
    cluster.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_site_is_degraded_with_the_field_and_others_converge() {
    let cluster = Cluster::start().await;
    let bad = unique_site("b");
    let mut documents = example("minimal.yaml", &bad);
    documents.retain(|d| {
        !(d["kind"] == "Secret"
            && d["metadata"]["name"]
                .as_str()
                .unwrap()
                .ends_with("site-secrets"))
    });
    cluster.create(&documents).await;
    let (_, good_expected) = converged_site(&cluster, "minimal.yaml").await;
    assert!(!good_expected.is_empty());

    let (reason, message) = eventually("the bad Site to be Degraded", 60, || {
        cluster.degraded::<Site>(&bad)
    })
    .await;
    assert_eq!(reason, "SecretMissing");
    assert!(message.contains("spec.workloadSecret"), "{message}");
    assert!(
        message.contains(&format!("Secret {NS}/{bad}-site-secrets")),
        "{message}"
    );
    cluster.stop().await;
}

/// A stand-in for AWS Secrets Manager on loopback: answers GetSecretValue for the secrets it
/// holds, and records which were asked for (after checking the request is SigV4-signed).
async fn secrets_manager(
    secrets: Vec<(String, Value)>,
) -> (String, std::sync::Arc<std::sync::Mutex<Vec<String>>>) {
    use axum::http::{HeaderMap, StatusCode};
    let asked = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = asked.clone();
    let app = axum::Router::new().route(
        "/",
        axum::routing::post(move |headers: HeaderMap, body: String| {
            let secrets = secrets.clone();
            let seen = seen.clone();
            async move {
                let signed = headers
                    .get("authorization")
                    .and_then(|v| v.to_str().ok())
                    .is_some_and(|v| v.starts_with("AWS4-HMAC-SHA256 Credential=AKIDTEST/"));
                let target = headers.get("x-amz-target").and_then(|v| v.to_str().ok()).unwrap_or("");
                if !signed || target != "secretsmanager.GetSecretValue" {
                    return (StatusCode::FORBIDDEN, "{}".to_string());
                }
                let request: Value = serde_json::from_str(&body).unwrap();
                let id = request["SecretId"].as_str().unwrap_or("").to_string();
                seen.lock().unwrap().push(id.clone());
                match secrets.iter().find(|(name, _)| *name == id) {
                    Some((name, values)) => (
                        StatusCode::OK,
                        json!({"ARN": format!("arn:aws:secretsmanager:us-east-2:1:secret:{name}"), "Name": name,
                               "SecretString": values.to_string(), "VersionId": "v1", "VersionStages": ["AWSCURRENT"]})
                        .to_string(),
                    ),
                    None => (
                        StatusCode::BAD_REQUEST,
                        json!({"__type": "ResourceNotFoundException", "message": "not found"}).to_string(),
                    ),
                }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{address}"), asked)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_aws_site_reads_secrets_manager_and_converges() {
    let pg = test_support::postgres();
    let site = unique_site("a");
    let mut documents = example("aws.yaml", &site);
    for doc in &mut documents {
        if doc["kind"] == "Site" {
            for field in ["secret", "workloadSecret", "mainDatabaseCredentialSecret"] {
                doc["spec"][field]["vaultName"] = json!(format!("{site}-{field}"));
            }
        }
    }
    let (endpoint, asked) = secrets_manager(vec![
        (
            format!("{site}-workloadSecret"),
            json!({"main-database-url": format!("postgres://ignored:ignored@{}:{}/postgres?sslmode=disable", pg.host, pg.port)}),
        ),
        (
            format!("{site}-mainDatabaseCredentialSecret"),
            json!({"username": pg.admin_user, "password": pg.admin_password}),
        ),
        (
            format!("{site}-secret"),
            json!({"pub-db-password": "connect-pw", "dev-db-password": "workbench-pw", "pkg-db-password": "pm-pw",
                   "dev-client-secret": "oidc-secret", "pub-client-secret": "connect-oidc-secret",
                   "pub-license": "connect-license", "pkg-license": "pm-license", "dev-license": "workbench-license"}),
        ),
    ])
    .await;
    let client = team_aws::SecretsManager::builder(
        team_aws::Region::new("us-east-2").unwrap(),
        team_aws::HttpClient::new().unwrap(),
    )
    .credentials(team_aws::Credentials::new(
        "AKIDTEST",
        "secret-access-key",
        None,
        None,
    ))
    .endpoint(team_aws::Endpoint::parse(&endpoint).unwrap())
    .build()
    .unwrap();
    let aws: std::sync::Arc<dyn team_operator::runtime::inputs::SecretSource> =
        std::sync::Arc::new(team_operator::runtime::aws::AwsSecrets::from(client));
    let cluster = Cluster::start_with_aws(Some(aws)).await;
    cluster.create(&documents).await;

    // The product databases are provisioned with the passwords from Secrets Manager.
    let role = format!("{}_connect", site);
    eventually("the Connect database to be provisioned", 60, || async {
        cluster
            .ready::<team_api::PostgresDatabase>(&format!("{site}-connect"))
            .await
            .filter(|(s, _, _)| s == "True")
    })
    .await;
    let url = team_db::url::ConnectionUrl::parse(&pg.url(&role, "connect-pw", &role)).unwrap();
    team_db::session::Session::open(&url, &role, team_db::Reason::RoleLoginFailed)
        .await
        .expect("the role logs in with the password read from Secrets Manager");
    // Pods get their secrets through SecretProviderClasses.
    let providers = cluster
        .managed_objects()
        .await
        .into_keys()
        .filter(|k| k.starts_with("SecretProviderClass/"))
        .count();
    assert!(
        providers >= 3,
        "one SecretProviderClass per product at least"
    );
    let asked = asked.lock().unwrap().clone();
    assert!(asked.contains(&format!("{site}-workloadSecret")));
    assert!(asked.contains(&format!("{site}-secret")));
    cluster.stop().await;
}
