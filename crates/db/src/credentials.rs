//! The operator-owned Secret holding a generated role password and how to connect with it.
//!
//! When the product vault has no password key, a password is generated once and kept in the
//! Secret `<PostgresDatabase name>-db-credentials` (shortened like every name that would not
//! fit, [`team_api::names::database_credentials_secret`]) with the keys `username`, `password`,
//! `host`, `port`, `database` and `uri`. What to write is returned as data ([`SecretWrite`]);
//! the controller sends it to the API server, the CLI prints it.

use crate::error::{Error, Reason};
use crate::secret::Password;
use crate::secrets;
use crate::url::ConnectionUrl;
use k8s_openapi::ByteString;
use k8s_openapi::api::core::v1::Secret;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, OwnerReference};
use std::collections::BTreeMap;

/// Label every object the operator manages carries.
pub const MANAGED_BY_LABEL: &str = "app.kubernetes.io/managed-by";
pub const MANAGED_BY_VALUE: &str = "team-operator";
/// Label naming the PostgresDatabase a credentials Secret belongs to.
pub const DATABASE_LABEL: &str = "posit.team/postgres-database";

pub const KEY_USERNAME: &str = "username";
pub const KEY_PASSWORD: &str = "password";
pub const KEY_HOST: &str = "host";
pub const KEY_PORT: &str = "port";
pub const KEY_DATABASE: &str = "database";
pub const KEY_URI: &str = "uri";

/// Name of the credentials Secret of the PostgresDatabase `name`.
pub fn secret_name(name: &str) -> String {
    team_api::names::database_credentials_secret(name)
}

/// The PostgresDatabase a credentials Secret belongs to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Owner {
    pub name: String,
    pub namespace: Option<String>,
    /// Known when the resource came from the API server; files usually have none.
    pub uid: Option<String>,
}

/// A change to the credentials Secret.
#[derive(Clone, Debug, PartialEq)]
pub enum SecretWrite {
    Create(Secret),
    /// Same password, other connection details (host, port, ...).
    Replace(Secret),
}

impl SecretWrite {
    pub fn secret(&self) -> &Secret {
        match self {
            SecretWrite::Create(secret) | SecretWrite::Replace(secret) => secret,
        }
    }
}

/// The password kept in an existing credentials Secret, after checking that the operator owns
/// it. `None` when there is no such Secret or it has no password yet.
pub fn existing_password(existing: Option<&Secret>) -> Result<Option<Password>, Error> {
    let Some(secret) = existing else {
        return Ok(None);
    };
    if !is_managed(secret) {
        return Err(Error::new(
            Reason::SecretConflict,
            format!(
                "Secret {:?} exists but is not managed by team-operator (label {MANAGED_BY_LABEL}); \
                 remove it, or give the password in spec.secret under spec.secretPasswordKey",
                secret.metadata.name.as_deref().unwrap_or("")
            ),
        ));
    }
    Ok(secrets::value(secret, KEY_PASSWORD)?
        .filter(|password| !password.is_empty())
        .map(Password::new))
}

/// What to write so the credentials Secret holds `password` and the connection details of
/// `target` (the role's URL); `None` when `existing` already does.
pub fn plan_write(
    owner: &Owner,
    target: &ConnectionUrl,
    password: &Password,
    existing: Option<&Secret>,
) -> Option<SecretWrite> {
    let data = desired_data(target, password);
    let desired = build_secret(owner, data.clone());
    match existing {
        None => Some(SecretWrite::Create(desired)),
        Some(secret) if current_data(secret) == data => None,
        Some(_) => Some(SecretWrite::Replace(desired)),
    }
}

fn desired_data(target: &ConnectionUrl, password: &Password) -> BTreeMap<String, String> {
    let mut url = target.clone();
    url.password = Some(password.clone());
    // Only sslmode is meaningful to a product: a root certificate path is a path on the
    // operator's file system, and timeouts or names are the client's own choice.
    url.parameters.retain(|(key, _)| key == "sslmode");
    BTreeMap::from([
        (
            KEY_USERNAME.to_string(),
            url.user.clone().unwrap_or_default(),
        ),
        (KEY_PASSWORD.to_string(), password.expose().to_string()),
        (KEY_HOST.to_string(), url.endpoint.host.bare()),
        (KEY_PORT.to_string(), url.endpoint.port.to_string()),
        (
            KEY_DATABASE.to_string(),
            url.database.clone().unwrap_or_default(),
        ),
        (KEY_URI.to_string(), url.to_uri(true)),
    ])
}

fn current_data(secret: &Secret) -> BTreeMap<String, String> {
    let mut data: BTreeMap<String, String> = secret
        .data
        .iter()
        .flatten()
        .map(|(key, value)| (key.clone(), String::from_utf8_lossy(&value.0).into_owned()))
        .collect();
    for (key, value) in secret.string_data.iter().flatten() {
        data.insert(key.clone(), value.clone());
    }
    data
}

fn build_secret(owner: &Owner, data: BTreeMap<String, String>) -> Secret {
    let labels = BTreeMap::from([
        (MANAGED_BY_LABEL.to_string(), MANAGED_BY_VALUE.to_string()),
        (DATABASE_LABEL.to_string(), owner.name.clone()),
    ]);
    let owner_references = owner.uid.as_ref().map(|uid| {
        vec![OwnerReference {
            api_version: team_api::API_VERSION.to_string(),
            kind: "PostgresDatabase".to_string(),
            name: owner.name.clone(),
            uid: uid.clone(),
            controller: Some(true),
            block_owner_deletion: Some(true),
        }]
    });
    Secret {
        metadata: ObjectMeta {
            name: Some(secret_name(&owner.name)),
            namespace: owner.namespace.clone(),
            labels: Some(labels),
            owner_references,
            ..ObjectMeta::default()
        },
        type_: Some("Opaque".to_string()),
        data: Some(
            data.into_iter()
                .map(|(key, value)| (key, ByteString(value.into_bytes())))
                .collect(),
        ),
        ..Secret::default()
    }
}

fn is_managed(secret: &Secret) -> bool {
    secret
        .metadata
        .labels
        .as_ref()
        .and_then(|labels| labels.get(MANAGED_BY_LABEL))
        .is_some_and(|value| value == MANAGED_BY_VALUE)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn owner() -> Owner {
        Owner {
            name: "site-connect".into(),
            namespace: Some("posit-team".into()),
            uid: Some("1234".into()),
        }
    }

    fn target() -> ConnectionUrl {
        ConnectionUrl::parse(
            "postgres://site_connect@[::1]:5433/site_connect?sslmode=verify-full&sslrootcert=/ca.pem",
        )
        .unwrap()
    }

    fn data(secret: &Secret) -> BTreeMap<String, String> {
        current_data(secret)
    }

    #[test]
    fn a_missing_secret_is_created_with_all_keys() {
        let password = Password::new("p@ss word");
        let Some(SecretWrite::Create(secret)) = plan_write(&owner(), &target(), &password, None)
        else {
            panic!("expected a Create");
        };
        assert_eq!(
            secret.metadata.name.as_deref(),
            Some("site-connect-db-credentials")
        );
        assert_eq!(secret.metadata.namespace.as_deref(), Some("posit-team"));
        let reference = &secret.metadata.owner_references.as_ref().unwrap()[0];
        assert_eq!(
            (reference.kind.as_str(), reference.uid.as_str()),
            ("PostgresDatabase", "1234")
        );
        assert_eq!(
            data(&secret),
            BTreeMap::from([
                ("database".to_string(), "site_connect".to_string()),
                ("host".to_string(), "::1".to_string()),
                ("password".to_string(), "p@ss word".to_string()),
                ("port".to_string(), "5433".to_string()),
                (
                    "uri".to_string(),
                    "postgresql://site_connect:p%40ss%20word@[::1]:5433/site_connect?sslmode=verify-full"
                        .to_string()
                ),
                ("username".to_string(), "site_connect".to_string()),
            ])
        );
        assert!(is_managed(&secret));
        assert_eq!(existing_password(Some(&secret)).unwrap(), Some(password));
    }

    #[test]
    fn an_up_to_date_secret_is_left_alone_and_a_moved_server_is_rewritten() {
        let password = Password::new("x");
        let written = plan_write(&owner(), &target(), &password, None).unwrap();
        assert_eq!(
            plan_write(&owner(), &target(), &password, Some(written.secret())),
            None
        );
        let mut moved = target();
        moved.endpoint.port = 6000;
        let Some(SecretWrite::Replace(secret)) =
            plan_write(&owner(), &moved, &password, Some(written.secret()))
        else {
            panic!("expected a Replace");
        };
        assert_eq!(data(&secret)["port"], "6000");
        assert_eq!(data(&secret)["password"], "x");
    }

    #[test]
    fn a_secret_the_operator_does_not_manage_is_never_used() {
        let mut foreign = plan_write(&owner(), &target(), &Password::new("x"), None)
            .unwrap()
            .secret()
            .clone();
        foreign.metadata.labels = None;
        let error = existing_password(Some(&foreign)).unwrap_err();
        assert_eq!(error.reason, Reason::SecretConflict);
        assert!(
            error.message.contains("\"site-connect-db-credentials\""),
            "{error}"
        );
    }

    #[test]
    fn files_without_a_uid_get_no_owner_reference() {
        let owner = Owner {
            uid: None,
            ..owner()
        };
        let write = plan_write(&owner, &target(), &Password::new("x"), None).unwrap();
        assert_eq!(write.secret().metadata.owner_references, None);
    }
}
