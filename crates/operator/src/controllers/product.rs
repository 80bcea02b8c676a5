//! The product controllers - Connect, Workbench, PackageManager, Chronicle, Flightdeck - and
//! the Site controller share one pipeline: read, validate, build (pure, in team-desired),
//! apply, prune, and status from the health of what was applied.

use super::{desired, health};
use crate::runtime::context::{Context, StatusShape};
use crate::runtime::controller::{Managed, Outcome};
use crate::runtime::error::ReconcileError;
use crate::runtime::inputs;
use kube::ResourceExt;
use std::sync::Arc;
use team_api::kind;
use team_desired::{ApplyPolicy, BuildError, Desired, Pipeline};

/// Reconciles one resource of kind `K`.
pub async fn reconcile<K: Managed + Pipeline>(
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
    let built =
        team_desired::pipeline::build::<K>(&validated, &inputs, &context.settings.environment)
            .map_err(build_error)?;
    let desired = desired::to_apply(&built.objects);
    context
        .apply(
            K::CONTROLLER,
            &namespace,
            &uid,
            &built.prune_selector,
            K::OWNS,
            &desired,
        )
        .await?;
    let health = health::of(&context.client, &built.objects).await?;
    Ok(Outcome {
        health: Some(health),
        shape: Some(status_shape(object.as_ref(), &built.objects)),
    })
}

/// The status shape, naming the generated key Secret (`<component>-key`) when the resource
/// has one, as the Go operator's `status.keySecretRef` does.
fn status_shape<K: Managed>(object: &K, desired: &[Desired]) -> StatusShape {
    match object.status_shape() {
        StatusShape::Product { .. } => StatusShape::Product {
            key_secret: desired
                .iter()
                .filter(|d| d.object.kind() == &kind::SECRET)
                .filter(|d| matches!(&d.policy, ApplyPolicy::CreateOnce { generate } if !generate.is_empty()))
                .map(|d| d.object.name())
                .find(|name| name.ends_with("-key"))
                .map(str::to_string),
        },
        other => other,
    }
}

fn build_error(error: BuildError) -> ReconcileError {
    match error {
        BuildError::MissingInputs(_) => ReconcileError::SecretMissing(error.to_string()),
        other => ReconcileError::InvalidSpec(other.to_string()),
    }
}
