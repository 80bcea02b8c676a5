//! Types shared by several kinds: secrets, auth, licenses, volumes, database and small configs.

use crate::enums::{AccessMode, AuthType, LicenseType, SecretType, SshKeySource, VolumeSourceType};
use crate::serde_util::{StringMap, is_zero, patterns};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A secret backend ("vault") and the name of the secret in it.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct SecretConfig {
    /// Backend: `kubernetes` (a Secret in the same namespace), `aws` (AWS Secrets Manager) or
    /// `test`. Empty means no backend.
    #[serde(default, rename = "type", skip_serializing_if = "is_zero")]
    pub type_: SecretType,
    /// Name of the Kubernetes Secret (type `kubernetes`) or the AWS Secrets Manager secret id
    /// (type `aws`).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub vault_name: String,
}

impl SecretConfig {
    /// True when no backend is configured.
    pub fn is_unset(&self) -> bool {
        self.type_ == SecretType::Unset
    }
}

/// Single sign-on settings of Connect or Workbench.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
#[schemars(extend("x-kubernetes-validations" = [{
    "rule": "!has(self.type) || self.type != 'saml' || (has(self.samlMetadataUrl) && self.samlMetadataUrl != '')",
    "message": "auth.type saml requires samlMetadataUrl",
    "fieldPath": ".samlMetadataUrl",
    "reason": "FieldValueRequired"
}]))]
pub struct AuthSpec {
    /// Login method: `password`, `oidc` or `saml`. Empty (or `none`) keeps the product default.
    #[serde(default, rename = "type", skip_serializing_if = "is_zero")]
    pub type_: AuthType,
    /// OIDC client id.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub client_id: String,
    /// OIDC issuer URL.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub issuer: String,
    /// Connect: provision groups from the identity provider (adds the `groups` scope when no
    /// scopes are given).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub groups: bool,
    /// Claim holding the user name.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub username_claim: String,
    /// Connect: claim holding the e-mail address (also the default unique-id claim).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub email_claim: String,
    /// Connect: claim holding the unique user id (falls back to emailClaim, then `email`).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub unique_id_claim: String,
    /// Connect: claim holding the groups.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub groups_claim: String,
    /// Connect: write an empty GroupsClaim, turning the groups claim off. Wins over groupsClaim.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub disable_groups_claim: bool,
    /// SAML identity provider metadata URL. Required when type is `saml`.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub saml_metadata_url: String,
    /// Connect: SAML attribute profile. Excludes the four individual attribute fields; when
    /// neither is set, `default` is used.
    #[serde(
        default,
        rename = "samlIdPAttributeProfile",
        skip_serializing_if = "is_zero"
    )]
    pub saml_idp_attribute_profile: String,
    /// Connect: SAML attribute holding the user name.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub saml_username_attribute: String,
    /// Connect: SAML attribute holding the first name.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub saml_first_name_attribute: String,
    /// Connect: SAML attribute holding the last name.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub saml_last_name_attribute: String,
    /// Connect: SAML attribute holding the e-mail address.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub saml_email_attribute: String,
    /// OIDC scopes to request.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub scopes: Vec<String>,
    /// Connect: identity-provider groups whose members become viewers.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub viewer_role_mapping: Vec<String>,
    /// Connect: identity-provider groups whose members become publishers.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub publisher_role_mapping: Vec<String>,
    /// Connect: identity-provider groups whose members become administrators.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub administrator_role_mapping: Vec<String>,
}

impl AuthSpec {
    /// True when any of the four individual SAML attribute fields is set.
    pub fn has_saml_attributes(&self) -> bool {
        [
            &self.saml_username_attribute,
            &self.saml_first_name_attribute,
            &self.saml_last_name_attribute,
            &self.saml_email_attribute,
        ]
        .iter()
        .any(|value| !value.is_empty())
    }
}

/// CEL rule for specs whose `auth` feeds Connect: the SAML profile excludes the attributes.
pub const CONNECT_SAML_PROFILE_RULE: &str = "!has(self.auth) || !has(self.auth.samlIdPAttributeProfile) || self.auth.samlIdPAttributeProfile == '' || ((!has(self.auth.samlUsernameAttribute) || self.auth.samlUsernameAttribute == '') && (!has(self.auth.samlFirstNameAttribute) || self.auth.samlFirstNameAttribute == '') && (!has(self.auth.samlLastNameAttribute) || self.auth.samlLastNameAttribute == '') && (!has(self.auth.samlEmailAttribute) || self.auth.samlEmailAttribute == ''))";

/// How a product gets its license.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct LicenseSpec {
    /// `FILE` (default) mounts a license file; `KEY` passes `key` to the product.
    #[serde(default, rename = "type", skip_serializing_if = "is_zero")]
    pub type_: LicenseType,
    /// License key, for type `KEY`.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub key: String,
    /// Secret holding the license file (secret type `kubernetes`). Defaults to
    /// `<component>-license`.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub existing_secret_name: String,
    /// Key of the license file in that Secret. Defaults to `license.lic`.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub existing_secret_key: String,
}

/// A persistent volume claim used or created by a product.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct VolumeSpec {
    /// Create the claim. When false an existing claim is used.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub create: bool,
    /// Access modes of a created claim. Defaults to `[ReadWriteOnce]`.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub access_modes: Vec<AccessMode>,
    /// PersistentVolume to bind a created claim to.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub volume_name: String,
    /// Storage class of a created claim. Empty uses the cluster default.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub storage_class_name: String,
    /// Requested size of a created claim, e.g. `10Gi`.
    #[serde(default, skip_serializing_if = "is_zero")]
    #[schemars(regex(pattern = patterns::QUANTITY))]
    pub size: String,
    /// Name of the claim. For additional volumes it also names the pod volume
    /// (`addl-<pvcName>`).
    #[serde(default, skip_serializing_if = "is_zero")]
    #[schemars(regex(pattern = patterns::DNS_SUBDOMAIN), length(max = 253))]
    pub pvc_name: String,
    /// Mount path (additional volumes only).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub mount_path: String,
    /// Mount read-only (additional volumes only).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub read_only: bool,
}

/// Site-provisioned shared storage.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
#[schemars(extend("x-kubernetes-validations" = [
    {
        "rule": "!has(self.type) || self.type != 'fsx-zfs' || (has(self.volumeId) && self.volumeId != '' && has(self.dnsName) && self.dnsName != '')",
        "message": "volumeSource type fsx-zfs requires volumeId and dnsName"
    },
    {
        "rule": "!has(self.type) || self.type != 'nfs' || (has(self.dnsName) && self.dnsName != '')",
        "message": "volumeSource type nfs requires dnsName (the NFS server)"
    }
]))]
pub struct VolumeSource {
    /// Backend: `fsx-zfs`, `nfs` or `azure-netapp`. Empty provisions nothing.
    #[serde(default, rename = "type", skip_serializing_if = "is_zero")]
    pub type_: VolumeSourceType,
    /// FSx for OpenZFS volume id (the CSI volume handle).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub volume_id: String,
    /// FSx DNS name, or the NFS server.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub dns_name: String,
}

/// Database settings of a product; the Site fills them from `main-database-url`.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct PostgresDatabaseConfig {
    /// PostgreSQL server as `host[:port]`.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub host: String,
    /// `sslmode` added to the product's database URLs.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub ssl_mode: String,
    /// Drop the database and role when the product is deleted.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub drop_on_teardown: bool,
    /// Connect: main schema. Defaults to `connect`.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub schema: String,
    /// Connect: instrumentation schema. Defaults to `instrumentation`.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub instrumentation_schema: String,
}

/// A Package Manager Git SSH key.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct SshKeyConfig {
    /// Key id; also the file name under `/mnt/ssh-keys/`.
    #[schemars(regex(pattern = patterns::DNS_LABEL), length(min = 1, max = 63))]
    pub name: String,
    /// Git host the key is for, e.g. `github.com`.
    pub host: String,
    /// Where the private key is stored.
    pub secret_ref: SecretReference,
    /// Where the key's passphrase is stored, if it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub passphrase_secret_ref: Option<SecretReference>,
}

/// Location of one secret value.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct SecretReference {
    /// Backend: `aws-secrets-manager`, `kubernetes` or `azure-key-vault`.
    pub source: SshKeySource,
    /// Secret name in that backend (for AWS, the key in the site SSH vault).
    #[schemars(length(min = 1))]
    pub name: String,
    /// Key inside a Kubernetes Secret.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub key: String,
}

/// Azure Files storage for Package Manager.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct AzureFilesConfig {
    /// Azure Files CSI StorageClass.
    #[schemars(length(min = 1))]
    pub storage_class_name: String,
    /// Share size in GiB; Azure Files needs at least 100.
    #[serde(rename = "shareSizeGiB")]
    #[schemars(range(min = 100))]
    pub share_size_gib: i64,
}

/// Flightdeck feature switches.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct FeatureEnablerConfig {
    /// Serve the configuration page at `/config`.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub show_config: bool,
    /// Show the Posit Academy card.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub show_academy: bool,
}

/// An extra ServiceAccount created for the Site.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ServiceAccountConfig {
    /// The account is named `<site>-<nameSuffix>`.
    #[schemars(regex(pattern = patterns::DNS_LABEL), length(min = 1, max = 63))]
    pub name_suffix: String,
    /// Annotations set on the account, e.g. an IAM role.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub annotations: StringMap,
}

/// A Databricks workspace.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct DatabricksConfig {
    /// Display name.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub name: String,
    /// Workspace URL. Azure workspaces (`azuredatabricks.net`) get their client secret from the
    /// vault key `dev-client-secret-<clientId>`.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub url: String,
    /// OAuth client id.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub client_id: String,
    /// Azure tenant id (accepted, not used).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub tenant_id: String,
}

/// Snowflake OAuth settings for Workbench.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct SnowflakeConfig {
    /// Snowflake account id.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub account_id: String,
    /// OAuth client id. With accountId set, the secret comes from vault key
    /// `snowflake-client-secret`.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub client_id: String,
}
