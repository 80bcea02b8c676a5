//! Reading values out of Kubernetes Secrets, wherever they came from (the API or files).

use crate::error::{Error, Reason};
use k8s_openapi::api::core::v1::Secret;
use std::collections::BTreeMap;
use team_api::enums::SecretType;
use team_api::shared::SecretConfig;

/// The Secrets a resource refers to, by name, as the caller found them in the resource's
/// namespace. A name that is absent was not found.
pub type FoundSecrets = BTreeMap<String, Secret>;

/// The value under `key`, from `stringData` (as written in manifests) or `data`.
pub fn value(secret: &Secret, key: &str) -> Result<Option<String>, Error> {
    if let Some(text) = secret.string_data.as_ref().and_then(|data| data.get(key)) {
        return Ok(Some(text.clone()));
    }
    let Some(bytes) = secret.data.as_ref().and_then(|data| data.get(key)) else {
        return Ok(None);
    };
    String::from_utf8(bytes.0.clone()).map(Some).map_err(|_| {
        Error::invalid(format!(
            "key {key:?} of Secret {:?} is not UTF-8 text",
            name_of(secret)
        ))
    })
}

/// Where one value lives, for messages.
pub fn describe(config: &SecretConfig, key: &str) -> String {
    format!("key {key:?} of Secret {:?}", config.vault_name)
}

/// Reads `key` from the vault `config` points at. `Ok(None)` when the vault exists but has
/// no such key; an error when the vault itself is missing or cannot be read.
pub fn read(
    config: &SecretConfig,
    key: &str,
    found: &FoundSecrets,
    field: &str,
) -> Result<Option<String>, Error> {
    match config.type_ {
        SecretType::Unset => Ok(None),
        SecretType::Kubernetes => {
            if config.vault_name.is_empty() {
                return Err(Error::invalid(format!(
                    "{field}.vaultName is empty: name the Secret to read"
                )));
            }
            let secret = found.get(&config.vault_name).ok_or_else(|| {
                Error::new(
                    Reason::SecretMissing,
                    format!("Secret {:?} ({field}) was not found", config.vault_name),
                )
            })?;
            value(secret, key)
        }
        // The Go operator's test backend: every key holds its own name.
        SecretType::Test => Ok(Some(key.to_string())),
        SecretType::Aws => match found.get(&aws_entry(&config.vault_name)) {
            Some(secret) => value(secret, key),
            None => Err(Error::new(
                Reason::SecretBackendUnsupported,
                format!(
                    "{field}: AWS Secrets Manager secret {:?} could not be read here; use a \
                     kubernetes Secret or run the operator with AWS credentials",
                    config.vault_name
                ),
            )),
        },
    }
}

/// The name under which the values of an AWS Secrets Manager secret are passed in
/// [`FoundSecrets`] (a Secret built by the caller from what it read). The `:` keeps it
/// apart from every Kubernetes Secret name.
pub fn aws_entry(vault: &str) -> String {
    format!("aws:{vault}")
}

/// The AWS Secrets Manager secrets `configs` refer to, in order, without repeats.
pub fn aws_names<'a>(configs: impl IntoIterator<Item = &'a SecretConfig>) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for config in configs {
        if config.type_ == SecretType::Aws
            && !config.vault_name.is_empty()
            && !names.contains(&config.vault_name)
        {
            names.push(config.vault_name.clone());
        }
    }
    names
}

/// Like [`read`], but a missing key is an error too.
pub fn read_required(
    config: &SecretConfig,
    key: &str,
    found: &FoundSecrets,
    field: &str,
) -> Result<String, Error> {
    read(config, key, found, field)?
        .filter(|value| !value.trim().is_empty())
        .ok_or_else(|| {
            Error::new(
                Reason::SecretMissing,
                format!("{} ({field}) is missing or empty", describe(config, key)),
            )
        })
}

/// The Secret names `configs` make readable, in order, without repeats.
pub fn kubernetes_names<'a>(configs: impl IntoIterator<Item = &'a SecretConfig>) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for config in configs {
        if config.type_ == SecretType::Kubernetes
            && !config.vault_name.is_empty()
            && !names.contains(&config.vault_name)
        {
            names.push(config.vault_name.clone());
        }
    }
    names
}

fn name_of(secret: &Secret) -> &str {
    secret.metadata.name.as_deref().unwrap_or("")
}
