//! Redaction of configuration shown on `/config`.
//!
//! The page has no login, so anything that could be a credential is replaced by
//! [`REDACTED`]:
//! - every string under a key that names a secret (password, secret, token, credential, key,
//!   database URL, DSN, ...), at any depth below it;
//! - the value of an environment variable (`{name, value}` entries and `addEnv` maps) whose
//!   name names a secret;
//! - any string that is a URL with a password or a database connection URL, or that holds a
//!   PEM private key, wherever it appears.
//!
//! Numbers and booleans are kept: they are never credentials, and switches such as
//! `chronicleSidecarProductApiKeyEnabled` stay readable.

use serde_json::Value;

/// What a redacted value is replaced with.
pub const REDACTED: &str = "[redacted]";

/// A copy of `value` with secrets replaced by [`REDACTED`].
pub fn redact(value: &Value) -> Value {
    redact_under(value, false)
}

fn redact_under(value: &Value, sensitive: bool) -> Value {
    match value {
        Value::String(text) if sensitive || is_secret_value(text) => Value::String(REDACTED.into()),
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|item| redact_under(item, sensitive))
                .collect(),
        ),
        Value::Object(map) => {
            let env_name = env_var_name(map);
            // In tolerations and selector requirements, `key` names a taint or label.
            let key_is_label = map.contains_key("operator");
            let entries = map
                .iter()
                .map(|(key, child)| {
                    let child_sensitive = sensitive
                        || (is_secret_key(key) && !(key_is_label && key == "key"))
                        || (key == "value" && env_name.is_some_and(is_secret_key));
                    (key.clone(), redact_under(child, child_sensitive))
                })
                .collect();
            Value::Object(entries)
        }
        other => other.clone(),
    }
}

/// The name of a Kubernetes `EnvVar` (`{name, value}`), if `map` is one.
fn env_var_name(map: &serde_json::Map<String, Value>) -> Option<&str> {
    if map.contains_key("value") {
        map.get("name").and_then(Value::as_str)
    } else {
        None
    }
}

/// Key fragments that mark a secret, compared against the key lowercased with `-`, `_` and
/// `.` removed.
const SECRET_KEY_PARTS: [&str; 12] = [
    "password",
    "passwd",
    "passphrase",
    "secret",
    "token",
    "credential",
    "apikey",
    "privatekey",
    "databaseurl",
    "connectionstring",
    "dsn",
    "cookie",
];

/// True for a key whose value should never be shown: one containing a secret-ish word, or
/// ending in `key` (license keys, access keys, signing keys). Keys ending in `name`
/// (`existingSecretName`) name where a secret is kept, which is not itself secret.
pub fn is_secret_key(key: &str) -> bool {
    let normalized: String = key
        .chars()
        .filter(|c| !matches!(c, '-' | '_' | '.'))
        .flat_map(char::to_lowercase)
        .collect();
    if normalized.ends_with("name") {
        return false;
    }
    normalized.ends_with("key")
        || normalized.ends_with("url")
            && (normalized.contains("db") || normalized.contains("database"))
        || SECRET_KEY_PARTS
            .iter()
            .any(|part| normalized.contains(part))
}

/// True for a string that is itself a credential or carries one.
pub fn is_secret_value(text: &str) -> bool {
    let lower = text.trim_start().to_ascii_lowercase();
    const DATABASE_SCHEMES: [&str; 8] = [
        "postgres://",
        "postgresql://",
        "mysql://",
        "mariadb://",
        "mongodb://",
        "mongodb+srv://",
        "redis://",
        "sqlserver://",
    ];
    DATABASE_SCHEMES
        .iter()
        .any(|scheme| lower.starts_with(scheme))
        || lower.contains("-----begin") && lower.contains("private key")
        || has_url_password(text)
}

/// `scheme://user:password@host`: a URL with user information that includes a password.
fn has_url_password(text: &str) -> bool {
    text.match_indices("://").any(|(start, _)| {
        let rest = &text[start + 3..];
        let authority = rest
            .split(|c: char| c == '/' || c == '?' || c == '#' || c.is_whitespace())
            .next()
            .unwrap_or("");
        authority
            .rsplit_once('@')
            .is_some_and(|(user_info, _)| user_info.contains(':'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn secret_keys() {
        for key in [
            "password",
            "adminPassword",
            "client_secret",
            "clientSecret",
            "apiToken",
            "key",
            "licenseKey",
            "AWS_SECRET_ACCESS_KEY",
            "dsnSecret",
            "databaseUrl",
            "DB_URL",
            "main-database-url",
            "credentials",
            "sessionCookie",
            "passphraseSecretRef",
        ] {
            assert!(is_secret_key(key), "{key}");
        }
        for key in [
            "image",
            "domainPrefix",
            "clientId",
            "issuer",
            "replicas",
            "name",
            "keyboard",
            "existingSecretName",
            "sessionServiceAccountName",
        ] {
            assert!(!is_secret_key(key), "{key}");
        }
    }

    #[test]
    fn secret_values() {
        assert!(is_secret_value("postgres://u:p@db:5432/x"));
        assert!(is_secret_value("postgresql://db/x?sslmode=require"));
        assert!(is_secret_value("https://user:hunter2@example.com/path"));
        assert!(is_secret_value("see https://a:b@host for details"));
        assert!(is_secret_value("-----BEGIN OPENSSH PRIVATE KEY-----\nabc"));
        assert!(!is_secret_value("https://example.com/a@b"));
        assert!(!is_secret_value("https://user@example.com"));
        assert!(!is_secret_value("posit/connect:2026.08.0"));
    }

    #[test]
    fn redacts_nested_values_env_vars_and_urls() {
        let input = json!({
            "image": "posit/connect:2026.08.0",
            "license": {"type": "KEY", "key": "ABCD-1234"},
            "addEnv": {"DB_PASSWORD": "hunter2", "LOG": "debug", "OTHER": "postgres://a:b@db/x"},
            "experimentalFeatures": {
                "sessionEnvVars": [
                    {"name": "API_TOKEN", "value": "t0k3n"},
                    {"name": "PLAIN", "value": "shown"}
                ],
                "chronicleSidecarProductApiKeyEnabled": true
            },
            "credentials": {"user": "bob", "nested": ["x", {"deep": "y"}], "name": "c"},
            "tolerations": [{"key": "dedicated", "operator": "Equal", "value": "workbench"}],
            "replicas": 2
        });
        let output = redact(&input);
        assert_eq!(
            output,
            json!({
                "image": "posit/connect:2026.08.0",
                "license": {"type": "KEY", "key": REDACTED},
                "addEnv": {"DB_PASSWORD": REDACTED, "LOG": "debug", "OTHER": REDACTED},
                "experimentalFeatures": {
                    "sessionEnvVars": [
                        {"name": "API_TOKEN", "value": REDACTED},
                        {"name": "PLAIN", "value": "shown"}
                    ],
                    "chronicleSidecarProductApiKeyEnabled": true
                },
                "credentials": {"user": REDACTED, "nested": [REDACTED, {"deep": REDACTED}], "name": REDACTED},
                "tolerations": [{"key": "dedicated", "operator": "Equal", "value": "workbench"}],
                "replicas": 2
            })
        );
    }
}
