//! Names of everything the operator creates, kept valid for any Site name.
//!
//! The names are those of the Go operator (`<site>-connect`, `<site>_connect`, ...), so an
//! existing installation is adopted in place. A name that would be too long for Kubernetes
//! (63 characters: Services, and every name used as a label value) or for PostgreSQL (63
//! bytes) is shortened: the Site part is cut and a stable hash of the full Site name is
//! inserted before the suffix (`<site prefix>-<hash>-connect`). Names that fit are never
//! changed, so only names that could not exist before are affected.

use sha2::{Digest, Sha256};

/// The credentials Secret the PostgresDatabase `database_resource` is given (by the database
/// controller, read by the product's pods): `<name>-db-credentials`, shortened to fit.
pub fn database_credentials_secret(database_resource: &str) -> String {
    fit(&format!("{database_resource}-db-credentials"))
}

fn sha256_hex(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// Longest object name or label value the operator produces.
pub const MAX_NAME: usize = 63;
/// Longest PostgreSQL identifier, in bytes.
pub const MAX_IDENTIFIER: usize = 63;
const HASH_LEN: usize = 8;

/// `<base>-<suffix>`, shortened to [`MAX_NAME`] when needed, keeping the suffix.
pub fn child(base: &str, suffix: &str) -> String {
    let full = format!("{base}-{suffix}");
    if full.len() <= MAX_NAME {
        return full;
    }
    let hash = short_hash(base);
    let room = MAX_NAME.saturating_sub(suffix.len() + HASH_LEN + 2);
    if room == 0 {
        return fit(&full);
    }
    let prefix = cut(base, room).trim_end_matches(['-', '.']);
    format!("{prefix}-{hash}-{suffix}")
}

/// Any name, shortened to [`MAX_NAME`] with a stable hash suffix when needed.
pub fn fit(name: &str) -> String {
    if name.len() <= MAX_NAME {
        return name.to_string();
    }
    let prefix = cut(name, MAX_NAME - HASH_LEN - 1).trim_end_matches(['-', '.', '_']);
    format!("{prefix}-{}", short_hash(name))
}

/// A label value: at most 63 characters, starting and ending with a letter or digit.
pub fn label_value(value: &str) -> String {
    fit(value)
}

/// Database and role name of a component: every character outside `[a-z0-9]` becomes `_`,
/// shortened to 63 bytes with a stable hash when needed.
pub fn database_name(component: &str) -> String {
    let normalised: String = component
        .chars()
        .map(|c| {
            if c.is_ascii_lowercase() || c.is_ascii_digit() {
                c
            } else {
                '_'
            }
        })
        .collect();
    if normalised.len() <= MAX_IDENTIFIER {
        return normalised;
    }
    let prefix = cut(&normalised, MAX_IDENTIFIER - HASH_LEN - 1).trim_end_matches('_');
    format!("{prefix}_{}", short_hash(component))
}

/// The first 8 hex digits of the SHA-256 of the text.
pub fn short_hash(text: &str) -> String {
    sha256_hex(text)[..HASH_LEN].to_string()
}

fn cut(text: &str, max: usize) -> &str {
    let mut end = max.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// Names of one product of a Site (the product resource has the Site's name).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProductNames {
    /// The product resource's name (the Site's name).
    pub instance: String,
    /// `<name>-<product>`: Deployment, Service, Ingress, main ConfigMap, ...
    pub component: String,
    product: &'static str,
}

impl ProductNames {
    /// Names of `product` (`connect`, `packagemanager`, `chronicle`, `flightdeck`,
    /// `workbench`) for the resource `instance`.
    pub fn new(instance: &str, product: &'static str) -> Self {
        Self {
            instance: instance.to_string(),
            component: child(instance, product),
            product,
        }
    }

    /// `<name>-<product>-<suffix>` (e.g. `main-connect-templates`).
    pub fn with(&self, suffix: &str) -> String {
        child(&self.instance, &format!("{}-{suffix}", self.product))
    }

    /// Database and role name of the product.
    pub fn database(&self) -> String {
        database_name(&self.component)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_names_are_the_go_operator_names() {
        assert_eq!(child("main", "connect"), "main-connect");
        let names = ProductNames::new("main", "connect");
        assert_eq!(names.component, "main-connect");
        assert_eq!(names.with("templates"), "main-connect-templates");
        assert_eq!(names.database(), "main_connect");
        assert_eq!(database_name("my-site-keycloak"), "my_site_keycloak");
    }

    #[test]
    fn long_names_are_shortened_stably_and_keep_their_suffix() {
        let site = "a".repeat(60);
        let name = child(&site, "packagemanager-ssh-secrets");
        assert!(name.len() <= MAX_NAME, "{name}");
        assert!(name.ends_with("-packagemanager-ssh-secrets"));
        assert_eq!(name, child(&site, "packagemanager-ssh-secrets"));
        // Different long sites never collide through the cut.
        let other = format!("{}b", "a".repeat(59));
        assert_ne!(child(&other, "connect"), child(&site, "connect"));
        assert!(child(&site, "connect").contains(&short_hash(&site)));
    }

    #[test]
    fn shortened_names_are_valid_dns_labels() {
        for length in [50, 56, 57, 63, 64, 100, 253] {
            let site = format!("s{}", "-x".repeat(length / 2));
            for suffix in ["connect", "workbench-auth-login-page-html", "prepull"] {
                let name = child(&site, suffix);
                assert!(name.len() <= 63, "{name}");
                assert!(!name.starts_with('-') && !name.ends_with('-'), "{name}");
                assert!(!name.contains("--"), "{name}");
            }
        }
    }

    #[test]
    fn credentials_secrets_fit_and_keep_short_names() {
        assert_eq!(
            database_credentials_secret("main-connect"),
            "main-connect-db-credentials"
        );
        let long = child(&"s".repeat(63), "connect");
        let secret = database_credentials_secret(&long);
        assert!(secret.len() <= MAX_NAME, "{secret}");
        assert_ne!(
            secret,
            database_credentials_secret(&child(&"t".repeat(63), "connect"))
        );
    }

    #[test]
    fn database_names_fit_postgres_identifiers() {
        let long = format!("{}-connect", "x".repeat(100));
        let db = database_name(&long);
        assert!(db.len() <= MAX_IDENTIFIER);
        assert!(
            db.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        );
        assert_ne!(db, database_name(&format!("{}-connect", "y".repeat(100))));
    }

    #[test]
    fn label_values_fit() {
        let value = label_value(&"z".repeat(200));
        assert!(value.len() <= 63);
        assert!(value.ends_with(char::is_alphanumeric));
    }
}
