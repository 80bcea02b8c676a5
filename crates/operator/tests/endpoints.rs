//! The health, readiness and metrics endpoints.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use prometheus_client::registry::Registry;
use std::time::Duration;
use team_operator::runtime::http::{Endpoints, router};
use team_operator::runtime::metrics::Metrics;
use tower::ServiceExt;

async fn get(endpoints: &std::sync::Arc<Endpoints>, path: &str) -> (StatusCode, String) {
    let response = router(endpoints.clone())
        .oneshot(Request::get(path).body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8(body.to_vec()).unwrap())
}

#[tokio::test]
async fn readiness_follows_the_controllers() {
    let endpoints = Endpoints::new(Registry::default());
    assert_eq!(get(&endpoints, "/healthz").await.0, StatusCode::OK);
    assert_eq!(
        get(&endpoints, "/readyz").await.0,
        StatusCode::SERVICE_UNAVAILABLE
    );
    endpoints.set_ready(true);
    assert_eq!(get(&endpoints, "/readyz").await.0, StatusCode::OK);
    assert_eq!(get(&endpoints, "/nothing").await.0, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn metrics_have_bounded_labels() {
    let mut registry = Registry::default();
    let metrics = Metrics::register(&mut registry);
    metrics.observe("connect", Duration::from_millis(12), None);
    metrics.observe("connect", Duration::from_millis(30), Some("SecretMissing"));
    metrics.count_writes("connect", 3, 1, 0);
    let endpoints = Endpoints::new(registry);
    let (status, body) = get(&endpoints, "/metrics").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        body.contains(
            r#"team_operator_reconciliations_total{controller="connect",result="success"} 1"#
        ),
        "{body}"
    );
    assert!(body.contains(
        r#"team_operator_reconcile_errors_total{controller="connect",category="SecretMissing"} 1"#
    ));
    assert!(body.contains(r#"team_operator_writes_total{controller="connect",verb="create"} 3"#));
    assert!(body.contains("team_operator_reconcile_duration_seconds_bucket"));
    assert!(body.trim_end().ends_with("# EOF"));
}
