//! The Helm chart, rendered by the real helm 4 and helm 3 for the default values and for each
//! supported mode (`charts/team-operator/ci/*-values.yaml`): lint, the official Kubernetes
//! schemas, the operator's own command-line parser, the pod's lockdown, the values schema.

use clap::Parser;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use team_operator::cli::{Cli, Command};
use team_operator::runtime::options::{RunOptions, Scope};
use team_packaging::helm::{self, Helm, RELEASE, RELEASE_NAMESPACE, of_kind, render, single};

/// The default values (no file) and each mode's values file.
fn every_values() -> Vec<Option<PathBuf>> {
    std::iter::once(None)
        .chain(helm::mode_values().into_iter().map(Some))
        .collect()
}

fn files(values: &Option<PathBuf>) -> Vec<&Path> {
    values.iter().map(PathBuf::as_path).collect()
}

fn label(values: &Option<PathBuf>) -> String {
    values.as_ref().map_or("default values".to_string(), |p| {
        p.file_name().unwrap().to_string_lossy().into_owned()
    })
}

fn mode(name: &str) -> PathBuf {
    helm::chart_dir().join(format!("ci/{name}-values.yaml"))
}

#[test]
fn the_supported_modes_have_values_files() {
    let names: Vec<String> = helm::mode_values()
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    for expected in [
        "single-namespace-values.yaml",
        "several-namespaces-values.yaml",
        "all-namespaces-values.yaml",
        "single-replica-values.yaml",
    ] {
        assert!(names.contains(&expected.to_string()), "{expected} missing");
    }
}

#[test]
fn lints_cleanly_with_helm_4_and_3() {
    for helm in Helm::ALL {
        for values in every_values() {
            let output = helm
                .lint(&files(&values), &[])
                .unwrap_or_else(|e| panic!("{helm:?} lint with {} failed:\n{e}", label(&values)));
            assert!(
                output.contains("0 chart(s) failed"),
                "{helm:?} lint with {}:\n{output}",
                label(&values)
            );
        }
    }
}

#[test]
fn renders_the_same_bytes_with_helm_4_and_3_every_time() {
    for values in every_values() {
        let first = Helm::V4.template(&files(&values), &[]).unwrap();
        let again = Helm::V4.template(&files(&values), &[]).unwrap();
        let helm3 = Helm::V3.template(&files(&values), &[]).unwrap();
        assert_eq!(first, again, "{}: not deterministic", label(&values));
        assert_eq!(
            first,
            helm3,
            "{}: helm 3 renders differently",
            label(&values)
        );
    }
}

#[test]
fn every_rendered_object_passes_the_official_schemas_strictly() {
    for values in every_values() {
        let text = Helm::V4.template(&files(&values), &[]).unwrap();
        let objects = helm::objects(&text);
        // ServiceMonitor is not a Kubernetes kind: the prometheus-operator schema checks it.
        let kubernetes: Vec<&Value> = objects
            .iter()
            .filter(|o| o["kind"] != "ServiceMonitor")
            .collect();
        let yaml: String = kubernetes
            .iter()
            .map(|o| format!("---\n{}\n", serde_json::to_string(o).unwrap()))
            .collect();
        let monitors = of_kind(&objects, "ServiceMonitor");
        helm::validate_service_monitors(&monitors)
            .unwrap_or_else(|e| panic!("{}: invalid ServiceMonitor: {e}", label(&values)));
        let file = helm::write_scratch("chart-validate", &yaml);
        let run = test_support::kubernetes_validate(&[file]);
        run.assert_success(&format!(
            "kubernetes-validate of the chart with {}",
            label(&values)
        ));
        assert!(
            !run.stdout.contains("WARN") && !run.stderr.contains("WARN"),
            "{}: an object was not validated:\n{}{}",
            label(&values),
            run.stdout,
            run.stderr
        );
    }
}

#[test]
fn chart_crds_are_those_of_the_operator_and_versions_agree() {
    let objects = render(&[], &[]);
    let crds: Vec<Value> = of_kind(&objects, "CustomResourceDefinition")
        .into_iter()
        .cloned()
        .collect();
    let mut expected = team_api::crd::all();
    let key = |crd: &Value| {
        crd["metadata"]["name"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    };
    let mut crds = crds;
    crds.sort_by_key(key);
    expected.sort_by_key(key);
    assert_eq!(
        crds, expected,
        "the chart installs other CRDs than `team-operator crds`"
    );

    let chart = std::fs::read_to_string(helm::chart_dir().join("Chart.yaml")).unwrap();
    let version = env!("CARGO_PKG_VERSION");
    assert!(
        chart.contains(&format!("appVersion: \"{version}\"")),
        "Chart.yaml appVersion differs from the workspace version {version}"
    );
    let deployment = single(&objects, "Deployment");
    assert_eq!(
        container(deployment)["image"],
        format!("ghcr.io/posit-team/team-operator:{version}")
    );
}

fn container(deployment: &Value) -> &Value {
    let containers = deployment["spec"]["template"]["spec"]["containers"]
        .as_array()
        .unwrap();
    assert_eq!(containers.len(), 1);
    &containers[0]
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .into_iter()
        .flatten()
        .map(|v| v.as_str().expect("a string").to_string())
        .collect()
}

/// The operator's command line in the rendered Deployment, parsed by the operator itself.
fn parsed_options(objects: &[Value]) -> RunOptions {
    let container = container(single(objects, "Deployment"));
    let mut argv = strings(&container["command"]);
    assert_eq!(argv, vec!["/team-operator"]);
    argv.extend(strings(&container["args"]));
    match Cli::try_parse_from(&argv) {
        Ok(Cli {
            command: Command::Run(options),
        }) => *options,
        Ok(other) => panic!("{argv:?} is not `run`: {other:?}"),
        Err(error) => panic!("the operator refuses the chart's arguments {argv:?}:\n{error}"),
    }
}

#[test]
fn the_operator_accepts_the_command_line_of_every_mode() {
    let cases = [
        (None, Scope::Namespaces(vec!["posit-team".into()]), true),
        (
            Some(mode("several-namespaces")),
            Scope::Namespaces(vec!["team-a".into(), "team-b".into(), "team-c".into()]),
            true,
        ),
        (Some(mode("all-namespaces")), Scope::All, true),
        (
            Some(mode("single-replica")),
            Scope::Namespaces(vec!["posit-team".into()]),
            false,
        ),
    ];
    for (values, scope, leader) in cases {
        let objects = render(&files(&values), &[]);
        let options = parsed_options(&objects);
        // The environment cannot widen what the flags say.
        assert_eq!(
            options.scope(Some("elsewhere")),
            scope,
            "{}",
            label(&values)
        );
        assert_eq!(options.leader_elect, leader, "{}", label(&values));
        assert_eq!(options.leader_election_id, "fd877d62.posit.co");
        let container = container(single(&objects, "Deployment"));
        assert_eq!(
            container["ports"],
            json!([{"name": "http", "containerPort": options.http_address.port(), "protocol": "TCP"}])
        );
    }
    let options = parsed_options(&render(&[&mode("several-namespaces")], &[]));
    assert_eq!(options.environment(|_| None).aws_region, "eu-west-1");
    assert_eq!(options.log_level, "team_operator=debug,kube=warn");
}

#[test]
fn the_replica_names_itself_and_finds_its_lease_namespace() {
    let objects = render(&[&mode("single-replica")], &[]);
    let env = &container(single(&objects, "Deployment"))["env"];
    let from_field = |name: &str| {
        env.as_array()
            .unwrap()
            .iter()
            .find(|e| e["name"] == name)
            .map(|e| e["valueFrom"]["fieldRef"]["fieldPath"].clone())
    };
    assert_eq!(from_field("POD_NAME"), Some(json!("metadata.name")));
    assert_eq!(
        from_field("POD_NAMESPACE"),
        Some(json!("metadata.namespace"))
    );
    assert!(
        env.as_array()
            .unwrap()
            .iter()
            .any(|e| e == &json!({"name": "HTTPS_PROXY", "value": "http://proxy.example.com:3128"})),
        "extraEnv is passed on"
    );
    let image = &container(single(&objects, "Deployment"))["image"];
    assert!(
        image
            .as_str()
            .unwrap()
            .ends_with("@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"),
        "{image}"
    );
}

#[test]
fn the_operator_pod_is_locked_down_and_probed() {
    for values in every_values() {
        let objects = render(&files(&values), &[]);
        let deployment = single(&objects, "Deployment");
        let pod = &deployment["spec"]["template"]["spec"];
        assert_eq!(pod["securityContext"]["runAsNonRoot"], true);
        assert_eq!(
            pod["securityContext"]["seccompProfile"]["type"],
            "RuntimeDefault"
        );
        assert_ne!(pod["securityContext"]["runAsUser"], 0);
        let container = container(deployment);
        let security = &container["securityContext"];
        assert_eq!(security["allowPrivilegeEscalation"], false);
        assert_eq!(security["readOnlyRootFilesystem"], true);
        assert_eq!(security["runAsNonRoot"], true);
        assert_eq!(security["capabilities"], json!({"drop": ["ALL"]}));
        assert!(pod.get("volumes").is_none(), "the operator needs no volume");
        for (probe, path) in [("livenessProbe", "/healthz"), ("readinessProbe", "/readyz")] {
            assert_eq!(
                container[probe]["httpGet"],
                json!({"path": path, "port": "http"}),
                "{}: {probe}",
                label(&values)
            );
        }
        for kind in ["requests", "limits"] {
            for resource in ["cpu", "memory"] {
                assert!(
                    container["resources"][kind].get(resource).is_some(),
                    "{}: resources.{kind}.{resource} missing",
                    label(&values)
                );
            }
        }
    }
}

#[test]
fn one_writer_at_a_time() {
    // Default: two replicas, one leader, rolled one at a time, drained one at a time.
    let objects = render(&[], &[]);
    let deployment = single(&objects, "Deployment");
    assert_eq!(deployment["spec"]["replicas"], 2);
    assert_eq!(
        deployment["spec"]["strategy"],
        json!({"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0}})
    );
    let pdb = single(&objects, "PodDisruptionBudget");
    assert_eq!(pdb["spec"]["maxUnavailable"], 1);
    assert_eq!(
        pdb["spec"]["selector"]["matchLabels"],
        deployment["spec"]["selector"]["matchLabels"]
    );
    let anti = &deployment["spec"]["template"]["spec"]["affinity"]["podAntiAffinity"];
    assert!(anti.is_object(), "replicas are spread over nodes");

    // Without leader election: one replica, the old one stops before the new one starts.
    let objects = render(&[&mode("single-replica")], &[]);
    let deployment = single(&objects, "Deployment");
    assert_eq!(deployment["spec"]["replicas"], 1);
    assert_eq!(deployment["spec"]["strategy"], json!({"type": "Recreate"}));
    assert!(of_kind(&objects, "PodDisruptionBudget").is_empty());
    assert!(
        of_kind(&objects, "Role")
            .iter()
            .all(|r| r["metadata"]["name"] != "team-operator-leader-election"),
        "no Lease permissions without leader election"
    );
}

#[test]
fn watch_modes_get_roles_where_they_watch_and_a_cluster_role_only_for_all() {
    let role_places = |objects: &[Value], kind: &str| -> Vec<String> {
        of_kind(objects, kind)
            .iter()
            .map(|o| {
                format!(
                    "{}/{}",
                    o["metadata"]["namespace"].as_str().unwrap_or("-"),
                    o["metadata"]["name"].as_str().unwrap()
                )
            })
            .collect()
    };
    let leader = format!("{RELEASE_NAMESPACE}/{RELEASE}-leader-election");
    let objects = render(&[&mode("single-namespace")], &[]);
    assert_eq!(
        role_places(&objects, "Role"),
        vec![format!("posit-team/{RELEASE}"), leader.clone()]
    );
    assert_eq!(
        role_places(&objects, "ClusterRole"),
        vec![format!("-/{RELEASE}-persistentvolumes")]
    );

    let objects = render(&[&mode("several-namespaces")], &[]);
    let mut expected: Vec<String> = ["team-a", "team-b", "team-c"]
        .iter()
        .map(|ns| format!("{ns}/{RELEASE}"))
        .collect();
    expected.push(leader.clone());
    assert_eq!(role_places(&objects, "Role"), expected);
    assert_eq!(role_places(&objects, "RoleBinding"), expected);

    let objects = render(&[&mode("all-namespaces")], &[]);
    assert_eq!(role_places(&objects, "Role"), vec![leader]);
    assert_eq!(
        role_places(&objects, "ClusterRole"),
        vec![
            format!("-/{RELEASE}"),
            format!("-/{RELEASE}-persistentvolumes")
        ]
    );
    assert_eq!(
        role_places(&objects, "ClusterRoleBinding"),
        vec![
            format!("-/{RELEASE}"),
            format!("-/{RELEASE}-persistentvolumes")
        ]
    );
}

#[test]
fn metrics_service_and_service_monitor_reach_the_http_port() {
    let objects = render(&[&mode("several-namespaces")], &[]);
    let deployment = single(&objects, "Deployment");
    let pod_labels = &deployment["spec"]["template"]["metadata"]["labels"];
    let service = single(&objects, "Service");
    for (key, value) in service["spec"]["selector"].as_object().unwrap() {
        assert_eq!(&pod_labels[key], value, "Service selector {key}");
    }
    assert_eq!(
        service["spec"]["ports"],
        json!([{"name": "http-metrics", "port": 8080, "targetPort": "http", "protocol": "TCP"}])
    );
    let monitor = single(&objects, "ServiceMonitor");
    assert_eq!(monitor["apiVersion"], "monitoring.coreos.com/v1");
    assert_eq!(monitor["metadata"]["labels"]["release"], "prometheus");
    for (key, value) in monitor["spec"]["selector"]["matchLabels"]
        .as_object()
        .unwrap()
    {
        assert_eq!(
            &service["metadata"]["labels"][key], value,
            "ServiceMonitor selector {key}"
        );
    }
    assert_eq!(
        monitor["spec"]["endpoints"],
        json!([{"port": "http-metrics", "path": "/metrics", "scheme": "http", "interval": "30s", "scrapeTimeout": "10s"}])
    );
    assert_eq!(
        monitor["spec"]["namespaceSelector"],
        json!({"matchNames": [RELEASE_NAMESPACE]})
    );
    assert!(of_kind(&render(&[], &[]), "ServiceMonitor").is_empty());
    // The validator sees a wrong ServiceMonitor.
    let mut wrong = monitor.clone();
    wrong["spec"]["endpoints"][0]["interval"] = json!("half a minute");
    assert!(helm::validate_service_monitors(&[&wrong]).is_err());
    assert!(
        of_kind(
            &render(&[], &["--set", "metrics.service.enabled=false"]),
            "Service"
        )
        .is_empty()
    );
}

#[test]
fn the_service_account_carries_its_annotations() {
    let objects = render(&[&mode("several-namespaces")], &[]);
    let account = single(&objects, "ServiceAccount");
    assert_eq!(account["metadata"]["name"], RELEASE);
    assert_eq!(
        account["metadata"]["annotations"]["eks.amazonaws.com/role-arn"],
        "arn:aws:iam::123456789012:role/team-operator"
    );
    let objects = render(
        &[],
        &[
            "--set",
            "serviceAccount.create=false",
            "--set",
            "serviceAccount.name=existing",
        ],
    );
    assert!(of_kind(&objects, "ServiceAccount").is_empty());
    assert_eq!(
        single(&objects, "Deployment")["spec"]["template"]["spec"]["serviceAccountName"],
        "existing"
    );
}

/// Values that must not install, with a word the error must contain.
const WRONG_VALUES: [(&[&str], &str); 17] = [
    (&["--set", "replicaCount=abc"], "replicaCount"),
    (&["--set", "replicaCount=0"], "replicaCount"),
    (&["--set", "leaderElection.enabled=false"], "replicaCount"),
    (&["--set", "operator.logFormat=xml"], "logFormat"),
    (&["--set", "operator.concurrency=65"], "concurrency"),
    (&["--set", "operator.resyncSeconds=5"], "resyncSeconds"),
    (
        &["--set", "operator.logLevel=info --all-namespaces"],
        "logLevel",
    ),
    (&["--set", "watch.namespaces[0]=Bad_NS"], "namespaces"),
    (
        &["--set", "watch.namespaces[0]=a\nkind: ClusterRole"],
        "namespaces",
    ),
    (&["--set-json", "watch.namespaces=[]"], "namespaces"),
    (&["--set", "watch.allNamespaces=true"], "namespaces"),
    (&["--set", "image.pullPolicy=always"], "pullPolicy"),
    (&["--set", "image.digest=latest"], "digest"),
    (&["--set", "replicas=3"], "replicas"),
    (&["--set-json", "extraEnv=[{\"value\":\"x\"}]"], "name"),
    (
        &["--set", "serviceAccount.create=false"],
        "serviceAccount.name",
    ),
    (
        &[
            "--set",
            "metrics.service.enabled=false",
            "--set",
            "metrics.serviceMonitor.enabled=true",
        ],
        "metrics.service.enabled",
    ),
];

#[test]
fn wrong_values_are_refused_with_the_key_named() {
    for helm in Helm::ALL {
        for (arguments, key) in WRONG_VALUES {
            match helm.template(&[], arguments) {
                Ok(_) => panic!("{helm:?} template accepted {arguments:?}"),
                // helm 3 names keys with dots, helm 4 with JSON pointers.
                Err(error) => assert!(
                    error.contains(key) || error.contains(&key.replace('.', "/")),
                    "{helm:?} refused {arguments:?} without naming {key}:\n{error}"
                ),
            }
            assert!(
                helm.lint(&[], arguments).is_err(),
                "{helm:?} lint accepted {arguments:?}"
            );
        }
    }
}

#[test]
fn notes_tell_the_next_step() {
    let output = std::process::Command::new(test_support::tool("bin/helm"))
        .args(["install", RELEASE])
        .arg(helm::chart_dir())
        .args(["--namespace", RELEASE_NAMESPACE, "--dry-run=client"])
        .args(["--values"])
        .arg(mode("several-namespaces"))
        .env("KUBECONFIG", "/dev/null")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let notes = text.split("NOTES:").nth(1).expect("NOTES are printed");
    for expected in [
        "managing Sites in: team-a, team-b, team-c.",
        "rollout status deployment/team-operator",
        "kubectl -n team-a create secret generic site-secrets",
        "main-database-url=",
        "kubectl -n team-a wait --for=condition=Ready site/<name>",
        "kubectl apply --server-side --force-conflicts -f <chart>/crds/",
    ] {
        assert!(
            notes.contains(expected),
            "NOTES lack {expected:?}:\n{notes}"
        );
    }
}
