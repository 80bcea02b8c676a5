//! The read step: which Secrets and keys a resource refers to, and what was found.
//!
//! [`Requirement`]s are a pure function of a spec, so the controllers and `render` fetch
//! exactly the same inputs. A controller fetches the Secrets (and reads AWS Secrets Manager);
//! `render` takes the Secrets from its input files and never reads AWS: those values become
//! marked placeholders and a warning. Only values the builders need (the main database URL)
//! are kept; for every other key only its presence matters.

use std::collections::BTreeMap;
use std::fmt;
use team_api::enums::SecretType;
use team_api::shared::SecretConfig;

/// Where a secret value lives.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Store {
    /// A Kubernetes Secret.
    Kubernetes { namespace: String, name: String },
    /// An AWS Secrets Manager secret (a JSON object of keys).
    Aws { vault: String },
}

impl fmt::Display for Store {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Store::Kubernetes { namespace, name } => write!(f, "Secret {namespace}/{name}"),
            Store::Aws { vault } => write!(f, "AWS Secrets Manager secret {vault}"),
        }
    }
}

/// The secret backend (vault) of a resource.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Vault {
    /// No backend configured.
    None,
    /// A Kubernetes Secret in the resource's namespace (`kubernetes`, and `test`, which
    /// only the Go operator's unit tests gave a meaning of its own).
    Kubernetes(String),
    /// An AWS Secrets Manager secret, synced into pods by the Secrets Store CSI driver.
    Aws(String),
}

impl Vault {
    pub fn of(config: &SecretConfig) -> Self {
        match config.type_ {
            SecretType::Unset => Vault::None,
            SecretType::Kubernetes | SecretType::Test => {
                Vault::Kubernetes(config.vault_name.clone())
            }
            SecretType::Aws => Vault::Aws(config.vault_name.clone()),
        }
    }

    /// The store of this vault for a resource in `namespace`.
    pub fn store(&self, namespace: &str) -> Option<Store> {
        match self {
            Vault::None => None,
            Vault::Kubernetes(name) => Some(Store::Kubernetes {
                namespace: namespace.to_string(),
                name: name.clone(),
            }),
            Vault::Aws(vault) => Some(Store::Aws {
                vault: vault.clone(),
            }),
        }
    }

    pub fn is_aws(&self) -> bool {
        matches!(self, Vault::Aws(_))
    }
}

/// One key a resource refers to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Requirement {
    pub store: Store,
    pub key: String,
    /// A missing required key is an error; a missing optional key changes what is built
    /// (e.g. the operator generates the value instead).
    pub required: bool,
    /// The builders need the value itself, not only its presence.
    pub wants_value: bool,
    /// The value is a credential the operator copies into a Secret it writes (e.g. an OIDC
    /// client secret): offline it is never kept, so render shows a placeholder.
    pub credential: bool,
    /// The field that refers to the key, for error messages.
    pub field: String,
}

impl Requirement {
    pub fn required(store: Store, key: &str, field: &str) -> Self {
        Self {
            store,
            key: key.to_string(),
            required: true,
            wants_value: false,
            credential: false,
            field: field.to_string(),
        }
    }

    pub fn optional(store: Store, key: &str, field: &str) -> Self {
        Self {
            required: false,
            ..Self::required(store, key, field)
        }
    }

    pub fn with_value(mut self) -> Self {
        self.wants_value = true;
        self
    }

    /// The value is needed and is a credential (see [`Requirement::credential`]).
    pub fn with_credential(mut self) -> Self {
        self.wants_value = true;
        self.credential = true;
        self
    }
}

/// What was found for one key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Found {
    /// Present; the value is kept only when a builder needs it.
    Present(Option<String>),
    /// Missing (the Secret or the key).
    Absent,
    /// In AWS Secrets Manager, not read offline: assumed present, shown as a placeholder.
    NotFetched,
}

/// The resolved inputs of one build.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Inputs {
    found: BTreeMap<(Store, String), Found>,
    /// sha256 of each referenced Kubernetes Secret value (never the value itself).
    value_hashes: BTreeMap<(Store, String), String>,
}

impl Inputs {
    /// Records what was found for a key.
    pub fn insert(&mut self, store: Store, key: &str, found: Found) {
        self.found.insert((store, key.to_string()), found);
    }

    /// Remembers a referenced value for [`Inputs::secrets_digest`] (only its hash is kept).
    pub fn record_value(&mut self, store: Store, key: &str, value: &[u8]) {
        let hash = team_config::hash::sha256_hex_bytes(value);
        self.value_hashes.insert((store, key.to_string()), hash);
    }

    /// A digest of every referenced Kubernetes Secret value: it changes when any of them
    /// changes, so stamped on pod templates it rolls the pods that read them. `None` when no
    /// value was recorded.
    pub fn secrets_digest(&self) -> Option<String> {
        if self.value_hashes.is_empty() {
            return None;
        }
        let mut text = String::new();
        for ((store, key), hash) in &self.value_hashes {
            text.push_str(&format!("{store}\u{0}{key}\u{0}{hash}\n"));
        }
        Some(team_config::hash::sha256_hex(&text))
    }

    /// What was found; keys never asked for count as absent.
    pub fn get(&self, store: &Store, key: &str) -> &Found {
        self.found
            .get(&(store.clone(), key.to_string()))
            .unwrap_or(&Found::Absent)
    }

    /// True when the key exists (or is assumed to exist in AWS).
    pub fn is_available(&self, store: &Store, key: &str) -> bool {
        !matches!(self.get(store, key), Found::Absent)
    }
}

/// A Secret or key the spec refers to that does not exist.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MissingInput {
    pub store: Store,
    pub key: String,
    pub field: String,
    pub secret_missing: bool,
}

impl fmt::Display for MissingInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.secret_missing {
            write!(
                f,
                "{}: {} not found (it must hold the key {:?})",
                self.field, self.store, self.key
            )
        } else {
            write!(
                f,
                "{}: {} has no key {:?}",
                self.field, self.store, self.key
            )
        }
    }
}

/// Inputs resolved offline, with the warnings to show.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Resolution {
    pub inputs: Inputs,
    pub warnings: Vec<String>,
}

/// The data of the Kubernetes Secrets available offline, by namespace and name.
pub type SecretData = BTreeMap<(String, String), BTreeMap<String, String>>;

/// Resolves requirements against Secrets given as data (what `render` reads from files);
/// AWS values are not fetched. Every missing required key is reported.
pub fn resolve_offline(
    requirements: &[Requirement],
    secrets: &SecretData,
) -> Result<Resolution, Vec<MissingInput>> {
    let mut resolution = Resolution::default();
    let mut missing = Vec::new();
    for requirement in requirements {
        let found = match &requirement.store {
            Store::Kubernetes { namespace, name } => {
                match secrets.get(&(namespace.clone(), name.clone())) {
                    None => {
                        if requirement.required {
                            missing.push(missing_input(requirement, true));
                        }
                        Found::Absent
                    }
                    Some(data) => match data.get(&requirement.key) {
                        None => {
                            if requirement.required {
                                missing.push(missing_input(requirement, false));
                            }
                            Found::Absent
                        }
                        Some(value) => {
                            resolution.inputs.record_value(
                                requirement.store.clone(),
                                &requirement.key,
                                value.as_bytes(),
                            );
                            Found::Present(
                                (requirement.wants_value && !requirement.credential)
                                    .then(|| value.clone()),
                            )
                        }
                    },
                }
            }
            Store::Aws { vault } => {
                let warning = format!(
                    "{}: key {:?} of AWS Secrets Manager secret {vault} is read by the operator in the cluster; render shows a placeholder",
                    requirement.field, requirement.key
                );
                if requirement.wants_value && !resolution.warnings.contains(&warning) {
                    resolution.warnings.push(warning);
                }
                Found::NotFetched
            }
        };
        resolution
            .inputs
            .insert(requirement.store.clone(), &requirement.key, found);
    }
    if missing.is_empty() {
        Ok(resolution)
    } else {
        missing.dedup();
        Err(missing)
    }
}

fn missing_input(requirement: &Requirement, secret_missing: bool) -> MissingInput {
    MissingInput {
        store: requirement.store.clone(),
        key: requirement.key.clone(),
        field: requirement.field.clone(),
        secret_missing,
    }
}

/// A marked placeholder for a value render does not read (`<aws-secrets-manager:...>`).
pub fn aws_placeholder(store: &Store, key: &str, part: &str) -> String {
    match store {
        Store::Aws { vault } => format!("<aws-secrets-manager:{vault}:{key}:{part}>"),
        Store::Kubernetes { namespace, name } => {
            format!("<secret:{namespace}/{name}:{key}:{part}>")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kube(name: &str) -> Store {
        Store::Kubernetes {
            namespace: "ns".to_string(),
            name: name.to_string(),
        }
    }

    #[test]
    fn present_absent_and_missing_inputs() {
        let secrets = SecretData::from([(
            ("ns".to_string(), "vault".to_string()),
            BTreeMap::from([
                ("url".to_string(), "postgres://x".to_string()),
                ("a".to_string(), "1".to_string()),
            ]),
        )]);
        let requirements = [
            Requirement::required(kube("vault"), "url", "spec.workloadSecret").with_value(),
            Requirement::required(kube("vault"), "a", "spec.license"),
            Requirement::optional(kube("vault"), "b", "spec.secret"),
            Requirement::optional(kube("other"), "c", "spec.secret"),
        ];
        let resolution = resolve_offline(&requirements, &secrets).unwrap();
        let inputs = &resolution.inputs;
        assert_eq!(
            inputs.get(&kube("vault"), "url"),
            &Found::Present(Some("postgres://x".to_string()))
        );
        assert_eq!(
            inputs.get(&kube("vault"), "a"),
            &Found::Present(None),
            "values are kept only when needed"
        );
        assert!(!inputs.is_available(&kube("vault"), "b"));
        assert!(!inputs.is_available(&kube("other"), "c"));
        assert!(resolution.warnings.is_empty());

        let missing = resolve_offline(
            &[
                Requirement::required(kube("vault"), "zzz", "spec.license"),
                Requirement::required(kube("gone"), "k", "spec.workloadSecret"),
            ],
            &secrets,
        )
        .unwrap_err();
        assert_eq!(
            missing[0].to_string(),
            "spec.license: Secret ns/vault has no key \"zzz\""
        );
        assert_eq!(
            missing[1].to_string(),
            "spec.workloadSecret: Secret ns/gone not found (it must hold the key \"k\")"
        );
    }

    #[test]
    fn the_secrets_digest_follows_referenced_values_only() {
        let digest = |url: &str, unrelated: &str| {
            let secrets = SecretData::from([(
                ("ns".to_string(), "vault".to_string()),
                BTreeMap::from([
                    ("url".to_string(), url.to_string()),
                    ("other".to_string(), unrelated.to_string()),
                ]),
            )]);
            let requirement = Requirement::required(kube("vault"), "url", "spec.workloadSecret");
            resolve_offline(&[requirement], &secrets)
                .unwrap()
                .inputs
                .secrets_digest()
        };
        let base = digest("postgres://a", "x");
        assert!(base.is_some());
        assert_eq!(
            base,
            digest("postgres://a", "changed"),
            "unreferenced keys do not count"
        );
        assert_ne!(
            base,
            digest("postgres://b", "x"),
            "a changed value changes the digest"
        );
        let none = resolve_offline(&[], &SecretData::new()).unwrap();
        assert_eq!(none.inputs.secrets_digest(), None);
    }

    #[test]
    fn aws_values_are_not_fetched_offline_and_warn_once() {
        let store = Store::Aws {
            vault: "v".to_string(),
        };
        let requirement =
            Requirement::required(store.clone(), "main-database-url", "spec.workloadSecret")
                .with_value();
        let resolution =
            resolve_offline(&[requirement.clone(), requirement], &SecretData::new()).unwrap();
        assert_eq!(
            resolution.inputs.get(&store, "main-database-url"),
            &Found::NotFetched
        );
        assert!(resolution.inputs.is_available(&store, "main-database-url"));
        assert_eq!(resolution.warnings.len(), 1);
        assert_eq!(
            aws_placeholder(&store, "main-database-url", "host"),
            "<aws-secrets-manager:v:main-database-url:host>"
        );
    }
}
