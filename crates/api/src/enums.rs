//! String enumerations that the Go operator names as constants.
//!
//! Each is validated by the CRD schema (the Go CRDs did not), so a typo is refused by the API
//! server instead of being silently ignored. Every spelling the Go operator accepted stays valid.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Where a product's secrets live.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum SecretType {
    // No secret backend configured.
    #[default]
    #[serde(rename = "")]
    Unset,
    #[serde(rename = "kubernetes")]
    Kubernetes,
    #[serde(rename = "aws")]
    Aws,
    // Test backend: every key resolves to its own name. Never use in production.
    #[serde(rename = "test")]
    Test,
}

/// How users log in to a product.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum AuthType {
    // The product's own default.
    #[default]
    #[serde(rename = "")]
    Unset,
    #[serde(rename = "password")]
    Password,
    #[serde(rename = "oidc")]
    Oidc,
    #[serde(rename = "saml")]
    Saml,
    // Written by existing manifests to mean "no single sign-on"; same as unset.
    #[serde(rename = "none")]
    None,
}

/// How a product receives its license.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum LicenseType {
    // Same as `FILE`.
    #[default]
    #[serde(rename = "")]
    Unset,
    #[serde(rename = "FILE")]
    File,
    #[serde(rename = "KEY")]
    Key,
}

/// Image pull policy of a container.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum PullPolicy {
    // Kubernetes chooses (`Always` for `:latest`, else `IfNotPresent`).
    #[default]
    #[serde(rename = "")]
    Unset,
    Always,
    IfNotPresent,
    Never,
}

impl PullPolicy {
    // The Kubernetes value, or `None` when unset.
    pub fn as_k8s(self) -> Option<&'static str> {
        match self {
            PullPolicy::Unset => None,
            PullPolicy::Always => Some("Always"),
            PullPolicy::IfNotPresent => Some("IfNotPresent"),
            PullPolicy::Never => Some("Never"),
        }
    }
}

/// Backend of site-provisioned shared storage.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum VolumeSourceType {
    // No site-provisioned storage.
    #[default]
    #[serde(rename = "")]
    Unset,
    #[serde(rename = "fsx-zfs")]
    FsxZfs,
    #[serde(rename = "nfs")]
    Nfs,
    #[serde(rename = "azure-netapp")]
    AzureNetapp,
}

/// Log format of a whole Site.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum SiteLogFormat {
    // Human-readable text logs.
    #[default]
    #[serde(rename = "")]
    Text,
    #[serde(rename = "JSON")]
    Json,
}

/// Log level of the Flightdeck landing page.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum FlightdeckLogLevel {
    #[serde(rename = "debug")]
    Debug,
    #[default]
    #[serde(rename = "info")]
    Info,
    #[serde(rename = "warn")]
    Warn,
    #[serde(rename = "error")]
    Error,
}

impl FlightdeckLogLevel {
    // The value as written in the manifest.
    pub fn as_str(self) -> &'static str {
        match self {
            FlightdeckLogLevel::Debug => "debug",
            FlightdeckLogLevel::Info => "info",
            FlightdeckLogLevel::Warn => "warn",
            FlightdeckLogLevel::Error => "error",
        }
    }
}

/// Log format of the Flightdeck landing page.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum FlightdeckLogFormat {
    #[default]
    #[serde(rename = "text")]
    Text,
    #[serde(rename = "json")]
    Json,
}

impl FlightdeckLogFormat {
    // The value as written in the manifest.
    pub fn as_str(self) -> &'static str {
        match self {
            FlightdeckLogFormat::Text => "text",
            FlightdeckLogFormat::Json => "json",
        }
    }
}

/// Workbench's answer to "save the workspace on exit?".
#[derive(Serialize, Deserialize, JsonSchema, Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum SessionSaveAction {
    // Workbench's own default (`ask`), or `no` when the experimental block is present.
    #[default]
    #[serde(rename = "")]
    Unset,
    #[serde(rename = "no")]
    No,
    #[serde(rename = "ask")]
    Ask,
    #[serde(rename = "yes")]
    Yes,
}

impl SessionSaveAction {
    // The value as written in `rsession.conf`; empty when unset.
    pub fn as_str(self) -> &'static str {
        match self {
            SessionSaveAction::Unset => "",
            SessionSaveAction::No => "no",
            SessionSaveAction::Ask => "ask",
            SessionSaveAction::Yes => "yes",
        }
    }
}

/// Access mode of a PersistentVolumeClaim.
#[derive(
    Serialize, Deserialize, JsonSchema, Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord,
)]
pub enum AccessMode {
    ReadWriteOnce,
    ReadOnlyMany,
    ReadWriteMany,
    ReadWriteOncePod,
}

impl AccessMode {
    // The Kubernetes value.
    pub fn as_str(self) -> &'static str {
        match self {
            AccessMode::ReadWriteOnce => "ReadWriteOnce",
            AccessMode::ReadOnlyMany => "ReadOnlyMany",
            AccessMode::ReadWriteMany => "ReadWriteMany",
            AccessMode::ReadWriteOncePod => "ReadWriteOncePod",
        }
    }
}

/// Backend holding a Git SSH key for Package Manager.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SshKeySource {
    #[serde(rename = "aws-secrets-manager")]
    AwsSecretsManager,
    #[serde(rename = "kubernetes")]
    Kubernetes,
    #[serde(rename = "azure-key-vault")]
    AzureKeyVault,
}
