//! `team-operator run` without a usable cluster: one clear line, non-zero exit, no panic.

use axum::Router;
use axum::http::StatusCode;
use axum::routing::get;
use std::path::PathBuf;
use std::process::Command;

fn kubeconfig(dir: &std::path::Path, server: &str) -> PathBuf {
    let path = dir.join("kubeconfig");
    std::fs::write(
        &path,
        format!(
            "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {{server: \"{server}\"}}\n\
             contexts:\n- name: x\n  context: {{cluster: c, user: u}}\ncurrent-context: x\n\
             users:\n- name: u\n  user: {{token: t}}\n"
        ),
    )
    .unwrap();
    path
}

fn run(kubeconfig: &std::path::Path, extra: &[&str]) -> (i32, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_team-operator"))
        .arg("run")
        .args(extra)
        .env("KUBECONFIG", kubeconfig)
        .env_remove("KUBERNETES_SERVICE_HOST")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "{stderr}");
    (output.status.code().unwrap_or(-1), stderr)
}

#[test]
fn an_unreachable_cluster_is_one_line() {
    let dir = test_support::scratch_dir("run-unreachable");
    let (code, stderr) = run(&kubeconfig(&dir, "https://127.0.0.1:1"), &[]);
    assert_eq!(code, 1);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("cannot reach the Kubernetes API at https://127.0.0.1:1/"),
        "{stderr}"
    );
}

#[test]
fn a_missing_configuration_is_one_line() {
    let dir = test_support::scratch_dir("run-no-config");
    let (code, stderr) = run(&dir.join("missing"), &[]);
    assert_eq!(code, 1);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("cannot load a Kubernetes configuration"),
        "{stderr}"
    );
}

#[test]
fn a_bad_log_filter_is_refused_before_connecting() {
    let dir = test_support::scratch_dir("run-log");
    let (code, stderr) = run(&dir.join("missing"), &["--log-level", "a=b=c"]);
    assert_eq!(code, 1);
    assert!(
        stderr.starts_with("--log-level \"a=b=c\" is not a valid filter"),
        "{stderr}"
    );
}

#[test]
fn missing_crds_are_named() {
    // An API server that knows its version but not our resources.
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let address = listener.local_addr().unwrap();
    let app = Router::new()
        .route(
            "/version",
            get(|| async { r#"{"major":"1","minor":"32","gitVersion":"v1.32.0","gitCommit":"","gitTreeState":"","buildDate":"","goVersion":"","compiler":"","platform":""}"# }),
        )
        .fallback(|| async {
            (
                StatusCode::NOT_FOUND,
                r#"{"kind":"Status","apiVersion":"v1","status":"Failure","message":"the server could not find the requested resource","reason":"NotFound","code":404}"#,
            )
        });
    runtime.spawn(async move { axum::serve(listener, app).await.unwrap() });
    let dir = test_support::scratch_dir("run-no-crds");
    let (code, stderr) = run(&kubeconfig(&dir, &format!("http://{address}")), &[]);
    assert_eq!(code, 1);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("the CRD sites.core.posit.team is not installed"),
        "{stderr}"
    );
}
