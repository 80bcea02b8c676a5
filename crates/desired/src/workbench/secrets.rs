//! Workbench's secrets: the keys the operator generates once, the values it reads from the
//! vault (OIDC and Azure Databricks client secrets), the database password, and with AWS
//! the SecretProviderClass, which names only keys that exist (or that the spec needs).

use super::{ValidatedWorkbench, config, is_oidc, license};
use crate::connect::generated_secret;
use crate::inputs::{self, Found, Inputs, Requirement, Store, Vault};
use crate::object::{Desired, Generated, Recipe};
use crate::postgres;
use crate::product;
use crate::secret_provider::ProviderClass;
use std::collections::BTreeMap;

/// Vault key of the database password.
pub const PASSWORD_KEY: &str = "dev-db-password";
pub const CLIENT_SECRET_KEY: &str = "dev-client-secret";
pub const ADMIN_TOKEN_KEY: &str = "dev-admin-token";
pub const USER_TOKEN_KEY: &str = "dev-user-token";
pub const CHRONICLE_KEY: &str = "dev-chronicle-api-key";
pub const SNOWFLAKE_KEY: &str = "snowflake-client-secret";
/// Bits of the launcher's RSA key.
pub const LAUNCHER_KEY_BITS: usize = 2048;

/// Vault key of an Azure Databricks workspace's client secret.
pub fn databricks_key(client_id: &str) -> String {
    format!("dev-client-secret-{client_id}")
}

/// The Secret synced from the vault with AWS (`<name>-workbench-secret`).
pub fn synced_secret(workbench: &ValidatedWorkbench) -> String {
    workbench.names.with("secret")
}

fn vault_store(workbench: &ValidatedWorkbench) -> Option<Store> {
    workbench.vault.store(&workbench.owner.namespace)
}

/// True when the snowflake settings are complete (validation refuses half of them).
pub fn snowflake(workbench: &ValidatedWorkbench) -> bool {
    let s = &workbench.spec.snowflake;
    !s.account_id.is_empty() && !s.client_id.is_empty()
}

/// True when the Chronicle agent gets an API key.
pub fn chronicle_api_key(workbench: &ValidatedWorkbench) -> bool {
    let spec = &workbench.spec;
    spec.chronicle_sidecar_product_api_key_enabled
        && !spec.chronicle_agent_image.is_empty()
        && workbench.vault != Vault::None
}

/// Azure Databricks workspaces of the secret configuration: (section, client id).
fn azure_databricks(workbench: &ValidatedWorkbench) -> Vec<(String, String)> {
    workbench
        .spec
        .secret_config
        .ini
        .databricks
        .iter()
        .flatten()
        .filter(|(_, w)| config::is_azure_databricks(&w.url))
        .map(|(name, w)| (name.clone(), w.client_id.clone()))
        .collect()
}

/// The Secrets and keys a Workbench refers to.
pub fn requirements(workbench: &ValidatedWorkbench) -> Vec<Requirement> {
    let spec = &workbench.spec;
    let namespace = &workbench.owner.namespace;
    let mut list = product::base_requirements(
        license(),
        &spec.license,
        &workbench.vault,
        namespace,
        &workbench.names.component,
        &[PASSWORD_KEY],
    );
    let Some(store) = vault_store(workbench) else {
        return list;
    };
    if is_oidc(spec) {
        list.push(
            Requirement::required(store.clone(), CLIENT_SECRET_KEY, "spec.auth").with_credential(),
        );
        // API tokens are mounted when the vault has them.
        list.push(Requirement::optional(
            store.clone(),
            ADMIN_TOKEN_KEY,
            "spec.auth",
        ));
        list.push(Requirement::optional(
            store.clone(),
            USER_TOKEN_KEY,
            "spec.auth",
        ));
    }
    if chronicle_api_key(workbench) {
        list.push(Requirement::optional(
            store.clone(),
            CHRONICLE_KEY,
            "spec.chronicleSidecarProductApiKeyEnabled",
        ));
    }
    if snowflake(workbench) {
        list.push(Requirement::required(
            store.clone(),
            SNOWFLAKE_KEY,
            "spec.snowflake",
        ));
    }
    if !spec.dsn_secret.is_empty() {
        list.push(Requirement::required(
            store.clone(),
            &spec.dsn_secret,
            "spec.dsnSecret",
        ));
    }
    for (section, client_id) in azure_databricks(workbench) {
        list.push(
            Requirement::required(
                store.clone(),
                &databricks_key(&client_id),
                &format!("spec.secretConfig.workbench-secret-ini-config.databricks.conf.{section}"),
            )
            .with_credential(),
        );
    }
    list
}

/// A value the operator copies from the vault: the value in a cluster, a marked
/// placeholder offline.
fn copied_value(workbench: &ValidatedWorkbench, inputs: &Inputs, key: &str) -> String {
    let Some(store) = vault_store(workbench) else {
        return String::new();
    };
    match inputs.get(&store, key) {
        Found::Present(Some(value)) => value.clone(),
        Found::Present(None) | Found::NotFetched | Found::Absent => {
            inputs::aws_placeholder(&store, key, "value")
        }
    }
}

/// The OIDC client secret written into `openid-client-secret`.
pub fn client_secret(workbench: &ValidatedWorkbench, inputs: &Inputs) -> String {
    if is_oidc(&workbench.spec) {
        copied_value(workbench, inputs, CLIENT_SECRET_KEY)
    } else {
        String::new()
    }
}

/// Client secrets of the Azure Databricks workspaces, by client id.
pub fn databricks_client_secrets(
    workbench: &ValidatedWorkbench,
    inputs: &Inputs,
) -> BTreeMap<String, String> {
    azure_databricks(workbench)
        .into_iter()
        .map(|(_, client_id)| {
            let value = copied_value(workbench, inputs, &databricks_key(&client_id));
            (client_id, value)
        })
        .collect()
}

/// True when the vault has the key (or it is in AWS and not checked offline).
pub fn available(workbench: &ValidatedWorkbench, inputs: &Inputs, key: &str) -> bool {
    vault_store(workbench).is_some_and(|store| inputs.is_available(&store, key))
}

/// Where the database password comes from: (Secret, key).
pub fn password_source(workbench: &ValidatedWorkbench, inputs: &Inputs) -> (String, String) {
    match &workbench.vault {
        Vault::Aws(_) => (synced_secret(workbench), PASSWORD_KEY.to_string()),
        Vault::Kubernetes(name) if available(workbench, inputs, PASSWORD_KEY) => {
            (name.clone(), PASSWORD_KEY.to_string())
        }
        Vault::Kubernetes(_) | Vault::None => (
            postgres::generated_credentials_secret(&workbench.names.component),
            postgres::GENERATED_PASSWORD_KEY.to_string(),
        ),
    }
}

/// `<name>-workbench-key`: the secure-cookie key (64 hex digits), the launcher's RSA key
/// pair and the test user's password, generated once and never replaced.
pub fn key_secret(workbench: &ValidatedWorkbench) -> Desired {
    let generate = vec![
        Generated {
            key: "key".to_string(),
            recipe: Recipe::RandomHex(32),
        },
        Generated {
            key: "launcher.pem".to_string(),
            recipe: Recipe::RsaPrivateKey(LAUNCHER_KEY_BITS),
        },
        Generated {
            key: "launcher.pub".to_string(),
            recipe: Recipe::RsaPublicKeyOf("launcher.pem"),
        },
        Generated {
            key: "testuser-password".to_string(),
            recipe: Recipe::RandomHex(16),
        },
    ];
    generated_secret(
        &workbench.names.with("key"),
        &workbench.owner,
        workbench.labels.full(),
        generate,
    )
}

/// The SecretProviderClass `<name>-workbench-secrets` (AWS): only the keys in use.
pub fn provider_class(workbench: &ValidatedWorkbench, inputs: &Inputs) -> Option<ProviderClass> {
    if !workbench.vault.is_aws() {
        return None;
    }
    let spec = &workbench.spec;
    let synced = synced_secret(workbench);
    let mut class = ProviderClass::new();
    product::license_alias(license(), &spec.license, &mut class);
    class
        .alias(PASSWORD_KEY, PASSWORD_KEY)
        .sync(&synced, PASSWORD_KEY, PASSWORD_KEY);
    if is_oidc(spec) {
        for (alias, key) in [
            ("admin_token", ADMIN_TOKEN_KEY),
            ("user_token", USER_TOKEN_KEY),
        ] {
            if available(workbench, inputs, key) {
                class.alias(alias, key);
            }
        }
    }
    if chronicle_api_key(workbench) && available(workbench, inputs, CHRONICLE_KEY) {
        class
            .alias(CHRONICLE_KEY, CHRONICLE_KEY)
            .sync(&synced, CHRONICLE_KEY, CHRONICLE_KEY);
    }
    if snowflake(workbench) {
        class
            .alias(SNOWFLAKE_KEY, SNOWFLAKE_KEY)
            .sync(&synced, SNOWFLAKE_KEY, SNOWFLAKE_KEY);
    }
    if !spec.dsn_secret.is_empty() {
        class.alias("odbc.ini", &spec.dsn_secret);
    }
    Some(class)
}
