//! The chart's RBAC is exactly what the operator's code needs: the kinds in its kind table
//! (with the verbs its applier, pruner, status writer, event recorder and leader election
//! use) and every permission of the Roles its builders create, since Kubernetes lets a
//! subject grant only what it holds. Nothing more, no wildcard, in every watch mode.

use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use team_packaging::helm::{self, RELEASE, RELEASE_NAMESPACE, render};
use team_packaging::rbac::{self, Grant, Need};

const LEASE: &str = "fd877d62.posit.co";

fn mode(name: &str) -> PathBuf {
    helm::chart_dir().join(format!("ci/{name}-values.yaml"))
}

fn needs() -> BTreeSet<Need> {
    let examples = test_support::examples();
    let paths: Vec<&Path> = examples.iter().map(PathBuf::as_path).collect();
    let mut needs = rbac::controller_needs(LEASE);
    needs.extend(rbac::builder_role_needs(&paths));
    needs
}

fn granted(objects: &[Value]) -> BTreeSet<Grant> {
    rbac::service_account_grants(objects, RELEASE_NAMESPACE, RELEASE)
}

fn assert_same(granted: &BTreeSet<Grant>, expected: &BTreeSet<Grant>, mode: &str) {
    let missing: Vec<String> = expected.difference(granted).map(Grant::to_string).collect();
    let extra: Vec<String> = granted.difference(expected).map(Grant::to_string).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "{mode}: the chart's RBAC differs from what the code needs\n\
         missing (add to charts/team-operator/templates/_rules.tpl):\n  {}\n\
         not needed by the code:\n  {}",
        missing.join("\n  "),
        extra.join("\n  ")
    );
}

#[test]
fn rbac_is_exactly_what_the_code_needs_in_every_mode() {
    let needs = needs();
    let cases: [(&str, Option<&[&str]>); 3] = [
        ("single-namespace", Some(&["posit-team"])),
        ("several-namespaces", Some(&["team-a", "team-b", "team-c"])),
        ("all-namespaces", None),
    ];
    for (name, watched) in cases {
        let objects = render(&[&mode(name)], &[]);
        let expected = rbac::place(&needs, watched, RELEASE_NAMESPACE);
        assert_same(&granted(&objects), &expected, name);
    }
}

#[test]
fn without_leader_election_there_is_no_lease_permission() {
    let needs: BTreeSet<Need> = needs()
        .into_iter()
        .filter(|n| n.place != rbac::Place::LeaseNamespace)
        .collect();
    let objects = render(&[&mode("single-replica")], &[]);
    let expected = rbac::place(&needs, Some(&["posit-team"]), RELEASE_NAMESPACE);
    assert_same(&granted(&objects), &expected, "single-replica");
}

#[test]
fn the_operator_holds_every_permission_its_launcher_roles_grant() {
    // Said on its own so a failure names the builder Role, not only a missing grant.
    let examples = test_support::examples();
    let paths: Vec<&Path> = examples.iter().map(PathBuf::as_path).collect();
    let roles = rbac::builder_role_needs(&paths);
    assert!(
        roles.iter().any(|n| n.resource == "pods/exec"),
        "the examples create launcher Roles"
    );
    let granted = granted(&render(&[], &[]));
    for need in roles {
        let holds = granted.iter().any(|g| {
            g.namespace.as_deref() == Some("posit-team")
                && g.group == need.group
                && g.resource == need.resource
                && g.verb == need.verb
                && g.name.is_none()
        });
        assert!(
            holds,
            "a builder Role grants {} {}/{}, which the operator does not hold: the API \
             server would refuse to create that Role",
            need.verb, need.group, need.resource
        );
    }
}

#[test]
fn no_rule_uses_a_wildcard() {
    for values in helm::mode_values() {
        let objects = render(&[&values], &[]);
        let wild = rbac::wildcard_rules(&objects);
        assert!(wild.is_empty(), "{}: {wild:?}", values.display());
    }
    // The check itself sees a wildcard.
    let sample: Value = serde_json::json!({
        "kind": "Role", "metadata": {"name": "x"},
        "rules": [{"apiGroups": [""], "resources": ["pods"], "verbs": ["*"]}]
    });
    assert_eq!(rbac::wildcard_rules(&[sample]).len(), 1);
}

#[test]
fn rbac_can_be_left_to_the_platform() {
    let objects = render(&[], &["--set", "rbac.create=false"]);
    for kind in ["Role", "RoleBinding", "ClusterRole", "ClusterRoleBinding"] {
        assert!(helm::of_kind(&objects, kind).is_empty(), "{kind} rendered");
    }
}
