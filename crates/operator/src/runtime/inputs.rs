//! The read step in the cluster: the Secrets and keys a resource refers to, fetched from the
//! API (and AWS Secrets Manager through [`SecretSource`]), resolved into builder inputs.

use crate::runtime::error::ReconcileError;
use k8s_openapi::api::core::v1::Secret;
use kube::{Api, Client};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use team_desired::BuildError;
use team_desired::inputs::{Found, Inputs, MissingInput, Requirement, Store};

/// Reads secrets that do not live in Kubernetes (AWS Secrets Manager).
pub trait SecretSource: Send + Sync {
    /// The key/value pairs of one external secret.
    fn read<'a>(
        &'a self,
        vault: &'a str,
    ) -> futures::future::BoxFuture<'a, Result<BTreeMap<String, String>, String>>;
}

/// Resolves `requirements`: every missing required key is reported together.
pub async fn resolve(
    client: &Client,
    aws: Option<&Arc<dyn SecretSource>>,
    requirements: &[Requirement],
) -> Result<Inputs, ReconcileError> {
    let mut kubernetes: HashMap<(String, String), Option<Secret>> = HashMap::new();
    let mut external: HashMap<String, BTreeMap<String, String>> = HashMap::new();
    let mut inputs = Inputs::default();
    let mut missing = Vec::new();
    for requirement in requirements {
        let value: Option<Vec<u8>> = match &requirement.store {
            Store::Kubernetes { namespace, name } => {
                let key = (namespace.clone(), name.clone());
                if !kubernetes.contains_key(&key) {
                    let api: Api<Secret> = Api::namespaced(client.clone(), namespace);
                    kubernetes.insert(key.clone(), api.get_opt(name).await?);
                }
                match &kubernetes[&key] {
                    None => {
                        if requirement.required {
                            missing.push(missing_input(requirement, true));
                        }
                        None
                    }
                    Some(secret) => secret_value(secret, &requirement.key),
                }
            }
            Store::Aws { vault } => {
                let Some(source) = aws else {
                    return Err(ReconcileError::MissingApi(format!(
                        "{}: AWS Secrets Manager cannot be read by this operator build",
                        requirement.field
                    )));
                };
                if !external.contains_key(vault) {
                    let values = source.read(vault).await.map_err(|e| {
                        ReconcileError::SecretMissing(format!("{}: {e}", requirement.field))
                    })?;
                    external.insert(vault.clone(), values);
                }
                external[vault]
                    .get(&requirement.key)
                    .map(|v| v.as_bytes().to_vec())
            }
        };
        let found = match value {
            None => {
                if requirement.required
                    && !matches!(requirement.store, Store::Kubernetes { .. } if missing_secret(&kubernetes, &requirement.store))
                {
                    missing.push(missing_input(requirement, false));
                }
                Found::Absent
            }
            Some(bytes) => {
                inputs.record_value(requirement.store.clone(), &requirement.key, &bytes);
                Found::Present(
                    requirement
                        .wants_value
                        .then(|| String::from_utf8_lossy(&bytes).into_owned()),
                )
            }
        };
        inputs.insert(requirement.store.clone(), &requirement.key, found);
    }
    if missing.is_empty() {
        Ok(inputs)
    } else {
        missing.dedup();
        Err(ReconcileError::SecretMissing(
            BuildError::MissingInputs(missing).to_string(),
        ))
    }
}

/// True when the store is a Kubernetes Secret that does not exist (already reported).
fn missing_secret(cache: &HashMap<(String, String), Option<Secret>>, store: &Store) -> bool {
    match store {
        Store::Kubernetes { namespace, name } => {
            matches!(cache.get(&(namespace.clone(), name.clone())), Some(None))
        }
        Store::Aws { .. } => false,
    }
}

/// A key of a Secret, from `data` (or `stringData`, which a just-written object may carry).
fn secret_value(secret: &Secret, key: &str) -> Option<Vec<u8>> {
    secret
        .data
        .as_ref()
        .and_then(|d| d.get(key))
        .map(|v| v.0.clone())
        .or_else(|| {
            secret
                .string_data
                .as_ref()
                .and_then(|d| d.get(key))
                .map(|v| v.as_bytes().to_vec())
        })
}

fn missing_input(requirement: &Requirement, secret_missing: bool) -> MissingInput {
    MissingInput {
        store: requirement.store.clone(),
        key: requirement.key.clone(),
        field: requirement.field.clone(),
        secret_missing,
    }
}
