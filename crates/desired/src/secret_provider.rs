//! SecretProviderClasses of the Secrets Store CSI driver (AWS provider): how values of an
//! AWS Secrets Manager secret appear as files in pods and as synced Kubernetes Secrets.
//! Objects, aliases and synced Secrets are sorted, so the object is stable.

use crate::labels::Labels;
use crate::meta::{self, Owner};
use crate::object::{self, Object};
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// A SecretProviderClass under construction.
#[derive(Debug, Default)]
pub struct ProviderClass {
    /// File alias -> key in the AWS secret.
    aliases: BTreeMap<String, String>,
    /// Synced Kubernetes Secret -> (its key -> alias).
    synced: BTreeMap<String, BTreeMap<String, String>>,
}

impl ProviderClass {
    pub fn new() -> Self {
        Self::default()
    }

    /// Makes the AWS key `vault_key` available as the file `alias`.
    pub fn alias(&mut self, alias: &str, vault_key: &str) -> &mut Self {
        self.aliases
            .insert(alias.to_string(), vault_key.to_string());
        self
    }

    /// Syncs the file `alias` into the Kubernetes Secret `secret` under `key`.
    pub fn sync(&mut self, secret: &str, key: &str, alias: &str) -> &mut Self {
        self.synced
            .entry(secret.to_string())
            .or_default()
            .insert(key.to_string(), alias.to_string());
        self
    }

    pub fn is_empty(&self) -> bool {
        self.aliases.is_empty()
    }

    /// The SecretProviderClass reading `vault` in `region`.
    pub fn build(
        &self,
        name: &str,
        owner: &Owner,
        labels: Labels,
        vault: &str,
        region: &str,
    ) -> Object {
        let jmes: Vec<Value> = self
            .aliases
            .iter()
            .map(|(alias, key)| {
                // A JMESPath quoted identifier has the syntax of a JSON string.
                json!({ "path": Value::String(key.clone()).to_string(), "objectAlias": alias })
            })
            .collect();
        let objects = json!([{
            "objectName": vault,
            "objectType": "secretsmanager",
            "objectVersionLabel": "AWSCURRENT",
            "jmesPath": jmes,
        }]);
        let secret_objects: Vec<Value> = self
            .synced
            .iter()
            .map(|(secret, keys)| {
                let data: Vec<Value> = keys
                    .iter()
                    .map(|(key, alias)| json!({ "key": key, "objectName": alias }))
                    .collect();
                json!({ "secretName": secret, "type": "Opaque", "labels": labels, "data": data })
            })
            .collect();
        let mut spec = json!({
            "provider": "aws",
            "parameters": {
                "region": region,
                // The provider reads this parameter as YAML; JSON is YAML and sorts stably.
                "objects": objects.to_string(),
            },
        });
        if !secret_objects.is_empty() {
            spec["secretObjects"] = Value::Array(secret_objects);
        }
        object::external(
            &team_api::kind::SECRET_PROVIDER_CLASS,
            meta::owned(name, owner, labels.clone()),
            json!({ "spec": spec }),
        )
    }
}
