//! Our CRDs on the real kube-apiserver: accepted when applied server-side, described for
//! `kubectl explain`, and the oracle of `team-operator validate`: every fixture gets the same
//! verdict from the server's admission (schema, defaults, CEL) as from `validate`, and a
//! refused one is refused at the field the user wrote.
//!
//! Needs the control plane: run through `scripts/test`, or alone (it starts the plane).

mod cluster;
mod common;
mod real;

use real::{Real, kubectl, namespace, real};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Stdio;

/// Every manifest fixture of the workspace: examples, the API fixtures (valid, invalid, the
/// Go operator's samples) and the broken Sites of the CLI tests.
fn fixtures() -> Vec<PathBuf> {
    let root = test_support::workspace_root();
    let mut files = test_support::examples();
    for dir in ["full", "go-samples", "invalid"] {
        files.extend(test_support::yaml_files_in(
            &root.join("crates/api/tests/fixtures").join(dir),
        ));
    }
    files.extend(test_support::yaml_files_in(
        &root.join("crates/operator/tests/broken"),
    ));
    files
}

/// The field a fixture's `# expect:` line names (the text before the first `: `).
fn expected_field(text: &str) -> Option<String> {
    let expect = text.lines().find_map(|l| l.strip_prefix("# expect: "))?;
    let field = expect.split(": ").next()?;
    (field.starts_with("spec.") || field.starts_with("metadata.")).then(|| field.to_string())
}

/// What one side said of a file: refused (with the message) or accepted, and the unknown
/// fields it warned of (accepted and ignored).
struct Verdict {
    outcome: Result<(), String>,
    unknown_fields: BTreeSet<String>,
}

impl Verdict {
    fn new(success: bool, stderr: String, unknown: impl Fn(&str) -> Option<&str>) -> Verdict {
        let unknown_fields = stderr
            .lines()
            .filter_map(|l| unknown(l).map(str::to_string))
            .collect();
        Verdict {
            outcome: if success { Ok(()) } else { Err(stderr) },
            unknown_fields,
        }
    }
}

/// The server's verdict: every document created with a server-side dry run, in `namespace`.
fn server_verdict(real: &Real, file: &Path, namespace: &str) -> Verdict {
    let text = std::fs::read_to_string(file).unwrap();
    // Not YAML: the raw file goes to kubectl, which refuses it too.
    let documents = team_api::manifest::documents(&text).unwrap_or_default();
    let body = if documents.is_empty() {
        text.into_bytes()
    } else {
        let items: Vec<Value> = documents
            .into_iter()
            .map(|(_, mut doc)| {
                if doc.is_object() {
                    doc["metadata"]["namespace"] = json!(namespace);
                }
                doc
            })
            .collect();
        json!({"apiVersion": "v1", "kind": "List", "items": items})
            .to_string()
            .into_bytes()
    };
    let mut child = real
        .plane
        .kubectl()
        // The server's own field validation (unknown fields are warnings, as for any client
        // that does not ask for strict), not kubectl's client-side schema check.
        .args([
            "create",
            "--dry-run=server",
            "--validate=warn",
            "-o",
            "name",
            "-f",
            "-",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(&body).unwrap();
    let output = child.wait_with_output().unwrap();
    Verdict::new(
        output.status.success(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
        |line| {
            line.strip_prefix("Warning: unknown field \"")
                .and_then(|l| l.strip_suffix('"'))
        },
    )
}

/// `team-operator validate FILE`.
fn validate_verdict(file: &Path) -> Verdict {
    let output = common::run(&["validate", "-f", file.to_str().unwrap()], None);
    Verdict::new(output.status.success(), common::stderr(&output), |line| {
        line.split_once(": warning: ")
            .and_then(|(_, w)| w.strip_suffix(": unknown field, ignored"))
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_and_validate_agree_on_every_fixture() {
    let real = real().await;
    let ns = namespace(&real.admin, "crds").await;
    let files = fixtures();
    assert!(
        files.len() >= 80,
        "the fixture corpus shrank to {}",
        files.len()
    );
    let mut disagreements = Vec::new();
    let (mut accepted, mut refused) = (0, 0);
    for file in &files {
        let shown = file
            .strip_prefix(test_support::workspace_root())
            .unwrap()
            .display()
            .to_string();
        let server = server_verdict(&real, file, &ns);
        let ours = validate_verdict(file);
        match (&server.outcome, &ours.outcome) {
            (Ok(()), Ok(())) => {
                accepted += 1;
                if server.unknown_fields != ours.unknown_fields {
                    disagreements.push(format!(
                        "{shown}: unknown fields differ\n  server: {:?}\n  validate: {:?}",
                        server.unknown_fields, ours.unknown_fields
                    ));
                }
            }
            (Err(server), Err(ours)) => {
                refused += 1;
                let text = std::fs::read_to_string(file).unwrap();
                if let Some(field) = expected_field(&text)
                    && !(server.contains(&field) && ours.contains(&field))
                {
                    disagreements.push(format!(
                        "{shown}: both refuse it, not both at {field}\n  server: {}\n  validate: {}",
                        server.trim(),
                        ours.trim()
                    ));
                }
            }
            (Ok(()), Err(ours)) => disagreements.push(format!(
                "{shown}: the server accepts it, validate refuses it:\n  {}",
                ours.trim()
            )),
            (Err(server), Ok(())) => disagreements.push(format!(
                "{shown}: validate accepts it, the server refuses it:\n  {}",
                server.trim()
            )),
        }
    }
    real::delete_namespace(&real.admin, &ns).await;
    assert!(
        disagreements.is_empty(),
        "{} of {} fixtures disagree:\n{}",
        disagreements.len(),
        files.len(),
        disagreements.join("\n")
    );
    assert!(
        accepted >= 20 && refused >= 30,
        "accepted {accepted}, refused {refused}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_crd_is_established_and_explained() {
    let real = real().await;
    for crd in team_api::crd::all() {
        let plural = crd["spec"]["names"]["plural"].as_str().unwrap();
        let group = crd["spec"]["group"].as_str().unwrap();
        let explained = kubectl(&real.plane, &["explain", &format!("{plural}.{group}.spec")]);
        assert!(
            explained.contains("DESCRIPTION:") && explained.contains("FIELDS:"),
            "kubectl explain {plural}.spec shows no description:\n{explained}"
        );
    }
    let explained = kubectl(
        &real.plane,
        &["explain", "sites.core.posit.team.spec.connect.replicas"],
    );
    assert!(
        explained.lines().count() > 3 && explained.contains("FIELD: replicas"),
        "a nested field has no description:\n{explained}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_server_side_apply_of_the_crds_changes_nothing() {
    let real = real().await;
    let crds = common::run(&["crds"], None);
    let dry = real::kubectl_stdin(
        &real.plane,
        &[
            "apply",
            "--server-side",
            "--field-manager=team-test",
            "--dry-run=server",
            "-o",
            "json",
            "-f",
            "-",
        ],
        &crds.stdout,
    );
    let live = kubectl(&real.plane, &["get", "crd", "-o", "json"]);
    let generation = |text: &str, name: &str| -> Option<i64> {
        let v: Value = serde_json::from_str(text).ok()?;
        let items = v["items"]
            .as_array()
            .cloned()
            .unwrap_or_else(|| vec![v.clone()]);
        items
            .iter()
            .find(|i| i["metadata"]["name"] == name)
            .and_then(|i| i["metadata"]["generation"].as_i64())
    };
    for crd in team_api::crd::all() {
        let name = crd["metadata"]["name"].as_str().unwrap();
        assert_eq!(
            generation(&dry, name),
            generation(&live, name),
            "re-applying {name} would change its spec"
        );
    }
}
