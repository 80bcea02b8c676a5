//! The product controllers - Connect, Workbench, PackageManager, Chronicle, Flightdeck - and
//! the Site controller share one pipeline: read, validate, build (pure, in team-desired),
//! apply, prune, and status from the health of what was applied.

use super::{desired, health, inputs};
use crate::runtime::apply::DesiredObject;
use crate::runtime::context::{Context, StatusShape};
use crate::runtime::controller::{Managed, Outcome};
use crate::runtime::error::ReconcileError;
use crate::runtime::kinds::Kind;
use kube::ResourceExt;
use std::sync::Arc;
use team_api::{Chronicle, Connect, Flightdeck, PackageManager, Site, Workbench};
use team_desired::inputs::{Inputs, Requirement};
use team_desired::{BuildError, Desired, Environment, labels};

/// One kind's builder, seen by its controller.
pub trait Buildable: Managed {
    type Validated: Send + Sync;
    /// Kinds a resource of this kind may own: watched, and pruned when no longer desired.
    const OWNS: &'static [&'static str];
    fn validate(&self, namespace: &str) -> Result<Self::Validated, BuildError>;
    fn requirements(_validated: &Self::Validated) -> Vec<Requirement> {
        Vec::new()
    }
    fn build(
        validated: &Self::Validated,
        inputs: &Inputs,
        environment: &Environment,
    ) -> Result<Vec<Desired>, BuildError>;
    /// Whether a changed referenced Secret should roll the workloads (products: yes).
    const STAMP_SECRETS: bool = true;
}

const PRODUCT_OWNS: &[&str] = &[
    "ConfigMap",
    "Secret",
    "ServiceAccount",
    "Role",
    "RoleBinding",
    "Service",
    "Deployment",
    "StatefulSet",
    "Ingress",
    "PodDisruptionBudget",
    "PersistentVolumeClaim",
    "PostgresDatabase",
    "SecretProviderClass",
    "Middleware",
];

impl Buildable for Connect {
    type Validated = team_desired::connect::ValidatedConnect;
    const OWNS: &'static [&'static str] = PRODUCT_OWNS;
    fn validate(&self, namespace: &str) -> Result<Self::Validated, BuildError> {
        team_desired::connect::validate(self, namespace)
    }
    fn requirements(validated: &Self::Validated) -> Vec<Requirement> {
        team_desired::connect::requirements(validated)
    }
    fn build(v: &Self::Validated, i: &Inputs, e: &Environment) -> Result<Vec<Desired>, BuildError> {
        team_desired::connect::build(v, i, e)
    }
}

impl Buildable for Workbench {
    type Validated = team_desired::workbench::ValidatedWorkbench;
    const OWNS: &'static [&'static str] = PRODUCT_OWNS;
    fn validate(&self, namespace: &str) -> Result<Self::Validated, BuildError> {
        team_desired::workbench::validate(self, namespace)
    }
    fn requirements(validated: &Self::Validated) -> Vec<Requirement> {
        team_desired::workbench::requirements(validated)
    }
    fn build(v: &Self::Validated, i: &Inputs, e: &Environment) -> Result<Vec<Desired>, BuildError> {
        team_desired::workbench::build(v, i, e)
    }
}

impl Buildable for PackageManager {
    type Validated = team_desired::package_manager::ValidatedPackageManager;
    const OWNS: &'static [&'static str] = PRODUCT_OWNS;
    fn validate(&self, namespace: &str) -> Result<Self::Validated, BuildError> {
        team_desired::package_manager::validate(self, namespace)
    }
    fn requirements(validated: &Self::Validated) -> Vec<Requirement> {
        team_desired::package_manager::requirements(validated)
    }
    fn build(v: &Self::Validated, i: &Inputs, e: &Environment) -> Result<Vec<Desired>, BuildError> {
        team_desired::package_manager::build(v, i, e)
    }
}

impl Buildable for Chronicle {
    type Validated = team_desired::chronicle::ValidatedChronicle;
    const OWNS: &'static [&'static str] =
        &["ConfigMap", "ServiceAccount", "Service", "StatefulSet"];
    fn validate(&self, namespace: &str) -> Result<Self::Validated, BuildError> {
        team_desired::chronicle::validate(self, namespace)
    }
    fn build(v: &Self::Validated, _: &Inputs, _: &Environment) -> Result<Vec<Desired>, BuildError> {
        team_desired::chronicle::build(v)
    }
}

impl Buildable for Flightdeck {
    type Validated = team_desired::flightdeck::ValidatedFlightdeck;
    const OWNS: &'static [&'static str] = &[
        "ServiceAccount",
        "Role",
        "RoleBinding",
        "Deployment",
        "Service",
        "Ingress",
    ];
    fn validate(&self, namespace: &str) -> Result<Self::Validated, BuildError> {
        team_desired::flightdeck::validate(self, namespace)
    }
    fn build(v: &Self::Validated, _: &Inputs, _: &Environment) -> Result<Vec<Desired>, BuildError> {
        team_desired::flightdeck::build(v)
    }
}

impl Buildable for Site {
    type Validated = team_desired::site::ValidatedSite;
    const OWNS: &'static [&'static str] = &[
        "Connect",
        "Workbench",
        "PackageManager",
        "Chronicle",
        "Flightdeck",
        "PostgresDatabase",
        "PersistentVolumeClaim",
        "ConfigMap",
        "Job",
        "DaemonSet",
        "Deployment",
        "ServiceAccount",
        "NetworkPolicy",
        "SecretProviderClass",
        "Middleware",
        "Keycloak",
    ];
    // The Site's own workloads (pre-pull, Keycloak helper) read no product Secrets.
    const STAMP_SECRETS: bool = false;
    fn validate(&self, namespace: &str) -> Result<Self::Validated, BuildError> {
        team_desired::site::validate(self, namespace)
    }
    fn requirements(validated: &Self::Validated) -> Vec<Requirement> {
        team_desired::site::requirements(validated)
    }
    fn build(v: &Self::Validated, i: &Inputs, e: &Environment) -> Result<Vec<Desired>, BuildError> {
        team_desired::site::build(v, i, e)
    }
}

/// The kinds a controller owns, resolved in the kind table.
pub fn owned_kinds<K: Buildable>() -> Vec<&'static Kind> {
    K::OWNS
        .iter()
        .map(|name| {
            crate::runtime::kinds::ALL
                .iter()
                .find(|k| k.kind == *name)
                .expect("every owned kind is in the kind table")
        })
        .collect()
}

/// Reconciles one resource of kind `K`.
pub async fn reconcile<K: Buildable>(
    object: Arc<K>,
    context: Arc<Context>,
) -> Result<Outcome, ReconcileError> {
    let namespace = object
        .namespace()
        .ok_or_else(|| ReconcileError::InvalidSpec("metadata.namespace: required".into()))?;
    if object.meta().deletion_timestamp.is_some() {
        // Owner references take the children away; nothing to apply or report.
        return Ok(Outcome::gone());
    }
    let uid = object
        .uid()
        .ok_or_else(|| ReconcileError::InvalidSpec("metadata.uid: missing".into()))?;
    let validated = object.validate(&namespace).map_err(build_error)?;
    let requirements = K::requirements(&validated);
    let inputs = inputs::resolve(&context.client, context.aws.as_ref(), &requirements).await?;
    let mut built =
        K::build(&validated, &inputs, &context.settings.environment).map_err(build_error)?;
    if K::STAMP_SECRETS {
        team_desired::object::stamp_secrets_digest(&mut built, inputs.secrets_digest().as_deref());
    }
    let desired = desired::to_apply(&built);
    let selector = prune_selector(&desired, &uid);
    context
        .apply(
            K::CONTROLLER,
            &namespace,
            &uid,
            &selector,
            &owned_kinds::<K>(),
            &desired,
        )
        .await?;
    let health = health::of(&context.client, &desired).await?;
    Ok(Outcome {
        health: Some(health),
        shape: Some(status_shape(object.as_ref(), &desired)),
    })
}

/// The status shape, naming the generated key Secret (`<component>-key`) when the resource
/// has one, as the Go operator's `status.keySecretRef` does.
fn status_shape<K: Managed>(object: &K, desired: &[DesiredObject]) -> StatusShape {
    match object.status_shape() {
        StatusShape::Product { .. } => StatusShape::Product {
            key_secret: desired
                .iter()
                .filter(|d| !d.generate.is_empty() && d.object["kind"] == "Secret")
                .filter_map(|d| d.object["metadata"]["name"].as_str())
                .find(|name| name.ends_with("-key"))
                .map(str::to_string),
        },
        other => other,
    }
}

/// The label selector of what this resource owns: managed-by, plus the instance (or site)
/// label every owned object carries, so pruning lists only this resource's objects.
pub fn prune_selector(desired: &[DesiredObject], owner_uid: &str) -> String {
    let owned: Vec<&serde_json::Value> = desired
        .iter()
        .map(|d| &d.object)
        .filter(|o| {
            o["metadata"]["ownerReferences"]
                .as_array()
                .is_some_and(|refs| refs.iter().any(|r| r["uid"] == owner_uid))
        })
        .collect();
    let mut selector = format!("{}={}", labels::MANAGED_BY, labels::OPERATOR);
    for label in [labels::INSTANCE, labels::SITE] {
        let values: std::collections::BTreeSet<&str> = owned
            .iter()
            .map(|o| o["metadata"]["labels"][label].as_str().unwrap_or(""))
            .collect();
        if values.len() == 1
            && let Some(value) = values.iter().next().filter(|v| !v.is_empty())
        {
            selector.push_str(&format!(",{label}={value}"));
            break;
        }
    }
    selector
}

fn build_error(error: BuildError) -> ReconcileError {
    match error {
        BuildError::MissingInputs(_) => ReconcileError::SecretMissing(error.to_string()),
        other => ReconcileError::InvalidSpec(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn owned(labels: serde_json::Value) -> DesiredObject {
        DesiredObject::apply(
            json!({"metadata": {"labels": labels, "ownerReferences": [{"uid": "u"}]}}),
        )
    }

    #[test]
    fn the_selector_narrows_to_a_label_every_owned_object_shares() {
        let common = vec![
            owned(json!({"app.kubernetes.io/instance": "main-connect", "posit.team/site": "main"})),
            owned(json!({"app.kubernetes.io/instance": "main-connect", "posit.team/site": "main"})),
            DesiredObject::apply(
                json!({"metadata": {"labels": {"app.kubernetes.io/instance": "other"}}}),
            ),
        ];
        assert_eq!(
            prune_selector(&common, "u"),
            "app.kubernetes.io/managed-by=team-operator,app.kubernetes.io/instance=main-connect"
        );
        let site_only = vec![
            owned(json!({"app.kubernetes.io/instance": "main", "posit.team/site": "main"})),
            owned(json!({"posit.team/site": "main"})),
        ];
        assert_eq!(
            prune_selector(&site_only, "u"),
            "app.kubernetes.io/managed-by=team-operator,posit.team/site=main"
        );
        assert_eq!(
            prune_selector(&[], "u"),
            "app.kubernetes.io/managed-by=team-operator"
        );
    }
}
